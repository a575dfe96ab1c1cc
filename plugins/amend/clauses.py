"""Markdown legal text → clause tree, read from the one parse the page and the PDF render (SPEC "One text").

A body is parsed once by Python-Markdown with :data:`EXTENSIONS` and raw HTML
switched off (:func:`parse_markdown`); the element tree that comes out is what
the page and the PDF serialise (:mod:`amend.document_html`), and it is all
this module reads. There is no second reader of the Markdown: a heading is a
heading because Python-Markdown made an ``<h2>`` of it (ATX or Setext), an id is
the one ``attr_list`` put on it (``{#id}``, ``{: #id }``), and a clause's text
is the text a reader sees (:func:`visible_text`): the text nodes, entities
decoded, plus each link's target and each image's source, written after it
as ``<target>``, so that a changed link target is a changed word.

Headings at any level form the tree; a number or letter prefix (``7.``,
``4.2``, ``A.``, ``(b)``) is optional. Inside a heading's own body,
sub-clauses are paragraphs or list items that open with a bold label,
numbered list items, paragraphs that open with a letter (``(a)``, ``b.``),
and the rows of a table that lists things. Everything else is clause body.
This module is pure text → model; it reports nothing about conventions (that
is :mod:`amend.revisions` and :mod:`amend.dialect`), only the tree.
"""

from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from dataclasses import dataclass, field

import markdown
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.serializers import to_html_string
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from .characters import show_invisible
from .model import Clause, ClauseKind, Document

# The one Markdown configuration: the page, the PDF, the clause tree, the checks and the redline.
EXTENSIONS = ["tables", "footnotes", "attr_list", "sane_lists", "def_list"]

# "7.", "4.2", "4.2.1", "A.", "(b)", "b)", "iv." — the number as the document prints it.
NUMBER = re.compile(
    r"^(?:(?:Section|Article|Clause|Part)\s+)?"
    r"(\(\w{1,4}\)|\d{1,3}(?:\.\d{1,3})*\.?|[A-Za-z]\.|[ivxlcdmIVXLCDM]{1,6}\.|[A-Za-z0-9]{1,3}\))"
    r"(?:\s+|$)(.*)$",
    re.S,
)
LETTERED = re.compile(r"^(\(?)([a-zA-Z]|[ivxIVX]{1,5})([.)])\s+", re.S)
# A kramdown block anchor on the line after a heading: "{: #id }".
BLOCK_ANCHOR = re.compile(r"\{:?\s*#([A-Za-z][\w-]{0,99})\s*\}")
FOOTNOTES_ID = "footnotes"
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-f]{1,6}|[0-9a-z]{1,32});", re.I)  # the serialiser keeps these
_PLACEHOLDER = re.compile("\x02[^\x02\x03]{0,40}\x03")
_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"\w+")


# --- the one parse --------------------------------------------------------------------------------


class _Capture(Treeprocessor):
    """Keeps the finished element tree (after every other tree processor) for the caller."""

    root: etree.Element | None = None

    def run(self, root: etree.Element) -> None:
        self.root = root


@dataclass
class Parsed:
    """A body as Python-Markdown parsed it: the element tree and the stash its placeholders point into."""

    root: etree.Element
    md: markdown.Markdown

    def text(self, value: str | None) -> str:
        """A text node as the browser shows it: placeholders resolved, entities the serialiser keeps decoded."""
        if not value:
            return ""
        if "\x02" in value:
            value = _PLACEHOLDER.sub(self._placeholder, value)
        if "&" in value:
            value = _ENTITY.sub(lambda m: html.unescape(m.group(0)), value)
        return value

    def _placeholder(self, match: re.Match[str]) -> str:
        found = HTML_PLACEHOLDER_RE.fullmatch(match.group(0))
        if found is not None:
            blocks = self.md.htmlStash.rawHtmlBlocks
            index = int(found.group(1))
            return str(blocks[index]) if index < len(blocks) else ""
        return " " if match.group(0) == NBSP_PLACEHOLDER else ""

    def serialize(self, root: etree.Element) -> str:
        """``root``'s children as HTML, exactly as Python-Markdown writes a document."""
        md = self.md
        output = md.serializer(root)
        start = output.find(f"<{md.doc_tag}>")
        end = output.rfind(f"</{md.doc_tag}>")
        output = output[start + len(md.doc_tag) + 2 : end].strip() if start >= 0 and end >= 0 else ""
        for processor in md.postprocessors:
            output = processor.run(output)
        return output.strip()


