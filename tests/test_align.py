"""Clause alignment (amend.align) and the clause-level diff built on it (amend.diff)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from amend.align import align_clauses, stay_in_order
from amend.clauses import parse_document
from amend.diff import ChangeStatus, diff_documents
from amend.model import Clause, ClauseKind


def clause(title: str, text: str, *, id: str | None = None, number: str | None = None) -> Clause:
    return Clause(
        kind=ClauseKind.SECTION,
        id=id or title.lower().replace(" ", "-"),
        number=number,
        title=title,
        source=text,
        text=text,
        line=1,
        level=2,
        explicit_id=id is not None,
    )


FEES = "Client shall pay the fees listed in the order form within thirty days of each invoice."
SUPPORT = "Provider will answer support requests on business days and keep a record of each one."
SCOPE = "These terms govern the hosting service that Provider offers to Client and its users."


def rows(old: list[Clause], new: list[Clause]) -> list[tuple[int | None, int | None, bool, str]]:
    return [(p.old, p.new, p.moved, p.how) for p in align_clauses(old, new)]


def test_an_explicit_id_pairs_clauses_whose_title_and_text_both_changed() -> None:
    old = [clause("Fees", FEES, id="fees")]
    new = [clause("Charges", "Something else entirely.", id="fees")]
    assert rows(old, new) == [(0, 0, False, "id")]


def test_unchanged_clauses_pair_wherever_they_now_stand_and_whatever_their_number() -> None:
    old = [clause("Scope", SCOPE, number="1"), clause("Fees", FEES, number="2"), clause("Support", SUPPORT, number="3")]
    new = [clause("Scope", SCOPE, number="1"), clause("Support", SUPPORT, number="2"), clause("Fees", FEES, number="3")]
    result = rows(old, new)
    assert [(o, n, how) for o, n, _, how in result] == [(0, 0, "exact"), (2, 1, "exact"), (1, 2, "exact")]
    assert [moved for _, _, moved, _ in result].count(True) == 1  # two clauses swapped: one of them moved


def test_a_reworded_clause_pairs_by_its_title() -> None:
    old = [clause("Fees", FEES)]
    new = [clause("Fees", "Client shall pay every invoice within sixty days.")]
    assert rows(old, new) == [(0, 0, False, "title")]


def test_a_retitled_and_reworded_clause_pairs_by_similarity() -> None:
    old = [clause("Scope", SCOPE), clause("Fees", FEES)]
    new = [clause("Scope", SCOPE), clause("Payment", FEES.replace("thirty", "sixty"))]
    assert rows(old, new) == [(0, 0, False, "exact"), (1, 1, False, "similar")]


def test_unrelated_clauses_are_one_removal_and_one_addition_removed_where_it_stood() -> None:
    old = [clause("Scope", SCOPE), clause("Audit", "Client may audit Provider once a year."), clause("Fees", FEES)]
    new = [clause("Scope", SCOPE), clause("Fees", FEES), clause("Backups", "Provider keeps daily copies for a week.")]
    assert rows(old, new) == [
        (0, 0, False, "exact"),
        (1, None, False, "removed"),
        (2, 1, False, "exact"),
        (None, 2, False, "added"),
    ]


def test_the_chain_that_stays_in_order_keeps_the_most_clauses_then_the_most_words() -> None:
    assert stay_in_order([1, 2, 3, 4, 0], lambda v: 1) == {1, 2, 3, 4}
    assert stay_in_order([1, 0], lambda v: 100 if v == 0 else 1) == {0}


def test_a_renumbered_clause_is_unchanged_and_keeps_both_numbers() -> None:
    old = parse_document("## 1. Scope\n\nA.\n\n## 2. Fees\n\nPay.\n", "a")
    new = parse_document("## 1. Scope\n\nA.\n\n## 2. Levels\n\nUp.\n\n## 3. Fees\n\nPay.\n", "b")
    fees = diff_documents(old, new).clauses[2]
    assert (fees.status, fees.old and fees.old.number, fees.new and fees.new.number) == (
        ChangeStatus.UNCHANGED,
        "2",
        "3",
    )
    assert fees.renumbered and not fees.moved


def test_a_clause_folded_into_another_clause_is_paired_across_levels() -> None:
    old = parse_document(
        "## 1. Reporting\n\nProvider shall report incidents.\n\n"
        "## 2. Mitigation\n\nProvider shall mitigate any harmful effect of an incident that it knows of.\n",
        "a",
    )
    new = parse_document(
        "## 1. Reporting\n\nProvider shall report incidents.\n\n"
        "**Mitigation.** Provider shall mitigate any harmful effect of an incident that it knows of.\n",
        "b",
    )
    diff = diff_documents(old, new)
    reporting, mitigation = diff.clauses
    folded = reporting.children[0]
    assert folded.moved and folded.old is not None and folded.old.id == "mitigation"
    assert mitigation.status is ChangeStatus.REMOVED and mitigation.moved_to == "reporting-mitigation"
    assert not mitigation.flags and not folded.flags  # the obligation only moved


# --- properties ----------------------------------------------------------------------------------

TITLES = st.sampled_from(["Scope", "Fees", "Support", "Term", "Audit", "Notices", "Data", "Law"])
BODIES = st.sampled_from([SCOPE, FEES, SUPPORT, "Provider may audit.", "Notice is in writing.", ""])
CLAUSES = st.lists(st.tuples(TITLES, BODIES), max_size=8).map(
    lambda items: [clause(title, body) for title, body in items]
)


@given(CLAUSES, CLAUSES)
def test_alignment_is_one_to_one_and_covers_every_clause(old: list[Clause], new: list[Clause]) -> None:
    result = align_clauses(old, new)
    olds = [p.old for p in result if p.old is not None]
    news = [p.new for p in result if p.new is not None]
    assert sorted(olds) == list(range(len(old)))
    assert sorted(news) == list(range(len(new)))
    assert news == sorted(news)  # the new order
    assert all(not p.moved for p in result if p.old is None or p.new is None)


def _markdown(items: list[tuple[str, str]]) -> str:
    return "\n".join(
        f"## {n + 1}. {title}\n\n{body}\n\n**Note.** {body} shall.\n" for n, (title, body) in enumerate(items)
    )


@given(st.lists(st.tuples(TITLES, BODIES), max_size=8))
def test_a_document_compared_with_itself_is_all_unchanged(items: list[tuple[str, str]]) -> None:
    document = parse_document(_markdown(items), "a")
    diff = diff_documents(document, parse_document(_markdown(items), "b"))
    assert not diff.wording_changed and not diff.formatting_only
    for entry in diff.walk():
        assert entry.status is ChangeStatus.UNCHANGED and not entry.moved and not entry.flags
        assert entry.similarity == 1.0
