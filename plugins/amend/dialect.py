"""The safe dialect of a revision (SPEC "One text"): what it may contain, and a problem for the rest.

A revision may use only what renders the same on the page, in the PDF and in
the redline: headings (with an optional ``{#id}``), paragraphs, emphasis,
lists, tables, block quotes, inline code, links to ``https:``, ``http:``,
``mailto:`` and site-relative addresses, and footnotes that are defined.
:func:`check_dialect` reads the one parse (:func:`amend.clauses.build_document`)
for what Markdown made of the text, and the source only to say where: each
problem names the line, the column, what was found and the fix.

Refused: raw HTML and tag-like text, attribute lists other than a heading's
``{#id}`` (classes and styles change what one surface shows), undefined
reference links and footnote markers (``[text][label]``, ``[^note]``), brace
and template text (``{: …}``, ``{% … %}``, ``{{ … }}``) that the page would
print as is, fenced and indented code blocks, images, definition lists, link
titles; characters a reader cannot see (bidi controls, zero-width characters,
tag characters, soft hyphens, C0/C1 controls), compatibility look-alikes
(full-width digits) and words that mix scripts ("shall" written with a Cyrillic
"s", U+0455); and, to bound the work of every reader, lines over
:data:`MAX_LINE` characters and nesting deeper than :data:`MAX_DEPTH`.
Every scan here is linear in the text.
"""

from __future__ import annotations

import bisect
import difflib
import html
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable

from .characters import char_name, is_invisible
from .clauses import MAX_BRACKETS, Built, bracket_heavy_blocks
from .problems import Problem

MAX_LINE = 5_000  # characters in one source line
MAX_DEPTH = 12  # nested lists and quotes
SCHEMES = ("https:", "http:", "mailto:")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{0,30}:")
_TAG_LIKE = re.compile(r"<(?:!--|[/!?]?[A-Za-z])")
_DANGER = re.compile(r"script|\bon[a-z]{1,20}\s*=", re.I)
_BRACKETS = re.compile(r"\]\s?\[|\[\^")
_BRACES = re.compile(r"\{[#:%{.]|\{\s+[#:.]|[%}]\}")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE = {"code", "pre"}
_NATIVE = {"href", "src", "alt", "title", "start"}
_FOOTNOTE_CLASSES = {"footnote", "footnote-ref", "footnote-backref"}
_ALIGN = re.compile(r"text-align: ?(left|right|center);?")
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")
_WORD = re.compile(r"\w+")
_Problem = Callable[[str, str], None]  # (snippet to locate, message)


class _Where:
    """Line and column of a snippet in the body, found in document order by searching (never parsing)."""

    def __init__(self, body: str, body_line: int) -> None:
        self.body = body
        self.body_line = body_line
        self.starts = [0]
        self.starts.extend(i + 1 for i, c in enumerate(body) if c == "\n")
        self.cursor = 0

    def of_offset(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.body_line + index, offset - self.starts[index] + 1

    def find(self, needle: str) -> tuple[int | None, int | None]:
        if not needle:
            return None, None
        at = self.body.find(needle, self.cursor)
        if at < 0:
            at = self.body.find(needle)
        if at < 0:
            return None, None
        self.cursor = at + 1
        return self.of_offset(at)


def check_dialect(built: Built, shown: str) -> list[Problem]:
    """Everything in a revision outside the safe dialect, each with its line, column and fix."""
    body, body_line = built.document.body, built.document.body_line
    where = _Where(body, body_line)
    problems = check_characters(body, body_line, shown)
    problems.extend(_check_entities(body, where, shown))
    problems.extend(_check_lines(body, body_line, shown))
    problems.extend(_check_tree(built, where, shown))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.message))


def check_characters(text: str, first_line: int, shown: str) -> list[Problem]:
    """Invisible and direction-changing characters, compatibility look-alikes and mixed-script words."""
    problems: list[Problem] = []
    if text.isascii():
        for index, line in enumerate(text.split("\n")):
            for column, char in enumerate(line, 1):
                if char != "\t" and not char.isprintable():
                    problems.append(_invisible(shown, first_line + index, column, char))
                    break
        return problems
    for index, line in enumerate(text.split("\n")):
        if line.isascii() and line.isprintable():
            continue
        number = first_line + index
        reported: set[str] = set()
        for column, char in enumerate(line, 1):
            if char.isascii() and (char.isprintable() or char == "\t"):
                continue
            if char in reported:
                continue
            if is_invisible(char):
                reported.add(char)
                problems.append(_invisible(shown, number, column, char))
                continue
            folded = unicodedata.normalize("NFKC", char)
            if folded != char and folded.isascii() and folded.isalnum():
                reported.add(char)
                problems.append(
                    Problem(
                        shown,
                        number,
                        f"'{char}' ({char_name(char)}) looks like '{folded}' but is another character; type '{folded}'",
                        column=column,
                    )
                )
        for match in _WORD.finditer(line):
            word = match.group(0)
            if word.isascii():
                continue
            scripts = {_script(c) for c in word if c.isalpha()} - {None}
            if len(scripts) > 1:
                odd = next(c for c in word if c.isalpha() and _script(c) != "LATIN" and not c.isascii())
                problems.append(
                    Problem(
                        shown,
                        number,
                        f"the word '{word}' mixes {' and '.join(sorted(s.title() for s in scripts if s))} letters "
                        f"({char_name(odd)}); retype it in one script",
                        column=match.start() + 1,
                    )
                )
    return problems


