"""The clause-level diff of two documents and its JSON (SPEC "The redline").

:func:`diff_documents` pairs the clauses (:mod:`amend.align`), recursively
inside each pair, diffs the words of each changed pair
(:mod:`amend.redline`) and flags what a reviewer looks at first
(:mod:`amend.flags`). The result, :class:`DocumentDiff`, feeds every output:
the JSON here, and the text, Markdown and HTML views in
:mod:`amend.diffviews`. This module renders nothing but JSON.

What counts as a change:

- ``modified``: the wording of the title or the text changed, or a
  sub-clause was added, removed, changed or moved;
- ``unchanged``: same wording. A new number alone (a clause inserted above)
  or a move is not a change of wording: it shows in ``old``/``new`` and
  ``moved``. When the Markdown differs without the wording changing
  (emphasis, line wrapping, quotes, spaces, heading level, list style), the
  clause is unchanged with ``formatting_only`` true;
- a clause's ``redline`` covers its own text (``Clause.text``, sub-clauses
  excluded: they have their own entries under ``children``).

The preamble (the text before the first clause) is not a clause, but a change
to it must not go unseen: when it changed, it is the first entry, with id
``preamble``.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .align import Keys, align_clauses
from .clauses import plain_text
from .flags import Flag, flag_added, flag_changes, flag_removed
from .model import Clause, ClauseKind, Document
from .redline import Op, Piece, diff_words, normalize

PREAMBLE_ID = "preamble"


class ChangeStatus(enum.StrEnum):
    """A clause's status in a diff, spelled as in the JSON."""

    UNCHANGED = "unchanged"
    MODIFIED = "modified"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class ClauseDiff:
    """One clause across two revisions: its pair, what happened to it, its redline and flags."""

    id: str
    status: ChangeStatus
    moved: bool
    old: Clause | None
    new: Clause | None
    similarity: float | None
    flags: tuple[Flag, ...]
    redline: tuple[Piece, ...]
    children: tuple[ClauseDiff, ...] = ()
    formatting_only: bool = False

    @property
    def clause(self) -> Clause:
        """The clause as it stands in the newer revision (the old one when removed)."""
        found = self.new or self.old
        assert found is not None
        return found

    @property
    def old_id(self) -> str | None:
        """The clause's anchor in the old revision."""
        return self.old.id if self.old else None

    @property
    def new_id(self) -> str | None:
        """The clause's anchor in the new revision."""
        return self.new.id if self.new else None

    @property
    def renumbered(self) -> bool:
        return self.old is not None and self.new is not None and (self.old.number or "") != (self.new.number or "")

    @property
    def retitled(self) -> bool:
        return self.old is not None and self.new is not None and normalize(self.old.title) != normalize(self.new.title)

    @property
    def is_preamble(self) -> bool:
        return self.id == PREAMBLE_ID and self.clause.line == 0

    @property
    def changed(self) -> bool:
        """Whether a reader has anything to look at: a change of wording, a move or a new number."""
        return self.status is not ChangeStatus.UNCHANGED or self.moved or self.renumbered

    def walk(self) -> Iterator[ClauseDiff]:
        """This entry and all entries below it, in order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over the top-level entries (``moved`` and ``formatting_only`` overlap the others)."""

    unchanged: int
    modified: int
    added: int
    removed: int
    moved: int
    formatting_only: int


@dataclass(frozen=True, slots=True)
class DocumentDiff:
    """Two revisions compared clause by clause; ``clauses`` come in the new order, removed ones where they stood."""

    old_id: str
    new_id: str
    old_title: str
    new_title: str
    clauses: tuple[ClauseDiff, ...]

    @property
    def summary(self) -> Summary:
        count = {status: 0 for status in ChangeStatus}
        for entry in self.clauses:
            count[entry.status] += 1
        return Summary(
            unchanged=count[ChangeStatus.UNCHANGED],
            modified=count[ChangeStatus.MODIFIED],
            added=count[ChangeStatus.ADDED],
            removed=count[ChangeStatus.REMOVED],
            moved=sum(1 for entry in self.clauses if entry.moved),
            formatting_only=sum(1 for entry in self.clauses if entry.formatting_only),
        )

    @property
    def wording_changed(self) -> bool:
        """Whether any clause's wording changed, or a clause was added, removed or moved."""
        return any(e.status is not ChangeStatus.UNCHANGED or e.moved for e in self.clauses)

    @property
    def formatting_only(self) -> bool:
        """The revisions differ in formatting only (SPEC: say so rather than show a change)."""
        return not self.wording_changed and any(e.formatting_only for e in self.clauses)

    def walk(self) -> Iterator[ClauseDiff]:
        for entry in self.clauses:
            yield from entry.walk()

    def flags(self) -> list[tuple[ClauseDiff, Flag]]:
        """Every flag with the entry it belongs to, in document order."""
        return [(entry, flag) for entry in self.walk() for flag in entry.flags]


def diff_documents(old: Document, new: Document) -> DocumentDiff:
    """Compare two documents clause by clause (SPEC "The redline")."""
    keys = Keys()
    entries = list(_diff_lists(old.clauses, new.clauses, keys))
    preamble = _diff_preamble(old.preamble, new.preamble, keys)
    if preamble is not None:
        entries.insert(0, preamble)
    return DocumentDiff(
        old_id=old.id, new_id=new.id, old_title=old.title, new_title=new.title, clauses=tuple(entries)
    )


