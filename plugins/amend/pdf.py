"""Revisions and redlines as PDF files a lawyer can file (SPEC "The site": ``<rev>.pdf`` and redline PDFs).

The only module that imports WeasyPrint. It wraps the body HTML the web page
uses (:mod:`amend.document_html`) in a full document with a title block and
metadata, adds the print stylesheet (``assets/print.css``) and the bundled
Source Serif 4 face, and renders a tagged PDF/UA-1 file whose bytes depend on
its inputs only: dates come from the revision, the file identifier from a hash
of the inputs, and ``SOURCE_DATE_EPOCH`` pins the timestamps of the embedded
font subsets.

WeasyPrint logs instead of raising. Every warning or error that it or
fontTools logs during a render becomes a :class:`PdfError`, and so does any
character the bundled face has no glyph for (Pango would otherwise draw it
silently from whatever font the machine has). Two kinds are told apart:
a problem of the machine (a system library missing or too old, a font that
cannot be instanced or subset) is a :class:`PdfEnvironmentError` that names
the library and the command that installs it, and is the same for every
document; anything else is a problem of the document and names it. Before
WeasyPrint is first used, the system libraries are loaded one by one
(:mod:`amend.syslibs`): a missing one stops the build before any PDF is tried.

Only WeasyPrint's public API is used (``HTML.render``, ``URLFetcher``,
``Document.fonts``/``write_pdf``); tests/test_pdf_environment.py checks the
renderer messages classified here still exist in the installed WeasyPrint.

Rendering is pure apart from that: no clock, no working folder, and the
environment is only touched to set ``SOURCE_DATE_EPOCH`` for the duration of a
render, which is why a render runs only in a process's main thread (a worker
process of :mod:`amend.pdfcache`, or the command line), never beside another
thread that could read the environment meanwhile. Caching and parallel
rendering live in :mod:`amend.pdfcache`.
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import html
import importlib
import importlib.metadata
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fontTools ships no type information

from . import __version__
from .blackline import Change
from .dates import time_tag
from .model import ClauseKind, Document, Revision
from .syslibs import find_missing, library_versions, packages

FACE = "SourceSerif4 Amend"  # a private family name, so no machine font can answer to it
FONT_FAMILY = "Source Serif 4"
FONT_PACKAGE = "fontpkg_source_serif_4"
FONT_DISTRIBUTION = "fontpkg-source-serif-4"
STYLESHEET = Path(__file__).resolve().parent / "assets" / "print.css"
PDF_VARIANT = "pdf/ua-1"
LANGUAGE = "en"

# Paper sizes the ``paper`` setting accepts, with the page margins that suit them.
PAPERS: dict[str, tuple[str, str]] = {
    "letter": ("letter", "0.9in 1in 0.85in 1in"),
    "a4": ("A4", "22mm 25mm 20mm 25mm"),
}
# Loggers whose warnings mean the PDF is not what the sources say.
WATCHED_LOGGERS = ("weasyprint", "fontTools")


class PdfError(Exception):
    """A PDF could not be rendered as the sources say; the message names what is missing and the fix."""


class PdfEnvironmentError(PdfError):
    """This machine cannot render any PDF exactly (a library or a font of the renderer): not one document's fault."""


@dataclass(frozen=True, slots=True)
class FontFiles:
    """The two files of the bundled face: upright and italic (both variable in weight and optical size)."""

    upright: Path
    italic: Path

    def paths(self) -> tuple[Path, Path]:
        return (self.upright, self.italic)


@dataclass(frozen=True, slots=True)
class RedlineFlag:
    """One thing a reviewer looks at first, as printed on the redline's first page (SPEC "The redline")."""

    clause: str  # the clause's printed label, e.g. "7. Incident & Breach Reporting"
    kind: str  # a flag kind of the JSON: number, duration, modal, amount, definition, …
    old: str | None
    new: str | None
    sentence: str | None = None  # the sentence the change sits in
    party: str | None = None  # whose duty or right changed, where the sentence names one


# --- inputs: fonts, stylesheet, paper -------------------------------------------------------------


