"""The data every other module speaks: revisions, clauses, statuses.

Plain frozen dataclasses and enums, no behaviour beyond small derived
properties. Enum values are the spec's own strings so JSON and templates never
translate them. This module must not import anything from the rest of amend.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


class Status(enum.StrEnum):
    """A revision's status as of a date (SPEC "Revision timeline")."""

    DRAFT = "draft"
    UPCOMING = "upcoming"
    IN_FORCE = "in force"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"  # an upcoming revision called off before it took effect (withdrawals.yml)


def printed_number(number: str | None) -> str:
    """``7`` → ``7.``, ``A`` → ``A.``; ``4.2`` and ``(b)`` stay as they are."""
    if not number:
        return ""
    return f"{number}." if number.isalnum() else number


class ClauseKind(enum.StrEnum):
    """How a clause appears in the Markdown source."""

    SECTION = "section"  # a heading
    LABELLED = "labelled"  # a paragraph or list item opening with a bold label
    ITEM = "item"  # a numbered or lettered list item
    ROW = "row"  # a row of a table that lists things (a definitions table)


@dataclass(frozen=True, slots=True)
class Clause:
    """One node of a document's clause tree.

    ``source`` is the clause's own Markdown without its heading line, its list
    marker and its children; ``text`` is the plain text of ``source`` (markup
    removed, entities decoded, whitespace collapsed), which is what redlines
    compare.
    """

    kind: ClauseKind
    id: str
    number: str | None
    title: str
    source: str
    text: str
    line: int
    level: int
    explicit_id: bool = False
    children: tuple[Clause, ...] = ()

    @property
    def printed_number(self) -> str:
        """The number as a heading prints it: ``7.``, ``A.``, ``4.2``, ``(b)``; empty when unnumbered."""
        return printed_number(self.number)

    @property
    def label(self) -> str:
        """The heading as printed: number and title."""
        return " ".join(part for part in (self.printed_number, self.title) if part)

    def walk(self) -> tuple[Clause, ...]:
        """This clause and all its descendants, in document order."""
        out: list[Clause] = [self]
        for child in self.children:
            out.extend(child.walk())
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed Markdown legal text: front matter aside, a preamble and clauses."""

    id: str
    title: str
    preamble: str
    clauses: tuple[Clause, ...]
    body: str
    body_line: int

    def walk(self) -> tuple[Clause, ...]:
        """Every clause of the document, in document order."""
        out: list[Clause] = []
        for clause in self.clauses:
            out.extend(clause.walk())
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Revision:
    """One BAA revision file: its front matter and its parsed document."""

    id: str
    path: Path
    title: str
    posted: date
    effective: date
    summary: str
    document: Document
    source: str = field(repr=False, default="")
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # front-matter key → line

    @property
    def notice_days(self) -> int:
        """Days of notice the revision gave: effective minus posted."""
        return (self.effective - self.posted).days


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """An upcoming revision called off before it took effect (read by :mod:`amend.withdrawals`)."""

    revision: str  # the revision's id
    day: date  # the day the withdrawal was announced
    reason: str
    line: int = 0  # the entry's first line in withdrawals.yml
    withdrawn_line: int = 0