_ENTITY_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _check_entities(body: str, where: _Where, shown: str) -> list[Problem]:
    """An invisible character written as an entity (``&#x202E;``) is the character once rendered."""
    problems: list[Problem] = []
    if "&" not in body:
        return problems
    for match in _ENTITY_REF.finditer(body):
        written = match.group(0)
        decoded = html.unescape(written)
        odd = next((c for c in decoded if is_invisible(c)), None)
        if odd is not None and decoded != written:
            line, column = where.of_offset(match.start())
            problems.append(
                Problem(
                    shown,
                    line,
                    f"'{written}' writes the invisible character {char_name(odd)}: a reader cannot see it; delete it",
                    column=column,
                )
            )
    return problems


def _script(char: str) -> str | None:
    name = unicodedata.name(char, "")
    return next((s for s in _SCRIPTS if name.startswith(s)), None)


def _invisible(shown: str, line: int, column: int, char: str) -> Problem:
    return Problem(
        shown,
        line,
        f"invisible character {char_name(char)}: a reader cannot see it, and it can change how the text "
        "reads or hide words; delete it",
        column=column,
    )


def _check_lines(body: str, body_line: int, shown: str) -> list[Problem]:
    problems: list[Problem] = [
        Problem(
            shown,
            body_line + start,
            f"this paragraph has {count:,} '[' characters; the limit is {MAX_BRACKETS}: split it, "
            "or write fewer brackets",
        )
        for start, count in bracket_heavy_blocks(body)
    ]
    for index, line in enumerate(body.split("\n")):
        if len(line) > MAX_LINE:
            problems.append(
                Problem(
                    shown,
                    body_line + index,
                    f"line is {len(line):,} characters long; the limit is {MAX_LINE:,}: break it into paragraphs",
                )
            )
        fence = _FENCE.match(line)
        if fence:
            problems.append(
                Problem(
                    shown,
                    body_line + index,
                    f"'{fence.group(1)}' opens a fenced code block, which a revision may not use (the page would "
                    "render what is inside as text or as headings); remove the fence lines",
                    column=len(line) - len(line.lstrip(" ")) + 1,
                )
            )
    return problems


def _check_tree(built: Built, where: _Where, shown: str) -> list[Problem]:
    problems: list[Problem] = []
    anchors = {id(a) for a in built.anchors}
    ids = sorted(clause.id for clause in built.document.walk())

    def problem(needle: str, message: str) -> None:
        line, column = where.find(needle)
        problems.append(Problem(shown, line if line is not None else where.body_line, message, column=column))

    def walk(element: etree.Element, depth: int, in_code: bool) -> None:
        tag = element.tag
        if tag in ("ul", "ol", "blockquote"):
            depth += 1
            if depth == MAX_DEPTH + 1:
                text = (element.findtext(".//p") or "").strip() or "".join(element.itertext()).strip()
                problem(
                    text[:30],
                    f"lists and quotes are nested {depth} deep here; the limit is {MAX_DEPTH}: flatten them",
                )
        if tag == "pre":
            first = "".join(element.itertext()).strip().split("\n")[0]
            problem(
                html.unescape(first)[:30],
                "an indented code block (four spaces) is not part of a revision; remove the indent",
            )
            return
        if tag == "img":
            problem(
                "![",
                "an image is not part of a revision (the redline cannot compare it); remove it or link to it",
            )
        if tag in ("dl",):
            problem(
                ": ",
                "a definition list (a line opening with ': ') is not part of a revision; write a table or a list",
            )
        if tag == "a":
            _check_link(element, problem)
            _check_cross_reference(element, ids, problem)
        if id(element) in anchors:
            text = (element.text or "").strip()
            problem(text, f"'{text}' on its own line: write the id at the end of the heading line, as '{{#id}}'")
            return
        _check_attributes(element, built, problem)
        code = in_code or tag in _CODE
        if not code:
            for value in (element.text,):
                _check_text(value or "", problem)
        for child in element:
            walk(child, depth, code)
            if not code:
                _check_text(child.tail or "", problem)

    for child in built.parsed.root:
        walk(child, 0, False)
        _check_text(child.tail or "", problem)
    return problems