def bundled_fonts() -> FontFiles:
    """The Source Serif 4 files shipped by the font package (never a font of the machine)."""
    try:
        package = importlib.import_module(FONT_PACKAGE)
    except ModuleNotFoundError:
        raise PdfError(
            f"the font package {FONT_DISTRIBUTION} is not installed, so PDFs have no font; "
            f"install it: pip install {FONT_DISTRIBUTION}"
        ) from None
    folder = Path(package.__file__ or "").resolve().parent / "files"
    files = sorted(folder.glob("SourceSerif4*.ttf")) if folder.is_dir() else []
    upright = [f for f in files if "Italic" not in f.name]
    italic = [f for f in files if "Italic" in f.name]
    if not upright or not italic:
        raise PdfError(
            f"the font package {FONT_DISTRIBUTION} has no SourceSerif4 upright and italic .ttf files in {folder}; "
            f"reinstall it: pip install --force-reinstall {FONT_DISTRIBUTION}"
        )
    return FontFiles(upright=upright[0], italic=italic[0])


def check_paper(paper: str) -> str:
    """The normalised paper name, or a PdfError naming the accepted ones."""
    name = paper.strip().lower()
    if name not in PAPERS:
        accepted = " or ".join(f"'{p}'" for p in PAPERS)
        raise PdfError(f"paper is '{paper}'; set the amend plugin's paper option to {accepted}")
    return name


