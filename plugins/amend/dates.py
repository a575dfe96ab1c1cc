"""How a day is written for readers: ``December 17, 2026``, the long form a US contract prints.

One home for the page, the PDF, the Word files and the notices. Fixed English
month names, so no output depends on the machine's locale.
"""

from __future__ import annotations

from datetime import date

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(day: date) -> str:
    """``2026-12-17`` → ``December 17, 2026``."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def time_tag(day: date) -> str:
    """The day as an HTML ``<time>`` element: the long form shown, the ISO date machine-readable."""
    return f'<time datetime="{day.isoformat()}">{format_date(day)}</time>'
