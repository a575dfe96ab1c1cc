"""A revision, or a redline, as blocks of marked runs: the shape of a word-processor file, without one.

The Word files (SPEC "The site": ``<rev>.docx`` and ``compare/<old>...<new>.docx``)
are written by :mod:`amend.word` from what this module computes: headings,
paragraphs, list items and tables, each made of runs of text that are plain,
bold or italic and are either unchanged, inserted or deleted.

One projection serves both files. A clause's redline (``ClauseDiff.redline``,
whose ``equal`` and ``insert`` pieces concatenate to the new text and whose
``equal`` and ``delete`` pieces concatenate to the old text) is laid over the
paragraphs of the clause as one revision prints them: the new revision for a
clause that is kept or added, the old one for a removed clause. A revision
alone is the same projection with every piece ``equal``; so accepting every
change of a redline gives, paragraph for paragraph, the new revision's own
file, and rejecting every change gives each clause's old wording.

What a reader sees in a paragraph is the clause's text (``Clause.text``) split
where the Markdown starts a new paragraph, list item, quotation or table row;
list bullets and quotation marks (``-``, ``>``) and table pipes are not shown,
Word draws them. Paragraph breaks inside a clause follow the revision the
clause is laid out from; a clause moved within its list stands where the new
revision has it. Pure: nothing here reads files, the clock or the environment.
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import groupby

from .clauses import plain_text
from .diff import PREAMBLE_ID, ChangeStatus, ClauseDiff, DocumentDiff
from .model import Clause, ClauseKind, Document
from .redline import Op, Piece, diff_words

MAX_HEADING_LEVEL = 9  # Word's Heading 1 … Heading 9


class BlockKind(enum.StrEnum):
    """What a block is, which decides its Word style."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"  # a numbered or lettered sub-clause: its number, a tab, its text
    BULLET = "bullet"
    QUOTE = "quote"
    TABLE = "table"


