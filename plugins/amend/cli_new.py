"""The ``amend new`` command: start a new revision from the latest one.

Registers itself in :data:`amend.cli.EXTRA_COMMANDS` when imported. The edge
where today's date is read (``--posted`` defaults to ``AMEND_AS_OF`` or
today) and the new file is written; what the file holds and which dates are
allowed is :mod:`amend.drafting`'s business.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from . import cli
from .drafting import start_revision, write_revision
from .model import Revision
from .problems import render_problems
from .revisions import load_revisions
from .settings import AS_OF_VARIABLE, Settings
from .timeline import plural_days


def cmd_new(args: argparse.Namespace, settings: Settings) -> int:
    today = cli.resolve_as_of(None, zone=settings.zone)
    posted = cli.parse_date_argument(args.posted, "--posted") if args.posted else today
    effective = cli.parse_date_argument(args.effective, "--effective") if args.effective else None
    folder = settings.revisions_path
    revisions: tuple[Revision, ...] = ()  # an empty or missing folder: this is the first revision
    if folder.is_dir() and any(p.suffix == ".md" for p in folder.iterdir()):
        loaded = load_revisions(folder, settings.notice_days, shown_root=settings.root)
        if loaded.problems:
            print(render_problems(loaded.problems))
            print("amend new: fix these problems first, then start the new revision", file=sys.stderr)
            return 1
        revisions = loaded.revisions
    result = start_revision(
        revisions,
        folder,
        posted,
        effective,
        settings.notice_days,
        today=today,
        shown_root=settings.root,
        title=settings.title,
    )
    if isinstance(result, list):
        print(render_problems(result))
        return 1
    path, text = result
    shown = path.relative_to(settings.root).as_posix() if path.is_relative_to(settings.root) else path.as_posix()
    problems = write_revision(path, text, shown)
    if problems:
        print(render_problems(problems))
        return 1
    chosen = date.fromisoformat(path.stem)  # the file is named after its effective date
    latest = max(revisions, key=lambda r: r.id, default=None)
    rule = f"at least {settings.notice_days}" if latest else "a first revision may take effect the day it is posted"
    print(shown)
    print(f"posted:    {posted}")
    print(f"effective: {chosen}" + (" (the first date the notice window allows)" if effective is None else ""))
    print(f"notice window: {plural_days((chosen - posted).days)} ({rule})")
    if latest is not None:
        print(f"copied from {latest.id}: edit the text, replace the summary's TODO line, then open a pull request")
    else:
        print("a first revision: write its clauses and replace every TODO line, then open a pull request")
    return 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]  # argparse's private generic
    parser = commands.add_parser(
        "new",
        help="start a new revision from the latest one, with dates that keep the notice window",
        description=(
            "Copy the latest revision's text into a new file named after its effective date, with posted and "
            "effective filled in so that the notice window is kept."
        ),
    )
    parser.add_argument("--posted", help=f"the day notice is given (YYYY-MM-DD; default {AS_OF_VARIABLE} or today)")
    parser.add_argument(
        "--effective", help="the day it takes effect (YYYY-MM-DD; default: the first day the notice window allows)"
    )
    parser.set_defaults(handler=cmd_new)


cli.EXTRA_COMMANDS.append(register)
