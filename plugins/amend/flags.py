"""Semantic flags: what a reviewer looks at first (SPEC "The redline").

Given the word redline of one clause, find the changes that alter a number or
a duration ("five (5) business days" → "72 hours"), or a modal verb (may /
shall / will / must); given a clause that was added or removed, say whether it
carries an obligation. Flags only read a redline and texts: they never decide
what was paired with what (that is :mod:`amend.align`).

A number or duration is flagged when a changed run overlaps it on either side,
and the whole expression is quoted (a change of ``14`` to ``30`` in "within 14
days" is flagged as ``14 days`` → ``30 days``).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .redline import Change, Piece, changes, normalize


class FlagKind(enum.StrEnum):
    """What a flag is about, spelled as in the JSON."""

    NUMBER = "number"
    DURATION = "duration"
    MODAL = "modal"
    OBLIGATION_ADDED = "obligation-added"
    OBLIGATION_REMOVED = "obligation-removed"


@dataclass(frozen=True, slots=True)
class Flag:
    """A flagged change with the old and the new wording (``None`` where a side has none)."""

    kind: FlagKind
    old: str | None
    new: str | None


_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|thousand|million|billion|a|an|half|several"
)
_DIGITS = r"\d+(?:,\d{3})*(?:\.\d+)?"
_SPELLED = rf"(?:{_WORDS})(?:[\s-]+(?:and[\s-]+)?(?:{_WORDS}))*"
_UNIT = (
    r"(?:(?:business|calendar|working|banking)\s+)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|quarters?)\b"
)
DURATION = re.compile(
    rf"\b(?:(?:{_SPELLED})(?:\s*\(\s*{_DIGITS}\s*\))?|{_DIGITS})[\s-]+{_UNIT}",
    re.IGNORECASE,
)
_REF = r"\d+(?:\.\d+)*(?:\([a-z0-9]{1,4}\))*"
# A number: a reference to other clauses ("sections 5, 6 and 7") or to a statute ("45 C.F.R. § 164.304")
# quoted whole; digits with currency or percent; a spelled number followed by its digits, "ten (10)".
NUMBER = re.compile(
    rf"\b(?:sections?|clauses?|articles?|paragraphs?|exhibits?|schedules?)\s+{_REF}"
    rf"(?:\s*(?:,|and|or|through|to)\s*(?:and\s+|or\s+)?{_REF})*"
    rf"|\b\d+\s+(?:C\.F\.R\.|U\.S\.C\.)\s*(?:(?:§+|Parts?)\s*)?{_REF}(?:\s*(?:,|and|or|through|to)\s*{_REF})*"
    rf"|§+\s*{_REF}"
    rf"|(?:[$€£]\s?|\b(?:USD|EUR|GBP)\s?)?\b{_DIGITS}(?:\s?(?:%|percent\b))?|\b(?:{_SPELLED})\s*\(\s*{_DIGITS}\s*\)",
    re.IGNORECASE,
)
MODAL = re.compile(
    r"\b(?:shall|must|will|may|should|can|could|might|would)\b(?:\s+not\b)?|\b(?:cannot|won't|shan't|mustn't)\b",
    re.IGNORECASE,
)
OBLIGATION = re.compile(
    r"\b(?:shall|must|will|agrees?\s+to|is\s+required\s+to|are\s+required\s+to|undertakes?\s+to|"
    r"is\s+obligated\s+to|are\s+obligated\s+to|is\s+responsible\s+for|are\s+responsible\s+for)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?:[^.;!?]|[.;!?](?!\s|$))+[.;!?]?")  # "99.9%" does not end a sentence
EXCERPT = 160  # characters of a sub-clause quoted in an obligation flag


Found = list[tuple[int, int, str]]  # matches of one pattern in one text: start, end, wording


def _find(pattern: re.Pattern[str], text: str) -> Found:
    return [(m.start(), m.end(), m.group().strip()) for m in pattern.finditer(text)]


def flag_changes(old: str, new: str, pieces: Sequence[Piece]) -> list[Flag]:
    """Number, duration and modal flags of one clause's redline (``old``/``new`` are its two texts)."""
    found = changes(pieces)
    if not found:
        return []
    # Each pattern runs once over each text; every change then picks the matches around it.
    olds = {p: _find(p, old) for p in (DURATION, NUMBER, MODAL)}
    news = {p: _find(p, new) for p in (DURATION, NUMBER, MODAL)}
    flags: list[Flag] = []
    for change in found:
        flags.extend(_flag_change(old, new, change, olds, news))
    return _unique(flags)


