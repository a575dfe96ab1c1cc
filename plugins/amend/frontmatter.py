"""Strict reading of a revision's YAML front matter, with line numbers.

PyYAML's plain ``safe_load`` reads ``2025-9-17`` as a string, raises a bare
``ValueError`` without a line for ``2025-02-30`` and keeps the last of two
duplicate keys silently; so this module composes the node tree and checks each
scalar itself. It never raises for bad input: it returns problems.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import yaml

from .problems import Problem

FENCE = "---"
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
LOOSE_DATE_PATTERN = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")

# SPEC "A revision file": all four are required, nothing else is allowed.
REVISION_KEYS: dict[str, str] = {
    "title": "string",
    "posted": "date",
    "effective": "date",
    "summary": "string",
}


@dataclass(frozen=True, slots=True)
class Split:
    """A file cut into its front matter and its Markdown body."""

    front_matter: str | None
    front_line: int  # 1-based line of the first front-matter line
    body: str
    body_line: int  # 1-based line of the first body line
    closed: bool = True


@dataclass(frozen=True, slots=True)
class Entry:
    """One front-matter key with its value and the line it stands on."""

    key: str
    value: object
    line: int


def split_front_matter(text: str) -> Split:
    """Cut ``text`` at its ``---`` fences; a file without them is all body."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return Split(None, 0, text, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            return Split("\n".join(lines[1:index]), 2, "\n".join(lines[index + 1 :]), index + 2)
    return Split("\n".join(lines[1:]), 2, "", len(lines) + 1, closed=False)


def parse_front_matter(yaml_text: str, path: str, first_line: int) -> tuple[list[Entry], list[Problem]]:
    """Every top-level key of a front-matter block, with duplicates and syntax errors reported."""
    node, problems = compose_yaml(yaml_text, path, first_line)
    if problems or node is None:
        return [], problems
    if not isinstance(node, yaml.MappingNode):
        line = first_line + node.start_mark.line
        return [], [Problem(path, line, "front matter must be 'key: value' lines")]
    items, problems = mapping_items(node, path, first_line)
    return [Entry(item.key, _plain_value(item.node), item.line) for item in items], problems


@dataclass(frozen=True, slots=True)
class NodeItem:
    """One key of a YAML mapping with its value still a node (so nested keys keep their lines)."""

    key: str
    node: yaml.Node
    line: int


MAX_YAML = 200_000  # characters of front matter or register: far more than either needs
FIRST_YEAR, LAST_YEAR = 1900, 2999  # SPEC "Bad input": dates outside are problems (date arithmetic stays in range)


def compose_yaml(
    text: str,
    path: str,
    first_line: int,
    what: str = "front matter",
    hint: str = "write one 'key: value' per line",
    hints: Mapping[str, str] | None = None,
) -> tuple[yaml.Node | None, list[Problem]]:
    """The node tree of ``text`` (``None`` when empty), or one problem with its line.

    Shared by front matter and any other YAML a legal team edits (the
    subprocessor register): ``what`` names the text in the message and
    ``hint`` says how to fix it, unless ``hints`` has a better one for
    PyYAML's own description of the problem. ``first_line`` is the file line
    of the text's first line.
    """
    if len(text) > MAX_YAML:
        return None, [Problem(path, first_line, f"{what} is {len(text):,} characters; the limit is {MAX_YAML:,}")]
    try:
        # Anchors and aliases are refused before anything is built from them: a few hundred bytes of
        # nested aliases ("billion laughs") expand to gigabytes in whoever walks the tree.
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor is not None:
                mark = event.start_mark
                line = first_line + (mark.line if mark else 0)
                written = f"*{anchor}" if isinstance(event, yaml.AliasEvent) else f"&{anchor}"
                return None, [
                    Problem(
                        path,
                        line,
                        f"{what} uses the YAML anchor or alias '{written}', which is not allowed; "
                        "write the value out where it is needed",
                    )
                ]
        return yaml.compose(text, Loader=yaml.SafeLoader), []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = error.problem or "invalid YAML"
        fix = (hints or {}).get(problem, hint)
        return None, [Problem(path, line, f"{what} is not valid YAML: {problem}; {fix}")]
    except yaml.YAMLError as error:  # a scanner error without a mark
        return None, [Problem(path, first_line, f"{what} is not valid YAML: {error}")]


