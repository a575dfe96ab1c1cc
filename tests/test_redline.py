"""The word redline, similarity, flags and the views (amend.redline, amend.flags, amend.diffviews)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amend import cli
from amend.clauses import parse_document
from amend.cli_diff import wants_color
from amend.diff import diff_documents, to_json
from amend.diffviews import render_html, render_markdown, render_text
from amend.flags import FlagKind, flag_added, flag_changes, obligation
from amend.redline import Op, Piece, diff_words, new_text, old_text, same_words, similarity, word_keys

WORDS = st.sampled_from(
    [
        "the",
        "party",
        "shall",
        "may",
        "notify",
        "within",
        "five",
        "(5)",
        "days",
        "“Data”",
        '"Data"',
        "Client\u2019s",
        "Client's",
        "72",
        "hours",
        ",",
        ".",
        ";",
        "—",
        "<script>",
        "&amp;",
        "\u00a0",
        "  ",
        "\n",
    ]
)
TEXTS = st.lists(WORDS, max_size=40).map(lambda words: " ".join(words))


@given(TEXTS, TEXTS)
def test_the_word_redline_rebuilds_both_texts_exactly(old: str, new: str) -> None:
    pieces = diff_words(old, new)
    assert old_text(pieces) == old
    assert new_text(pieces) == new
    assert all(piece.text for piece in pieces)


@given(st.lists(WORDS, max_size=30), st.lists(WORDS, max_size=30))
def test_similarity_is_symmetric_and_between_zero_and_one(a: list[str], b: list[str]) -> None:
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 1.0


@given(TEXTS)
def test_a_text_compared_with_itself_is_one_equal_piece(text: str) -> None:
    pieces = diff_words(text, text)
    assert all(piece.op is Op.EQUAL for piece in pieces)
    assert similarity(word_keys(text), word_keys(text)) == 1.0


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "no later than five (5) business days after discovery",
            "no later than 72 hours after discovery",
            [
                ("equal", "no later than "),
                ("delete", "five (5) business days"),
                ("insert", "72 hours"),
                ("equal", " after discovery"),
            ],
        ),
        ("a b c", "a c", [("equal", "a "), ("delete", "b "), ("equal", "c")]),
        (
            "the systems that hold it.",
            "the systems that hold it, as described in 45 C.F.R. § 164.304.",
            [
                ("equal", "the systems that hold it"),
                ("insert", ", as described in 45 C.F.R. § 164.304"),
                ("equal", "."),
            ],
        ),
    ],
)
def test_a_changed_phrase_is_marked_as_a_person_would_mark_it(
    old: str, new: str, expected: list[tuple[str, str]]
) -> None:
    assert [(p.op.value, p.text) for p in diff_words(old, new)] == expected


def test_typographic_quotes_and_non_breaking_spaces_are_not_wording() -> None:
    assert same_words("“Client\u2019s Data”", '"Client\'s Data"')
    assert same_words("30\u00a0days", "30 days")
    assert not same_words("30 days", "60 days")
    assert word_keys("“Data”") == word_keys('"Data"')


@pytest.mark.parametrize(
    ("old", "new", "kind", "was", "now"),
    [
        (
            "later than five (5) business days after",
            "later than 72 hours after",
            FlagKind.DURATION,
            "five (5) business days",
            "72 hours",
        ),
        ("within 14 days.", "within 30 days.", FlagKind.DURATION, "14 days", "30 days"),
        ("within 30 days", "within 30 business days", FlagKind.DURATION, "30 days", "30 business days"),
        ("Provider may help", "Provider shall help", FlagKind.MODAL, "may", "shall"),
        ("The parties will meet.", "The parties will not meet.", FlagKind.MODAL, "will", "will not"),
        ("fees of $1,000 per year", "fees of $2,000 per year", FlagKind.AMOUNT, "$1,000", "$2,000"),
        (
            "under sections 5, 6 and 7 survive",
            "under sections 6 and 7 survive",
            FlagKind.REFERENCE,
            "sections 5, 6 and 7",
            "sections 6 and 7",
        ),
    ],
)
def test_numbers_durations_and_modal_verbs_are_flagged_with_their_whole_wording(
    old: str, new: str, kind: FlagKind, was: str, now: str
) -> None:
    flags = flag_changes(old, new, diff_words(old, new))
    assert [(f.kind, f.old, f.new) for f in flags] == [(kind, was, now)]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Provider shall notify Client.", "Provider shall promptly notify Client."),
        ("This cannot be recovered.", "This can not be recovered."),
        ("“Data” means 5 things", '"Data" means 5 things'),
    ],
)
def test_changes_around_an_unchanged_modal_or_number_raise_no_flag(old: str, new: str) -> None:
    assert flag_changes(old, new, diff_words(old, new)) == []


def test_an_added_obligation_quotes_the_sentence_that_obliges() -> None:
    text = "Backups. Provider shall keep each backup for 99.9% of the days. Another sentence."
    assert obligation(text) == "Provider shall keep each backup for 99.9% of the days."
    assert flag_added("Purpose. This section explains the terms.") == []


HOSTILE_OLD = """## 1. Notes {#notes}

Plain text with &lt;script&gt;alert(1)&lt;/script&gt; and &amp;amp; entities *shown* as text.
"""
HOSTILE_NEW = """## 1. Notes {#notes}

