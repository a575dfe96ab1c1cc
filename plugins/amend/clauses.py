"""Markdown legal text → clause tree (SPEC "A revision file").

Headings at any level form the tree; a number or letter prefix (``7.``,
``4.2``, ``A.``, ``(b)``) is optional. Inside a heading's own body,
sub-clauses are paragraphs or list items that open with a bold label,
numbered or lettered list items, and the rows of a table that lists things.
Everything else is clause body. This module is pure text → model; it reports
nothing about conventions (that is :mod:`amend.revisions`), only the tree.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from .model import Clause, ClauseKind, Document

HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*$|^ {0,3}(#{1,6})[ \t]*$")
CLOSING_HASHES = re.compile(r"[ \t]+#+$")
ATTRIBUTE_ID = re.compile(r"[ \t]*\{[ \t]*#([^\s}]+)[^}]*\}[ \t]*$")
FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# "7.", "4.2", "4.2.1", "A.", "(b)", "b)", "iv." — the number as the document prints it.
NUMBER = re.compile(
    r"^(?:(?:Section|Article|Clause|Part)\s+)?"
    r"(\(\w{1,4}\)|\d{1,3}(?:\.\d{1,3})*\.?|[A-Za-z]\.|[ivxlcdmIVXLCDM]{1,6}\.|[A-Za-z0-9]{1,3}\))"
    r"(?:\s+|$)(.*)$"
)
BULLET = re.compile(r"^( {0,3})([-*+])([ \t]+)(.*)$")
ORDERED = re.compile(r"^( {0,3})(\d{1,9})([.)])([ \t]+)(.*)$")
LETTERED = re.compile(r"^( {0,3})(\(?)([a-zA-Z]|[ivxIVX]{1,5})([.)])([ \t]+)(.*)$")
BOLD_LABEL = re.compile(r"^(\*\*|__)(.+?)\1")
TABLE_ROW = re.compile(r"^ {0,3}\|")
TABLE_RULE = re.compile(r"^ {0,3}\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")


def slugify(text: str) -> str:
    """A URL-safe id from a title: ``Incident & Breach Reporting`` → ``incident-breach-reporting``."""
    plain = unicodedata.normalize("NFKD", plain_text(text)).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug or "clause"


_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"!?\[([^\]]+)\]\[[^\]]*\]")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]+\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS_STAR = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_CODE = re.compile(r"(`+)(.+?)\1")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<!--.*?-->", re.S)
_SPACE = re.compile(r"\s+")


def plain_text(markdown: str) -> str:
    """The words a reader sees: markup removed, entities decoded, whitespace collapsed.

    Redlines compare this, so a change of emphasis, link target or line
    wrapping is not a change of wording.
    """
    text = ATTRIBUTE_ID.sub("", markdown) if "{" in markdown else markdown
    text = _strip_tags_outside_code(text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _FOOTNOTE_REF.sub("", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _CODE.sub(lambda m: m.group(2).strip(), text)
    for pattern in (_STRONG, _STRIKE):
        text = pattern.sub(lambda m: m.group(2) if m.lastindex == 2 else m.group(1), text)
    text = _EMPHASIS_STAR.sub(r"\1", text)
    text = _EMPHASIS_UNDERSCORE.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    text = html.unescape(text)
    return _SPACE.sub(" ", text).strip()


def _strip_tags_outside_code(text: str) -> str:
    """Drop HTML tags, except inside code spans: `<script>` in backticks is text the page shows."""
    if "<" not in text:
        return text
    if "`" not in text:
        return _TAG.sub(" ", text)
    mark = "\ue000"
    while mark in text:  # a marker the text cannot contain, so no placeholder is forged
        mark += "\ue001"
    spans: list[str] = []

    def hide(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"{mark}{len(spans) - 1}{mark}"

    text = _TAG.sub(" ", _CODE.sub(hide, text))
    return re.sub(re.escape(mark) + r"(\d+)" + re.escape(mark), lambda m: spans[int(m.group(1))], text)


def split_number(heading: str) -> tuple[str | None, str]:
    """``"7. Term & Termination"`` → ``("7", "Term & Termination")``; unnumbered → ``(None, heading)``."""
    match = NUMBER.match(heading)
    if not match or not match.group(2).strip():
        return None, heading
    number = match.group(1)
    if number.endswith("."):
        number = number[:-1]
    return number, match.group(2).strip()


@dataclass
class _Block:
    """A run of source lines: a paragraph, a list item, a table, a fence."""

    kind: str  # "para", "bullet", "ordered", "lettered", "table", "code", "other"
    lines: list[str]
    line: int
    marker: str = ""
    content_start: int = 0  # characters of the first line before the content


@dataclass
class _Section:
    level: int
    heading: str
    line: int
    body: list[tuple[int, str]] = field(default_factory=list)
    children: list[_Section] = field(default_factory=list)


def heading_lines(body: str) -> list[tuple[int, int, str]]:
    """Every ATX heading outside code fences: (0-based line index, level, raw text)."""
    out: list[tuple[int, int, str]] = []
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        opened = FENCE_OPEN.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        match = HEADING.match(line)
        if match:
            hashes = match.group(1) or match.group(3)
            raw = CLOSING_HASHES.sub("", match.group(2) or "").strip()
            if raw.startswith("#") and set(raw) == {"#"}:
                raw = ""
            out.append((index, len(hashes), raw))
    return out


def parse_document(body: str, doc_id: str, body_line: int = 1, title: str = "") -> Document:
    """Parse a Markdown body (front matter already removed) into a :class:`Document`.

    A single level-1 heading that comes first is the document's title, not a
    clause; every other heading is a clause nested under the nearest shallower
    one. Ids are the explicit ``{#id}`` or a slug of the title, made unique in
    the document with ``-2``, ``-3``… in document order.
    """
    lines = body.split("\n")
    headings = heading_lines(body)
    level_one = [h for h in headings if h[1] == 1]
    skip_title: int | None = None
    if len(level_one) == 1 and headings and headings[0][1] == 1:
        skip_title = headings[0][0]
        if not title:
            title = plain_text(ATTRIBUTE_ID.sub("", headings[0][2]))
    heading_at = {index: (level, raw) for index, level, raw in headings if index != skip_title}
    if not heading_at:  # no clause headings: perhaps an agreement written as one numbered list
        numbered = _numbered_list(lines, body_line, skip_title)
        if numbered is not None:
            return Document(
                id=doc_id, title=title, preamble=numbered[0], clauses=numbered[1], body=body, body_line=body_line
            )

    root = _Section(level=0, heading="", line=body_line)
    stack: list[_Section] = [root]
    for index, line in enumerate(lines):
        if index == skip_title:
            continue
        if index in heading_at:
            level, raw = heading_at[index]
            section = _Section(level=level, heading=raw, line=body_line + index)
            while stack[-1].level >= level:
                stack.pop()
            stack[-1].children.append(section)
            stack.append(section)
        else:
            stack[-1].body.append((body_line + index, line))

    ids = _IdRegistry()
    clauses = tuple(_build_section(section, ids, parent_id=None) for section in root.children)
    preamble = "\n".join(text for _, text in root.body).strip("\n")
    return Document(id=doc_id, title=title, preamble=preamble, clauses=clauses, body=body, body_line=body_line)


def _numbered_list(lines: list[str], body_line: int, skip: int | None) -> tuple[str, tuple[Clause, ...]] | None:
    from .numbered import parse_numbered_list

    numbered = [(body_line + index, line) for index, line in enumerate(lines) if index != skip]
    return parse_numbered_list(numbered, plain_text, slugify, _IdRegistry().claim)


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


def _build_section(section: _Section, ids: _IdRegistry, parent_id: str | None) -> Clause:
    raw = section.heading
    explicit = ATTRIBUTE_ID.search(raw)
    heading = ATTRIBUTE_ID.sub("", raw).strip() if explicit else raw
    number, title = split_number(heading)
    title_text = plain_text(title)
    wanted = explicit.group(1) if explicit else slugify(title_text or (number or "clause"))
    clause_id = ids.claim(wanted)
    own_lines, sub_clauses = _split_body(section.body, ids, clause_id)
    children = sub_clauses + [_build_section(child, ids, clause_id) for child in section.children]
    source = "\n".join(own_lines).strip("\n")
    return Clause(
        kind=ClauseKind.SECTION,
        id=clause_id,
        number=number,
        title=title_text,
        source=source,
        text=plain_text(source),
        line=section.line,
        level=section.level,
        explicit_id=explicit is not None,
        children=tuple(children),
    )


def _split_body(body: list[tuple[int, str]], ids: _IdRegistry, parent_id: str) -> tuple[list[str], list[Clause]]:
    """A heading's own lines and the sub-clauses among them."""
    own: list[str] = []
    subs: list[Clause] = []
    ordinal: int | None = None  # Markdown numbers an ordered list from its first item on
    for block in _blocks(body):
        if block.kind == "ordered":
            start = int(block.marker.rstrip(".)"))
            ordinal = start if ordinal is None else ordinal + 1
            block.marker = f"{ordinal}{block.marker[-1]}"
        else:
            ordinal = None
        clause = _sub_clause(block, ids, parent_id, len(subs))
        if clause is None:
            if block.kind == "table":
                rows = _table_rows(block, ids, parent_id)
                if rows:
                    subs.extend(rows)  # the header row names the columns; each row is a thing of its own
                    continue
            own.extend(block.lines)
            own.append("")
        else:
            subs.append(clause)
    return own, subs


def _blocks(body: list[tuple[int, str]]) -> list[_Block]:
    """Group body lines into paragraphs, top-level list items, tables and fences."""
    blocks: list[_Block] = []
    current: _Block | None = None
    fence: str | None = None
    for number, line in body:
        if fence is not None:
            assert current is not None
            current.lines.append(line)
            opened = FENCE_OPEN.match(line)
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
                current = None
            continue
        opened = FENCE_OPEN.match(line)
        if opened:
            fence = opened.group(1)
            current = _Block("code", [line], number)
            blocks.append(current)
            continue
        if not line.strip():
            if current is not None and current.kind in ("bullet", "ordered", "lettered"):
                current.lines.append(line)  # a list item may go on after a blank line
            else:
                current = None
            continue
        indented = len(line) - len(line.lstrip(" "))
        if current is not None and current.kind in ("bullet", "ordered", "lettered") and indented >= 2:
            current.lines.append(line)  # a nested list or a continuation belongs to its item
            continue
        item = _list_item(line, number)
        if item is not None:
            current = item
            blocks.append(current)
            continue
        if TABLE_ROW.match(line):
            if current is None or current.kind != "table":
                current = _Block("table", [], number)
                blocks.append(current)
            current.lines.append(line)
            continue
        if current is not None and current.kind in ("bullet", "ordered", "lettered"):
            blank_before = not current.lines[-1].strip()
            if blank_before and not line.startswith((" ", "\t")):
                current = _Block("para", [line], number)
                blocks.append(current)
                continue
            current.lines.append(line)
            continue
        if current is None or current.kind in ("table", "code"):
            current = _Block("para", [line], number)
            blocks.append(current)
        else:
            current.lines.append(line)
    for block in blocks:
        while block.lines and not block.lines[-1].strip():
            block.lines.pop()
    return blocks


def _list_item(line: str, number: int) -> _Block | None:
    match = ORDERED.match(line)
    if match:
        prefix = len(match.group(1)) + len(match.group(2)) + 1 + len(match.group(4))
        return _Block("ordered", [line], number, marker=match.group(2) + match.group(3), content_start=prefix)
    match = LETTERED.match(line)
    if match:
        marker = match.group(2) + match.group(3) + match.group(4)
        if match.group(2) == "(" and match.group(4) != ")":
            return None
        prefix = len(match.group(1)) + len(marker) + len(match.group(5))
        return _Block("lettered", [line], number, marker=marker, content_start=prefix)
    match = BULLET.match(line)
    if match:
        prefix = len(match.group(1)) + 1 + len(match.group(3))
        return _Block("bullet", [line], number, marker=match.group(2), content_start=prefix)
    return None


def _sub_clause(block: _Block, ids: _IdRegistry, parent_id: str, index: int) -> Clause | None:
    if block.kind in ("code", "table", "other"):
        return None
    if block.kind == "para":
        content = "\n".join(block.lines)
    else:
        first = block.lines[0][block.content_start :]
        rest = [_dedent(line, block.content_start) for line in block.lines[1:]]
        content = "\n".join([first, *rest])
    label_match = BOLD_LABEL.match(content.lstrip())
    label = plain_text(label_match.group(2)).rstrip(".:;,— -") if label_match else ""
    number: str | None = None
    if block.kind == "ordered":
        number = block.marker.rstrip(".)")
    elif block.kind == "lettered":
        number = block.marker if block.marker.startswith("(") else block.marker.rstrip(".)")
    if not label and number is None:
        return None
    kind = ClauseKind.LABELLED if label else ClauseKind.ITEM
    wanted = f"{parent_id}-{slugify(label)}" if label else f"{parent_id}-{slugify(number or str(index + 1))}"
    return Clause(
        kind=kind,
        id=ids.claim(wanted),
        number=number,
        title=label,
        source=content.strip("\n"),
        text=plain_text(content),
        line=block.line,
        level=0,
        children=(),
    )


def _dedent(line: str, width: int) -> str:
    stripped = len(line) - len(line.lstrip(" "))
    return line[min(stripped, width) :]


def _cells(row: str) -> list[str]:
    inner = row.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", inner)]


def _table_rows(block: _Block, ids: _IdRegistry, parent_id: str) -> list[Clause]:
    """The rows of a table that lists things: a header, a rule, and rows whose first cells differ."""
    if len(block.lines) < 3 or not TABLE_RULE.match(block.lines[1]):
        return []
    rows = block.lines[2:]
    firsts = [plain_text(_cells(row)[0]) for row in rows]
    if any(not first for first in firsts) or len(set(firsts)) != len(firsts):
        return []
    out: list[Clause] = []
    for offset, (row, first) in enumerate(zip(rows, firsts, strict=True)):
        cells = _cells(row)
        out.append(
            Clause(
                kind=ClauseKind.ROW,
                id=ids.claim(f"{parent_id}-{slugify(first)}"),
                number=None,
                title=first,
                source=row,
                text=" | ".join(plain_text(cell) for cell in cells),
                line=block.line + 2 + offset,
                level=0,
            )
        )
    return out
