"""The one schema of amend's settings in ``mkdocs.yml``, shared by ``amend`` and ``mkdocs build``.

Each setting is declared once, in :class:`AmendConfig`, with MkDocs' own
config classes: the plugin validates its block with it, and the command line
reads ``mkdocs.yml`` and validates the same block with the same class, so the
two accept and refuse the same file with the same messages, each as
``mkdocs.yml:line: message``. A declared option whose name is a field of
:class:`~amend.settings.Settings` (``revisions`` feeds ``revisions_dir``) is
passed to the core without further code: adding a setting is one declaration
here, plus a ``Settings`` field when the core reads it.

An adapter like ``plugin.py`` (it imports MkDocs); the core never imports it.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import base
from mkdocs.config import config_options as c

from .problems import Problem
from .settings import Settings
from .zone import parse_zone

CONFIG_FILE = "mkdocs.yml"
PLUGIN = "amend"


class WholeNumber(c.OptionallyRequired[int]):
    """A whole number of at least ``minimum`` (``True`` and ``30.0`` are not whole numbers)."""

    def __init__(self, minimum: int = 0, example: int = 30, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.minimum = minimum
        self.example = example

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise base.ValidationError(f"is {_quoted(value)}, not a whole number; write digits, e.g. {self.example}")
        if value < self.minimum:
            raise base.ValidationError(f"is {value}; it must be {self.minimum} or more")
        return value


class Text(c.OptionallyRequired[str]):
    """Text; a number is read as its digits (an all-digit commit id such as 1234567 is text to us)."""

    def __init__(self, numbers_as_text: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.numbers_as_text = numbers_as_text

    def run_validation(self, value: object) -> str:
        if self.numbers_as_text and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            raise base.ValidationError(f"is {_quoted(value)}, not text; write it in quotes")
        return value


class OneOf(c.OptionallyRequired[str]):
    """One of a few words."""

    def __init__(self, choices: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def run_validation(self, value: object) -> str:
        if value not in self.choices:
            raise base.ValidationError(f"is {_quoted(value)}; write one of: {', '.join(self.choices)}")
        return str(value)


class Day(c.OptionallyRequired[str]):
    """A date written YYYY-MM-DD (kept as text: the plugin decides between it, AMEND_AS_OF and today)."""

    def run_validation(self, value: object) -> str:
        text = value.isoformat() if isinstance(value, date) else value
        if isinstance(text, str):
            try:
                date.fromisoformat(text.strip())
                return text.strip()
            except ValueError:
                pass
        raise base.ValidationError(f"is {_quoted(value)}, not a date; write it as YYYY-MM-DD, e.g. 2026-01-31")


class TimeZone(c.OptionallyRequired[str]):
    """An IANA time zone name (empty: not set, read as UTC)."""

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise base.ValidationError(
                f"is {_quoted(value)}, not a time zone; write an IANA name, e.g. America/New_York"
            )
        try:
            parse_zone(value)
        except ValueError as error:
            raise base.ValidationError(str(error).removeprefix("timezone ")) from None
        return value.strip()


class AmendConfig(base.Config):  # type: ignore[no-untyped-call]  # MkDocs leaves __init_subclass__ untyped
    revisions = Text(default="baa_versions")
    """Folder of revision files ``YYYY-MM-DD.md``, relative to mkdocs.yml."""
    notice_days = WholeNumber(default=30)
    """Minimum days between posting a revision and its taking effect (SPEC "notice window")."""
    title = Text(default="Business Associate Agreement")
    """The document's name in page titles, feeds and PDFs."""
    organization = Text(default="")
    """Who publishes the agreement (PDF author, feed author)."""
    paper = OneOf(("letter", "a4"), default="letter")
    """PDF paper size: US Letter (default, for a US BAA) or A4."""
    as_of = c.Optional(Day())
    """Build as of this date (YYYY-MM-DD); else the AMEND_AS_OF environment variable; else today."""
    pdf_workers = c.Optional(WholeNumber(minimum=1, example=2))
    """Processes rendering PDFs; default: one per core."""
    cache_dir = Text(default=".cache/amend")
    """Where rendered PDFs are cached between builds, relative to mkdocs.yml."""
    register = Text(default="subprocessors.yml")
    """The subprocessor register (YAML), relative to mkdocs.yml; published at security/subprocessors/ when present."""
    withdrawals = Text(default="withdrawals.yml")
    """Withdrawn revisions (YAML), relative to mkdocs.yml; absent file: none."""
    history_baseline = Text(numbers_as_text=True, default="")
    """A commit on main where revisions older than the repository were imported (read by `amend check`)."""
    notice_to = Text(default="")
    """The mailing list every notice is emailed to (`amend notice --send`); the repository holds no customer
    address."""
    notice_from = Text(default="")
    """The sender (From) of every notice email."""
    objection_address = Text(default="")
    """Where customers object to a subprocessor change: the notice's prefilled mailto: link."""
    list_unsubscribe = Text(default="")
    """A mailto: or https: URL sent as the List-Unsubscribe header of every notice (optional)."""
    notice_ledger = Text(default="notice-ledger.yml")
    """The record of every notice sent, relative to mkdocs.yml; the notice pages show it."""
    timezone = TimeZone(default="")
    """The agreement's time zone (IANA name, e.g. America/New_York): when its days start and what "today" is;
    UTC when not set."""
    archive = Text(default="")
    """The archive of published files (a checkout of the published branch), relative to mkdocs.yml; the
    AMEND_ARCHIVE environment variable overrides it. Without one, the files built are not the published ones."""
    reissues = Text(default="reissues.yml")
    """Deliberate re-issues of published files (file, date, reason), relative to mkdocs.yml."""
    all_pairs_limit = WholeNumber(default=30)
    """Up to this many revisions every pair gets a compare page; past it, adjacent pairs and each against the one
    in force."""


