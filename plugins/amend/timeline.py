"""Revision statuses as of a date and the notice-window rules.

SPEC "Revision timeline and the notice window". Computed here, in one place,
for the site, the feeds, the calendar and the command line. The as-of date is
always an argument: this module never reads the clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .model import Revision, Status, Withdrawal
from .problems import Problem

DEFAULT_NOTICE_DAYS = 30


@dataclass(frozen=True, slots=True)
class Entry:
    """One revision on the timeline as of a date."""

    revision: Revision
    status: Status
    previous: Revision | None  # the revision before it, by id
    superseded_by: Revision | None  # the revision that replaced it, once that one is in force
    withdrawal: Withdrawal | None = None  # set once the revision is withdrawn (as of the timeline's date)

    @property
    def id(self) -> str:
        return self.revision.id

    def days_left(self, as_of: date) -> int:
        """Days left in the notice window, today counted (1 on its last day; 0 once the revision took effect)."""
        return days_left(self.revision.effective - timedelta(days=1), as_of)


@dataclass(frozen=True, slots=True)
class Timeline:
    """Every revision, drafts included, in id order, with its status as of ``as_of``."""

    as_of: date
    notice_days: int
    entries: tuple[Entry, ...]

    @property
    def published(self) -> tuple[Entry, ...]:
        """Everything but drafts: what the site shows."""
        return tuple(e for e in self.entries if e.status is not Status.DRAFT)

    @property
    def in_force(self) -> Entry | None:
        return next((e for e in self.entries if e.status is Status.IN_FORCE), None)

    @property
    def upcoming(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.status is Status.UPCOMING)

    @property
    def latest(self) -> Entry | None:
        """The newest published revision, upcoming or not."""
        published = self.published
        return published[-1] if published else None

    def entry(self, revision_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == revision_id), None)

    def periods(self) -> tuple[Period, ...]:
        """The days each published revision was, is or will be in force, oldest first.

        A revision binds from its effective date until the day before the next
        published revision takes effect; the newest one has no end yet. Drafts
        are not published and withdrawn revisions never take effect, so neither
        ends anything: a period is what a reader could know on ``as_of``.
        """
        published = tuple(e for e in self.published if e.status is not Status.WITHDRAWN)  # never takes effect
        return tuple(
            Period(
                entry=entry,
                start=entry.revision.effective,
                end=later.revision.effective - timedelta(days=1) if later is not None else None,
            )
            for entry, later in zip(published, (*published[1:], None), strict=True)
        )

    def in_force_on(self, day: date) -> Period | None:
        """The published revision that binds on ``day`` (None before the first takes effect)."""
        return next((p for p in self.periods() if p.contains(day)), None)


@dataclass(frozen=True, slots=True)
class Period:
    """The days one revision is in force: ``start`` to ``end`` inclusive; ``end`` None while no later one is known."""

    entry: Entry
    start: date
    end: date | None

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    @property
    def days(self) -> int | None:
        """How many days it binds, both ends counted; None while open-ended."""
        return None if self.end is None else (self.end - self.start).days + 1


def days_left(last_day: date, as_of: date) -> int:
    """Days left in a window whose last day is ``last_day``, as of ``as_of``: the one "days left" rule.

    Today is counted: on the window's last day one day is left, the day after
    none. The notice banner, the register's notice and objection windows, the
    PR report and ``amend status`` all count this way.
    """
    return max(0, (last_day - as_of).days + 1)


def plural_days(count: int) -> str:
    """``1 day``, ``30 days``: every count of days shown to a reader."""
    return f"{count} day" if count == 1 else f"{count} days"


def status_as_of(revision: Revision, in_force_id: str | None, as_of: date) -> Status:
    """SPEC: draft (posted > D), upcoming (posted <= D < effective), in force, superseded."""
    if revision.posted > as_of:
        return Status.DRAFT
    if as_of < revision.effective:
        return Status.UPCOMING
    return Status.IN_FORCE if revision.id == in_force_id else Status.SUPERSEDED


def build_timeline(
    revisions: Sequence[Revision],
    as_of: date,
    notice_days: int = DEFAULT_NOTICE_DAYS,
    withdrawals: Mapping[str, Withdrawal] | None = None,
) -> Timeline:
    """Statuses of ``revisions`` as of ``as_of``; exactly one is in force once the first took effect.

    A revision withdrawn on or before ``as_of`` (``withdrawals``, by revision
    id) is ``withdrawn``: it never takes effect, and its notice counts for
    nothing (issue "Dates that hold up").
    """
    withdrawn = {
        key: w
        for key, w in (withdrawals or {}).items()
        if w.day <= as_of and any(r.id == key and r.posted <= as_of for r in revisions)
    }
    ordered = sorted(revisions, key=lambda r: r.id)
    effective = [r for r in ordered if r.effective <= as_of and r.id not in withdrawn]
    in_force = max(effective, key=lambda r: (r.effective, r.id)) if effective else None
    entries: list[Entry] = []
    for index, revision in enumerate(ordered):
        if revision.id in withdrawn:
            entries.append(
                Entry(revision, Status.WITHDRAWN, ordered[index - 1] if index else None, None, withdrawn[revision.id])
            )
            continue
        status = status_as_of(revision, in_force.id if in_force else None, as_of)
        superseded_by = None
        if status is Status.SUPERSEDED:
            superseded_by = min(
                (r for r in effective if r.effective > revision.effective), key=lambda r: r.effective, default=None
            )
        entries.append(
            Entry(
                revision=revision,
                status=status,
                previous=ordered[index - 1] if index else None,
                superseded_by=superseded_by,
            )
        )
    return Timeline(as_of=as_of, notice_days=notice_days, entries=tuple(entries))


def earliest_effective(posted: date, notice_days: int) -> date:
    """The first effective date a revision posted on ``posted`` may have."""
    return posted + timedelta(days=notice_days)


def check_timeline(revisions: Sequence[Revision], notice_days: int = DEFAULT_NOTICE_DAYS) -> list[Problem]:
    """Dates in order and the notice window kept, for every revision (SPEC "Revision timeline")."""
    problems: list[Problem] = []
    ordered = sorted(revisions, key=lambda r: r.id)
    for index, revision in enumerate(ordered):
        path = revision.path.as_posix()
        posted_line = _line(revision, "posted")
        effective_line = _line(revision, "effective")
        if revision.posted > revision.effective:
            problems.append(
                Problem(
                    path,
                    posted_line,
                    f"posted {revision.posted} is after effective {revision.effective}; "
                    "a revision is posted (notice given) on or before the day it takes effect",
                )
            )
            continue
        if index == 0:
            continue  # SPEC: the first revision may take effect the day it is posted
        previous = ordered[index - 1]
        if revision.effective <= previous.effective:
            same = "the same as" if revision.effective == previous.effective else "earlier than"
            problems.append(
                Problem(
                    path,
                    effective_line,
                    f"effective {revision.effective} is {same} that of the previous revision "
                    f"{previous.path.name} ({previous.effective}); effective dates must increase with the "
                    f"revision date: set it after {previous.effective} or rename the file",
                )
            )
        given = revision.notice_days
        if given < notice_days:
            fix = earliest_effective(revision.posted, notice_days)
            problems.append(
                Problem(
                    path,
                    effective_line,
                    f"notice window is {plural_days(given)} (posted {revision.posted}, "
                    f"effective {revision.effective}); "
                    f"it must be at least {notice_days}: set effective to {fix} or later",
                )
            )
    return problems


def _line(revision: Revision, key: str) -> int | None:
    return revision.lines.get(key)