@dataclass(frozen=True, slots=True)
class Run:
    """Text with one look and one change: ``op`` is equal (unchanged), insert or delete."""

    text: str
    op: Op = Op.EQUAL
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """A table row: its cells' runs; ``op`` insert or delete when the whole row is new or gone."""

    cells: tuple[tuple[Run, ...], ...]
    op: Op = Op.EQUAL
    bookmarks: tuple[str, ...] = ()
    header: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph (or table) of the body.

    ``op`` is the change of the paragraph itself (its mark, in Word's terms):
    insert when every run of it is new, delete when every run is gone.
    ``bookmarks`` name the clauses that start here (see :func:`bookmark_name`).
    """

    kind: BlockKind
    runs: tuple[Run, ...] = ()
    level: int = 0
    op: Op = Op.EQUAL
    bookmarks: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()


# --- bookmark names --------------------------------------------------------------------------------

_BOOKMARK_SAFE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
CONTINUED = "__"  # a clause whose own text goes on after its sub-clauses: name__2, name__3 …


def bookmark_name(clause_id: str) -> str:
    """A Word bookmark name for a clause id (letters, digits, ``_``, at most 40, a letter first).

    Slug ids map one to one (``incident-breach-reporting`` →
    ``incident_breach_reporting``); any other id gets a short hash so two ids
    never share a name.
    """
    name = clause_id.replace("-", "_")
    if _BOOKMARK_SAFE.match(name) and CONTINUED not in name:
        return name
    digest = hashlib.sha256(clause_id.encode("utf-8")).hexdigest()[:8]
    cleaned = re.sub(r"[^A-Za-z0-9]+", "_", clause_id).strip("_")[:28]
    return f"c_{cleaned}_{digest}"


PREAMBLE_BOOKMARK = "Preamble" + CONTINUED + "0"  # no clause id maps to it (clause names never hold "__")


# --- paragraphs of a clause's own text --------------------------------------------------------------

_BULLET = re.compile(r"^\s*[-*+][ \t]+")
_ORDERED = re.compile(r"^\s*(?:\d{1,9}[.)]|\([A-Za-z]{1,4}\)|[A-Za-z][.)])[ \t]+")  # not "Inc. " on a wrapped line
_QUOTE = re.compile(r"^\s{0,3}>[ \t]?")
_TABLE_LINE = re.compile(r"^\s{0,3}\|")
_HIDDEN = re.compile(r"^[\s\-*+>|:]*$")  # what may lie between two paragraphs' texts: marks Word draws itself


@dataclass(frozen=True, slots=True)
class _Para:
    """One paragraph of a clause's text: where its words stand in ``Clause.text``, and how it looks."""

    kind: BlockKind
    start: int
    end: int
    line: int | None  # the file line it starts on, to keep sub-clauses in their place (sections only)
    level: int = 0


@dataclass(frozen=True, slots=True)
class _Layout:
    """A clause's text laid out: its paragraphs and the look (bold, italic) of each character."""

    paras: tuple[_Para, ...]
    looks: tuple[tuple[bool, bool], ...]


_ESCAPE = re.compile(r"([\\`*_\[\]<>#|])")


class _MarkdownOf(HTMLParser):
    """A clause's markup (the one parse's HTML, :attr:`Clause.source`) written back as the Markdown it reads as.

    Paragraphs, list items, quotes and table rows each on lines of their own; strong and emphasis as
    ``**`` and ``*``; links as ``[text](target)``; every other character escaped, so that
    :func:`plain_text` of the result is the clause's text.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.prefix = ""
        self.lists: list[str] = []
        self.quote = 0
        self.cells: list[str] | None = None
        self.href: list[str | None] = []

    def _flush(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.lines.extend([self.prefix + text, ""])
        self.current, self.prefix = [], ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "dt", "dd", "pre"):
            self._flush()
            quote = "> " * self.quote
            if tag == "li" and self.lists:
                indent = "  " * (len(self.lists) - 1)
                self.prefix = quote + indent + ("- " if self.lists[-1] == "ul" else "1. ")
            elif tag == "tr":
                self.cells = []
                self.prefix = quote
            else:
                self.prefix = quote
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append(tag)
        elif tag == "blockquote":
            self._flush()
            self.quote += 1
        elif tag in ("td", "th") and self.cells is not None:
            self.current.append("| ")
        elif tag in ("strong", "b"):
            self.current.append("**")
        elif tag in ("em", "i"):
            self.current.append("*")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))
            self.current.append("[")
        elif tag == "br":
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "dt", "dd", "pre"):
            self._flush()
        elif tag == "tr":
            self.current.append(" |")
            self.cells = None
            self._flush()
        elif tag in ("td", "th") and self.cells is not None:
            self.current.append(" ")
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "blockquote":
            self._flush()
            self.quote = max(0, self.quote - 1)
        elif tag in ("strong", "b"):
            self.current.append("**")
        elif tag in ("em", "i"):
            self.current.append("*")
        elif tag == "a":
            href = self.href.pop() if self.href else None
            self.current.append(f"]({href})" if href else "]")

    def handle_data(self, data: str) -> None:
        self.current.append(_ESCAPE.sub(r"\\\1", data))


def _markdown_of(source: str) -> str:
    """``source`` as Markdown: itself when it is Markdown, else the Markdown its markup reads as."""
    if not source.lstrip().startswith("<"):
        return source
    parser = _MarkdownOf()
    parser.feed(source)
    parser.close()
    parser._flush()
    return "\n".join(parser.lines).strip("\n")


def _source_paragraphs(source: str) -> list[tuple[BlockKind, str, str, int]]:
    """(kind, Markdown without the list or quote mark, first raw line, nesting) for each paragraph."""
    source = _markdown_of(source)
    out: list[tuple[BlockKind, str, str, int]] = []
    kind, first, level = BlockKind.PARAGRAPH, "", 0
    lines: list[str] = []

    def flush() -> None:
        if lines:
            out.append((kind, "\n".join(lines), first, level))

    for raw in source.split("\n"):
        if not raw.strip():
            flush()
            lines = []
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        bullet, ordered, quote = _BULLET.match(raw), _ORDERED.match(raw), _QUOTE.match(raw)
        if _TABLE_LINE.match(raw):
            flush()
            kind, lines, first, level = BlockKind.PARAGRAPH, [raw], raw, 0
            flush()
            lines = []
        elif bullet:
            flush()
            kind, lines, first, level = BlockKind.BULLET, [raw[bullet.end() :]], raw, indent // 2
        elif ordered and lines:
            flush()
            kind, lines, first, level = BlockKind.PARAGRAPH, [raw.strip()], raw, indent // 2
        elif quote:
            if kind is not BlockKind.QUOTE or not lines:
                flush()
                kind, lines, first, level = BlockKind.QUOTE, [], raw, 0
            lines.append(raw[quote.end() :])
        else:
            if not lines:
                kind, first, level = BlockKind.PARAGRAPH, raw, 0
            lines.append(raw)
    flush()
    return out


_INLINE = re.compile(
    r"(?P<strong>(\*\*|__)(?=\S)(?P<s>.+?)(?<=\S)\2)"
    r"|(?<![\w*])\*(?=\S)(?P<e1>.+?)(?<=\S)\*(?![\w*])"
    r"|(?<![\w_])_(?=\S)(?P<e2>.+?)(?<=\S)_(?![\w_])"
)


def _segments(source: str, bold: bool = False, italic: bool = False) -> list[tuple[str, bool, bool]]:
    """Markdown → (Markdown piece, bold, italic) by strong and emphasis markers."""
    out: list[tuple[str, bool, bool]] = []
    at = 0
    for match in _INLINE.finditer(source):
        if match.start() > at:
            out.append((source[at : match.start()], bold, italic))
        if match.group("strong"):
            out.extend(_segments(match.group("s"), True, italic))
        else:
            out.extend(_segments(match.group("e1") or match.group("e2") or "", bold, True))
        at = match.end()
    if at < len(source):
        out.append((source[at:], bold, italic))
    return out


def _looks(source: str, visible: str) -> list[tuple[bool, bool]]:
    """The look of each character of ``visible`` (the paragraph's plain text); plain when unsure."""
    chars: list[tuple[str, bool, bool]] = []
    for piece, bold, italic in _segments(source):
        text = plain_text(piece)
        if piece[:1].isspace():
            text = " " + text
        if piece[-1:].isspace() and not text.endswith(" "):
            text += " "
        for char in text:
            if char == " " and (not chars or chars[-1][0] == " "):
                continue
            chars.append((char, bold, italic))
    while chars and chars[-1][0] == " ":
        chars.pop()
    if "".join(c for c, _, _ in chars) != visible:
        return [(False, False)] * len(visible)
    return [(bold, italic) for _, bold, italic in chars]


def _layout(text: str, source: str, body: Sequence[str] | None = None, body_line: int = 1, after: int = 0) -> _Layout:
    """Lay out a clause's text by its own Markdown; one paragraph when the two cannot be matched.

    ``body`` (the document body's lines), ``body_line`` and ``after`` (a body
    line index) let a section's paragraphs learn the file lines they start on.
    """
    looks: list[tuple[bool, bool]] = [(False, False)] * len(text)
    paras: list[_Para] = []
    at = 0
    search = after
    for kind, markdown, first, level in _source_paragraphs(source):
        visible = plain_text(markdown)
        if not visible or _HIDDEN.match(visible):
            continue
        found = text.find(visible, at)
        if found < 0 or not _HIDDEN.match(text[at:found]):
            paras = []
            break
        line: int | None = None
        if body is not None:
            for index in range(search, len(body)):
                if body[index] == first:
                    line, search = body_line + index, index + 1
                    break
        paras.append(_Para(kind, found, found + len(visible), line, level))
        looks[found : found + len(visible)] = _looks(markdown, visible)
        at = found + len(visible)
    if not paras or not _HIDDEN.match(text[at:]):
        start_line = body_line + after if body is not None else None
        return _Layout((_Para(BlockKind.PARAGRAPH, 0, len(text), start_line),) if text else (), tuple(looks))
    return _Layout(tuple(paras), tuple(looks))


def _project(
    pieces: Sequence[Piece], layout: _Layout, on_layout: Op, other: _Layout | None
) -> tuple[list[list[Run]], list[Op]]:
    """Split the redline's pieces into the layout's paragraphs, as runs with their look and change.

    ``on_layout`` is the op whose pieces belong to the laid-out side (insert for the
    new revision, delete for the old); ``equal`` pieces belong to both. Pieces of
    the other side go where they stood: in the paragraph of the last character
    before them. Characters of the laid-out side between paragraphs (bullets,
    pipes, the space where a paragraph breaks) are not shown.

    Also returns, for each paragraph, the change of the break after it: ``on_layout``
    when the text between it and the next is all new (the break is new, and
    undoing the change joins the two paragraphs again), else ``equal``.
    """
    paras = layout.paras
    chars: list[list[tuple[str, Op, bool, bool]]] = [[] for _ in paras] or [[]]
    gaps: list[set[Op]] = [set() for _ in chars]
    shown_other = _visible_mask(other) if other is not None else None
    pos = other_pos = 0
    current = 0
    spaced = True  # whether the other side's text so far ends in white space
    for op, text in pieces:
        if op is Op.EQUAL or op is on_layout:
            for char in text:
                while current + 1 < len(paras) and pos >= paras[current + 1].start:
                    current += 1
                if paras and paras[current].start <= pos < paras[current].end:
                    bold, italic = layout.looks[pos]
                    chars[current].append((char, op, bold, italic))
                elif paras and pos >= paras[current].end:
                    gaps[current].add(op)
                pos += 1
                if op is Op.EQUAL:
                    other_pos += 1
                    spaced = char.isspace()
            continue
        # Past the end of a paragraph, words of the other side that stand apart (after a space)
        # open the next paragraph; words that go on from the last one stay in it.
        target = current
        if paras and pos > paras[current].end and current + 1 < len(paras) and spaced:
            target = current + 1
        for char in text:
            look = (False, False)
            if other is not None and shown_other is not None and other_pos < len(shown_other):
                if not shown_other[other_pos] and not char.isspace():
                    other_pos += 1  # the other side's bullets and pipes are not words either
                    spaced = False
                    continue
                look = other.looks[other_pos]
            chars[target].append((char, op, look[0], look[1]))
            other_pos += 1
            spaced = char.isspace()
    out = [
        [Run("".join(c for c, _, _, _ in group), key[0], key[1], key[2]) for key, group in _grouped(para)]
        for para in chars
    ]
    breaks = [on_layout if gap == {on_layout} else Op.EQUAL for gap in gaps]
    return out, breaks


def _grouped(
    chars: list[tuple[str, Op, bool, bool]],
) -> Iterator[tuple[tuple[Op, bool, bool], Iterator[tuple[str, Op, bool, bool]]]]:
    return groupby(chars, key=lambda c: (c[1], c[2], c[3]))


def _visible_mask(layout: _Layout) -> bytearray:
    mask = bytearray(len(layout.looks))
    for para in layout.paras:
        mask[para.start : para.end] = b"\x01" * (para.end - para.start)
    return mask


def _mark_of(runs: Sequence[Run]) -> Op:
    ops = {run.op for run in runs if run.text}
    return ops.pop() if len(ops) == 1 and Op.EQUAL not in ops else Op.EQUAL


# --- nodes: a clause of a revision, or a clause of a redline ------------------------------------------


@dataclass(frozen=True, slots=True)
class _Node:
    old: Clause | None
    new: Clause | None
    pieces: tuple[Piece, ...]
    children: tuple[_Node, ...]

    @property
    def clause(self) -> Clause:
        found = self.new or self.old
        assert found is not None
        return found

    @property
    def side(self) -> Op:
        """The op of the side the node is laid out from: insert (new revision) or delete (old)."""
        return Op.INSERT if self.new is not None else Op.DELETE


def _same(clause: Clause) -> _Node:
    pieces = (Piece(Op.EQUAL, clause.text),) if clause.text else ()
    return _Node(clause, clause, pieces, tuple(_same(child) for child in clause.children))


def _from_diff(entry: ClauseDiff, paired_old: set[int]) -> list[_Node]:
    children = tuple(node for child in entry.children for node in _from_diff(child, paired_old))
    if entry.status is ChangeStatus.REMOVED and entry.old is not None and id(entry.old) in paired_old:
        # The clause moved to another level: it stands, with its redline, where it went. Those of its
        # sub-clauses that did not go with it are removed here, where they stood.
        return list(children)
    return [_Node(entry.old, entry.new, entry.redline, children)]


def _pieces_of(old: str | None, new: str | None) -> tuple[Piece, ...]:
    if old is None and new is None:
        return ()
    if old is None or new is None:
        text = new if new is not None else old
        assert text is not None
        return (Piece(Op.INSERT if new is not None else Op.DELETE, text),) if text else ()
    if old == new:
        return (Piece(Op.EQUAL, new),) if new else ()
    return diff_words(old, new)


class _Writer:
    """Turns nodes into blocks, keeping bookmark names unique."""

    def __init__(self, old: Document | None, new: Document | None) -> None:
        self.docs = {Op.INSERT: new, Op.DELETE: old}
        self.lines = {op: (doc.body.split("\n") if doc is not None else []) for op, doc in self.docs.items()}
        self.used: dict[str, int] = {}
        self.named: dict[str, tuple[Clause | None, Clause | None]] = {}

    def bookmark(self, node: _Node) -> str:
        name = bookmark_name(node.clause.id)
        count = self.used.get(name, 0) + 1
        self.used[name] = count
        name = name if count == 1 else f"{name}{CONTINUED}{count}"
        self.named[name] = (node.old, node.new)
        return name

    def layout(self, clause: Clause, side: Op) -> _Layout:
        document = self.docs[side]
        if clause.kind is ClauseKind.SECTION and document is not None:
            after = max(0, clause.line - document.body_line + 1) if clause.line else 0
            return _layout(clause.text, clause.source, self.lines[side], document.body_line, after)
        return _layout(clause.text, clause.source)

    def own(self, node: _Node) -> list[tuple[int | None, Block, Op]]:
        """The node's own paragraphs (its heading excluded): the file line each starts on, and its break's change."""
        side = node.side
        clause = node.clause
        layout = self.layout(clause, side)
        other_clause = node.old if side is Op.INSERT else None
        other = self.layout(other_clause, Op.DELETE) if other_clause is not None else None
        parts, breaks = _project(node.pieces, layout, side, other)
        paras = layout.paras or (_Para(BlockKind.PARAGRAPH, 0, 0, None),)
        # A paragraph's mark is the break after it. In a clause on both sides only the breaks the
        # new revision added are new (the last paragraph's mark is the clause's own, kept);
        # a clause on one side only is new or gone paragraph by paragraph.
        paired = node.old is not None and node.new is not None and bool(layout.paras)
        out: list[tuple[int | None, Block, Op]] = []
        last = len(paras) - 1
        for index, (para, runs, joined) in enumerate(zip(paras, parts, breaks, strict=False)):
            if not any(run.text for run in runs):
                continue
            op = Op.EQUAL if paired else _mark_of(runs)
            out.append((para.line, Block(para.kind, tuple(runs), para.level, op), joined if index < last else Op.EQUAL))
        return out

    def blocks(self, node: _Node, depth: int) -> list[Block]:
        """A clause's heading (where either side has one), its own paragraphs and its sub-clauses."""
        clause = node.clause
        name = self.bookmark(node)
        out: list[Block] = []
        # A clause can change kind (a section folded into a paragraph of another): each side's heading
        # and number count only where that side has them.
        heading = _runs(_pieces_of(_heading_of(node.old), _heading_of(node.new)))
        if heading:
            level = min(depth, MAX_HEADING_LEVEL)
            out.append(Block(BlockKind.HEADING, heading, level, _mark_of(heading), (name,)))
        # A heading that is wholly new or wholly gone leaves with its bookmark: the text after it gets one too.
        loose = bool(heading) and _mark_of(heading) is not Op.EQUAL
        if clause.kind is ClauseKind.SECTION:
            out.extend(self._interleave(node, self.own(node), depth, name, loose))
            return out
        own_blocks = _joined([(block, joined, True) for _, block, joined in self.own(node)])
        number = _runs(_pieces_of(_number_of(node.old), _number_of(node.new)))
        if number:
            first = own_blocks[0] if own_blocks else Block(BlockKind.ITEM, (), 0, Op.EQUAL)
            runs = (*number, Run("\t", _mark_of(number)), *first.runs)
            paired = node.old is not None and node.new is not None
            own_blocks[:1] = [Block(BlockKind.ITEM, runs, first.level, first.op if paired else _mark_of(runs))]
        if not own_blocks and not out:
            own_blocks = [Block(BlockKind.PARAGRAPH, (), 0, _mark_for_empty(node))]
        if not out:
            first_block = own_blocks[0]
            own_blocks[0] = Block(
                first_block.kind, first_block.runs, first_block.level, first_block.op, (name, *first_block.bookmarks)
            )
        elif loose and own_blocks:
            own_blocks[0] = self._continued(own_blocks[0], name)
        return out + own_blocks

    def _interleave(
        self, node: _Node, own: list[tuple[int | None, Block, Op]], depth: int, name: str, loose: bool = False
    ) -> list[Block]:
        """A section's own paragraphs and its sub-clauses, in the order the laid-out revision has them.

        Own text after a sub-clause (or after a heading that may go, ``loose``) is bookmarked again.
        """
        out: list[tuple[Block, Op, bool]] = []  # (block, its break's change, whether it is own text)
        side = node.side
        index = 0
        started = loose
        children = list(node.children)
        position = 0
        while position < len(children):
            child = children[position]
            line = _line_on(child, side)
            if line is not None:
                while index < len(own) and (own[index][0] or 0) < line:
                    _, block, joined = own[index]
                    out.append((self._continued(block, name) if started else block, joined, True))
                    index += 1
            if child.clause.kind is ClauseKind.ROW:
                rows = [child]
                while position + 1 < len(children) and children[position + 1].clause.kind is ClauseKind.ROW:
                    position += 1
                    rows.append(children[position])
                out.append((self.table(rows), Op.EQUAL, False))
            else:
                out.extend((block, Op.EQUAL, False) for block in self.blocks(child, depth + 1))
            started = True
            position += 1
        for _, block, joined in own[index:]:
            out.append((self._continued(block, name) if started else block, joined, True))
        return _joined(out)

    def _continued(self, block: Block, name: str) -> Block:
        count = self.used.get(name, 1) + 1
        self.used[name] = count
        continued = f"{name}{CONTINUED}{count}"
        self.named[continued] = self.named[name]
        return Block(block.kind, block.runs, block.level, block.op, (*block.bookmarks, continued))

    def table(self, nodes: Sequence[_Node]) -> Block:
        rows: list[Row] = []
        header = self.header(nodes)
        if header:
            rows.append(Row(tuple((Run(cell),) if cell else () for cell in header), header=True))
        for node in nodes:
            clause = node.clause
            side = node.side
            cells = _cell_texts(clause.source)
            layout = _cells_layout(clause.text, cells)
            other_clause = node.old if side is Op.INSERT else None
            other = _cells_layout(other_clause.text, _cell_texts(other_clause.source)) if other_clause else None
            parts, _ = _project(node.pieces, layout, side, other)
            runs = tuple(tuple(part) for part in parts)
            flat = [run for cell in runs for run in cell]
            rows.append(Row(runs, _mark_of(flat), (self.bookmark(node),)))
        width = max(len(row.cells) for row in rows)
        rows = [Row(row.cells + ((),) * (width - len(row.cells)), row.op, row.bookmarks, row.header) for row in rows]
        return Block(BlockKind.TABLE, rows=tuple(rows))

    def header(self, nodes: Sequence[_Node]) -> list[str]:
        """The header row of a table of rows: the line two above its first row, in that row's revision."""
        node = nodes[0]
        document = self.docs[node.side]
        if document is None:
            return []
        index = node.clause.line - document.body_line - 2
        lines = self.lines[node.side]
        if 0 <= index < len(lines) and _TABLE_LINE.match(lines[index]):
            return [plain_text(cell) for cell in _cell_texts(lines[index])]
        return []

    def preamble(self, node: _Node) -> list[Block]:
        self.named[PREAMBLE_BOOKMARK] = (node.old, node.new)
        blocks = _joined([(block, joined, True) for _, block, joined in self.own(node)])
        if blocks:
            first = blocks[0]
            blocks[0] = Block(first.kind, first.runs, first.level, first.op, (PREAMBLE_BOOKMARK,))
        return blocks


def _joined(blocks: Sequence[tuple[Block, Op, bool]]) -> list[Block]:
    """Mark a paragraph whose break is new (or gone) where the next block is the same clause's next paragraph.

    In Word a paragraph's mark is its break: rejecting an inserted mark joins the
    paragraph to the next, which is how a break that only the new revision has is undone.
    """
    out: list[Block] = []
    for index, (block, joined, own) in enumerate(blocks):
        follows = index + 1 < len(blocks) and blocks[index + 1][2]
        if own and follows and joined is not Op.EQUAL and block.op is Op.EQUAL:
            block = Block(block.kind, block.runs, block.level, joined, block.bookmarks, block.rows)
        out.append(block)
    return out


def _runs(pieces: Sequence[Piece]) -> tuple[Run, ...]:
    return tuple(Run(piece.text, piece.op) for piece in pieces if piece.text)


def _heading_of(clause: Clause | None) -> str | None:
    return clause.label if clause is not None and clause.kind is ClauseKind.SECTION else None


def _number_of(clause: Clause | None) -> str | None:
    if clause is None or clause.kind is not ClauseKind.ITEM or not clause.number:
        return None
    return clause.printed_number


def _mark_for_empty(node: _Node) -> Op:
    if node.old is None:
        return Op.INSERT
    if node.new is None:
        return Op.DELETE
    return Op.EQUAL


def _line_on(node: _Node, side: Op) -> int | None:
    clause = node.new if side is Op.INSERT else node.old
    return clause.line if clause is not None else None


def _cell_texts(row: str) -> list[str]:
    inner = row.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner)]


