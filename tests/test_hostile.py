"""Hostile and broken input: never a traceback, only problems; revision text never runs.

Two halves. Hypothesis feeds arbitrary and Markdown-shaped text to the front
matter reader, the clause parser, the revision parser and the redline with all
its views: each must return problems or a result, never raise, and whatever
HTML comes out must be inert. Then one revision full of attacks (``<script>``,
``onerror=``, ``javascript:`` links, HTML entities): ``amend check`` rejects it
line by line, and rendered anyway (the document HTML, the redline views, the
page bodies and both PDFs) it shows its text as text and runs nothing.

Examples are derandomized in CI through the Hypothesis profile in conftest.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amend.blackline import render_blackline
from amend.clause_pages import render_clause_index, render_clause_page
from amend.clausehistory import diff_steps, trace_clauses
from amend.clauses import parse_document
from amend.cli import main
from amend.diff import diff_documents, to_json
from amend.diffviews import render_html, render_markdown, render_text
from amend.document_html import ALLOWED_TAGS, render_document_html
from amend.frontmatter import parse_revision_meta, split_front_matter
from amend.model import Revision
from amend.pages import (
    render_compare_page,
    render_current_page,
    render_history_page,
    render_revision_page,
    render_verify_page,
)
from amend.revisions import parse_revision
from amend.siteplan import plan_site
from amend.timeline import build_timeline

# --- what inert HTML means --------------------------------------------------------------------------

# Elements that run or load something, or restyle the page: never produced from revision text.
ACTIVE_TAGS = {
    "script",
    "style",
    "iframe",
    "frame",
    "object",
    "embed",
    "img",
    "svg",
    "math",
    "link",
    "meta",
    "base",
    "form",
    "textarea",
    "button",
    "select",
    "video",
    "audio",
    "source",
    "template",
}
# The elements a page body of ours may contain besides the sanitised document (the pair picker, the
# redline's view switch).
PAGE_TAGS = ALLOWED_TAGS | {
    "article",
    "aside",
    "header",
    "time",
    "details",
    "summary",
    "label",
    "input",
    "form",
    "select",
    "option",
    "button",
    "nav",
    "main",
    "footer",
    "output",
}
SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.I)


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.bad_attributes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            # Markdown tables align their cells with a style attribute: that one is harmless.
            alignment = name == "style" and tag in ("td", "th") and re.fullmatch(r"text-align: ?\w+;?", value or "")
            if (name.startswith("on") or name in ("style", "srcdoc", "formaction")) and not alignment:
                self.bad_attributes.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "xlink:href") and value and SCRIPT_URL.match(value):
                self.bad_attributes.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return parser


def assert_inert(html: str, allowed: set[str] | frozenset[str] = PAGE_TAGS, where: str = "") -> str:
    """No active element, no event handler or script address; returns the text a reader sees."""
    found = markup(html)
    active = sorted(set(found.tags) & ACTIVE_TAGS - (allowed & {"form", "select", "button"}))
    assert active == [], f"{where}: active elements {active}"
    assert set(found.tags) <= set(allowed), f"{where}: unexpected elements {sorted(set(found.tags) - set(allowed))}"
    assert found.bad_attributes == [], f"{where}: {found.bad_attributes}"
    return "".join(found.text)


# --- fuzzing: arbitrary text and Markdown-shaped text ---------------------------------------------

# Pieces of Markdown, YAML and HTML that the parsers treat specially, mixed with arbitrary text.
TOKENS = [
    "\n",
    "\n\n",
    "  ",
    "\t",
    "\r\n",
    "---",
    "...",
    "## ",
    "# ",
    "### ",
    "#### ",
    "1. ",
    "7.",
    "4.2 ",
    "A. ",
    "(b) ",
    "- ",
    "* ",
    "+ ",
    "**",
    "__",
    "*",
    "_",
    "`",
    "```",
    "~~~",
    "> ",
    "| ",
    " | ",
    "|---|",
    ":---:",
    "{#",
    "}",
    "{#id}",
    "{: .x}",
    "[",
    "]",
    "(",
    ")",
    "[^1]",
    "[^1]: ",
    "![",
    "<",
    ">",
    "</",
    "/>",
    "&",
    ";",
    "&amp;",
    "&lt;",
    "&#60;",
    "&#x3C;",
    "&nbsp;",
    "\u00a0",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\x00",
    "\x0b",
    "<script>",
    "</script>",
    "onerror=",
    "javascript:",
    "data:",
    "<!--",
    "-->",
    "<img src=x ",
    "href=",
    "title:",
    "posted:",
    "effective:",
    "summary:",
    "2025-01-01",
    "2025-9-17",
    "2025-02-30",
    "9999-12-31",
    ": ",
    "- ",
    "'",
    '"',
    "\\",
    "!!python/object:os.system",
    "&anchor ",
    "*anchor",
    "<<: ",
    "? ",
    "%YAML 1.2",
    "Section",
    "shall",
    "may",
    "within 72 hours",
    "thirty (30) days",
    "é",
    "中文",
    "\U0001d518",
    "\U0001f600",
]
markdownish = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=400), markdownish)
FUZZ = settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])


def front_matter_file(body: str, yaml: str) -> str:
    return f"---\n{yaml}\n---\n{body}"


@FUZZ
@given(text=any_text)
def test_splitting_front_matter_never_raises_and_loses_no_body(text: str) -> None:
    split = split_front_matter(text)
    if split.front_matter is None:
        assert split.body == text
    assert split.body_line >= 1


@FUZZ
@given(text=st.one_of(any_text, st.builds(front_matter_file, any_text, any_text)))
def test_reading_revision_front_matter_gives_a_result_or_problems_never_a_traceback(text: str) -> None:
    meta, problems = parse_revision_meta(split_front_matter(text), "baa_versions/2025-01-01.md")
    assert (meta is None) == bool(problems)
    lines = text.count("\n") + 2
    for problem in problems:
        assert problem.path == "baa_versions/2025-01-01.md"
        assert problem.line is None or 1 <= problem.line <= lines, problem.render()
        assert problem.message.strip() and "Traceback" not in problem.message


@FUZZ
@given(text=any_text)
def test_the_clause_parser_takes_any_text_and_gives_unique_ids(text: str) -> None:
    document = parse_document(text, "2025-01-01", 1)
    ids = [clause.id for clause in document.walk()]
    assert len(ids) == len(set(ids))
    assert all(clause.line >= 1 for clause in document.walk())


@FUZZ
@given(text=st.one_of(any_text, st.builds(front_matter_file, any_text, any_text)))
def test_parsing_a_revision_gives_a_revision_or_problems_never_a_traceback(text: str) -> None:
    revision, problems = parse_revision(text, Path("baa_versions/2025-01-01.md"))
    assert (revision is None) == bool(problems)
    for problem in problems:
        assert problem.render().startswith("baa_versions/2025-01-01.md")


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(old=any_text, new=any_text)
def test_the_redline_and_every_view_of_it_take_any_two_texts(old: str, new: str) -> None:
    diff = diff_documents(parse_document(old, "2025-01-01", 1), parse_document(new, "2025-06-01", 1))
    data = json.loads(to_json(diff))
    assert data["from"] == "2025-01-01" and data["to"] == "2025-06-01"
    render_text(diff)
    render_text(diff, color=True)
    markdown = render_markdown(diff, old_href="../a/", new_href="../b/")
    assert "<script" not in markdown.lower()
    assert_inert(render_html(diff, old_href="../a/", new_href="../b/"), where="redline html")


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow])
@given(text=any_text)
def test_the_document_html_of_any_text_is_sanitised(text: str) -> None:
    html = render_document_html(parse_document(text, "2025-01-01", 1))
    assert_inert(html, allowed=ALLOWED_TAGS, where="document html")


# --- one revision full of attacks -------------------------------------------------------------------

FIRST = """---
title: Business Associate Agreement
posted: 2025-01-01
effective: 2025-01-01
summary: The first revision.
---

