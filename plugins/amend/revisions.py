"""Loading revision files: names, front matter, clause conventions, the whole set.

``load_*`` reads files; ``check_*`` returns problems. A BAA revision must follow
the BAA's conventions (SPEC "A revision file"); any other Markdown legal text
(``load_document``) is read leniently, as the redline must work on it.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .clauses import ATTRIBUTE_ID, FENCE_OPEN, heading_lines, parse_document, slugify, split_number
from .frontmatter import parse_front_matter, parse_revision_meta, split_front_matter
from .model import Document, Revision
from .naming import check_revision_set, named_by_effective
from .numerals import check_numerals
from .problems import Problem
from .timeline import DEFAULT_NOTICE_DAYS, check_timeline

REVISION_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})\.md")
CLAUSE_LEVEL = 2  # SPEC: a BAA's clauses are the level-2 headings "## N. Title"
RAW_HTML = re.compile(r"<(/?[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^>]*>|<!--")
EVENT_ATTRIBUTE = re.compile(r"\bon[a-z]+\s*=", re.I)
SCRIPT_URL = re.compile(r"\]\(\s*<?\s*(?:javascript|vbscript|data):", re.I)
# Script links a line-by-line look misses, read over the whole body with entities decoded: an
# inline link whose address starts on the next line, a reference definition (address on its line
# or the next), and a scheme written with entities (``java&#115;cript:``). Markdown links them all.
SCRIPT_URL_ANYWHERE = re.compile(
    r"\]\(\s*<?\s*(?:javascript|vbscript|data):|^ {0,3}\[[^\]\n]+\]:\s*<?\s*(?:javascript|vbscript|data):",
    re.I | re.M,
)


@dataclass(frozen=True, slots=True)
class RevisionSet:
    """What was loaded from a folder: the valid revisions and every problem found."""

    revisions: tuple[Revision, ...]
    problems: tuple[Problem, ...]


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """A file's text with ``\\n`` line ends, or a problem when it is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [Problem(shown, None, f"cannot read the file: {error.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(shown, line, "the file is not UTF-8 text; save it as UTF-8")]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def revision_id(name: str) -> str | None:
    """``2025-10-17.md`` → ``2025-10-17``, when the name is a real date."""
    match = REVISION_NAME.fullmatch(name)
    if not match:
        return None
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return name[:-3]


def parse_revision(text: str, path: Path, shown: str | None = None) -> tuple[Revision | None, list[Problem]]:
    """A BAA revision from its text, checked against the BAA's conventions."""
    shown = shown or path.as_posix()
    problems: list[Problem] = []
    rev_id = revision_id(path.name)
    if rev_id is None:
        problems.append(
            Problem(
                shown,
                None,
                f"file name '{path.name}' is not a revision date; name it YYYY-MM-DD.md (e.g. the effective date)",
            )
        )
    split = split_front_matter(text)
    meta, meta_problems = parse_revision_meta(split, shown)
    problems.extend(meta_problems)
    problems.extend(check_clause_headings(split.body, split.body_line, shown))
    problems.extend(check_raw_html(split.body, split.body_line, shown))
    if problems or meta is None or rev_id is None:
        return None, problems
    document = parse_document(split.body, rev_id, split.body_line, title=meta.title)
    return (
        Revision(
            id=rev_id,
            path=Path(shown),
            title=meta.title,
            posted=meta.posted,
            effective=meta.effective,
            summary=meta.summary,
            document=document,
            source=text,
            lines=meta.lines,
        ),
        [],
    )


