"""Semantic flags: what a reviewer looks at first (SPEC "The redline").

Given the word redline of one clause, find the changes of substance and say
what kind each is, quoting the words on both sides, the sentence they sit in
and, where the sentence names one, the party whose duty or right changed.
Flags only read a redline and texts: they never decide what was paired with
what (that is :mod:`amend.align`).

Two levels:

- A sentence (or list item) added or removed whole is one flag: an
  obligation or a permission added or removed, by what it says (shall, must,
  will, agrees to… / may, can, is entitled to…) or by its lead-in ("Provider
  may:" above an added item). Numbers and modal verbs inside it are not
  flagged again.
- Inside a sentence that stayed, each change is compared expression by
  expression: a cross-reference (``reference``), a date or a plain number
  (``number``), a frequency ("once a year"), a duration ("five (5) business
  days"), an amount of money or a percentage (``amount``), a modal verb, and
  "and" ↔ "or" in a sentence that obliges or permits (``conjunction``). A
  change inside a definition ("“PHI” means …") is a ``definition`` flag.

Never flagged, because none of them changes what anybody must or may do:
formatting, quotes and spaces (the redline's keys ignore them), list markers
("1." "(b)") renumbered after an insertion, the month "May", digits inside a
word ("37signals"), the same number written another way ("thirty (30) days" →
"30 days"), and a cross-reference that follows the clause it points to
(:func:`follows_renumbering`, applied by :mod:`amend.diff`, which knows the
pairs).
"""

from __future__ import annotations

import bisect
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .numerals import NUMBER_WORDS, spelled_value
from .redline import Change, Piece, changes, normalize


class FlagKind(enum.StrEnum):
    """What a flag is about, spelled as in the JSON."""

    NUMBER = "number"
    DURATION = "duration"
    MODAL = "modal"
    OBLIGATION_ADDED = "obligation-added"
    OBLIGATION_REMOVED = "obligation-removed"
    FREQUENCY = "frequency"
    AMOUNT = "amount"
    CONJUNCTION = "conjunction"
    PERMISSION_ADDED = "permission-added"
    PERMISSION_REMOVED = "permission-removed"
    DEFINITION = "definition"
    REFERENCE = "reference"


@dataclass(frozen=True, slots=True)
class Flag:
    """A flagged change: old and new wording (``None`` where a side has none), its sentence and party."""

    kind: FlagKind
    old: str | None
    new: str | None
    sentence: str | None = None
    party: str | None = None


# --- expressions ------------------------------------------------------------------------------

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DIGITS = r"(?<![\w.,])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])"  # never digits inside a word ("37signals")
_SPELLED = rf"(?:{NUMBER_WORDS}|a|an|half|several)(?:[\s-]+(?:and[\s-]+)?(?:{NUMBER_WORDS}))*"
_PERIOD = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|quarters?)"
_UNIT = rf"(?:(?:business|calendar|working|banking)\s+)?{_PERIOD}\b"
_COUNT = rf"(?:\b{_SPELLED}(?:\s*\(\s*\d+\s*\))?|{_DIGITS})"
_REF = r"(?:\d+|(?-i:[A-Z])\b)(?:\.\d+)*(?:\([a-z0-9]{1,4}\))*"
_REF_LIST = rf"{_REF}(?:\s*(?:,|and|or|through|to)\s*(?:and\s+|or\s+)?{_REF})*"

