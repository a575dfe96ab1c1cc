"""``amend renumber FILE``: number a draft's clauses 1, 2, 3… and follow the cross-references to them.

A clause inserted (or removed) without renumbering the rest leaves every later
clause misnumbered; this fixes them all at once. It works on the text's lines
only: a level-2 heading ``## N. Title`` (outside fenced code) is a clause, and
a cross-reference is ``Section N`` / ``Clause N`` (also plural lists such as
``Sections 5, 6 and 7``, and sub-numbers such as ``7.2``). A reference follows
the clause that carried its number before renumbering; where two clauses
carried the same number (one inserted above the other), the later one is meant,
as the reference was written before the insertion. Everything else is left
byte for byte as it was.

Posted revisions are never renumbered: their text is immutable (SPEC
"Revision timeline"). The core part, :func:`renumber_text`, is pure; the
command is the edge that reads the clock, the file and writes it back.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from . import cli
from .frontmatter import parse_date, parse_front_matter, split_front_matter
from .settings import Settings

HEADING = re.compile(r"^(##[ \t]+)(\d+)(\.?[ \t]+)(.*)$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
REFERENCE = re.compile(
    r"\b((?:Section|Clause|Article)s?)(\s+)(\d+(?:\.\d+)*(?:(?:\s*,\s*|\s+(?:and|or|to|through)\s+)\d+(?:\.\d+)*)*)",
    re.I,
)
NUMBER = re.compile(r"\d+(?:\.\d+)*")


@dataclass(frozen=True, slots=True)
class Change:
    line: int  # 1-based, in the file
    old: str
    new: str


def renumber_text(text: str) -> tuple[str, list[Change]]:
    """The text with clauses numbered in order and references following them, and what changed."""
    lines = text.split("\n")
    body_start = _body_start(lines)
    headings: list[tuple[int, str]] = []  # (line index, old number)
    fence: str | None = None
    for index in range(body_start, len(lines)):
        line = lines[index]
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0]:
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        if HEADING.match(line):
            headings.append((index, HEADING.match(line).group(2)))  # type: ignore[union-attr]  # matched above
    mapping: dict[str, str] = {}  # old number → new number; a repeated number means its last clause
    for position, (_, old) in enumerate(headings, start=1):
        mapping[str(int(old))] = str(position)
    heading_lines = {index for index, _ in headings}
    changes: list[Change] = []
    fence = None
    for index in range(body_start, len(lines)):
        line = lines[index]
        opened = FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0]:
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        new_line = line
        if index in heading_lines:
            match = HEADING.match(line)
            assert match is not None
            position = [i for i, _ in headings].index(index) + 1
            new_line = f"{match.group(1)}{position}{match.group(3)}{match.group(4)}"
        new_line = REFERENCE.sub(lambda m: _reference(m, mapping), new_line)
        if new_line != line:
            changes.append(Change(index + 1, line, new_line))
            lines[index] = new_line
    return "\n".join(lines), changes


def _reference(match: re.Match[str], mapping: dict[str, str]) -> str:
    numbers = NUMBER.sub(lambda m: _follow(m.group(0), mapping), match.group(3))
    return f"{match.group(1)}{match.group(2)}{numbers}"


def _follow(number: str, mapping: dict[str, str]) -> str:
    head, _, rest = number.partition(".")
    new = mapping.get(str(int(head)))
    if new is None:
        return number  # not a clause of this text (a statute's section, say): left alone
    return new + (f".{rest}" if rest else "")


def _body_start(lines: list[str]) -> int:
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                return index + 1
    return 0


# --- the command ---------------------------------------------------------------------------------


def cmd_renumber(args: argparse.Namespace, settings: Settings) -> int:
    as_of = cli.resolve_as_of(args.as_of)
    path = Path(args.file)
    if not path.is_file() and (settings.root / path).is_file():
        path = settings.root / path
    if not path.is_file():
        raise cli.UsageError(f"no file {args.file}; name a revision file, e.g. {settings.revisions_dir}/2026-12-17.md")
    shown = args.file
    text = path.read_text(encoding="utf-8")
    split = split_front_matter(text)
    if split.front_matter is not None:
        entries, _ = parse_front_matter(split.front_matter, shown, split.front_line)
        for entry in entries:
            if entry.key == "posted":
                posted, problems = parse_date(entry.value, "posted", shown, entry.line)
                # Posted once its posted day has passed (SPEC "Revision timeline"): on the day itself a
                # revision may still change, as the history check allows.
                if not problems and posted is not None and posted < as_of:
                    raise cli.UsageError(
                        f"{shown} was posted on {posted}; a posted revision never changes, not even its numbering: "
                        "put the change in a new revision (amend new) and renumber that one"
                    )
    renumbered, changes = renumber_text(text)
    if not changes:
        print(f"{shown}: clauses are already numbered in order; nothing to change", file=sys.stderr)
        return 0
    for change in changes:
        print(
            f"{shown}:{change.line}: {change.old.strip()}\n{' ' * (len(shown) + len(str(change.line)) + 2)}→ "
            f"{change.new.strip()}"
        )
    if args.dry_run:
        print(
            f"{len(changes)} line{'s' if len(changes) != 1 else ''} would change (--dry-run: nothing written)",
            file=sys.stderr,
        )
        return 0
    path.write_text(renumbered, encoding="utf-8", newline="\n")
    print(f"{len(changes)} line{'s' if len(changes) != 1 else ''} changed in {shown}", file=sys.stderr)
    return 0


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]  # argparse's private generic
    parser = commands.add_parser(
        "renumber",
        help="number a draft's clauses 1, 2, 3… and update the cross-references to them",
        description=(
            "Renumber the clauses of a draft revision in order, with every 'Section N' / 'Clause N' reference that "
            "points to them. Refuses a posted revision. Prints each changed line."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the draft revision file, e.g. baa_versions/2027-01-15.md")
    parser.add_argument("--dry-run", action="store_true", help="show what would change without writing the file")
    parser.add_argument(
        "--as-of",
        help="today (YYYY-MM-DD): a revision whose posted day has passed is refused (default AMEND_AS_OF or today)",
    )
    parser.set_defaults(handler=cmd_renumber)


cli.EXTRA_COMMANDS.append(register)
