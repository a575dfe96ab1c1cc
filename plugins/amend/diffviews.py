"""Views of a :class:`~amend.diff.DocumentDiff`: terminal text, Markdown for a pull request, HTML for the site.

Every view puts the flags first (what a reviewer looks at first), then the
changed clauses with their redlines, and keeps unchanged clauses out of the
way. Every piece of revision text is escaped for the format it lands in: a
revision that contains ``<script>`` shows it as text. Views read the diff and
never change it; they know nothing of files, the clock or the site's layout
(the HTML view gets the two revisions' addresses as arguments).

A delete/insert pair that reads the same (a curly quote became straight, a
space was added) is shown as plain text: it is in the JSON, losslessly, but
it is not a change of wording.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator, Sequence
from html import escape

from .diff import ChangeStatus, ClauseDiff, DocumentDiff, Summary
from .flags import Flag, FlagKind
from .model import Clause
from .redline import Op, Piece, normalize, same_words

PATH_SEPARATOR = " \u203a "  # a single right-pointing angle quote between a clause's label and its sub-clause's
CONTEXT_WORDS = 12  # words of unchanged text kept on each side of a change in an excerpt
LONG_REDLINE = 700  # characters beyond which the Markdown view folds a clause's full redline

FLAG_NAMES = {
    FlagKind.NUMBER: "number changed",
    FlagKind.DURATION: "time period changed",
    FlagKind.MODAL: "modal verb changed",
    FlagKind.OBLIGATION_ADDED: "obligation added",
    FlagKind.OBLIGATION_REMOVED: "obligation removed",
    FlagKind.FREQUENCY: "frequency changed",
    FlagKind.AMOUNT: "amount changed",
    FlagKind.CONJUNCTION: "and/or changed",
    FlagKind.PERMISSION_ADDED: "permission added",
    FlagKind.PERMISSION_REMOVED: "permission removed",
    FlagKind.DEFINITION: "definition changed",
    FlagKind.REFERENCE: "cross-reference changed",
}


def uses_definition(flag: Flag) -> bool:
    """A flag on a clause that uses a term whose definition changed elsewhere (its old and new are the term)."""
    return flag.kind is FlagKind.DEFINITION and flag.old is not None and flag.old == flag.new


def flag_name(flag: Flag) -> str:
    """What a flag is about, in words; a clause that only uses a changed definition says so."""
    return "uses a changed definition" if uses_definition(flag) else FLAG_NAMES[flag.kind]


def flag_context(flag: Flag) -> str:
    """The sentence a flag sits in and whose duty or right it is, as one plain line (empty when neither)."""
    sentence = shown_sentence(flag)
    if sentence and flag.party:
        return f"{flag.party}: “{sentence}”"
    if sentence:
        return f"“{sentence}”"
    return f"Party: {flag.party}" if flag.party else ""


def shown_sentence(flag: Flag) -> str | None:
    """The flag's sentence, unless the flag already quotes it whole (an added or removed obligation)."""
    if not flag.sentence or flag.sentence in (flag.old, flag.new):
        return None
    return flag.sentence


# --- shared helpers ----------------------------------------------------------------------------


