"""Names that readers rely on: file names, years, and the anchors of published clauses.

Checks over the whole revision set that the parse of one file cannot make
(SPEC "A revision file", "Clause headings and ids" in docs/legal-team.md):

- a file is named after its ``effective`` date: the name is the revision id,
  the URL and the order of the timeline, so a typo in it must be renamed;
- ``effective`` is not more than three years after ``posted`` (a year typo such
  as 2062 for 2026 would otherwise pass and announce a change for decades);
- a clause without ``{#id}`` that is retitled loses its published anchor (its
  id comes from its title): the fix is to keep the old id explicitly;
- the id of a removed clause is not given to a different clause, or links
  readers saved would land on the wrong text.

Every fix is aimed at the newer revision (the one being written); nothing here
suggests editing the older one. ``check_*`` functions never raise.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from .clauses import slugify
from .model import Clause, Revision
from .problems import Problem

HORIZON_YEARS = 3  # an effective date further than this after posting is almost surely a typo


def named_by_effective(revisions: Sequence[Revision]) -> list[Revision]:
    """The revisions as the timeline should order them: each under the id its ``effective`` date gives.

    A file whose name disagrees with its effective date is reported once, by
    :func:`check_file_names`; ordering it by its effective date keeps the
    timeline from blaming the revision next to it for the typo.
    """
    return [
        revision
        if revision.id == revision.effective.isoformat()
        else replace(revision, id=revision.effective.isoformat())
        for revision in revisions
    ]


def check_file_names(revisions: Sequence[Revision]) -> list[Problem]:
    """The file name is the effective date (SPEC "A revision file"): say how to rename it."""
    problems: list[Problem] = []
    taken = {revision.id for revision in revisions}
    for revision in revisions:
        wanted = revision.effective.isoformat()
        if revision.id == wanted or wanted in taken:
            continue  # another file is that day's revision: the timeline says two revisions share a day
        if beyond_horizon(revision):
            continue  # the year is wrong, not the name: check_horizon says so
        path = revision.path.as_posix()
        folder = revision.path.parent.as_posix()
        target = f"{folder}/{wanted}.md" if folder not in ("", ".") else f"{wanted}.md"
        problems.append(
            Problem(
                path,
                revision.lines.get("effective"),
                f"file name {revision.path.name} is not the effective date {wanted}; a revision is named after the "
                f"day it takes effect: rename it (git mv {path} {target}), or correct effective if the name is right",
            )
        )
    return problems


def beyond_horizon(revision: Revision) -> bool:
    """Whether ``effective`` is more than three years after ``posted`` (a year typo, almost surely)."""
    return revision.effective > _years_after(revision.posted, HORIZON_YEARS)


def check_horizon(revisions: Sequence[Revision]) -> list[Problem]:
    """``effective`` at most three years after ``posted``: a longer window is a typo in the year."""
    problems: list[Problem] = []
    for revision in revisions:
        limit = _years_after(revision.posted, HORIZON_YEARS)
        if beyond_horizon(revision):
            years = revision.effective.year - revision.posted.year
            problems.append(
                Problem(
                    revision.path.as_posix(),
                    revision.lines.get("effective"),
                    f"effective {revision.effective} is {years} years after posted {revision.posted}; a revision "
                    f"takes effect within {HORIZON_YEARS} years of its notice: check the year (set effective to "
                    f"{limit} or earlier, and name the file after it)",
                )
            )
    return problems


def check_anchors(revisions: Sequence[Revision]) -> list[Problem]:
    """Between each revision and the one before it: no published anchor lost to a retitle, no removed id reused."""
    ordered = sorted(revisions, key=lambda r: r.id)
    problems: list[Problem] = []
    for index, revision in enumerate(ordered[1:], start=1):
        problems += _retitled_without_id(ordered[index - 1], revision)
        problems += _reused_ids(ordered[:index], revision)
    return problems


def _retitled_without_id(old: Revision, new: Revision) -> list[Problem]:
    """A clause whose id came from its title, retitled: its anchor changed with the title."""
    new_ids = {clause.id for clause in new.document.clauses}
    old_ids = {clause.id for clause in old.document.clauses}
    lost = [c for c in old.document.clauses if not c.explicit_id and c.id not in new_ids]
    candidates = [c for c in new.document.clauses if not c.explicit_id and c.id not in old_ids]
    problems: list[Problem] = []
    for clause in candidates:
        match = _same_clause(clause, lost)
        if match is None:
            continue
        lost.remove(match)
        problems.append(
            Problem(
                new.path.as_posix(),
                clause.line,
                f"clause '{_heading(clause)}' was '{_heading(match)}' in {old.id}; its id comes from its title, so "
                f"the retitle breaks the published anchor #{match.id} in links readers saved: keep it, "
                f"'## {clause.number + '. ' if clause.number else ''}{clause.title} {{#{match.id}}}'",
            )
        )
    return problems


def _reused_ids(earlier: Sequence[Revision], new: Revision) -> list[Problem]:
    """An id the previous revision dropped, given in ``new`` to a clause with another title."""
    previous = earlier[-1]
    present = {clause.id for clause in previous.document.clauses}
    last_seen: dict[str, tuple[Revision, Clause]] = {}
    for revision in earlier:
        for clause in revision.document.clauses:
            last_seen[clause.id] = (revision, clause)
    problems: list[Problem] = []
    for clause in new.document.clauses:
        if clause.id in present or clause.id not in last_seen:
            continue
        revision, old = last_seen[clause.id]
        if _normal(old.title) == _normal(clause.title):
            continue  # the same clause restored: its old links rightly land on it again
        removed_in = earlier[earlier.index(revision) + 1].id
        problems.append(
            Problem(
                new.path.as_posix(),
                clause.line,
                f"clause id '{clause.id}' belonged to '{_heading(old)}', removed in {removed_in}; "
                f"links readers saved to #{clause.id} would land on this different clause: give it a new id, "
                f"e.g. {{#{_fresh_id(clause, last_seen)}}}",
            )
        )
    return problems


def _same_clause(clause: Clause, lost: Sequence[Clause]) -> Clause | None:
    """The lost clause ``clause`` most likely is: the same number, or text at least half the same."""
    best: tuple[float, Clause] | None = None
    for old in lost:
        score = difflib.SequenceMatcher(None, old.text, clause.text, autojunk=False).ratio()
        if old.number is not None and old.number == clause.number:
            score += 0.5
        if score >= 0.5 and (best is None or score > best[0]):
            best = (score, old)
    return best[1] if best else None


def _fresh_id(clause: Clause, taken: dict[str, tuple[Revision, Clause]]) -> str:
    candidate = slugify(clause.title) or "clause"
    suffix = 2
    base = candidate
    while candidate in taken:
        candidate = f"{base}-{suffix}"
        suffix += 1
    return candidate


def _heading(clause: Clause) -> str:
    return f"## {clause.number + '. ' if clause.number else ''}{clause.title}"


def _normal(title: str) -> str:
    return " ".join(title.lower().split())


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_revision_set(revisions: Sequence[Revision]) -> list[Problem]:
    """Every check of this module, over the whole set."""
    return check_file_names(revisions) + check_horizon(revisions) + check_anchors(revisions)