def fingerprint_files(paths: Sequence[Path]) -> str:
    """SHA-256 over the bytes of ``paths`` (fonts, stylesheet), for cache keys and PDF identifiers."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(_file_digest(path))
    return digest.hexdigest()


RENDERER_DISTRIBUTIONS = ("weasyprint", "pydyf", "fonttools", "tinyhtml5", "tinycss2", FONT_DISTRIBUTION)


def renderer_versions() -> dict[str, str]:
    """Versions of everything that shapes the bytes of a PDF besides our own inputs.

    The Python distributions (pinned by the lock files) and the system libraries
    that lay out and subset the text (Pango, HarfBuzz, fontconfig, from the
    Debian release): ``versions.json`` publishes them, and PDF cache keys hash them.
    """
    return {
        "amend": __version__,
        **{name: _distribution_version(name) for name in RENDERER_DISTRIBUTIONS},
        **{name.lower(): version for name, version in library_versions().items()},
    }


def check_environment() -> None:
    """PdfEnvironmentError when a system library WeasyPrint draws text with does not load (or is too old)."""
    missing = find_missing()
    if missing:
        raise PdfEnvironmentError(
            environment_message(
                [f"{item.library.name} ({item.library.soname}) {item.reason}" for item in missing],
                f"install it: apt-get install {' '.join(packages(missing))} (scripts/setup does it)",
            )
        )


def environment_message(problems: Sequence[str], command: str) -> str:
    """One message for what the machine lacks: said once for the whole build, not once per PDF."""
    return f"this machine cannot render PDFs exactly: {'; '.join(problems)}; {command}, then build again"


def _distribution_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _weasyprint() -> Any:
    """WeasyPrint, imported on first use: importing amend (``amend check``) must not need Pango."""
    check_environment()
    try:
        import weasyprint  # type: ignore[import-untyped]  # WeasyPrint ships no type information
    except ModuleNotFoundError:
        raise PdfError("WeasyPrint is not installed, so no PDF can be rendered: pip install weasyprint") from None
    except OSError as error:  # cffi could not load Pango, HarfBuzz or fontconfig
        raise PdfEnvironmentError(
            f"WeasyPrint cannot load the system libraries it draws text with ({error}); install Pango, "
            "e.g. on Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
        ) from None
    return weasyprint


# --- HTML documents -------------------------------------------------------------------------------


def render_revision_html(
    revision: Revision, *, organization: str = "", body_html: str | None = None, draft: bool = False
) -> str:
    """The full HTML document WeasyPrint prints for one revision: title block, then the body.

    ``draft`` marks a revision not posted yet, on its title page and on every
    page, so a printed draft is never taken for the agreement; without it the
    document is exactly what the site publishes.

    ``body_html`` is the revision's body as :func:`amend.document_html.render_document_html`
    renders it (computed here when not given).
    """
    if body_html is None:
        body_html = _document_body(revision.document)
    title = revision.title or revision.document.title
    head = _head(
        title=f"{title}, revision {revision.id}",
        organization=organization,
        description=revision.summary,
        created=revision.posted,
        modified=revision.effective,
    )
    titlepage = "\n".join(
        part
        for part in (
            '<header class="amend-titlepage">',
            _organization_line(organization),
            f'<h1 class="amend-title">{_e(title)}</h1>',
            f'<p class="amend-subtitle">Revision <span class="amend-revision-id">{_e(revision.id)}</span></p>',
            _DRAFT_NOTE.format(posted=revision.posted.isoformat()) if draft else "",
            '<dl class="amend-dates">',
            f"<dt>Posted</dt><dd>{time_tag(revision.posted)}</dd>",
            f'<dt>Effective</dt><dd class="amend-footer-dates">{time_tag(revision.effective)}</dd>',
            "</dl>",
            "</header>",
        )
        if part
    )
    outline = _outline_css(revision.document) + (_DRAFT_CSS if draft else "")
    return _page(head, outline, "amend-revision", titlepage, f'<main class="amend-body">\n{body_html}\n</main>')


def render_redline_html(
    old: Revision,
    new: Revision,
    diff_html: str,
    *,
    flags: Sequence[RedlineFlag] | None = None,
    organization: str = "",
    changes: Sequence[Change] | None = None,
) -> str:
    """The full HTML document for a redline PDF: title block, what to look at, how to read the marks, the redline.

    ``diff_html`` is the blackline body (:func:`amend.blackline.render_blackline`),
    typeset like the revision's own PDF; ``flags`` are listed first and
    ``changes``, each with the page it is on, after them. Given ``changes``, the
    body starts on a page of its own.
    """
    title = new.title or new.document.title
    head = _head(
        title=f"{title}, redline {old.id} to {new.id}",
        organization=organization,
        description=f"Changes from revision {old.id} to revision {new.id}: {new.summary}",
        created=new.posted,
        modified=new.effective,
    )
    titlepage = "\n".join(
        part
        for part in (
            '<header class="amend-titlepage">',
            _organization_line(organization),
            f'<h1 class="amend-title">{_e(title)}</h1>',
            '<p class="amend-subtitle">Redline from revision '
            f'<span class="amend-revision-id">{_e(old.id)} to {_e(new.id)}</span></p>',
            '<dl class="amend-dates">',
            f"<dt>Revision {_e(old.id)}</dt><dd>posted {time_tag(old.posted)}, "
            f"effective {time_tag(old.effective)}</dd>",
            f"<dt>Revision {_e(new.id)}</dt><dd>posted {time_tag(new.posted)}, "
            f'effective <span class="amend-footer-dates">{time_tag(new.effective)}</span></dd>',
            "</dl>",
            "</header>",
        )
        if part
    )
    review = _flags_section(flags) if flags is not None else ""
    listed = _changes_section(changes) if changes is not None else ""
    blackline = " amend-blackline" if changes is not None else ""
    body = (
        f"{_REDLINE_LEGEND}\n{review}\n{listed}\n"
        if changes is not None
        else f"{review}\n{listed}\n{_REDLINE_LEGEND}\n"
    ) + f'<main class="amend-body amend-redline{blackline}">\n{diff_html}\n</main>'
    outline = _outline_css(new.document) if changes is not None else _REDLINE_OUTLINE
    return _page(head, outline, "amend-redline-document", titlepage, body)


def _changes_section(changes: Sequence[Change]) -> str:
    """Every change in document order, each with the page it is on (the print stylesheet adds the number)."""
    if not changes:
        return (
            '<section class="amend-changes"><h2>What changed</h2>'
            "<p>No wording changed between the two revisions.</p></section>"
        )
    # A clause renumbered only because another was added or removed above it: one line for all of them.
    renumbered = [c for c in changes if c.what == "renumbered"]
    lines = [
        f'<li><a href="#{_e(change.anchor)}">{_e(change.label)}: '
        f'<span class="amend-changes__what">{_e(change.what)}</span></a></li>'
        for change in changes
        if change.what != "renumbered"
    ]
    if renumbered:
        names = "; ".join(_e(change.label) for change in renumbered)
        lines.append(f'<li class="amend-changes__renumbered">Renumbered, wording unchanged: {names}.</li>')
    items = "\n".join(lines)
    return (
        '<section class="amend-changes"><h2>What changed, and where</h2>\n'
        f'<ul class="amend-changes__list">\n{items}\n</ul>\n</section>'
    )


def _document_body(document: Document) -> str:
    from .document_html import render_document_html

    return render_document_html(document)


def _head(*, title: str, organization: str, description: str, created: date, modified: date) -> str:
    # WeasyPrint turns these into the PDF's Title, Author, Subject, CreationDate and ModDate
    # (and the XMP metadata of PDF/UA): dates from the revision, never the time of the build.
    lines = [
        '<meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f'<meta name="author" content="{_e(organization)}">' if organization else "",
        f'<meta name="description" content="{_e(description)}">' if description else "",
        '<meta name="generator" content="amend">',
        f'<meta name="dcterms.created" content="{created.isoformat()}T00:00:00Z">',
        f'<meta name="dcterms.modified" content="{modified.isoformat()}T00:00:00Z">',
    ]
    return "\n".join(line for line in lines if line)


def _page(head: str, extra_css: str, body_class: str, titlepage: str, body: str) -> str:
    style = f"<style>\n{extra_css}</style>\n" if extra_css else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{LANGUAGE}">\n<head>\n{head}\n{style}</head>\n'
        f'<body class="amend-pdf {body_class}">\n{titlepage}\n{body}\n</body>\n</html>\n'
    )


# The DRAFT mark of a revision printed before its posted day (amend pdf): on the title page and
# at the top of every page. Published PDFs never carry it, so their bytes are unchanged.
_DRAFT_NOTE = (
    '<p class="amend-draft-mark" role="note"><strong>DRAFT</strong>: not posted, not in force; '
    "this text may change before it is posted on {posted}.</p>"
)
_DRAFT_CSS = """
@page { @top-center { content: "DRAFT: not posted, not in force"; font-family: "SourceSerif4 Amend";
  font-size: 8.5pt; font-weight: bold; color: #a00; vertical-align: bottom; padding-bottom: 6pt; } }
.amend-draft-mark { border: 1.5pt solid #a00; color: #a00; padding: 4pt 8pt; margin: 8pt 0; }
"""


def _organization_line(organization: str) -> str:
    return f'<p class="amend-organization">{_e(organization)}</p>' if organization else ""


def _outline_css(document: Document) -> str:
    """Bookmark levels for clause headings: the shallowest heading level of the document is level 1."""
    levels = sorted({c.level for c in document.walk() if c.kind is ClauseKind.SECTION})
    ranks = enumerate((level for level in levels if 1 <= level <= 6), start=1)
    return "".join(f"h{level}.amend-heading {{ bookmark-level: {rank}; }}\n" for rank, level in ranks)


# How to read a printed redline: the marks must survive black-and-white printing and photocopies.
_REDLINE_LEGEND = (
    '<p class="amend-legend">How to read this redline: <del class="amend-rl-del">'
    '<span class="amend-rl-sr">[deleted: </span>deleted words<span class="amend-rl-sr">]</span></del> are '
    'struck through and <ins class="amend-rl-ins"><span class="amend-rl-sr">[added: </span>added words'
    '<span class="amend-rl-sr">]</span></ins> underlined, each tagged in words. A bar in the margin marks '
    "every changed passage; unchanged text has no marks.</p>"
)
# Bookmarks for the redline: one per top-level clause entry, changed or not (a run of unchanged
# clauses may be wrapped in a fold, which print opens).
_REDLINE_OUTLINE = (
    ".amend-rl-inline > .amend-rl-clause > .amend-rl-head, "
    ".amend-rl-inline > .amend-rl-quiet > .amend-rl-clause > .amend-rl-head "
    "{ bookmark-level: 1; bookmark-label: content(text); }\n"
)


def _flags_section(flags: Sequence[RedlineFlag]) -> str:
    if not flags:
        return (
            '<section class="amend-flags"><h2>Look here first</h2>'
            "<p>Nothing flagged: no number, amount, time period, frequency, modal verb, obligation, permission, "
            "definition or cross-reference changed.</p></section>"
        )
    items = "\n".join(f"<li>{_flag_text(flag)}</li>" for flag in flags)
    return f'<section class="amend-flags"><h2>Look here first</h2>\n<ul>\n{items}\n</ul>\n</section>'


_FLAG_WORDS = {
    "number": "number changed",
    "duration": "duration changed",
    "modal": "modal verb changed",
    "obligation-added": "obligation added",
    "obligation-removed": "obligation removed",
    "frequency": "frequency changed",
    "amount": "amount changed",
    "conjunction": "and/or changed",
    "permission-added": "permission added",
    "permission-removed": "permission removed",
    "definition": "definition changed",
    "reference": "cross-reference changed",
}


def _flag_text(flag: RedlineFlag) -> str:
    what = _FLAG_WORDS.get(flag.kind, flag.kind)
    change = ""
    if flag.old is not None and flag.new is not None:
        change = f": \u201c{_e(flag.old)}\u201d \u2192 \u201c{_e(flag.new)}\u201d"
    elif flag.new is not None:
        change = f": \u201c{_e(flag.new)}\u201d"
    elif flag.old is not None:
        change = f": \u201c{_e(flag.old)}\u201d"
    context = ""
    if flag.party:
        context += f' <span class="amend-rl-flag-party">{_e(flag.party)}:</span>'
    if flag.sentence:
        context += f" \u201c{_e(flag.sentence)}\u201d"
    if context:
        context = f'<br><span class="amend-rl-flag-context">{context.strip()}</span>'
    return f"<strong>{_e(flag.clause)}</strong>, {what}{change}{context}"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# --- rendering --------------------------------------------------------------------------------------


def render_revision_pdf(
    revision: Revision,
    *,
    paper: str = "letter",
    organization: str = "",
    body_html: str | None = None,
    base_url: str | None = None,
    stylesheet: Path | None = None,
    fonts: FontFiles | None = None,
    draft: bool = False,
) -> bytes:
    """One revision as PDF bytes (SPEC ``security/baa/<rev>.pdf``); PdfError when it cannot be exact.

    ``base_url`` is the address of the revision's web page, when known: relative
    links in the text then point at the site instead of nowhere. ``draft`` marks a
    revision not posted yet (see :func:`render_revision_html`).
    """
    document_html = render_revision_html(revision, organization=organization, body_html=body_html, draft=draft)
    return render_pdf(
        document_html,
        what=f"revision {revision.id}",
        epoch=_epoch(revision.posted),
        paper=paper,
        base_url=base_url,
        stylesheet=stylesheet,
        fonts=fonts,
    )


def render_redline_pdf(
    old: Revision,
    new: Revision,
    diff_html: str,
    *,
    flags: Sequence[RedlineFlag] | None = None,
    paper: str = "letter",
    organization: str = "",
    base_url: str | None = None,
    stylesheet: Path | None = None,
    fonts: FontFiles | None = None,
    changes: Sequence[Change] | None = None,
) -> bytes:
    """The redline from ``old`` to ``new`` as PDF bytes (SPEC ``compare/<old>...<new>.pdf``)."""
    document_html = render_redline_html(old, new, diff_html, flags=flags, organization=organization, changes=changes)
    return render_pdf(
        document_html,
        what=f"redline {old.id}...{new.id}",
        epoch=_epoch(new.posted),
        paper=paper,
        base_url=base_url,
        stylesheet=stylesheet,
        fonts=fonts,
    )


# An invisible character is shown as "⟨U+202E⟩" (amend.characters); the bundled face has no "⟨⟩", so a
# PDF prints the same marker between the single guillemets it has.
_MARKER = re.compile(r"⟨(U\+[0-9A-F]{4,6})⟩")


def own_files_fetcher(allowed: set[str]) -> Any:
    """A URL fetcher that serves amend's own stylesheet and bundled font and refuses everything else.

    SPEC "One text": nothing outside the document reaches a PDF: no ``file:`` of
    the build machine (``url(file:///etc/passwd)``, ``file:///dev/zero``), no
    network, no ``data:``. A refused URL is a WeasyPrint warning, which fails the
    render (:func:`_raise_for_records`).
    """
    weasyprint = _weasyprint()

    class OwnFiles(weasyprint.URLFetcher):  # type: ignore[misc,name-defined]  # WeasyPrint has no type hints
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.split("?")[0].split("#")[0] not in allowed:
                raise ValueError(f"amend loads only its own stylesheet and font, not {url[:80]!r}")
            return super().fetch(url, headers)

    return OwnFiles(allowed_protocols={"file"})


def render_pdf(
    document_html: str,
    *,
    what: str,
    epoch: int,
    paper: str = "letter",
    base_url: str | None = None,
    stylesheet: Path | None = None,
    fonts: FontFiles | None = None,
) -> bytes:
    """A full HTML document → reproducible, tagged PDF bytes in the bundled face.

    ``what`` names the document in error messages; ``epoch`` (seconds, UTC) pins the
    timestamps inside the embedded fonts.
    """
    paper = check_paper(paper)
    document_html = _MARKER.sub("\u2039\\1\u203a", document_html)  # single guillemets
    stylesheet = stylesheet or STYLESHEET
    fonts = fonts or bundled_fonts()
    for role, path in (("print stylesheet", stylesheet), ("font file", fonts.upright), ("font file", fonts.italic)):
        if not path.is_file():
            fix = "reinstall amend" if role == "print stylesheet" else f"reinstall {FONT_DISTRIBUTION}"
            raise PdfError(f"PDF for {what}: {role} {path} is missing; {fix}")
    css_text = _page_css(paper, fonts) + stylesheet.read_text(encoding="utf-8")
    # The identifier hashes the fonts' names and bytes, not the folder they are installed in: the same
    # PDF from any checkout, virtual environment or machine.
    portable_css = css_text
    for path in fonts.paths():
        portable_css = portable_css.replace(path.as_uri(), path.name)
    identifier = hashlib.sha256(
        "\0".join((document_html, portable_css, base_url or "", fingerprint_files(fonts.paths()))).encode("utf-8")
    ).hexdigest()[:32]

    weasyprint = _weasyprint()
    # The page and print styles go in as the document's last <style> element (after its own, as a
    # stylesheet passed to render() would): WeasyPrint then reads their @font-face rules with the font
    # configuration it makes for the render, and no font class of its own has to be imported.
    styled_html = document_html.replace("</head>", f"<style>\n{css_text}</style>\n</head>", 1)

    with _watched_logs() as records, _source_date_epoch(epoch):
        fetcher = own_files_fetcher({stylesheet.as_uri(), *(path.as_uri() for path in fonts.paths())})
        rendered = weasyprint.HTML(string=styled_html, base_url=base_url, url_fetcher=fetcher).render()
        _raise_for_records(records, what)
        _check_glyphs(document_html, fonts, what)
        pdf = rendered.write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_identifier=identifier.encode("ascii"),
            uncompressed_pdf=False,
        )
        _raise_for_records(records, what)
    _check_embedded_fonts(rendered, what)
    assert isinstance(pdf, bytes)
    return pdf


def _page_css(paper: str, fonts: FontFiles) -> str:
    size, margin = PAPERS[paper]
    faces = "".join(
        f'@font-face {{ font-family: "{FACE}"; src: url("{path.as_uri()}"); font-style: {style}; }}\n'
        for path, style in ((fonts.upright, "normal"), (fonts.italic, "italic"))
    )
    return f"{faces}@page {{ size: {size}; margin: {margin}; }}\n"


def _epoch(day: date) -> int:
    return calendar.timegm(day.timetuple())


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _watched_logs() -> Iterator[list[logging.LogRecord]]:
    """Collect WARNING and above from WeasyPrint and fontTools while rendering."""
    collector = _Collector()
    saved: list[tuple[logging.Logger, int]] = []
    for name in WATCHED_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        if logger.getEffectiveLevel() > logging.WARNING:
            logger.setLevel(logging.WARNING)
        logger.addHandler(collector)
    try:
        yield collector.records
    finally:
        for logger, level in saved:
            logger.removeHandler(collector)
            logger.setLevel(level)


def _raise_for_records(records: list[logging.LogRecord], what: str) -> None:
    if not records:
        return
    environment = environment_problems([record.getMessage().strip() for record in records])
    if environment:
        fixes = "; ".join(dict.fromkeys(fix for _, fix in environment))
        raise PdfEnvironmentError(environment_message([problem for problem, _ in environment], fixes))
    messages: list[str] = []
    anchors: list[str] = []
    for record in records:
        raw = record.getMessage().strip()
        anchor = _MISSING_ANCHOR.search(raw)
        if anchor:
            if anchor.group("x") not in anchors:
                anchors.append(anchor.group("x"))
            continue
        message = explain_renderer_message(raw)
        if message not in messages:
            messages.append(message)
    if len(anchors) > 1:  # one broken table of contents gives a dozen of these: say it once
        listed = ", ".join(f"#{a}" for a in anchors)
        messages.insert(
            0,
            f"links point at {listed}, which no clause or anchor of the document has; "
            "correct the links, or give the clauses they mean those {#id}s",
        )
    elif anchors:
        messages.insert(0, explain_renderer_message(f"No anchor #{anchors[0]} for internal URI reference"))
    shown = "; ".join(messages[:6]) + (f"; and {len(messages) - 6} more" if len(messages) > 6 else "")
    raise PdfError(f"PDF for {what} cannot be built as written: {shown}")


# What the renderer logs, and what a person should do about it.
_MISSING_ANCHOR = re.compile(r"No anchor #(?P<x>\S+) for internal URI reference")
_EXPLANATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        _MISSING_ANCHOR,
        "a link points at #{x}, which no clause or anchor of the document has; "
        "correct the link, or give the clause it means the id {{#{x}}}",
    ),
    (
        re.compile(r"Failed to load image at '?(?P<x>[^'\s]+)'?"),
        "the image {x} could not be loaded; a PDF loads nothing but amend's own stylesheet and font (no "
        "file of the machine, no request leaves it): remove the image",
    ),
    (
        re.compile(r"Relative URI reference without a base URI: (?P<x>\S+)"),
        "the address {x} is relative, and the PDF has no page address to resolve it against; "
        "write it as a full address, or remove it",
    ),
    (
        re.compile(r"Failed to load stylesheet at (?P<x>\S+)"),
        "the stylesheet {x} could not be loaded; reinstall amend or fix the reference",
    ),
    (
        re.compile(r"\.notdef glyph rendered for Unicode string unsupported by fonts: (?P<x>.*)"),
        "no font has a glyph for {x}; write it another way",
    ),
)


# What the renderer logs about the machine rather than the document: missing or old system libraries,
# fonts that cannot be instanced or subset. Each changes the PDF's bytes (or drops what it shows), so it
# stays fatal; it is reported once for the build, naming the library and what installs it.
_HARFBUZZ_SUBSET = "install it: apt-get install libharfbuzz-subset0 (scripts/setup does it)"
_REINSTALL = f"reinstall {FONT_DISTRIBUTION} and fontTools at their pinned versions (scripts/setup does it)"
_ENVIRONMENT: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r'Using fontTools instead of HarfBuzz-Subset for font "(?P<x>[^"]*)"'),
        "HarfBuzz-subset (libharfbuzz-subset.so.0, 4.1.0 or later) does not load, so fonts would be subset by "
        "fontTools instead, with other bytes",
        _HARFBUZZ_SUBSET,
    ),
    (
        re.compile(r"Please install HarfBuzz version (?P<x>\S+) with harfbuzz-vector"),
        "drawing the color font needs HarfBuzz {x} with its vector library (libharfbuzz-vector.so.0)",
        "install libharfbuzz-vector0 from a Debian release that has HarfBuzz {x}, or use only the bundled face",
    ),
    (
        re.compile(r'Unable to instantiate "(?P<x>[^"]*)" variable font'),
        "fontTools could not make an instance of the variable font {x}",
        _REINSTALL,
    ),
    (
        re.compile(r'Unable to subset "(?P<x>[^"]*)" with HarfBuzz'),
        "HarfBuzz-subset could not subset the font {x}",
        _REINSTALL,
    ),
    (
        re.compile(r'Unable to subset "(?P<x>[^"]*)" with fontTools'),
        "fontTools could not subset the font {x}",
        _REINSTALL,
    ),
    (
        re.compile(r"Font-face '?(?P<x>[^']+?)'? cannot be loaded"),
        "the font {x} could not be loaded from its file",
        _REINSTALL,
    ),
)


def environment_problems(messages: Sequence[str]) -> list[tuple[str, str]]:
    """The renderer messages that are about the machine: (what is wrong, what fixes it), each once."""
    found: list[tuple[str, str]] = []
    for message in messages:
        for pattern, explanation, fix in _ENVIRONMENT:
            match = pattern.search(message)
            if match:
                problem = (explanation.format(x=match.group("x")), fix.format(x=match.group("x")))
                if problem not in found:
                    found.append(problem)
    return found


def explain_renderer_message(message: str) -> str:
    """A WeasyPrint log message turned into what went wrong and the fix (the raw message when unknown)."""
    for pattern, explanation in _EXPLANATIONS:
        match = pattern.search(message)
        if match:
            return explanation.format(x=match.group("x"))
    return f"the renderer reported: {message}"


@contextlib.contextmanager
def _source_date_epoch(epoch: int) -> Iterator[None]:
    """fontTools stamps the fonts it writes with the current time unless SOURCE_DATE_EPOCH says otherwise.

    The environment is the whole process's: it is set only from the main thread, so that no other
    thread of this process (MkDocs building pages, which reads SOURCE_DATE_EPOCH too) runs meanwhile.
    """
    if threading.current_thread() is not threading.main_thread():
        raise PdfError(
            "PDFs are rendered in the main thread of a process (they set SOURCE_DATE_EPOCH for the whole "
            "process); render them with amend.pdfcache.render_pdfs, which starts worker processes"
        )
    name = "SOURCE_DATE_EPOCH"
    previous = os.environ.get(name)
    os.environ[name] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
        else:
            os.environ[name] = previous


def _check_glyphs(document_html: str, fonts: FontFiles, what: str) -> None:
    """Every character of the document must have a glyph in the bundled face, or Pango borrows a machine font."""
    covered = _cmap(fonts.upright) & _cmap(fonts.italic)
    missing: dict[str, str] = {}
    for text in _document_text(document_html):
        for char in text:
            if ord(char) in covered or char in missing or _invisible(char):
                continue
            missing[char] = text.strip()
    if missing:
        listed = ", ".join(
            f"'{char}' (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}) in \u201c{_snippet(context, char)}\u201d"
            for char, context in list(missing.items())[:8]
        )
        raise PdfError(
            f"PDF for {what}: the bundled font {FONT_FAMILY} has no glyph for {listed}; "
            "write these characters another way (e.g. as words) so that no font of the machine is used"
        )


class _TextParser(HTMLParser):
    """The text of an HTML document's body, one run per text node (the print styles add only ASCII)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_body = self.in_body or tag == "body"

    def handle_data(self, data: str) -> None:
        if self.in_body and data.strip():
            self.runs.append(data)


def _document_text(document_html: str) -> list[str]:
    parser = _TextParser()
    parser.feed(document_html)
    parser.close()
    return parser.runs


def _snippet(text: str, char: str, width: int = 30) -> str:
    index = text.find(char)
    start = max(0, index - width)
    before = "\u2026" if start else ""
    after = "\u2026" if index + width < len(text) else ""
    return before + text[start : index + width].strip() + after


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def _check_embedded_fonts(rendered: Any, what: str) -> None:
    families = sorted({str(font.family) for font in rendered.fonts.values()} - {FACE})
    if families:
        raise PdfError(
            f"PDF for {what} embedded fonts of the machine ({', '.join(families)}); only the bundled "
            f'{FONT_FAMILY} may be used: give every element font-family "{FACE}" in print.css'
        )


@lru_cache(maxsize=8)
def _cmap(path: Path) -> frozenset[int]:
    font = TTFont(str(path), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def _file_digest(path: Path) -> bytes:
    stat = path.stat()
    return _digest_cached(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=32)
def _digest_cached(path: Path, size: int, mtime_ns: int) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()