def _cells_layout(text: str, cells: Sequence[str]) -> _Layout:
    """A table row's text (cells joined by `` | ``) laid out as one paragraph per cell."""
    paras: list[_Para] = []
    looks: list[tuple[bool, bool]] = [(False, False)] * len(text)
    at = 0
    for cell in cells:
        visible = plain_text(cell)
        if not visible:
            paras.append(_Para(BlockKind.PARAGRAPH, at, at, None))
            continue
        found = text.find(visible, at)
        if found < 0 or not _HIDDEN.match(text[at:found]):
            return _Layout((_Para(BlockKind.PARAGRAPH, 0, len(text), None),), tuple(looks))
        paras.append(_Para(BlockKind.PARAGRAPH, found, found + len(visible), None))
        looks[found : found + len(visible)] = _looks(cell, visible)
        at = found + len(visible)
    return _Layout(tuple(paras), tuple(looks))


# --- the two documents ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layout:
    """A body as blocks, and the clause each bookmark names: ``(old, new)``, one of them None when added or removed."""

    blocks: tuple[Block, ...]
    clauses: dict[str, tuple[Clause | None, Clause | None]]


def layout_document(document: Document) -> Layout:
    """A revision's body as blocks: its preamble, then every clause, unchanged."""
    writer = _Writer(None, document)
    blocks: list[Block] = []
    if document.preamble.strip():
        blocks.extend(writer.preamble(_same(_preamble(document.preamble))))
    for clause in document.clauses:
        node = _same(clause)
        blocks.extend([writer.table([node])] if clause.kind is ClauseKind.ROW else writer.blocks(node, 1))
    return Layout(tuple(blocks), writer.named)