Plain text with &lt;script&gt;alert(2)&lt;/script&gt; and &amp;lt; entities *shown* as text | pipe ~~x~~.
"""


def test_every_view_escapes_revision_text() -> None:
    diff = diff_documents(parse_document(HOSTILE_OLD, "a"), parse_document(HOSTILE_NEW, "b"))
    html = render_html(diff, old_href="../../a/", new_href="../../b/")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp;" in html  # the &lt; a revision wrote shows as the characters &lt;
    markdown = render_markdown(diff)
    assert "<script>" not in markdown
    assert "&lt;script&gt;" in markdown
    assert "\\|" in markdown
    json.loads(to_json(diff))


BAA_OLD = """Preamble text.

## 1. Parties {#parties}

Customer and Provider agree to these terms.

## 2. Reporting {#reporting}

**Timing.** Provider shall report a Breach no later than five (5) business days after discovery.
"""
BAA_NEW = """Preamble text.

## 1. Parties {#parties}

Customer and Provider agree to these terms.

## 2. Reporting {#reporting}

**Timing.** Provider shall report a Breach no later than 72 hours after discovery.
"""


def test_the_html_view_has_flags_legend_both_views_and_links_to_both_revisions() -> None:
    diff = diff_documents(parse_document(BAA_OLD, "2025-04-15"), parse_document(BAA_NEW, "2025-10-17"))
    html = render_html(diff, old_href="../../2025-04-15/", new_href="../../2025-10-17/")
    assert (
        html.index("Look here first") < html.index("How to read this redline") < html.index('class="amend-rl-inline"')
    )
    assert '<a href="../../2025-04-15/#parties">' in html
    assert '<a href="../../2025-10-17/#reporting-timing">' in html
    assert '<del class="amend-rl-del"><span class="amend-rl-sr">[deleted: </span>five (5) business days' in html
    assert '<ins class="amend-rl-ins"><span class="amend-rl-sr">[added: </span>72 hours' in html
    assert 'type="radio"' in html and 'id="amend-rl-side"' in html and "<script" not in html
    assert '<details class="amend-rl-clause amend-rl-clause--unchanged" id="rl-parties">' in html


def test_the_text_view_reads_without_colour_and_colours_only_when_asked() -> None:
    diff = diff_documents(parse_document(BAA_OLD, "a"), parse_document(BAA_NEW, "b"))
    plain = render_text(diff)
    assert "[-five (5) business days-]{+72 hours+}" in plain
    assert "\x1b[" not in plain
    assert "Look here first" in plain
    coloured = render_text(diff, color=True)
    # The markers stay in colour, so text copied from a terminal still reads as a redline.
    assert "\x1b[31;9m[-five (5) business" in coloured and "{+72 hours+}" in coloured


def test_the_markdown_view_puts_flags_before_the_redline() -> None:
    diff = diff_documents(parse_document(BAA_OLD, "a"), parse_document(BAA_NEW, "b"))
    markdown = render_markdown(diff)
    assert markdown.index("time period changed") < markdown.index("#### Changes")
    assert "<del>five (5) business days</del><ins>72 hours</ins>" in markdown


def test_pieces_serialise_as_json_pairs() -> None:
    assert json.dumps([list(Piece(Op.DELETE, "x"))]) == '[["delete", "x"]]'


# --- the amend diff command ----------------------------------------------------------------------


def _site(tmp_path: Path) -> Path:
    folder = tmp_path / "baa_versions"
    folder.mkdir()
    (folder / "2025-04-15.md").write_text(BAA_OLD, encoding="utf-8")
    (folder / "2025-10-17.md").write_text(BAA_NEW, encoding="utf-8")
    return tmp_path


def test_amend_diff_takes_revision_ids_and_prints_the_spec_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _site(tmp_path)
    assert cli.main(["--root", str(root), "diff", "2025-04-15", "2025-10-17", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["from", "to", "summary", "clauses", "formatting_only"]
    assert list(data["summary"])[:5] == ["unchanged", "modified", "added", "removed", "moved"]
    assert (data["from"], data["to"]) == ("2025-04-15", "2025-10-17")
    assert list(data["clauses"][1])[:9] == [
        "id", "status", "moved", "old", "new", "similarity", "flags", "redline", "children",
    ]  # fmt: skip
    assert data["clauses"][1]["children"][0]["flags"] == [
        {
            "kind": "duration",
            "old": "five (5) business days",
            "new": "72 hours",
            "sentence": "Provider shall report a Breach no later than 72 hours after discovery.",
            "party": "Provider",
        }
    ]


def test_amend_diff_takes_paths_to_files_without_front_matter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _site(tmp_path)
    old, new = root / "baa_versions" / "2025-04-15.md", root / "baa_versions" / "2025-10-17.md"
    assert cli.main(["--root", str(root), "diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "[-five (5) business days-]{+72 hours+}" in out and "\x1b[" not in out


def test_an_unknown_revision_is_one_clear_line_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _site(tmp_path)
    assert cli.main(["--root", str(root), "diff", "2025-01-01", "2025-10-17"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "'2025-01-01' is neither a revision id" in err[0] and "2025-04-15, 2025-10-17" in err[0]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    assert wants_color(_Terminal(), {}) is True
    assert wants_color(_Terminal(), {"NO_COLOR": "1"}) is False
    assert wants_color(io.StringIO(), {}) is False


def test_a_changed_number_in_brackets_is_marked_whole_with_its_brackets() -> None:
    from amend.redline import Op, Piece, diff_words

    assert diff_words("within thirty (30) days", "within forty-five (45) days") == (
        Piece(Op.EQUAL, "within "),
        Piece(Op.DELETE, "thirty (30)"),
        Piece(Op.INSERT, "forty-five (45)"),
        Piece(Op.EQUAL, " days"),
    )
