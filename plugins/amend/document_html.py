"""A document's clause tree → sanitised HTML, the one rendering the page and the PDF share.

The element tree comes from :func:`amend.clauses.build_document`, the one
parse (raw HTML switched off: it shows as text) that the clause tree, the
checks and the redline read too. Here attribute-list attributes are dropped
(classes and styles would change what the page shows and the redline does
not), every heading clause is wrapped in a ``<section>`` carrying the
clause's permanent id with its number in its own span, and sub-clauses
(labelled paragraphs and items, numbered items, table rows) get their ids.
nh3 sanitises the result as a second line of defence (no event attributes,
no ``javascript:`` links). Pure: text in, text out.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import nh3

from .clauses import EXTENSIONS, NUMBER, build_document
from .model import Clause, ClauseKind, Document

__all__ = ["EXTENSIONS", "escape", "render_document_html", "toc_entries"]

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "s",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href", "aria-label"},
    "img": {"src", "alt"},
    "ol": {"start", "type"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "style", "scope"},
    "section": {"aria-labelledby"},
    "li": {"value"},
}


@dataclass(frozen=True, slots=True)
class TocEntry:
    """A heading clause for a table of contents: id, printed label, depth and children."""

    id: str
    label: str
    level: int
    children: tuple[TocEntry, ...]


def toc_entries(document: Document) -> tuple[TocEntry, ...]:
    """The heading clauses of ``document`` as a tree, for a page's table of contents and PDF outline."""

    def entry(clause: Clause) -> TocEntry:
        sections = tuple(entry(c) for c in clause.children if c.kind is ClauseKind.SECTION)
        return TocEntry(clause.id, clause.label, clause.level, sections)

    return tuple(entry(c) for c in document.clauses if c.kind is ClauseKind.SECTION)


def render_document_html(document: Document) -> str:
    """The body of ``document`` as a sanitised HTML fragment with clause sections and ids.

    The body is parsed by :func:`amend.clauses.build_document`, the very parse
    the clause tree, the checks and the redline read; the elements it made the
    clauses of get the clauses' ids here, so page, PDF and redline cannot
    disagree on what a clause is or says.
    """
    built = build_document(document.body, document.id, document.body_line, document.title)
    root = built.parsed.root
    _strip_attributes(root)
    for element in [built.title_heading, *built.anchors]:
        if element is not None:
            root.remove(element)  # pages and PDFs print the title themselves; anchors are ids, not text
    for clause_id, element in built.elements.items():
        if element.tag not in _HEADINGS:
            element.set("id", clause_id)
    _wrap_sections(root, {id(heading): clause for clause, heading in built.sections})
    rendered = built.parsed.serialize(root)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_KEPT = {"href", "src", "alt", "start"}
_FOOTNOTE_CLASSES = {"footnote", "footnote-ref", "footnote-backref"}
_ALIGN = re.compile(r"text-align: ?(left|right|center);?")


def _strip_attributes(root: etree.Element) -> None:
    """Drop what attribute lists wrote (classes, styles, ids, titles): only Markdown's own attributes stay.

    A class or a style is not text and would change what a reader sees on one
    surface only (hidden on the page, shown in the redline); the dialect check
    refuses them, and a file that is only rendered gets none of them.
    """
    for element in root.iter():
        for name in list(element.attrib):
            value = element.attrib[name]
            keep = (
                name in _KEPT
                or (name == "class" and value in _FOOTNOTE_CLASSES)
                or (name == "id" and value.startswith(("fn:", "fnref:")))
                or (name == "style" and element.tag in ("td", "th") and _ALIGN.fullmatch(value) is not None)
            )
            if not keep:
                del element.attrib[name]


def _wrap_sections(root: etree.Element, clauses: dict[int, Clause]) -> None:
    """Wrap every heading clause and what follows it in a ``<section>`` carrying the clause's id."""
    children = list(root)
    for child in children:
        root.remove(child)
    stack: list[tuple[int, etree.Element]] = [(0, root)]
    trailing: list[etree.Element] = []
    for element in children:
        clause = clauses.get(id(element))
        if clause is not None:
            level = int(element.tag[1])
            while stack[-1][0] >= level:
                stack.pop()
            section = etree.SubElement(stack[-1][1], "section")
            section.set("id", clause.id)
            section.set("class", f"amend-clause amend-level-{level}")
            element.set("class", "amend-heading")
            heading_id = f"{clause.id}--heading"
            element.set("id", heading_id)
            section.set("aria-labelledby", heading_id)
            _decorate_heading(element, clause)
            section.append(element)
            stack.append((level, section))
            continue
        if element.tag == "div" and element.get("class") == "footnote":
            trailing.append(element)
            continue
        stack[-1][1].append(element)
    for element in trailing:
        root.append(element)


def _decorate_heading(element: etree.Element, clause: Clause) -> None:
    """The printed number in its own span (taken from the heading's text), and a permalink."""
    if clause.number is not None:
        lead = (element.text or "").lstrip()
        match = NUMBER.match(lead)
        rest: str | None = None
        if match and match.group(1).rstrip(".") == clause.number:
            rest = match.group(2)
        elif lead.strip() in (clause.number, clause.printed_number, f"{clause.number}."):
            rest = ""
        if rest is not None:
            number = etree.Element("span", {"class": "amend-number"})
            number.text = clause.printed_number
            number.tail = " " + rest
            element.text = None
            element.insert(0, number)
    link = etree.SubElement(element, "a", {"class": "amend-permalink", "href": f"#{clause.id}"})
    link.set("aria-label", f"Link to clause {clause.label}")
    link.text = "#"


def escape(text: str) -> str:
    """HTML-escape revision text shown outside the Markdown renderer."""
    return html.escape(text, quote=True)


def find_element(html: str, element_id: str) -> tuple[int, int, int, int] | None:
    """Where the element with ``id`` is in rendered HTML: (start, end of its start tag, start of its end tag, end).

    Works on this module's sanitised output, where every ``<`` opens a tag
    (text is escaped), so counting the element's own tag name finds its end.
    """
    match = re.search(rf'<([a-z][a-z0-9]*)\b[^>]*?\sid="{re.escape(escape(element_id))}"', html)
    if match is None:
        return None
    tag = match.group(1)
    open_end = html.index(">", match.end()) + 1
    opening, closing = re.compile(rf"<{tag}\b"), f"</{tag}>"
    depth, index = 1, open_end
    while True:
        close = html.find(closing, index)
        if close < 0:
            return None
        nested = opening.search(html, index, close)
        if nested is not None:
            depth += 1
            index = nested.end()
            continue
        depth -= 1
        if depth == 0:
            return match.start(), open_end, close, close + len(closing)
        index = close + len(closing)