This agreement is between the vendor and its customer.

## 1. Parties {#parties}

The vendor and the customer enter this agreement.

## 2. Safeguards {#safeguards}

The vendor shall encrypt PHI at rest.
"""

# Each line is an attack `amend check` must refuse, with the words its message must use.
ATTACKS = {
    "script-element": ("<script>alert('script')</script>", "raw HTML '<script>'"),
    "event-attribute": ('Read <img src="x" onerror="alert(\'img\')"> this.', "raw HTML '<img"),
    "svg-onload": ("<svg/onload=alert('svg')>", "raw HTML '<svg"),
    "iframe": ("<iframe src=\"javascript:alert('frame')\"></iframe>", "raw HTML '<iframe"),
    "style": ("<style>body { display: none }</style>", "raw HTML '<style>'"),
    "comment": ("<!-- <script>alert('comment')</script> -->", "raw HTML '<!--'"),
    "javascript-link": ("[Read the terms](javascript:alert('link'))", "'javascript:'"),
    "javascript-link-mixed-case": ("[Read the terms]( JaVaScRiPt:alert('case'))", "'javascript:'"),
    "data-link": ("[Open](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "'data:'"),
    "javascript-reference-link": ("[Read the terms][terms]\n\n[terms]: javascript:alert('reference')", "'javascript:'"),
    "javascript-on-the-next-line": ("[Read the terms](\njavascript:alert('next'))", "'javascript:'"),
    "scheme-in-entities": ("[Read the terms](java&#115;cript:alert('entity'))", "'javascript:'"),
}
# Text that reads like markup but is only text: allowed, and shown exactly as written.
ENTITIES = [
    ("&lt;script&gt;alert('entity')&lt;/script&gt;", "<script>alert('entity')</script>"),
    ("&#60;img src=x onerror=alert('numeric')&#62;", "<img src=x onerror=alert('numeric')>"),
    ("`<script>alert('code')</script>`", "<script>alert('code')</script>"),
    ("Fees &amp; costs &amp;lt;b&amp;gt;", "Fees & costs &lt;b&gt;"),
]


HEADING = "## 2. Safeguards <script>alert('heading')</script> {#safeguards}"


def hostile_text(
    attacks: dict[str, tuple[str, str]] = ATTACKS, *, summary: str | None = None, heading: str = HEADING
) -> str:
    """The second revision: the first one's clauses, each attack in a paragraph of its own."""
    summary = summary or "Adds <script>alert('summary')</script> & \"quotes\" <img src=x onerror=alert(1)>."
    parts = [
        "---",
        "title: Business Associate Agreement",
        "posted: 2025-03-01",
        "effective: 2025-04-15",
        f"summary: {json.dumps(summary)}",  # a JSON string is a YAML double-quoted scalar
        "---",
        "",
        "This agreement is between the vendor and its customer.",
        "",
        "## 1. Parties {#parties}",
        "",
        "The vendor and the customer enter this agreement.",
        "",
        heading,
        "",
        "The vendor shall encrypt PHI at rest and in transit.",
        "",
    ]
    for label, (attack, _) in attacks.items():
        parts += [f"**{label}.** {attack}", ""]
    for written, _ in ENTITIES:
        parts += [f"- {written}"]
    return "\n".join(parts) + "\n"


