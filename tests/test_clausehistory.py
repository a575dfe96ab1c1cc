"""One clause through every revision (amend.clausehistory, amend.clause_pages): followed by alignment.

Real revisions parsed from Markdown; the steps come from the real clause
alignment, so a renumbered and retitled clause must stay one history.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path

from amend.clause_pages import clause_section, demoted, link_document_headings, link_redline_headings, namespaced
from amend.clausehistory import ClauseHistories, diff_steps, trace_clauses
from amend.clauses import parse_document
from amend.document_html import render_document_html
from amend.model import Revision

BREACH = (
    "Harborlight shall report a Breach of Unsecured PHI to Customer without unreasonable delay and in no event "
    "later than {days} after discovery, with what it then knows about the Individuals affected."
)
FIRST = f"""## 1. Scope {{#scope}}

This agreement covers the protected health information that the customer places in the services.

## 2. Breach Reporting

{BREACH.format(days="ten (10) business days")}

## 3. Mitigation

Harborlight shall mitigate, as far as it can, any harmful effect of a use or disclosure it knows of.
"""
SECOND = f"""## 1. Scope {{#scope}}

This agreement covers the protected health information that the customer places in the services.

## 2. Definitions

A capitalized term has the meaning that the HIPAA Rules give it unless this agreement defines it.

## 3. Incident and Breach Reporting

{BREACH.format(days="72 hours")}
"""
THIRD = SECOND.replace("unless this agreement defines it", "unless this agreement says otherwise")


def revision(rev_id: str, body: str) -> Revision:
    day = date.fromisoformat(rev_id)
    return Revision(
        id=rev_id,
        path=Path(f"baa_versions/{rev_id}.md"),
        title="Business Associate Agreement",
        posted=day,
        effective=day,
        summary="A revision.",
        document=parse_document(body, rev_id),
    )


REVISIONS = [revision("2025-01-01", FIRST), revision("2025-06-01", SECOND), revision("2026-01-01", THIRD)]


def traced() -> ClauseHistories:
    steps = [diff_steps(a, b, f"../../{a.id}/", f"../../{b.id}/") for a, b in pairwise(REVISIONS)]
    return trace_clauses(REVISIONS, steps)


def test_a_renumbered_and_retitled_clause_keeps_one_history_under_its_first_id() -> None:
    histories = traced()
    history = histories.get("breach-reporting")
    assert history is not None
    assert [(a.revision, a.clause.number, a.clause.title) for a in history.appearances] == [
        ("2025-01-01", "2", "Breach Reporting"),
        ("2025-06-01", "3", "Incident and Breach Reporting"),
        ("2026-01-01", "3", "Incident and Breach Reporting"),
    ]
    assert history.changes == 1 and history.last_changed == "2025-06-01"
    step = history.appearances[1].step
    assert step is not None and step.changed
    assert "72 hours" in step.html and "ten (10) business days" in step.html
    assert histories.key_of("2026-01-01", "incident-and-breach-reporting") == "breach-reporting"


def test_added_and_removed_clauses_start_and_end_histories() -> None:
    histories = traced()
    definitions = histories.get("definitions")
    assert definitions is not None and definitions.appearances[0].step is not None
    assert [a.revision for a in definitions.appearances] == ["2025-06-01", "2026-01-01"]
    assert definitions.appearances[0].step.status == "added"
    assert definitions.changes == 1
    mitigation = histories.get("mitigation")
    assert mitigation is not None
    assert [a.revision for a in mitigation.appearances] == ["2025-01-01"]
    assert mitigation.removed_in_revision == "2025-06-01"
    # The index follows the latest revision's order; removed clauses come last.
    assert [h.key for h in histories.histories] == ["scope", "definitions", "breach-reporting", "mitigation"]


def test_an_unchanged_clause_has_no_changes_and_no_redline() -> None:
    scope = traced().get("scope")
    assert scope is not None
    assert scope.changes == 0
    assert all(a.step is None or (a.step.status == "unchanged" and a.step.html == "") for a in scope.appearances)


def test_a_clause_section_is_cut_whole_from_the_document_and_can_sit_twice_on_one_page() -> None:
    html = render_document_html(REVISIONS[0].document)
    section = clause_section(html, "breach-reporting")
    assert section.startswith('<section aria-labelledby="breach-reporting--heading"')
    assert section.endswith("</section>") and "ten (10) business days" in section and "Mitigation" not in section
    moved = demoted(namespaced(section, "2025-01-01-"))
    assert 'id="2025-01-01-breach-reporting"' in moved and 'href="#2025-01-01-breach-reporting"' in moved
    assert "<h3 " in moved and "<h2 " not in moved
    assert clause_section(html, "nothing-here") == ""


def test_clause_headings_get_a_link_to_their_history() -> None:
    html = render_document_html(REVISIONS[1].document)
    linked = link_document_headings(html, {"scope": "../clauses/scope/"})
    assert linked.count("amend-history-link") == 1
    assert (
        'href="#scope">#</a><a class="amend-history-link" href="../clauses/scope/" '
        'aria-label="History of clause 1. Scope">history</a></h2>'
    ) in linked
    redline = (
        '<section class="amend-rl-clause amend-rl-clause--modified" id="rl-scope"><h3 class="amend-rl-head">'
        '<span class="amend-rl-links"><a href="a">in A</a></span></h3></section>'
        '<details class="amend-rl-clause amend-rl-clause--removed" id="rl-removed-old"><summary>x</summary>'
        '<p class="amend-rl-links"><a href="b">in A</a></p></details>'
    )
    hrefs = {"rl-scope": "../../clauses/scope/", "rl-removed-old": "../../clauses/old/"}
    out = link_redline_headings(redline, hrefs.get)
    assert '<a href="a">in A</a> · <a class="amend-history-link" href="../../clauses/scope/">history</a></span>' in out
    assert '<a href="b">in A</a> · <a class="amend-history-link" href="../../clauses/old/">history</a></p>' in out