def new_markdown() -> markdown.Markdown:
    """The Markdown configuration every reader and renderer of a revision uses; raw HTML reads as text."""
    md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    md.preprocessors.deregister("html_block")  # raw HTML shows as text, never as markup
    md.inlinePatterns.deregister("html")
    return md


MAX_BRACKETS = 200  # "[" in one block of lines: Python-Markdown's link patterns take time quadratic in their number
_UNESCAPED_BRACKET = re.compile(r"(?<!\\)\[")


def bracket_heavy_blocks(body: str) -> list[tuple[int, int]]:
    """(0-based first line, count) of each run of non-blank lines holding more than :data:`MAX_BRACKETS` "["."""
    if body.count("[") <= MAX_BRACKETS:
        return []
    out: list[tuple[int, int]] = []
    start, count = 0, 0
    for index, line in enumerate([*body.split("\n"), ""]):
        if line.strip():
            count += line.count("[")
            continue
        if count > MAX_BRACKETS:
            out.append((start, count))
        start, count = index + 1, 0
    return out


def _bounded(body: str) -> str:
    """``body``, with the brackets of every bracket-heavy block read as text (one rule for every reader).

    ``amend check`` refuses such a block (:mod:`amend.dialect`); a file that is only diffed or rendered is
    read the same way by the page, the PDF and the redline, in time linear in its length.
    """
    heavy = bracket_heavy_blocks(body)
    if not heavy:
        return body
    lines = body.split("\n")
    for start, _ in heavy:
        index = start
        while index < len(lines) and lines[index].strip():
            lines[index] = _UNESCAPED_BRACKET.sub(r"\\[", lines[index])
            index += 1
    return "\n".join(lines)


def parse_markdown(body: str) -> Parsed:
    """Parse a body (front matter removed) into the element tree the page and the PDF render."""
    md = new_markdown()
    capture = _Capture(md)
    md.treeprocessors.register(capture, "amend-capture", -100)
    md.convert(_bounded(body))
    if capture.root is None:  # an empty body: Markdown returns before parsing
        return Parsed(etree.Element(md.doc_tag), md)
    return Parsed(capture.root, md)


# --- what a reader sees ---------------------------------------------------------------------------


def _classes(element: etree.Element) -> str:
    return element.get("class") or ""


def visible_text(parsed: Parsed, element: etree.Element) -> str:
    """The words of ``element`` as a reader sees them, link targets and image sources included, spaces collapsed."""
    parts: list[str] = []
    _collect(parsed, element, parts)
    return show_invisible(_SPACE.sub(" ", "".join(parts)).strip())


_BLOCKS = {
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
    *_HEADINGS,
    "thead",
    "tbody",
}


def _collect(parsed: Parsed, element: etree.Element, parts: list[str]) -> None:
    tag = element.tag
    if tag == "a" and "footnote-backref" in _classes(element):
        return
    if tag == "sup" and len(element) and "footnote-ref" in _classes(element[0]):
        ref = element[0]
        target = (ref.get("href") or "").removeprefix("#")
        number = parsed.text(ref.text)
        parts.append(f"[{number}]" if target else number)
        return
    if tag in _BLOCKS:
        parts.append(" ")
    if tag == "img":
        alt = parsed.text(element.get("alt"))
        parts.append(f"{alt} <{element.get('src') or ''}>".strip())
        return
    start = len(parts)
    parts.append(parsed.text(element.text))
    for child in element:
        _collect(parsed, child, parts)
        parts.append(parsed.text(child.tail))
    if tag == "a":
        shown = "".join(parts[start:]).strip()
        href = element.get("href") or ""
        if href and href != shown and href != f"mailto:{shown}":
            parts.append(f" <{href}>")
    if tag in _BLOCKS:
        parts.append(" ")


def plain_text(markdown_text: str) -> str:
    """The words a reader sees in a Markdown fragment, through the one parse."""
    parsed = parse_markdown(markdown_text)
    return " ".join(visible_text(parsed, child) for child in parsed.root if not _is_footnotes(child)).strip()


