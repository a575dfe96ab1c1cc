"""Revisions and redlines as Word documents (SPEC "The site": ``<rev>.docx`` and ``compare/<old>...<new>.docx``).

The only module that imports python-docx. It writes the blocks that
:mod:`amend.layout` computes: clause headings in Word's Heading styles,
sub-clauses as paragraphs, definitions as tables, every style in the bundled
face (Source Serif 4, named, not embedded). A redline is the new revision with
every change as a real tracked change (``w:ins`` / ``w:del`` runs, whole
paragraphs and table rows marked too), by the organization, dated the day the
new revision was posted: Word's or LibreOffice's "Accept all" gives the new
revision's text and "Reject all" the old one. Tracked changes are written
through python-docx's XML layer, which has no API for them.

Bytes depend on the inputs only: the document properties take the revision's
dates (never the clock), and the ZIP archive is rewritten with fixed
timestamps and a fixed member order. Pure apart from that: no clock, no
environment, no working folder.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt, RGBColor

from .dates import format_date as long_date
from .diff import diff_documents
from .layout import Block, BlockKind, Layout, Row, Run, layout_document, layout_redline
from .model import Document, Revision
from .pdf import FONT_FAMILY
from .redline import Op

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can carry: no build time leaks in
FIRST_MEMBER = "[Content_Types].xml"
PAPER_SIZES = {"letter": (Inches(8.5), Inches(11), Inches(1)), "a4": (Mm(210), Mm(297), Mm(25))}
BASE_SIZE = Pt(11)
CORE_PROPERTY_LIMIT = 255  # python-docx refuses longer document properties
ITEM_INDENT = Inches(0.4)
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


@dataclass(frozen=True, slots=True)
class Cover:
    """What the first lines say: the title, what this file is, and the dates."""

    title: str
    subtitle: str
    lines: tuple[str, ...] = ()
    description: str = ""


def render_revision_docx(revision: Revision, *, organization: str = "", paper: str = "letter") -> bytes:
    """One revision as a Word document (SPEC ``security/baa/<rev>.docx``)."""
    title = revision.title or revision.document.title
    cover = Cover(
        title=title,
        subtitle=f"Revision {revision.id}",
        lines=(
            *((organization,) if organization else ()),
            f"Posted {long_date(revision.posted)} · effective {long_date(revision.effective)}",
        ),
        description=revision.summary,
    )
    return render_docx(
        layout_document(revision.document),
        cover,
        author=organization or title,
        when=revision.posted,
        paper=paper,
        tracked=False,
    )


def render_redline_docx(old: Revision, new: Revision, *, organization: str = "", paper: str = "letter") -> bytes:
    """The redline from ``old`` to ``new`` as the new revision with tracked changes (``compare/<old>...<new>.docx``)."""
    title = new.title or new.document.title
    author = organization or title
    cover = Cover(
        title=title,
        subtitle=f"Redline from revision {old.id} to revision {new.id}",
        lines=(
            *((organization,) if organization else ()),
            f"Revision {old.id}: posted {long_date(old.posted)}, effective {long_date(old.effective)}",
            f"Revision {new.id}: posted {long_date(new.posted)}, effective {long_date(new.effective)}",
            f"Every change from revision {old.id} is a tracked change by {author}, dated {long_date(new.posted)}. "
            f"Accept all changes to get revision {new.id}; reject all to get revision {old.id}.",
        ),
        description=f"Changes from revision {old.id} to revision {new.id}: {new.summary}",
    )
    return render_redline_documents_docx(old.document, new.document, cover, author=author, when=new.posted, paper=paper)


def render_redline_documents_docx(
    old: Document, new: Document, cover: Cover, *, author: str, when: date, paper: str = "letter"
) -> bytes:
    """The redline of any two documents (a revision's or not) as a Word document with tracked changes."""
    layout = layout_redline(diff_documents(old, new), old, new)
    return render_docx(layout, cover, author=author, when=when, paper=paper, tracked=True)


def render_docx(layout: Layout, cover: Cover, *, author: str, when: date, paper: str, tracked: bool) -> bytes:
    """Blocks → reproducible .docx bytes; ``when`` dates the properties and every tracked change."""
    document = docx.Document()
    _set_up(document, paper, tracked)
    _properties(document, cover, author, when)
    changes = _Changes(author, when)
    _cover(document, cover)
    for block in layout.blocks:
        if block.kind is BlockKind.TABLE:
            _table(document, block, changes)
        else:
            _paragraph(document, block, changes)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue())


