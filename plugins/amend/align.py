"""Pairing the clauses of two revisions (SPEC "The redline": alignment).

Given the sibling clauses of one level in the old and the new revision, this
module says which old clause became which new one, which were added, which
were removed and which moved. It compares clauses, never words inside them
(that is :mod:`amend.redline`) and never renders anything.

Pairs are made in passes, cheapest and surest first, each pass only among the
clauses the earlier passes left:

1. the same explicit ``{#id}`` on both sides;
2. the same title and the same wording (the common case: an unchanged clause,
   wherever it now stands and whatever its number);
3. the same title (a clause whose wording changed; its number may differ);
4. the same wording under another title (a retitled clause);
5. content similarity of at least :data:`SIMILAR` (retitled *and* reworded),
   best pairs first;
6. content similarity of at least :data:`SAME_SLOT` for two clauses that stand
   in the same place, between the same paired neighbours (a clause rewritten
   where it stands). Neighbours are taken only from the pairs that keep their
   order (the in-order chain): a clause that moved away is not a landmark, so
   it cannot split one slot into two.

Passes 5 and 6 never pair two table rows that name different things
(:func:`may_pair_by_content`).

Numbers are never used to pair: they are what changes when a clause is
inserted above. Derived ids are slugs of titles, so pass 3 covers them.

Split and merged clauses: a clause split in two is paired with the part that
matches it best, and the other part is reported as added; two clauses merged
into one pair the one that matches it best, and the other is reported as
removed. The redline of the pair then shows the text that left or arrived.

Moves: the pairs that keep their relative order form the longest chain of
pairs increasing in both revisions (the most clauses, then the most words);
every other pair is *moved*.

Thresholds. Similarity is ``2 * matched words / (words in both)`` over a
clause's title, text and sub-clauses, so 0.5 means the two share, in order,
as many words as half of their joint length: a clause split in two halves
still scores about 0.67 with its old self, while two different clauses of a
contract that share only boilerplate ("Business Associate shall …") stay well
below it. Between the same paired neighbours a rewrite that kept 30 % of its
words in order is more likely the same clause than a removal plus an
addition, hence the lower :data:`SAME_SLOT`. A clause that kept its exact
title but moved to another heading level (a section become a subsection) is
paired across levels by :mod:`amend.diff` at :data:`SAME_TITLE_OTHER_LEVEL`,
the same 30 %: the title is the strongest sign two clauses are one.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from .model import Clause, ClauseKind
from .redline import bag_similarity, normalize, similarity, word_keys

SIMILAR = 0.5
SAME_SLOT = 0.3
SAME_TITLE_OTHER_LEVEL = 0.3


@dataclass(frozen=True, slots=True)
class Pair:
    """One row of an alignment: indices into the old and new sibling lists (``None`` for a side without)."""

    old: int | None
    new: int | None
    moved: bool = False
    how: str = ""  # which pass paired them: "id", "exact", "title", "wording", "similar", "slot"


class Keys:
    """Comparison keys of clauses, computed once per clause and reused across levels."""

    def __init__(self) -> None:
        self._content: dict[int, tuple[str, ...]] = {}
        self._own: dict[int, tuple[str, ...]] = {}
        self._raw: dict[int, tuple[object, ...]] = {}
        self._size: dict[int, int] = {}
        self._keep: list[Clause] = []  # keeps the clauses alive so their id() stays theirs

    def raw(self, clause: Clause) -> tuple[object, ...]:
        """Title, text and sub-clauses exactly as written (cheap: no tokenising)."""
        key = id(clause)
        found = self._raw.get(key)
        if found is None:
            found = (clause.title, clause.text, tuple(self.raw(child) for child in clause.children))
            self._raw[key] = found
            self._keep.append(clause)
        return found

    def size(self, clause: Clause) -> int:
        """Characters of a clause's title, text and sub-clauses: its weight when deciding what moved."""
        key = id(clause)
        found = self._size.get(key)
        if found is None:
            found = len(clause.title) + len(clause.text) + sum(self.size(child) for child in clause.children)
            self._size[key] = found
            self._keep.append(clause)
        return found

    def own(self, clause: Clause) -> tuple[str, ...]:
        """The word keys of a clause's own text (no title, no sub-clauses)."""
        key = id(clause)
        found = self._own.get(key)
        if found is None:
            found = tuple(word_keys(clause.text))
            self._own[key] = found
            self._keep.append(clause)
        return found

    def content(self, clause: Clause) -> tuple[str, ...]:
        """The word keys of a clause's title, text and sub-clauses, in reading order."""
        key = id(clause)
        found = self._content.get(key)
        if found is None:
            parts: list[str] = word_keys(clause.title) if clause.title else []
            parts.extend(self.own(clause))
            for child in clause.children:
                parts.extend(self.content(child))
            found = tuple(parts)
            self._content[key] = found
            self._keep.append(clause)
        return found

    def similarity(self, old: Clause, new: Clause) -> float:
        """Symmetric content similarity of two clauses (see :func:`amend.redline.similarity`)."""
        return similarity(self.content(old), self.content(new))


