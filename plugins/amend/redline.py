"""Words: tokens, the comparison key, the word redline and clause similarity.

This module owns what counts as "the same wording". Texts are split into
tokens (words, single punctuation marks) and compared by a *key* that ignores
what a reader does not see as a change of wording: typographic versus straight
quotes, and the kind and amount of white space (non-breaking or not).

The redline is lossless: the ``equal`` and ``delete`` pieces concatenate to the
old text exactly and the ``equal`` and ``insert`` pieces to the new text
exactly, quotes and spaces included. Where two texts have the same key but
differ in their characters (a curly quote became a straight one), the pieces
say so with a small ``delete``/``insert`` pair; :func:`same_words` lets a
renderer show such a pair as unchanged.

Similarity is symmetric by construction (the pair is put in a canonical order
before :class:`difflib.SequenceMatcher` runs, with ``autojunk=False`` so common
words are not dropped on long texts): ``2 * matched words / (words in a +
words in b)``.

Nothing here knows about clauses, documents or output formats.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import NamedTuple


class Op(enum.StrEnum):
    """A redline piece's operation, spelled as in the JSON (SPEC "The redline")."""

    EQUAL = "equal"
    DELETE = "delete"
    INSERT = "insert"


class Piece(NamedTuple):
    """One run of a redline: ``(op, text)``; serialises as the JSON pair ``[op, text]``."""

    op: Op
    text: str


TOKEN = re.compile(r"\w+|[^\w\s]")
_SPACE = re.compile(r"\s+")
# Typographic quotes and primes read as the same wording as their straight forms;
_QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
    }
)
# Nothing else is folded: texts come from the one parse (:mod:`amend.clauses`), so there is no
# markup left to ignore, and any other character a reader sees is wording (SPEC "One text").


