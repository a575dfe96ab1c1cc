"""The ``amend`` command (SPEC "The `amend` command").

The edge where the clock, the environment and the working folder are read:
everything below it takes the as-of date and paths as arguments. Each command
prints problems as ``path:line: message`` (or GitHub annotations) and exits 1
on any; it never shows a traceback for bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from .problems import Problem, render_problems
from .publication import load_site_register, load_site_withdrawals
from .revisions import load_revisions
from .settings import AS_OF_VARIABLE, Settings, first_date, load_settings
from .timeline import Timeline, build_timeline, plural_days
from .zone import UTC_ZONE, Zone


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit 1."""


def resolve_as_of(
    flag: str | None, environ: dict[str, str] | None = None, today: date | None = None, zone: Zone = UTC_ZONE
) -> date:
    """``--as-of``, else ``AMEND_AS_OF``, else today in the agreement's time zone (SPEC "Revision timeline")."""
    env = os.environ if environ is None else environ
    try:
        default = today or zone.day_at(datetime.now(UTC))
        return first_date((("--as-of", flag), (AS_OF_VARIABLE, env.get(AS_OF_VARIABLE))), default)
    except ValueError as error:
        raise UsageError(str(error)) from None


def parse_date_argument(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} is '{value}', not a date; write it as YYYY-MM-DD") from None


# --- amend check -------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    notes: list[str] = []
    if args.base and BASE_RULES is not None:
        settings, notes = BASE_RULES(settings, args.base)
    as_of = resolve_as_of(args.as_of, zone=settings.zone)
    loaded = load_revisions(settings.revisions_path, settings.notice_days, shown_root=settings.root)
    problems = list(loaded.problems)
    problems += load_site_register(settings, loaded.revisions)[1]
    problems += load_site_withdrawals(settings, loaded.revisions)[1]
    history_check = HISTORY_CHECK
    if args.no_history:
        notes.append("history not checked (--no-history): immutability and back-dating were not verified")
    elif history_check is None:
        notes.append("history not checked: this build of amend has no git provenance support")
    else:
        found, note = history_check(settings, loaded.revisions, as_of, args.base)
        problems.extend(found)
        if note:
            notes.append(note)
    if NOTICE_CHECK is not None:
        found, lines = NOTICE_CHECK(settings, as_of, not problems)
        problems.extend(found)
        notes.extend(lines)
    if not settings.timezone:
        notes.append(
            "timezone is not set in mkdocs.yml, so every date is a day in UTC; set the agreement's time zone in "
            "the amend settings, e.g. timezone: America/New_York"
        )
    style = "github" if args.format == "github" else "text"
    if problems:
        print(render_problems(problems, style))
    for note in notes:
        print(
            f"::notice::{note}" if style == "github" else f"note: {note}",
            file=sys.stderr if style == "text" else sys.stdout,
        )
    count = len(loaded.revisions)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", file=sys.stderr)
        return 1
    print(f"{count} revision{'s' if count != 1 else ''} checked: no problems (as of {as_of})", file=sys.stderr)
    return 0


# Set by the provenance module when GitPython is available: (settings, revisions, as_of, base) → (problems, note).
HISTORY_CHECK: Callable[..., tuple[list[Problem], str | None]] | None = None
# Set likewise: (settings, base) → (settings with the base branch's rules, notes on rules the change would alter).
BASE_RULES: Callable[[Settings, str], tuple[Settings, list[str]]] | None = None


# Set by cli_notice: (settings, as_of, sources_valid) → (ledger problems, one line per upcoming notice).
NOTICE_CHECK: Callable[[Settings, date, bool], tuple[list[Problem], list[str]]] | None = None


# --- amend status ------------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    as_of = resolve_as_of(args.as_of, zone=settings.zone)
    loaded = load_revisions(settings.revisions_path, settings.notice_days, shown_root=settings.root)
    if loaded.problems:
        print(render_problems(loaded.problems))
        return 1
    withdrawals, problems = load_site_withdrawals(settings, loaded.revisions)
    if problems:
        print(render_problems(problems))
        return 1
    timeline = build_timeline(loaded.revisions, as_of, settings.notice_days, withdrawals)
    if args.on is not None:
        return print_in_force_on(timeline, parse_date_argument(args.on, "--on"), args.format)
    rows = [
        {
            "id": e.id,
            "status": e.status.value,
            "posted": e.revision.posted.isoformat(),
            "effective": e.revision.effective.isoformat(),
            "notice_days": e.revision.notice_days,
            "days_left": e.days_left(as_of) if e.status.value in ("upcoming", "draft") else None,
            "superseded_by": e.superseded_by.id if e.superseded_by else None,
            "summary": e.revision.summary,
        }
        for e in timeline.entries
    ]
    if args.format == "json":
        print(
            json.dumps({"as_of": as_of.isoformat(), "notice_days": settings.notice_days, "revisions": rows}, indent=2)
        )
        return 0
    print(f"as of {as_of} (notice window: {settings.notice_days} days)")
    print(f"{'revision':<12} {'status':<11} {'posted':<11} {'effective':<11} notice")
    for row, entry in zip(rows, timeline.entries, strict=True):
        extra = ""
        if row["status"] == "upcoming":
            extra = f"  takes effect in {plural_days(entry.days_left(as_of))}"
        elif row["status"] == "draft":
            extra = "  not published yet"
        elif row["status"] == "withdrawn":
            extra = "  withdrawn: never takes effect"
        elif row["superseded_by"]:
            extra = f"  superseded by {row['superseded_by']}"
        print(
            f"{row['id']:<12} {row['status']:<11} {row['posted']:<11} {row['effective']:<11} "
            f"{plural_days(entry.revision.notice_days):>8}{extra}"
        )
    return 0


