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
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from .align import SAME_TITLE_OTHER_LEVEL, SIMILAR, Keys, align_clauses, may_pair_by_content, title_key
from .flags import (
    Flag,
    FlagKind,
    defined_term,
    flag_added,
    flag_changes,
    flag_removed,
    follows_renumbering,
    party,
    quote,
    sentences,
)
from .model import Clause, ClauseKind, Document
from .redline import Op, Piece, bag_similarity, diff_words, normalize, similarity, word_keys

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
    moved_to: str | None = None  # a removed clause whose text now stands elsewhere: that entry's id
    matched: float = 0.0  # words the pair shares, title, text and sub-clauses (for ``similarity``)
    split_from: str | None = None  # an added clause split off a paired one: that entry's id

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
    entries = _rematch(list(_diff_lists(old.clauses, new.clauses, keys)), keys)
    entries = _splits_and_merges(entries, keys)
    preamble = _diff_preamble(old.preamble, new.preamble, keys)
    if preamble is not None:
        entries.insert(0, preamble)
    entries = _settle_flags(entries)
    return DocumentDiff(old_id=old.id, new_id=new.id, old_title=old.title, new_title=new.title, clauses=tuple(entries))


def diff_clauses(
    old: Clause, new: Clause, keys: Keys | None = None, moved: bool = False, term: str | None = None
) -> ClauseDiff:
    """Compare one clause with its counterpart: status, redline, flags and sub-clauses.

    ``term`` is the term the clause defines, when it is a row or a labelled
    paragraph of a definitions clause: every change to it is then a change of
    that definition.
    """
    keys = keys or Keys()
    children = tuple(_diff_lists(old.children, new.children, keys, old, new))
    absorbed = _absorbed(old, new, children)
    if absorbed is not None:
        return absorbed
    identical = keys.raw(old) == keys.raw(new)
    if identical:
        redline: tuple[Piece, ...] = (Piece(Op.EQUAL, new.text),) if new.text else ()
        same_wording = True
        matched = ALL_WORDS  # counted only if a changed parent asks: most clauses never need tokenising
        flags: tuple[Flag, ...] = ()
    else:
        redline = diff_words(old.text, new.text)
        same_own = keys.own(old) == keys.own(new)
        same_wording = (
            same_own
            and normalize(old.title) == normalize(new.title)
            and all(c.status is ChangeStatus.UNCHANGED and not c.moved for c in children)
        )
        # Shared words: of the title, of the text, and of each paired sub-clause (its own count).
        matched = _shared(tuple(word_keys(old.title)), tuple(word_keys(new.title)))
        matched += _shared(keys.own(old), keys.own(new))
        matched += sum(_matched(c, keys) for c in children)
        flags = () if same_own else tuple(flag_changes(old.text, new.text, redline, term))
    score = 1.0 if same_wording else _score(matched, len(keys.content(old)) + len(keys.content(new)))
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
        matched=matched,
    )


ALL_WORDS = -1.0  # ``matched`` of an identical pair: every word, counted on demand


def _matched(entry: ClauseDiff, keys: Keys) -> float:
    if entry.matched == ALL_WORDS and entry.old is not None:
        return float(len(keys.content(entry.old)))
    return entry.matched


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """Words two sequences share in order (symmetric: see :func:`amend.redline.similarity`)."""
    if a == b:
        return float(len(a))
    return similarity(a, b) * (len(a) + len(b)) / 2


def _score(matched: float, size: int) -> float:
    """Similarity for the JSON: two decimals, and below 1.0 for any change of wording."""
    if size == 0:
        return 1.0
    return min(round(2 * matched / size, 2), 0.99)


def _diff_lists(
    old: tuple[Clause, ...],
    new: tuple[Clause, ...],
    keys: Keys,
    old_parent: Clause | None = None,
    new_parent: Clause | None = None,
) -> Iterator[ClauseDiff]:
    for row in align_clauses(old, new, keys):
        if row.old is not None and row.new is not None:
            term = defines(new_parent, new[row.new])
            yield diff_clauses(old[row.old], new[row.new], keys, moved=row.moved, term=term)
        elif row.new is not None:
            yield _one_sided(new[row.new], ChangeStatus.ADDED, top=True, lead_in=new_parent.text if new_parent else "")
        elif row.old is not None:
            yield _one_sided(
                old[row.old], ChangeStatus.REMOVED, top=True, lead_in=old_parent.text if old_parent else ""
            )


