"""Statuses as of a date and the notice-window rules (amend.timeline): tables of cases and properties."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amend.clauses import parse_document
from amend.model import Revision, Status
from amend.timeline import DEFAULT_NOTICE_DAYS, build_timeline, check_timeline, earliest_effective

D = date.fromisoformat
DRAFT, UPCOMING, IN_FORCE, SUPERSEDED = Status.DRAFT, Status.UPCOMING, Status.IN_FORCE, Status.SUPERSEDED


def revision(rev_id: str, posted: str | date, effective: str | date) -> Revision:
    posted_day = D(posted) if isinstance(posted, str) else posted
    effective_day = D(effective) if isinstance(effective, str) else effective
    return Revision(
        id=rev_id,
        path=Path(f"baa_versions/{rev_id}.md"),
        title="Business Associate Agreement",
        posted=posted_day,
        effective=effective_day,
        summary=f"Revision {rev_id}.",
        document=parse_document("", rev_id),
        lines={"title": 2, "posted": 3, "effective": 4, "summary": 5},
    )


# The sample's shape: a first revision in force the day it was posted, then two amendments with notice.
FIRST = revision("2024-03-01", "2024-03-01", "2024-03-01")
SECOND = revision("2025-04-15", "2025-03-14", "2025-04-15")
THIRD = revision("2025-10-17", "2025-09-17", "2025-10-17")
SAMPLE = (FIRST, SECOND, THIRD)


# --- tables -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "statuses"),
    [
        ("2024-02-29", (DRAFT, DRAFT, DRAFT)),
        ("2024-03-01", (IN_FORCE, DRAFT, DRAFT)),
        ("2025-03-13", (IN_FORCE, DRAFT, DRAFT)),
        ("2025-03-14", (IN_FORCE, UPCOMING, DRAFT)),
        ("2025-04-14", (IN_FORCE, UPCOMING, DRAFT)),
        ("2025-04-15", (SUPERSEDED, IN_FORCE, DRAFT)),
        ("2025-09-16", (SUPERSEDED, IN_FORCE, DRAFT)),
        ("2025-09-17", (SUPERSEDED, IN_FORCE, UPCOMING)),
        ("2025-10-16", (SUPERSEDED, IN_FORCE, UPCOMING)),
        ("2025-10-17", (SUPERSEDED, SUPERSEDED, IN_FORCE)),
        ("2030-01-01", (SUPERSEDED, SUPERSEDED, IN_FORCE)),
    ],
)
def test_each_revision_has_the_status_the_spec_gives_it_on_each_boundary_day(
    as_of: str, statuses: tuple[Status, ...]
) -> None:
    timeline = build_timeline(SAMPLE, D(as_of))
    assert tuple(e.status for e in timeline.entries) == statuses


@pytest.mark.parametrize(
    ("as_of", "in_force", "upcoming", "latest", "published"),
    [
        ("2024-02-29", None, (), None, ()),
        ("2025-03-20", "2024-03-01", ("2025-04-15",), "2025-04-15", ("2024-03-01", "2025-04-15")),
        ("2025-09-30", "2025-04-15", ("2025-10-17",), "2025-10-17", ("2024-03-01", "2025-04-15", "2025-10-17")),
        ("2025-10-17", "2025-10-17", (), "2025-10-17", ("2024-03-01", "2025-04-15", "2025-10-17")),
    ],
)
def test_the_timeline_names_what_is_in_force_upcoming_latest_and_published(
    as_of: str, in_force: str | None, upcoming: tuple[str, ...], latest: str | None, published: tuple[str, ...]
) -> None:
    timeline = build_timeline(SAMPLE, D(as_of))
    assert (timeline.in_force.id if timeline.in_force else None) == in_force
    assert tuple(e.id for e in timeline.upcoming) == upcoming
    assert (timeline.latest.id if timeline.latest else None) == latest
    assert tuple(e.id for e in timeline.published) == published


@pytest.mark.parametrize(
    ("as_of", "superseded_by"),
    [
        ("2025-04-14", {"2024-03-01": None, "2025-04-15": None}),  # announced, not yet in force: nothing superseded
        ("2025-04-15", {"2024-03-01": "2025-04-15", "2025-04-15": None}),
        ("2025-10-17", {"2024-03-01": "2025-04-15", "2025-04-15": "2025-10-17", "2025-10-17": None}),
    ],
)
def test_a_superseded_revision_names_the_revision_that_replaced_it(
    as_of: str, superseded_by: dict[str, str | None]
) -> None:
    timeline = build_timeline(SAMPLE, D(as_of))
    for rev_id, by in superseded_by.items():
        entry = timeline.entry(rev_id)
        assert entry is not None
        assert (entry.superseded_by.id if entry.superseded_by else None) == by


def test_each_entry_knows_the_revision_before_it_by_id() -> None:
    timeline = build_timeline(SAMPLE, D("2025-10-17"))
    assert [e.previous.id if e.previous else None for e in timeline.entries] == [None, "2024-03-01", "2025-04-15"]


@pytest.mark.parametrize(
    ("as_of", "days_left"),
    [("2025-09-17", 30), ("2025-10-16", 1), ("2025-10-17", 0), ("2026-01-01", 0)],
)
def test_days_left_counts_down_to_the_effective_date_and_stops_at_zero(as_of: str, days_left: int) -> None:
    entry = build_timeline(SAMPLE, D(as_of)).entry("2025-10-17")
    assert entry is not None
    assert entry.days_left(D(as_of)) == days_left


def test_revisions_given_out_of_order_are_placed_in_id_order() -> None:
    timeline = build_timeline((THIRD, FIRST, SECOND), D("2025-09-30"))
    assert [e.id for e in timeline.entries] == ["2024-03-01", "2025-04-15", "2025-10-17"]


def test_an_empty_set_has_nothing_in_force_and_nothing_published() -> None:
    timeline = build_timeline((), D("2025-01-01"))
    assert timeline.entries == ()
    assert timeline.in_force is None
    assert timeline.latest is None


@pytest.mark.parametrize(
    ("posted", "notice_days", "earliest"),
    [
        ("2025-09-17", 30, "2025-10-17"),
        ("2025-01-31", 30, "2025-03-02"),
        ("2024-01-31", 30, "2024-03-01"),  # a leap year
        ("2025-12-15", 30, "2026-01-14"),
        ("2025-09-17", 0, "2025-09-17"),
    ],
)
def test_earliest_effective_is_posted_plus_the_notice_days(posted: str, notice_days: int, earliest: str) -> None:
    assert earliest_effective(D(posted), notice_days) == D(earliest)


@pytest.mark.parametrize(
    ("revisions", "messages"),
    [
        pytest.param(SAMPLE, [], id="the-sample-is-valid"),
        pytest.param((FIRST,), [], id="a-first-revision-may-take-effect-the-day-it-is-posted"),
        pytest.param(
            (FIRST, revision("2025-04-15", "2025-03-16", "2025-04-15")),
            [],
            id="exactly-the-notice-days-is-enough",
        ),
        pytest.param(
            (FIRST, revision("2025-04-15", "2025-03-17", "2025-04-15")),
            [
                "baa_versions/2025-04-15.md:4: notice window is 29 days (posted 2025-03-17, effective 2025-04-15); "
                "it must be at least 30: set effective to 2025-04-16 or later"
            ],
            id="one-day-short-names-the-first-date-that-works",
        ),
        pytest.param(
            (FIRST, revision("2025-04-15", "2025-05-01", "2025-04-15")),
            [
                "baa_versions/2025-04-15.md:3: posted 2025-05-01 is after effective 2025-04-15; a revision is "
                "posted (notice given) on or before the day it takes effect"
            ],
            id="posted-after-effective",
        ),
        pytest.param(
            (FIRST, revision("2025-04-15", "2023-01-01", "2024-02-01")),
            [
                "baa_versions/2025-04-15.md:4: effective 2024-02-01 is earlier than that of the previous revision "
                "2024-03-01.md (2024-03-01); effective dates must increase with the revision date: set it after "
                "2024-03-01 or rename the file"
            ],
            id="effective-earlier-than-the-previous-revision",
        ),
        pytest.param(
            (FIRST, revision("2025-04-15", "2024-01-01", "2024-03-01")),
            [
                "baa_versions/2025-04-15.md:4: effective 2024-03-01 is the same as that of the previous revision "
                "2024-03-01.md (2024-03-01); effective dates must increase with the revision date: set it after "
                "2024-03-01 or rename the file"
            ],
            id="effective-the-same-as-the-previous-revision",
        ),
    ],
)
def test_check_timeline_reports_each_broken_rule_with_its_fix(
    revisions: tuple[Revision, ...], messages: list[str]
) -> None:
    assert [p.render() for p in check_timeline(revisions, DEFAULT_NOTICE_DAYS)] == messages


def test_check_timeline_honours_a_longer_notice_setting() -> None:
    problems = check_timeline(SAMPLE, notice_days=31)
    assert [(p.path, p.line) for p in problems] == [("baa_versions/2025-10-17.md", 4)]
    assert "it must be at least 31: set effective to 2025-10-18 or later" in problems[0].message


def test_the_first_revision_is_exempt_from_the_notice_window_even_when_announced_early() -> None:
    # SPEC: the rule binds "every revision after the first"; a first revision has nothing to amend.
    early = revision("2024-03-01", "2024-02-20", "2024-03-01")
    assert check_timeline((early,)) == []
    assert build_timeline((early,), D("2024-02-25")).entries[0].status is UPCOMING


# --- properties ---------------------------------------------------------------------------------

BASE = date(2025, 1, 1)
SPAN = 90  # days: small, so that dates collide and boundaries are hit often

days = st.integers(min_value=0, max_value=SPAN)


@st.composite
def any_revisions(draw: st.DrawFn) -> tuple[Revision, ...]:
    """Any set of revisions, valid or not: ids distinct, dates anywhere in the span."""
    ids = draw(st.lists(days, min_size=0, max_size=6, unique=True))
    out = []
    for i in sorted(ids):
        posted, effective = (BASE + timedelta(days=draw(days)) for _ in range(2))
        out.append(revision((BASE + timedelta(days=i)).isoformat(), posted, effective))
    return tuple(out)


@st.composite
def valid_revisions(draw: st.DrawFn, notice_days: int) -> tuple[Revision, ...]:
    """A set that keeps every rule: effective dates increase, each amendment gives enough notice.

    Each file is named after its effective date, as the sample's are.
    """
    count = draw(st.integers(min_value=1, max_value=5))
    effective = BASE + timedelta(days=draw(st.integers(0, 20)))
    posted = effective - timedelta(days=draw(st.integers(0, 10)))
    out = [revision(effective.isoformat(), posted, effective)]
    for _ in range(count - 1):
        effective += timedelta(days=draw(st.integers(1, 40)))
        posted = effective - timedelta(days=notice_days + draw(st.integers(0, 40)))
        out.append(revision(effective.isoformat(), posted, effective))
    return tuple(out)


notice_settings = st.integers(min_value=0, max_value=45)
as_of_days = st.integers(min_value=-10, max_value=SPAN + 200).map(lambda n: BASE + timedelta(days=n))


def _statuses(revisions: tuple[Revision, ...], as_of: date, notice_days: int) -> dict[str, Status]:
    return {e.id: e.status for e in build_timeline(revisions, as_of, notice_days).entries}


@settings(derandomize=True, max_examples=400)
@given(any_revisions(), as_of_days, notice_settings)
def test_at_most_one_revision_is_in_force_for_any_revisions_and_any_date(
    revisions: tuple[Revision, ...], as_of: date, notice_days: int
) -> None:
    timeline = build_timeline(revisions, as_of, notice_days)
    assert sum(e.status is IN_FORCE for e in timeline.entries) <= 1


@settings(derandomize=True, max_examples=400)
@given(any_revisions(), as_of_days)
def test_nothing_is_in_force_before_the_first_effective_date(revisions: tuple[Revision, ...], as_of: date) -> None:
    timeline = build_timeline(revisions, as_of)
    if not revisions or as_of < min(r.effective for r in revisions):
        assert timeline.in_force is None


@settings(derandomize=True, max_examples=400)
@given(any_revisions(), as_of_days)
def test_every_status_follows_the_spec_definition(revisions: tuple[Revision, ...], as_of: date) -> None:
    timeline = build_timeline(revisions, as_of)
    for entry in timeline.entries:
        r = entry.revision
        if r.posted > as_of:
            assert entry.status is DRAFT
        elif as_of < r.effective:
            assert entry.status is UPCOMING
        else:
            assert entry.status in (IN_FORCE, SUPERSEDED)
        assert (entry.superseded_by is not None) <= (entry.status is SUPERSEDED)
        assert entry.days_left(as_of) == max(0, (r.effective - as_of).days)


@settings(derandomize=True, max_examples=200)
@given(any_revisions())
def test_statuses_change_only_on_posted_and_effective_dates(revisions: tuple[Revision, ...]) -> None:
    turning_points = {r.posted for r in revisions} | {r.effective for r in revisions}
    before = _statuses(revisions, BASE - timedelta(days=1), DEFAULT_NOTICE_DAYS)
    for offset in range(SPAN + 2):
        day = BASE + timedelta(days=offset)
        now = _statuses(revisions, day, DEFAULT_NOTICE_DAYS)
        if now != before:
            assert day in turning_points, f"statuses changed on {day}, which no revision names"
        before = now


@pytest.mark.parametrize("notice_days", [0, 1, 30, 45])
@settings(derandomize=True, max_examples=100)
@given(data=st.data())
def test_a_valid_set_always_has_exactly_one_revision_in_force_once_the_first_took_effect(
    notice_days: int, data: st.DataObject
) -> None:
    revisions = data.draw(valid_revisions(notice_days))
    assert check_timeline(revisions, notice_days) == []
    first_effective = revisions[0].effective
    for offset in range(-2, SPAN + 260, 3):
        as_of = BASE + timedelta(days=offset)
        in_force = build_timeline(revisions, as_of, notice_days).in_force
        if as_of < first_effective:
            assert in_force is None
        else:
            assert in_force is not None
            assert in_force.revision == max((r for r in revisions if r.effective <= as_of), key=lambda r: r.effective)


@pytest.mark.parametrize("notice_days", [1, 30, 45])
@settings(derandomize=True, max_examples=100)
@given(data=st.data())
def test_in_a_valid_set_a_revision_changes_status_only_on_its_own_dates_or_when_a_later_one_takes_effect(
    notice_days: int, data: st.DataObject
) -> None:
    revisions = data.draw(valid_revisions(notice_days))
    end = revisions[-1].effective + timedelta(days=2)
    day = BASE - timedelta(days=1)
    before = _statuses(revisions, day, notice_days)
    while day < end:
        day += timedelta(days=1)
        now = _statuses(revisions, day, notice_days)
        for r in revisions:
            if now[r.id] != before[r.id]:
                later = {o.effective for o in revisions if o.effective > r.effective}
                assert day in {r.posted, r.effective} | later
        before = now


@settings(derandomize=True, max_examples=500)
@given(any_revisions(), as_of_days, notice_settings)
def test_an_upcoming_amendment_in_a_set_that_passes_the_check_has_the_full_notice_window(
    revisions: tuple[Revision, ...], as_of: date, notice_days: int
) -> None:
    if check_timeline(revisions, notice_days):
        return  # only sets that pass `amend check` make this promise
    timeline = build_timeline(revisions, as_of, notice_days)
    first = timeline.entries[0].id if timeline.entries else None
    for entry in timeline.upcoming:
        if entry.id != first:  # SPEC: the notice rule binds every revision after the first
            assert entry.revision.notice_days >= notice_days


@pytest.mark.parametrize("notice_days", [0, 30, 45])
@settings(derandomize=True, max_examples=100)
@given(data=st.data())
def test_an_upcoming_amendment_in_a_valid_set_has_the_full_notice_window_on_every_day(
    notice_days: int, data: st.DataObject
) -> None:
    revisions = data.draw(valid_revisions(notice_days))
    for offset in range(-2, SPAN + 260, 2):
        timeline = build_timeline(revisions, BASE + timedelta(days=offset), notice_days)
        for entry in timeline.upcoming:
            if entry.id != revisions[0].id:
                assert entry.revision.notice_days >= notice_days
                assert entry.previous is not None


# --- the agreement on any date (periods in force) ---------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "day", "expected"),
    [
        ("2025-12-01", "2024-02-29", None),  # before the first revision took effect
        ("2025-12-01", "2024-03-01", "2024-03-01"),  # the first day of the first
        ("2025-12-01", "2025-03-03", "2024-03-01"),
        ("2025-12-01", "2025-04-14", "2024-03-01"),  # the last day before the second took effect
        ("2025-12-01", "2025-04-15", "2025-04-15"),
        ("2025-12-01", "2025-10-17", "2025-10-17"),
        ("2025-12-01", "2031-01-01", "2025-10-17"),  # no later revision is published: the newest binds on
        ("2025-10-01", "2025-10-20", "2025-10-17"),  # upcoming: it will bind from its effective date
        ("2025-09-01", "2025-10-20", "2025-04-15"),  # THIRD is a draft on 2025-09-01: nobody knows of it yet
    ],
)
def test_in_force_on_names_the_published_revision_that_binds_that_day(
    as_of: str, day: str, expected: str | None
) -> None:
    period = build_timeline(SAMPLE, D(as_of)).in_force_on(D(day))
    assert (period.entry.id if period else None) == expected


def test_periods_run_from_effective_to_the_day_before_the_next_takes_effect() -> None:
    periods = build_timeline(SAMPLE, D("2025-12-01")).periods()
    assert [(p.entry.id, p.start, p.end, p.days) for p in periods] == [
        ("2024-03-01", D("2024-03-01"), D("2025-04-14"), 410),
        ("2025-04-15", D("2025-04-15"), D("2025-10-16"), 185),
        ("2025-10-17", D("2025-10-17"), None, None),
    ]


@settings(max_examples=60)
@given(st.lists(st.integers(min_value=31, max_value=400), min_size=1, max_size=6), st.integers(0, 3000))
def test_every_day_from_the_first_effective_date_has_exactly_one_revision_in_force(
    gaps: list[int], offset: int
) -> None:
    start = D("2020-01-01")
    revisions, effective = [], start
    for index, gap in enumerate(gaps):
        posted = effective if index == 0 else effective + timedelta(days=gap - 31)
        effective = posted if index == 0 else posted + timedelta(days=31)
        revisions.append(revision(effective.isoformat(), posted, effective))
    timeline = build_timeline(revisions, D("2040-01-01"))
    day = start + timedelta(days=offset)
    covering = [p for p in timeline.periods() if p.contains(day)]
    assert len(covering) == 1
    expected = max((r for r in revisions if r.effective <= day), key=lambda r: r.effective).id
    assert covering[0].entry.id == expected


def test_a_withdrawn_revision_has_no_days_in_force_and_ends_nothing() -> None:
    from amend.model import Withdrawal

    withdrawn = {THIRD.id: Withdrawal(THIRD.id, D("2025-09-20"), "Called off.")}
    timeline = build_timeline(SAMPLE, D("2025-12-01"), withdrawals=withdrawn)
    assert [(p.entry.id, p.end) for p in timeline.periods()] == [
        ("2024-03-01", D("2025-04-14")),
        ("2025-04-15", None),
    ]
    period = timeline.in_force_on(D("2025-11-01"))
    assert period is not None and period.entry.id == "2025-04-15"
