"""Agreements written as one numbered list read as clauses (SPEC "One text", second paragraph)."""

from __future__ import annotations

import itertools
from pathlib import Path

from amend.clauses import parse_document
from amend.diff import ChangeStatus, diff_documents
from amend.revisions import load_document

NDA = """# Standard Terms

1. **Introduction**. This agreement lets each party share Confidential Information for the Purpose.

2. **Use**. The Receiving Party shall: (a) use Confidential Information only for the Purpose; (b) protect it.

3. **Term**. This agreement lasts one (1) year.

Sample Agreement Version 1.0, free to use.
"""

DPA = """# Data Processing Agreement

1. <span class="header_2">Roles</span>

    1. <span class="header_3">Provider as Processor.</span>  Provider processes data for Customer.

    2. <span class="header_3">Provider as Subprocessor.</span>  Provider may act for Customer's controller.

2. <span class="header_2">Deletion</span>

    1. <span class="header_3">Deletion on request.</span>  Provider will delete data within 30 days.
"""


def test_bold_titled_items_are_clauses_and_a_closing_line_stays_outside_them() -> None:
    document = parse_document(NDA, "nda")
    assert document.title == "Standard Terms"
    assert [(c.number, c.title) for c in document.clauses] == [("1", "Introduction"), ("2", "Use"), ("3", "Term")]
    assert document.clauses[1].text.startswith("The Receiving Party shall: (a)")
    assert document.preamble == "Sample Agreement Version 1.0, free to use."


def test_header_spans_give_titles_and_nested_items_are_numbered_under_their_parent() -> None:
    document = parse_document(DPA, "dpa")
    assert [(c.number, c.title) for c in document.walk()] == [
        ("1", "Roles"),
        ("1.1", "Provider as Processor"),
        ("1.2", "Provider as Subprocessor"),
        ("2", "Deletion"),
        ("2.1", "Deletion on request"),
    ]
    assert document.walk()[1].text == "Provider processes data for Customer."
    assert "header_2" not in document.clauses[0].text and "span" not in document.walk()[4].text


def test_an_item_inserted_in_a_numbered_agreement_renumbers_nothing_but_itself() -> None:
    new = NDA.replace("2. **Use**.", "2. **Purpose**. The Purpose is evaluating a deal.\n\n3. **Use**.").replace(
        "3. **Term**", "4. **Term**"
    )
    diff = diff_documents(parse_document(NDA, "a"), parse_document(new, "b"))
    statuses = [(e.status.value, e.clause.title) for e in diff.clauses]
    assert statuses == [
        ("unchanged", "Introduction"),
        ("added", "Purpose"),
        ("unchanged", "Use"),
        ("unchanged", "Term"),
    ]
    assert [f.kind.value for f in diff.flags()] == []


def test_a_body_with_headings_is_not_read_as_a_numbered_list() -> None:
    document = parse_document("## 1. Scope\n\n1. **One**. x\n\n2. **Two**. y\n", "doc")
    assert [c.title for c in document.clauses] == ["Scope"]


def test_the_common_paper_nda_pairs_clause_by_clause_and_flags_no_renumbering(standard_agreements_dir: Path) -> None:
    folder = standard_agreements_dir / "commonpaper-mutual-nda"
    files = sorted(folder.glob("*.md"))
    assert len(files) == 5
    first, _ = load_document(files[0])
    assert first is not None and len(first.clauses) == 11
    for old, new in itertools.pairwise(files):
        a, _ = load_document(old)
        b, _ = load_document(new)
        assert a is not None and b is not None
        diff = diff_documents(a, b)
        assert not any(e.status in (ChangeStatus.ADDED, ChangeStatus.REMOVED) for e in diff.walk()), new.name
        assert all(f.kind.value != "number" or entry.id == "preamble" for entry, f in diff.flags()), new.name


def test_the_common_paper_dpa_is_a_tree_and_its_second_revision_changes_no_clause(
    standard_agreements_dir: Path,
) -> None:
    files = sorted((standard_agreements_dir / "commonpaper-dpa").glob("*.md"))
    a, _ = load_document(files[0])
    b, _ = load_document(files[1])
    assert a is not None and b is not None
    assert [c.title for c in a.clauses][:3] == [
        "Processor and Subprocessor Relationships",
        "Processing",
        "Restricted Transfers",
    ]
    assert any(c.number == "2.6" and c.title == "Subprocessors" for c in a.walk())
    diff = diff_documents(a, b)
    assert not diff.wording_changed