# Option names as written in mkdocs.yml whose Settings field has another name.
SETTINGS_FIELD = {"revisions": "revisions_dir"}


def validate_options(
    options: Mapping[str, Any], config_file: Path | None, lines: Mapping[str, int] | None = None
) -> tuple[AmendConfig | None, list[Problem]]:
    """The amend block validated by :class:`AmendConfig`: the config, or every problem with its line."""
    config, found = keyed_problems(options, config_file, lines)
    return config, [problem for _, problem in found]


def keyed_problems(
    options: Mapping[str, Any], config_file: Path | None, lines: Mapping[str, int] | None = None
) -> tuple[AmendConfig | None, list[tuple[str, Problem]]]:
    """:func:`validate_options` with the setting each problem is about (MkDocs names it in its error).

    ``lines`` maps each key to its line in ``config_file``; without it the lines
    are read from the file. Unknown keys are errors (a typo must not fall back
    to a default silently), with the closest known name as a hint.
    """
    if lines is None:
        lines = _file_option_lines(config_file) if config_file is not None else {}
    shown = CONFIG_FILE if config_file is None else config_file.name
    block_line = lines.get("", None)
    if not isinstance(options, Mapping):
        return None, [
            ("amend", Problem(shown, block_line, "the amend settings must be 'key: value' lines under '- amend:'"))
        ]
    known = sorted(key for key, _ in AmendConfig._schema)
    problems: list[tuple[str, Problem]] = []
    for key in options:
        if str(key) not in known:
            hint = difflib.get_close_matches(str(key), known, n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else f"the settings are: {', '.join(known)}"
            problems.append(
                (str(key), Problem(shown, lines.get(str(key), block_line), f"unknown amend setting '{key}'; {fix}"))
            )
    given = {str(k): v for k, v in options.items() if str(k) in known}
    while True:  # MkDocs stops at an option's first error: validate again without it, to list them all
        config = AmendConfig(config_file_path=str(config_file) if config_file else None)
        config.load_dict(dict(given))
        failed, _warnings = config.validate()
        for key, error in failed:
            problems.append((key, Problem(shown, lines.get(key, block_line), f"amend setting {key} {error}")))
        if not any(key in given for key, _ in failed):
            break  # no failure, or one no given value caused: validating again would find it again
        for key, _ in failed:
            given.pop(key, None)
    return (None if problems else config), problems


def settings_from_config(root: Path, config: AmendConfig, site_url: str = "") -> Settings:
    """The core's settings from a validated config: every option named like a Settings field."""
    fields = Settings.__dataclass_fields__
    values = {SETTINGS_FIELD.get(key, key): config[key] for key in config}
    return Settings(root=root, site_url=site_url, **{k: v for k, v in values.items() if k in fields and k != "root"})


def load_settings(root: Path) -> tuple[Settings, list[Problem]]:
    """Settings from ``root/mkdocs.yml``'s amend block, validated as ``mkdocs build`` validates it.

    Without ``mkdocs.yml`` the defaults hold. A file that is not valid YAML, or an
    amend block with any problem, gives the problems and the defaults (which the
    caller must not act on).
    """
    config_file = root / CONFIG_FILE
    if not config_file.is_file():
        return Settings(root=root), []
    return settings_from_text(config_file.read_text(encoding="utf-8", errors="replace"), root)


def settings_from_text(text: str, root: Path, only: Collection[str] | None = None) -> tuple[Settings, list[Problem]]:
    """Settings from the text of a ``mkdocs.yml`` (the working tree's, or the base branch's), with its problems.

    ``only`` names the settings to read (the others keep their defaults and are
    not checked): the base branch's rules are read this way, so a setting the
    base does not know, or one the change is about to fix, does not stop them
    being applied.
    """
    try:
        data = yaml.load(text, Loader=_TolerantLoader)  # a SafeLoader that also skips MkDocs' tags
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or "invalid YAML"
        hint = _YAML_HINTS.get(problem, "check the indentation and quote any value that contains ': ' or '#'")
        return Settings(root=root), [
            Problem(CONFIG_FILE, (mark.line + 1) if mark else None, f"not valid YAML: {problem}; {hint}")
        ]
    except yaml.YAMLError as error:
        return Settings(root=root), [Problem(CONFIG_FILE, None, f"not valid YAML: {error}")]
    if not isinstance(data, dict):
        return Settings(root=root), [Problem(CONFIG_FILE, 1, "mkdocs.yml must be 'key: value' lines")]
    options: Any = {}
    for plugin in data.get("plugins") or []:
        if isinstance(plugin, dict) and PLUGIN in plugin:
            options = plugin[PLUGIN] or {}
    if only is not None and isinstance(options, Mapping):
        options = {key: value for key, value in options.items() if key in only}
    config, problems = validate_options(options, root / CONFIG_FILE, _option_lines(text))
    if config is None:
        return Settings(root=root), problems
    return settings_from_config(root, config, str(data.get("site_url") or "")), []


_YAML_HINTS = {
    "mapping values are not allowed here": "a value that contains ': ' must be in quotes, e.g. title: \"BAA: 2026\"",
}


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml while ignoring the ``!!python/name`` and ``!ENV`` tags MkDocs allows."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return None


_TolerantLoader.add_multi_constructor("", _ignore_tag)


def _option_lines(text: str) -> dict[str, int]:
    """Lines (1-based) of the amend block's keys in a mkdocs.yml's ``text``; ``""`` is the block's own line."""
    try:
        root = yaml.compose(text, Loader=_TolerantLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if key.value != "plugins" or not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            if not isinstance(item, yaml.MappingNode):
                continue
            for name, block in item.value:
                if name.value == PLUGIN:
                    lines = {"": name.start_mark.line + 1}
                    if isinstance(block, yaml.MappingNode):
                        lines.update({str(k.value): k.start_mark.line + 1 for k, _ in block.value})
                    return lines
    return {}


def _file_option_lines(config_file: Path) -> dict[str, int]:
    try:
        return _option_lines(config_file.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return {}


def _quoted(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)
