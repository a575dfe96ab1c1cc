"""One clause through every published revision (SPEC "The site": ``clauses/<id>/``).

A clause is followed through the clause alignment of each adjacent pair of
revisions (:func:`amend.diff.diff_documents`), never through its number or its
title: a renumbered, retitled or moved clause stays one history. Each history
is keyed by the clause's id in the revision where it first appears, so its
address never changes when later revisions are published.

MkDocs-free and pure: revisions and the steps between them come in, histories
come out. Rendering the pages is :mod:`amend.clause_pages`' job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .diff import ChangeStatus, diff_documents
from .diffviews import destinations, render_entry_html
from .model import Clause, ClauseKind, Revision


@dataclass(frozen=True, slots=True)
class Step:
    """What happened to one top-level clause between two adjacent revisions."""

    old_id: str | None  # its id in the older revision (None: added)
    new_id: str | None  # its id in the newer revision (None: removed)
    status: str  # a ChangeStatus value
    html: str = ""  # the clause's redline between the two (empty when nothing changed)
    moved_to: str | None = None  # a removed clause whose text now stands elsewhere: where, as labels

    @property
    def changed(self) -> bool:
        return self.status == ChangeStatus.MODIFIED.value


@dataclass(frozen=True, slots=True)
class Appearance:
    """The clause as it stands in one revision, and the step that led there (None where it first appears)."""

    revision: str
    clause: Clause
    step: Step | None


@dataclass(frozen=True, slots=True)
class ClauseHistory:
    key: str  # the address: the clause's id where it first appears
    appearances: tuple[Appearance, ...]  # oldest first
    removed_in: Step | None = None  # the step that removed it
    removed_in_revision: str | None = None

    @property
    def first(self) -> Appearance:
        return self.appearances[0]

    @property
    def latest(self) -> Appearance:
        return self.appearances[-1]

    @property
    def changes(self) -> int:
        """How many times its wording changed after it first appeared."""
        return sum(1 for a in self.appearances[1:] if a.step is not None and a.step.changed)

    @property
    def last_changed(self) -> str | None:
        changed = [a.revision for a in self.appearances[1:] if a.step is not None and a.step.changed]
        return changed[-1] if changed else None


@dataclass(frozen=True, slots=True)
class ClauseHistories:
    """Every clause history, in the order of the latest revision (removed clauses last)."""

    histories: tuple[ClauseHistory, ...]
    keys: dict[tuple[str, str], str]  # (revision id, clause id) → history key

    def key_of(self, revision: str, clause_id: str) -> str | None:
        return self.keys.get((revision, clause_id))

    def get(self, key: str) -> ClauseHistory | None:
        return next((h for h in self.histories if h.key == key), None)


def top_level(revision: Revision) -> tuple[Clause, ...]:
    """The clauses a history follows: the document's top-level headings."""
    return tuple(c for c in revision.document.clauses if c.kind is ClauseKind.SECTION)


def diff_steps(old: Revision, new: Revision, old_href: str, new_href: str) -> list[Step]:
    """The steps of every top-level clause from ``old`` to ``new``, with each changed clause's redline.

    ``old_href`` and ``new_href`` are the two revision pages as linked from a
    clause page; every clause page sits at the same depth, so one set of
    steps serves them all.
    """
    diff = diff_documents(old.document, new.document)
    old_ids = {c.id for c in top_level(old)}
    new_ids = {c.id for c in top_level(new)}
    where = destinations(diff)
    steps: list[Step] = []
    for entry in diff.clauses:
        if entry.is_preamble:
            continue
        old_id = entry.old_id if entry.old_id in old_ids else None
        new_id = entry.new_id if entry.new_id in new_ids else None
        if old_id is None and new_id is None:
            continue
        status = entry.status.value
        if old_id is None:
            status = ChangeStatus.ADDED.value
        elif new_id is None:
            status = ChangeStatus.REMOVED.value
        shown = entry.changed or status != entry.status.value
        html = render_entry_html(entry, diff, old_href, new_href, where) if shown else ""
        moved_to = where.get(entry.moved_to) if entry.moved_to else None
        steps.append(Step(old_id, new_id, status, html, moved_to))
    return steps


def trace_clauses(revisions: Sequence[Revision], steps: Sequence[Sequence[Step]]) -> ClauseHistories:
    """Follow every top-level clause of ``revisions`` (oldest first) through ``steps`` (one list per adjacent pair)."""
    if not revisions:
        return ClauseHistories((), {})
    chains: list[list[Appearance]] = []
    removed: dict[int, tuple[Step, str]] = {}
    current: dict[str, int] = {}  # clause id in the latest revision seen → chain index
    for clause in top_level(revisions[0]):
        current[clause.id] = len(chains)
        chains.append([Appearance(revisions[0].id, clause, None)])
    for index, pair_steps in enumerate(steps):
        new = revisions[index + 1]
        by_id = {c.id: c for c in top_level(new)}
        following: dict[str, int] = {}
        for step in pair_steps:
            chain = current.get(step.old_id) if step.old_id is not None else None
            if step.new_id is None or step.new_id not in by_id:
                if chain is not None:
                    removed[chain] = (step, new.id)
                continue
            if chain is None:
                chain = len(chains)
                chains.append([])
            chains[chain].append(Appearance(new.id, by_id[step.new_id], step))
            following[step.new_id] = chain
        for clause_id, clause in by_id.items():  # a clause the steps missed starts a history of its own
            if clause_id not in following:
                following[clause_id] = len(chains)
                chains.append([Appearance(new.id, clause, None)])
        for old_id, chain in current.items():
            if chain not in following.values() and chain not in removed:
                removed[chain] = (Step(old_id, None, ChangeStatus.REMOVED.value), new.id)
        current = following
    keys_taken: set[str] = set()
    histories: list[ClauseHistory] = []
    for index, appearances in enumerate(chains):
        key = appearances[0].clause.id
        if key in keys_taken:
            key = f"{key}-{appearances[0].revision}"
        keys_taken.add(key)
        end = removed.get(index)
        histories.append(ClauseHistory(key, tuple(appearances), end[0] if end else None, end[1] if end else None))
    latest = revisions[-1].id
    order = {c.id: n for n, c in enumerate(top_level(revisions[-1]))}
    histories.sort(key=lambda h: (h.latest.revision != latest, order.get(h.latest.clause.id, 0), h.first.revision))
    keys = {(a.revision, a.clause.id): h.key for h in histories for a in h.appearances}
    return ClauseHistories(tuple(histories), keys)
