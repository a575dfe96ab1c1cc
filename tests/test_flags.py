"""Flags across a whole diff: what needs the pairs (references, definitions, labels) and the numbers in words."""

from __future__ import annotations

import pytest

from amend.clauses import parse_document
from amend.diff import ChangeStatus, diff_documents
from amend.numerals import spelled_value

BASE = """## 1. Definitions

| Term | Meaning |
| --- | --- |
| PHI | Health information Harborlight holds for Customer. |
| Breach | A loss of PHI. |

## 2. Reports

**Timing.** Harborlight shall report a Breach within 72 hours, as section 3 allows.

## 3. Exceptions

Harborlight need not report a loss of encrypted PHI.

## 4. Audits

Customer may audit Harborlight once a year.
"""


def _flags(old: str, new: str) -> list[tuple[str, str, str | None, str | None]]:
    diff = diff_documents(parse_document(old, "a"), parse_document(new, "b"))
    return [(entry.id, f.kind.value, f.old, f.new) for entry, f in diff.flags()]


def test_a_reference_that_follows_its_renumbered_clause_is_not_flagged() -> None:
    new = BASE.replace("## 3. Exceptions", "## 3. Notices\n\nNotices go by email.\n\n## 4. Exceptions").replace(
        "## 4. Audits", "## 5. Audits"
    )
    new = new.replace("as section 3 allows", "as section 4 allows")
    assert _flags(BASE, new) == []


def test_a_reference_that_now_names_another_clause_is_flagged() -> None:
    new = BASE.replace("as section 3 allows", "as section 4 allows")
    assert _flags(BASE, new) == [("reports-timing", "reference", "section 3", "section 4")]


def test_a_changed_definition_flags_its_row_and_each_clause_that_uses_the_term() -> None:
    new = BASE.replace("| Breach | A loss of PHI. |", "| Breach | A loss or misuse of PHI. |")
    assert _flags(BASE, new) == [
        ("definitions-breach", "definition", None, "or misuse"),
        ("reports", "definition", "Breach", "Breach"),
    ]


def test_a_label_that_went_from_bold_to_italic_to_plain_is_formatting_only() -> None:
    italic = BASE.replace("**Timing.**", "*Timing.*")
    plain = BASE.replace("**Timing.**", "Timing.")
    for old, new in ((BASE, italic), (italic, plain), (BASE, plain), (plain, BASE)):
        diff = diff_documents(parse_document(old, "a"), parse_document(new, "b"))
        assert not diff.flags()
        reports = next(e for e in diff.clauses if e.id == "reports")
        assert reports.status is ChangeStatus.UNCHANGED and reports.formatting_only


def test_an_item_added_under_a_may_lead_in_is_a_permission_added() -> None:
    old = "## 1. Uses\n\nHarborlight may:\n\n1. use PHI to run the Services;\n2. disclose PHI as the law requires.\n"
    new = old.replace("2. disclose", "2. de-identify PHI for research;\n3. disclose")
    flags = diff_documents(parse_document(old, "a"), parse_document(new, "b")).flags()
    assert [(f.kind.value, f.new, f.party) for _, f in flags] == [
        ("permission-added", "de-identify PHI for research;", "Harborlight")
    ]


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("fourteen", 14),
        ("forty-five", 45),
        ("one hundred and twenty", 120),
        ("two thousand five hundred", 2500),
        ("thirty", 30),
        ("a dozen", None),
        ("", None),
    ],
)
def test_numbers_in_words_are_read_as_numbers(words: str, value: int | None) -> None:
    assert spelled_value(words) == value