def defines(parent: Clause | None, clause: Clause) -> str | None:
    """The term a sub-clause defines: a row or a labelled paragraph of a clause titled "Definitions"."""
    if parent is None or not clause.title or clause.kind not in (ClauseKind.ROW, ClauseKind.LABELLED):
        return None
    return clause.title if "definition" in parent.title.lower() else None


def _absorbed(old: Clause, new: Clause, children: tuple[ClauseDiff, ...]) -> ClauseDiff | None:
    """A labelled sub-clause that became a plain paragraph of its parent (or the other way round), nothing else.

    "**Timing.** Provider shall…" → "*Timing.* Provider shall…" turns a
    labelled sub-clause into body text: the parent's text gains the paragraph
    and the sub-clause is gone, though no word changed. When putting the
    sub-clause's words back into the parent's text gives the same wording,
    the pair is unchanged with ``formatting_only``, and nothing is flagged.
    """
    gone = [c for c in children if c.status is ChangeStatus.REMOVED and _label_only(c.old)]
    came = [c for c in children if c.status is ChangeStatus.ADDED and _label_only(c.new)]
    if not gone and not came:
        return None
    rest = [c for c in children if c not in gone and c not in came]
    if any(c.status is not ChangeStatus.UNCHANGED or c.moved for c in rest):
        return None
    old_words: str | None = normalize(old.text)
    new_words: str | None = normalize(new.text)
    for entry in gone:
        assert entry.old is not None
        old_words = _splice(old_words, new_words, normalize(entry.old.text))
    for entry in came:
        assert entry.new is not None
        new_words = _splice(new_words, old_words, normalize(entry.new.text))
    if old_words is None or new_words is None or word_keys(old_words) != word_keys(new_words):
        return None
    if normalize(old.title) != normalize(new.title):
        return None
    return ClauseDiff(
        id=new.id,
        status=ChangeStatus.UNCHANGED,
        moved=False,
        old=old,
        new=new,
        similarity=1.0,
        flags=(),
        redline=diff_words(old.text, new.text),  # lossless: the paragraph that lost (or gained) its label
        children=tuple(rest),
        formatting_only=True,
    )


def _label_only(clause: Clause | None) -> bool:
    """A labelled paragraph without sub-clauses: its label is part of its text, so no word is lost with it."""
    return clause is not None and clause.kind is ClauseKind.LABELLED and bool(clause.text) and not clause.children


def _splice(text: str | None, other: str | None, part: str) -> str | None:
    """``text`` with ``part`` put back where it stands in ``other`` (``None`` when ``other`` lacks it)."""
    if text is None or other is None:
        return None
    at = other.find(part)
    if at < 0 or part in text:
        return None
    before = other[:at].strip()
    if not before:
        return f"{part} {text}".strip()
    tail = before[-40:]
    found = text.find(tail)
    if found < 0:
        return None
    cut = found + len(tail)
    return f"{text[:cut]} {part} {text[cut:]}".strip()


CROSS_LIMIT = 40_000  # removed x added clauses beyond which only exact wording is matched across levels


