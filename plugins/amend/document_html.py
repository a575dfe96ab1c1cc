"""A document's clause tree → sanitised HTML, the one rendering the page and the PDF share.

Python-Markdown renders the body with raw HTML switched off (it shows as text),
then a tree processor wraps every heading clause in a ``<section>`` carrying the
clause's permanent id, puts the number in its own span, and gives sub-clauses
(labelled paragraphs and items, numbered items, table rows) their ids. nh3
sanitises the result as a second line of defence (no event attributes, no
``javascript:`` links). Pure: text in, text out.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections import deque
from dataclasses import dataclass

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from .clauses import ATTRIBUTE_ID, heading_lines, split_number
from .model import Clause, ClauseKind, Document

EXTENSIONS = ["tables", "footnotes", "attr_list", "sane_lists", "def_list"]
_LETTERED = re.compile(r"^\(?[a-zA-Z]{1,4}[.)]\s")

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
    """The body of ``document`` as a sanitised HTML fragment with clause sections and ids."""
    sections = [c for c in document.walk() if c.kind is ClauseKind.SECTION]
    source = _rewrite_headings(document, sections)
    md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    md.preprocessors.deregister("html_block")  # raw HTML shows as text, never as markup
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_ClauseTreeprocessor(md, sections), "amend-clauses", 5)
    rendered = md.convert(source)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


def _rewrite_headings(document: Document, sections: list[Clause]) -> str:
    """Give every heading clause an explicit ``{#id}`` so the tree processor can find it.

    The parser and this function walk the same ATX headings in the same order; a
    leading level-1 title heading (not a clause) is dropped: pages and PDFs print
    the title themselves.
    """
    lines = document.body.split("\n")
    headings = heading_lines(document.body)
    by_line = {c.line: c for c in sections}
    for index, level, raw in headings:
        clause = by_line.get(document.body_line + index)
        if clause is None:
            if level == 1:
                lines[index] = ""
            continue
        text = ATTRIBUTE_ID.sub("", raw).strip()
        if clause.number is not None:
            # The printed number goes in its own span; strip it from the heading text.
            text = _strip_number(text)
        lines[index] = f"{'#' * level} {text} {{#{clause.id}}}"
    return "\n".join(lines)


def _strip_number(heading: str) -> str:
    _, title = split_number(heading)
    return title


class _ClauseTreeprocessor(Treeprocessor):
    """Wraps heading clauses in sections and gives sub-clauses their ids."""

    def __init__(self, md: markdown.Markdown, sections: list[Clause]) -> None:
        super().__init__(md)
        self.by_id = {c.id: c for c in sections}

    def run(self, root: etree.Element) -> None:
        children = list(root)
        for child in children:
            root.remove(child)
        stack: list[tuple[int, etree.Element, Clause | None, deque[Clause]]] = [(0, root, None, deque())]
        trailing: list[etree.Element] = []
        for element in children:
            clause = self._clause_of(element)
            if clause is not None:
                level = int(element.tag[1])
                while stack[-1][0] >= level:
                    stack.pop()
                section = etree.SubElement(stack[-1][1], "section")
                section.set("id", clause.id)
                section.set("class", f"amend-clause amend-level-{level}")
                del element.attrib["id"]
                element.set("class", "amend-heading")
                heading_id = f"{clause.id}--heading"
                element.set("id", heading_id)
                section.set("aria-labelledby", heading_id)
                self._decorate_heading(element, clause)
                section.append(element)
                subs = deque(c for c in clause.children if c.kind is not ClauseKind.SECTION)
                stack.append((level, section, clause, subs))
                continue
            if element.tag == "div" and "footnote" in (element.get("class") or ""):
                trailing.append(element)
                continue
            parent, subs = stack[-1][1], stack[-1][3]
            self._mark_sub_clauses(element, subs)
            parent.append(element)
        for element in trailing:
            root.append(element)

    def _clause_of(self, element: etree.Element) -> Clause | None:
        if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return self.by_id.get(element.get("id") or "")
        return None

    def _decorate_heading(self, element: etree.Element, clause: Clause) -> None:
        if clause.number is not None:
            number = etree.Element("span", {"class": "amend-number"})
            number.text = clause.printed_number
            number.tail = " " + (element.text or "")
            element.text = None
            element.insert(0, number)
        link = etree.SubElement(element, "a", {"class": "amend-permalink", "href": f"#{clause.id}"})
        link.set("aria-label", f"Link to clause {clause.label}")
        link.text = "#"

    def _mark_sub_clauses(self, element: etree.Element, subs: deque[Clause]) -> None:
        """Match block elements to the section's sub-clauses in document order."""
        if not subs:
            return
        if element.tag == "p":
            kind = ClauseKind.LABELLED if _opens_with_strong(element) else None
            if kind is None and _LETTERED.match(_text_start(element)):
                kind = ClauseKind.ITEM
            if kind is not None and subs[0].kind is kind:
                element.set("id", subs.popleft().id)
            return
        if element.tag in ("ol", "ul"):
            for item in element.findall("li"):
                if not subs:
                    return
                labelled = _opens_with_strong(item) or (
                    len(item) and item[0].tag == "p" and _opens_with_strong(item[0])
                )
                wanted = ClauseKind.LABELLED if labelled else ClauseKind.ITEM if element.tag == "ol" else None
                if subs[0].kind is wanted:
                    item.set("id", subs.popleft().id)
            return
        if element.tag == "table":
            body = element.find("tbody")
            rows = body.findall("tr") if body is not None else []
            if rows and subs[0].kind is ClauseKind.ROW:
                for row in rows:
                    if subs and subs[0].kind is ClauseKind.ROW:
                        row.set("id", subs.popleft().id)


def _opens_with_strong(element: etree.Element) -> bool:
    return not (element.text or "").strip() and len(element) > 0 and element[0].tag in ("strong", "b")


def _text_start(element: etree.Element) -> str:
    return (element.text or "").lstrip()


def escape(text: str) -> str:
    """HTML-escape revision text shown outside the Markdown renderer."""
    return html.escape(text, quote=True)
