"""The Word files, read back: accept all gives the new revision, reject all the old one, clause by clause.

Accepting and rejecting are done here on the document's XML, as Word does them:
accepting drops ``w:del`` content, paragraphs and rows whose mark is deleted, and
keeps what ``w:ins`` holds; rejecting does the opposite. Each clause's text is
found by its bookmark and compared with the revision's own text.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from lxml import etree

from amend.diff import diff_documents
from amend.layout import CONTINUED, PREAMBLE_BOOKMARK, bookmark_name, layout_redline
from amend.model import Clause, ClauseKind, Document, Revision
from amend.revisions import load_document, load_revisions
from amend.word import Cover, render_redline_documents_docx, render_redline_docx, render_revision_docx

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ORGANIZATION = "Harborlight Health Cloud, Inc."


def sample() -> list[Revision]:
    loaded = load_revisions(ROOT / "baa_versions", 30)
    assert not loaded.problems
    return list(loaded.revisions)


SAMPLE_PAIRS = [(a.id, b.id) for a, b in pairwise(sample())]


# --- reading a .docx back -------------------------------------------------------------------------------


def body_of(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    body = root.find(f"{W}body")
    assert body is not None
    return body


def settle(body: etree._Element, keep: str) -> etree._Element:
    """Accept (keep="ins") or reject (keep="del") every tracked change, in place."""
    drop = "del" if keep == "ins" else "ins"
    marks = list(body.iter(f"{W}{drop}"))
    paragraph_marks = []
    for mark in marks:
        parent = mark.getparent()
        if parent.tag == f"{W}rPr" and parent.getparent().tag == f"{W}pPr":  # a paragraph's mark
            paragraph_marks.append(parent.getparent().getparent())
            parent.remove(mark)
        elif parent.tag == f"{W}trPr":  # a whole table row
            row = parent.getparent()
            row.getparent().remove(row)
        else:
            parent.remove(mark)
    for paragraph in paragraph_marks:
        join_next(paragraph)
    for mark in list(body.iter(f"{W}{keep}")):
        parent = mark.getparent()
        if parent.tag in (f"{W}rPr", f"{W}trPr"):
            parent.remove(mark)
            continue
        index = parent.index(mark)
        for offset, child in enumerate(list(mark)):
            parent.insert(index + offset, child)
        parent.remove(mark)
    for deleted in list(body.iter(f"{W}delText")):
        deleted.tag = f"{W}t"
    assert not list(body.iter(f"{W}ins")) and not list(body.iter(f"{W}del"))
    return body


def join_next(paragraph: etree._Element) -> None:
    """Remove a paragraph's mark as Word does: what is left of it joins the next paragraph."""
    following = paragraph.getnext()
    content = [child for child in paragraph if child.tag != f"{W}pPr"]
    if following is not None and following.tag == f"{W}p":
        anchor = following.find(f"{W}pPr")
        at = following.index(anchor) + 1 if anchor is not None else 0
        for offset, child in enumerate(content):
            following.insert(at + offset, child)
    elif text_of(paragraph):
        return  # a table follows: Word keeps the paragraph (a table cannot absorb it)
    paragraph.getparent().remove(paragraph)


def text_of(paragraph: etree._Element, ignore: tuple[str, ...] = ()) -> str:
    out: list[str] = []
    for element in paragraph.iter():
        if any(ancestor.tag in ignore for ancestor in element.iterancestors()):
            continue
        if element.tag in (f"{W}t", f"{W}delText"):
            out.append(element.text or "")
        elif element.tag == f"{W}tab":
            out.append("\t")
    return "".join(out)


def units(body: etree._Element) -> list[tuple[str | None, str, bool]]:
    """(bookmark in force, text, is a heading) for each paragraph and table row, in order; header rows left out."""
    out: list[tuple[str | None, str, bool]] = []
    current: str | None = None

    def names(element: etree._Element) -> list[str]:
        return [b.get(f"{W}name") for b in element.iter(f"{W}bookmarkStart")]

    for child in body:
        if child.tag == f"{W}p":
            for name in names(child):
                current = name
            style = child.find(f"{W}pPr/{W}pStyle")
            heading = style is not None and style.get(f"{W}val", "").startswith("Heading")
            out.append((current, text_of(child), heading))
        elif child.tag == f"{W}tbl":
            for row in child.iter(f"{W}tr"):
                if row.find(f"{W}trPr/{W}tblHeader") is not None:
                    continue
                for name in names(row):
                    current = name
                cells = [text_of(cell) for cell in row.iter(f"{W}tc")]
                out.append((current, " | ".join(cells), False))
    return out


_MARKS = re.compile(r"^[-*+>|:]+$")


def key(text: str) -> str:
    """What a reader sees: white space collapsed, and the list, quote and table marks Word draws itself left out."""
    return " ".join(word for word in text.split() if not _MARKS.match(word))


def expected(clause: Clause) -> str:
    """A clause as a reader sees it: a section's heading, an item's number, then its own text."""
    if clause.kind is ClauseKind.SECTION:
        return f"{clause.label} {clause.text}"
    if clause.kind is ClauseKind.ITEM and clause.number:
        return f"{clause.printed_number} {clause.text}"
    return clause.text