def layout_redline(diff: DocumentDiff, old: Document, new: Document) -> Layout:
    """The new revision's body with every change from ``old`` marked: accept all → ``new``, reject all → ``old``."""
    writer = _Writer(old, new)
    paired_old = {id(entry.old) for entry in diff.walk() if entry.old is not None and entry.new is not None}
    blocks: list[Block] = []
    entries = list(diff.clauses)
    if entries and entries[0].is_preamble:
        first = entries.pop(0)
        pieces = first.redline
        node = _Node(
            _preamble(old.preamble) if first.old is not None else None,
            _preamble(new.preamble) if first.new is not None else None,
            pieces,
            (),
        )
        blocks.extend(writer.preamble(node))
    elif new.preamble.strip():
        blocks.extend(writer.preamble(_same(_preamble(new.preamble))))
    for entry in entries:
        for found in _from_diff(entry, paired_old):
            blocks.extend([writer.table([found])] if found.clause.kind is ClauseKind.ROW else writer.blocks(found, 1))
    return Layout(tuple(blocks), writer.named)


def _preamble(text: str) -> Clause:
    # The preamble is laid out like a clause of its own, on the lines before the first heading.
    # ``Document.preamble`` is already the text a reader sees (the one parse): its source is that
    # text escaped, so nothing in it reads as markup a second time.
    return Clause(
        kind=ClauseKind.SECTION,
        id=PREAMBLE_ID,
        number=None,
        title="",
        source=_ESCAPE.sub(r"\\\1", text),
        text=text,
        line=0,
        level=0,
    )
