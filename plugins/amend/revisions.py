"""Loading revision files: names, front matter, clause conventions, the whole set.

``load_*`` reads files; ``check_*`` returns problems. A BAA revision must follow
the BAA's conventions (SPEC "A revision file"); any other Markdown legal text
(``load_document``) is read leniently, as the redline must work on it.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .characters import show_invisible
from .clauses import Built, build_document, parse_document, slugify, visible_text
from .dialect import check_dialect
from .frontmatter import parse_front_matter, parse_revision_meta, split_front_matter
from .model import ClauseKind, Document, Revision
from .numerals import check_numerals
from .problems import Problem
from .timeline import DEFAULT_NOTICE_DAYS, check_timeline

REVISION_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})\.md")
CLAUSE_LEVEL = 2  # SPEC: a BAA's clauses are the level-2 headings "## N. Title"


@dataclass(frozen=True, slots=True)
class RevisionSet:
    """What was loaded from a folder: the valid revisions and every problem found."""

    revisions: tuple[Revision, ...]
    problems: tuple[Problem, ...]


MAX_FILE = 2_000_000  # bytes: a 25,000-word agreement is about 170 kB


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """A file's text with ``\\n`` line ends, or a problem: not UTF-8, not a regular file (a symbolic link,
    a device), or larger than :data:`MAX_FILE`. Bounded: never reads more than the limit.
    """
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            return None, [
                Problem(shown, None, "is a symbolic link; put the file itself here (amend reads only regular files)")
            ]
        if not stat.S_ISREG(info.st_mode):
            return None, [Problem(shown, None, "is not a regular file (a device, a pipe or a socket); remove it")]
        if info.st_size > MAX_FILE:
            return None, [
                Problem(shown, None, f"is {info.st_size:,} bytes; the limit is {MAX_FILE:,}: split or shorten it")
            ]
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE + 1)  # the file may have grown since it was looked at
    except OSError as error:
        return None, [Problem(shown, None, f"cannot read the file: {error.strerror}")]
    if len(raw) > MAX_FILE:
        return None, [Problem(shown, None, f"is over {MAX_FILE:,} bytes; split or shorten it")]
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
    built = build_document(split.body, rev_id or path.stem, split.body_line, title=meta.title if meta else "")
    problems.extend(check_clause_headings(built, shown))
    problems.extend(check_dialect(built, shown))
    if problems or meta is None or rev_id is None:
        return None, problems
    document = built.document
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


def check_clause_headings(built: Built, shown: str) -> list[Problem]:
    """Top-level clauses are numbered level-2 headings with unique ids, numbered in order.

    Read from the one parse (:func:`amend.clauses.build_document`): a heading is
    whatever the page renders as one, ATX or Setext, wherever it stands.
    """
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    expected = 1
    document = built.document
    if built.title_heading is not None:
        label = visible_text(built.parsed, built.title_heading)
        problems.append(
            Problem(
                shown,
                built.title_line,
                f"level-1 heading '# {label}': the title comes from the front matter; "
                f"remove this heading and write clauses as level-2 headings '## N. Title'",
            )
        )
    for clause in document.walk():
        if clause.kind is not ClauseKind.SECTION:
            continue
        line, level, title, number = clause.line, clause.level, clause.title, clause.number
        raw = clause.label + (f" {{#{clause.id}}}" if clause.explicit_id else "")
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
        if level == CLAUSE_LEVEL:
            if number is None:
                problems.append(
                    Problem(shown, line, f"clause heading '## {raw}' has no number; write '## {expected}. {title}'")
                )
            elif number.isdigit():
                if int(number) != expected:
                    problems.append(
                        Problem(
                            shown,
                            line,
                            f"clause '## {raw}' is numbered {number} but follows clause {expected - 1}; "
                            f"number it {expected}",
                        )
                    )
                expected = int(number) + 1
            else:
                problems.append(
                    Problem(
                        shown,
                        line,
                        f"clause heading '## {raw}' must start with a whole number, e.g. '## {expected}. {title}'",
                    )
                )
                expected += 1
        explicit = clause.explicit_id
        if not title and not explicit:
            problems.append(Problem(shown, line, f"heading '{raw}' has no title; give the clause a title"))
            continue
        clause_id = built.wanted.get(clause.id, clause.id)
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
        if path.name.startswith(".") or (path.is_dir() and not path.is_symlink()):
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
            problems.extend(check_numerals(revision))
    if not revisions and not problems:
        problems.append(Problem(_shown(folder, shown_root), None, "no revisions; add a first revision YYYY-MM-DD.md"))
    problems.extend(check_timeline(revisions, notice_days))
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
    return parse_any_document(text, show_invisible(path.stem), shown), []


def parse_any_document(text: str, doc_id: str, shown: str = "") -> Document:
    """Leniently parse a text with or without front matter; a ``title`` key names it."""
    split = split_front_matter(text)
    title = ""
    if split.front_matter is not None and split.closed:
        entries, _ = parse_front_matter(split.front_matter, shown, split.front_line)
        title = next((str(e.value) for e in entries if e.key == "title" and isinstance(e.value, str)), "")
        title = show_invisible(title)  # a file only diffed, never checked: its title is shown as it reads
        return parse_document(split.body, doc_id, split.body_line, title=title)
    return parse_document(text, doc_id, 1, title=title)


def revisions_by_id(revisions: Sequence[Revision]) -> dict[str, Revision]:
    return {r.id: r for r in revisions}
