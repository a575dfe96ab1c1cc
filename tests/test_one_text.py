"""One text (SPEC "One text"): a change a reader can see is a change the redline shows.

Three parts. A Hypothesis invariant over generated documents and edits: the
words of the rendered page (link targets included) are the words of the clause
tree, and whenever the page of two revisions differs, the diff is not
"formatting only" and the differing words stand in its changes. Then the
hostile-edit suite: each edit a new user tried is either refused by
``amend check`` (with line, column and fix) or shown by the redline, and most
are both; the shown ones are looked for in ``amend diff`` as text, JSON,
Markdown and HTML, on the compare page, in the redline PDF, in the feed and in
the pull-request report. Last, bounded work: YAML bombs, files that are not
regular files, adversarial 20,000-character lines, deep nesting, year 9999, and
a PDF that tries to load a file of the build machine.

Examples are derandomized in CI through the Hypothesis profile in conftest.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import resource
import time
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amend.characters import show_invisible
from amend.clauses import build_document, parse_document
from amend.cli import main
from amend.diff import ChangeStatus, DocumentDiff, diff_documents
from amend.diffviews import render_html
from amend.document_html import render_document_html
from amend.model import ClauseKind, Document
from amend.pages import render_compare_page
from amend.redline import Op
from amend.report import FileChange, render_pr_report
from amend.revisions import parse_revision
from amend.siteplan import plan_site
from amend.timeline import build_timeline

WORD = re.compile(r"\w+")


# --- what the page shows ----------------------------------------------------------------------------


BLOCK_TAGS = {
    "p",
    "li",
    "ul",
    "ol",
    "blockquote",
    "table",
    "tr",
    "td",
    "th",
    "div",
    "pre",
    "dl",
    "dt",
    "dd",
    "hr",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "thead",
    "tbody",
    "sup",
}


class _PageText(HTMLParser):
    """The text a reader of the rendered page sees, with the targets of the links they can follow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = found.get("class") or ""
        if self.skip or "amend-permalink" in classes or "footnote-backref" in classes:
            self.skip += 1 if tag == "a" else 0
            return
        if tag in BLOCK_TAGS:
            self.parts.append(" ")
        if tag == "a":
            self.links.append((found.get("href") or "", len(self.parts)))
        if tag == "img":
            self.parts.append(f"{found.get('alt') or ''} <{found.get('src') or ''}>")

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1 if tag == "a" else 0
            return
        if tag in BLOCK_TAGS:
            self.parts.append(" ")
        if tag == "a" and self.links:
            href, start = self.links.pop()
            shown = " ".join("".join(self.parts[start:]).split())
            if href and not href.startswith("#fn") and href not in (shown, f"mailto:{shown}"):
                self.parts.append(f" <{href}>")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def page_words(document: Document) -> list[str]:
    parser = _PageText()
    parser.feed(render_document_html(document))
    parser.close()
    return WORD.findall(show_invisible("".join(parser.parts)))


def tree_words(document: Document) -> list[str]:
    """The words of the clause tree, as the redline's sides carry them."""
    out = WORD.findall(document.preamble)
    for clause in document.walk():
        printed = clause.kind is ClauseKind.SECTION or not clause.source.startswith("<li")
        if clause.number and printed:
            out += WORD.findall(clause.number)
        if clause.kind is ClauseKind.SECTION:  # a label or a row's first cell is part of its text too
            out += WORD.findall(clause.title)
        out += WORD.findall(clause.text)
    return out


def changed_words(diff: DocumentDiff) -> set[str]:
    """Every word a reader is shown as changed: redline changes, new and old titles and numbers."""
    words: set[str] = set()
    for entry in diff.walk():
        for piece in entry.redline:
            if piece.op is not Op.EQUAL:
                words.update(WORD.findall(piece.text))
        for side in (entry.old, entry.new):
            if side is None:
                continue
            if entry.status in (ChangeStatus.ADDED, ChangeStatus.REMOVED) or entry.retitled or entry.moved:
                words.update(WORD.findall(side.title))
                words.update(WORD.findall(side.text))
            if entry.renumbered or entry.status in (ChangeStatus.ADDED, ChangeStatus.REMOVED):
                words.update(WORD.findall(side.number or ""))
    return words


# --- the invariant ------------------------------------------------------------------------------------