def slugify(text: str) -> str:
    """A URL-safe id from a title: ``Incident & Breach Reporting`` → ``incident-breach-reporting``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug or "clause"


def split_number(heading: str) -> tuple[str | None, str]:
    """``"7. Term & Termination"`` → ``("7", "Term & Termination")``; unnumbered → ``(None, heading)``."""
    match = NUMBER.match(heading)
    if not match or not match.group(2).strip():
        return None, heading
    number = match.group(1)
    if number.endswith("."):
        number = number[:-1]
    return number, match.group(2).strip()


def _is_footnotes(element: etree.Element) -> bool:
    return element.tag == "div" and "footnote" in _classes(element).split()


# --- where an element stands in the source ---------------------------------------------------------


class _Lines:
    """Finds the source line of each element, in document order, by its words (never by parsing again)."""

    WINDOW = 400  # lines searched ahead of the last element found

    def __init__(self, body: str, body_line: int) -> None:
        self.lines = body.split("\n")
        self.keys = ["".join(_WORDS.findall(line)).casefold() for line in self.lines]
        self.body_line = body_line
        self.cursor = 0

    def find(self, text: str, heading: bool = False) -> int:
        key = "".join(_WORDS.findall(text)).casefold()[:24]
        end = min(len(self.lines), self.cursor + self.WINDOW)
        for index in range(self.cursor, end):
            line = self.lines[index]
            if heading and not self._heading_at(index):
                continue
            if not line.strip():
                continue
            if key in self.keys[index]:
                self.cursor = index + (0 if heading and not line.lstrip().startswith("#") else 1)
                return self.body_line + index
        return self.body_line + min(self.cursor, max(len(self.lines) - 1, 0))

    def _heading_at(self, index: int) -> bool:
        stripped = self.lines[index].lstrip(" ")
        if stripped.startswith("#"):
            return True
        after = self.lines[index + 1].strip() if index + 1 < len(self.lines) else ""
        return bool(after) and (set(after) == {"="} or set(after) == {"-"})


# --- the clause tree ------------------------------------------------------------------------------


@dataclass
class _Section:
    level: int
    heading: etree.Element | None
    line: int
    explicit: str | None = None
    body: list[etree.Element] = field(default_factory=list)
    children: list[_Section] = field(default_factory=list)


@dataclass
class Built:
    """A document's clause tree and, for rendering, the element each clause came from."""

    document: Document
    parsed: Parsed
    elements: dict[str, etree.Element]  # clause id → its heading, paragraph, list item or row
    sections: list[tuple[Clause, etree.Element]]  # heading clauses with their heading element
    title_heading: etree.Element | None
    title_line: int | None
    anchors: list[etree.Element]  # kramdown block anchors read as ids (not text)
    wanted: dict[str, str]  # clause id → the id it asked for (explicit or slug), before duplicates got "-2"


