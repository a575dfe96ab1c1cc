"""The blackline: the new revision as its own PDF prints it, with the changes from the old one marked in place.

A lawyer's redline is the agreement itself, not a list of clauses: the new
revision's rendered body (:func:`amend.document_html.render_document_html`,
so tables stay tables and each bold label is printed once) with every changed
passage replaced by its word redline, each deleted clause or sub-clause put
back, struck, where it stood, and a change bar beside every changed block.
Unchanged text carries no mark at all. Alongside comes the list of changes, in
document order, each with the element it points to, for the first page's
"what changed" list with page numbers.

Pure string work on the sanitised HTML of the two revisions (every ``<`` in it
opens a tag; revision text was escaped), driven by the clause diff; nothing
here knows about PDFs or pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from .diff import ChangeStatus, ClauseDiff, DocumentDiff
from .diffviews import PATH_SEPARATOR, clause_label, display_pieces, html_redline
from .document_html import escape, find_element
from .model import ClauseKind
from .redline import Op, Piece

BAR = "amend-bl-bar"  # a changed block: the print stylesheet draws a change bar beside it
REMOVED_PREFIX = "was-"  # ids of deleted text put back (they may repeat ids of the new text)
_SR_ADDED = '<span class="amend-rl-sr">[added: </span>'
_SR_DELETED = '<span class="amend-rl-sr">[deleted: </span>'
_SR_END = '<span class="amend-rl-sr">]</span>'
_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)\b([^>]*)>")
_VOID = frozenset({"br", "hr", "img", "wbr", "input", "col", "source"})
_IDS = re.compile(r'(\s(?:id|aria-labelledby)=")([^"]*)"')
_OWN_LINKS = re.compile(r'href="#([^"]*)"')


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the first page's list: where it is in the blackline, what it is, what happened."""

    anchor: str
    label: str  # the clause label and its sub-clause label, joined by PATH_SEPARATOR
    what: str  # "changed", "added", "deleted", "renumbered", "retitled"


@dataclass(frozen=True, slots=True)
class Blackline:
    html: str
    changes: tuple[Change, ...]


def render_blackline(diff: DocumentDiff, old_html: str, new_html: str) -> Blackline:
    """The new revision's body HTML with the changes from the old one marked, and the list of changes."""
    work = _Work(new_html, old_html)
    entries = [e for e in diff.clauses if not e.is_preamble]
    preamble = next((e for e in diff.clauses if e.is_preamble), None)
    if preamble is not None and _has_changes(preamble.redline):
        work.mark_preamble(preamble)
    work.mark_list(entries, parent=None, path=())
    return Blackline(work.html, tuple(work.changes))


def _has_changes(pieces: Sequence[Piece]) -> bool:
    return any(p.op is not Op.EQUAL for p in display_pieces(pieces))


def _redline(pieces: Sequence[Piece], label: str | None = None) -> str:
    """The word redline; a sub-clause's bold label stays bold when it did not change."""
    shown = display_pieces(pieces)
    if label and shown and shown[0].op is Op.EQUAL and shown[0].text.startswith(label):
        rest = [Piece(Op.EQUAL, shown[0].text[len(label) :]), *shown[1:]]
        return f"<strong>{escape(label)}</strong>" + html_redline(rest)
    return html_redline(shown)


def _namespaced(html: str) -> str:
    html = _IDS.sub(lambda m: f'{m.group(1)}{REMOVED_PREFIX}{m.group(2)}"', html)
    return _OWN_LINKS.sub(lambda m: f'href="#{REMOVED_PREFIX}{m.group(1)}"', html)


def _with_class(start_tag: str, name: str) -> str:
    """``<p id="x">`` → ``<p id="x" class="… name">``."""
    if ' class="' in start_tag:
        return start_tag.replace(' class="', f' class="{name} ', 1)
    return start_tag[:-1] + f' class="{name}">'


def _children(inner: str) -> list[tuple[int, int, str, str]]:
    """The top-level elements of an HTML fragment: (start, end, tag name, start tag)."""
    out: list[tuple[int, int, str, str]] = []
    depth, start, tag, start_tag = 0, 0, "", ""
    for match in _TAG.finditer(inner):
        closing, name = match.group(1) == "/", match.group(2)
        if name in _VOID or match.group(0).endswith("/>"):
            if depth == 0:
                out.append((match.start(), match.end(), name, match.group(0)))
            continue
        if not closing:
            if depth == 0:
                start, tag, start_tag = match.start(), name, match.group(0)
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                out.append((start, match.end(), tag, start_tag))
    return out