def _rematch(entries: list[ClauseDiff], keys: Keys) -> list[ClauseDiff]:
    """Pair clauses that moved to another level or parent (a clause folded into another, or split out).

    Alignment works inside one list of siblings; a clause that left its parent
    shows there as removed and elsewhere as added. Here every removed clause is
    compared with every added one on its own title and text (sub-clauses are
    compared on their own); pairs at least :data:`amend.align.SIMILAR` alike,
    best first, become one moved entry where the clause now stands, and the
    removed entry stays where it stood, pointing there (``moved_to``), without
    an obligation flag: the obligation did not go.
    """
    removed: list[tuple[ClauseDiff, int]] = []
    added: list[tuple[ClauseDiff, int]] = []

    def collect(entry: ClauseDiff, parent: int) -> None:
        if entry.status is ChangeStatus.REMOVED:
            removed.append((entry, parent))
        elif entry.status is ChangeStatus.ADDED:
            added.append((entry, parent))
        for child in entry.children:
            collect(child, id(entry))

    for entry in entries:
        collect(entry, 0)
    if not removed or not added:
        return entries
    # Titles that name one clause on each side: only those carry a clause to another level on a lower bar
    # ("Short version" under every section names none in particular).
    old_titles: dict[str, int] = {}
    new_titles: dict[str, int] = {}
    for entry in entries:
        for e in entry.walk():
            if e.old is not None and e.old.title:
                old_titles[title_key(e.old)] = old_titles.get(title_key(e.old), 0) + 1
            if e.new is not None and e.new.title:
                new_titles[title_key(e.new)] = new_titles.get(title_key(e.new), 0) + 1

    def own(clause: Clause) -> tuple[str, ...]:
        return tuple(word_keys(clause.title)) + keys.own(clause)

    exact_only = len(removed) * len(added) > CROSS_LIMIT
    candidates: list[tuple[float, int, int]] = []
    for r_index, (r_entry, _) in enumerate(removed):
        r_clause = r_entry.clause
        if not r_clause.text:
            continue
        r_own = own(r_clause)
        for a_index, (a_entry, _) in enumerate(added):
            a_clause = a_entry.clause
            if not a_clause.text or not may_pair_by_content(r_clause, a_clause):
                continue
            a_own = own(a_clause)
            # The same title at another level (a section become a subsection) needs less of the words.
            key = title_key(r_clause)
            unique = old_titles.get(key) == 1 and new_titles.get(key) == 1
            bar = SAME_TITLE_OTHER_LEVEL if r_clause.title and key == title_key(a_clause) and unique else SIMILAR
            if r_own == a_own:
                candidates.append((-1.0, r_index, a_index))
            elif not exact_only and bag_similarity(r_own, a_own) >= bar:
                score = similarity(r_own, a_own)
                if score >= bar:
                    candidates.append((-score, r_index, a_index))
    if not candidates:
        return entries
    candidates.sort()
    partner: dict[int, tuple[ClauseDiff, bool]] = {}  # id(added entry) → (removed entry, moved)
    moved_to: dict[int, str] = {}  # id(removed entry) → new id
    used: set[int] = set()
    for _, r_index, a_index in candidates:
        r_entry, r_parent = removed[r_index]
        a_entry, a_parent = added[a_index]
        if id(r_entry) in used or id(a_entry) in partner:
            continue
        used.add(id(r_entry))
        partner[id(a_entry)] = (r_entry, r_parent != a_parent)
        if r_parent != a_parent:
            moved_to[id(r_entry)] = a_entry.clause.id

    def rebuild(entry: ClauseDiff, parent: ClauseDiff | None) -> ClauseDiff | None:
        parent_status = parent.status if parent is not None else None
        children = tuple(kept for child in entry.children if (kept := rebuild(child, entry)) is not None)
        found = partner.get(id(entry))
        if found is not None:
            r_entry, moved = found
            return _paired_across(r_entry.clause, entry.clause, children, keys, moved)
        if id(entry) in used and id(entry) not in moved_to:
            return None  # paired with a clause in the same list: shown there
        changed = replace(entry, children=children, moved_to=moved_to.get(id(entry), entry.moved_to))
        if entry.status in (ChangeStatus.ADDED, ChangeStatus.REMOVED) and parent_status is not entry.status:
            lead = ""
            if parent is not None:
                side = parent.new if entry.status is ChangeStatus.ADDED else parent.old
                lead = side.text if side is not None else ""
            changed = replace(changed, flags=tuple(_obligation_flags(changed, lead)))
        return changed

    return [kept for entry in entries if (kept := rebuild(entry, None)) is not None]


CONTAINED = 0.8  # share of a clause's words found in its neighbour for it to count as split off or merged in