class _IdRegistry:
    """Hands out document-unique ids; explicit ids win their name."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate in self.used:
            n += 1
            candidate = f"{wanted}-{n}"
        self.used.add(candidate)
        return candidate


class _Builder:
    def __init__(self, parsed: Parsed, body: str, body_line: int) -> None:
        self.parsed = parsed
        self.lines = _Lines(body, body_line)
        self.ids = _IdRegistry()
        self.elements: dict[str, etree.Element] = {}
        self.sections: list[tuple[Clause, etree.Element]] = []
        self.anchors: list[etree.Element] = []
        self.wanted: dict[str, str] = {}

    def text(self, element: etree.Element) -> str:
        return visible_text(self.parsed, element)

    def section(self, section: _Section) -> Clause:
        heading = section.heading
        assert heading is not None
        number, title = split_number(self.text(heading))
        explicit = section.explicit
        self.lines.cursor = max(self.lines.cursor, section.line - self.lines.body_line + 1)
        wanted = explicit if explicit else slugify(title or (number or "clause"))
        clause_id = self.ids.claim(wanted)
        self.wanted[clause_id] = wanted
        own, subs = self.body(section.body, clause_id)
        children = subs + [self.section(child) for child in section.children]
        clause = Clause(
            kind=ClauseKind.SECTION,
            id=clause_id,
            number=number,
            title=title,
            source=_markup(own),
            text=_join(self.text(e) for e in own),
            line=section.line,
            level=section.level,
            explicit_id=explicit is not None,
            children=tuple(children),
        )
        self.sections.append((clause, heading))
        self.elements[clause_id] = heading
        return clause

    def body(self, elements: list[etree.Element], parent_id: str) -> tuple[list[etree.Element], list[Clause]]:
        own: list[etree.Element] = []
        subs: list[Clause] = []
        for element in elements:
            found: list[Clause] = []
            if element.tag == "p":
                clause = self.paragraph(element, parent_id, len(subs))
                found = [clause] if clause else []
            elif element.tag in ("ol", "ul"):
                found = self.items(element, parent_id, len(subs), own)
                if not found:
                    self.lines.find(self.text(element))
                    own.append(element)
                subs.extend(found)
                continue
            elif element.tag == "table":
                found = self.rows(element, parent_id, own)
            if found:
                subs.extend(found)
            else:
                self.lines.find(self.text(element))
                own.append(element)
        return own, subs

    def paragraph(self, element: etree.Element, parent_id: str, index: int) -> Clause | None:
        text = self.text(element)
        label = _label(self, element)
        number: str | None = None
        if not label:
            lettered = LETTERED.match(text)
            if lettered is None or (lettered.group(1) == "(" and lettered.group(3) != ")"):
                return None
            number = lettered.group(0).strip()
            if not number.startswith("("):
                number = number.rstrip(".)")
            text = text[lettered.end() :]
        return self.sub_clause(element, parent_id, index, label, number, text)

    def sub_clause(
        self, element: etree.Element, parent_id: str, index: int, label: str, number: str | None, text: str
    ) -> Clause:
        kind = ClauseKind.LABELLED if label else ClauseKind.ITEM
        wanted = f"{parent_id}-{slugify(label)}" if label else f"{parent_id}-{slugify(number or str(index + 1))}"
        clause_id = self.ids.claim(wanted)
        self.elements[clause_id] = element
        return Clause(
            kind=kind,
            id=clause_id,
            number=number,
            title=label,
            source=_markup([element]),
            text=text,
            line=self.lines.find(text),
            level=0,
        )

    def items(self, element: etree.Element, parent_id: str, index: int, own: list[etree.Element]) -> list[Clause]:
        out: list[Clause] = []
        ordered = element.tag == "ol"
        start = _int(element.get("start"), 1)
        plain: list[etree.Element] = []
        for offset, item in enumerate(element.findall("li")):
            label = _label(self, item) or (
                _label(self, item[0]) if len(item) and item[0].tag == "p" and not (item.text or "").strip() else ""
            )
            if not label and not ordered:
                plain.append(item)
                continue
            number = str(start + offset) if ordered else None
            out.append(self.sub_clause(item, parent_id, index + len(out), label, number, self.text(item)))
        if out and plain:
            # A bulleted list mixing labelled and plain items: the plain ones are clause body.
            for item in plain:
                self.lines.find(self.text(item))
                own.append(item)
        return out

    def rows(self, table: etree.Element, parent_id: str, own: list[etree.Element]) -> list[Clause]:
        """The rows of a table that lists things: rows whose first cells are all present and differ.

        The header row names the columns: it stays in the parent clause's own text, so a renamed column
        is a change the redline shows.
        """
        body = table.find("tbody")
        rows = body.findall("tr") if body is not None else []
        if not rows:
            return []
        cells = [[self.text(cell) for cell in row] for row in rows]
        firsts = [row[0] if row else "" for row in cells]
        if any(not first for first in firsts) or len(set(firsts)) != len(firsts):
            return []
        self.lines.find(self.text(table))
        head = table.find("thead")
        if head is not None:
            own.append(head)
        out: list[Clause] = []
        for row, texts, first in zip(rows, cells, firsts, strict=True):
            clause_id = self.ids.claim(f"{parent_id}-{slugify(first)}")
            self.elements[clause_id] = row
            out.append(
                Clause(
                    kind=ClauseKind.ROW,
                    id=clause_id,
                    number=None,
                    title=first,
                    source=_markup([row]),
                    text=" | ".join(texts),
                    line=self.lines.find(" ".join(texts)),
                    level=0,
                )
            )
        return out


def _label(builder: _Builder, element: etree.Element) -> str:
    """The bold label an element opens with (``**Precedence.**`` → ``Precedence``), or ``""``."""
    if (element.text or "").strip() or not len(element) or element[0].tag not in ("strong", "b"):
        return ""
    return builder.text(element[0]).rstrip(".:;,— -")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _join(texts: Iterator[str] | list[str]) -> str:
    return " ".join(t for t in texts if t)


def _markup(elements: list[etree.Element]) -> str:
    """The rendered markup of a clause's own elements: what changes when only its formatting does."""
    return "".join(to_html_string(e) for e in elements)