def by_clause(body: etree._Element, side: int, named: dict[str, tuple[Clause | None, Clause | None]]) -> dict[int, str]:
    """Text under each clause's bookmarks (its continuations included), keyed by the clause's identity."""
    collected: dict[int, list[str]] = {}
    for name, text, _ in units(body):
        if name is None or not text:
            continue
        clause = named[name][side]
        assert clause is not None, f"text {text!r} stands under {name}, a clause this side does not have"
        collected.setdefault(id(clause), []).append(text)
    return {ident: " ".join(parts) for ident, parts in collected.items()}


def preamble_text(document: Document) -> str:
    return document.preamble  # already the text a reader sees (the one parse)


def assert_round_trip(data: bytes, old: Document, new: Document) -> None:
    layout = layout_redline(diff_documents(old, new), old, new)
    for side, document, keep in ((1, new, "ins"), (0, old, "del")):
        body = settle(body_of(data), keep)
        found = by_clause(body, side, layout.clauses)
        preamble = next((c[side] for n, c in layout.clauses.items() if n == PREAMBLE_BOOKMARK), None)
        if document.preamble.strip():
            assert preamble is not None
            assert key(found.pop(id(preamble), "")) == key(preamble_text(document)), f"{document.id}: preamble"
        what = "accept all" if keep == "ins" else "reject all"
        for clause in document.walk():
            got = found.pop(id(clause), None)
            assert got is not None, f"{what}: clause {clause.id} of {document.id} is missing"
            assert key(got) == key(expected(clause)), f"{what}: clause {clause.id} of {document.id} differs"
        assert not found, f"{what}: text under clauses {document.id} does not have"


def revision_pair(old_id: str, new_id: str) -> tuple[Revision, Revision]:
    revisions = {r.id: r for r in sample()}
    return revisions[old_id], revisions[new_id]


# --- the sample agreement -------------------------------------------------------------------------------


@pytest.mark.parametrize(("old_id", "new_id"), SAMPLE_PAIRS, ids=[f"{a}...{b}" for a, b in SAMPLE_PAIRS])
def test_accept_all_gives_the_new_revision_and_reject_all_the_old_one(old_id: str, new_id: str) -> None:
    old, new = revision_pair(old_id, new_id)
    data = render_redline_docx(old, new, organization=ORGANIZATION)
    assert_round_trip(data, old.document, new.document)


@pytest.mark.parametrize(("old_id", "new_id"), SAMPLE_PAIRS, ids=[f"{a}...{b}" for a, b in SAMPLE_PAIRS])
def test_accepting_every_change_gives_the_revisions_own_word_file(old_id: str, new_id: str) -> None:
    old, new = revision_pair(old_id, new_id)
    accepted = settle(body_of(render_redline_docx(old, new, organization=ORGANIZATION)), "ins")
    own = body_of(render_revision_docx(new, organization=ORGANIZATION))
    # Paragraph for paragraph, past the cover (bookmark names aside: a redline has more of them).
    assert [u[1:] for u in units(accepted) if u[0]] == [u[1:] for u in units(own) if u[0]]


def test_tracked_changes_are_by_the_organization_on_the_day_the_new_revision_was_posted() -> None:
    old, new = revision_pair(*SAMPLE_PAIRS[-1])
    body = body_of(render_redline_docx(old, new, organization=ORGANIZATION))
    marks = list(body.iter(f"{W}ins")) + list(body.iter(f"{W}del"))
    assert len(marks) > 10
    assert {m.get(f"{W}author") for m in marks} == {ORGANIZATION}
    assert {m.get(f"{W}date") for m in marks} == {f"{new.posted.isoformat()}T00:00:00Z"}
    ids = [m.get(f"{W}id") for m in [*marks, *body.iter(f"{W}bookmarkStart")]]
    assert len(set(ids)) == len(ids), "annotation ids are unique across tracked changes and bookmarks"
    deleted = " ".join(t.text or "" for t in body.iter(f"{W}delText"))
    inserted = " ".join(t.text or "" for m in body.iter(f"{W}ins") for t in m.iter(f"{W}t"))
    assert "thirty (30)" in deleted and "forty-five (45)" in inserted


def test_a_revision_has_clause_headings_in_word_heading_styles_and_its_definitions_as_a_table() -> None:
    revision = sample()[-1]
    data = render_revision_docx(revision, organization=ORGANIZATION)
    body = body_of(data)
    assert not list(body.iter(f"{W}ins")) and not list(body.iter(f"{W}del"))
    styles = [(p, p.find(f"{W}pPr/{W}pStyle")) for p in body.iter(f"{W}p")]
    headings = [text_of(p) for p, s in styles if s is not None and s.get(f"{W}val") == "Heading1"]
    assert headings == [c.label for c in revision.document.clauses]
    table = body.find(f"{W}tbl")
    assert table is not None
    header = table.find(f"{W}tr")
    assert header.find(f"{W}trPr/{W}tblHeader") is not None
    assert [text_of(c) for c in header.iter(f"{W}tc")] == ["Term", "Meaning"]
    names = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert bookmark_name("definitions") in names and "definitions" in names
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("word/styles.xml").decode()
    assert 'w:ascii="Source Serif 4"' in styles and "asciiTheme" not in styles.split("</w:docDefaults>")[0]