def check_folder(tmp_path: Path, second: str) -> tuple[int, str]:
    folder = tmp_path / "baa_versions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2025-01-01.md").write_text(FIRST, encoding="utf-8")
    (folder / "2025-04-15.md").write_text(second, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(tmp_path), "check", "--no-history", "--as-of", "2025-05-01"])
    return code, out.getvalue()


def test_the_clean_pair_passes_check(tmp_path: Path) -> None:
    text = hostile_text({}, summary="Encrypts in transit too.", heading="## 2. Safeguards {#safeguards}")
    code, output = check_folder(tmp_path, text)
    assert (code, output) == (0, ""), output


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_amend_check_rejects_each_attack_on_its_own_line(tmp_path: Path, name: str) -> None:
    attack, words = ATTACKS[name]
    text = hostile_text({name: (attack, words)}, summary="Harmless.", heading="## 2. Safeguards {#safeguards}")
    code, output = check_folder(tmp_path, text)
    assert code == 1, f"{name} passed amend check"
    line = next(i for i, row in enumerate(text.split("\n"), 1) if row.startswith(f"**{name}.**"))
    assert f"baa_versions/2025-04-15.md:{line}:" in output or (
        name == "javascript-reference-link" and "baa_versions/2025-04-15.md:" in output
    ), output
    assert words in output, output
    assert "Traceback" not in output