def print_in_force_on(timeline: Timeline, day: date, style: str) -> int:
    """``amend status --on D``: the published revision that binds on D, as the history page's date form says."""
    period = timeline.in_force_on(day)
    if style == "json":
        record = {
            "as_of": timeline.as_of.isoformat(),
            "on": day.isoformat(),
            "in_force": period.entry.id if period else None,
            "in_force_from": period.start.isoformat() if period else None,
            "in_force_until": period.end.isoformat() if period and period.end else None,
        }
        print(json.dumps(record, indent=2))
        return 0
    print(describe_in_force_on(timeline, day))
    return 0


def describe_in_force_on(timeline: Timeline, day: date) -> str:
    """One sentence: which revision binds on ``day``, from when until when, as published on the as-of date."""
    period = timeline.in_force_on(day)
    verb = "was" if day < timeline.as_of else "is" if day == timeline.as_of else "will be"
    if period is None:
        first = timeline.published[0].revision if timeline.published else None
        after = f"; the first, {first.id}, takes effect on {first.effective}" if first else ""
        return f"No revision {verb} in force on {day}{after} (as published on {timeline.as_of})."
    until = f"until {period.end}" if period.end is not None else "with no later revision published yet"
    return (
        f"On {day} revision {period.entry.id} {verb} in force: from {period.start} {until} "
        f"(as published on {timeline.as_of})."
    )


# --- the parser --------------------------------------------------------------------------------

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="amend", description="Legal documents as code.")
    parser.add_argument("--root", default=".", help="the folder holding mkdocs.yml (default: the current one)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="validate every revision, the timeline and the notice window")
    check.add_argument("--as-of", help="check as of this date (YYYY-MM-DD; default AMEND_AS_OF or today)")
    check.add_argument("--base", help="a git ref to check a pull request's change against, e.g. origin/main")
    check.add_argument("--no-history", action="store_true", help="skip the git-history checks")
    check.add_argument("--format", choices=["text", "github"], default="text")
    check.set_defaults(handler=cmd_check)

    status = commands.add_parser("status", help="every revision with its status, dates and notice given")
    status.add_argument("--as-of")
    status.add_argument("--on", help="only say which published revision binds on this date (YYYY-MM-DD)")
    status.add_argument("--format", choices=["text", "json"], default="text")
    status.set_defaults(handler=cmd_status)

    for register in EXTRA_COMMANDS:
        register(commands)
    return parser


# Other modules' commands: each is a function that adds a subparser with ``set_defaults(handler=…)``.
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []  # type: ignore[type-arg]


def main(argv: Sequence[str] | None = None) -> int:
    _load_extensions()
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = load_settings(Path(args.root).resolve())
    handler: Handler = args.handler
    try:
        settings.zone  # noqa: B018  # a timezone that names no zone stops every command, before anything is read
    except ValueError as error:
        print(f"mkdocs.yml: {error}", file=sys.stderr)
        return 1
    try:
        return handler(args, settings)
    except UsageError as error:
        print(f"amend {args.command}: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


def _load_extensions() -> None:
    """Import the modules that add commands; each registers itself in ``EXTRA_COMMANDS``."""
    import importlib

    for name in COMMAND_MODULES:
        try:
            importlib.import_module(f"amend.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"amend.{name}":
                raise


# Modules that register commands when imported (kept in one list so the order of --help is stable):
# cli_diff (diff), cli_new (new), cli_history (history checks of `check`, pr-report), cli_pdf (pdf),
# cli_notice (notice, and the notice lines of `check` and pr-report), cli_verify (verify).
COMMAND_MODULES: list[str] = ["cli_diff", "cli_new", "cli_history", "cli_pdf", "cli_notice", "cli_verify"]


if __name__ == "__main__":
    sys.exit(main())
