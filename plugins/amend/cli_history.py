"""Git history in the ``amend`` command: the history rules of ``amend check`` and ``amend pr-report``.

Importing this module sets ``cli.HISTORY_CHECK`` (immutability, back-dating and
deletion, proven from git by the provenance module) and registers
``amend pr-report --base REF``: the Markdown of a pull request's sticky comment,
printed to stdout. The report always exits 0 when it could be written, even
when it lists problems: ``amend check`` is the step that fails the build.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from . import cli
from .cli_archive import archive_setting
from .config import CONFIG_FILE, settings_from_text
from .model import Revision, Withdrawal
from .problems import Problem
from .provenance import (
    History,
    Unavailable,
    check_history,
    check_provenance,
    check_register_provenance,
    check_withdrawal_provenance,
    default_base,
    pending_file_texts,
    read_history,
    text_at,
)
from .publication import load_site_register, load_site_withdrawals
from .register import Register, parse_register
from .report import FileChange, RegisterChange, render_pr_report
from .revisions import load_revisions
from .settings import GOVERNING, Settings, governed_by
from .withdrawals import parse_withdrawals


def history_check(
    settings: Settings, revisions: Sequence[Revision], as_of: date, base: str | None
) -> tuple[list[Problem], str | None]:
    """``cli.HISTORY_CHECK``: the git-history problems of the revision folder, or a note why none were checked."""
    del revisions  # the history is read from git, file by file, including files no longer present
    notes: list[str] = []
    if base is None:
        base = default_base(settings.root)
        if base is not None:
            notes.append(f"compared with {base}, where this branch left it (--base REF to compare with another)")
    problems, note = check_provenance(
        settings.root,
        settings.revisions_path,
        as_of,
        base=base,
        baseline=_baseline(settings),
        notice_days=settings.notice_days,
        shown_root=settings.root,
        zone=settings.zone,
    )
    if note is None:
        problems += check_register_provenance(
            settings.root,
            settings.register_path,
            as_of,
            base=base,
            baseline=_baseline(settings),
            notice_days=settings.notice_days,
            shown_root=settings.root,
            zone=settings.zone,
        )
        problems += check_withdrawal_provenance(
            settings.root,
            settings.withdrawals_path,
            as_of,
            base=base,
            baseline=_baseline(settings),
            shown_root=settings.root,
            zone=settings.zone,
        )
    if note:
        notes.append(note)
    return problems, "; ".join(notes) or None


def _baseline(settings: Settings) -> str | None:
    # YAML reads an all-digit commit id as a number; the settings file should quote it, but accept it.
    value = str(settings.history_baseline or "").strip()
    return value or None


def cmd_pr_report(args: argparse.Namespace, settings: Settings) -> int:
    settings, rule_notes = base_rules(settings, args.base)
    if args.settings_problems:
        rule_notes = []  # the change's own settings could not be read: there is nothing to compare with the base's
    as_of = cli.resolve_as_of(args.as_of, zone=settings.zone)
    loaded = load_revisions(settings.revisions_path, settings.notice_days, shown_root=settings.root)
    # A broken mkdocs.yml is the first problem of the report (the check and the build refuse it).
    problems = list(args.settings_problems) + list(loaded.problems)
    notes: list[str] = list(rule_notes)
    history = read_history(
        settings.root,
        settings.revisions_path,
        as_of,
        base=args.base,
        baseline=_baseline(settings),
        shown_root=settings.root,
        zone=settings.zone,
    )
    changes: list[FileChange] = []
    if isinstance(history, Unavailable):
        problems.extend(history.problems)
        if history.note:
            notes.append(history.note)
    else:
        problems.extend(check_history(history, settings.notice_days))
        changes = _file_changes(history)
    # The subprocessor register and the withdrawals: the same problems `amend check` reports.
    register, register_problems = load_site_register(settings, loaded.revisions)
    problems += register_problems + load_site_withdrawals(settings, loaded.revisions)[1]
    if not isinstance(history, Unavailable):
        for check in (check_register_provenance, check_withdrawal_provenance):
            path = settings.register_path if check is check_register_provenance else settings.withdrawals_path
            problems += check(
                settings.root,
                path,
                as_of,
                base=args.base,
                baseline=_baseline(settings),
                shown_root=settings.root,
                zone=settings.zone,
            )
    notices: list[str] = []
    if cli.NOTICE_CHECK is not None:  # whether each upcoming revision's notice went out, and how early
        found, notices = cli.NOTICE_CHECK(settings, as_of, not problems)
        problems.extend(found)
    if cli.PUBLISHED_CHECK is not None:  # a change may not alter a published file (only said with an archive)
        found, lines = cli.PUBLISHED_CHECK(settings, as_of, not problems)
        problems.extend(found)
        if archive_setting(settings):
            notes.extend(lines)
    report = render_pr_report(
        revisions=loaded.revisions,
        changes=changes,
        problems=problems,
        as_of=as_of,
        notice_days=settings.notice_days,
        base=args.base,
        notes=notes,
        notices=notices,
        register=_register_change(settings, args.base, register, bool(register_problems)),
        withdrawals=_new_withdrawals(settings, args.base),
    )
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8", newline="\n")
    else:
        sys.stdout.write(report)
    return 0


def _register_change(
    settings: Settings, base: str | None, register: Register | None, invalid: bool
) -> RegisterChange | None:
    """What the pull request does to the subprocessor register, when it changes the file."""
    texts = pending_file_texts(settings.root, settings.register_path, base)
    if texts is None:
        return None
    shown = settings.register
    old = parse_register(texts[0], shown, settings.notice_days)[0] if texts[0] is not None else None
    return RegisterChange(shown, old, register, invalid)


def _new_withdrawals(settings: Settings, base: str | None) -> list[Withdrawal]:
    """The withdrawals the pull request adds to withdrawals.yml."""
    texts = pending_file_texts(settings.root, settings.withdrawals_path, base)
    if texts is None or texts[1] is None:
        return []
    old = parse_withdrawals(texts[0], settings.withdrawals)[0] if texts[0] is not None else {}
    new = parse_withdrawals(texts[1], settings.withdrawals)[0]
    return [w for key, w in new.items() if key not in old]


def _file_changes(history: History) -> list[FileChange]:
    return [FileChange(c.shown, c.kind.value, c.old_text, c.new_text) for c in history.changes]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]  # argparse's own private type
    report = commands.add_parser(
        "pr-report", help="Markdown for a pull-request comment: the redline and notice window of the change"
    )
    report.add_argument("--base", required=True, help="the branch the pull request targets, e.g. origin/main")
    report.add_argument("--as-of", help="report as of this date (YYYY-MM-DD; default AMEND_AS_OF or today)")
    report.add_argument("-o", "--output", help="write the report to this file instead of stdout")
    report.set_defaults(handler=cmd_pr_report, reports_settings_problems=True)


cli.HISTORY_CHECK = history_check


def base_rules(settings: Settings, base: str) -> tuple[Settings, list[str]]:
    """``cli.BASE_RULES``: a pull request is checked by the base branch's notice_days, timezone and baseline."""
    text = text_at(settings.root, base, settings.root / CONFIG_FILE)
    if text is None:
        return settings, []
    base_settings, problems = settings_from_text(text, settings.root, only=GOVERNING)
    if problems:
        # The change cannot have broken the base's file; it is checked by its own rules until the base is fixed.
        return settings, [
            f"the base branch's {CONFIG_FILE} could not be read ({problems[0].render()}), so this change is checked "
            "by its own notice_days, timezone and history_baseline"
        ]
    return governed_by(settings, base_settings)


cli.BASE_RULES = base_rules
cli.EXTRA_COMMANDS.append(register)
