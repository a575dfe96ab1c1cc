"""Withdrawing an upcoming revision: the file, its rules, and what page, feed and calendar say.

The revisions are the feed goldens' three (tests/golden/feeds/revisions): the
third, 2025-10-17, is posted on 2025-09-17 and withdrawn here on 2025-09-25.
Expected output is in tests/golden/withdrawals (rewrite with
AMEND_UPDATE_GOLDEN=1 and read every change). Git cases are real temporary
repositories with author AND committer dates pinned.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import icalendar
import pytest

from amend.feeds import render_atom
from amend.ical import render_ics
from amend.model import Status, Withdrawal
from amend.pages import render_revision_header
from amend.problems import render_problems
from amend.provenance import check_withdrawal_provenance
from amend.revisions import load_revisions
from amend.siteplan import plan_site
from amend.timeline import build_timeline
from amend.withdrawals import check_withdrawals, parse_withdrawals
from gitrepo import GitRepo

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("AMEND_UPDATE_GOLDEN") == "1"
SITE = "https://trust.example.com/"

WITHDRAWALS = """withdrawals:
  - revision: 2025-10-17
    withdrawn: 2025-09-25
    reason: The shorter breach-reporting deadline is postponed while customers review it.
"""


def check_golden(path: Path, data: bytes) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"{path} is missing: run with AMEND_UPDATE_GOLDEN=1 and read the new file"
    assert data == path.read_bytes(), f"{path} differs: run with AMEND_UPDATE_GOLDEN=1 and review the change"


def revisions() -> list:  # type: ignore[type-arg]  # the loader's own tuple of revisions
    loaded = load_revisions(GOLDEN / "feeds" / "revisions")
    assert loaded.problems == ()
    return list(loaded.revisions)


def withdrawals() -> dict[str, Withdrawal]:
    found, problems = parse_withdrawals(WITHDRAWALS, "withdrawals.yml")
    assert problems == []
    return found


# --- the file and its rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "text"),
    [
        ("unknown-key", WITHDRAWALS.replace("reason:", "reasn:")),
        ("missing-reason", WITHDRAWALS.split("    reason:")[0]),
        ("loose-date", WITHDRAWALS.replace("2025-09-25", "2025-9-25")),
        ("not-a-list", "withdrawals: 2025-10-17\n"),
        ("twice", WITHDRAWALS + WITHDRAWALS.removeprefix("withdrawals:\n")),
        ("unknown-revision", WITHDRAWALS.replace("revision: 2025-10-17", "revision: 2025-10-18")),
        ("before-posted", WITHDRAWALS.replace("2025-09-25", "2025-09-01")),
        ("on-the-effective-day", WITHDRAWALS.replace("2025-09-25", "2025-10-17")),
    ],
)
def test_each_broken_withdrawal_gets_one_message_with_its_line_and_fix(case: str, text: str) -> None:
    found, problems = parse_withdrawals(text, "withdrawals.yml")
    if not problems:
        problems = check_withdrawals(found, revisions(), "withdrawals.yml")
    output = render_problems(problems) + "\n"
    check_golden(GOLDEN / "withdrawals" / "broken" / f"{case}.txt", output.encode("utf-8"))
    assert problems, "the withdrawal must be refused"
    assert all(p.line is not None for p in problems)


def test_a_withdrawn_revision_never_takes_effect_and_the_one_in_force_stays() -> None:
    before = build_timeline(revisions(), date(2025, 9, 24), withdrawals=withdrawals())
    assert before.entry("2025-10-17").status is Status.UPCOMING  # type: ignore[union-attr]
    after = build_timeline(revisions(), date(2025, 10, 20), withdrawals=withdrawals())
    third = after.entry("2025-10-17")
    assert third is not None and third.status is Status.WITHDRAWN and third.withdrawal is not None
    assert after.in_force is not None and after.in_force.id == "2025-04-15"
    assert after.upcoming == ()  # no banner, no notice window counting down
    assert third in after.published  # its page stays: it was public


# --- page, feed and calendar ------------------------------------------------------------------------------------


def test_the_page_says_withdrawn_when_and_why() -> None:
    timeline = build_timeline(revisions(), date(2025, 10, 20), withdrawals=withdrawals())
    entry = timeline.entry("2025-10-17")
    assert entry is not None
    html = render_revision_header(entry, timeline, plan_site(timeline), "security/baa/2025-10-17/")
    check_golden(GOLDEN / "withdrawals" / "withdrawn-2025-10-20" / "revision-header.html", html.encode("utf-8"))
    assert 'amend-badge--withdrawn">Withdrawn<' in html
    assert "Withdrawn on <time" in html and "postponed while customers review it" in html


def test_the_feed_announces_the_withdrawal_and_never_says_it_took_effect() -> None:
    timeline = build_timeline(revisions(), date(2025, 10, 20), withdrawals=withdrawals())
    feed = render_atom(timeline, SITE)
    check_golden(GOLDEN / "withdrawals" / "withdrawn-2025-10-20" / "feed.xml", feed)
    assert b"<id>urn:amend:security/baa/2025-10-17:withdrawn</id>" in feed
    assert b"security/baa/2025-10-17:in-force" not in feed
    assert b"security/baa/2025-10-17:posted" in feed  # the notice it gave stays on record


def test_the_calendar_cancels_both_events_with_a_higher_sequence() -> None:
    upcoming = icalendar.Calendar.from_ical(render_ics(build_timeline(revisions(), date(2025, 9, 20)), SITE))
    timeline = build_timeline(revisions(), date(2025, 10, 20), withdrawals=withdrawals())
    data = render_ics(timeline, SITE)
    check_golden(GOLDEN / "withdrawals" / "withdrawn-2025-10-20" / "calendar.ics", data)
    cancelled = {
        str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if "2025-10-17" in str(e["UID"])
    }
    announced = {str(e["UID"]) for e in upcoming.walk("VEVENT") if "2025-10-17" in str(e["UID"])}
    assert set(cancelled) == announced  # the same UIDs readers' calendars hold
    for event in cancelled.values():
        assert str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] == 1
        assert event.decoded("DTSTAMP").isoformat() == "2025-09-25T00:00:00+00:00"


# --- history: a withdrawal is dated from the day it reached main, and kept once public -------------------------


def withdrawal_repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.create(tmp_path / "site")
    repo.write("README.md", "The agreement.\n")
    repo.commit("Start", "2025-01-02")
    return repo


def test_a_back_dated_withdrawal_is_refused(tmp_path: Path) -> None:
    repo = withdrawal_repo(tmp_path)
    repo.write("withdrawals.yml", "withdrawals:\n")
    repo.commit("No withdrawals yet", "2025-09-01")
    repo.write("withdrawals.yml", WITHDRAWALS.replace("2025-09-25", "2025-09-20"))
    commit = repo.commit("Withdraw 2025-10-17", "2025-09-25")
    problems = check_withdrawal_provenance(repo.path, repo.path / "withdrawals.yml", date(2025, 10, 1))
    output = render_problems(problems).replace(repo.short(commit), "<withdraw>") + "\n"
    check_golden(GOLDEN / "withdrawals" / "history" / "back-dated.txt", output.encode("utf-8"))


def test_a_published_withdrawal_is_never_changed(tmp_path: Path) -> None:
    repo = withdrawal_repo(tmp_path)
    repo.write("withdrawals.yml", "withdrawals:\n")
    repo.commit("No withdrawals yet", "2025-09-01")
    repo.write("withdrawals.yml", WITHDRAWALS)
    commit = repo.commit("Withdraw 2025-10-17", "2025-09-25")
    repo.write("withdrawals.yml", WITHDRAWALS.replace("is postponed", "is dropped"))
    repo.commit("Reword", "2025-09-26")
    problems = check_withdrawal_provenance(repo.path, repo.path / "withdrawals.yml", date(2025, 10, 1))
    output = render_problems(problems).replace(repo.short(commit), "<withdraw>") + "\n"
    check_golden(GOLDEN / "withdrawals" / "history" / "changed-after-publication.txt", output.encode("utf-8"))


def test_a_withdrawal_dated_the_day_it_reaches_main_is_accepted(tmp_path: Path) -> None:
    repo = withdrawal_repo(tmp_path)
    repo.write("withdrawals.yml", "withdrawals:\n")
    repo.commit("No withdrawals yet", "2025-09-01")
    repo.write("withdrawals.yml", WITHDRAWALS)
    repo.commit("Withdraw 2025-10-17", "2025-09-25T18:00:00-04:00")
    assert check_withdrawal_provenance(repo.path, repo.path / "withdrawals.yml", date(2025, 10, 1)) == [], (
        "22:00 UTC on 2025-09-25 is that day in UTC"
    )


def test_status_shows_the_table_then_the_withdrawals_problems(tmp_path: Path) -> None:
    import contextlib
    import io

    from amend import cli
    from gitrepo import revision_text

    folder = tmp_path / "baa_versions"
    folder.mkdir()
    (folder / "2025-06-01.md").write_text(revision_text("2025-06-01", "2025-06-01"), encoding="utf-8")
    (folder / "2025-10-17.md").write_text(revision_text("2025-09-17", "2025-10-17"), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - amend\n", encoding="utf-8")
    (tmp_path / "withdrawals.yml").write_text(WITHDRAWALS.replace("2025-10-17", "2025-10-71"), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["--root", str(tmp_path), "status", "--as-of", "2025-09-30"])
    table, _, problems = out.getvalue().partition("\n\n")
    assert code == 1
    assert table.splitlines()[2:] == [
        "2025-06-01   in force    2025-06-01  2025-06-01    0 days",
        "2025-10-17   upcoming    2025-09-17  2025-10-17   30 days  takes effect in 17 days",
    ]
    assert problems.startswith("1 problem (run amend check for the full check):\nwithdrawals.yml:2: ")
