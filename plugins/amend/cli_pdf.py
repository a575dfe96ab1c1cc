"""The ``amend pdf`` command: one revision's PDF (or one redline's) without building the site.

Registers itself in :data:`amend.cli.EXTRA_COMMANDS` when imported. The edge
where the working folder is used (the default output is ``<REV>.pdf`` in it),
the signing key is read from the environment (as the plugin does) and the
file is written; rendering is :mod:`amend.pdf`'s business, and the bytes are
the same as the site's PDF of that revision for the same settings and key.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from . import cli
from .model import Revision
from .pdf import PAPERS, PdfError, check_paper, render_revision_pdf
from .pdfcache import render_redline
from .problems import Problem, render_problems
from .revisions import parse_revision, read_text
from .settings import SIGNING_KEY_VARIABLE, SIGNING_PASSPHRASE_VARIABLE, Settings

RANGE = "..."


def cmd_pdf(args: argparse.Namespace, settings: Settings) -> int:
    paper = args.paper or settings.paper
    try:
        check_paper(paper)
    except PdfError as error:
        raise cli.UsageError(str(error)) from None
    old_arg, _, new_arg = args.revision.partition(RANGE) if RANGE in args.revision else ("", "", args.revision)
    if RANGE in args.revision and not (old_arg and new_arg):
        raise cli.UsageError(
            f"'{args.revision}' is not a pair of revisions; write OLD...NEW, e.g. 2025-04-15...2025-10-17"
        )
    revisions: list[Revision] = []
    for argument in (old_arg, new_arg) if old_arg else (new_arg,):
        revision, problems = _load(argument, settings)
        if revision is None:
            print(render_problems(problems))
            return 1
        revisions.append(revision)
    try:
        if len(revisions) == 2:
            data = render_redline(revisions[0], revisions[1], paper=paper, organization=settings.organization)
            default_name = f"{revisions[0].id}{RANGE}{revisions[1].id}.pdf"
        else:
            draft = revisions[0].posted > cli.resolve_as_of(args.as_of)
            data = render_revision_pdf(revisions[0], paper=paper, organization=settings.organization, draft=draft)
            default_name = f"{revisions[0].id}.pdf"
        data = _signed(data, revisions)
    except PdfError as error:
        print(f"amend pdf: {error}", file=sys.stderr)
        return 1
    output = Path(args.output) if args.output else Path.cwd() / default_name
    try:
        output.write_bytes(data)
    except OSError as error:
        print(f"amend pdf: cannot write {output}: {error.strerror}", file=sys.stderr)
        return 1
    print(output)
    print(f"{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}, {paper} paper", file=sys.stderr)
    return 0


def _signed(data: bytes, revisions: list[Revision]) -> bytes:
    """Signed as the site signs its PDFs when the environment names a key (a CI secret); as it is otherwise."""
    path = os.environ.get(SIGNING_KEY_VARIABLE, "")
    if not path:
        return data
    from .signing import SigningError, load_signing_key, reason_for, sign_pdf  # pyHanko only when signing

    old = revisions[0].id if len(revisions) == 2 else None
    try:
        key = load_signing_key(path, os.environ.get(SIGNING_PASSPHRASE_VARIABLE, ""))
        return sign_pdf(data, key, revisions[-1].posted, reason=reason_for(old, revisions[-1].id))
    except SigningError as error:
        raise PdfError(str(error)) from None


def _load(argument: str, settings: Settings) -> tuple[Revision | None, list[Problem]]:
    """A revision from its id (a file in the revisions folder) or from the path of a revision file."""
    path = Path(argument)
    if not (argument.endswith(".md") or path.is_file()):
        path = settings.revisions_path / f"{argument}.md"
        if not path.is_file():
            folder = settings.revisions_path
            known = sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []
            hint = f"; revisions are {', '.join(known)}" if known else f"; no revisions in {settings.revisions_path}"
            if ".." in argument:
                hint += f"; to compare two revisions write three dots: {argument.replace('..', '...', 1)}"
            raise cli.UsageError(f"no revision '{argument}'{hint}")
    if not path.is_file():
        raise cli.UsageError(f"no revision file {argument}")
    resolved = path.resolve()
    inside = resolved.is_relative_to(settings.root)
    shown = resolved.relative_to(settings.root).as_posix() if inside else path.as_posix()
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    return parse_revision(text, path, shown)


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]  # argparse's private generic
    parser = commands.add_parser(
        "pdf",
        help="one revision's PDF (or a redline's, OLD...NEW) without building the site",
        description=(
            "Render the PDF the site publishes for one revision, or for the redline between two revisions "
            "(OLD...NEW), without building the site. REV is a revision id (2025-10-17) or a revision file."
        ),
    )
    parser.add_argument("revision", metavar="REV", help="a revision id or file, or OLD...NEW for a redline")
    parser.add_argument("-o", "--output", metavar="FILE", help="where to write the PDF (default: REV.pdf here)")
    parser.add_argument("--paper", choices=sorted(PAPERS), help="paper size (default: the paper setting, else letter)")
    parser.add_argument(
        "--as-of", help="today (YYYY-MM-DD): a revision posted later is marked DRAFT (default AMEND_AS_OF or today)"
    )
    parser.set_defaults(handler=cmd_pdf)


cli.EXTRA_COMMANDS.append(register)