def _splits_and_merges(entries: list[ClauseDiff], keys: Keys) -> list[ClauseDiff]:
    """Recognise, among siblings, a clause split off a paired one or merged into it.

    Alignment pairs a split clause with its best-matching part and reports the
    other part as added (a merge: the other source as removed). When at least
    :data:`CONTAINED` of that part's words stand in the paired clause's old text
    (for a merge, its new text), the part is marked ``split_from`` (or
    ``moved_to``) the pair, it carries no obligation flag (nothing was
    obliged anew or released), and the pair's flags compare its old text with
    the new texts of both parts (or the old texts of both sources with its new
    text), so that words which only moved are not flagged.
    """
    paired = [e for e in entries if e.old is not None and e.new is not None and e.status is ChangeStatus.MODIFIED]
    extra_old: dict[int, list[str]] = {}
    extra_new: dict[int, list[str]] = {}
    marks: dict[int, ClauseDiff] = {}
    for entry in entries:
        if entry.status not in (ChangeStatus.ADDED, ChangeStatus.REMOVED) or entry.moved_to or not entry.clause.text:
            continue
        own = keys.own(entry.clause)
        best: tuple[float, ClauseDiff] | None = None
        for pair in paired:
            assert pair.old is not None and pair.new is not None
            if not may_pair_by_content(entry.clause, pair.new):
                continue
            other = keys.own(pair.old if entry.status is ChangeStatus.ADDED else pair.new)
            contained = _shared(own, other) / len(own) if own else 0.0
            if contained >= CONTAINED and (best is None or contained > best[0]):
                best = (contained, pair)
        if best is None:
            continue
        pair = best[1]
        assert pair.new is not None
        if entry.status is ChangeStatus.ADDED:
            marks[id(entry)] = replace(entry, flags=(), split_from=pair.new.id)
            extra_new.setdefault(id(pair), []).append(entry.clause.text)
        else:
            marks[id(entry)] = replace(entry, flags=(), moved_to=pair.new.id)
            extra_old.setdefault(id(pair), []).append(entry.clause.text)
    out: list[ClauseDiff] = []
    for entry in entries:
        entry = marks.get(id(entry), entry)
        if id(entry) in extra_old or id(entry) in extra_new:
            assert entry.old is not None and entry.new is not None
            old_text = " ".join([*extra_old.get(id(entry), []), entry.old.text])
            new_text = " ".join([entry.new.text, *extra_new.get(id(entry), [])])
            entry = replace(entry, flags=tuple(flag_changes(old_text, new_text, diff_words(old_text, new_text))))
        children = tuple(_splits_and_merges(list(entry.children), keys)) if entry.children else ()
        out.append(replace(entry, children=children) if children != entry.children else entry)
    return out


def _settle_flags(entries: list[ClauseDiff]) -> list[ClauseDiff]:
    """Flags that need the whole diff: references that follow their clause, and uses of a changed definition.

    A cross-reference changed from "section 5" to "section 6" because clause 5
    is now clause 6 is not a change of substance (SPEC "The redline"); one that
    now names another clause is. A definition that changed changes every clause
    that uses the term: each top-level clause that does gets a ``definition``
    flag quoting the term and the first sentence that uses it.
    """
    renumbered = _renumbering(entries)
    changed_terms: list[tuple[str, ClauseDiff]] = []

    def settle(entry: ClauseDiff, parent: ClauseDiff | None) -> ClauseDiff:
        children = tuple(settle(child, entry) for child in entry.children)
        flags = tuple(f for f in entry.flags if not follows_renumbering(f, renumbered))
        for flag in flags:
            if flag.kind is FlagKind.DEFINITION:
                term = _term_of(entry, parent, flag)
                if term:
                    changed_terms.append((term, entry))
        if children == entry.children and flags == entry.flags:
            return entry
        return replace(entry, children=children, flags=flags)

    settled = [settle(entry, None) for entry in entries]
    if not changed_terms:
        return settled
    out: list[ClauseDiff] = []
    for entry in settled:
        extra: list[Flag] = []
        inside = {id(e) for e in entry.walk()}
        for term, defining in changed_terms:
            if id(defining) in inside or entry.new is None or entry.id == PREAMBLE_ID:
                continue
            use = _first_use(entry, term)
            if use is not None:
                extra.append(Flag(FlagKind.DEFINITION, term, term, use, party(use)))
        out.append(replace(entry, flags=entry.flags + tuple(extra)) if extra else entry)
    return out


def _term_of(entry: ClauseDiff, parent: ClauseDiff | None, flag: Flag) -> str | None:
    if entry.new is not None and parent is not None and parent.new is not None:
        term = defines(parent.new, entry.new)
        if term:
            return term
    return defined_term(flag.sentence or "")