_CONTAINERS = frozenset({"section", "div", "ul", "ol", "table", "thead", "tbody", "tfoot", "tr", "blockquote"})
_BLOCKS = _CONTAINERS | {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dl", "dt", "dd", "pre", "hr"}


def _wrap_inner(inner: str, tag: str, sr: str) -> str:
    """Mark all of a fragment added (``ins``) or deleted (``del``): each paragraph, item, cell and heading
    gets its own mark and screen-reader words, so a mark never holds a block and never opens a page alone."""
    children = _children(inner)
    between = "".join(inner[a[1] : b[0]] for a, b in pairwise(children))
    edges = inner[: children[0][0]] + inner[children[-1][1] :] if children else inner
    inline = any(name not in _BLOCKS for _, _, name, _ in children) or (between + edges).strip()
    if not children or inline:
        return f'<{tag} class="amend-rl-{tag}">{sr}{inner}{_SR_END}</{tag}>' if inner.strip() else inner
    out, index = [], 0
    for start, end, name, start_tag in children:
        out.append(inner[index:start])
        element = inner[start:end]
        if name in _VOID:
            out.append(element)
        else:
            body = element[len(start_tag) : len(element) - len(f"</{name}>")]
            if name in _CONTAINERS:
                out.append(start_tag + _wrap_inner(body, tag, sr) + f"</{name}>")
            else:
                out.append(f'{start_tag}<{tag} class="amend-rl-{tag}">{sr}{body}{_SR_END}</{tag}></{name}>')
        index = end
    out.append(inner[index:])
    return "".join(out)


class _Work:
    """The blackline being built: the new HTML, edited clause by clause."""

    def __init__(self, new_html: str, old_html: str) -> None:
        self.html = new_html
        self.old_html = old_html
        self.changes: list[Change] = []

    # --- whole entries ---

    def mark_list(self, entries: Sequence[ClauseDiff], parent: ClauseDiff | None, path: tuple[str, ...]) -> None:
        previous: str | None = None  # the last sibling present in the new text (an element id)
        for index, entry in enumerate(entries):
            label = PATH_SEPARATOR.join((*path, clause_label(entry.clause)))
            if entry.status is ChangeStatus.REMOVED or entry.new is None:
                following = next((e.new.id for e in entries[index + 1 :] if e.new is not None), None)
                self.put_back(entry, parent, previous, following, label)
                continue
            if entry.status is ChangeStatus.ADDED or entry.old is None:
                self.mark_added(entry, label)
            else:
                self.mark_changed(entry, label)
                self.mark_list(entry.children, entry, (*path, clause_label(entry.clause)))
            previous = entry.new.id

    def mark_added(self, entry: ClauseDiff, label: str) -> None:
        assert entry.new is not None
        found = find_element(self.html, entry.new.id)
        if found is None:
            return
        start, open_end, close, _ = found
        start_tag = _with_class(self.html[start:open_end], f"{BAR} amend-bl-added")
        inner = _wrap_inner(self.html[open_end:close], "ins", _SR_ADDED)
        self.html = self.html[:start] + start_tag + inner + self.html[close:]
        self.changes.append(Change(entry.new.id, label, "added"))

    def put_back(
        self, entry: ClauseDiff, parent: ClauseDiff | None, previous: str | None, following: str | None, label: str
    ) -> None:
        """A deleted clause or sub-clause, struck, where it stood in the old text."""
        assert entry.old is not None
        found = find_element(self.old_html, entry.old.id)
        if found is None:
            return
        start, open_end, close, end = found
        start_tag = _with_class(self.old_html[start:open_end], f"{BAR} amend-bl-deleted")
        inner = _wrap_inner(self.old_html[open_end:close], "del", _SR_DELETED)
        block = _namespaced(start_tag + inner + self.old_html[close:end])
        at = self.insertion_point(parent, previous, following)
        if at is None:
            return
        self.html = self.html[:at] + block + self.html[at:]
        self.changes.append(Change(REMOVED_PREFIX + entry.old.id, label, "deleted"))

    def insertion_point(self, parent: ClauseDiff | None, previous: str | None, following: str | None) -> int | None:
        if previous is not None and (found := find_element(self.html, previous)) is not None:
            return found[3]
        if following is not None and (found := find_element(self.html, following)) is not None:
            return found[0]
        if parent is not None and parent.new is not None:
            heading = find_element(self.html, f"{parent.new.id}--heading")
            if heading is not None:
                return heading[3]
            found = find_element(self.html, parent.new.id)
            return found[2] if found is not None else None
        first = self.html.find("<section")
        return first if first >= 0 else len(self.html)

    # --- a paired entry: its heading and its own text ---

    def mark_changed(self, entry: ClauseDiff, label: str) -> None:
        assert entry.old is not None and entry.new is not None
        clause = entry.new
        what: list[str] = []
        if clause.kind is ClauseKind.SECTION and (entry.renumbered or entry.retitled):
            self.mark_heading(entry)
            what.append("retitled" if entry.retitled else "renumbered")
        if entry.status is ChangeStatus.MODIFIED and _has_changes(entry.redline):
            if clause.kind is ClauseKind.SECTION:
                self.mark_section_text(entry)
            else:
                self.mark_block(entry)
            what.insert(0, "changed")
        if what:
            self.changes.append(Change(clause.id, label, " and ".join(what)))

    def mark_heading(self, entry: ClauseDiff) -> None:
        assert entry.old is not None and entry.new is not None
        found = find_element(self.html, f"{entry.new.id}--heading")
        if found is None:
            return
        start, open_end, close, _ = found
        old, new = entry.old, entry.new
        number = escape(new.printed_number)
        if (old.number or "") != (new.number or ""):
            number = (
                f'<del class="amend-rl-del">{_SR_DELETED}{escape(old.printed_number)}{_SR_END}</del>'
                f'<ins class="amend-rl-ins">{_SR_ADDED}{escape(new.printed_number)}{_SR_END}</ins>'
            )
        title = escape(new.title)
        if entry.retitled:
            title = (
                f'<del class="amend-rl-del">{_SR_DELETED}{escape(old.title)}{_SR_END}</del> '
                f'<ins class="amend-rl-ins">{_SR_ADDED}{escape(new.title)}{_SR_END}</ins>'
            )
        marked = f'<span class="amend-number">{number}</span> {title}' if number else title
        self.html = self.html[:start] + _with_class(self.html[start:open_end], BAR) + marked + self.html[close:]

    def mark_section_text(self, entry: ClauseDiff) -> None:
        """A heading clause's own text (its paragraphs that are not sub-clauses), as one redlined paragraph."""
        assert entry.new is not None
        found = find_element(self.html, entry.new.id)
        if found is None:
            return
        _, open_end, close, _ = found
        inner = self.html[open_end:close]
        own = [
            child
            for child in _children(inner)
            if ' id="' not in child[3] and child[2] not in ("section", "h1", "h2", "h3", "h4", "h5", "h6")
        ]
        paragraph = f'<p class="{BAR}">{_redline(entry.redline)}</p>'
        if own:
            first_start = own[0][0]
            for start, end, _, _ in reversed(own[1:]):
                inner = inner[:start] + inner[end:]
            inner = inner[:first_start] + paragraph + inner[own[0][1] :]
        else:
            heading = next((c for c in _children(inner) if c[2].startswith("h")), None)
            at = heading[1] if heading is not None else 0
            inner = inner[:at] + paragraph + inner[at:]
        self.html = self.html[:open_end] + inner + self.html[close:]

    def mark_block(self, entry: ClauseDiff) -> None:
        """A sub-clause (paragraph, list item or table row): its own words replaced by their redline."""
        assert entry.new is not None
        clause = entry.new
        found = find_element(self.html, clause.id)
        if found is None:
            return
        start, open_end, close, _ = found
        start_tag = self.html[start:open_end]
        inner = self.html[open_end:close]
        label = f"{clause.title}." if clause.kind is ClauseKind.LABELLED and clause.title else None
        if start_tag.startswith("<tr"):
            inner = self._row(inner, entry.redline)
        elif start_tag.startswith("<li"):
            nested = re.search(r"<(?:ol|ul|p id=)\b", inner)
            cut = nested.start() if nested is not None else len(inner)
            inner = _redline(entry.redline, label) + inner[cut:]
        else:
            inner = _redline(entry.redline, label)
        self.html = self.html[:start] + _with_class(start_tag, BAR) + inner + self.html[close:]

    @staticmethod
    def _row(inner: str, pieces: Sequence[Piece]) -> str:
        """A table row's cells, each with its part of the redline (the row's text joins cells with `` | ``)."""
        cells: list[list[Piece]] = [[]]
        for piece in display_pieces(pieces):
            parts = piece.text.split(" | ")
            for number, part in enumerate(parts):
                if number:
                    cells.append([])
                if part:
                    cells[-1].append(Piece(piece.op, part))
        found = list(re.finditer(r"(<t[dh]\b[^>]*>)(.*?)(</t[dh]>)", inner, flags=re.S))
        if len(found) != len(cells):
            return f'<td colspan="{max(1, len(found))}">{html_redline(display_pieces(pieces))}</td>'
        out, index = [], 0
        for match, cell in zip(found, cells, strict=True):
            out.append(inner[index : match.start()])
            out.append(f"{match.group(1)}{html_redline(cell)}{match.group(3)}")
            index = match.end()
        out.append(inner[index:])
        return "".join(out)

    def mark_preamble(self, entry: ClauseDiff) -> None:
        first = self.html.find("<section")
        cut = first if first >= 0 else len(self.html)
        self.html = f'<p id="amend-bl-preamble" class="{BAR}">{_redline(entry.redline)}</p>\n' + self.html[cut:]
        self.changes.append(Change("amend-bl-preamble", "Preamble", "changed"))