def test_amend_check_rejects_a_script_in_a_heading_and_accepts_entities_and_code(tmp_path: Path) -> None:
    code, output = check_folder(tmp_path, hostile_text({}, summary="Harmless."))
    heading_line = hostile_text({}).split("\n").index(HEADING) + 1
    assert code == 1
    assert output.splitlines() == [
        f"baa_versions/2025-04-15.md:{heading_line}:18: raw HTML '<script>' is not allowed in a revision "
        "(it could run script in a reader's browser); write it in Markdown, or put it in `backticks` "
        "to show it as text"
    ]


def hostile_revisions() -> tuple[Revision, Revision]:
    """Both revisions, the second parsed without its checks: what a renderer would get if check were skipped."""
    first, problems = parse_revision(FIRST, Path("baa_versions/2025-01-01.md"))
    assert first is not None, problems
    text = hostile_text()
    split = split_front_matter(text)
    meta, problems = parse_revision_meta(split, "baa_versions/2025-04-15.md")
    assert meta is not None, problems
    document = parse_document(split.body, "2025-04-15", split.body_line, title=meta.title)
    second = replace(
        first,
        id="2025-04-15",
        path=Path("baa_versions/2025-04-15.md"),
        title=meta.title + " <b onmouseover=x>",
        posted=meta.posted,
        effective=meta.effective,
        summary=meta.summary,
        document=document,
        source=text,
        lines=meta.lines,
    )
    return first, second


def shows_every_attack_as_text(text: str, where: str, *, raw_html: bool = True) -> None:
    """The reader sees each attack written out (the page), or at least every entity and code span as written.

    The redline compares words, not markup, so it leaves raw tags out (`amend check` refuses them anyway).
    """
    flat = " ".join(text.split())
    for name in ("script-element", "event-attribute", "svg-onload", "iframe", "style", "comment"):
        attack = " ".join(ATTACKS[name][0].split())
        if raw_html:
            assert attack in flat, f"{where}: {name} is not shown as text"
    for _, shown in ENTITIES:
        assert shown in flat, f"{where}: {shown!r} is not shown as written"


def test_rendered_anyway_the_document_html_shows_every_attack_as_text(tmp_path: Path) -> None:
    _, second = hostile_revisions()
    html = render_document_html(second.document)
    text = assert_inert(html, allowed=ALLOWED_TAGS, where="document html")
    shows_every_attack_as_text(text, "document html")
    assert "<script>alert('heading')</script>" in text
    assert "Read the terms" in text and "javascript:" not in html.lower().replace("javascript:alert('", "")


def test_rendered_anyway_every_redline_view_shows_the_attacks_as_text() -> None:
    first, second = hostile_revisions()
    diff = diff_documents(first.document, second.document)
    html = render_html(diff, old_href="../../2025-01-01/", new_href="../../2025-04-15/")
    shows_every_attack_as_text(assert_inert(html, where="redline html"), "redline html", raw_html=False)
    markdown = render_markdown(diff, old_href="../../2025-01-01/", new_href="../../2025-04-15/")
    assert "<script" not in markdown and "<img" not in markdown and "<iframe" not in markdown
    assert "](javascript" not in markdown.lower() and "](data:" not in markdown.lower()
    text = render_text(diff)
    assert "<script>alert('code')</script>" in text and "<script>alert('entity')</script>" in text
    data = json.dumps(json.loads(to_json(diff)), ensure_ascii=False)
    assert "<script>alert('code')</script>" in data and "Fees & costs &lt;b&gt;" in data