VOCABULARY = [
    "Customer",
    "shall",
    "may",
    "pay",
    "within",
    "thirty",
    "(30)",
    "days",
    "72",
    "hours",
    "notice",
    "and",
    "or",
    "not",
    "fees",
    "PHI",
]
MARKUP = [
    "**",
    "*",
    "_",
    "`",
    "[",
    "]",
    "(",
    ")",
    "[^1]",
    "[x][y]",
    "<",
    ">",
    "{",
    "}",
    "{#a}",
    "{: .c}",
    "{% x %}",
    "&amp;",
    "&#x202E;",
    "\u200b",
    "\u202e",
    "-",
    " - ",
    " * ",
    "#",
    "\\",
    "|",
    "!",
    ":",
    "~",
]
LINKS = [
    "[the policy](https://example.com/a)",
    "[the policy](https://example.com/b)",
    "<https://example.com/c>",
    "[see](#scope)",
    "![logo](https://example.com/l.png)",
    "[m](mailto:a@example.com)",
]
inline = st.lists(st.sampled_from(VOCABULARY + MARKUP + LINKS), min_size=1, max_size=12).map(" ".join)
block = st.one_of(
    inline,
    inline.map(lambda t: f"## 2. {t}"),
    inline.map(lambda t: f"### {t}"),
    inline.map(lambda t: f"**Label.** {t}"),
    inline.map(lambda t: f"- {t}"),
    inline.map(lambda t: f"1. {t}"),
    inline.map(lambda t: f"(a) {t}"),
    inline.map(lambda t: f"> {t}"),
    inline.map(lambda t: f"| a | b |\n|---|---|\n| {t} | x |"),
    inline.map(lambda t: f"{t}\n-----"),
    inline.map(lambda t: f"```\n{t}\n```"),
    inline.map(lambda t: f"    {t}"),
    st.just("[^1]: A footnote note."),
)
documents = st.lists(block, min_size=1, max_size=6).map(lambda blocks: "## 1. Scope {#scope}\n\n" + "\n\n".join(blocks))


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, str]:
    """A document and an edit of it: a block replaced, inserted or removed, or a word changed in place."""
    old = draw(documents)
    blocks = old.split("\n\n")
    how = draw(st.sampled_from(["replace", "insert", "remove", "word"]))
    index = draw(st.integers(0, len(blocks) - 1))
    if how == "replace":
        blocks[index] = draw(block)
    elif how == "insert":
        blocks.insert(index, draw(block))
    elif how == "remove" and len(blocks) > 1:
        del blocks[index]
    else:
        words = blocks[index].split(" ")
        at = draw(st.integers(0, len(words) - 1))
        words[at] = draw(st.sampled_from(VOCABULARY + MARKUP + LINKS))
        blocks[index] = " ".join(words)
    return old, "\n\n".join(blocks)


@given(documents)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_clause_tree_carries_exactly_the_words_of_the_rendered_page(body: str) -> None:
    document = parse_document(body, "r")
    assert Counter(tree_words(document)) == Counter(page_words(document)), body


@given(edits())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_change_a_reader_can_see_is_a_change_the_redline_shows(pair: tuple[str, str]) -> None:
    old_body, new_body = pair
    old, new = parse_document(old_body, "old"), parse_document(new_body, "new")
    diff = diff_documents(old, new)
    old_words, new_words = page_words(old), page_words(new)
    # The redline's new side is the page's text (and its old side the old page's).
    assert Counter(tree_words(new)) == Counter(new_words)
    assert Counter(tree_words(old)) == Counter(old_words)
    if old_words != new_words:
        assert not diff.formatting_only, pair
        assert diff.wording_changed or any(e.renumbered for e in diff.walk()), pair
        differing = (Counter(old_words) - Counter(new_words)) + (Counter(new_words) - Counter(old_words))
        missing = set(differing) - changed_words(diff)
        assert not missing, (missing, pair)


# --- the hostile-edit suite ---------------------------------------------------------------------------