def diff_clauses(old: Clause, new: Clause, keys: Keys | None = None, moved: bool = False) -> ClauseDiff:
    """Compare one clause with its counterpart: status, redline, flags and sub-clauses."""
    keys = keys or Keys()
    children = tuple(_diff_lists(old.children, new.children, keys))
    identical = keys.raw(old) == keys.raw(new)
    if identical:
        redline: tuple[Piece, ...] = (Piece(Op.EQUAL, new.text),) if new.text else ()
        same_wording = True
        score = 1.0
        flags: tuple[Flag, ...] = ()
    else:
        redline = diff_words(old.text, new.text)
        same_own = keys.own(old) == keys.own(new)
        same_wording = (
            same_own
            and normalize(old.title) == normalize(new.title)
            and all(c.status is ChangeStatus.UNCHANGED and not c.moved for c in children)
        )
        score = 1.0 if same_wording else round(keys.similarity(old, new), 2)
        flags = () if same_own else tuple(flag_changes(old.text, new.text, redline))
    formatting = same_wording and (
        old.source != new.source
        or old.text != new.text
        or old.title != new.title
        or old.level != new.level
        or old.kind != new.kind
        or any(c.formatting_only for c in children)
    )
    return ClauseDiff(
        id=new.id,
        status=ChangeStatus.UNCHANGED if same_wording else ChangeStatus.MODIFIED,
        moved=moved,
        old=old,
        new=new,
        similarity=score,
        flags=flags,
        redline=redline,
        children=children,
        formatting_only=formatting,
    )


def _diff_lists(old: tuple[Clause, ...], new: tuple[Clause, ...], keys: Keys) -> Iterator[ClauseDiff]:
    for row in align_clauses(old, new, keys):
        if row.old is not None and row.new is not None:
            yield diff_clauses(old[row.old], new[row.new], keys, moved=row.moved)
        elif row.new is not None:
            yield _one_sided(new[row.new], ChangeStatus.ADDED, top=True)
        elif row.old is not None:
            yield _one_sided(old[row.old], ChangeStatus.REMOVED, top=True)


def _one_sided(clause: Clause, status: ChangeStatus, top: bool) -> ClauseDiff:
    """An added or removed clause, its sub-clauses with it; obligation flags on the outermost one."""
    added = status is ChangeStatus.ADDED
    flags: list[Flag] = []
    if top:
        whole = " ".join(c.text for c in clause.walk() if c.text)
        flags = flag_added(whole) if added else flag_removed(whole)
    return ClauseDiff(
        id=clause.id,
        status=status,
        moved=False,
        old=None if added else clause,
        new=clause if added else None,
        similarity=None,
        flags=tuple(flags),
        redline=(Piece(Op.INSERT if added else Op.DELETE, clause.text),) if clause.text else (),
        children=tuple(_one_sided(child, status, top=False) for child in clause.children),
    )


def _preamble_clause(text: str) -> Clause:
    return Clause(
        kind=ClauseKind.SECTION, id=PREAMBLE_ID, number=None, title="", source=text, text=plain_text(text), line=0, level=0
    )


def _diff_preamble(old: str, new: str, keys: Keys) -> ClauseDiff | None:
    """The preamble's entry when it changed in any way, else ``None``."""
    if old == new:
        return None
    if not old.strip():
        return _one_sided(_preamble_clause(new), ChangeStatus.ADDED, top=True)
    if not new.strip():
        return _one_sided(_preamble_clause(old), ChangeStatus.REMOVED, top=True)
    return diff_clauses(_preamble_clause(old), _preamble_clause(new), keys)


# --- JSON -------------------------------------------------------------------------------------


def to_data(diff: DocumentDiff) -> dict[str, Any]:
    """The diff as JSON-ready data, keys in the SPEC's order (plus ``formatting_only``)."""
    summary = diff.summary
    return {
        "from": diff.old_id,
        "to": diff.new_id,
        "summary": {
            "unchanged": summary.unchanged,
            "modified": summary.modified,
            "added": summary.added,
            "removed": summary.removed,
            "moved": summary.moved,
            "formatting_only": summary.formatting_only,
        },
        "clauses": [_entry_data(entry) for entry in diff.clauses],
        "formatting_only": diff.formatting_only,
    }


def _entry_data(entry: ClauseDiff) -> dict[str, Any]:
    return {
        "id": entry.id,
        "status": entry.status.value,
        "moved": entry.moved,
        "old": _side(entry.old),
        "new": _side(entry.new),
        "similarity": entry.similarity,
        "flags": [{"kind": f.kind.value, "old": f.old, "new": f.new} for f in entry.flags],
        "redline": [[piece.op.value, piece.text] for piece in entry.redline],
        "children": [_entry_data(child) for child in entry.children],
        "formatting_only": entry.formatting_only,
    }


def _side(clause: Clause | None) -> dict[str, Any] | None:
    if clause is None:
        return None
    return {"number": clause.number, "title": clause.title}


def to_json(diff: DocumentDiff) -> str:
    """The diff as JSON text (UTF-8 characters kept, two-space indent, a final newline)."""
    return json.dumps(to_data(diff), ensure_ascii=False, indent=2) + "\n"
