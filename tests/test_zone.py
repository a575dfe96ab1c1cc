"""The agreement's time zone: one clock for "today", provenance days, feed and calendar times and the pages.

Git cases are real temporary repositories with author AND committer dates
pinned (tests/gitrepo.py); `amend check` output is compared with golden files
in tests/golden/zone (rewrite with AMEND_UPDATE_GOLDEN=1 and read every change).
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from amend import cli
from amend.config import load_settings
from amend.feeds import render_atom
from amend.ical import render_ics
from amend.pages import render_banner, render_revision_header
from amend.revisions import load_revisions
from amend.settings import Settings
from amend.siteplan import plan_site
from amend.timeline import build_timeline
from amend.zone import UTC_ZONE, Zone, parse_zone
from gitrepo import GitRepo

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("AMEND_UPDATE_GOLDEN") == "1"


def check_golden(path: Path, data: bytes) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"{path} is missing: run with AMEND_UPDATE_GOLDEN=1 and read the new file"
    assert data == path.read_bytes(), f"{path} differs: run with AMEND_UPDATE_GOLDEN=1 and review the change"


# --- the zone itself --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "zone", "day"),
    [
        # 17:30 in California on 2026-11-16 is 01:30 UTC on the 17th.
        ("2026-11-17T01:30:00+00:00", "America/Los_Angeles", "2026-11-16"),
        ("2026-11-17T01:30:00+00:00", "UTC", "2026-11-17"),
        ("2026-11-17T01:30:00+00:00", "America/New_York", "2026-11-16"),
        # 23:30 UTC on a summer day is already the next day in Berlin (UTC+2).
        ("2026-07-01T23:30:00+00:00", "Europe/Berlin", "2026-07-02"),
    ],
)
def test_the_day_of_a_moment_is_read_in_the_agreements_zone(moment: str, zone: str, day: str) -> None:
    stamp = datetime.fromisoformat(moment)
    assert parse_zone(zone).day_at(stamp) == date.fromisoformat(day)
    assert parse_zone(zone).day_of_timestamp(int(stamp.timestamp())) == date.fromisoformat(day)


def test_a_day_starts_at_local_midnight_with_the_offset_of_that_season() -> None:
    eastern = parse_zone("America/New_York")
    assert eastern.start_of(date(2026, 7, 1)).isoformat() == "2026-07-01T00:00:00-04:00"
    assert eastern.start_of(date(2026, 12, 17)).isoformat() == "2026-12-17T00:00:00-05:00"
    assert eastern.start_of(date(2026, 12, 17)).astimezone(UTC).isoformat() == "2026-12-17T05:00:00+00:00"


def test_no_zone_set_means_utc_and_the_pages_name_zones_people_know() -> None:
    assert parse_zone("") == UTC_ZONE
    assert parse_zone(None) == UTC_ZONE
    assert parse_zone("America/New_York").label == "Eastern Time"
    assert parse_zone("America/Los_Angeles").label == "Pacific Time"
    assert parse_zone("Europe/Berlin").label == "Europe/Berlin"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "America/New_Yrok",
            "timezone is 'America/New_Yrok', not a time zone; did you mean 'America/New_York'? "
            "(write an IANA name such as America/New_York, America/Los_Angeles or UTC)",
        ),
        (
            "Eastern Standard Time",
            "timezone is 'Eastern Standard Time', not a time zone; did you mean 'America/New_York'? "
            "(write an IANA name such as America/New_York, America/Los_Angeles or UTC)",
        ),
        (
            "../../etc/passwd",
            "timezone is '../../etc/passwd', not a time zone "
            "(write an IANA name such as America/New_York, America/Los_Angeles or UTC)",
        ),
    ],
)
def test_a_timezone_that_names_no_zone_is_refused_with_the_fix(value: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_zone(value)
    assert str(raised.value) == message


# --- settings and the command line ----------------------------------------------------------------------


def write_site(root: Path, timezone: str | None) -> None:
    setting = f"      timezone: {timezone}\n" if timezone is not None else ""
    (root / "mkdocs.yml").write_text(
        f"site_name: Test\nplugins:\n  - amend:\n      notice_days: 30\n{setting}", encoding="utf-8"
    )


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(argv)
    return code, out.getvalue()


def test_the_setting_is_read_from_mkdocs_yml_and_defaults_to_utc(tmp_path: Path) -> None:
    write_site(tmp_path, "America/Los_Angeles")
    assert load_settings(tmp_path) == (replace(Settings(tmp_path), timezone="America/Los_Angeles"), [])
    assert load_settings(tmp_path)[0].zone == Zone("America/Los_Angeles")
    write_site(tmp_path, None)
    assert load_settings(tmp_path)[0].zone == UTC_ZONE


def test_every_command_refuses_a_bad_timezone_before_reading_anything(tmp_path: Path) -> None:
    write_site(tmp_path, "Pacific Time")
    code, output = run(["--root", str(tmp_path), "status", "--as-of", "2026-01-01"])
    assert code == 1
    assert output == (
        "mkdocs.yml:5: amend setting timezone is 'Pacific Time', not a time zone; did you mean 'America/Los_Angeles'? "
        "(write an IANA name such as America/New_York, America/Los_Angeles or UTC)\n"
        "amend status: fix mkdocs.yml first; nothing was checked\n"
    )


def test_today_is_the_day_in_the_agreements_zone() -> None:
    # Read the clock as the command does, on both sides of the call, so a midnight in between cannot fail it.
    zone = parse_zone("Pacific/Kiritimati")  # UTC+14: most hours of the day it is another date than in UTC
    before = zone.day_at(datetime.now(UTC))
    today = cli.resolve_as_of(None, environ={}, zone=zone)
    after = zone.day_at(datetime.now(UTC))
    assert today in (before, after)
    assert cli.resolve_as_of("2026-01-31", environ={}, zone=zone) == date(2026, 1, 31)


# --- provenance: the day a merge reached main -------------------------------------------------------------


def late_merge_repo(tmp_path: Path, timezone: str) -> GitRepo:
    """A revision posted 2026-11-16, merged at 17:30 Pacific that day (01:30 UTC on the 17th)."""
    repo = GitRepo.create(tmp_path / "site")
    write_site(repo.path, timezone)
    repo.write_revision("2026-01-01", "2026-01-01", "2026-01-01")
    repo.commit("First revision", "2026-01-01")
    repo.branch("amend-retention")
    repo.write_revision("2026-12-17", "2026-11-16", "2026-12-17")
    repo.commit("Add the 2026-12-17 revision", "2026-11-16T09:00:00-08:00")
    repo.switch("main")
    repo.merge("amend-retention", "2026-11-16T17:30:00-08:00")
    return repo


@pytest.mark.parametrize(
    ("case", "timezone", "expected_code"),
    [
        ("merge-1730-pacific-accepted", "America/Los_Angeles", 0),
        ("merge-1730-pacific-read-in-utc-is-back-dated", "UTC", 1),
    ],
)
def test_a_merge_late_in_the_day_in_california_reached_main_that_day_in_the_agreements_zone(
    tmp_path: Path, case: str, timezone: str, expected_code: int
) -> None:
    repo = late_merge_repo(tmp_path, timezone)
    code, output = run(["--root", str(repo.path), "check", "--as-of", "2026-11-17"])
    output = output.replace(repo.short(repo.head()), "<merge>")
    check_golden(GOLDEN / "zone" / f"{case}.txt", output.encode("utf-8"))
    assert code == expected_code


# --- feed, calendar and pages -------------------------------------------------------------------------


def test_feed_and_calendar_times_are_midnight_in_the_agreements_zone() -> None:
    loaded = load_revisions(GOLDEN / "feeds" / "revisions")
    timeline = build_timeline(loaded.revisions, date(2025, 9, 30))
    eastern = parse_zone("America/New_York")
    feed = render_atom(timeline, "https://trust.example.com/", zone=eastern)
    calendar = render_ics(timeline, "https://trust.example.com/", zone=eastern)
    check_golden(GOLDEN / "zone" / "eastern-time-2025-09-30" / "feed.xml", feed)
    check_golden(GOLDEN / "zone" / "eastern-time-2025-09-30" / "calendar.ics", calendar)
    assert b"<updated>2025-09-17T00:00:00-04:00</updated>" in feed  # the newest entry: posted that day, EDT
    assert b"X-WR-TIMEZONE:America/New_York" in calendar
    assert b"DTSTAMP:20250917T040000Z" in calendar  # 00:00 Eastern on the posted day, written in UTC
    # The same timeline and zone give the same bytes: nothing comes from the build time.
    assert render_atom(timeline, "https://trust.example.com/", zone=eastern) == feed


def test_pages_say_the_hour_and_zone_a_revision_takes_effect() -> None:
    loaded = load_revisions(GOLDEN / "feeds" / "revisions")
    timeline = build_timeline(loaded.revisions, date(2025, 9, 30))
    plan = replace(plan_site(timeline), zone="America/New_York", zone_label="Eastern Time")
    banner = render_banner(timeline, plan, "security/baa/")
    assert "takes effect at 00:00 Eastern Time on <time" in banner
    assert 'data-amend-zone="America/New_York"' in banner
    upcoming = timeline.upcoming[0]
    header = render_revision_header(upcoming, timeline, plan, "security/baa/2025-10-17/")
    assert "Takes effect at 00:00 Eastern Time on <time" in header


def test_a_site_without_a_timezone_is_told_to_set_one(tmp_path: Path) -> None:
    write_site(tmp_path, None)
    (tmp_path / "baa_versions").mkdir()
    (tmp_path / "baa_versions" / "2026-01-01.md").write_text(
        "---\ntitle: T\nposted: 2026-01-01\neffective: 2026-01-01\nsummary: S.\n---\n\n## 1. One\n\nText.\n",
        encoding="utf-8",
    )
    code, output = run(["--root", str(tmp_path), "check", "--no-history", "--as-of", "2026-01-02"])
    assert code == 0
    assert (
        "note: timezone is not set in mkdocs.yml, so every date is a day in UTC; set the agreement's time zone in "
        "the amend settings, e.g. timezone: America/New_York\n"
    ) in output
    write_site(tmp_path, "America/Chicago")
    assert "timezone is not set" not in run(["--root", str(tmp_path), "check", "--no-history"])[1]