# name → (old paragraph, new paragraph, what the redline must show as changed, what check says or None)
CASES: dict[str, tuple[str, str, str, str | None]] = {
    "reference-label": (
        "Customer shall pay.",
        "Customer shall pay [unless disputed][more text].",
        "unless disputed",
        "undefined reference link or footnote marker",
    ),
    "collapsed-reference": (
        "Customer shall pay.",
        "Customer shall pay [unless disputed][].",
        "unless disputed",
        "undefined reference link",
    ),
    "footnote-sentence": (
        "Customer shall pay.",
        "Customer shall pay.[^and Customer waives all claims]",
        "waives",
        "footnote marker",
    ),
    "tag-like-text": (
        "Notice within thirty days.",
        "Notice within thirty days <x, or ninety (90) days after>.",
        "ninety",
        "raw HTML '<x, or ninety (90) days after>'",
    ),
    "brace-id-text": (
        "Customer shall pay.",
        "Customer shall pay {#u and Customer waives its rights}.",
        "waives",
        "attribute or template syntax",
    ),
    "template-text": (
        "Customer shall pay.",
        "Customer shall pay {% if x %}unless it waives audit{% endif %}.",
        "audit",
        "attribute or template syntax",
    ),
    "double-brace-text": (
        "Customer shall pay.",
        "Customer shall pay {{ and waives audit }}.",
        "waives",
        "attribute or template syntax",
    ),
    "link-target": (
        "Read [the policy](https://example.com/policy).",
        "Read [the policy](https://attacker.example/policy).",
        "attacker",
        None,
    ),
    "star-for-dash": ("Fees - taxes are due.", "Fees * taxes are due.", "*", None),
    "class-hides-text": (
        "Customer shall pay.",
        "Customer shall pay.\nCustomer waives claims.\n{: .amend-number }",
        "waives",
        "attribute list sets class",
    ),
    "class-spoofs-header": (
        "Customer shall pay.",
        "Revision 1 Effective January 1, 2031\n{: .amend-running-header }",
        "2031",
        "attribute list sets class",
    ),
    "style-hides-text": (
        "Customer shall pay.",
        'Customer shall pay.\nUnless waived.\n{: style="display:none" }',
        "waived",
        "attribute list sets style",
    ),
    "style-local-file": (
        "Customer shall pay.",
        'Customer shall pay.\n{: style="background-image:url(file:///etc/passwd)" }',
        "",
        "attribute list sets style",
    ),
    "bidi-override": (
        "Notice within 72 hours.",
        "Notice within \u202e27\u202c hours.",
        "⟨U+202E⟩",
        "U+202E RIGHT-TO-LEFT OVERRIDE",
    ),
    "bidi-isolate": (
        "Notice within 72 hours.",
        "Notice within \u206672\u2069 hours.",
        "⟨U+2066⟩",
        "U+2066 LEFT-TO-RIGHT ISOLATE",
    ),
    "zero-width-space": ("Customer shall pay.", "Customer sh\u200ball pay.", "⟨U+200B⟩", "U+200B ZERO WIDTH SPACE"),
    "zero-width-joiner": ("Customer shall pay.", "Customer shall\u200d pay.", "⟨U+200D⟩", "U+200D ZERO WIDTH JOINER"),
    "tag-characters": (
        "Customer shall pay.",
        "Customer shall pay.\U000e0041\U000e0042",
        "⟨U+E0041⟩",
        "U+E0041 TAG LATIN CAPITAL LETTER A",
    ),
    "soft-hyphen": ("Customer shall pay.", "Customer shall pay\u00adment.", "⟨U+00AD⟩", "U+00AD SOFT HYPHEN"),
    "cyrillic-lookalike": ("Customer shall pay.", "Customer \u0455hall pay.", "\u0455hall", "mixes Cyrillic and Latin"),
    "greek-lookalike": ("Customer shall pay.", "Cust\u03bfmer shall pay.", "Cust\u03bfmer", "mixes Greek and Latin"),
    "full-width-digits": (
        "Within 30 days.",
        "Within \uff13\uff10 days.",
        "\uff13\uff10",
        "U+FF13 FULLWIDTH DIGIT THREE",
    ),
    "terminal-escape": (
        "Customer shall pay.",
        "Customer shall pay\x1b[8m and waives claims\x1b[0m.",
        "⟨U+001B⟩",
        "U+001B ESCAPE",
    ),
    "c1-control": ("Customer shall pay.", "Customer shall pay\x9b2J.", "⟨U+009B⟩", "U+009B"),
    "entity-bidi": (
        "Notice within 72 hours.",
        "Notice within &#x202E;27&#x202C; hours.",
        "⟨U+202E⟩",
        "'&#x202E;' writes the invisible character U+202E RIGHT-TO-LEFT OVERRIDE",
    ),
    "image": (
        "Customer shall pay.",
        "Customer shall pay ![waiver](https://example.com/w.png).",
        "waiver",
        "an image is not part of a revision",
    ),
    "javascript-link": ("Read the terms.", "Read [the terms](javascript:alert(1)).", "javascript", "'javascript:'"),
    "file-link": ("Read the terms.", "Read [the terms](file:///etc/passwd).", "passwd", "'file:' address"),
    "html-comment": (
        "Customer shall pay.",
        "Customer shall pay <!-- and waives claims -->.",
        "waives",
        "raw HTML '<!--'",
    ),
    "indented-code": (
        "Customer shall pay.",
        "Customer shall pay.\n\n    Customer waives claims.",
        "waives",
        "indented code block",
    ),
    "definition-list": ("Customer shall pay.", "Waiver\n: Customer waives claims.", "waives", "definition list"),
    "fenced-heading": ("Customer shall pay.", "```\n## 9. Waiver of Claims\n```", "Waiver", "fenced code block"),
    "setext-heading": (
        "Customer shall pay.",
        "Customer shall pay.\n\nWaiver of Claims\n----------------\n\nAll waived.",
        "Waiver",
        "clause heading '## Waiver of Claims' has no number",
    ),
    "link-title": (
        "Read [the terms](https://example.com/t).",
        'Read [the terms](https://example.com/t "and waives claims").',
        "",
        "link title",
    ),
}