def test_bold_labels_stay_bold_and_list_items_keep_their_numbers() -> None:
    revision = sample()[-1]
    body = body_of(render_revision_docx(revision))
    runs = [(r.find(f"{W}rPr/{W}b") is not None, text_of(r)) for r in body.iter(f"{W}r")]
    assert (True, "Precedence.") in runs
    texts = [text_of(p) for p in body.iter(f"{W}p")]
    assert any(t.startswith("1.\tuse and disclose PHI") for t in texts)


def test_word_files_are_byte_identical_from_the_same_sources() -> None:
    old, new = revision_pair(*SAMPLE_PAIRS[-1])
    assert render_revision_docx(new, organization=ORGANIZATION) == render_revision_docx(new, organization=ORGANIZATION)
    first = render_redline_docx(old, new, organization=ORGANIZATION)
    assert first == render_redline_docx(old, new, organization=ORGANIZATION)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        core = archive.read("docProps/core.xml").decode()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert f'<dcterms:created xsi:type="dcterms:W3CDTF">{new.posted.isoformat()}T00:00:00Z' in core
    assert f"<cp:lastModifiedBy>{ORGANIZATION}</cp:lastModifiedBy>" in core
    assert "python-docx" not in core


def test_bookmark_names_are_word_safe_and_distinct() -> None:
    ids = ["incident-breach-reporting", "a" * 60, "a" * 61, "Größe", "7-days", "x__y"]
    names = [bookmark_name(i) for i in ids]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", n) for n in names)
    assert names[0] == "incident_breach_reporting"
    assert all(CONTINUED not in n for n in names)


# --- real policies ------------------------------------------------------------------------------------

CORPUS_POLICIES = ["github-terms-of-service", "github-subprocessors", "github-privacy-statement"]


def corpus_pairs(corpus_dir: Path, policy: str) -> list[tuple[Document, Document]]:
    documents = []
    for path in sorted((corpus_dir / policy).glob("*.md")):
        document, problems = load_document(path)
        assert document is not None, problems
        documents.append(document)
    return list(pairwise(documents))


# Two pairs in the quick suite: a rewrite of a long policy with moved and split sections, and a list of
# subprocessors kept as a table; every adjacent pair of three policies in the slow one.
QUICK_PAIRS = [
    ("github-privacy-statement", "2019-04-18", "2019-12-20"),
    ("github-subprocessors", "2024-02-23", "2025-05-14"),
]


@pytest.mark.parametrize(("policy", "old_id", "new_id"), QUICK_PAIRS)
def test_round_trips_hold_on_real_policies(corpus_dir: Path, policy: str, old_id: str, new_id: str) -> None:
    old, problems = load_document(corpus_dir / policy / f"{old_id}.md")
    new, more = load_document(corpus_dir / policy / f"{new_id}.md")
    assert old is not None and new is not None, problems + more
    cover = Cover(title=policy, subtitle=f"Redline from {old_id} to {new_id}")
    assert_round_trip(render_redline_documents_docx(old, new, cover, author="GitHub", when=date(2020, 1, 1)), old, new)


@pytest.mark.slow
@pytest.mark.parametrize("policy", CORPUS_POLICIES)
def test_round_trips_hold_on_every_adjacent_pair_of_a_real_policy(corpus_dir: Path, policy: str) -> None:
    pairs = corpus_pairs(corpus_dir, policy)
    assert pairs
    for old, new in pairs:
        cover = Cover(title=policy, subtitle=f"Redline from {old.id} to {new.id}")
        data = render_redline_documents_docx(old, new, cover, author="GitHub", when=date.fromisoformat(new.id))
        assert_round_trip(data, old, new)


# --- LibreOffice opens them -------------------------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_opens_both_word_files(tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui to run this check)")
    from pypdf import PdfReader

    old, new = revision_pair(*SAMPLE_PAIRS[-1])
    files = {
        "revision.docx": render_revision_docx(new, organization=ORGANIZATION),
        "redline.docx": render_redline_docx(old, new, organization=ORGANIZATION),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    result = subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            *(str(tmp_path / n) for n in files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in files:
        pdf = tmp_path / "out" / name.replace(".docx", ".pdf")
        assert pdf.is_file(), f"LibreOffice did not convert {name}: {result.stdout} {result.stderr}"
        text = " ".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        assert "Business Associate Agreement" in " ".join(text.split())
        assert "Subcontractors" in text
    pages = PdfReader(tmp_path / "out" / "redline.pdf").pages
    redline = " ".join(" ".join(page.extract_text() or "" for page in pages).split())
    assert "forty-five (45)" in redline  # changes are shown, not silently applied
