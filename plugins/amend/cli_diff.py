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
from html import escape
from importlib import resources
from pathlib import Path

from . import cli
from .diff import DocumentDiff, diff_documents, to_json
from .diffviews import render_html, render_markdown, render_text
from .model import Document
from .revisions import load_document, revision_id
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


def wants_color(stream: object = None, environ: dict[str, str] | None = None, choice: str = "auto") -> bool:
    """``--color always|never``; ``auto``: colour only on a terminal, and never when ``NO_COLOR`` is set."""
    if choice != "auto":
        return choice == "always"
    env = os.environ if environ is None else environ
    out = sys.stdout if stream is None else stream
    isatty = getattr(out, "isatty", None)
    return "NO_COLOR" not in env and callable(isatty) and bool(isatty())


def cmd_diff(args: argparse.Namespace, settings: Settings) -> int:
    if args.new is None:
        old_arg, dots, new_arg = args.old.partition("...") if "..." in args.old else args.old.partition("..")
        if not dots:
            raise cli.UsageError("name two revisions: amend diff OLD NEW, e.g. amend diff 2025-04-15 2025-10-17")
        raise cli.UsageError(
            f"'{args.old}' is one argument; diff takes OLD and NEW as two: amend diff {old_arg} {new_arg}"
        )
    old = resolve_document(args.old, settings)
    new = resolve_document(args.new, settings)
    if revision_id(f"{old.id}.md") and revision_id(f"{new.id}.md") and old.id > new.id:
        print(
            f"warning: OLD {old.id} is newer than NEW {new.id}, so the redline shows the change backwards "
            f"(deletions as insertions); for the change as made: amend diff {args.new} {args.old}",
            file=sys.stderr,
        )
    diff = diff_documents(old, new)
    if args.format == "json":
        output = to_json(diff)
    elif args.format == "markdown":
        output = render_markdown(diff)
    elif args.format == "html":
        output = standalone_html(diff)
    else:
        output = render_text(diff, color=wants_color(choice=args.color))
    sys.stdout.write(output)
    return 0


def standalone_html(diff: DocumentDiff) -> str:
    """The compare page's redline as a page of its own: styled, one view shown at a time, no request leaves it."""
    styles = "\n".join(
        resources.files("amend").joinpath("assets", name).read_text(encoding="utf-8") for name in STANDALONE_CSS
    )
    body = render_html(diff, old_href=f"{diff.old_id}.md", new_href=f"{diff.new_id}.md")
    title = escape(f"Redline {diff.old_id} → {diff.new_id}")
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
        f"<style>\n{styles}\n{STANDALONE_PAGE_CSS}</style>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n"
        f"{body}\n</main>\n</body>\n</html>\n"
    )


STANDALONE_CSS = ("amend.css", "redline.css")
STANDALONE_PAGE_CSS = """body { font-family: Georgia, "Times New Roman", serif; line-height: 1.5; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; }
"""


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "diff",
        help="clause-level redline between two revisions (ids or Markdown files)",
        description="Compare two revisions clause by clause: OLD and NEW are revision ids or paths to Markdown files.",
    )
    parser.add_argument("old", metavar="OLD", help="the older revision: an id such as 2025-04-15, or a file")
    parser.add_argument("new", metavar="NEW", nargs="?", help="the newer revision: an id or a file")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text redline (auto: on a terminal unless NO_COLOR is set); markers are kept either way",
    )
    parser.set_defaults(handler=cmd_diff)


cli.EXTRA_COMMANDS.append(register)
