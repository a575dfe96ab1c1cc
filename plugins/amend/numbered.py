"""Agreements written as one numbered list → clause tree (SPEC "One text", second paragraph).

Common Paper and Bonterms publish their standard agreements without clause
headings: one ``#`` title, then a numbered list whose items open with their
title, in bold (``1. **Introduction**. This …``) or in a ``<span
class="header_2">`` element, with nested numbered items (``2.1``) under them.
:func:`parse_numbered_list` reads such a body as clauses, so that a redline
pairs clause with clause instead of comparing the whole agreement as one
preamble (and flagging every renumbered item). Raw HTML is read as text:
:func:`amend.clauses.plain_text` drops the tags, nothing is rendered.

Pure text → model, like :mod:`amend.clauses`, which calls it only for a body
that has no clause headings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .model import Clause, ClauseKind

ITEM = re.compile(r"^(\d{1,3})[.)]([ \t]+)(.*)$")
TITLE = re.compile(
    r"^\s*(?:\*\*(?P<bold>[^*]+?)\*\*|<span\s+class=\"header_\d\">(?P<span>.+?)</span>)[ \t]*[.:]?[ \t]*",
    re.IGNORECASE,
)
MIN_ITEMS = 2  # top-level items for a body to read as a numbered agreement


@dataclass
class _Item:
    number: str
    line: int
    lines: list[str] = field(default_factory=list)


def _split(lines: list[tuple[int, str]], top: bool = False) -> tuple[list[tuple[int, str]], list[_Item]]:
    """Lines outside the list, and the items at indent 0 with their (dedented) lines.

    At the top level, a paragraph that starts at the margin after a blank line
    ends the list (a closing note, a licence line): it is text outside the clauses.
    """
    outside: list[tuple[int, str]] = []
    items: list[_Item] = []
    ended = False
    for number, line in lines:
        match = ITEM.match(line)
        if match and not ended:
            item = _Item(match.group(1), number)
            item.lines.append(match.group(3))
            items.append(item)
        elif items and not ended:
            after_blank = not items[-1].lines[-1].strip()
            if top and after_blank and line.strip() and not line[0].isspace():
                ended = True
                outside.append((number, line))
            else:
                items[-1].lines.append(_dedent(line))
        else:
            outside.append((number, line))
    return outside, items


def _dedent(line: str) -> str:
    if line.startswith("\t"):
        return line[1:]
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, 4) :]


def parse_numbered_list(
    lines: list[tuple[int, str]],
    plain_text: Callable[[str], str],
    slugify: Callable[[str], str],
    claim: Callable[[str], str],
) -> tuple[str, tuple[Clause, ...]] | None:
    """The preamble and the clauses of a body written as one numbered list, or ``None`` when it is not one.

    ``lines`` are (line number, text) pairs; ``claim`` hands out document-unique ids.
    """
    lead, items = _split(lines, top=True)
    titled = sum(1 for item in items if TITLE.match(item.lines[0]))
    if len(items) < MIN_ITEMS or titled * 2 < len(items):
        return None
    clauses = tuple(_clause(item, 2, "", None, plain_text, slugify, claim) for item in items)
    preamble = "\n".join(text for _, text in lead).strip("\n")
    return preamble, clauses


def _clause(
    item: _Item,
    level: int,
    prefix: str,
    parent_id: str | None,
    plain_text: Callable[[str], str],
    slugify: Callable[[str], str],
    claim: Callable[[str], str],
) -> Clause:
    number = f"{prefix}.{item.number}" if prefix else item.number
    first = item.lines[0]
    title = ""
    match = TITLE.match(first)
    if match:
        title = plain_text(match.group("bold") or match.group("span") or "").rstrip(".:;, ")
        first = first[match.end() :]
    body = [(item.line + offset, line) for offset, line in enumerate([first, *item.lines[1:]])]
    own, children = _split(body)
    wanted = slugify(title) if title else (f"{parent_id}-{item.number}" if parent_id else f"clause-{number}")
    clause_id = claim(wanted)
    source = "\n".join(line for _, line in own).strip("\n")
    return Clause(
        kind=ClauseKind.SECTION if title else ClauseKind.ITEM,
        id=clause_id,
        number=number,
        title=title,
        source=source,
        text=plain_text(source),
        line=item.line,
        level=level,
        children=tuple(_clause(c, level + 1, number, clause_id, plain_text, slugify, claim) for c in children),
    )