DATE = re.compile(
    rf"\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|\b\d{{1,2}}\s+(?:{_MONTHS}),?\s+\d{{4}}\b"
    rf"|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b(?:{_MONTHS}),?\s+\d{{4}}\b"
)
REFERENCE = re.compile(
    rf"\b(?:sections?|clauses?|articles?|paragraphs?|exhibits?|schedules?|annex(?:es)?|appendix)\s+{_REF_LIST}"
    rf"|\b\d+\s+(?:C\.F\.R\.|U\.S\.C\.)\s*(?:(?:§+|Parts?)\s*)?{_REF_LIST}|§+\s*{_REF_LIST}",
    re.IGNORECASE,
)
FREQUENCY = re.compile(
    rf"\b(?:once|twice|thrice|{_SPELLED}\s+times|\d+\s+times)\s+(?:a|an|per|each|every|in\s+any)\s+"
    rf"(?:(?:calendar|business|contract|twelve-month|12-month)\s+)?(?:day|week|month|quarter|year|period)\b"
    r"|\b(?:daily|weekly|fortnightly|monthly|quarterly|annually|yearly|semi-annually|biannually|biennially)\b"
    rf"|\b(?:every|each)\s+(?:other\s+)?(?:{_COUNT}\s+)?(?:(?:calendar|business)\s+)?{_PERIOD}\b",
    re.IGNORECASE,
)
DURATION = re.compile(rf"{_COUNT}[\s-]+{_UNIT}", re.IGNORECASE)
AMOUNT = re.compile(
    rf"(?:[$€£]\s?|\b(?:USD|EUR|GBP)\s?){_DIGITS}(?:\s?(?:million|billion|thousand))?"
    rf"|{_DIGITS}\s?(?:%|percent\b|per\s+cent\b|(?:US\s)?dollars\b|euros\b|pounds\s+sterling\b)"
    rf"|\b{_SPELLED}\s*\(\s*\d+(?:\.\d+)?\s*%\s*\)|\b{_SPELLED}\s+(?:percent|per\s+cent)\b",
    re.IGNORECASE,
)
NUMBER = re.compile(rf"\b{_SPELLED}\s*\(\s*\d+(?:\.\d+)?\s*\)|{_DIGITS}", re.IGNORECASE)
# A list marker inside a text ("1. Use" "(b) disclose"): renumbered when an item is inserted above.
ENUMERATOR = re.compile(r"(?:^|(?<=[:;.,]\s)|(?<=^\s))\(?\d{1,2}[.)](?=\s)")

MODAL = re.compile(
    r"\b(?:shall|must|will|may|should|can|could|might|would)\b(?:\s+not\b)?|\b(?:cannot|won't|shan't|mustn't)\b",
    re.IGNORECASE,
)
OBLIGATION = re.compile(
    r"\b(?:shall|must|will|agrees?\s+to|(?:is|are)\s+(?:required|obligated|bound)\s+to|undertakes?\s+to|"
    r"(?:is|are)\s+responsible\s+for|may\s+not|cannot|can\s+not|won't|mustn't|shan't)\b",
    re.IGNORECASE,
)
PERMISSION = re.compile(
    r"\b(?:may|can|(?:is|are)\s+(?:permitted|entitled|allowed|authori[sz]ed)\s+to|(?:has|have)\s+the\s+right\s+to)"
    r"\b(?!\s+not\b)",
    re.IGNORECASE,
)
_CONJUNCTIONS = {"and", "or", "and/or", "nor", "and / or"}
DEFINES = re.compile(
    r"[\"“]([^\"”]{1,60})[\"”]\s+(?:means|shall\s+mean|has\s+the\s+(?:same\s+)?meaning|refers\s+to|is\s+defined\s+as)\b"
    r"|\(\s*(?:the\s+|each\s+a\s+|a\s+)?[\"“]([^\"”]{1,60})[\"”]\s*\)",
    re.IGNORECASE,
)

# Kinds of expression in priority order: where two overlap, the earlier one is the expression.
_EXPRESSIONS: tuple[tuple[FlagKind, re.Pattern[str]], ...] = (
    (FlagKind.REFERENCE, REFERENCE),
    (FlagKind.NUMBER, DATE),
    (FlagKind.FREQUENCY, FREQUENCY),
    (FlagKind.DURATION, DURATION),
    (FlagKind.AMOUNT, AMOUNT),
    (FlagKind.NUMBER, NUMBER),
)


@dataclass(frozen=True, slots=True)
class Expression:
    """One expression of a kind in a text: where it is and its wording."""

    kind: FlagKind
    start: int
    end: int
    text: str


# Where no expression can start: no digit, no "§", and none of these words (a cheap first look).
_EXPRESSION_WORDS = (
    "half several once twice thrice daily weekly fortnightly monthly quarterly annually yearly semi biannually "
    "biennially every each section sections clause clauses article articles paragraph paragraphs exhibit exhibits "
    "schedule schedules annex annexes appendix second seconds minute minutes hour hours day days week weeks month "
    "months year years quarter quarters"
)
_CANDIDATE_WORDS = frozenset(NUMBER_WORDS.split("|") + _EXPRESSION_WORDS.split())
_LETTERS = re.compile(r"[a-z]+")


def _may_hold_expression(text: str) -> bool:
    if "§" in text or any(ch.isdigit() for ch in text):
        return True
    return not _CANDIDATE_WORDS.isdisjoint(_LETTERS.findall(text.lower()))