def _revision(body: str, effective: str, posted: str) -> str:
    return (
        f"---\ntitle: Business Associate Agreement\nposted: {posted}\neffective: {effective}\n"
        f"summary: Test.\n---\n\n## 1. Parties {{#parties}}\n\nThe vendor and the customer agree.\n\n"
        f"## 2. Terms {{#terms}}\n\n{body}\n"
    )


OLD_DATES = ("2025-01-01", "2025-01-01")
NEW_DATES = ("2025-04-15", "2025-03-01")


def _check(tmp_path: Path, body: str) -> tuple[int, str]:
    folder = tmp_path / "baa_versions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2025-01-01.md").write_text(_revision("Customer shall pay.", *OLD_DATES), encoding="utf-8")
    (folder / "2025-04-15.md").write_text(_revision(body, *NEW_DATES), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--root", str(tmp_path), "check", "--no-history", "--as-of", "2025-05-01"])
    return code, out.getvalue()


def _diff_output(tmp_path: Path, old: str, new: str, fmt: str) -> str:
    (tmp_path / "a.md").write_text(_revision(old, *OLD_DATES), encoding="utf-8")
    (tmp_path / "b.md").write_text(_revision(new, *NEW_DATES), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert (
            main(["--root", str(tmp_path), "diff", str(tmp_path / "a.md"), str(tmp_path / "b.md"), "--format", fmt])
            == 0
        )
    return out.getvalue()


def test_the_suite_covers_at_least_thirty_hostile_edits() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_hostile_edit_is_refused_by_check_with_line_column_and_fix(tmp_path: Path, name: str) -> None:
    _, new, _, refusal = CASES[name]
    code, output = _check(tmp_path, new)
    assert "Traceback" not in output
    assert "\x1b" not in output and "\u202e" not in output
    if refusal is None:
        assert (code, output) == (0, ""), output
        return
    assert code == 1, f"{name} passed amend check"
    assert refusal in output, output
    assert re.search(r"baa_versions/2025-04-15\.md:1[4-9](:\d+)?: ", output), output


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_hostile_edit_is_shown_by_amend_diff_in_every_format(tmp_path: Path, name: str) -> None:
    old, new, shown, _ = CASES[name]
    if not shown:
        return  # nothing a reader sees changed: the page and the PDF drop what check refuses
    data = json.loads(_diff_output(tmp_path, old, new, "json"))
    changed = [piece[1] for entry in _walk(data["clauses"]) for piece in entry["redline"] if piece[0] != "equal"] + [
        entry["new"]["title"] for entry in _walk(data["clauses"]) if entry["status"] == "added"
    ]
    assert any(shown in text for text in changed), (name, changed)
    assert not data["formatting_only"]
    text = _diff_output(tmp_path, old, new, "text")
    assert shown in text and "Formatting only" not in text
    for fmt in ("text", "json", "markdown", "html"):
        output = _diff_output(tmp_path, old, new, fmt)
        assert (
            "\x1b" not in output
            and "\u202e" not in output
            and "\u200b" not in output.replace("@\u200b", "").replace("#\u200b", "")
        ), fmt
    markdown = _diff_output(tmp_path, old, new, "markdown")
    assert "<ins>" in markdown or "<del>" in markdown or "added" in markdown
    html = _diff_output(tmp_path, old, new, "html")
    assert "amend-rl-ins" in html or "amend-rl-del" in html or "added" in html


def _walk(entries: list[dict[str, object]]) -> list[dict]:  # type: ignore[type-arg]
    out = []
    for entry in entries:
        out.append(entry)
        out.extend(_walk(entry["children"]))  # type: ignore[arg-type]
    return out


def _all_cases_pair(skip: tuple[str, ...] = ()) -> tuple[str, str]:
    """One pair of revisions holding every shown case, each in a clause of its own."""
    old_parts, new_parts = [], []
    shown_cases = [(name, case) for name, case in sorted(CASES.items()) if case[2] and name not in skip]
    for number, (name, (old, new, shown, _)) in enumerate(shown_cases, start=2):
        if shown:
            old_parts.append(f"## {number}. Case {name} {{#{name}}}\n\n{old}\n")
            new_parts.append(f"## {number}. Case {name} {{#{name}}}\n\n{new}\n")
    head = "---\ntitle: Business Associate Agreement\nposted: {posted}\neffective: {effective}\nsummary: Test.\n---\n\n"
    head += "## 1. Parties {{#parties}}\n\nThe vendor and the customer agree.\n\n"
    return (
        head.format(posted=OLD_DATES[1], effective=OLD_DATES[0]) + "\n".join(old_parts),
        head.format(posted=NEW_DATES[1], effective=NEW_DATES[0]) + "\n".join(new_parts),
    )


def _unchecked_pair(skip: tuple[str, ...] = ()) -> tuple:  # type: ignore[type-arg]
    """Both revisions parsed without their checks: what a renderer would get if check were skipped."""
    from dataclasses import replace

    old_text, new_text = _all_cases_pair(skip)
    first, problems = parse_revision(old_text, Path("baa_versions/2025-01-01.md"))
    assert first is not None, problems
    body = new_text.split("---\n", 2)[2]
    document = parse_document(body, "2025-04-15", 8, title=first.title)
    second = replace(
        first,
        id="2025-04-15",
        path=Path("baa_versions/2025-04-15.md"),
        posted=date(2025, 3, 1),
        effective=date(2025, 4, 15),
        document=document,
        source=new_text,
    )
    return first, second


def test_every_shown_edit_is_on_the_compare_page_and_in_the_pull_request_report() -> None:
    first, second = _unchecked_pair()
    diff = diff_documents(first.document, second.document)
    timeline = build_timeline([first, second], date(2025, 3, 15), 30)
    plan = plan_site(timeline)
    old_entry, new_entry = timeline.entry(first.id), timeline.entry(second.id)
    assert old_entry is not None and new_entry is not None
    page = render_compare_page(old_entry, new_entry, timeline, plan, render_html(diff), True)
    report = render_pr_report(
        [first, second],
        [FileChange("baa_versions/2025-04-15.md", "added", None, second.source)],
        [],
        date(2025, 3, 15),
        30,
        "main",
    )
    for name, (_, _, shown, _) in CASES.items():
        if not shown:
            continue
        entry = next(e for e in diff.walk() if e.id == name)
        assert entry.status is not ChangeStatus.UNCHANGED or entry.formatting_only is False, name
        escaped = shown.replace("&", "&amp;").replace("<", "&lt;")
        assert escaped in page, f"compare page does not show {name}"
        assert shown.strip("*") in report or "\\*" in report, f"PR report does not show {name}"
    assert "Formatting only" not in page and "Formatting only" not in report


def test_the_pull_request_report_neutralises_mentions_and_issue_references_in_redline_text() -> None:
    old = _revision("Customer shall pay.", *OLD_DATES)
    new = _revision("Customer shall pay @octocat and close #123.", *NEW_DATES)
    first, _ = parse_revision(old, Path("baa_versions/2025-01-01.md"))
    second, _ = parse_revision(new, Path("baa_versions/2025-04-15.md"))
    assert first is not None and second is not None
    report = render_pr_report(
        [first, second],
        [FileChange("baa_versions/2025-04-15.md", "added", None, new)],
        [],
        date(2025, 3, 15),
        30,
        "main",
    )
    assert "octocat" in report and "123" in report
    assert not re.search(r"@octocat|#123", report), report


def test_the_feed_links_every_posted_revision_to_its_redline() -> None:
    from amend.feeds import render_atom

    first, second = _unchecked_pair()
    timeline = build_timeline([first, second], date(2025, 3, 15), 30)
    atom = render_atom(timeline, "https://example.com").decode("utf-8")
    assert "compare/2025-01-01...2025-04-15/" in atom
    assert "Formatting only" not in atom


@pytest.mark.slow
def test_every_shown_edit_is_in_the_redline_pdf() -> None:
    pypdf = pytest.importorskip("pypdf")
    from amend.pdf import PdfError, render_redline_pdf

    # The bundled face has no full-width digits: a PDF with them is refused with that message (and check
    # refuses them in a revision first); every other edit is printed.
    first, second = _unchecked_pair()
    with pytest.raises(PdfError, match="U\\+FF13 FULLWIDTH DIGIT THREE"):
        render_redline_pdf(first, second, render_html(diff_documents(first.document, second.document)))
    first, second = _unchecked_pair(skip=("full-width-digits",))
    data = render_redline_pdf(first, second, render_html(diff_documents(first.document, second.document)))
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    for name, (_, _, shown, _) in CASES.items():
        if shown and shown not in ("*",) and name != "full-width-digits":
            printed = re.sub(r"⟨(U\+[0-9A-F]+)⟩", "\u2039\\1\u203a", shown)  # the bundled face has no "⟨⟩"
            assert printed in text.replace("</ ", "</"), f"redline PDF does not show {name}"


# --- rendering: what check refuses never changes one surface only -------------------------------------


def test_attribute_lists_cannot_hide_text_or_style_the_page() -> None:
    body = (
        '## 1. Terms {#terms .amend-hidden style="display:none"}\n\nCustomer waives.\n{: .amend-number }\n\n'
        '| a | b |\n|---|---|\n| x {: style="display:none" } | y |\n'
    )
    html = render_document_html(parse_document(body, "r"))
    assert (
        "display:none" not in html
        and "amend-hidden" not in html
        and 'amend-number"' not in html.replace('<span class="amend-number"', "")
    )
    assert "Customer waives." in html


# --- bounded work ---------------------------------------------------------------------------------------

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def test_a_yaml_alias_bomb_in_front_matter_is_refused_before_it_expands(tmp_path: Path) -> None:
    folder = tmp_path / "baa_versions"
    folder.mkdir()
    text = (
        "---\ntitle: T\nposted: 2025-01-01\neffective: 2025-01-01\nsummary: S.\n"
        + ALIAS_BOMB
        + "---\n\n## 1. A\n\nB.\n"
    )
    (folder / "2025-01-01.md").write_text(text, encoding="utf-8")
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = main(["--root", str(tmp_path), "check", "--no-history", "--as-of", "2025-05-01"])
    assert time.perf_counter() - start < 5
    assert code == 1
    assert "baa_versions/2025-01-01.md:6: front matter uses the YAML anchor or alias '&a'" in out.getvalue()


def test_a_yaml_alias_bomb_in_the_register_is_refused(tmp_path: Path) -> None:
    from amend.register import load_register

    path = tmp_path / "subprocessors.yml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    start = time.perf_counter()
    register, problems = load_register(path, 30, tmp_path)
    assert time.perf_counter() - start < 5
    assert register is None
    assert [p.render() for p in problems] == [
        "subprocessors.yml:1: the register uses the YAML anchor or alias '&a', which is not allowed; "
        "write the value out where it is needed"
    ]


@pytest.mark.parametrize("kind", ["symlink", "device-link", "fifo", "too-large"])
def test_only_regular_files_of_bounded_size_are_read(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "baa_versions"
    folder.mkdir()
    target = folder / "2025-01-01.md"
    if kind == "symlink":
        outside = tmp_path / "outside.md"
        outside.write_text(_revision("Customer shall pay.", *OLD_DATES), encoding="utf-8")
        target.symlink_to(outside)
        expected = "is a symbolic link"
    elif kind == "device-link":
        target.symlink_to("/dev/zero")
        expected = "is a symbolic link"
    elif kind == "fifo":
        os.mkfifo(target)
        expected = "is not a regular file"
    else:
        target.write_text(_revision("Customer shall pay. " * 120_000, *OLD_DATES), encoding="utf-8")
        expected = "is 2,400,186 bytes; the limit is 2,000,000"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--root", str(tmp_path), "check", "--no-history", "--as-of", "2025-05-01"])
    assert code == 1
    assert f"baa_versions/2025-01-01.md: {expected}" in out.getvalue(), out.getvalue()


def test_a_year_9999_date_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "baa_versions"
    folder.mkdir()
    (folder / "2025-01-01.md").write_text(
        _revision("Customer shall pay.", "9999-12-31", "2025-01-01"), encoding="utf-8"
    )
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--root", str(tmp_path), "check", "--no-history", "--as-of", "2025-05-01"])
    assert code == 1
    assert "'effective' is '9999-12-31'; a date must fall in the years 1900 to 2999" in out.getvalue()


DELIMITERS = [
    "`",
    "[",
    "[a](",
    "](",
    "<",
    "<a",
    "{",
    "{:",
    "{#",
    "{%",
    "*",
    "_",
    "**",
    "__",
    "&",
    "&#",
    "#",
    "|",
    "(",
    ")",
    "]",
    "![",
    "[^",
    "\\",
    "~",
    ">",
    "-",
    "1.",
    ":",
    "\u202e",
    "\u0455",
    "\uff13",
]


@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_each_reader_handles_a_20000_character_line_of_one_delimiter_in_linear_time(delimiter: str) -> None:
    from amend.dialect import check_dialect

    line = (delimiter * (20_000 // len(delimiter) + 1))[:20_000]
    body = f"## 1. Terms {{#terms}}\n\nCustomer {line} pay.\n"
    start = time.perf_counter()
    built = build_document(body, "r")
    problems = check_dialect(built, "r.md")
    render_document_html(built.document)
    diff_documents(built.document, parse_document("## 1. Terms {#terms}\n\nCustomer pay.\n", "r"))
    elapsed = time.perf_counter() - start
    assert elapsed < 5, f"{delimiter!r}: {elapsed:.1f}s"
    assert any("line is 20,0" in p.message for p in problems)


def test_deep_nesting_is_a_problem_and_renders_without_recursion_errors() -> None:
    from amend.dialect import check_dialect

    body = "## 1. Terms {#terms}\n\n" + "".join("    " * depth + "- level\n" for depth in range(40))
    built = build_document(body, "r")
    assert any("nested" in p.message for p in check_dialect(built, "r.md"))
    assert "level" in render_document_html(built.document)


def test_amend_check_on_the_sample_stays_fast_and_small() -> None:
    root = Path(__file__).resolve().parent.parent
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["--root", str(root), "check", "--no-history", "--as-of", "2026-12-01"])
    assert code == 0
    assert time.perf_counter() - start < 5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 500 * 1024


# --- nothing outside the document reaches a PDF -----------------------------------------------------------

HOSTILE_URLS = [
    "file:///etc/hostname",
    "file:///dev/zero",
    "https://example.com/x.png",
    "http://127.0.0.1:9/x.css",
    "data:image/png;base64,iVBORw0KGgo=",
]


@pytest.mark.slow
@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_the_pdf_renderer_refuses_every_url_but_its_own_stylesheet_and_font(tmp_path: Path, url: str) -> None:
    from amend.pdf import STYLESHEET, PdfError, render_pdf

    html = f'<html><body><p style="background-image:url({url})">Text</p></body></html>'
    with pytest.raises(PdfError, match="a PDF loads nothing but amend's own stylesheet and font"):
        render_pdf(html, what="test", epoch=0)
    hostile = tmp_path / "print.css"
    hostile.write_text(STYLESHEET.read_text(encoding="utf-8") + f"\nbody {{ background: url({url}) }}\n")
    with pytest.raises(PdfError):
        render_pdf("<html><body><p>Text</p></body></html>", what="test", epoch=0, stylesheet=hostile)


def test_a_changed_link_address_is_shown_but_its_digits_raise_no_number_flag() -> None:
    old = parse_document(
        "## 1. Terms {#terms}\n\nSee [the policy](https://example.com/policy/2) within 30 days.\n", "a"
    )
    new = parse_document(
        "## 1. Terms {#terms}\n\nSee [the policy](https://example.com/policy/3) within 30 days.\n", "b"
    )
    diff = diff_documents(old, new)
    assert [(p.op.value, p.text) for p in diff.clauses[0].redline if p.op is not Op.EQUAL] == [
        ("delete", "2"),
        ("insert", "3"),
    ]
    assert diff.flags() == []
