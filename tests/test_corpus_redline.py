"""The redline on real policy revisions (../shared/corpus, through the ``corpus_dir`` fixture).

Each expectation below was read off the two files by hand: which clause became
which, what really changed, and what only changed its formatting.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from amend.diff import ChangeStatus, ClauseDiff, DocumentDiff, diff_documents
from amend.diffviews import render_html, render_markdown, render_text
from amend.redline import new_text, old_text
from amend.revisions import load_document


def _diff(corpus_dir: Path, policy: str, old: str, new: str) -> DocumentDiff:
    a, problems = load_document(corpus_dir / policy / f"{old}.md")
    assert a is not None, problems
    b, problems = load_document(corpus_dir / policy / f"{new}.md")
    assert b is not None, problems
    return diff_documents(a, b)


def _changed_paths(diff: DocumentDiff) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def walk(entries: tuple[ClauseDiff, ...], path: str) -> None:
        for e in entries:
            here = f"{path}/{e.clause.number or ''}{e.clause.title}".strip("/")
            if e.status is not ChangeStatus.UNCHANGED or e.moved:
                out.append((e.status.value, here))
            walk(e.children, here)

    walk(diff.clauses, "")
    return out


def test_the_corporate_terms_last_pair_shows_the_marks_the_page_prints(corpus_dir: Path) -> None:
    # 2026-03-02 turned a "{% note %}" block into a "> [!NOTE]" alert and "-" bullets into "*". amend's
    # renderer knows neither Liquid nor alerts, and those bullets follow a paragraph line (no list): the
    # page prints every one of these marks, so the redline shows them (SPEC "One text"), and nothing else.
    diff = _diff(corpus_dir, "github-corporate-terms-of-service", "2024-05-01", "2026-03-02")
    assert not diff.formatting_only
    changes = {(e.id, p.op.value, p.text) for e in diff.walk() for p in e.redline if p.op.value != "equal"}
    assert {text.strip() for _, _, text in changes} == {"{% note %} Note:", "[!NOTE]", "{% endnote %}", "-", "*"}
    assert not diff.flags()


def test_the_terms_of_service_last_pair_is_formatting_only(corpus_dir: Path) -> None:
    diff = _diff(corpus_dir, "github-terms-of-service", "2025-09-29", "2026-03-02")
    assert _changed_paths(diff) == []


def test_promoted_headings_pair_every_clause_with_itself_and_show_only_the_real_edits(corpus_dir: Path) -> None:
    # 2022-09-01 promoted every heading one level ("### A." → "## A.") and renamed "User Account"
    # to "Personal Account"; "User Account Security" became "Account Security".
    diff = _diff(corpus_dir, "github-terms-of-service", "2020-10-15", "2022-09-01")
    assert [(e.old and e.old.title) for e in diff.clauses] == [(e.new and e.new.title) for e in diff.clauses]
    assert _changed_paths(diff) == [
        ("modified", "ADefinitions"),
        ("modified", "ADefinitions/1"),
        ("modified", "BAccount Terms"),
        ("modified", "BAccount Terms/Short version"),
        ("modified", "BAccount Terms/1Account Controls"),
        ("modified", "BAccount Terms/3Account Requirements"),
        ("modified", "BAccount Terms/4Account Security"),
        ("modified", "DUser-Generated Content"),
        ("modified", "DUser-Generated Content/2GitHub May Remove Content"),
        ("modified", "JBeta Previews"),
        ("modified", "JBeta Previews/Short version"),
        # A link target changed (…?tags=docs-policy): a reader following the link sees it.
        ("modified", "KPayment"),
        ("modified", "KPayment/5Responsibility for Payment"),
        ("modified", "RMiscellaneous"),
        ("modified", "RMiscellaneous/6Questions"),
    ]
    security = next(e for e in diff.walk() if e.new is not None and e.new.title == "Account Security")
    assert security.old is not None and security.old.title == "User Account Security"
    assert sum(1 for e in diff.clauses if e.formatting_only) == 14
    assert not diff.flags()


def test_a_new_section_is_added_with_its_obligation_and_nothing_else_moves(corpus_dir: Path) -> None:
    diff = _diff(corpus_dir, "github-terms-of-service", "2023-10-17", "2025-09-29")
    added = [e for e in diff.walk() if e.status is ChangeStatus.ADDED]
    assert [(e.clause.number, e.clause.title) for e in added] == [("8", "Access Reciprocity")]
    assert [f.kind.value for f in added[0].flags] == ["obligation-added"]
    assert not any(e.moved for e in diff.walk())
    assert not any(e.status is ChangeStatus.REMOVED for e in diff.walk())
    modified = {e.clause.title for e in diff.walk() if e.status is ChangeStatus.MODIFIED and not e.children}
    assert modified == {
        "Ownership of Content, Right to Post, and License Grants",
        "GitHub's Rights to Content",
        "Upon Cancellation",
        "Governing Law",
        # What the page prints as text: an HTML comment (raw HTML reads as text) and "-" → "*" marks
        # on lines that follow a paragraph line, so are no list (SPEC "One text").
        "",
        "Account Requirements",
        "Account Security",
        "Access",
    }


def test_subprocessor_rows_pair_by_name_and_a_new_vendor_is_never_an_old_one_renamed(corpus_dir: Path) -> None:
    # 2020-08-14 added a "Corporate Location" column to every row, dropped Front, Lithium and
    # Segment, and added Discourse, Monday.com, Sentry.io and Stripe.
    diff = _diff(corpus_dir, "github-subprocessors", "2019-08-08", "2020-08-14")
    table = next(e for e in diff.clauses if e.clause.title == "GitHub Subprocessors")
    rows = {(e.status.value, e.clause.title) for e in table.children}
    assert {title for status, title in rows if status == "removed"} == {"Front", "Lithium", "Segment"}
    assert {title for status, title in rows if status == "added"} == {"Discourse", "Monday.com", "Sentry.io", "Stripe"}
    for e in table.children:
        if e.old is not None and e.new is not None:
            assert e.old.title == e.new.title
            assert not e.moved


def test_one_new_subprocessor_row_is_the_only_change_to_the_table(corpus_dir: Path) -> None:
    diff = _diff(corpus_dir, "github-subprocessors", "2019-04-19", "2019-08-08")
    table = next(e for e in diff.clauses if e.clause.title == "GitHub Subprocessors")
    assert [(e.status.value, e.clause.title) for e in table.children if e.status is not ChangeStatus.UNCHANGED] == [
        ("added", "Microsoft")
    ]


def _pairs(corpus_dir: Path) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for folder in sorted(p for p in corpus_dir.iterdir() if p.is_dir()):
        files = sorted(folder.glob("*.md"))
        out.extend((folder.name, a.stem, b.stem) for a, b in itertools.pairwise(files))
    return out


def test_every_corpus_pair_gives_lossless_redlines_and_honest_statuses(corpus_dir: Path) -> None:
    pairs = _pairs(corpus_dir)
    assert len(pairs) == 44
    for policy, old, new in pairs:
        diff = _diff(corpus_dir, policy, old, new)
        for entry in diff.walk():
            if entry.old is not None and entry.new is not None:
                assert old_text(entry.redline) == entry.old.text, (policy, old, entry.id)
                assert new_text(entry.redline) == entry.new.text, (policy, old, entry.id)
            if entry.status is ChangeStatus.UNCHANGED:  # only the use of a definition that changed elsewhere
                assert all(f.kind.value == "definition" and f.old == f.new for f in entry.flags)
        for render in (render_text, render_markdown):
            assert render(diff)
        assert "<script" not in render_html(diff, "../a/", "../b/")


@pytest.mark.parametrize("policy", ["github-terms-of-service", "github-privacy-statement", "github-subprocessors"])
def test_each_corpus_revision_compared_with_itself_is_unchanged(corpus_dir: Path, policy: str) -> None:
    for path in sorted((corpus_dir / policy).glob("*.md")):
        document, _ = load_document(path)
        assert document is not None
        diff = diff_documents(document, document)
        assert not diff.wording_changed and not diff.formatting_only, path.name