def may_pair_by_content(old: Clause, new: Clause) -> bool:
    """Rows of a table of things (a subprocessor, a defined term) are the thing named in their first cell.

    Two rows naming different things are never the same row, however alike the rest
    of them reads ("| Cloud hosting | United States"): one was removed and one added.
    """
    return not (old.kind is ClauseKind.ROW and new.kind is ClauseKind.ROW and title_key(old) != title_key(new))


def title_key(clause: Clause) -> str:
    """A title as compared for pairing: quotes, spaces and case do not matter."""
    return normalize(clause.title).casefold()


def align_clauses(old: Sequence[Clause], new: Sequence[Clause], keys: Keys | None = None) -> list[Pair]:
    """Pair two lists of sibling clauses; rows come in the new order, removed ones where they stood."""
    keys = keys or Keys()
    partner_of_old: dict[int, int] = {}
    how: dict[int, str] = {}

    def pair(i: int, j: int, reason: str) -> None:
        partner_of_old[i] = j
        how[i] = reason

    def left_old() -> list[int]:
        return [i for i in range(len(old)) if i not in partner_of_old]

    def left_new() -> list[int]:
        taken = set(partner_of_old.values())
        return [j for j in range(len(new)) if j not in taken]

    # 1. explicit ids
    explicit = {c.id: i for i, c in enumerate(old) if c.explicit_id}
    for j, clause in enumerate(new):
        i = explicit.get(clause.id) if clause.explicit_id else None
        if i is not None and i not in partner_of_old:
            pair(i, j, "id")

    # 2. same title and wording, as written, then up to quotes and spaces
    _pair_equal(old, new, left_old(), left_new(), lambda c: keys.raw(c), pair, "exact")
    _pair_equal(old, new, left_old(), left_new(), lambda c: (title_key(c), keys.content(c)), pair, "exact")

    # 3. same title, unique on both sides
    by_title: dict[str, list[int]] = {}
    for i in left_old():
        if old[i].title:
            by_title.setdefault(title_key(old[i]), []).append(i)
    new_titles: dict[str, list[int]] = {}
    for j in left_new():
        if new[j].title:
            new_titles.setdefault(title_key(new[j]), []).append(j)
    for title, js in new_titles.items():
        olds_titled = by_title.get(title, [])
        if len(olds_titled) == 1 and len(js) == 1:
            pair(olds_titled[0], js[0], "title")

    # 4. same wording under another title
    _pair_equal(old, new, left_old(), left_new(), lambda c: keys.content(c), pair, "wording")

    # 5. similarity, best first
    _pair_by_similarity(old, new, left_old(), left_new(), keys, SIMILAR, pair, None)

    # 6. same slot, lower bar
    olds, news = left_old(), left_new()
    if olds and news:
        old_of_new = {j: i for i, j in partner_of_old.items()}
        chain = stay_in_order([old_of_new[j] for j in sorted(old_of_new)], lambda i: keys.size(old[i]))
        landmarks = {i: j for i, j in partner_of_old.items() if i in chain}
        slot_old = _slots(len(old), landmarks, olds, by_old=True)
        slot_new = _slots(len(new), landmarks, news, by_old=False)
        _pair_by_similarity(old, new, olds, news, keys, SAME_SLOT, pair, (slot_old, slot_new))

    return _order(old, new, partner_of_old, how, keys)


