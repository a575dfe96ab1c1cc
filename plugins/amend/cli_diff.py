"""The ``amend diff OLD NEW`` command (SPEC "The `amend` command").

OLD and NEW are revision ids (files ``<id>.md`` in the revisions folder) or
paths to any Markdown file, with or without front matter. This is an edge: it
reads files, the environment (``NO_COLOR``) and whether standard output is a
terminal; the diff and its views below it do none of that.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import cli
from .diff import diff_documents, to_json
from .diffviews import render_html, render_markdown, render_text
from .model import Document
from .revisions import load_document
from .settings import Settings

FORMATS = ("text", "json", "markdown", "html")


def resolve_document(argument: str, settings: Settings) -> Document:
    """A revision id from the revisions folder, or a path to a Markdown file; else a one-line usage error."""
    candidate = settings.revisions_path / f"{argument}.md"
    path = Path(argument)
    if not argument.endswith(".md") and candidate.is_file():
        path = candidate
    elif not path.is_absolute() and not path.exists() and (settings.root / path).is_file():
        path = settings.root / path
    if not path.is_file():
        known = sorted(p.stem for p in settings.revisions_path.glob("*.md")) if settings.revisions_path.is_dir() else []
        hint = f"; known revisions: {', '.join(known)}" if known else ""
        raise cli.UsageError(
            f"'{argument}' is neither a revision id in {settings.revisions_dir}/ nor a Markdown file{hint}"
        )
    document, problems = load_document(path)
    if document is None:
        raise cli.UsageError("; ".join(problem.render() for problem in problems))
    return document


def wants_color(stream: object = None, environ: dict[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set."""
    env = os.environ if environ is None else environ
    out = sys.stdout if stream is None else stream
    isatty = getattr(out, "isatty", None)
    return "NO_COLOR" not in env and callable(isatty) and bool(isatty())


def cmd_diff(args: argparse.Namespace, settings: Settings) -> int:
    old = resolve_document(args.old, settings)
    new = resolve_document(args.new, settings)
    diff = diff_documents(old, new)
    if args.format == "json":
        output = to_json(diff)
    elif args.format == "markdown":
        output = render_markdown(diff)
    elif args.format == "html":
        output = render_html(diff, old_href=f"../{diff.old_id}/", new_href=f"../{diff.new_id}/")
    else:
        output = render_text(diff, color=wants_color())
    sys.stdout.write(output)
    return 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "diff",
        help="clause-level redline between two revisions (ids or Markdown files)",
        description="Compare two revisions clause by clause: OLD and NEW are revision ids or paths to Markdown files.",
    )
    parser.add_argument("old", metavar="OLD", help="the older revision: an id such as 2025-04-15, or a file")
    parser.add_argument("new", metavar="NEW", help="the newer revision: an id or a file")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.set_defaults(handler=cmd_diff)


cli.EXTRA_COMMANDS.append(register)
