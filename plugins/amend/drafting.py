"""Starting a new revision (SPEC "The `amend` command": ``amend new``).

Owns what a new revision file looks like before the legal team edits it: the
latest revision's text, copied byte for byte, under front matter whose dates
keep the notice window (SPEC "Revision timeline and the notice window") and
whose summary is a placeholder sentence that says to replace it. The file
passes ``amend check`` as written; the placeholder is the one thing the text
itself tells the author to fill in.

The dates are arguments: this module never reads the clock. It refuses dates
that would break the timeline, naming the first date that would work, and a
file that already exists. Only :func:`write_revision` touches the disk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from .frontmatter import split_front_matter
from .model import Revision
from .problems import Problem
from .revisions import parse_revision
from .timeline import check_timeline, earliest_effective, plural_days

SUMMARY_PLACEHOLDER = "TODO: replace this line with one or two plain sentences on what this revision changes."
DEFAULT_TITLE = "Business Associate Agreement"
# The text of a first revision, when there is nothing to copy: one numbered clause, as `amend check` requires.
FIRST_BODY = """
TODO: an optional preamble (not a clause).

## 1. Parties {#parties}

TODO: write the first clause. Clauses are level-2 headings "## N. Title", numbered from 1.
"""

_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")  # YAML breaks lines at or refuses these
_YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}  # plain, YAML reads these as non-text
_PLAIN_YAML = re.compile(r"[A-Za-z][A-Za-z0-9 .,&()/'-]*[A-Za-z0-9.)]")  # anything else is double-quoted


def first_effective(revisions: Sequence[Revision], posted: date, notice_days: int) -> date:
    """The first effective date a revision posted on ``posted`` may have, after ``revisions``.

    SPEC "Revision timeline": at least ``notice_days`` after ``posted`` and
    after the latest revision's effective date. The first revision may take
    effect the day it is posted. The new file is named after its effective
    date and must sort after the latest file, so the day after the latest
    revision's id is a bound too.
    """
    latest = _latest(revisions)
    if latest is None:
        return posted
    bounds = [earliest_effective(posted, notice_days), latest.effective + timedelta(days=1)]
    latest_day = _id_date(latest.id)
    if latest_day is not None:
        bounds.append(latest_day + timedelta(days=1))
    return max(bounds)


def start_revision(
    revisions: Sequence[Revision],
    folder: Path,
    posted: date,
    effective: date | None,
    notice_days: int,
    *,
    today: date | None = None,
    shown_root: Path | None = None,
    title: str = DEFAULT_TITLE,
) -> tuple[Path, str] | list[Problem]:
    """The path and text of a new revision that follows ``revisions``, or why there cannot be one.

    ``effective`` defaults to :func:`first_effective`; a given one earlier
    than that is refused with the date that would work. ``today``, when
    given, refuses a back-dated ``posted`` (SPEC: a revision's posted date
    may not be earlier than the day its file reaches main). ``title`` is used
    only for a first revision; otherwise the latest revision's title is kept.
    Nothing is written: see :func:`write_revision`.
    """
    latest = _latest(revisions)
    earliest = first_effective(revisions, posted, notice_days)
    chosen = effective or earliest
    path = folder / f"{chosen.isoformat()}.md"
    shown = _shown(path, shown_root)
    problems: list[Problem] = []
    if today is not None and posted < today:
        problems.append(
            Problem(
                shown,
                None,
                f"posted {posted} is before today ({today}); a revision may not be back-dated: "
                f"use --posted {today} or later",
            )
        )
    if chosen < earliest:
        why = "; ".join(_reasons(latest, posted, chosen, notice_days))
        problems.append(Problem(shown, None, f"{why}: use --effective {earliest} or later"))
    if path.exists():
        problems.append(
            Problem(shown, None, f"{path.name} already exists; edit that file, or choose another --effective date")
        )
    if problems:
        return problems
    text = render_revision(latest, posted, chosen, title)
    # The file must pass `amend check` as written: prove it with the checker's own rules.
    revision, found = parse_revision(text, path, shown)
    if revision is not None:
        found = [p for p in check_timeline([*revisions, revision], notice_days) if p.path == shown]
    if found:
        return found
    return path, text


def render_revision(latest: Revision | None, posted: date, effective: date, title: str = DEFAULT_TITLE) -> str:
    """A revision file: front matter with the given dates and a placeholder summary, then the latest text."""
    if latest is None:
        body = FIRST_BODY
    else:
        title = latest.title
        body = split_front_matter(latest.source).body if latest.source else latest.document.body
    front = "\n".join(
        [
            "---",
            f"title: {yaml_string(title)}",
            f"posted: {posted.isoformat()}",
            f"effective: {effective.isoformat()}",
            f"summary: {yaml_string(SUMMARY_PLACEHOLDER)}",
            "---",
        ]
    )
    text = f"{front}\n{body}"
    return text if text.endswith("\n") else f"{text}\n"


def write_revision(path: Path, text: str, shown: str | None = None) -> list[Problem]:
    """Create ``path`` with ``text`` (UTF-8, ``\\n``); never overwrite an existing file."""
    shown = shown or path.as_posix()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        return [Problem(shown, None, f"{path.name} already exists; edit that file, or choose another --effective date")]
    except OSError as error:
        return [Problem(shown, None, f"cannot write the file: {error.strerror}")]
    return []


def yaml_string(value: str) -> str:
    """``value`` as a YAML scalar that reads back as the same string: plain when safe, else double-quoted."""
    plain = _PLAIN_YAML.fullmatch(value) and ": " not in value and " #" not in value
    if plain and value.lower() not in _YAML_WORDS:
        return value
    # A JSON string is a YAML double-quoted scalar; YAML also refuses some characters JSON leaves raw.
    quoted = json.dumps(value, ensure_ascii=False)
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


def _reasons(latest: Revision | None, posted: date, effective: date, notice_days: int) -> list[str]:
    """Why ``effective`` is too early, in the checker's words."""
    if latest is None:
        return [f"effective {effective} is before posted {posted}; a revision takes effect on or after its posting"]
    reasons: list[str] = []
    given = (effective - posted).days
    if given < notice_days:
        reasons.append(
            f"notice window would be {plural_days(given)} (posted {posted}, effective {effective}); "
            f"it must be at least {notice_days}"
        )
    if effective <= latest.effective:
        reasons.append(
            f"effective {effective} is not after {latest.effective}, when the latest revision {latest.id} takes effect"
        )
    latest_day = _id_date(latest.id)
    if latest_day is not None and latest.effective < effective <= latest_day:
        reasons.append(f"the file {effective}.md would not sort after the latest revision's file {latest.id}.md")
    return reasons


def _latest(revisions: Sequence[Revision]) -> Revision | None:
    return max(revisions, key=lambda r: r.id, default=None)


def _id_date(revision_id: str) -> date | None:
    try:
        return date.fromisoformat(revision_id)
    except ValueError:
        return None


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()