def normalize(text: str) -> str:
    """The comparison key of a text: quotes straightened, white space collapsed."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


def same_words(a: str, b: str) -> bool:
    """Whether two texts read as the same wording (they differ at most in quotes and spaces)."""
    return a == b or normalize(a) == normalize(b)


def word_keys(text: str) -> list[str]:
    """The keys of a text's tokens (words and punctuation marks), spaces left out."""
    return TOKEN.findall(text.translate(_QUOTES))


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Symmetric similarity of two token sequences: ``2 * matches / (len(a) + len(b))``.

    Two empty sequences are identical (1.0). The order of the arguments does
    not matter: the pair is sorted before matching, so ``similarity(a, b) ==
    similarity(b, a)`` exactly.
    """
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    if len(a) == len(b) and list(a) == list(b):
        return 1.0
    first, second = (a, b) if (len(a), list(a)) <= (len(b), list(b)) else (b, a)
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return 2.0 * matched / (len(a) + len(b))


def bag_similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """An upper bound of :func:`similarity` that ignores word order (a cheap first filter)."""
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    counts: dict[str, int] = {}
    for word in a:
        counts[word] = counts.get(word, 0) + 1
    shared = 0
    for word in b:
        left = counts.get(word, 0)
        if left:
            counts[word] = left - 1
            shared += 1
    return 2.0 * shared / (len(a) + len(b))


def diff_words(old: str, new: str) -> tuple[Piece, ...]:
    """The word redline of two texts, lossless on both sides (see the module docstring).

    Words are matched on their keys; the white space between two words goes
    with the unchanged run next to it, so a changed phrase is shown as the
    phrase alone (``delete "five (5) business days"``, ``insert "72 hours"``).
    """
    if old == new:
        return (Piece(Op.EQUAL, old),) if old else ()
    if not old:
        return (Piece(Op.INSERT, new),)
    if not new:
        return (Piece(Op.DELETE, old),)
    old_spans = [m.span() for m in TOKEN.finditer(old)]
    new_spans = [m.span() for m in TOKEN.finditer(new)]
    old_keys = [old[s:e].translate(_QUOTES) for s, e in old_spans]
    new_keys = [new[s:e].translate(_QUOTES) for s, e in new_spans]
    opcodes = SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()
    if not opcodes:  # neither text has a word: they differ in spaces only
        return tidy(_unit_pieces(old, new))
    pieces: list[Piece] = []
    old_at = new_at = 0
    last = len(opcodes) - 1
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            if index == last:
                old_end, new_end = len(old), len(new)
            else:
                # The gap after the run's last word (up to the next word) stays with this run.
                old_end = old_spans[i2][0] if i2 < len(old_spans) else len(old)
                new_end = new_spans[j2][0] if j2 < len(new_spans) else len(new)
            old_part, new_part = old[old_at:old_end], new[new_at:new_end]
            if old_part == new_part:
                pieces.append(Piece(Op.EQUAL, old_part))
            else:
                pieces.extend(_unit_pieces(old_part, new_part))
        else:
            if index == last:
                old_end, new_end = len(old), len(new)
            else:
                old_end = old_spans[i2 - 1][1] if i2 > i1 else old_at
                new_end = new_spans[j2 - 1][1] if j2 > j1 else new_at
            if old_end > old_at:
                pieces.append(Piece(Op.DELETE, old[old_at:old_end]))
            if new_end > new_at:
                pieces.append(Piece(Op.INSERT, new[new_at:new_end]))
        old_at, new_at = old_end, new_end
    return cleanup(tidy(pieces))


def _units(text: str) -> list[str]:
    """A run cut into white-space gaps and tokens, alternating: gap, token, gap, …, token, gap."""
    units: list[str] = []
    at = 0
    for match in TOKEN.finditer(text):
        units.append(text[at : match.start()])
        units.append(match.group())
        at = match.end()
    units.append(text[at:])
    return units


def _unit_pieces(old: str, new: str) -> list[Piece]:
    """Redline of two runs with the same key: only their differing quotes and gaps are marked."""
    old_units, new_units = _units(old), _units(new)
    if len(old_units) != len(new_units):  # cannot happen for runs with equal keys; stay lossless anyway
        return [Piece(Op.DELETE, old), Piece(Op.INSERT, new)]
    pieces: list[Piece] = []
    for before, after in zip(old_units, new_units, strict=True):
        if before == after:
            pieces.append(Piece(Op.EQUAL, before))
        else:
            pieces.extend((Piece(Op.DELETE, before), Piece(Op.INSERT, after)))
    return pieces


def tidy(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """Drop empty pieces, join neighbours with the same op, and put each change as one delete then one insert."""
    out: list[Piece] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            out.append(Piece(Op.DELETE, "".join(deleted)))
            deleted.clear()
        if inserted:
            out.append(Piece(Op.INSERT, "".join(inserted)))
            inserted.clear()

    for op, text in pieces:
        if not text:
            continue
        if op is Op.DELETE:
            deleted.append(text)
        elif op is Op.INSERT:
            inserted.append(text)
        else:
            flush()
            if out and out[-1].op is Op.EQUAL:
                out[-1] = Piece(Op.EQUAL, out[-1].text + text)
            else:
                out.append(Piece(Op.EQUAL, text))
    flush()
    return tuple(out)


_WORD = re.compile(r"\w")


def cleanup(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """Make a redline read as a person would mark it, without changing either side.

    Two passes until nothing moves: an insertion (or deletion) that repeats
    the unchanged run after it slides over it ("{+, as in 45 C+}.{+F.R.+}"
    becomes "{+, as in 45 C.F.R+}."), and a run of spaces and punctuation
    caught between two changes joins them.
    """
    current = tuple(pieces)
    for _ in range(len(current) + 1):
        changed = _slide(current)
        changed = _absorb(changed)
        changed = _close_brackets(changed)
        if changed == current:
            break
        current = changed
    return current


def _slide(pieces: tuple[Piece, ...]) -> tuple[Piece, ...]:
    out = list(pieces)
    for index in range(len(out) - 2):
        first, middle, last = out[index], out[index + 1], out[index + 2]
        if first.op is Op.EQUAL or middle.op is not Op.EQUAL or last.op is not first.op:
            continue
        if index > 0 and out[index - 1].op not in (Op.EQUAL, first.op):
            continue  # a replacement on the left: leave it to _absorb
        if index + 3 < len(out) and out[index + 3].op not in (Op.EQUAL, first.op):
            continue
        joined = first.text + middle.text + last.text
        if joined.endswith(middle.text):
            out[index : index + 3] = [
                Piece(first.op, joined[: len(joined) - len(middle.text)]),
                Piece(Op.EQUAL, middle.text),
                Piece(first.op, ""),
            ]
            return tidy(out)
    return tuple(out)


_PAIRS = {"(": ")", "[": "]"}


def _close_brackets(pieces: tuple[Piece, ...]) -> tuple[Piece, ...]:
    """A change that opens a bracket takes its closing bracket too: "{-thirty (30)-}{+forty-five (45)+}"."""
    out = list(pieces)
    for index in range(1, len(out) - 1):
        after = out[index + 1]
        if out[index].op is Op.EQUAL or after.op is not Op.EQUAL or not after.text:
            continue
        closing = after.text[0]
        opening = next((o for o, c in _PAIRS.items() if c == closing), None)
        if opening is None:
            continue
        start = index
        while start > 0 and out[start - 1].op is not Op.EQUAL:
            start -= 1
        group = out[start : index + 1]
        sides = ["".join(p.text for p in group if p.op is op) for op in (Op.DELETE, Op.INSERT)]
        if all(side and side.count(opening) > side.count(closing) for side in sides):
            moved = [Piece(p.op, p.text + closing) if p is _last_of(group, p.op) else p for p in group]
            out[start : index + 2] = [*moved, Piece(Op.EQUAL, after.text[1:])]
            return tidy(out)
    return tuple(out)


def _last_of(group: Sequence[Piece], op: Op) -> Piece | None:
    return next((p for p in reversed(group) if p.op is op), None)


def _absorb(pieces: tuple[Piece, ...]) -> tuple[Piece, ...]:
    out: list[Piece] = []
    for index, piece in enumerate(pieces):
        between = 0 < index < len(pieces) - 1
        if (
            piece.op is Op.EQUAL
            and between
            and not _WORD.search(piece.text)
            and pieces[index - 1].op is not Op.EQUAL
            and pieces[index + 1].op is not Op.EQUAL
        ):
            out.extend((Piece(Op.DELETE, piece.text), Piece(Op.INSERT, piece.text)))
        else:
            out.append(piece)
    return tidy(out)


def old_text(pieces: Sequence[Piece]) -> str:
    """The old side of a redline: its equal and delete pieces."""
    return "".join(text for op, text in pieces if op is not Op.INSERT)


def new_text(pieces: Sequence[Piece]) -> str:
    """The new side of a redline: its equal and insert pieces."""
    return "".join(text for op, text in pieces if op is not Op.DELETE)


class Change(NamedTuple):
    """One change of a redline: the deleted and inserted text and where they sit in each side."""

    old: str
    new: str
    old_start: int
    new_start: int


def changes(pieces: Sequence[Piece]) -> list[Change]:
    """The changes of a redline (each a delete, an insert or both between two equal runs).

    A change whose two sides read the same (:func:`same_words`) is left out: it
    is a change of quotes or spaces, not of wording.
    """
    out: list[Change] = []
    old_at = new_at = 0
    pending: Change | None = None
    for op, text in pieces:
        if op is Op.EQUAL:
            if pending is not None and not same_words(pending.old, pending.new):
                out.append(pending)
            pending = None
            old_at += len(text)
            new_at += len(text)
            continue
        if pending is None:
            pending = Change("", "", old_at, new_at)
        if op is Op.DELETE:
            pending = pending._replace(old=pending.old + text)
            old_at += len(text)
        else:
            pending = pending._replace(new=pending.new + text)
            new_at += len(text)
    if pending is not None and not same_words(pending.old, pending.new):
        out.append(pending)
    return out