def test_rendered_anyway_every_page_body_escapes_the_summary_and_title() -> None:
    first, second = hostile_revisions()
    timeline = build_timeline([first, second], date(2025, 3, 15), 30)  # inside the notice window
    plan = plan_site(timeline)
    body = render_document_html(second.document)
    old_entry, new_entry = timeline.entry(first.id), timeline.entry(second.id)
    assert old_entry is not None and new_entry is not None
    diff_html = render_html(diff_documents(first.document, second.document))
    bodies = {
        "current": render_current_page(timeline, plan, render_document_html(first.document)),
        "revision": render_revision_page(new_entry, timeline, plan, body),
        "history": render_history_page(timeline, plan),
        "compare": render_compare_page(old_entry, new_entry, timeline, plan, diff_html, True),
    }
    for name, html in bodies.items():
        text = assert_inert(html, where=name)
        assert "Adds <script>alert('summary')</script> & \"quotes\" <img src=x onerror=alert(1)>." in text, name
    assert "&lt;script&gt;alert(&#x27;summary&#x27;)" in bodies["history"] or "&lt;script&gt;" in bodies["history"]
    # The clause pages and the verify page show clause text and titles, never the summary: inert all the same.
    histories = trace_clauses([first, second], [diff_steps(first, second, "../../a/", "../../b/")])
    documents = {first.id: render_document_html(first.document), second.id: body}
    others = {
        "clause-index": render_clause_index(histories, plan),
        "verify": render_verify_page(timeline, plan),
        **{
            f"clause {h.key}": render_clause_page(h, timeline, plan, documents.__getitem__) for h in histories.histories
        },
    }
    assert len(others) > 2
    for name, html in others.items():
        assert_inert(html, where=name)


@pytest.mark.slow
def test_rendered_anyway_the_pdfs_print_the_attacks_as_text_and_carry_no_script() -> None:
    pypdf = pytest.importorskip("pypdf")
    from amend.pdf import render_redline_pdf, render_revision_pdf

    first, second = hostile_revisions()
    revision_pdf = render_revision_pdf(second, organization="Vendor <script>alert('org')</script>")
    redline_pdf = render_redline_pdf(first, second, render_html(diff_documents(first.document, second.document)))
    shown = [written for _, written in ENTITIES]
    raw = ["<script>alert('script')</script>", "onerror=\"alert('img')\"", "<iframe", "<!-- <script>"]
    for name, data, pieces in (("revision", revision_pdf, shown + raw), ("redline", redline_pdf, shown)):
        reader = pypdf.PdfReader(io.BytesIO(data))
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
        text = text.replace("</ ", "</")  # a line may break after "</" in a long inserted run
        for piece in pieces:
            assert piece in text, f"{name} PDF does not print {piece!r}"
        catalog = reader.trailer["/Root"]
        assert "/OpenAction" not in catalog and "/AA" not in catalog, name
        assert "/JavaScript" not in catalog.get("/Names", {}), name
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A") or {}
                assert action.get("/S") != "/JavaScript", name
                uri = str(action.get("/URI", ""))
                assert not SCRIPT_URL.match(uri), f"{name} PDF links to {uri}"


def test_the_blackline_of_hostile_revisions_is_inert() -> None:
    first, second = hostile_revisions()
    diff = diff_documents(first.document, second.document)
    result = render_blackline(diff, render_document_html(first.document), render_document_html(second.document))
    assert result.changes, "the hostile pair differs"
    assert_inert(result.html, where="blackline")