def check_clause_headings(body: str, body_line: int, shown: str) -> list[Problem]:
    """Top-level clauses are numbered level-2 headings with unique ids, numbered in order."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    expected = 1
    for index, level, raw in heading_lines(body):
        line = body_line + index
        explicit = ATTRIBUTE_ID.search(raw)
        heading = ATTRIBUTE_ID.sub("", raw).strip()
        if level < CLAUSE_LEVEL:
            problems.append(
                Problem(
                    shown,
                    line,
                    f"level-{level} heading '{'#' * level} {raw}': the title comes from the front matter; "
                    f"remove this heading and write clauses as level-2 headings '## N. Title'",
                )
            )
            continue
        number, title = split_number(heading)
        if level == CLAUSE_LEVEL:
            if number is None:
                problems.append(
                    Problem(shown, line, f"clause heading '## {raw}' has no number; write '## {expected}. {heading}'")
                )
            elif number.isdigit():
                if int(number) != expected:
                    problems.append(
                        Problem(
                            shown,
                            line,
                            f"clause '## {raw}' is numbered {number}, but it is clause {expected} in order; "
                            f"number it {expected} (amend renumber {shown} renumbers them all, links included)",
                        )
                    )
                expected += 1  # every misnumbered clause is reported in one run, not one per run
            else:
                problems.append(
                    Problem(
                        shown,
                        line,
                        f"clause heading '## {raw}' must start with a whole number, e.g. '## {expected}. {title}'",
                    )
                )
                expected += 1
        if not title and not explicit:
            problems.append(Problem(shown, line, f"heading '{raw}' has no title; give the clause a title"))
            continue
        clause_id = explicit.group(1) if explicit else slugify(title)
        if level == CLAUSE_LEVEL or explicit:
            if clause_id in seen:
                how = "{#" + clause_id + "}" if explicit else f"its title, giving '{clause_id}'"
                problems.append(
                    Problem(
                        shown,
                        line,
                        f"duplicate clause id '{clause_id}' (first on line {seen[clause_id]}, here from {how}); "
                        "give one of them a different {#id} or title",
                    )
                )
            else:
                seen[clause_id] = line
        if explicit and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", clause_id):
            problems.append(
                Problem(
                    shown,
                    line,
                    f"clause id '{clause_id}' must be lowercase letters, digits and hyphens, "
                    f"e.g. '{slugify(clause_id)}'",
                )
            )
    return problems


def check_raw_html(body: str, body_line: int, shown: str) -> list[Problem]:
    """Raw HTML is not rendered (it would show as text) and may try to run script: reject it."""
    problems: list[Problem] = []
    fence: str | None = None
    visible: list[str] = []  # the body as Markdown reads it for links: no code, entities decoded
    for index, line in enumerate(body.split("\n")):
        visible.append("")
        opened = FENCE_OPEN.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0]:
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        text = re.sub(r"`[^`]*`", "", line)  # inline code shows markup as text, harmlessly
        visible[-1] = html.unescape(text).replace("\n", " ").replace("\r", " ")
        tag = RAW_HTML.search(text)
        if tag:
            what = tag.group(0)[:40]
            danger = "script" in what.lower() or EVENT_ATTRIBUTE.search(what)
            reason = "it could run script in a reader's browser" if danger else "it is not rendered"
            problems.append(
                Problem(
                    shown,
                    body_line + index,
                    f"raw HTML '{what}' is not allowed in a revision ({reason}); write it in Markdown, "
                    "or put it in `backticks` to show it as text",
                )
            )
        elif SCRIPT_URL.search(text):
            problems.append(
                Problem(
                    shown,
                    body_line + index,
                    "link to a 'javascript:' or 'data:' address is not allowed; link to an https:// page",
                )
            )
    flagged = {problem.line for problem in problems}
    joined = "\n".join(visible)
    for match in SCRIPT_URL_ANYWHERE.finditer(joined):
        at = body_line + joined.count("\n", 0, match.start())
        if at not in flagged:
            flagged.add(at)
            problems.append(
                Problem(
                    shown,
                    at,
                    "link to a 'javascript:' or 'data:' address is not allowed; link to an https:// page",
                )
            )
    return sorted(problems, key=lambda problem: problem.line or 0)


INTERNAL_LINK = re.compile(r"\]\(\s*#([^)\s]+)\s*\)")


def check_internal_links(revision: Revision) -> list[Problem]:
    """Every ``[text](#id)`` names a clause of the same revision (a dead cross-reference misleads a reader)."""
    ids = {clause.id for clause in revision.document.walk()}
    problems: list[Problem] = []
    for index, line in enumerate(revision.document.body.split("\n")):
        for match in INTERNAL_LINK.finditer(line):
            target = match.group(1)
            if target not in ids:
                hint = difflib.get_close_matches(target, sorted(ids), n=1)
                fix = f"did you mean '#{hint[0]}'?" if hint else "link to a clause id of this revision"
                problems.append(
                    Problem(
                        revision.path.as_posix(),
                        revision.document.body_line + index,
                        f"link to '#{target}' names no clause of this revision; {fix}",
                    )
                )
    return problems


PLACEHOLDER = re.compile(r"^\s*TODO\b", re.I)


def check_placeholders(revision: Revision) -> list[Problem]:
    """A "TODO" line left by `amend new` must be written before the revision is posted."""
    problems: list[Problem] = []
    if PLACEHOLDER.match(revision.summary):
        problems.append(
            Problem(
                revision.path.as_posix(),
                revision.lines.get("summary"),
                "summary still says TODO; write one or two plain sentences on what this revision changes",
            )
        )
    for index, line in enumerate(revision.document.body.split("\n")):
        if PLACEHOLDER.match(line):
            problems.append(
                Problem(
                    revision.path.as_posix(),
                    revision.document.body_line + index,
                    "a TODO line is still in the text; write the clause or remove the line",
                )
            )
    return problems


def load_revisions(folder: Path, notice_days: int = DEFAULT_NOTICE_DAYS, shown_root: Path | None = None) -> RevisionSet:
    """Every revision in ``folder`` (sorted by name) and every problem, timeline included."""
    shown_root = shown_root if shown_root is not None else folder.parent
    if not folder.is_dir():
        return RevisionSet(
            (),
            (
                Problem(
                    _shown(folder, shown_root), None, "revision folder not found; create it and add YYYY-MM-DD.md files"
                ),
            ),
        )
    revisions: list[Revision] = []
    problems: list[Problem] = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or path.is_dir():
            continue
        shown = _shown(path, shown_root)
        if path.suffix != ".md":
            problems.append(
                Problem(shown, None, "not a revision file; revision files are YYYY-MM-DD.md: rename or remove it")
            )
            continue
        text, read_problems = read_text(path, shown)
        problems.extend(read_problems)
        if text is None:
            continue
        revision, found = parse_revision(text, path, shown)
        problems.extend(found)
        if revision is not None:
            revisions.append(revision)
            problems.extend(check_placeholders(revision))
            problems.extend(check_internal_links(revision))
            problems.extend(check_numerals(revision))
    if not revisions and not problems:
        problems.append(Problem(_shown(folder, shown_root), None, "no revisions; add a first revision YYYY-MM-DD.md"))
    problems.extend(check_revision_set(revisions))
    problems.extend(check_timeline(named_by_effective(revisions), notice_days))
    return RevisionSet(tuple(revisions), tuple(problems))


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def load_document(path: Path) -> tuple[Document | None, list[Problem]]:
    """Any Markdown legal text, front matter optional; its id is the file's stem."""
    shown = path.as_posix()
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    return parse_any_document(text, path.stem, shown), []


def parse_any_document(text: str, doc_id: str, shown: str = "") -> Document:
    """Leniently parse a text with or without front matter; a ``title`` key names it."""
    split = split_front_matter(text)
    title = ""
    if split.front_matter is not None and split.closed:
        entries, _ = parse_front_matter(split.front_matter, shown, split.front_line)
        title = next((str(e.value) for e in entries if e.key == "title" and isinstance(e.value, str)), "")
        return parse_document(split.body, doc_id, split.body_line, title=title)
    return parse_document(text, doc_id, 1, title=title)


def revisions_by_id(revisions: Sequence[Revision]) -> dict[str, Revision]:
    return {r.id: r for r in revisions}