def expressions(text: str) -> list[Expression]:
    """The references, dates, frequencies, durations, amounts and numbers of a text, none overlapping."""
    if not _may_hold_expression(text):
        return []
    taken: list[tuple[int, int]] = [m.span() for m in ENUMERATOR.finditer(text)]
    out: list[Expression] = []
    for kind, pattern in _EXPRESSIONS:
        for match in pattern.finditer(text):
            start, end = match.span()
            while end > start and text[end - 1].isspace():
                end -= 1
            if end == start or any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            if kind is FlagKind.NUMBER and pattern is NUMBER and not re.search(r"\d", match.group()):
                continue
            taken.append((start, end))
            out.append(Expression(kind, start, end, text[start:end]))
    out.sort(key=lambda e: e.start)
    return out


def modals(text: str, dates: Sequence[Expression] = ()) -> list[Expression]:
    """Modal verbs of a text; "May" the month (capitalised inside a sentence, or in a date) is not one."""
    out: list[Expression] = []
    for match in MODAL.finditer(text):
        start, end = match.span()
        if match.group().startswith("May") and not _sentence_start(text, start):
            continue
        if any(d.start <= start < d.end for d in dates):
            continue
        out.append(Expression(FlagKind.MODAL, start, end, match.group()))
    return out


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in ".;:!?)-" or ENUMERATOR.search(before[-4:] + " ") is not None


# --- sentences and parties --------------------------------------------------------------------

_BOUNDARY = re.compile(r"[.;:!?](?=\s|$)")
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]|\b(?:Inc|Ltd|No|Co|Corp|Sec|Secs|Art|Mr|Ms|Dr|St|etc|vs|cf|al))$")
SENTENCE_LIMIT = 240  # characters of a sentence quoted whole; a longer one is trimmed around the change


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of a text's sentences and list items (ends at . ; : ! ? before a space; "C.F.R." does not end one)."""
    out: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group() == "." and _ABBREVIATION.search(text[start : match.start()]):
            continue
        end = match.end()
        if text[start:end].strip():
            out.append(_strip_span(text, start, end))
        start = end
    if text[start:].strip():
        out.append(_strip_span(text, start, len(text)))
    return out


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _sentence_at(text: str, spans: list[tuple[int, int]], at: int, end: int) -> tuple[int, int]:
    """The sentence span(s) covering ``at``..``end`` (several when a change crosses a boundary)."""
    covering = [s for s in spans if s[0] <= max(end, at + 1) - 1 and at < s[1]] or [
        min(spans, key=lambda s: min(abs(s[0] - at), abs(s[1] - at)), default=(0, len(text)))
    ]
    return covering[0][0], covering[-1][1]