def _pair_equal(
    old: Sequence[Clause],
    new: Sequence[Clause],
    olds: list[int],
    news: list[int],
    key_of: Callable[[Clause], Hashable],
    pair: Callable[[int, int, str], None],
    reason: str,
) -> None:
    """Pair clauses with equal keys, first with first; clauses without words match nothing."""
    if not olds or not news:
        return
    waiting: dict[Hashable, list[int]] = {}
    for i in olds:
        if old[i].title or old[i].text or old[i].children:
            waiting.setdefault(key_of(old[i]), []).append(i)
    for j in news:
        queue = waiting.get(key_of(new[j]))
        if queue:
            pair(queue.pop(0), j, reason)


def _pair_by_similarity(
    old: Sequence[Clause],
    new: Sequence[Clause],
    olds: list[int],
    news: list[int],
    keys: Keys,
    threshold: float,
    pair: Callable[[int, int, str], None],
    slots: tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]] | None,
) -> None:
    if not olds or not news:
        return
    candidates: list[tuple[float, int, int, int]] = []
    for i in olds:
        content_i = keys.content(old[i])
        if not content_i:
            continue
        for j in news:
            if slots is not None and slots[0][i] != slots[1][j]:
                continue
            if not may_pair_by_content(old[i], new[j]) or _went_inside(old[i], new[j]) or _went_inside(new[j], old[i]):
                continue
            content_j = keys.content(new[j])
            if not content_j or bag_similarity(content_i, content_j) < threshold:
                continue
            score = similarity(content_i, content_j)
            if score >= threshold:
                candidates.append((-score, abs(i - j), i, j))
    candidates.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    reason = "slot" if slots is not None else "similar"
    for _, _, i, j in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pair(i, j, reason)


def _went_inside(clause: Clause, other: Clause) -> bool:
    """Whether ``clause``'s title is now (or was) the title of one of ``other``'s sub-clauses: it moved in there."""
    if not clause.title:
        return False
    key = title_key(clause)
    return any(title_key(child) == key for child in other.walk()[1:])


def _slots(
    count: int, partner_of_old: dict[int, int], unpaired: list[int], *, by_old: bool
) -> dict[int, tuple[int, int]]:
    """For each unpaired clause, the paired neighbours around it, named by their old index (-1 / count at the ends)."""
    paired_at = {i: i for i in partner_of_old} if by_old else {j: i for i, j in partner_of_old.items()}
    out: dict[int, tuple[int, int]] = {}
    for index in unpaired:
        before = next((paired_at[k] for k in range(index - 1, -1, -1) if k in paired_at), -1)
        after = next((paired_at[k] for k in range(index + 1, count) if k in paired_at), 1 << 30)
        out[index] = (before, after)
    return out


def _order(
    old: Sequence[Clause], new: Sequence[Clause], partner_of_old: dict[int, int], how: dict[int, str], keys: Keys
) -> list[Pair]:
    """Rows in the new order, moves marked, each removed clause where it stood."""
    old_of_new = {j: i for i, j in partner_of_old.items()}
    chain = stay_in_order([old_of_new[j] for j in sorted(old_of_new)], lambda i: keys.size(old[i]))
    removed = sorted(i for i in range(len(old)) if i not in partner_of_old)
    rows: list[Pair] = []
    at = 0
    for j in range(len(new)):
        i = old_of_new.get(j)
        if i is None:
            rows.append(Pair(None, j, how="added"))
            continue
        moved = i not in chain
        if not moved:
            while at < len(removed) and removed[at] < i:
                rows.append(Pair(removed[at], None, how="removed"))
                at += 1
        rows.append(Pair(i, j, moved=moved, how=how[i]))
    rows.extend(Pair(i, None, how="removed") for i in removed[at:])
    return rows


def stay_in_order(sequence: Sequence[int], weight: Callable[[int], int]) -> set[int]:
    """The values of the longest increasing subsequence: most items first, then most weight.

    ``weight`` maps a value to its size (words); the clauses outside the chain
    are the ones that moved.
    """
    n = len(sequence)
    if n == 0:
        return set()
    if all(a < b for a, b in itertools.pairwise(sequence)):
        return set(sequence)
    size = [(1, weight(v)) for v in sequence]
    best: list[tuple[int, int]] = list(size)
    back = [-1] * n
    for k in range(n):
        for m in range(k):
            if sequence[m] < sequence[k]:
                candidate = (best[m][0] + 1, best[m][1] + size[k][1])
                if candidate > best[k]:
                    best[k] = candidate
                    back[k] = m
    end = max(range(n), key=lambda k: (best[k], -k))
    out: set[int] = set()
    while end != -1:
        out.add(sequence[end])
        end = back[end]
    return out
