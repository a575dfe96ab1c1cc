"""PDFs of revisions and redlines: content, outline, metadata, fonts, failures, reproducibility, cache."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination

from amend import cli
from amend.config import load_settings
from amend.dates import format_date as long_date
from amend.diff import diff_documents
from amend.document_html import render_document_html, toc_entries
from amend.model import ClauseKind, Revision
from amend.pdf import (
    FontFiles,
    PdfEnvironmentError,
    PdfError,
    RedlineFlag,
    bundled_fonts,
    render_redline_pdf,
    render_revision_html,
    render_revision_pdf,
)
from amend.pdfcache import (
    PdfJob,
    SourceFile,
    job_key,
    render_job,
    render_pdfs,
    render_redline,
    renderer_fingerprint,
    rendering_sources,
    revision_job,
)
from amend.revisions import load_document, load_revisions, parse_revision

ROOT = Path(__file__).resolve().parent.parent
BAA = ROOT / "baa_versions"
ORGANIZATION = "Harborlight Health Cloud, Inc."

pytestmark = pytest.mark.slow

SMALL = """---
title: Data Processing Terms
posted: {posted}
effective: {effective}
summary: {summary}
---

These terms sit beside the main agreement.

## 1. Scope {{#scope}}

They cover personal data the provider processes for the customer \u2014 see [Security](#security).

## 2. Security {{#security}}

The provider keeps the data {symbols} under lock and key.
"""


def small_revision(
    tmp_path: Path,
    name: str = "2025-03-01.md",
    *,
    posted: str = "2025-01-30",
    effective: str = "2025-03-01",
    summary: str = "First terms.",
    symbols: str = "safe",
) -> Revision:
    path = tmp_path / name
    text = SMALL.format(posted=posted, effective=effective, summary=summary, symbols=symbols)
    path.write_text(text, encoding="utf-8")
    revision, problems = parse_revision(path.read_text(encoding="utf-8"), path)
    assert revision is not None, problems
    return revision


@pytest.fixture(scope="module")
def baa() -> tuple[Revision, ...]:
    loaded = load_revisions(BAA)
    assert not loaded.problems, loaded.problems
    return loaded.revisions


@pytest.fixture(scope="module")
def baa_pdf(baa: tuple[Revision, ...]) -> tuple[Revision, bytes]:
    revision = baa[-1]
    return revision, render_revision_pdf(revision, paper="letter", organization=ORGANIZATION)


def info(data: bytes) -> dict[str, str]:
    """The PDF's document information dictionary as plain strings."""
    metadata = PdfReader(BytesIO(data)).metadata
    assert metadata is not None
    return {str(key): str(value) for key, value in metadata.items()}


def catalog(data: bytes) -> Any:
    """The PDF's catalog (pypdf's objects are loosely typed: read them as Any)."""
    return PdfReader(BytesIO(data)).root_object


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def is_subsequence(needle: list[str], haystack: list[str]) -> tuple[bool, int]:
    """Whether ``needle`` occurs in order in ``haystack``; else how far it got."""
    position = 0
    for index, word in enumerate(needle):
        try:
            position = haystack.index(word, position) + 1
        except ValueError:
            return False, index
    return True, len(needle)


def outline_titles(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) for every bookmark, depth first."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                assert isinstance(item, Destination)
                page = reader.get_destination_page_number(item)
                assert page is not None
                found.append((depth, str(item.title), page))

    walk(reader.outline, 0)
    return found


def toc_flat(revision: Revision) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []

    def walk(entries: Any, depth: int) -> None:
        for entry in entries:
            out.append((depth, entry.label))
            walk(entry.children, depth + 1)

    walk(toc_entries(revision.document), 0)
    return out


# --- content ------------------------------------------------------------------------------------------


def test_the_text_of_the_pdf_has_every_clause_heading_and_body_in_order(baa_pdf: tuple[Revision, bytes]) -> None:
    revision, data = baa_pdf
    extracted = words(pdf_text(data))
    # Top-level clause headings come in order; each clause's text, and every sub-clause's,
    # lies between its own heading and the next one.
    starts: list[int] = []
    position = 0
    for clause in revision.document.clauses:
        heading = words(f"{clause.number or ''} {clause.title}")
        found, _ = is_subsequence(heading, extracted[position:])
        assert found, f"heading {clause.label!r} missing or out of order"
        position = extracted.index(heading[0], position)
        while extracted[position : position + len(heading)] != heading:
            position = extracted.index(heading[0], position + 1)
        starts.append(position)
        position += len(heading)
    assert starts == sorted(starts)
    preamble = words(revision.document.preamble)
    assert is_subsequence(preamble, extracted[: starts[0]])[0], "the preamble is missing before the first clause"
    for index, clause in enumerate(revision.document.clauses):
        span = extracted[starts[index] : starts[index + 1] if index + 1 < len(starts) else len(extracted)]
        for part in clause.walk():
            found, reached = is_subsequence(words(part.text), span)
            assert found, (
                f"{clause.label}: text of {part.label!r} missing near {words(part.text)[reached : reached + 8]}"
            )


def test_the_first_page_carries_title_revision_dates_and_organization(baa_pdf: tuple[Revision, bytes]) -> None:
    revision, data = baa_pdf
    first = re.sub(r"\s+", " ", PdfReader(BytesIO(data)).pages[0].extract_text())
    assert revision.title in first
    assert f"Revision {revision.id}" in first
    assert f"Posted {long_date(revision.posted)}" in first
    assert f"Effective {long_date(revision.effective)}" in first
    assert ORGANIZATION.upper() in first.upper()


def test_later_pages_have_the_running_header_and_page_n_of_m(baa_pdf: tuple[Revision, bytes]) -> None:
    revision, data = baa_pdf
    reader = PdfReader(BytesIO(data))
    count = len(reader.pages)
    assert count >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = re.sub(r"\s+", " ", page.extract_text())
        assert f"Page {number} of {count}" in text
        assert f"Effective {long_date(revision.effective)}" in text
        if number > 1:
            assert revision.title in text and f"Revision {revision.id}" in text


def test_the_outline_has_one_bookmark_per_heading_clause_at_its_depth(baa_pdf: tuple[Revision, bytes]) -> None:
    revision, data = baa_pdf
    outline = outline_titles(PdfReader(BytesIO(data)))
    assert [(depth, re.sub(r"\s+", " ", title)) for depth, title, _ in outline] == toc_flat(revision)
    top = [c for c in revision.document.clauses if c.kind is ClauseKind.SECTION]
    assert len([entry for entry in outline if entry[0] == 0]) == len(top)
    pages = [page for _, _, page in outline]
    assert pages == sorted(pages) and pages[0] == 0


def test_nested_headings_of_a_real_policy_nest_in_the_outline(corpus_dir: Path) -> None:
    path = corpus_dir / "github-privacy-statement" / "2026-03-02.md"
    document, problems = load_document(path)
    assert document is not None, problems
    day = date(2026, 3, 2)
    revision = Revision(path.stem, path, document.title or "Privacy Statement", day, day, "", document)
    data = render_revision_pdf(revision)
    outline = outline_titles(PdfReader(BytesIO(data)))
    assert [(depth, re.sub(r"\s+", " ", title)) for depth, title, _ in outline] == toc_flat(revision)
    assert max(depth for depth, _, _ in outline) >= 1  # the statement has sub-headings


def test_internal_links_point_at_anchors_the_pdf_defines(tmp_path: Path) -> None:
    data = render_revision_pdf(small_revision(tmp_path))
    reader = PdfReader(BytesIO(data))
    names = catalog(data)["/Names"]["/Dests"]["/Names"]
    anchors = {str(names[i]) for i in range(0, len(names), 2)}
    links = [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots", []) or []
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    targets = {str(link["/Dest"]) for link in links if "/Dest" in link}
    assert "security" in targets
    assert targets <= anchors


# --- metadata -----------------------------------------------------------------------------------------


def test_metadata_has_title_author_subject_and_the_revision_dates(baa_pdf: tuple[Revision, bytes]) -> None:
    revision, data = baa_pdf
    found = info(data)
    assert found["/Title"] == f"{revision.title}, revision {revision.id}"
    assert found["/Author"] == ORGANIZATION
    assert found["/Subject"] == revision.summary
    assert found["/CreationDate"] == f"D:{revision.posted:%Y%m%d}000000Z"
    assert found["/ModDate"] == f"D:{revision.effective:%Y%m%d}000000Z"


def test_the_pdf_is_tagged_pdf_ua_1_in_english(baa_pdf: tuple[Revision, bytes]) -> None:
    _, data = baa_pdf
    root = catalog(data)
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp or b"<pdfuaid:part>1</pdfuaid:part>" in xmp


@pytest.mark.parametrize(
    ("paper", "size"), [("letter", (612, 792)), ("a4", (595.28, 841.89)), ("A4", (595.28, 841.89))]
)
def test_the_paper_setting_chooses_the_page_size(tmp_path: Path, paper: str, size: tuple[float, float]) -> None:
    data = render_revision_pdf(small_revision(tmp_path), paper=paper)
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == size


def test_an_unknown_paper_is_refused_with_the_accepted_names(tmp_path: Path) -> None:
    with pytest.raises(PdfError, match=r"paper is 'legal'.*'letter' or 'a4'"):
        render_revision_pdf(small_revision(tmp_path), paper="legal")


# --- fonts --------------------------------------------------------------------------------------------


def embedded_fonts(data: bytes) -> list[tuple[str, bool]]:
    """(BaseFont, has an embedded font program) for every descendant font of every page."""
    found = []
    pages: Any = PdfReader(BytesIO(data)).pages
    for page in pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descendant = descendant.get_object()
                descriptor = descendant["/FontDescriptor"].get_object()
                embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                found.append((str(descendant["/BaseFont"]), embedded))
    return found


def test_only_subsets_of_the_bundled_source_serif_4_are_embedded(baa_pdf: tuple[Revision, bytes]) -> None:
    _, data = baa_pdf
    fonts = embedded_fonts(data)
    assert fonts
    for name, embedded in fonts:
        assert re.fullmatch(r"/[A-Z]{6}\+SourceSerif4-Amend(-[A-Za-z-]+)?", name), name
        assert embedded, name


def test_legal_typography_renders_in_the_bundled_face(tmp_path: Path) -> None:
    symbols = "\u2713 \u00a7 164.502 \u201cquoted\u201d 2025\u20132026"
    data = render_revision_pdf(small_revision(tmp_path, symbols=symbols))
    text = pdf_text(data)
    for char in ("\u2713", "\u00a7", "\u201c", "\u201d", "\u2013"):
        assert char in text
    assert all("SourceSerif4-Amend" in name for name, _ in embedded_fonts(data))


def test_a_character_the_face_lacks_fails_instead_of_borrowing_a_machine_font(tmp_path: Path) -> None:
    revision = small_revision(tmp_path, symbols="\u2717 checked")
    with pytest.raises(PdfError, match=r"no glyph for '\u2717' \(U\+2717 BALLOT X\)"):
        render_revision_pdf(revision)


# --- failures are loud --------------------------------------------------------------------------------


def test_a_missing_stylesheet_fails_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "print.css"
    with pytest.raises(PdfError, match=r"print stylesheet .*print\.css is missing; reinstall amend"):
        render_revision_pdf(small_revision(tmp_path), stylesheet=missing)


def test_a_missing_font_file_fails_naming_it(tmp_path: Path) -> None:
    fonts = bundled_fonts()
    gone = FontFiles(upright=tmp_path / "SourceSerif4-gone.ttf", italic=fonts.italic)
    expected = r"font file .*SourceSerif4-gone\.ttf is missing; reinstall fontpkg-source-serif-4"
    with pytest.raises(PdfError, match=expected):
        render_revision_pdf(small_revision(tmp_path), fonts=gone)


def test_a_font_file_the_renderer_cannot_load_fails_through_its_log(tmp_path: Path) -> None:
    broken = tmp_path / "SourceSerif4-broken.ttf"
    broken.write_bytes(b"not a font at all")
    fonts = FontFiles(upright=broken, italic=broken)
    with pytest.raises(
        PdfEnvironmentError, match=r"could not be loaded from its file; reinstall fontpkg-source-serif-4"
    ):
        render_revision_pdf(small_revision(tmp_path), fonts=fonts)


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("missing-diagram.png", r"the address missing-diagram\.png is relative"),
        ("file:///nonexistent/diagram.png", r"image file:///nonexistent/diagram\.png could not be loaded"),
        ("https://images.example.invalid/seal.png", r"image https://images\.example\.invalid/seal\.png could not be"),
    ],
)
def test_an_image_that_cannot_be_loaded_fails_and_nothing_is_fetched(tmp_path: Path, src: str, expected: str) -> None:
    revision = small_revision(tmp_path)
    body = render_document_html(revision.document) + f'<p><img src="{src}" alt="Seal"></p>'
    with pytest.raises(PdfError, match=expected):
        render_revision_pdf(revision, body_html=body)


