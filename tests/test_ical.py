"""The iCalendar file (amend.ical): golden files at pinned as-of dates, read back with icalendar."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest

from amend.ical import PRODID, notice_window_end, render_ics
from amend.revisions import load_revisions, parse_revision
from amend.timeline import Timeline, build_timeline

GOLDEN = Path(__file__).parent / "golden" / "feeds"
SITE = "https://trust.example.com/"
UPDATE = os.environ.get("AMEND_UPDATE_GOLDEN") == "1"

# Before the third revision is posted, inside its notice window, and the day it takes effect.
CASES = {
    "before-notice-2025-09-16": (date(2025, 9, 16), SITE),
    "inside-notice-2025-09-30": (date(2025, 9, 30), SITE),
    "after-notice-2025-10-17": (date(2025, 10, 17), SITE),
    "inside-notice-no-site-url": (date(2025, 9, 30), ""),
}
UID = "urn:amend:security/baa/{}"


def sample_timeline(as_of: date) -> Timeline:
    loaded = load_revisions(GOLDEN / "revisions")
    assert loaded.problems == ()
    return build_timeline(loaded.revisions, as_of)


def check_golden(path: Path, data: bytes) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"{path} is missing: run with AMEND_UPDATE_GOLDEN=1 and read the new file"
    assert data == path.read_bytes(), f"{path} differs: run with AMEND_UPDATE_GOLDEN=1 and review the change"


def events(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    assert isinstance(calendar, icalendar.Calendar)
    return [event for event in calendar.walk("VEVENT") if isinstance(event, icalendar.Event)]


@pytest.mark.parametrize("case", CASES)
def test_the_calendar_matches_its_golden_file(case: str) -> None:
    as_of, site = CASES[case]
    check_golden(GOLDEN / case / "calendar.ics", render_ics(sample_timeline(as_of), site))


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "before-notice-2025-09-16",
            [("2024-03-01:effective", date(2024, 3, 1)), ("2025-04-15:effective", date(2025, 4, 15))],
        ),
        (
            "inside-notice-2025-09-30",
            [
                ("2024-03-01:effective", date(2024, 3, 1)),
                ("2025-04-15:effective", date(2025, 4, 15)),
                ("2025-10-17:notice-window-end", date(2025, 10, 16)),
                ("2025-10-17:effective", date(2025, 10, 17)),
            ],
        ),
        (
            "after-notice-2025-10-17",
            [
                ("2024-03-01:effective", date(2024, 3, 1)),
                ("2025-04-15:effective", date(2025, 4, 15)),
                ("2025-10-17:effective", date(2025, 10, 17)),
            ],
        ),
    ],
)
def test_each_published_revision_has_its_effective_date_and_an_open_window_has_its_last_day(
    case: str, expected: list[tuple[str, date]]
) -> None:
    got = [(str(e["UID"]), e.decoded("DTSTART")) for e in events((GOLDEN / case / "calendar.ics").read_bytes())]
    assert got == [(UID.format(name), day) for name, day in expected]


def test_every_event_is_a_whole_day_stamped_with_its_revision_s_posted_date() -> None:
    posted = {"2024-03-01": date(2024, 3, 1), "2025-04-15": date(2025, 3, 14), "2025-10-17": date(2025, 9, 17)}
    for event in events(render_ics(sample_timeline(date(2025, 9, 30)), SITE)):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and type(end) is date
        assert end - start == timedelta(days=1)
        revision = re.search(r"\d{4}-\d{2}-\d{2}", str(event["UID"]))
        assert revision is not None
        assert event.decoded("DTSTAMP") == datetime.combine(posted[revision.group(0)], datetime.min.time(), UTC)
        assert str(event["TRANSP"]) == "TRANSPARENT"


def test_the_notice_event_falls_on_the_last_day_before_the_revision_takes_effect_and_links_its_redline() -> None:
    event = next(e for e in events(render_ics(sample_timeline(date(2025, 9, 30)), SITE)) if "notice" in str(e["UID"]))
    assert event.decoded("DTSTART") == date(2025, 10, 16)
    assert str(event["SUMMARY"]) == "Notice window ends: Business Associate Agreement 2025-10-17 takes effect tomorrow"
    assert str(event["URL"]) == "https://trust.example.com/security/baa/compare/2025-04-15...2025-10-17/"
    description = str(event["DESCRIPTION"])
    assert description.startswith("Last day of the notice window: revision 2025-10-17 takes effect tomorrow, 2025-10")
    assert 'Breach reports are due within 72 hours; "subcontractors" & <notice> terms added.' in description


def test_notice_window_end_is_the_day_before_the_effective_date() -> None:
    third = next(r for r in load_revisions(GOLDEN / "revisions").revisions if r.id == "2025-10-17")
    assert notice_window_end(third) == date(2025, 10, 16)


def test_the_effective_event_gives_the_summary_notice_and_links() -> None:
    found = events(render_ics(sample_timeline(date(2025, 10, 17)), SITE))
    event = next(e for e in found if "2025-10-17" in str(e["UID"]))
    assert str(event["SUMMARY"]) == "Business Associate Agreement 2025-10-17 takes effect"
    assert str(event["URL"]) == "https://trust.example.com/security/baa/2025-10-17/"
    assert str(event["DESCRIPTION"]).splitlines() == [
        'Breach reports are due within 72 hours; "subcontractors" & <notice> terms added.',
        "",
        "Posted 2025-09-17; takes effect on 2025-10-17 (30 days of notice).",
        "Read it: https://trust.example.com/security/baa/2025-10-17/",
        "PDF: https://trust.example.com/security/baa/2025-10-17.pdf",
        "Changes against revision 2025-04-15: https://trust.example.com/security/baa/compare/2025-04-15...2025-10-17/",
    ]


def test_a_draft_never_appears_in_the_calendar() -> None:
    data = render_ics(sample_timeline(date(2025, 9, 16)), SITE)
    assert b"2025-10-17" not in data and b"20251017" not in data and b"20251016" not in data


def test_uids_are_stable_across_builds_on_different_days() -> None:
    seen: dict[str, tuple[date, str]] = {}
    for as_of, site in CASES.values():
        if not site:
            continue
        for event in events(render_ics(sample_timeline(as_of), site)):
            value = (event.decoded("DTSTART"), str(event["SUMMARY"]))
            assert seen.setdefault(str(event["UID"]), value) == value
    assert len(seen) == 4


def test_the_calendar_names_itself_and_its_producer_and_asks_to_be_refreshed_daily() -> None:
    calendar = icalendar.Calendar.from_ical(render_ics(sample_timeline(date(2025, 9, 30)), SITE))
    assert str(calendar["PRODID"]) == PRODID == "-//amend//Revision calendar 1.0//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]) == "Business Associate Agreement: revisions"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(days=1)
    assert str(calendar["URL"]) == "https://trust.example.com/security/baa/calendar.ics"


def test_the_file_has_crlf_line_ends_and_folded_lines_as_rfc_5545_requires() -> None:
    data = render_ics(sample_timeline(date(2025, 9, 30)), SITE)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")
    assert all(b"\n" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75


def test_the_same_timeline_gives_the_same_bytes() -> None:
    first = render_ics(sample_timeline(date(2025, 9, 30)), SITE)
    assert render_ics(sample_timeline(date(2025, 9, 30)), SITE) == first


def test_without_a_site_url_events_carry_no_relative_url_and_name_paths_from_the_site_root() -> None:
    found = events(render_ics(sample_timeline(date(2025, 9, 30)), ""))
    assert all("URL" not in event for event in found)
    assert [str(e["UID"]) for e in found][-1] == "urn:amend:security/baa/2025-10-17:effective"
    assert "Read it: /security/baa/2025-10-17/" in str(found[-1]["DESCRIPTION"])


def test_revision_text_with_calendar_syntax_reads_back_unchanged() -> None:
    summary = "Clause 4; item 2, and a backslash \\ stay: text."
    text = (GOLDEN / "revisions" / "2025-10-17.md").read_text(encoding="utf-8")
    quoted = '"' + summary.replace("\\", "\\\\") + '"'  # YAML double quotes: the backslash is escaped
    text = re.sub(r"(?m)^summary: .*$", lambda _: f"summary: {quoted}", text)
    third, problems = parse_revision(text, Path("baa_versions/2025-10-17.md"))
    assert third is not None, problems
    others = [r for r in load_revisions(GOLDEN / "revisions").revisions if r.id != "2025-10-17"]
    found = events(render_ics(build_timeline([*others, third], date(2025, 9, 30)), SITE))
    assert str(found[-1]["DESCRIPTION"]).splitlines()[0] == summary