def reproducible_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps, attributes and member order (``[Content_Types].xml`` first)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda name: (name != FIRST_MEMBER, name))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()


# --- the document's frame -----------------------------------------------------------------------------


def _set_up(document: Any, paper: str, tracked: bool) -> None:
    width, height, margin = PAPER_SIZES.get(paper.strip().lower(), PAPER_SIZES["letter"])
    section = document.sections[0]
    section.page_width, section.page_height = width, height
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = margin
    styles = document.styles
    _font(styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")))
    for name in (
        "Normal",
        "Title",
        "Subtitle",
        "Quote",
        "List Bullet",
        "Table Grid",
        *(f"Heading {n}" for n in range(1, 10)),
    ):
        style = styles[name]
        _font(style.element.get_or_add_rPr())
        if name.startswith("Heading") or name in ("Title", "Subtitle"):
            style.font.color.rgb = RGBColor(0, 0, 0)
    styles["Normal"].font.size = BASE_SIZE
    settings = document.settings.element
    for name in ("w:savePreviewPicture",):
        for element in settings.findall(qn(name)):
            settings.remove(element)
    if tracked:
        # Later edits by the reader are tracked too, as a lawyer expects of a redline.
        settings.find(qn("w:defaultTabStop")).addprevious(OxmlElement("w:trackRevisions"))
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):  # a picture of the template's empty page
            del package.rels[rel_id]


def _font(rpr: Any) -> None:
    """Name the bundled face for every script, replacing the template's theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):
            del fonts.attrib[attribute]
    for script in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(script), FONT_FAMILY)


def _properties(document: Any, cover: Cover, author: str, when: date) -> None:
    stamp = datetime(when.year, when.month, when.day, tzinfo=UTC)
    properties = document.core_properties
    properties.title = _at_most(f"{cover.title}, {cover.subtitle[0].lower()}{cover.subtitle[1:]}", CORE_PROPERTY_LIMIT)
    properties.subject = _at_most(cover.title, CORE_PROPERTY_LIMIT)
    properties.author = _at_most(author, CORE_PROPERTY_LIMIT)
    properties.last_modified_by = _at_most(author, CORE_PROPERTY_LIMIT)
    properties.comments = _at_most(cover.description, CORE_PROPERTY_LIMIT)
    properties.keywords = ""
    properties.category = ""
    properties.language = "en-US"
    properties.created = stamp
    properties.modified = stamp
    properties.revision = 1


def _at_most(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _cover(document: Any, cover: Cover) -> None:
    document.add_paragraph(cover.title, style="Title")
    document.add_paragraph(cover.subtitle, style="Subtitle")
    for line in cover.lines:
        document.add_paragraph(line)
    last = document.paragraphs[-1]
    last.add_run().add_break(WD_BREAK.LINE)


# --- tracked changes -------------------------------------------------------------------------------------


class _Changes:
    """Numbers tracked changes and bookmarks in document order, all by one author on one day; knows style ids."""

    def __init__(self, author: str, when: date) -> None:
        self.author = author
        self.date = f"{when.isoformat()}T00:00:00Z"
        self.next_id = 1  # one sequence for tracked changes and bookmarks: OOXML annotation ids are unique
        self.styles: dict[str, str] = {}

    def style_id(self, document: Any, name: str) -> str:
        """A style's id, looked up once (python-docx looks a style name up slowly, on every paragraph)."""
        if name not in self.styles:
            self.styles[name] = document.styles[name].style_id
        return self.styles[name]

    def mark(self, op: Op) -> Any:
        element = OxmlElement("w:ins" if op is Op.INSERT else "w:del")
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        self.next_id += 1
        return element

    def bookmarks(self, paragraph: Any, names: tuple[str, ...]) -> None:
        for name in names:
            start = OxmlElement("w:bookmarkStart")
            start.set(qn("w:id"), str(self.next_id))
            start.set(qn("w:name"), name)
            end = OxmlElement("w:bookmarkEnd")
            end.set(qn("w:id"), str(self.next_id))
            paragraph.append(start)
            paragraph.append(end)
            self.next_id += 1