def test_a_link_to_an_anchor_the_document_lacks_fails_with_the_fix(tmp_path: Path) -> None:
    revision = small_revision(tmp_path)
    body = render_document_html(revision.document) + '<p><a href="#termination">Termination</a></p>'
    expected = r"a link points at #termination, .*give the clause it means the id \{#termination\}"
    with pytest.raises(PdfError, match=expected):
        render_revision_pdf(revision, body_html=body)


def test_nothing_is_logged_while_a_revision_renders(
    tmp_path: Path, baa: tuple[Revision, ...], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        render_revision_pdf(baa[0], organization=ORGANIZATION)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_revision_text_is_escaped_in_the_title_block_and_metadata(tmp_path: Path) -> None:
    revision = small_revision(tmp_path, summary='Adds <b>bold</b> & "quotes".')
    document = render_revision_html(revision, organization="A & B <Partners>")
    assert "A &amp; B &lt;Partners&gt;" in document
    assert "<b>bold</b>" not in document
    found = info(render_revision_pdf(revision, organization="A & B <Partners>"))
    assert found["/Author"] == "A & B <Partners>"
    assert found["/Subject"] == 'Adds <b>bold</b> & "quotes".'


# --- reproducibility ----------------------------------------------------------------------------------


def test_two_renders_are_byte_identical_whatever_the_clock_says(
    baa_pdf: tuple[Revision, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    revision, first = baa_pdf
    later = time.time() + 400 * 86400  # a build more than a year later
    monkeypatch.setattr(time, "time", lambda: later)
    assert render_revision_pdf(revision, paper="letter", organization=ORGANIZATION) == first


def test_another_process_renders_the_same_bytes(baa_pdf: tuple[Revision, bytes], tmp_path: Path) -> None:
    revision, first = baa_pdf
    out = tmp_path / "again.pdf"
    script = (
        "import sys; from pathlib import Path; from amend.revisions import load_revisions; "
        "from amend.pdf import render_revision_pdf; "
        f"rev = [r for r in load_revisions(Path({str(BAA)!r})).revisions if r.id == {revision.id!r}][0]; "
        f"Path({str(out)!r}).write_bytes(render_revision_pdf(rev, paper='letter', organization={ORGANIZATION!r}))"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    assert out.read_bytes() == first


# --- redline ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def baa_redline(baa: tuple[Revision, ...]) -> tuple[Revision, Revision, bytes]:
    old, new = baa[1], baa[2]
    return old, new, render_redline(old, new, organization=ORGANIZATION)


def test_a_redline_pdf_tags_deletions_and_insertions_in_words(baa_redline: tuple[Revision, Revision, bytes]) -> None:
    old, new, data = baa_redline
    text = re.sub(r"\s+", " ", pdf_text(data))
    diff = diff_documents(old.document, new.document)
    changes = [(op, piece) for entry in diff.walk() for op, piece in entry.redline if op.value != "equal"]
    assert changes
    for op, piece in changes:
        tag = "deleted" if op.value == "delete" else "added"
        # A long piece may run across a page break and its header; a table row's piece is split into its cells.
        opening = " ".join(piece.split(" | ")[0].split()[:6])
        if opening:
            assert f"[{tag}: {opening}" in text, (tag, opening)


def test_a_redline_pdf_has_its_flags_and_both_revisions_on_the_first_page(
    baa_redline: tuple[Revision, Revision, bytes],
) -> None:
    old, new, data = baa_redline
    first = re.sub(r"\s+", " ", PdfReader(BytesIO(data)).pages[0].extract_text())
    assert f"Redline from revision {old.id} to {new.id}" in first
    assert f"posted {long_date(old.posted)}, effective {long_date(old.effective)}" in first
    assert f"posted {long_date(new.posted)}, effective {long_date(new.effective)}" in first
    assert "Look here first" in first
    # The list starts on the first page and may run on to the next (each flag quotes its sentence).
    reader = PdfReader(BytesIO(data))
    opening = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages[:2]))
    diff = diff_documents(old.document, new.document)
    for _, flag in diff.flags():
        for wording in (flag.old, flag.new, flag.party):
            if wording:
                assert re.sub(r"\s+", " ", wording)[:20] in opening


def test_a_redline_pdf_has_a_bookmark_per_clause_and_the_new_revisions_dates(
    baa_redline: tuple[Revision, Revision, bytes],
) -> None:
    old, new, data = baa_redline
    diff = diff_documents(old.document, new.document)
    titles = [" ".join(title.split()) for depth, title, _ in outline_titles(PdfReader(BytesIO(data))) if depth == 0]
    # The blackline is the new revision with deleted clauses put back: one bookmark for each.
    entries = [entry for entry in diff.clauses if not entry.is_preamble]
    assert len(titles) == len(entries)
    for title, entry in zip(titles, entries, strict=True):
        assert entry.clause.title in title
        if entry.status.value == "removed":
            assert title.startswith("[deleted:")
    found = info(data)
    assert found["/Title"] == f"{new.title}, redline {old.id} to {new.id}"
    assert found["/CreationDate"] == f"D:{new.posted:%Y%m%d}000000Z"
    assert found["/ModDate"] == f"D:{new.effective:%Y%m%d}000000Z"


def test_a_redline_pdf_uses_only_the_bundled_face(baa_redline: tuple[Revision, Revision, bytes]) -> None:
    _, _, data = baa_redline
    assert all("SourceSerif4-Amend" in name and embedded for name, embedded in embedded_fonts(data))


def test_flags_given_by_the_caller_are_listed_for_a_body_without_its_own(tmp_path: Path) -> None:
    old = small_revision(tmp_path, "2025-03-01.md")
    new = small_revision(tmp_path, "2025-05-01.md", posted="2025-03-20", effective="2025-05-01")
    body = '<p>The provider keeps the data <del class="amend-rl-del">safe</del> under lock and key.</p>'
    flags = [RedlineFlag("2. Security", "duration", "five (5) business days", "72 hours")]
    text = re.sub(r"\s+", " ", pdf_text(render_redline_pdf(old, new, body, flags=flags)))
    assert "2. Security, duration changed: \u201cfive (5) business days\u201d \u2192 \u201c72 hours\u201d" in text


# --- cache and parallel rendering ---------------------------------------------------------------------


@pytest.fixture
def steady_renderer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pin the renderer's fingerprint: it hashes amend's own sources, which may be edited while tests run."""
    fingerprint = renderer_fingerprint()
    monkeypatch.setattr("amend.pdfcache.renderer_fingerprint", lambda stylesheet=None: fingerprint)


def test_the_renderer_fingerprint_changes_with_the_stylesheet(tmp_path: Path) -> None:
    stylesheet = tmp_path / "print.css"
    stylesheet.write_text("p { color: black }", encoding="utf-8")
    before = renderer_fingerprint(stylesheet)
    assert renderer_fingerprint(stylesheet) == before
    stylesheet.write_text("p { color: #111 }", encoding="utf-8")
    assert renderer_fingerprint(stylesheet) != before


def test_the_fingerprint_covers_the_modules_pdfs_are_made_with_and_no_others() -> None:
    names = {path.name for path in rendering_sources()}
    made_with = {"pdf.py", "pdfcache.py", "document_html.py", "diff.py", "diffviews.py", "clauses.py", "__init__.py"}
    assert made_with <= names
    assert not names & {"plugin.py", "feeds.py", "cli.py", "provenance.py"}


def small_jobs(tmp_path: Path, summary: str = "First terms.") -> list[PdfJob]:
    first = small_revision(tmp_path, "2025-03-01.md")
    second = small_revision(tmp_path, "2025-05-01.md", posted="2025-03-20", effective="2025-05-01", summary=summary)
    return [revision_job("terms/2025-03-01.pdf", first), revision_job("terms/2025-05-01.pdf", second)]


def test_a_rebuild_with_nothing_changed_renders_no_pdf(tmp_path: Path, steady_renderer: None) -> None:
    jobs = small_jobs(tmp_path)
    cold = render_pdfs(jobs, tmp_path / "cache", workers=1)
    assert cold.rendered == ("terms/2025-03-01.pdf", "terms/2025-05-01.pdf") and cold.reused == ()
    warm = render_pdfs(jobs, tmp_path / "cache", workers=1)
    assert warm.rendered == () and warm.reused == ("terms/2025-03-01.pdf", "terms/2025-05-01.pdf")
    assert warm.pdfs == cold.pdfs


def test_a_change_to_one_revision_renders_only_its_pdf(tmp_path: Path, steady_renderer: None) -> None:
    render_pdfs(small_jobs(tmp_path), tmp_path / "cache", workers=1)
    changed = small_jobs(tmp_path, summary="First terms, reworded.")
    batch = render_pdfs(changed, tmp_path / "cache", workers=1)
    assert batch.rendered == ("terms/2025-05-01.pdf",)
    assert batch.reused == ("terms/2025-03-01.pdf",)
    assert info(batch.pdfs["terms/2025-05-01.pdf"])["/Subject"] == "First terms, reworded."


def test_worker_processes_render_the_same_bytes_as_this_process(tmp_path: Path) -> None:
    jobs = small_jobs(tmp_path)
    batch = render_pdfs(jobs, tmp_path / "cache", workers=2)
    assert batch.rendered == tuple(job.name for job in jobs)
    for job in jobs:
        assert batch.pdfs[job.name] == render_job(job)


def test_the_cache_key_follows_the_inputs_not_the_output_name() -> None:
    job = PdfJob("a.pdf", "revision", SourceFile("2025-03-01.md", "text"), paper="letter")
    renderer = "fingerprint"
    assert job_key(job, renderer) == job_key(PdfJob("b/c.pdf", "revision", job.new, paper="letter"), renderer)
    assert job_key(job, renderer) != job_key(PdfJob("a.pdf", "revision", job.new, paper="a4"), renderer)
    edited = SourceFile("2025-03-01.md", "text.")
    assert job_key(job, renderer) != job_key(PdfJob("a.pdf", "revision", edited, paper="letter"), renderer)
    assert job_key(job, renderer) != job_key(job, "another renderer")


def test_a_truncated_cache_entry_is_rendered_again(tmp_path: Path, steady_renderer: None) -> None:
    jobs = small_jobs(tmp_path)[:1]
    render_pdfs(jobs, tmp_path / "cache", workers=1)
    (entry,) = (tmp_path / "cache" / "pdf").glob("*.pdf")
    entry.write_bytes(entry.read_bytes()[:1000])
    assert render_pdfs(jobs, tmp_path / "cache", workers=1).rendered == ("terms/2025-03-01.pdf",)


def test_progress_is_logged_one_line_per_pdf(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.amend.pdf"):
        render_pdfs(small_jobs(tmp_path), tmp_path / "cache", workers=1)
    lines = [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.amend.pdf"]
    assert any(line.startswith("PDF 1/2 rendered: terms/2025-03-01.pdf (revision 2025-03-01") for line in lines)
    assert any(line.startswith("PDF 2/2 rendered: terms/2025-05-01.pdf (revision 2025-05-01") for line in lines)


def test_a_job_whose_revision_is_broken_fails_with_its_problems(tmp_path: Path) -> None:
    job = PdfJob("x.pdf", "revision", SourceFile("2025-03-01.md", "---\ntitle: X\n---\n\n## 1. A\n"))
    with pytest.raises(PdfError, match=r"cannot render a PDF of 2025-03-01\.md: .*posted"):
        render_pdfs([job], tmp_path / "cache", workers=1)


# --- the command --------------------------------------------------------------------------------------


def test_amend_pdf_writes_the_revision_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "baa_versions"
    folder.mkdir()
    revision = small_revision(folder)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--root", str(tmp_path), "pdf", "2025-03-01"]) == 0
    written = tmp_path / "2025-03-01.pdf"
    assert written.read_bytes() == render_revision_pdf(revision)
    assert capsys.readouterr().out.strip() == str(written)
    assert cli.main(["--root", str(tmp_path), "pdf", "2025-03-01", "-o", "a4.pdf", "--paper", "a4"]) == 0
    assert PdfReader(tmp_path / "a4.pdf").pages[0].mediabox.height > 841


def test_amend_pdf_says_when_it_cannot_write_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "baa_versions"
    folder.mkdir()
    small_revision(folder)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--root", str(tmp_path), "pdf", "2025-03-01", "-o", "no/such/folder/x.pdf"]) == 1
    assert "amend pdf: cannot write no/such/folder/x.pdf" in capsys.readouterr().err


def test_amend_pdf_names_the_revisions_there_are_when_one_is_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "baa_versions"
    folder.mkdir()
    small_revision(folder)
    assert cli.main(["--root", str(tmp_path), "pdf", "2030-01-01"]) == 1
    assert "no revision '2030-01-01'; revisions are 2025-03-01" in capsys.readouterr().err


def test_amend_pdf_renders_a_redline_for_old_dots_new(
    baa_redline: tuple[Revision, Revision, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new, data = baa_redline
    out = tmp_path / "redline.pdf"
    assert cli.main(["--root", str(ROOT), "pdf", f"{old.id}...{new.id}", "-o", str(out)]) == 0
    settings, _ = load_settings(ROOT)
    if (settings.paper, settings.organization) != ("letter", ORGANIZATION):
        data = render_redline(old, new, paper=settings.paper, organization=settings.organization)
    assert out.read_bytes() == data  # the same bytes the site publishes for these settings
    assert cli.main(["--root", str(ROOT), "pdf", f"{old.id}..."]) == 1
    assert "is not a pair of revisions; write OLD...NEW" in capsys.readouterr().err


def test_importing_amend_and_its_commands_does_not_load_weasyprint() -> None:
    # `amend check` must run where Pango is missing; WeasyPrint loads on the first render.
    script = (
        "import sys, amend.cli, amend.pdf, amend.pdfcache, amend.cli_pdf; "
        "amend.cli._load_extensions(); print('weasyprint' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False"


@pytest.mark.slow
def test_amend_pdf_marks_a_draft_and_leaves_a_posted_revision_as_published(tmp_path: Path) -> None:
    revision = small_revision(tmp_path)
    published = render_revision_pdf(revision)
    assert render_revision_pdf(revision, draft=False) == published  # the site's bytes, unchanged
    assert "DRAFT" not in pdf_text(published)
    draft = render_revision_pdf(revision, draft=True)
    text = pdf_text(draft)
    assert "DRAFT: not posted, not in force" in text  # the mark at the top of every page
    assert text.count("DRAFT") >= len(PdfReader(BytesIO(draft)).pages) + 1  # and the note on the title page
    assert render_revision_pdf(revision, draft=True) == draft  # reproducible too
