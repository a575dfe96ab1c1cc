"""amend renumber's text edit: clauses numbered in order, references following them, nothing else touched."""

from __future__ import annotations

import pytest

from amend.renumber import renumber_text

FRONT = "---\ntitle: T\nposted: 2027-01-01\neffective: 2027-02-01\nsummary: See Section 2.\n---\n\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "## 1. A\n\n## 3. B\n\nAs Section 3 says.\n",
            "## 1. A\n\n## 2. B\n\nAs Section 2 says.\n",
            id="a-removed-clause-closes-the-gap",
        ),
        pytest.param(
            "## 1. A\n\n## 2. New\n\nSee Section 2.\n\n## 2. Old\n\n## 3. C\n\nSections 2 and 3.\n",
            "## 1. A\n\n## 2. New\n\nSee Section 3.\n\n## 3. Old\n\n## 4. C\n\nSections 3 and 4.\n",
            id="an-inserted-clause-and-references-written-before-it",
        ),
        pytest.param(
            "## 1. A\n\n## 3. B\n\nclause 3.2, Sections 1, 3 through 3 and Articles 3 or 1.\n",
            "## 1. A\n\n## 2. B\n\nclause 2.2, Sections 1, 2 through 2 and Articles 2 or 1.\n",
            id="sub-numbers-lists-and-every-word-for-a-clause",
        ),
        pytest.param(
            "## 1. A\n\n## 3. B\n\nSection 13402 of the HITECH Act and 45 C.F.R. § 164.504.\n",
            "## 1. A\n\n## 2. B\n\nSection 13402 of the HITECH Act and 45 C.F.R. § 164.504.\n",
            id="a-statute-is-left-alone",
        ),
        pytest.param(
            "## 1. A\n\n```\n## 5. not a clause\nSection 5\n```\n\n## 5. B\n\n### 7. Deeper heading\n",
            "## 1. A\n\n```\n## 5. not a clause\nSection 5\n```\n\n## 2. B\n\n### 7. Deeper heading\n",
            id="code-and-deeper-headings-are-left-alone",
        ),
    ],
)
def test_renumber_text_numbers_clauses_and_follows_references(body: str, expected: str) -> None:
    text, changes = renumber_text(FRONT + body)
    assert text == FRONT + expected  # the front matter (whose summary names a section) is never touched
    assert [c.line for c in changes] == sorted(c.line for c in changes)
    assert all(c.old != c.new for c in changes)


def test_a_text_numbered_in_order_is_unchanged() -> None:
    text = FRONT + "## 1. A\n\nSee Section 2.\n\n## 2. B\n"
    assert renumber_text(text) == (text, [])