def _run_element(run: Run) -> Any:
    element = OxmlElement("w:r")
    if run.bold or run.italic:
        properties = OxmlElement("w:rPr")
        if run.bold:
            properties.append(OxmlElement("w:b"))
        if run.italic:
            properties.append(OxmlElement("w:i"))
        element.append(properties)
    tag = "w:delText" if run.op is Op.DELETE else "w:t"
    for index, part in enumerate(run.text.split("\t")):
        if index:
            element.append(OxmlElement("w:tab"))
        if part:
            text = OxmlElement(tag)
            text.set(qn("xml:space"), "preserve")
            text.text = part
            element.append(text)
    return element


def _write_runs(paragraph: Any, runs: tuple[Run, ...], changes: _Changes) -> None:
    for run in runs:
        element = _run_element(run)
        if run.op is Op.EQUAL:
            paragraph.append(element)
        else:
            wrapper = changes.mark(run.op)
            wrapper.append(element)
            paragraph.append(wrapper)


def _mark_paragraph(paragraph: Any, op: Op, changes: _Changes) -> None:
    """A whole paragraph inserted or deleted: its mark is tracked too, so accepting or rejecting removes it."""
    if op is Op.EQUAL:
        return
    properties = paragraph.get_or_add_pPr()
    marks = OxmlElement("w:rPr")
    marks.append(changes.mark(op))
    properties.append(marks)


_STYLES = {
    BlockKind.PARAGRAPH: "Normal",
    BlockKind.ITEM: "Normal",
    BlockKind.BULLET: "List Bullet",
    BlockKind.QUOTE: "Quote",
}


def _paragraph(document: Any, block: Block, changes: _Changes) -> None:
    name = f"Heading {block.level}" if block.kind is BlockKind.HEADING else _STYLES[block.kind]
    paragraph = document.add_paragraph()
    paragraph._p.get_or_add_pPr().style = changes.style_id(document, name)
    if block.kind is not BlockKind.HEADING:
        indent = ITEM_INDENT * block.level
        if block.kind is BlockKind.ITEM:
            paragraph.paragraph_format.left_indent = indent + ITEM_INDENT
            paragraph.paragraph_format.first_line_indent = -ITEM_INDENT
        elif block.level and block.kind is not BlockKind.QUOTE:
            paragraph.paragraph_format.left_indent = indent + (ITEM_INDENT if block.kind is BlockKind.BULLET else 0)
    _mark_paragraph(paragraph._p, block.op, changes)
    changes.bookmarks(paragraph._p, block.bookmarks)
    _write_runs(paragraph._p, block.runs, changes)


def _table(document: Any, block: Block, changes: _Changes) -> None:
    width = max(len(row.cells) for row in block.rows)
    table = document.add_table(rows=len(block.rows), cols=width)
    table.style = document.styles["Table Grid"]
    for row, cells in zip(table.rows, block.rows, strict=True):
        _row(row, cells, changes)


def _row(row: Any, data: Row, changes: _Changes) -> None:
    if data.header or data.op is not Op.EQUAL:
        properties = row._tr.get_or_add_trPr()
        if data.header:
            properties.append(OxmlElement("w:tblHeader"))  # repeated on every page
        if data.op is not Op.EQUAL:
            properties.append(changes.mark(data.op))
    for index, (cell, runs) in enumerate(zip(row.cells, data.cells, strict=True)):
        paragraph = cell.paragraphs[0]._p
        if index == 0:
            changes.bookmarks(paragraph, data.bookmarks)
        header_runs = tuple(Run(r.text, r.op, True, r.italic) for r in runs) if data.header else runs
        _write_runs(paragraph, header_runs, changes)