def quote(text: str, span: tuple[int, int], focus: tuple[int, int] | None = None) -> str:
    """A sentence for a flag: whole when short, else trimmed to a window around ``focus`` with "…"."""
    start, end = span
    sentence = text[start:end]
    if len(sentence) <= SENTENCE_LIMIT:
        return sentence
    f_start, f_end = focus if focus is not None else (start, start)
    half = (SENTENCE_LIMIT - min(f_end - f_start, SENTENCE_LIMIT // 2)) // 2
    w_start = max(start, f_start - half)
    w_end = min(end, max(f_end, f_start) + half)
    if w_end - w_start < SENTENCE_LIMIT:  # near an end: spend the rest on the other side
        w_start = max(start, w_end - SENTENCE_LIMIT)
        w_end = min(end, w_start + SENTENCE_LIMIT)
    if w_start > start:
        space = text.find(" ", w_start, w_end)
        w_start = space + 1 if space != -1 else w_start
    if w_end < end:
        space = text.rfind(" ", w_start, w_end)
        w_end = space if space > w_start else w_end
    return ("…" if w_start > start else "") + text[w_start:w_end].strip() + ("…" if w_end < end else "")


_SUBJECT = re.compile(
    r"(?P<subject>\b(?:[Ee]ach|[Ee]ither|[Nn]either)\s+(?:[Pp]arty|[A-Z][\w'\u2019&-]*(?:\s+[A-Z][\w'\u2019&-]*){0,2})"
    r"|\b(?:[Tt]he\s+)?[Pp]arties|\b[Yy]ou|\b[Ww]e"
    r"|(?<![\w'\u2019-])(?:[Tt]he\s+)?[A-Z][\w'\u2019&-]*(?:\s+(?:of\s+)?[A-Z][\w'\u2019&-]*){0,3})"
    r"(?:'s|\u2019s)?\s+(?:(?:\w+ly|also|not|then|only)\s+)?"
    r"(?=shall\b|must\b|will\b|may\b|can\b|cannot\b|agrees?\s+to\b|undertakes?\b|is\s+(?:required|obligated|"
    r"permitted|entitled|allowed|responsible)\b|are\s+(?:required|obligated|permitted|entitled|allowed|responsible)\b"
    r"|has\s+the\s+right\b|have\s+the\s+right\b)"
)
# Capitalised subjects that are things, not parties ("This Agreement shall…", "The Services will…").
_NOT_PARTIES = {
    "this", "that", "these", "those", "such", "it", "nothing", "any", "all", "no", "each", "either", "neither",
    "agreement", "terms", "term", "services", "service", "data", "information", "content", "section", "sections",
    "notice", "law", "laws", "rules", "rule", "fees", "fee", "software", "product", "products", "order", "form",
    "policy", "statement", "baa", "addendum", "exhibit", "schedule", "provision", "provisions", "dpa", "clause",
    "phi", "website", "site", "account", "accounts", "license", "subscription", "documentation", "if", "where",
    "when", "unless", "in", "for", "to", "upon", "after", "before", "during", "as", "on", "by",
    "there", "here", "who", "what", "which", "processing", "principles", "act", "api", "credits", "previews",
    "pages", "features", "feature", "users'", "program", "programs",
}  # fmt: skip


PARTY_REACH = 300  # characters before a change searched for the party; else the sentence's opening


def party(sentence: str, at: int | None = None) -> str | None:
    """Who the sentence obliges or permits: the subject of its modal verb nearest before ``at``."""
    found: list[tuple[int, str]] = []
    if at is not None and len(sentence) > 2 * PARTY_REACH:  # the subject stands before the change, near it
        offset = max(0, at - PARTY_REACH)
        near = party(sentence[offset : at + 40], at - offset)
        if near is not None:
            return near
        sentence = sentence[:PARTY_REACH]
    for match in _SUBJECT.finditer(sentence):
        words = match.group("subject").split()
        while words and words[0].lower() in ("the",):
            words = words[1:]
        if (
            not words
            or words[-1].lower() in _NOT_PARTIES
            or words[0].lower()
            in _NOT_PARTIES
            - {
                "each",
                "either",
                "neither",
            }
        ):
            continue
        name = " ".join(words)
        if name.lower() in ("you", "we"):
            name = name.lower()
        elif name.lower() == "parties":
            name = "the parties"
        found.append((match.start(), name))
    if not found:
        return None
    if at is not None:
        before = [name for start, name in found if start <= at]
        if before:
            return before[-1]
    return found[0][1]


# --- flags of one clause ----------------------------------------------------------------------

WHOLE = 0.8  # share of a sentence's words inside one change for the sentence to count as added or removed


# A link's target, as amend.clauses writes it after the link's text: " <https://…>". The redline shows a
# changed target (SPEC "One text"); the digits of an address are no number of the agreement.
_LINK_TARGET = re.compile(r"<[^<>\s]{1,2000}>")


def _in_link_target(old: str, new: str, change: Change) -> bool:
    """Whether both sides of a change lie inside link targets."""

    def inside(text: str, start: int, length: int) -> bool:
        if "<" not in text:
            return False
        return any(m.start() < start and start + length < m.end() for m in _LINK_TARGET.finditer(text))

    return inside(old, change.old_start, len(change.old)) and inside(new, change.new_start, len(change.new))


def flag_changes(old: str, new: str, pieces: Sequence[Piece], term: str | None = None) -> list[Flag]:
    """The flags of one clause's redline (``old``/``new`` are its two texts).

    ``term`` is the term the clause defines when it is a definition (a row of
    a definitions table, a labelled definition); every change in it is then a
    ``definition`` flag too.
    """
    found = [c for c in changes(pieces) if not _in_link_target(old, new, c)]
    if not found:
        return []
    old_spans, new_spans = sentences(old), sentences(new)
    old_side, new_side = _Side(old, old_spans), _Side(new, new_spans)
    old_whole = _whole(old_side, [(c.old_start, c.old_start + len(c.old)) for c in found])
    new_whole = _whole(new_side, [(c.new_start, c.new_start + len(c.new)) for c in found])
    flags: list[Flag] = []
    old_duty: list[tuple[int, int]] = []  # whole sentences flagged as a duty: their numbers are in that flag
    new_duty: list[tuple[int, int]] = []
    for span in old_whole:
        found_here = _sentence_flag(old, old_spans, span, added=False)
        flags.extend(found_here)
        old_duty.extend([span] if found_here else [])
    for span in new_whole:
        found_here = _sentence_flag(new, new_spans, span, added=True)
        flags.extend(found_here)
        new_duty.extend([span] if found_here else [])
    defined: set[str] = set()
    for change in found:
        old_range = (change.old_start, change.old_start + len(change.old))
        new_range = (change.new_start, change.new_start + len(change.new))
        whole = (
            bool(old_whole or new_whole) and _covered(old, old_range, old_whole) and _covered(new, new_range, new_whole)
        )
        sentence_span = _sentence_at(new, new_spans, *new_range)
        old_sentence_span = _sentence_at(old, old_spans, *old_range)
        sentence = quote(new, sentence_span, new_range)
        who = party(new[sentence_span[0] : sentence_span[1]], new_range[0] - sentence_span[0]) or party(
            old[old_sentence_span[0] : old_sentence_span[1]], old_range[0] - old_sentence_span[0]
        )
        old_exprs, new_exprs = old_side.expressions(*old_range), new_side.expressions(*new_range)
        for kind, was, now in _expression_changes(change, old, new, old_exprs, new_exprs, old_duty, new_duty):
            flags.append(Flag(kind, was, now, sentence, who))
        if whole:
            continue  # the sentences it touches were added or removed whole: their duty is flagged above
        moved = (
            [
                e
                for e in _around(old_side.modals(*old_range), old, old_range, touch=True)
                if not _covered(old, (e.start, e.end), old_whole)
            ],
            [
                e
                for e in _around(new_side.modals(*new_range), new, new_range, touch=True)
                if not _covered(new, (e.start, e.end), new_whole)
            ],
        )
        if (moved[0] or moved[1]) and _modal_keys(moved[0]) != _modal_keys(moved[1]):
            flags.append(Flag(FlagKind.MODAL, _join(moved[0]), _join(moved[1]), sentence, who))
        conjunction = _conjunction(change, new[sentence_span[0] : sentence_span[1]])
        if conjunction is not None:
            flags.append(Flag(FlagKind.CONJUNCTION, *conjunction, sentence, who))
        defines = term or _defined_term(new[sentence_span[0] : sentence_span[1]])
        if defines and defines not in defined and _changes_meaning(change):
            defined.add(defines)
            flags.append(Flag(FlagKind.DEFINITION, change.old.strip() or None, change.new.strip() or None, sentence))
    return _unique(flags)


class _Side:
    """One side of a redline: its sentences, and the expressions and modal verbs near a change.

    Flags are local: an expression that a change touches lies within a few
    words of it, in its sentence. Only a window of :data:`REACH` characters
    either side of each change is searched, so a one-word edit costs the same
    in a long clause as in a short one.
    """

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.text = text
        self.spans = spans
        self.ends = [end for _, end in spans]

    def around(self, start: int, end: int) -> range:
        """Indices of the sentences that overlap ``start``..``end`` or touch it (two characters either side)."""
        first = bisect.bisect_left(self.ends, start - 2)
        last = first
        while last < len(self.spans) and self.spans[last][0] <= end + 2:
            last += 1
        return range(first, last)

    def window(self, start: int, end: int) -> tuple[int, int]:
        """The sentences around a change, cut to :data:`REACH` characters either side at word boundaries."""
        found = self.around(start, end)
        if not found:
            return start, end
        s_start, s_end = self.spans[found[0]][0], self.spans[found[-1]][1]
        w_start, w_end = max(s_start, start - REACH), min(s_end, end + REACH)
        if w_start > s_start:
            space = self.text.find(" ", w_start, start) if w_start < start else -1
            w_start = space + 1 if space != -1 else w_start
        if w_end < s_end:
            space = self.text.rfind(" ", end, w_end) if end < w_end else -1
            w_end = space if space != -1 else w_end
        return w_start, w_end

    def expressions(self, start: int, end: int) -> list[Expression]:
        w_start, w_end = self.window(start, end)
        return [_shift(e, w_start) for e in expressions(self.text[w_start:w_end])]

    def modals(self, start: int, end: int) -> list[Expression]:
        w_start, w_end = self.window(start, end)
        piece = self.text[w_start:w_end]
        dates = [e for e in expressions(piece) if e.kind is FlagKind.NUMBER] if "May" in piece else []
        return [_shift(e, w_start) for e in modals(piece, dates)]


REACH = 120  # characters searched either side of a change for the expressions it touches


def _shift(expression: Expression, by: int) -> Expression:
    return replace(expression, start=expression.start + by, end=expression.end + by)


def _whole(side: _Side, changed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences of a side whose words lie, at least :data:`WHOLE` of them, inside changed runs."""
    text = side.text
    touched = sorted({index for c_start, c_end in changed if c_end > c_start for index in side.around(c_start, c_end)})
    runs = sorted(c for c in changed if c[1] > c[0])
    starts = [c_start for c_start, _ in runs]

    def inside(w_start: int, w_end: int) -> bool:
        at = bisect.bisect_right(starts, w_start) - 1
        return at >= 0 and w_end <= runs[at][1]

    out: list[tuple[int, int]] = []
    for start, end in (side.spans[index] for index in touched):
        words = [m.span() for m in _WORD.finditer(text, start, end)]
        if len(words) < 3:
            continue
        if sum(1 for w_start, w_end in words if inside(w_start, w_end)) >= WHOLE * len(words):
            out.append((start, end))
    return out


_WORD = re.compile(r"\w+")


def _covered(text: str, span: tuple[int, int], wholes: list[tuple[int, int]]) -> bool:
    """Whether every word of a run lies inside the whole sentences (an empty run: whether its place does)."""
    start, end = span
    if start == end:
        return True  # nothing on this side
    if not wholes:
        return False
    for match in re.finditer(r"\w+", text[start:end]):
        position = start + match.start()
        if not any(w_start <= position < w_end for w_start, w_end in wholes):
            return False
    return True


def _sentence_flag(text: str, spans: list[tuple[int, int]], span: tuple[int, int], added: bool) -> list[Flag]:
    """An obligation or permission flag for a sentence added or removed whole (its lead-in counts)."""
    sentence = text[span[0] : span[1]]
    kind = _duty(sentence)
    who = party(sentence)
    if kind is None:
        lead = _lead_in(text, spans, span)
        if lead is not None:
            kind = _duty(lead)
            who = party(lead)
    if kind is None:
        return []
    quoted = quote(text, span)
    return [_duty_flag(kind, added, quoted, who)]


def _duty(sentence: str) -> str | None:
    """``"obligation"``, ``"permission"`` or ``None`` for a sentence or a lead-in."""
    obliges = OBLIGATION.search(sentence)
    permits = PERMISSION.search(sentence)
    if obliges and (not permits or obliges.start() <= permits.start()):
        return "obligation"
    return "permission" if permits else None


def _duty_flag(kind: str, added: bool, sentence: str, who: str | None) -> Flag:
    if kind == "obligation":
        flag_kind = FlagKind.OBLIGATION_ADDED if added else FlagKind.OBLIGATION_REMOVED
    else:
        flag_kind = FlagKind.PERMISSION_ADDED if added else FlagKind.PERMISSION_REMOVED
    return Flag(flag_kind, None if added else sentence, sentence if added else None, sentence, who)


def _lead_in(text: str, spans: list[tuple[int, int]], span: tuple[int, int]) -> str | None:
    """The "Provider may:" that introduces the list item at ``span``, when there is one."""
    index = spans.index(span)
    for start, end in reversed(spans[:index]):
        piece = text[start:end]
        if re.fullmatch(r"\(?(?:\d{1,2}|[a-z]{1,3})[.)]", piece):
            continue  # a list marker ("2.") standing as a unit of its own
        if piece.endswith(":"):
            return piece
        if piece.endswith((".", "!", "?")):
            return None
    return None


def _expression_changes(
    change: Change,
    old: str,
    new: str,
    old_exprs: list[Expression],
    new_exprs: list[Expression],
    old_whole: list[tuple[int, int]],
    new_whole: list[tuple[int, int]],
) -> list[tuple[FlagKind, str | None, str | None]]:
    old_range = (change.old_start, change.old_start + len(change.old))
    new_range = (change.new_start, change.new_start + len(change.new))
    was = [
        e for e in _around(old_exprs, old, old_range) if not (old_whole and _covered(old, (e.start, e.end), old_whole))
    ]
    now = [
        e for e in _around(new_exprs, new, new_range) if not (new_whole and _covered(new, (e.start, e.end), new_whole))
    ]
    if not was and not now:
        return []
    out: list[tuple[FlagKind, str | None, str | None]] = []
    kinds: list[FlagKind] = []
    for e in [*was, *now]:
        if e.kind not in kinds:
            kinds.append(e.kind)
    # An expression that changed kind ("30 days" → "monthly") is one flag, of the new kind.
    if len(kinds) == 2 and was and now and {e.kind for e in was} != {e.kind for e in now}:
        if _value_keys(was) != _value_keys(now):
            out.append((now[0].kind, _join(was), _join(now)))
        return out
    for kind in kinds:
        before = [e for e in was if e.kind is kind]
        after = [e for e in now if e.kind is kind]
        if _value_keys(before) != _value_keys(after):
            out.append((kind, _join(before), _join(after)))
    return out


def _around(found: Sequence[Expression], text: str, span: tuple[int, int], touch: bool = False) -> list[Expression]:
    """Expressions that overlap the changed span (or contain an insertion point); ``touch`` reaches across spaces."""
    start, end = span
    if touch:
        while start > 0 and text[start - 1].isspace():
            start -= 1
        while end < len(text) and text[end].isspace():
            end += 1
        return [e for e in found if e.start <= end and start <= e.end]
    if start == end:
        return [e for e in found if e.start <= start <= e.end]
    return [e for e in found if e.start < end and start < e.end]


_CONTRACTIONS = {"cannot": "can not", "won't": "will not", "shan't": "shall not", "mustn't": "must not"}


def _modal_keys(found: Sequence[Expression]) -> list[str]:
    out = []
    for e in found:
        text = normalize(e.text).lower()
        out.append(_CONTRACTIONS.get(text, text))
    return out


_SPELLED_NUMBER = re.compile(rf"\b(?:{NUMBER_WORDS})(?:[\s-]+(?:and[\s-]+)?(?:{NUMBER_WORDS}))*\b", re.IGNORECASE)


def _value_keys(found: Sequence[Expression]) -> list[str]:
    """What an expression says, whatever way it is written: "thirty (30) days" and "30 days" say the same."""
    return [_value_key(e.text) for e in found]


def _value_key(text: str) -> str:
    key = normalize(text).lower()
    key = re.sub(r"\(\s*(\d[\d,.]*)\s*%?\s*\)", r"\1", key) if re.search(r"[a-z]\s*\(\s*\d", key) else key
    key = _SPELLED_NUMBER.sub(lambda m: _spelled(m.group()), key)
    key = re.sub(r"(\d) (\d)", r"\1\2", key)  # "30 (30)" after the words became digits: one number
    key = re.sub(r"\b(\d+)\s*\1\b", r"\1", key)
    key = key.replace("per cent", "%").replace("percent", "%").replace(" %", "%")
    key = re.sub(r"(\d),(\d{3})", r"\1\2", key)
    key = re.sub(r"(\d)\.0+\b", r"\1", key)
    key = re.sub(r"\b(day|week|month|year|hour|minute|second|quarter)s\b", r"\1", key)
    return key


def _spelled(words: str) -> str:
    value = spelled_value(words)
    return str(value) if value is not None else words


def _conjunction(change: Change, sentence: str) -> tuple[str, str] | None:
    """ "and" ↔ "or" in a sentence that obliges or permits."""
    was, now = normalize(change.old).lower(), normalize(change.new).lower()
    if was in _CONJUNCTIONS and now in _CONJUNCTIONS and was != now and _duty(sentence):
        return change.old.strip(), change.new.strip()
    return None


_DEFINING_WORDS = re.compile(r"\b(?:means|shall|mean|refers|to|is|defined|as|has|the|meaning)\b|[\W_]+", re.IGNORECASE)


def _changes_meaning(change: Change) -> bool:
    """Whether a change inside a definition touches more than its defining verb ("refers to" → "means") or case."""
    if change.old.casefold() == change.new.casefold():
        return False
    return bool(_DEFINING_WORDS.sub("", change.old).strip() or _DEFINING_WORDS.sub("", change.new).strip())


def _defined_term(sentence: str) -> str | None:
    match = DEFINES.search(sentence)
    if match is None:
        return None
    return normalize(match.group(1) or match.group(2))


def defined_term(sentence: str) -> str | None:
    """The term a sentence defines (“PHI” means …; … (the “Services”)), or ``None``."""
    return _defined_term(sentence)


def _join(found: Sequence[Expression]) -> str | None:
    return "; ".join(e.text.strip() for e in found) if found else None


def _unique(flags: list[Flag]) -> list[Flag]:
    """Flags without repeats; a one-sided flag is dropped when a two-sided one already quotes that side."""
    seen: set[tuple[FlagKind, str | None, str | None]] = set()
    quoted = {(f.kind, "old", f.old) for f in flags if f.old and f.new} | {
        (f.kind, "new", f.new) for f in flags if f.old and f.new
    }
    out: list[Flag] = []
    for flag in flags:
        if flag.old is None and (flag.kind, "new", flag.new) in quoted:
            continue
        if flag.new is None and (flag.kind, "old", flag.old) in quoted:
            continue
        key = (flag.kind, flag.old, flag.new)
        if key not in seen:
            seen.add(key)
            out.append(flag)
    return out


# --- references that follow their clause ----------------------------------------------------

_REF_TARGET = re.compile(r"(?:\d+|\b[A-Z])(?:\.\d+)*(?:\([a-z0-9]{1,4}\))*")


def follows_renumbering(flag: Flag, renumbered: Mapping[str, str]) -> bool:
    """A reference flag whose old targets, renumbered as their clauses were, are its new targets."""
    if flag.kind is not FlagKind.REFERENCE or flag.old is None or flag.new is None:
        return False
    was = _REF_TARGET.findall(_strip_word(flag.old))
    now = _REF_TARGET.findall(_strip_word(flag.new))
    if len(was) != len(now) or not was:
        return False
    return all((renumbered.get(a, a) == b and a != b) or a == b for a, b in zip(was, now, strict=True)) and any(
        renumbered.get(a) == b for a, b in zip(was, now, strict=True)
    )


def _strip_word(reference: str) -> str:
    return re.sub(r"^\s*\w+\s+", "", reference) if not reference.lstrip().startswith("§") else reference


# --- added and removed clauses --------------------------------------------------------------

EXCERPT = 160  # characters of a sub-clause quoted in an obligation flag
_SENTENCE = re.compile(r"(?:[^.;!?]|[.;!?](?!\s|$))+[.;!?]?")  # "99.9%" does not end a sentence


def obligation(text: str) -> str | None:
    """The first sentence of ``text`` that states an obligation (shall, must, agrees to…), or ``None``."""
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        if sentence and OBLIGATION.search(sentence):
            return _excerpt(sentence)
    return None


def _excerpt(sentence: str) -> str:
    return sentence if len(sentence) <= EXCERPT else sentence[: EXCERPT - 1].rstrip() + "…"


def _first_duty(text: str, lead_in: str) -> tuple[str, str, str | None] | None:
    """The kind, sentence and party of the first sentence of an added or removed clause that obliges or permits."""
    kinds: list[tuple[str, str, str | None]] = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        kind = _duty(sentence) if sentence else None
        if kind == "obligation":
            return kind, sentence, party(sentence)
        if kind == "permission":
            kinds.append((kind, sentence, party(sentence)))
    if kinds:
        return kinds[0]
    lead = lead_in.strip()
    if text.strip() and lead.endswith(":"):
        last = sentences(lead)[-1] if sentences(lead) else (0, len(lead))
        intro = lead[last[0] : last[1]]
        kind = _duty(intro)
        if kind is not None:
            first = _SENTENCE.match(text.strip())
            return kind, first.group().strip() if first else text.strip(), party(intro)
    return None


def flag_added(text: str, lead_in: str = "") -> list[Flag]:
    """An ``obligation-added`` (or ``permission-added``) flag when an added clause obliges (or permits).

    ``lead_in`` is the text of the parent the clause was added under: an item
    added under "Provider may:" adds a permission even if it says only
    "disclose PHI to auditors".
    """
    found = _first_duty(text, lead_in)
    if found is None:
        return []
    kind, sentence, who = found
    return [_duty_flag(kind, True, _excerpt(sentence), who)]


def flag_removed(text: str, lead_in: str = "") -> list[Flag]:
    """An ``obligation-removed`` (or ``permission-removed``) flag when a removed clause obliged (or permitted)."""
    found = _first_duty(text, lead_in)
    if found is None:
        return []
    kind, sentence, who = found
    return [_duty_flag(kind, False, _excerpt(sentence), who)]