def mapping_items(
    node: yaml.MappingNode, path: str, first_line: int, what: str = "front-matter key"
) -> tuple[list[NodeItem], list[Problem]]:
    """The keys of one mapping in file order; a key that is not a word or comes twice is a problem.

    ``what`` names a key in messages ("front-matter key", "register key").
    Of two duplicate keys the first is kept and the second reported, where
    PyYAML alone would silently keep the last.
    """
    items: list[NodeItem] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(path, line, f"{what}s must be plain words"))
            continue
        key = str(key_node.value)
        if key in seen:
            problems.append(Problem(path, line, f"duplicate {what} '{key}' (first on line {seen[key]}); keep one"))
            continue
        seen[key] = line
        items.append(NodeItem(key, value_node, line))
    return items, problems


def plain_value(node: yaml.Node) -> object:
    """A node as plain Python: scalars stay strings (never YAML's guesses at dates or booleans)."""
    return _plain_value(node)


def _plain_value(node: yaml.Node) -> object:
    """Scalars stay strings (dates are checked by the caller); collections become Python."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" or (node.style is None and node.value in ("", "~", "null")):
            return None
        return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_plain_value(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): _plain_value(v) for k, v in node.value}
    return None


def parse_date(value: object, key: str, path: str, line: int) -> tuple[date | None, list[Problem]]:
    """A real ISO date ``YYYY-MM-DD``, or a problem that says what would be right."""
    if not isinstance(value, str) or not value.strip():
        return None, [Problem(path, line, f"'{key}' must be a date written YYYY-MM-DD")]
    text = value.strip()
    if not DATE_PATTERN.fullmatch(text):
        loose = LOOSE_DATE_PATTERN.fullmatch(text)
        if loose:
            fixed = f"{int(loose[1]):04d}-{int(loose[2]):02d}-{int(loose[3]):02d}"
            return None, [Problem(path, line, f"'{key}' is '{text}'; write dates as YYYY-MM-DD, e.g. '{fixed}'")]
        return None, [Problem(path, line, f"'{key}' is '{text}', not a date; write it as YYYY-MM-DD")]
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        return None, [Problem(path, line, f"'{key}' is '{text}', a day that does not exist; check the month and day")]
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        return None, [
            Problem(
                path,
                line,
                f"'{key}' is '{text}'; a date must fall in the years {FIRST_YEAR} to {LAST_YEAR}: check the year",
            )
        ]
    return parsed, []


def closest_key(key: str, known: list[str]) -> str | None:
    """The known key a typo most likely meant, for "did you mean" hints."""
    matches = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return matches[0] if matches else None


@dataclass(frozen=True, slots=True)
class RevisionMeta:
    title: str
    posted: date
    effective: date
    summary: str
    lines: dict[str, int]


def parse_revision_meta(split: Split, path: str) -> tuple[RevisionMeta | None, list[Problem]]:
    """The four required keys of a BAA revision (SPEC "A revision file"), strictly."""
    if split.front_matter is None:
        return None, [
            Problem(
                path,
                1,
                "no front matter; start the file with a '---' block of title, posted, effective and summary, "
                "closed by another '---' (copy it from the previous revision)",
            )
        ]
    if not split.closed:
        return None, [Problem(path, 1, "front matter is not closed; add a line '---' after its last key")]
    entries, problems = parse_front_matter(split.front_matter, path, split.front_line)
    if problems:
        return None, problems
    values: dict[str, object] = {}
    lines: dict[str, int] = {}
    hinted: set[str] = set()
    for entry in entries:
        if entry.key not in REVISION_KEYS:
            hint = closest_key(entry.key, [k for k in REVISION_KEYS if k not in {e.key for e in entries}])
            if hint:
                hinted.add(hint)
            fix = f"did you mean '{hint}'?" if hint else f"the keys are {', '.join(REVISION_KEYS)}"
            problems.append(Problem(path, entry.line, f"unknown front-matter key '{entry.key}'; {fix}"))
            continue
        values[entry.key] = entry.value
        lines[entry.key] = entry.line
    end_line = split.body_line - 1
    for key, kind in REVISION_KEYS.items():
        if key not in values:
            if key in hinted:
                continue  # the unknown key's "did you mean" already says it
            example = "YYYY-MM-DD" if kind == "date" else "…"
            problems.append(Problem(path, end_line, f"missing front-matter key '{key}'; add '{key}: {example}'"))
            continue
        if kind == "string":
            value = values[key]
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(path, lines[key], f"'{key}' must be a non-empty line of text"))

    dates: dict[str, date] = {}
    for key in ("posted", "effective"):
        if key in values:
            parsed, date_problems = parse_date(values[key], key, path, lines[key])
            problems.extend(date_problems)
            if parsed is not None:
                dates[key] = parsed
    if problems:
        return None, problems
    return (
        RevisionMeta(
            title=str(values["title"]).strip(),
            posted=dates["posted"],
            effective=dates["effective"],
            summary=" ".join(str(values["summary"]).split()),
            lines=lines,
        ),
        [],
    )