def _flag_change(
    old: str, new: str, change: Change, olds: dict[re.Pattern[str], Found], news: dict[re.Pattern[str], Found]
) -> list[Flag]:
    old_range = (change.old_start, change.old_start + len(change.old))
    new_range = (change.new_start, change.new_start + len(change.new))
    out: list[Flag] = []
    durations = _around(olds[DURATION], old_range), _around(news[DURATION], new_range)
    if (durations[0] or durations[1]) and _differ(durations[0], durations[1]):
        out.append(Flag(FlagKind.DURATION, _join(durations[0]), _join(durations[1])))
    else:
        numbers = _around(olds[NUMBER], old_range), _around(news[NUMBER], new_range)
        numbers = (
            [n for n in numbers[0] if not _inside(n, durations[0])],
            [n for n in numbers[1] if not _inside(n, durations[1])],
        )
        if (numbers[0] or numbers[1]) and _differ(numbers[0], numbers[1]):
            out.append(Flag(FlagKind.NUMBER, _join(numbers[0]), _join(numbers[1])))
    modals = _within(olds[MODAL], old, old_range), _within(news[MODAL], new, new_range)
    if (modals[0] or modals[1]) and _differ(modals[0], modals[1]):
        out.append(Flag(FlagKind.MODAL, _join(modals[0]), _join(modals[1])))
    return out


def _around(matches: Found, span: tuple[int, int]) -> list[str]:
    """Matches that overlap the changed span (or contain an insertion point)."""
    start, end = span
    if start == end:
        return [words for m_start, m_end, words in matches if m_start <= start <= m_end]
    return [words for m_start, m_end, words in matches if m_start < end and start < m_end]


def _within(matches: Found, text: str, span: tuple[int, int]) -> list[str]:
    """Matches that overlap or touch the changed span, across spaces ("will" + " not" → "will not")."""
    start, end = span
    while start > 0 and text[start - 1].isspace():
        start -= 1
    while end < len(text) and text[end].isspace():
        end += 1
    return [words for m_start, m_end, words in matches if m_start <= end and start <= m_end]


def _inside(number: str, durations: list[str]) -> bool:
    return any(number in duration for duration in durations)


_CONTRACTIONS = {"cannot": "can not", "won't": "will not", "shan't": "shall not", "mustn't": "must not"}


def _differ(old: list[str], new: list[str]) -> bool:
    def key(found: list[str]) -> list[str]:
        out = []
        for item in found:
            text = normalize(item).lower()
            out.append(_CONTRACTIONS.get(text, text))
        return out

    return key(old) != key(new)


def _join(found: list[str]) -> str | None:
    return "; ".join(found) if found else None


def _unique(flags: list[Flag]) -> list[Flag]:
    """Flags without repeats; a one-sided flag is dropped when a two-sided one already quotes that side."""
    seen: set[Flag] = set()
    quoted = {(f.kind, "old", f.old) for f in flags if f.old and f.new} | {
        (f.kind, "new", f.new) for f in flags if f.old and f.new
    }
    out: list[Flag] = []
    for flag in flags:
        if flag.old is None and (flag.kind, "new", flag.new) in quoted:
            continue
        if flag.new is None and (flag.kind, "old", flag.old) in quoted:
            continue
        if flag not in seen:
            seen.add(flag)
            out.append(flag)
    return out


def obligation(text: str) -> str | None:
    """The first sentence of ``text`` that states an obligation (shall, must, agrees to…), or ``None``."""
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        if sentence and OBLIGATION.search(sentence):
            return sentence if len(sentence) <= EXCERPT else sentence[: EXCERPT - 1].rstrip() + "…"
    return None


def flag_added(text: str) -> list[Flag]:
    """An ``obligation-added`` flag when an added clause's text carries an obligation."""
    sentence = obligation(text)
    return [Flag(FlagKind.OBLIGATION_ADDED, None, sentence)] if sentence else []


def flag_removed(text: str) -> list[Flag]:
    """An ``obligation-removed`` flag when a removed clause's text carried an obligation."""
    sentence = obligation(text)
    return [Flag(FlagKind.OBLIGATION_REMOVED, sentence, None)] if sentence else []
