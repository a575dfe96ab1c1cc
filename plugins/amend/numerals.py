"""Numbers written in words, and words and digits that must agree ("fourteen (14) days").

Contracts write a number twice, in words and then in digits, so that a slip
in one is caught by the other; when the two disagree ("fourteen (40) days")
nobody can say which one binds. :func:`spelled_value` reads an English number
written in words; :func:`check_numerals` reports every "words (digits)" pair of
a revision whose two halves differ (SPEC "Bad input": a problem with file and
line). The redline's flags use :func:`spelled_value` too, so that "thirty (30)
days" → "30 days" is not a change of substance.

This module reads text only; it knows nothing of clauses or diffs.
"""

from __future__ import annotations

import re

from .model import Revision
from .problems import Problem

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
NUMBER_WORDS = "|".join(sorted([*_UNITS, *_SCALES], key=len, reverse=True))
# "forty-five (45)", "one hundred and twenty (120)", "ten (10%)", "five (5.0)"
WORDS_AND_DIGITS = re.compile(
    rf"\b((?:{NUMBER_WORDS})(?:[\s-]+(?:and[\s-]+)?(?:{NUMBER_WORDS}))*)\s*\(\s*(\d{{1,3}}(?:,\d{{3}})*|\d+)(?:\.0+)?\s*%?\s*\)",
    re.IGNORECASE,
)


def spelled_value(words: str) -> int | None:
    """``"forty-five"`` → 45, ``"one hundred and twenty"`` → 120; ``None`` when it is not a number in words."""
    total = current = 0
    seen = False
    for word in re.split(r"[\s-]+", words.strip().lower()):
        if word == "and" and seen:
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def check_numerals(revision: Revision) -> list[Problem]:
    """Every "words (digits)" pair whose words and digits name different numbers, with its line."""
    body = revision.document.body
    problems: list[Problem] = []
    for match in WORDS_AND_DIGITS.finditer(body):
        value = spelled_value(match.group(1))
        digits = int(match.group(2).replace(",", ""))
        if value is None or value == digits:
            continue
        quoted = " ".join(match.group(0).split())  # a pair wrapped over two lines is quoted on one
        problems.append(
            Problem(
                revision.path.as_posix(),
                revision.document.body_line + body.count("\n", 0, match.start()),
                f"'{quoted}' says {value} in words and {digits} in digits; "
                "make the words and the digits name the same number",
            )
        )
    return problems
