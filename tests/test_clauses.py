"""The clause tree: numbers, titles, ids and sub-clauses, on our format and on any Markdown."""

from __future__ import annotations

import pytest

from amend.clauses import parse_document, plain_text, slugify, split_number
from amend.model import ClauseKind

BAA = """Preamble paragraph.

## 1. Parties & Incorporation {#parties}

This agreement binds both parties.

**Precedence.** This agreement prevails over the Services Agreement.

- **Status.** The Customer is a covered entity.
- A plain bullet that is body text.

## 2. Definitions

| Term | Meaning |
| --- | --- |
| PHI | Protected health information. |
| Breach | As defined by the rule. |

## 3. Reporting {#reporting}

1. Report incidents within 72 hours.
2. Cooperate in good faith.

(a) a lettered item

### 3.1 Details

Deeper heading text.
"""


def test_top_level_clauses_have_numbers_titles_and_ids() -> None:
    doc = parse_document(BAA, "2025-10-17", body_line=7)
    assert [(c.number, c.title, c.id) for c in doc.clauses] == [
        ("1", "Parties & Incorporation", "parties"),
        ("2", "Definitions", "definitions"),
        ("3", "Reporting", "reporting"),
    ]
    assert doc.preamble == "Preamble paragraph."
    assert doc.clauses[0].line == 9
    assert doc.clauses[0].explicit_id and not doc.clauses[1].explicit_id


def test_sub_clauses_are_labelled_paragraphs_items_rows_and_deeper_headings() -> None:
    doc = parse_document(BAA, "r")
    parties, definitions, reporting = doc.clauses
    assert [(c.kind, c.id, c.title) for c in parties.children] == [
        (ClauseKind.LABELLED, "parties-precedence", "Precedence"),
        (ClauseKind.LABELLED, "parties-status", "Status"),
    ]
    assert "plain bullet" in parties.text and "Precedence" not in parties.text
    assert [(c.kind, c.title) for c in definitions.children] == [(ClauseKind.ROW, "PHI"), (ClauseKind.ROW, "Breach")]
    assert definitions.children[1].text == "Breach | As defined by the rule."
    assert [(c.kind, c.number) for c in reporting.children] == [
        (ClauseKind.ITEM, "1"),
        (ClauseKind.ITEM, "2"),
        (ClauseKind.ITEM, "(a)"),
        (ClauseKind.SECTION, "3.1"),
    ]
    assert reporting.children[0].text == "Report incidents within 72 hours."


def test_markdown_numbering_of_ordered_lists_is_what_the_reader_sees() -> None:
    doc = parse_document("## A. Terms\n\n1. one\n1. two\n1. three\n", "r")
    assert [c.number for c in doc.clauses[0].children] == ["1", "2", "3"]
    assert doc.clauses[0].number == "A"


def test_a_single_level_one_heading_is_the_title_not_a_clause() -> None:
    doc = parse_document("# Privacy Statement\n\nIntro.\n\n## Data\n\nText.\n", "r")
    assert doc.title == "Privacy Statement"
    assert [c.title for c in doc.clauses] == ["Data"]
    assert doc.clauses[0].number is None


def test_a_heading_between_fence_lines_is_a_clause_because_the_page_renders_it_as_one() -> None:
    # The renderer has no fenced code blocks: the page shows "## 2." as a heading, so the tree has it
    # (and ``amend check`` refuses the fence lines in a revision).
    doc = parse_document("## 1. Real\n\n```\n## 2. Shown as a heading\n```\n", "r")
    assert [c.title for c in doc.clauses] == ["Real", "Shown as a heading"]


def test_setext_headings_and_kramdown_anchors_are_clauses_and_ids() -> None:
    doc = parse_document("Intro\n\nScope\n-----\n{: #scope }\n\nText.\n\nTerm {: #term }\n----\n\nMore.\n", "r")
    assert [(c.id, c.title, c.text, c.explicit_id) for c in doc.clauses] == [
        ("scope", "Scope", "Text.", True),
        ("term", "Term", "More.", True),
    ]
    assert doc.preamble == "Intro"


def test_clause_text_is_what_the_page_shows_with_link_targets() -> None:
    doc = parse_document(
        "## 1. Terms\n\nSee [the policy](https://example.com/p) and <https://example.com/q>; "
        "`<b>` and &amp; [a][undefined] {% raw %}.[^1]\n\n[^1]: A *note*.\n",
        "r",
    )
    assert doc.clauses[0].text == (
        "See the policy <https://example.com/p> and https://example.com/q; <b> and & [a][undefined] {% raw %}.[1]"
    )
    # The page prints the footnotes once, after the last clause: so does the tree.
    assert (doc.clauses[-1].id, doc.clauses[-1].text) == ("footnotes", "A note.")


def test_duplicate_titles_get_unique_ids_in_document_order() -> None:
    doc = parse_document("## Summary\n\n## Summary\n", "r")
    assert [c.id for c in doc.clauses] == ["summary", "summary-2"]


@pytest.mark.parametrize(
    ("heading", "number", "title"),
    [
        ("7. Term & Termination", "7", "Term & Termination"),
        ("4.2 Subcontractors", "4.2", "Subcontractors"),
        ("A. Definitions", "A", "Definitions"),
        ("(b) Exceptions", "(b)", "Exceptions"),
        ("Section 5. Payment", "5", "Payment"),
        ("Definitions", None, "Definitions"),
        ("A Note on Cookies", None, "A Note on Cookies"),
        ("2020 Changes", None, "2020 Changes"),
    ],
)
def test_the_number_is_what_the_document_prints(heading: str, number: str | None, title: str) -> None:
    assert split_number(heading) == (number, title)


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("**Bold** and _em_ and *em*", "Bold and em and em"),
        ("a [link](https://example.com) here", "a link <https://example.com> here"),
        ("line one\nline two", "line one line two"),
        ("AT&amp;T &lt;script&gt;", "AT&T <script>"),
        ("snake_case_word stays", "snake_case_word stays"),
        ("`code` span", "code span"),
        ("non\u00a0breaking", "non breaking"),
    ],
)
def test_plain_text_removes_markup_and_keeps_the_words(markdown: str, text: str) -> None:
    assert plain_text(markdown) == text


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Incident & Breach Reporting", "incident-breach-reporting"), ("Café Rules", "cafe-rules"), ("!!!", "clause")],
)
def test_slugs_are_lowercase_ascii_with_hyphens(title: str, slug: str) -> None:
    assert slugify(title) == slug