def _check_attributes(element: etree.Element, built: Built, problem: _Problem) -> None:
    tag = element.tag
    for name, value in element.attrib.items():
        if name in _NATIVE and not (name == "title" and tag == "a"):
            continue
        if name == "class" and value in _FOOTNOTE_CLASSES:
            continue
        if name == "id" and (value.startswith(("fn:", "fnref:")) or tag in ("h1", "h2", "h3", "h4", "h5", "h6")):
            continue
        if name == "style" and tag in ("td", "th") and _ALIGN.fullmatch(value):
            continue
        if name == "title" and tag == "a":
            problem(
                value,
                f'link title "{value}" shows only on hover, never in the PDF; put the words in the text and remove '
                "the title",
            )
            continue
        needle = value.split()[0] if value.split() else name
        problem(
            needle,
            f'attribute list sets {name}="{value}" on a {tag}; a revision may only give a heading its {{#id}}: '
            "remove the attribute list (classes and styles change what one surface shows)",
        )


def _check_link(element: etree.Element, problem: _Problem) -> None:
    href = element.get("href") or ""
    if "footnote" in (element.get("class") or ""):
        return
    target = html.unescape(href).strip()
    cleaned = "".join(c for c in target if not c.isspace() and not is_invisible(c))
    shown = "".join(element.itertext()).strip()
    needle = f"[{shown[:20]}" if shown else href[:20]
    scheme = _SCHEME.match(cleaned)
    if scheme is None or cleaned.lower().startswith(SCHEMES):
        return
    name = scheme.group(0).lower()
    if name in ("javascript:", "vbscript:", "data:"):
        problem(needle, "link to a 'javascript:' or 'data:' address is not allowed; link to an https:// page")
    else:
        problem(
            needle,
            f"link to a '{name}' address is not allowed; link to an https://, http:// or mailto: address, "
            "or to a page of the site",
        )


def _check_cross_reference(element: etree.Element, ids: list[str], problem: _Problem) -> None:
    """Every ``[text](#id)`` names a clause of the same revision (a dead cross-reference misleads a reader)."""
    href = element.get("href") or ""
    if not href.startswith("#") or "footnote" in (element.get("class") or ""):
        return
    target = href[1:]
    if target in ids:
        return
    hint = difflib.get_close_matches(target, ids, n=1)
    fix = f"did you mean '#{hint[0]}'?" if hint else "link to a clause id of this revision"
    problem(f"(#{target}", f"link to '#{target}' names no clause of this revision; {fix}")


def _check_text(raw: str, problem: _Problem) -> None:
    """Text Markdown left as text that a reader would take for markup, or that reads as markup elsewhere."""
    if not raw or not ("<" in raw or "[" in raw or "{" in raw or "}" in raw):
        return
    tag = _TAG_LIKE.search(raw)
    if tag:
        end = raw.find(">", tag.start(), tag.start() + 200)
        what = raw[tag.start() : end + 1 if end >= 0 else tag.start() + 40][:40]
        if what.startswith("<!--"):
            what = "<!--"
        danger = _DANGER.search(raw, tag.start(), end if end >= 0 else tag.start() + 200)
        reason = "it could run script in a reader's browser" if danger else "it is not rendered"
        problem(
            what,
            f"raw HTML '{what}' is not allowed in a revision ({reason}); write it in Markdown, "
            "or put it in `backticks` to show it as text",
        )
    bracket = _BRACKETS.search(raw)
    if bracket:
        start = raw.rfind("[", 0, bracket.start() + 1)
        start = bracket.start() if start < 0 else start
        end = raw.find("]", bracket.end(), bracket.end() + 60)
        what = raw[start : end + 1 if end >= 0 else start + 40]
        problem(
            what,
            f"'{what}' is an undefined reference link or footnote marker, which the page prints as it is; "
            "define it ('[label]: https://…' or '[^note]: text'), or write it without brackets",
        )
    brace = _BRACES.search(raw)
    if brace:
        start = max(raw.rfind("{", 0, brace.start() + 1), 0)
        end = raw.find("}", brace.start() + 1, brace.start() + 60)
        end = end + 1 if end >= 0 and raw[end + 1 : end + 2] != "}" else end + 2 if end >= 0 else start + 40
        what = raw[start:end]
        problem(
            what,
            f"'{what}' is attribute or template syntax, which the page prints as it is; remove it "
            "(a heading's id is written '{#id}' at the end of the heading line)",
        )