def build_document(body: str, doc_id: str, body_line: int = 1, title: str = "") -> Built:
    """Parse ``body`` once and build its clause tree, keeping the elements for the renderer."""
    parsed = parse_markdown(body)
    root = parsed.root
    builder = _Builder(parsed, body, body_line)
    blocks = [child for child in root if not _is_footnotes(child)]
    # Kramdown writes a heading's anchor on the next line: "{: #id }" after "## Title". Read it as the id.
    explicit: dict[int, str] = {}
    for index, element in enumerate(blocks):
        if element.tag in _HEADINGS and element.get("id"):
            explicit[index] = show_invisible(element.get("id") or "")
        if (
            element.tag == "p"
            and index > 0
            and blocks[index - 1].tag in _HEADINGS
            and not len(element)
            and (anchor := BLOCK_ANCHOR.fullmatch((element.text or "").strip())) is not None
        ):
            explicit.setdefault(index - 1, show_invisible(anchor.group(1)))
            builder.anchors.append(element)
    headings = [index for index, element in enumerate(blocks) if element.tag in _HEADINGS]
    level_one = [index for index in headings if blocks[index].tag == "h1"]
    title_heading: etree.Element | None = None
    title_line: int | None = None
    if len(level_one) == 1 and headings and headings[0] == level_one[0]:
        title_heading = blocks[headings[0]]
        title_line = builder.lines.find(builder.text(title_heading), heading=True)
        if not title:
            title = builder.text(title_heading)
    root_section = _Section(level=0, heading=None, line=body_line)
    stack: list[_Section] = [root_section]
    anchors = {id(a) for a in builder.anchors}
    for index, element in enumerate(blocks):
        if element is title_heading or id(element) in anchors:
            continue
        if element.tag in _HEADINGS:
            level = int(element.tag[1])
            line = builder.lines.find(builder.text(element), heading=True)
            section = _Section(level, element, line, explicit.get(index))
            while stack[-1].level >= level:
                stack.pop()
            stack[-1].children.append(section)
            stack.append(section)
        else:
            stack[-1].body.append(element)
    preamble = _join(builder.text(e) for e in root_section.body)
    if not root_section.children:
        # No clause headings: perhaps an agreement written as one numbered list (amend.numbered).
        skip = None if title_line is None else title_line - body_line
        numbered = _numbered_list(body.split("\n"), body_line, skip)
        if numbered is not None:
            document = Document(doc_id, title, numbered[0], numbered[1], body, body_line)
            return Built(document, parsed, {}, [], title_heading, title_line, builder.anchors, {})
    builder.lines.cursor = 0
    clauses = tuple(builder.section(section) for section in root_section.children)
    notes = [child for child in root if _is_footnotes(child)]
    if notes:
        # The page prints footnotes once, after the last clause: so does the tree, as a clause of its own
        # (a labelled block without a heading, so no outline lists it).
        text = _join(builder.text(note) for note in notes)
        builder.lines.cursor = 0
        clauses += (
            Clause(
                kind=ClauseKind.LABELLED,
                id=builder.ids.claim(FOOTNOTES_ID),
                number=None,
                title="",
                source=_markup(notes),
                text=text,
                line=builder.lines.find("^" + text),
                level=0,
            ),
        )
    document = Document(id=doc_id, title=title, preamble=preamble, clauses=clauses, body=body, body_line=body_line)
    return Built(
        document, parsed, builder.elements, builder.sections, title_heading, title_line, builder.anchors, builder.wanted
    )


def _numbered_list(lines: list[str], body_line: int, skip: int | None) -> tuple[str, tuple[Clause, ...]] | None:
    from .numbered import parse_numbered_list

    numbered = [(body_line + index, line) for index, line in enumerate(lines) if index != skip]
    found = parse_numbered_list(numbered, _untagged_text, slugify, _IdRegistry().claim)
    return None if found is None else (_untagged_text(found[0]), found[1])


_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")


def _untagged_text(markdown_text: str) -> str:
    """The words of a numbered-list agreement's item, its ``<span>`` markup dropped (:mod:`amend.numbered`).

    Such files are only ever diffed (a revision needs clause headings), and their publishers wrap titles
    and links in spans; the words inside are the text. Link targets stay words, as everywhere.
    """
    return plain_text(_TAG.sub(" ", markdown_text))  # amend shows a tag as text: it separates words


def parse_document(body: str, doc_id: str, body_line: int = 1, title: str = "") -> Document:
    """Parse a Markdown body (front matter already removed) into a :class:`Document`.

    A single level-1 heading that comes first is the document's title, not a
    clause; every other heading is a clause nested under the nearest shallower
    one. Ids are the explicit ``{#id}`` or a slug of the title, made unique in
    the document with ``-2``, ``-3``… in document order.
    """
    return build_document(body, doc_id, body_line, title).document
