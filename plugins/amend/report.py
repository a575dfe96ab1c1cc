"""The pull-request report: one Markdown comment on what a change does to the agreement.

``render_pr_report`` turns what the command line gathered — the revisions as
the pull request leaves them, the revision files it adds, changes or deletes,
and every problem ``amend check`` finds — into GitHub-flavoured Markdown for a
sticky comment. Its first line is :data:`MARKER`, an HTML comment the workflow
searches for to update the same comment on every push.

For each new revision it shows the dates and the notice-window verdict, the
summary, and the clause-level redline against the revision before it (and
against the one in force, when that is another), from the same diff code as
the site. It renders only: no git, no clock, no files. Every piece of text
that comes from a revision or a message is escaped, so a revision cannot
inject markup into the comment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .diff import diff_documents
from .diffviews import md_escape, render_markdown
from .model import Document, Revision, Status, Withdrawal
from .problems import Problem, sort_problems
from .register import Register, Subprocessor
from .revisions import parse_any_document, parse_revision, revision_id
from .timeline import Entry, Timeline, build_timeline, plural_days

MARKER = "<!-- amend-pr-report -->"
CHECK = "✓"
CROSS = "✗"

ADDED, MODIFIED, DELETED = "added", "modified", "deleted"


@dataclass(frozen=True, slots=True)
class FileChange:
    """A revision file the pull request adds, modifies or deletes, with its text before and after."""

    path: str  # as problems name it, e.g. baa_versions/2026-03-01.md
    kind: str  # "added", "modified" or "deleted"
    old_text: str | None
    new_text: str | None


@dataclass(frozen=True, slots=True)
class RegisterChange:
    """The subprocessor register before (at the merge base) and after the pull request; None: absent or invalid."""

    path: str
    old: Register | None
    new: Register | None
    invalid: bool = False  # the pull request's register does not load (its problems are listed)


def render_pr_report(
    revisions: Sequence[Revision],
    changes: Sequence[FileChange],
    problems: Sequence[Problem],
    as_of: date,
    notice_days: int,
    base: str,
    notes: Sequence[str] = (),
    title: str = "Business Associate Agreement",
    notices: Sequence[str] = (),
    register: RegisterChange | None = None,
    withdrawals: Sequence[Withdrawal] = (),
) -> str:
    """The whole comment, ending with a newline.

    ``register``, when the pull request changes the subprocessor register,
    adds a section listing each entry it adds, ends, withdraws or edits;
    ``withdrawals`` are the revisions it withdraws (new entries of withdrawals.yml).
    """
    timeline = build_timeline(revisions, as_of, notice_days)
    by_path = {r.path.as_posix(): r for r in revisions}
    ordered = sorted(changes, key=lambda c: (c.path, c.kind))
    out: list[str] = [MARKER, f"## {escape(title)}: what this pull request changes", ""]
    out.append(_headline(ordered, problems, as_of, notice_days, base, register is not None, len(withdrawals)))
    out.append("")
    for note in notes:
        out += [f"> **Note:** {escape(note)}", ""]
    if problems:
        out += _problems(problems)
    if notices:
        out += ["### Notice to customers", "", *(f"- {escape(line)}" for line in notices), ""]
    if withdrawals:
        out += ["### Revisions withdrawn", ""]
        out += [
            f"- **{escape(w.revision)}** withdrawn on {w.day}: it will not take effect. {escape(w.reason)}"
            for w in sorted(withdrawals, key=lambda w: w.revision)
        ]
        out.append("")
    if register is not None:
        out += _register_section(register, as_of)
    if not ordered:
        if register is None and not withdrawals:
            out += ["This pull request changes no revision file.", ""]
        return _finish(out)
    out += _table(ordered, by_path, timeline)
    for change in ordered:
        revision = by_path.get(change.path)
        if change.kind == ADDED:
            out += _added(change, revision, timeline)
        elif change.kind == MODIFIED:
            out += _modified(change, revision, timeline, base)
        else:
            out += _deleted(change, as_of)
    return _finish(out)


def _finish(lines: list[str]) -> str:
    text = "\n".join(lines).rstrip("\n") + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


# --- the top: verdict, problems, the files --------------------------------------------------------


def _headline(
    changes: Sequence[FileChange],
    problems: Sequence[Problem],
    as_of: date,
    notice_days: int,
    base: str,
    register_changed: bool = False,
    withdrawn: int = 0,
) -> str:
    counts = []
    for kind, word in ((ADDED, "adds"), (MODIFIED, "changes"), (DELETED, "deletes")):
        found = sum(1 for c in changes if c.kind == kind)
        if found:
            counts.append(f"{word} {found} revision{'s' if found != 1 else ''}")
    if withdrawn:
        counts.append(f"withdraws {withdrawn} revision{'s' if withdrawn != 1 else ''}")
    if register_changed:
        counts.append("changes the subprocessor register")
    what = ", ".join(counts) if counts else "changes no revision"
    verdict = (
        f"❌ **{len(problems)} problem{'s' if len(problems) != 1 else ''}**" if problems else "✅ **No problems found**"
    )
    return (
        f"{verdict} · this pull request {what} · checked against `{escape_code(base)}` as of {as_of} · "
        f"notice window {notice_days} days"
    )


def _problems(problems: Sequence[Problem]) -> list[str]:
    count = len(problems)
    out = [f"### {CROSS} {count} problem{'s' if count != 1 else ''} to fix before merging", ""]
    for problem in sort_problems(problems):
        where = problem.path if problem.line is None else f"{problem.path}:{problem.line}"
        out.append(f"- `{escape_code(where)}` {escape(problem.message)}")
    return [*out, ""]


def _table(changes: Sequence[FileChange], by_path: dict[str, Revision], timeline: Timeline) -> list[str]:
    out = [
        "| Revision file | Change | Posted | Effective | Notice | After merging |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for change in changes:
        revision = by_path.get(change.path)
        entry = timeline.entry(revision.id) if revision else None
        if revision is None or entry is None:
            old = _old_revision(change) if change.kind == DELETED else None
            dates = f"{old.posted} | {old.effective} | {plural_days(old.notice_days)}" if old else " | | "
            state = "removed from the site" if change.kind == DELETED else "not a valid revision (see the problems)"
            out.append(f"| `{escape_code(change.path)}` | {change.kind} | {dates} | {state} |")
            continue
        mark = CHECK if _notice_ok(entry, timeline.notice_days) else CROSS
        out.append(
            f"| `{escape_code(change.path)}` | {change.kind} | {revision.posted} | {revision.effective} | "
            f"{plural_days(revision.notice_days)} {mark} | {_status_words(entry, timeline.as_of)} |"
        )
    return [*out, ""]


def _status_words(entry: Entry, as_of: date) -> str:
    revision = entry.revision
    if entry.status is Status.DRAFT:
        return f"draft until it is posted on {revision.posted}"
    if entry.status is Status.UPCOMING:
        return f"upcoming: takes effect in {plural_days(entry.days_left(as_of))}"
    if entry.status is Status.IN_FORCE:
        return "in force"
    return f"superseded by {entry.superseded_by.id}" if entry.superseded_by else "superseded"


# --- the subprocessor register ----------------------------------------------------------------------

_REGISTER_FIELDS = (
    "name",
    "purpose",
    "location",
    "announced",
    "starts",
    "end_announced",
    "ends",
    "replaced_by",
    "withdrawn",
)


def _register_section(change: RegisterChange, as_of: date) -> list[str]:
    out = [f"### Subprocessor register (`{escape_code(change.path)}`)", ""]
    if change.invalid or change.new is None:
        what = "is not valid (see the problems above)" if change.invalid else "is deleted"
        return [*out, f"The register as this pull request leaves it {what}.", ""]
    old_entries = {s.key: s for s in change.old.subprocessors} if change.old is not None else {}
    lines: list[str] = []
    for sub in change.new.subprocessors:
        before = old_entries.pop(sub.key, None)
        lines += _register_entry_lines(change.new, sub, before, as_of)
    for gone in old_entries.values():
        lines.append(f"- **{escape(gone.name)}**: removed from the file (an announced entry stays: see the problems)")
    if not lines:
        lines = ["No entry changes (only comments or layout)."]
    return [*out, *lines, ""]


def _register_entry_lines(register: Register, sub: Subprocessor, before: Subprocessor | None, as_of: date) -> list[str]:
    name = f"**{escape(sub.name)}**"
    if before is None:
        notice = (sub.starts - sub.announced).days
        closes = register.objection_closes(sub)
        objection = f"; customers may object until {closes}" if closes is not None else ""
        when = "announced" if sub.announced <= as_of else "to be announced"
        return [
            f"- {name}: new, {when} {sub.announced}, may process PHI from {sub.starts} "
            f"({notice} day{'s' if notice != 1 else ''} of notice{objection}). {escape(sub.purpose)} "
            f"Location: {escape(sub.location)}."
        ]
    out: list[str] = []
    if sub.end_announced is not None and before.end_announced is None:
        successor = f", replaced by {escape(sub.replaced_by)}" if sub.replaced_by else ""
        out.append(f"- {name}: end announced {sub.end_announced}, stops processing PHI on {sub.ends}{successor}")
    if sub.withdrawn is not None and before.withdrawn is None:
        out.append(f"- {name}: addition withdrawn on {sub.withdrawn}; it will not process PHI")
    skip = {"end_announced", "ends", "replaced_by"} if before.end_announced is None else set()
    skip |= {"withdrawn"} if before.withdrawn is None else set()
    for field_name in _REGISTER_FIELDS:
        was, now = getattr(before, field_name), getattr(sub, field_name)
        if field_name in skip or was == now:
            continue
        out.append(f"- {name}: `{field_name}` changes from {_value(was)} to {_value(now)}")
    return out


def _value(value: object) -> str:
    return "(none)" if value is None else f"'{escape(str(value))}'"


# --- one section per file ---------------------------------------------------------------------------


def _added(change: FileChange, revision: Revision | None, timeline: Timeline) -> list[str]:
    name = _name(change.path)
    out = [f"### New revision {name}", ""]
    if revision is None:
        return [*out, "The file is not a valid revision yet: see the problems above.", ""]
    entry = timeline.entry(revision.id)
    assert entry is not None
    out += _dates(entry, timeline, "it would be back-dated")
    previous = entry.previous
    in_force = timeline.in_force.revision if timeline.in_force else None
    if previous is None:
        out += ["This is the first revision: there is nothing to compare it with.", ""]
        return out
    before = timeline.entry(previous.id)
    relation = "the revision before it"
    if before is not None:
        words = _status_words(before, timeline.as_of)
        relation += f" ({words} today)" if before.status is Status.IN_FORCE else f" ({words})"
    out += [f"Compared with {escape(previous.id)}, {relation}:", ""]
    out += _redline(previous.document, revision.document)
    if in_force is not None and in_force.id not in (previous.id, revision.id):
        out += _redline(
            in_force.document, revision.document, collapsed=f"Compared with {in_force.id}, the revision in force today"
        )
    return out


def _modified(change: FileChange, revision: Revision | None, timeline: Timeline, base: str) -> list[str]:
    name = _name(change.path)
    out = [f"### Revision {name} changed", ""]
    if revision is not None:
        entry = timeline.entry(revision.id)
        assert entry is not None
        out += _dates(entry, timeline, "it would change a posted revision")
    old = _document(change.old_text, change.path)
    new = revision.document if revision is not None else _document(change.new_text, change.path)
    if old is None or new is None:
        return out
    # Both sides have the same revision id: name them by where they stand, so the redline says which is which.
    old = replace(old, id=f"{old.id} on {base}")
    new = replace(new, id=f"{new.id} in this pull request")
    return [*out, "What this pull request changes in it:", "", *_redline(old, new)]


def _deleted(change: FileChange, as_of: date) -> list[str]:
    name = _name(change.path)
    out = [f"### Revision {name} deleted", "", f"The pull request removes `{escape_code(change.path)}`."]
    old = _old_revision(change)
    if old is not None:
        took = "took" if old.effective <= as_of else "was to take"
        out[-1] += f" It was posted on {old.posted} and {took} effect on {old.effective}."
    return [*out, ""]


def _dates(entry: Entry, timeline: Timeline, late: str) -> list[str]:
    revision = entry.revision
    out: list[str] = []
    if revision.summary:
        out += [f"> {escape(revision.summary)}", ""]
    out += [f"**Notice window:** {notice_verdict(entry, timeline.notice_days)}", ""]
    if revision.posted >= timeline.as_of:
        when = f"Merge on or before {revision.posted}"
        if revision.posted == timeline.as_of:
            when = f"Merge today, {revision.posted}"
        out += [
            f"**{when}.** A revision's text must be on main by its posted date: "
            f"merged later, {late} and the check on main would fail.",
            "",
        ]
    return out


def notice_verdict(entry: Entry, notice_days: int) -> str:
    """``posted 2026-01-29, effective 2026-03-01: 31 days, at least 30 required ✓`` (SPEC notice window)."""
    revision = entry.revision
    given = revision.notice_days
    days = f"{given} day{'s' if given != 1 else ''}"
    head = f"posted {revision.posted}, effective {revision.effective}: {days}"
    if entry.previous is None:
        return f"{head}; the first revision needs no notice {CHECK}"
    return f"{head}, at least {notice_days} required {CHECK if given >= notice_days else CROSS}"


def _notice_ok(entry: Entry, notice_days: int) -> bool:
    return entry.previous is None or entry.revision.notice_days >= notice_days


def _redline(old: Document, new: Document, collapsed: str | None = None) -> list[str]:
    """The diff views' Markdown redline; ``collapsed`` folds it under that summary line."""
    body = render_markdown(diff_documents(old, new)).strip("\n")
    if collapsed:
        return ["<details>", f"<summary>{escape(collapsed)}</summary>", "", body, "", "</details>", ""]
    return [body, ""]


def _old_revision(change: FileChange) -> Revision | None:
    if change.old_text is None:
        return None
    revision, _ = parse_revision(change.old_text, Path(change.path), change.path)
    return revision


def _document(text: str | None, path: str) -> Document | None:
    if text is None:
        return None
    revision, _ = parse_revision(text, Path(path), path)
    if revision is not None:
        return revision.document
    return parse_any_document(text, revision_id(Path(path).name) or Path(path).stem, path)


def _name(path: str) -> str:
    name = Path(path).name
    return escape(revision_id(name) or name)


# --- escaping ------------------------------------------------------------------------------------

escape = md_escape  # one escaper for every Markdown output (revision text, titles, messages)


def escape_code(text: str) -> str:
    """Text inside a `code span`: only a backtick could end it."""
    return text.replace("`", "'")