def _first_use(entry: ClauseDiff, term: str) -> str | None:
    """The first sentence of an entry's new text (sub-clauses included) that uses ``term`` as a word."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])")
    for e in entry.walk():
        if e.new is None or e.status is ChangeStatus.REMOVED:
            continue
        text = e.new.text
        match = pattern.search(text)
        if match is not None:
            for start, end in sentences(text):
                if start <= match.start() < end:
                    return quote(text, (start, end), match.span())
    return None


def _renumbering(entries: list[ClauseDiff]) -> dict[str, str]:
    """Old number → new number of every paired clause, by the number a cross-reference uses.

    Top-level clauses by their number ("5", "4.2", "D"); a sub-clause by its
    path ("D.3", "4.2(b)") and, when the number is dotted already, by itself.
    """
    out: dict[str, str] = {}

    def walk(entry: ClauseDiff, old_path: str, new_path: str) -> None:
        old_number = entry.old.number if entry.old is not None else None
        new_number = entry.new.number if entry.new is not None else None
        here_old = _path(old_path, old_number)
        here_new = _path(new_path, new_number)
        if old_number and new_number:
            out.setdefault(here_old, here_new)
            if old_path and old_number.isalnum() and new_number.isalnum():
                out.setdefault(f"{old_path}({old_number})", f"{new_path}({new_number})")  # "Section B(4)"
            if "." in old_number or not old_path:
                out.setdefault(old_number, new_number)
        for child in entry.children:
            walk(child, here_old, here_new)

    for entry in entries:
        walk(entry, "", "")
    return out


def _path(parent: str, number: str | None) -> str:
    if not number:
        return parent
    if not parent or "." in number:
        return number
    return f"{parent}{number}" if number.startswith("(") else f"{parent}.{number}"


def _obligation_flags(entry: ClauseDiff, lead_in: str = "") -> list[Flag]:
    """The obligation flag of an outermost added or removed entry, over what did not move elsewhere."""
    texts = [e.clause.text for e in entry.walk() if e.status is entry.status and e.moved_to is None and e.clause.text]
    whole = " ".join(texts)
    return flag_added(whole, lead_in) if entry.status is ChangeStatus.ADDED else flag_removed(whole, lead_in)


def _paired_across(old: Clause, new: Clause, children: tuple[ClauseDiff, ...], keys: Keys, moved: bool) -> ClauseDiff:
    """The entry of a clause paired across lists: its own words compared, its sub-clauses as found."""
    redline = diff_words(old.text, new.text)
    same_own = keys.own(old) == keys.own(new) and normalize(old.title) == normalize(new.title)
    same_wording = same_own and all(c.status is ChangeStatus.UNCHANGED and not c.moved for c in children)
    old_own, new_own = tuple(word_keys(old.title)) + keys.own(old), tuple(word_keys(new.title)) + keys.own(new)
    score = similarity(old_own, new_own)
    return ClauseDiff(
        id=new.id,
        status=ChangeStatus.UNCHANGED if same_wording else ChangeStatus.MODIFIED,
        moved=moved,
        old=old,
        new=new,
        similarity=1.0 if same_wording else min(round(score, 2), 0.99),
        flags=() if keys.own(old) == keys.own(new) else tuple(flag_changes(old.text, new.text, redline)),
        redline=redline,
        children=children,
        formatting_only=same_wording
        and (old.source != new.source or old.title != new.title or any(c.formatting_only for c in children)),
        matched=score * (len(old_own) + len(new_own)) / 2,
    )


def _one_sided(clause: Clause, status: ChangeStatus, top: bool, lead_in: str = "") -> ClauseDiff:
    """An added or removed clause, its sub-clauses with it; obligation flags on the outermost one.

    ``lead_in`` is the parent's text: an item added under "Provider may:" adds a permission.
    """
    added = status is ChangeStatus.ADDED
    flags: list[Flag] = []
    if top:
        whole = " ".join(c.text for c in clause.walk() if c.text)
        flags = flag_added(whole, lead_in) if added else flag_removed(whole, lead_in)
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
        kind=ClauseKind.SECTION,
        id=PREAMBLE_ID,
        number=None,
        title="",
        source=text,
        text=text,
        line=0,
        level=0,
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
        "flags": [
            {"kind": f.kind.value, "old": f.old, "new": f.new, "sentence": f.sentence, "party": f.party}
            for f in entry.flags
        ],
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
