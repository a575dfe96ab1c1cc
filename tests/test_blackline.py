"""The blackline redline PDF (amend.blackline, amend.pdf): the new revision typeset as itself, changes marked in place.

On the sample agreement's own revisions: unchanged text carries no mark,
tables stay tables, each bold label is printed once, a deleted clause is put
back where it stood, every change has a change bar and a line on the first
page with the page it is on, and the PDF stays about as long as the revision's.
"""

from __future__ import annotations

import re
from io import BytesIO
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader

from amend.blackline import BAR, REMOVED_PREFIX, Blackline, render_blackline
from amend.diff import ChangeStatus, diff_documents
from amend.document_html import find_element, render_document_html
from amend.model import Revision
from amend.pdf import render_revision_pdf
from amend.pdfcache import render_redline
from amend.revisions import load_revisions

BAA = Path(__file__).resolve().parent.parent / "baa_versions"
ORGANIZATION = "Harborlight Health Cloud, Inc."


@pytest.fixture(scope="module")
def sample() -> dict[str, Revision]:
    loaded = load_revisions(BAA)
    assert not loaded.problems
    return {r.id: r for r in loaded.revisions}


def blackline(old: Revision, new: Revision) -> tuple[Blackline, str]:
    new_html = render_document_html(new.document)
    diff = diff_documents(old.document, new.document)
    return render_blackline(diff, render_document_html(old.document), new_html), new_html


def pairs(sample: dict[str, Revision]) -> list[tuple[Revision, Revision]]:
    ids = sorted(sample)
    return [(sample[a], sample[b]) for a, b in pairwise(ids)]


def test_unchanged_clauses_are_printed_exactly_as_in_the_revision(sample: dict[str, Revision]) -> None:
    for old, new in pairs(sample):
        result, new_html = blackline(old, new)
        diff = diff_documents(old.document, new.document)
        quiet = [e for e in diff.clauses if e.status is ChangeStatus.UNCHANGED and not e.changed and e.new]
        assert quiet, "the sample has unchanged clauses"
        for entry in quiet:
            assert entry.new is not None
            mine, theirs = find_element(result.html, entry.new.id), find_element(new_html, entry.new.id)
            assert mine is not None and theirs is not None
            section = result.html[mine[0] : mine[3]]
            assert section == new_html[theirs[0] : theirs[3]], f"{new.id}: {entry.new.id} carries marks"
            assert "<ins" not in section and "<del" not in section and BAR not in section


def test_every_change_has_a_change_bar_and_a_line_in_the_list(sample: dict[str, Revision]) -> None:
    for old, new in pairs(sample):
        result, _ = blackline(old, new)
        assert result.changes
        for change in result.changes:
            found = find_element(result.html, change.anchor)
            assert found is not None, change
            element = result.html[found[0] : found[3]]
            assert BAR in element, f"{new.id}: {change.label} has no change bar"
            assert "<ins" in element or "<del" in element, f"{new.id}: {change.label} shows no mark"


def test_tables_stay_tables_and_each_label_is_printed_once(sample: dict[str, Revision]) -> None:
    result, _ = blackline(sample["2025-04-15"], sample["2025-10-17"])
    assert " | " not in re.sub(r"<[^>]+>", "", result.html), "no row is flattened to 'Term | Meaning' text"
    row = find_element(result.html, "definitions-workforce")
    assert row is not None
    assert result.html[row[0] : row[1]].startswith("<tr") and BAR in result.html[row[0] : row[1]]
    incident = find_element(result.html, "incident-breach-reporting")
    assert incident is not None
    text = re.sub(r"<[^>]+>", "", result.html[incident[0] : incident[3]])
    assert text.count("Timing.") == 1 and "UNCHANGED" not in text.upper()


def test_a_deleted_clause_is_put_back_struck_where_it_stood(sample: dict[str, Revision]) -> None:
    result, _ = blackline(sample["2025-04-15"], sample["2025-10-17"])
    deleted = [c for c in result.changes if c.what == "deleted"]
    assert any(c.anchor == f"{REMOVED_PREFIX}mitigation" for c in deleted)
    order = [
        result.html.find(f'id="{anchor}"')
        for anchor in ("incident-breach-reporting", "was-mitigation", "data-location")
    ]
    assert -1 not in order and order == sorted(order)
    mitigation = find_element(result.html, "was-mitigation")
    assert mitigation is not None
    assert (
        '<del class="amend-rl-del"><span class="amend-rl-sr">[deleted: </span>'
        in result.html[mitigation[0] : mitigation[3]]
    )


@pytest.mark.slow
def test_the_latest_redline_is_as_long_as_the_revision_plus_its_summary(sample: dict[str, Revision]) -> None:
    ids = sorted(sample)
    old, new = sample[ids[-2]], sample[ids[-1]]
    redline = PdfReader(BytesIO(render_redline(old, new, organization=ORGANIZATION)))
    revision = PdfReader(BytesIO(render_revision_pdf(new, organization=ORGANIZATION)))
    texts = [" ".join(page.extract_text().split()) for page in redline.pages]
    body_starts = next(i for i, text in enumerate(texts) if i > 0 and "1. Parties" in text)
    summary_pages = body_starts  # the title block, what to look at and the list of changes
    assert len(redline.pages) <= len(revision.pages) + summary_pages + 2, (len(redline.pages), len(revision.pages))
    # Each line of the list names the page its change is on.
    result, _ = blackline(old, new)
    summary = " ".join(texts[:body_starts])  # the list follows Look here first, which may run onto page 2
    for change in result.changes:
        sub_label = change.label.split(" \u203a ")[-1]
        match = re.search(re.escape(sub_label) + r": " + re.escape(change.what) + r"[ .]*?(\d+)\b", summary)
        assert match, (change.label, summary)
        page = int(match.group(1))
        assert sub_label in texts[page - 1], f"{change.label} is not on page {page}"
