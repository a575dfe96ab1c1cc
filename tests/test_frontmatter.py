"""Strict front matter: every way a legal team can get it wrong gets a line and a fix."""

from __future__ import annotations

from datetime import date

import pytest

from amend.frontmatter import parse_revision_meta, split_front_matter

GOOD = """---
title: Business Associate Agreement
posted: 2025-09-17
effective: 2025-10-17
summary: Shortens the breach notice.
---
Body.
"""


def meta_of(text: str):  # type: ignore[no-untyped-def]
    return parse_revision_meta(split_front_matter(text), "baa_versions/2025-10-17.md")


def test_a_good_front_matter_gives_dates_and_the_body_line() -> None:
    meta, problems = meta_of(GOOD)
    assert problems == []
    assert meta is not None
    assert (meta.posted, meta.effective) == (date(2025, 9, 17), date(2025, 10, 17))
    assert meta.lines == {"title": 2, "posted": 3, "effective": 4, "summary": 5}
    assert split_front_matter(GOOD).body_line == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Body only.\n",
            "baa_versions/2025-10-17.md:1: no front matter; start the file with a '---' block",
        ),
        (
            GOOD.replace("effective:", "efective:"),
            "baa_versions/2025-10-17.md:4: unknown front-matter key 'efective'; did you mean 'effective'?",
        ),
        (
            GOOD.replace("posted: 2025-09-17", "posted: 2025-9-17"),
            "baa_versions/2025-10-17.md:3: 'posted' is '2025-9-17'; write dates as YYYY-MM-DD, e.g. '2025-09-17'",
        ),
        (
            GOOD.replace("posted: 2025-09-17", "posted: 2025-02-30"),
            "baa_versions/2025-10-17.md:3: 'posted' is '2025-02-30', a day that does not exist",
        ),
        (
            GOOD.replace("summary: Shortens the breach notice.\n", ""),
            "baa_versions/2025-10-17.md:5: missing front-matter key 'summary'; add 'summary: …'",
        ),
        (
            GOOD.replace("title: Business Associate Agreement", "title: [unclosed"),
            "baa_versions/2025-10-17.md:3: front matter is not valid YAML",
        ),
        (
            GOOD.replace("summary: Shortens", "posted: 2025-09-18\nsummary: Shortens"),
            "baa_versions/2025-10-17.md:5: duplicate front-matter key 'posted' (first on line 3); keep one",
        ),
        (
            GOOD.replace("\n---\nBody", "\nBody"),
            "baa_versions/2025-10-17.md:1: front matter is not closed; add a line '---' after its last key",
        ),
        (
            GOOD.replace("posted: 2025-09-17", "posted: soon"),
            "baa_versions/2025-10-17.md:3: 'posted' is 'soon', not a date; write it as YYYY-MM-DD",
        ),
    ],
    ids=[
        "missing",
        "unknown-key",
        "loose-date",
        "impossible-date",
        "missing-key",
        "yaml-error",
        "duplicate-key",
        "unclosed",
        "not-a-date",
    ],
)
def test_each_bad_front_matter_gets_one_clear_message(text: str, expected: str) -> None:
    meta, problems = meta_of(text)
    assert meta is None
    rendered = [p.render() for p in problems]
    assert len(rendered) == 1, rendered
    assert rendered[0].startswith(expected), rendered[0]


def test_a_file_without_front_matter_is_all_body() -> None:
    split = split_front_matter("# Title\n\nText\n")
    assert split.front_matter is None
    assert split.body_line == 1