def display_pieces(pieces: Sequence[Piece]) -> list[Piece]:
    """The pieces as a reader should see them: a change of quotes or spaces only is shown as unchanged text."""
    out: list[Piece] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        if piece.op is Op.DELETE and index + 1 < len(pieces) and pieces[index + 1].op is Op.INSERT:
            inserted = pieces[index + 1]
            if same_words(piece.text, inserted.text):
                out.append(Piece(Op.EQUAL, inserted.text))
                index += 2
                continue
        elif piece.op is not Op.EQUAL and not normalize(piece.text):
            out.append(Piece(Op.EQUAL, piece.text if piece.op is Op.INSERT else ""))
            index += 1
            continue
        out.append(piece)
        index += 1
    merged: list[Piece] = []
    for piece in out:
        if not piece.text:
            continue
        if merged and merged[-1].op is piece.op:
            merged[-1] = Piece(piece.op, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def excerpt(pieces: Sequence[Piece], context: int = CONTEXT_WORDS) -> tuple[list[Piece], bool]:
    """The changes with ``context`` words of unchanged text around each; whether anything was left out."""
    shown = display_pieces(pieces)
    out: list[Piece] = []
    cut = False
    for index, piece in enumerate(shown):
        if piece.op is not Op.EQUAL:
            out.append(piece)
            continue
        words = piece.text.split(" ")
        first, last = index == 0, index == len(shown) - 1
        keep_head = 0 if first else context  # words after the previous change
        keep_tail = 0 if last else context  # words before the next change
        if len(words) <= keep_head + keep_tail + 2:
            out.append(piece)
            continue
        cut = True
        head = " ".join(words[:keep_head])
        tail = " ".join(words[len(words) - keep_tail :]) if keep_tail else ""
        text = (head + " … " if keep_head else "… ") + tail if keep_tail else head + " …"
        if first and not keep_tail:
            text = "…"
        out.append(Piece(Op.EQUAL, text))
    return out, cut


def clause_label(clause: Clause) -> str:
    """How a clause is named to a reader: number and title, or "Preamble"."""
    if clause.line == 0 and clause.id == "preamble" and not clause.title:
        return "Preamble"
    label = clause.label
    return label or clause.id


def walk_with_path(entries: Sequence[ClauseDiff], path: tuple[str, ...] = ()) -> Iterator[tuple[ClauseDiff, str]]:
    """Every entry with its path of labels, ``7. Incident & Breach Reporting \u203a Timing``."""
    for entry in entries:
        here = (*path, clause_label(entry.clause))
        yield entry, PATH_SEPARATOR.join(here)
        yield from walk_with_path(entry.children, here)


def summary_line(summary: Summary) -> str:
    parts = [
        f"{summary.modified} modified",
        f"{summary.added} added",
        f"{summary.removed} removed",
        f"{summary.moved} moved",
        f"{summary.unchanged} unchanged",
    ]
    line = " · ".join(parts)
    if summary.formatting_only:
        line += f" ({summary.formatting_only} with formatting changes only)"
    return line


def destinations(diff: DocumentDiff) -> dict[str, str]:
    """Each new clause id with its path of labels, to name where a clause's text went."""
    return {entry.new.id: path for entry, path in walk_with_path(diff.clauses) if entry.new is not None}


def entry_notes(entry: ClauseDiff, where: dict[str, str] | None = None) -> list[str]:
    """Short notes on an entry: moved, renumbered, retitled, formatting only, moved elsewhere."""
    notes: list[str] = []
    if entry.moved:
        notes.append("moved")
    if entry.old and entry.new:
        if entry.renumbered:
            notes.append(f"was {entry.old.number}" if entry.old.number else "was unnumbered")
        if entry.retitled:
            notes.append(f"was titled “{entry.old.title}”" if entry.old.title else "was untitled")
    if entry.formatting_only:
        notes.append("formatting only")
    if entry.split_from:
        source = (where or {}).get(entry.split_from)
        notes.append(f"split off {source}" if source else "split off another clause")
    if entry.moved_to:
        target = (where or {}).get(entry.moved_to)
        notes.append(f"its text moved to {target}" if target else "its text moved elsewhere")
    return notes


def _flag_words(flag: Flag) -> tuple[str, str]:
    return (flag.old if flag.old is not None else "—", flag.new if flag.new is not None else "—")


def _headline(diff: DocumentDiff) -> str:
    if not diff.wording_changed:
        if diff.formatting_only:
            return "Formatting only: no wording changed."
        return "No changes."
    return summary_line(diff.summary)


# --- text (terminal) ------------------------------------------------------------------------------

_RED = "\x1b[31;9m"
_GREEN = "\x1b[32;4m"
_BOLD = "\x1b[1m"
_YELLOW = "\x1b[33m"
_RESET = "\x1b[0m"
_MARK = {
    ChangeStatus.UNCHANGED: "=",
    ChangeStatus.MODIFIED: "~",
    ChangeStatus.ADDED: "+",
    ChangeStatus.REMOVED: "-",
}


def render_text(diff: DocumentDiff, color: bool = False, width: int = 100) -> str:
    """The diff for a terminal: ``[-deleted-]{+inserted+}`` without colour, struck red / underlined green with it."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    out = [paint(_BOLD, f"Redline {diff.old_id} → {diff.new_id}"), _headline(diff)]
    flags = [(path, flag) for entry, path in walk_with_path(diff.clauses) for flag in entry.flags]
    if flags:
        out += ["", paint(_BOLD, "Look here first:")]
        for path, flag in flags:
            old, new = _flag_words(flag)
            change = f"“{new}”" if uses_definition(flag) else f"{old} → {new}"
            out.append(f"  ! {path}: {flag_name(flag)}: {change}")
            context = flag_context(flag)
            if context:
                out.append(f"      {context}")
    unchanged: list[str] = []
    changed_lines: list[str] = []
    where = destinations(diff)
    for entry, path in walk_with_path(diff.clauses):
        depth = path.count(PATH_SEPARATOR)
        notes = entry_notes(entry, where)
        if not is_open(entry):
            if depth == 0:
                unchanged.append(clause_label(entry.clause) + (f" ({'; '.join(notes)})" if notes else ""))
            continue
        indent = "  " * depth
        status = entry.status.value + (f"; {'; '.join(notes)}" if notes else "")
        head = f"{indent}{_MARK[entry.status]} {clause_label(entry.clause)}  [{status}]"
        changed_lines += ["", paint(_YELLOW if entry.status is ChangeStatus.MODIFIED else _BOLD, head)]
        if entry.old and entry.new and entry.retitled:
            title = _text_redline([Piece(Op.DELETE, entry.old.title), Piece(Op.INSERT, entry.new.title)], color)
            changed_lines.append(f"{indent}    title: {title}")
        body = ""
        if entry.moved_to:
            body = ""
        elif entry.status is ChangeStatus.MODIFIED and any(p.op is not Op.EQUAL for p in display_pieces(entry.redline)):
            short = len(entry.clause.text) <= LONG_REDLINE
            body = _text_redline(display_pieces(entry.redline) if short else excerpt(entry.redline)[0], color)
        elif entry.status in (ChangeStatus.ADDED, ChangeStatus.REMOVED):
            body = _text_redline(display_pieces(entry.redline), color)
        if body:
            changed_lines += textwrap.wrap(
                body, width, initial_indent=indent + "    ", subsequent_indent=indent + "    "
            )
    out += changed_lines
    if unchanged:
        out += ["", f"Unchanged ({len(unchanged)}): " + "; ".join(unchanged)]
    return "\n".join(out) + "\n"


def is_open(entry: ClauseDiff) -> bool:
    """Whether a view shows an entry open: its wording changed, or it was added, removed or moved."""
    return entry.status is not ChangeStatus.UNCHANGED or entry.moved


def _text_redline(pieces: Sequence[Piece], color: bool) -> str:
    parts: list[str] = []
    for op, text in pieces:
        if op is Op.EQUAL:
            parts.append(text)
        elif color:
            parts.append(f"{_RED if op is Op.DELETE else _GREEN}{text}{_RESET}")
        else:
            parts.append(f"[-{text}-]" if op is Op.DELETE else f"{{+{text}+}}")
    return "".join(parts)


# --- Markdown (pull-request comment) --------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|~#!])")
_MD_LINE_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+>=])")


_REFERENCE = re.compile(r"([@#])(?=\w)")


def md_escape(text: str) -> str:
    """Revision text made inert in GitHub Markdown, the one escaper of every Markdown output.

    HTML escaped, Markdown punctuation backslashed, and no ``@mention`` or
    ``#123`` reference: a zero-width space after ``@`` and ``#`` keeps GitHub
    from notifying a user or linking an issue from revision text.
    """
    escaped = _REFERENCE.sub("\\1\u200b", text)
    escaped = _MD_SPECIAL.sub(r"\\\1", escape(escaped, quote=False))
    escaped = escaped.replace("\n", " ")
    return _MD_LINE_START.sub(
        lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}" if m.group(2) else f"{m.group(4)}\\{m.group(5)}", escaped
    )


def _md_redline(pieces: Sequence[Piece]) -> str:
    parts: list[str] = []
    for op, text in pieces:
        safe = md_escape(text)
        if op is Op.EQUAL:
            parts.append(safe)
        elif not text.strip():
            parts.append(safe if op is Op.INSERT else "")
        elif op is Op.DELETE:
            parts.append(f"<del>{safe}</del>")
        else:
            parts.append(f"<ins>{safe}</ins>")
    return "".join(parts)


def render_markdown(diff: DocumentDiff, old_href: str | None = None, new_href: str | None = None) -> str:
    """The diff as a pull-request comment: flags first, then each changed clause with its redline.

    Deleted words are ``<del>`` (struck through) and inserted words ``<ins>``
    (underlined), so the comment reads without colour. A long clause shows its
    changes with some context and folds its full redline in ``<details>``.
    With ``old_href``/``new_href`` (addresses of the two revision pages), each
    clause heading links to the clause in both.
    """
    lines = [f"### Redline {md_escape(diff.old_id)} → {md_escape(diff.new_id)}", "", f"**{_headline(diff)}**"]
    flagged = [(path, flag) for entry, path in walk_with_path(diff.clauses) for flag in entry.flags]
    if flagged:
        lines += [
            "",
            "#### Look here first",
            "",
            "| Clause | Change | Was | Now | Whose | Sentence |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for path, flag in flagged:
            old, new = _flag_words(flag)
            whose = md_escape(flag.party) if flag.party else "—"
            quoted = shown_sentence(flag)
            sentence = md_escape(quoted) if quoted else "—"
            was, now = (
                (md_escape(old), md_escape(new))
                if uses_definition(flag)
                else (
                    _cell(old, Op.DELETE),
                    _cell(new, Op.INSERT),
                )
            )
            lines.append(f"| {md_escape(path)} | {flag_name(flag)} | {was} | {now} | {whose} | {sentence} |")
    changed = [(entry, path) for entry, path in walk_with_path(diff.clauses) if _shows(entry)]
    if changed:
        lines += ["", "#### Changes"]
    where = destinations(diff)
    for entry, path in changed:
        lines += ["", _md_heading(entry, path, old_href, new_href, where)]
        if entry.old and entry.new and entry.retitled:
            lines += ["", f"Title: <del>{md_escape(entry.old.title)}</del> → <ins>{md_escape(entry.new.title)}</ins>"]
        if entry.moved_to:
            continue
        shown = display_pieces(entry.redline)
        if not any(p.op is not Op.EQUAL for p in shown):
            continue
        if entry.status is ChangeStatus.MODIFIED:
            if len(entry.clause.text) <= LONG_REDLINE:
                lines += ["", "> " + _md_redline(shown)]
                continue
            pieces, cut = excerpt(entry.redline)
            lines += ["", "> " + _md_redline(pieces)]
            if cut:
                lines += ["", "<details><summary>Whole clause</summary>", "", _md_redline(shown), "", "</details>"]
        else:
            text = _md_redline(shown)
            if len(entry.clause.text) > LONG_REDLINE:
                lines += [
                    "",
                    f"<details><summary>Text ({len(entry.clause.text.split())} words)</summary>",
                    "",
                    text,
                    "",
                    "</details>",
                ]
            else:
                lines += ["", "> " + text]
    quiet = [entry for entry in diff.clauses if not is_open(entry)]
    if quiet:
        lines += ["", f"<details><summary>{len(quiet)} unchanged clause{'s' if len(quiet) != 1 else ''}</summary>", ""]
        for entry in quiet:
            notes = entry_notes(entry)
            note = f" ({md_escape('; '.join(notes))})" if notes else ""
            lines.append(f"- {md_escape(clause_label(entry.clause))}{note}")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _shows(entry: ClauseDiff) -> bool:
    """Whether an entry gets its own heading in the Markdown view (changed, or moved or renumbered)."""
    if entry.status is ChangeStatus.MODIFIED:
        return (
            any(p.op is not Op.EQUAL for p in display_pieces(entry.redline))
            or entry.retitled
            or entry.moved
            or not entry.children
        )
    return entry.status is not ChangeStatus.UNCHANGED or entry.moved


def _cell(text: str, op: Op) -> str:
    if text == "—":
        return text
    tag = "del" if op is Op.DELETE else "ins"
    return f"<{tag}>{md_escape(text)}</{tag}>"


def _md_heading(entry: ClauseDiff, path: str, old_href: str | None, new_href: str | None, where: dict[str, str]) -> str:
    notes = entry_notes(entry, where)
    status = entry.status.value + (f"; {'; '.join(notes)}" if notes else "")
    links: list[str] = []
    if old_href is not None and entry.old is not None:
        links.append(f"[old]({_href(old_href, entry.old)})")
    if new_href is not None and entry.new is not None:
        links.append(f"[new]({_href(new_href, entry.new)})")
    tail = f" · {' · '.join(links)}" if links else ""
    return f"**{md_escape(path)}** — _{md_escape(status)}_{tail}"


def _href(prefix: str, clause: Clause) -> str:
    if clause.line == 0 and clause.id == "preamble":
        return prefix
    return f"{prefix}#{clause.id}"


# --- HTML (the compare page's body) ---------------------------------------------------------------

_SR_DELETED = '<span class="amend-rl-sr">[deleted: </span>'
_SR_ADDED = '<span class="amend-rl-sr">[added: </span>'
_SR_END = '<span class="amend-rl-sr">]</span>'


def html_redline(pieces: Sequence[Piece]) -> str:
    """Inline redline: ``<del>``/``<ins>`` with labels for screen readers; all text escaped."""
    parts: list[str] = []
    for op, text in display_pieces(pieces):
        safe = escape(text)
        if op is Op.EQUAL:
            parts.append(safe)
        elif op is Op.DELETE:
            parts.append(f'<del class="amend-rl-del">{_SR_DELETED}{safe}{_SR_END}</del>')
        else:
            parts.append(f'<ins class="amend-rl-ins">{_SR_ADDED}{safe}{_SR_END}</ins>')
    return "".join(parts)


def _side(pieces: Sequence[Piece], keep: Op) -> str:
    """One side of the side-by-side view: the old text with its deletions, or the new with its insertions."""
    parts: list[str] = []
    for op, text in display_pieces(pieces):
        if op is Op.EQUAL:
            parts.append(escape(text))
        elif op is keep:
            parts.append(html_redline([Piece(op, text)]))
    return "".join(parts)


def render_html(diff: DocumentDiff, old_href: str = "", new_href: str = "") -> str:
    """The compare page's body: flags, a legend, then the redline inline or side by side.

    ``old_href`` and ``new_href`` are the addresses of the two revision pages
    (relative, e.g. ``../../2025-04-15/``); every clause header links to the
    clause in both (``../../2025-04-15/#parties``). The two views are switched
    by radio buttons and CSS, so the page needs no JavaScript.
    """
    out = [
        f'<div class="amend-rl" data-from="{escape(diff.old_id)}" data-to="{escape(diff.new_id)}">',
        f'<p class="amend-rl-summary">{escape(_headline(diff))}</p>',
    ]
    out.append(_html_flags(diff))
    out.append(_HTML_LEGEND)
    out.append(
        '<div class="amend-rl-views">'
        '<input type="radio" class="amend-rl-toggle" name="amend-rl-view" id="amend-rl-inline" checked>'
        '<label for="amend-rl-inline">Inline</label>'
        '<input type="radio" class="amend-rl-toggle" name="amend-rl-view" id="amend-rl-side">'
        '<label for="amend-rl-side">Side by side</label>'
    )
    out.append('<div class="amend-rl-inline">')
    where = destinations(diff)
    out.append(_grouped(diff.clauses, lambda e: _html_entry(e, old_href, new_href, 0, diff, where)))
    out.append("</div>")
    out.append('<div class="amend-rl-side">')
    out.append(
        f'<div class="amend-rl-cols" aria-hidden="true"><span>{escape(diff.old_id)}</span>'
        f"<span>{escape(diff.new_id)}</span></div>"
    )
    out.append(_grouped(diff.clauses, lambda e: _html_side_entry(e, 0, diff, where)))
    out.append("</div>")
    out.append("</div>")
    out.append("</div>")
    return "\n".join(out) + "\n"


def render_entry_html(
    entry: ClauseDiff, diff: DocumentDiff, old_href: str, new_href: str, where: dict[str, str] | None = None
) -> str:
    """One clause's inline redline, as on the compare page (a clause history page shows them one by one)."""
    return _html_entry(entry, old_href, new_href, 0, diff, destinations(diff) if where is None else where)


_HTML_LEGEND = (
    '<details class="amend-rl-legend"><summary>How to read this redline</summary><ul>'
    '<li><del class="amend-rl-del">Struck-through words</del> were deleted; '
    '<ins class="amend-rl-ins">underlined words</ins> were added. Screen readers announce them as '
    "“deleted” and “added”.</li>"
    "<li>Each clause is marked <strong>modified</strong>, <strong>added</strong>, <strong>removed</strong> "
    "or <strong>unchanged</strong>; <strong>moved</strong> means it now stands elsewhere in the order, and "
    "“was 6” gives its old number.</li>"
    "<li>Unchanged clauses are folded: open one to read it. A clause whose Markdown changed but not its "
    "wording is marked <strong>formatting only</strong>.</li>"
    "<li>“Look here first” lists changed numbers, amounts, time periods, frequencies, modal verbs (may, shall, "
    "will, must), “and” / “or” in a duty, obligations and permissions added or removed, changed definitions "
    "and the clauses that use them, and cross-references that now point elsewhere; each with its sentence and "
    "whose duty or right it is.</li>"
    "<li>Each clause heading links to the clause in both revisions.</li>"
    "</ul></details>"
)


def clause_anchor(entry: ClauseDiff) -> str:
    """The element id of an entry in the inline redline (removed clauses keep their own namespace)."""
    return f"rl-{entry.id}" if entry.status is not ChangeStatus.REMOVED else f"rl-removed-{entry.id}"


def _html_flags(diff: DocumentDiff) -> str:
    flagged = [(entry, path, flag) for entry, path in walk_with_path(diff.clauses) for flag in entry.flags]
    if not flagged:
        return (
            '<section class="amend-rl-flags amend-rl-flags--none" aria-label="Look here first">'
            "<p>Nothing flagged: no number, amount, time period, frequency, modal verb, obligation, permission, "
            "definition or cross-reference changed.</p></section>"
        )
    items = []
    for entry, path, flag in flagged:
        old = f'<del class="amend-rl-del">{_SR_DELETED}{escape(flag.old)}{_SR_END}</del>' if flag.old else "—"
        new = f'<ins class="amend-rl-ins">{_SR_ADDED}{escape(flag.new)}{_SR_END}</ins>' if flag.new else "—"
        change = f"{old} → {new}"
        if uses_definition(flag):
            change = f"“{escape(flag.new or '')}”"
        context = ""
        sentence = shown_sentence(flag)
        if flag.party:
            who = f"{escape(flag.party)}:" if sentence else f"Party: {escape(flag.party)}"
            context += f' <span class="amend-rl-flag-party">{who}</span>'
        if sentence:
            context += f' <span class="amend-rl-flag-sentence">“{escape(sentence)}”</span>'
        if context:
            context = f'<br><span class="amend-rl-flag-context">{context.strip()}</span>'
        items.append(
            f'<li class="amend-rl-flag amend-rl-flag--{flag.kind.value}"><a href="#{escape(clause_anchor(entry))}">'
            f"{escape(path)}</a>: <strong>{flag_name(flag)}</strong>: {change}{context}</li>"
        )
    return (
        '<section class="amend-rl-flags" aria-labelledby="amend-rl-flags-title">'
        '<h2 id="amend-rl-flags-title">Look here first</h2><ul>' + "".join(items) + "</ul></section>"
    )


def _html_links(entry: ClauseDiff, old_href: str, new_href: str, diff: DocumentDiff, tag: str = "span") -> str:
    links = []
    if entry.old is not None:
        links.append(f'<a href="{escape(_href(old_href, entry.old))}">in {escape(diff.old_id)}</a>')
    if entry.new is not None:
        links.append(f'<a href="{escape(_href(new_href, entry.new))}">in {escape(diff.new_id)}</a>')
    return f'<{tag} class="amend-rl-links">' + " · ".join(links) + f"</{tag}>"


def _html_head(
    entry: ClauseDiff, old_href: str, new_href: str, diff: DocumentDiff, where: dict[str, str], links: bool = True
) -> str:
    status = entry.status.value
    badges = [f'<span class="amend-rl-status amend-rl-status--{status}">{status}</span>']
    badges += [f'<span class="amend-rl-note">{escape(note)}</span>' for note in entry_notes(entry, where)]
    title = escape(clause_label(entry.clause))
    if entry.old and entry.new and entry.retitled:
        title = (
            f'<del class="amend-rl-del">{_SR_DELETED}{escape(clause_label(entry.old))}{_SR_END}</del> '
            f'<ins class="amend-rl-ins">{_SR_ADDED}{escape(clause_label(entry.new))}{_SR_END}</ins>'
        )
    tail = f" {_html_links(entry, old_href, new_href, diff)}" if links else ""
    return f'<span class="amend-rl-label">{title}</span> {" ".join(badges)}{tail}'


def _grouped(entries: Sequence[ClauseDiff], render: Callable[[ClauseDiff], str]) -> str:
    """Render ``entries``, folding each run of two or more unchanged ones into one "N unchanged" fold.

    A reader scanning for changes then passes one line per quiet stretch, not
    one per clause; each clause inside stays its own fold with its links.
    """
    out: list[str] = []
    run: list[ClauseDiff] = []

    def flush() -> None:
        if len(run) >= 2:
            names = ", ".join(clause_label(e.clause) for e in run[:3]) + (", …" if len(run) > 3 else "")
            out.append(
                '<details class="amend-rl-quiet"><summary>'
                f"{len(run)} unchanged: {escape(names)}</summary>" + "".join(render(e) for e in run) + "</details>"
            )
        else:
            out.extend(render(e) for e in run)
        run.clear()

    for entry in entries:
        if is_open(entry):
            flush()
            out.append(render(entry))
        else:
            run.append(entry)
    flush()
    return "".join(out)


def _html_entry(
    entry: ClauseDiff, old_href: str, new_href: str, depth: int, diff: DocumentDiff, where: dict[str, str]
) -> str:
    level = min(3 + depth, 6)
    head = _html_head(entry, old_href, new_href, diff, where)
    classes = f"amend-rl-clause amend-rl-clause--{entry.status.value}" + (
        " amend-rl-clause--moved" if entry.moved else ""
    )
    text = html_redline(entry.redline)
    body = f'<p class="amend-rl-text">{text}</p>' if text else ""
    if entry.moved_to:
        body = f'<p class="amend-rl-text amend-rl-moved-away">{html_redline(entry.redline)}</p>' if text else ""
    children = _grouped(entry.children, lambda c: _html_entry(c, old_href, new_href, depth + 1, diff, where))
    if children:
        children = f'<div class="amend-rl-children">{children}</div>'
    anchor = escape(clause_anchor(entry))
    if not is_open(entry):
        # No link inside a summary (a control inside a control, WCAG 4.1.2): they open the fold's body.
        summary = _html_head(entry, old_href, new_href, diff, where, links=False)
        links = _html_links(entry, old_href, new_href, diff, tag="p")
        return (
            f'<details class="{classes}" id="{anchor}"><summary class="amend-rl-head">{summary}</summary>'
            f"{links}{body}{children}</details>"
        )
    return (
        f'<section class="{classes}" id="{anchor}"><h{level} class="amend-rl-head">{head}</h{level}>'
        f"{body}{children}</section>"
    )


def _html_side_entry(entry: ClauseDiff, depth: int, diff: DocumentDiff, where: dict[str, str]) -> str:
    label = escape(clause_label(entry.clause))
    status = entry.status.value
    notes = "".join(f' <span class="amend-rl-note">{escape(n)}</span>' for n in entry_notes(entry, where))
    head = (
        f'<span class="amend-rl-label">{label}</span> '
        f'<span class="amend-rl-status amend-rl-status--{status}">{status}</span>{notes}'
    )
    old = _side(entry.redline, Op.DELETE) if entry.old is not None else ""
    new = _side(entry.redline, Op.INSERT) if entry.new is not None else ""
    old_head = escape(clause_label(entry.old)) if entry.old is not None else ""
    new_head = escape(clause_label(entry.new)) if entry.new is not None else ""
    row = (
        '<div class="amend-rl-row">'
        f'<div class="amend-rl-old"><span class="amend-rl-sr">{escape(diff.old_id)}: </span>'
        f'<p class="amend-rl-side-label">{old_head}</p><p>{old}</p></div>'
        f'<div class="amend-rl-new"><span class="amend-rl-sr">{escape(diff.new_id)}: </span>'
        f'<p class="amend-rl-side-label">{new_head}</p><p>{new}</p></div>'
        "</div>"
    )
    children = _grouped(entry.children, lambda c: _html_side_entry(c, depth + 1, diff, where))
    classes = f"amend-rl-clause amend-rl-clause--{status}"
    if not is_open(entry):
        return f'<details class="{classes}"><summary class="amend-rl-head">{head}</summary>{row}{children}</details>'
    return f'<div class="{classes}"><p class="amend-rl-head">{head}</p>{row}{children}</div>'
