"""One "days left" rule everywhere, and "1 day", never "1 days"."""

from __future__ import annotations

import contextlib
import io
from datetime import date, timedelta
from pathlib import Path

import pytest

from amend import cli
from amend.register import ChangeEntry, ChangeStatus, parse_register, register_changes
from amend.revisions import load_revisions
from amend.timeline import build_timeline, days_left, plural_days
from gitrepo import revision_text


@pytest.mark.parametrize(
    ("last_day", "as_of", "left"),
    [
        ("2026-12-16", "2026-11-16", 31),  # posted day: today counts
        ("2026-12-16", "2026-12-15", 2),
        ("2026-12-16", "2026-12-16", 1),  # the last day itself: one day left
        ("2026-12-16", "2026-12-17", 0),  # the day it takes effect: none
        ("2026-12-16", "2027-01-01", 0),
    ],
)
def test_days_left_counts_today_and_reaches_zero_the_day_after_the_last(last_day: str, as_of: str, left: int) -> None:
    assert days_left(date.fromisoformat(last_day), date.fromisoformat(as_of)) == left


def test_the_banner_and_the_register_count_the_same_window_the_same_way(tmp_path: Path) -> None:
    # A revision and a subprocessor addition, both announced 2026-11-16, both effective 2026-12-17.
    (tmp_path / "2026-12-17.md").write_text(revision_text("2026-11-16", "2026-12-17"), encoding="utf-8")
    register, problems = parse_register(
        "title: T\nbaa_clause: x\nsubprocessors:\n"
        "  - name: A\n    purpose: p\n    location: l\n    announced: 2026-01-01\n    starts: 2026-01-01\n"
        "  - name: B\n    purpose: p\n    location: l\n    announced: 2026-11-16\n    starts: 2026-12-17\n",
        "subprocessors.yml",
        30,
    )
    assert register is not None, problems
    addition = next(c for c in register_changes(register) if c.subprocessor.name == "B")
    revision = load_revisions(tmp_path).revisions[0]
    for offset in range(0, 33):
        as_of = date(2026, 11, 16) + timedelta(days=offset)
        entry = build_timeline([revision], as_of).entries[0]
        change = ChangeEntry(addition, ChangeStatus.PENDING)
        assert entry.days_left(as_of) == change.days_left(as_of), as_of


def test_one_day_is_one_day() -> None:
    assert plural_days(1) == "1 day"
    assert plural_days(0) == "0 days"
    assert plural_days(30) == "30 days"


def test_amend_status_says_in_1_day_on_the_last_day_of_the_window(tmp_path: Path) -> None:
    folder = tmp_path / "baa_versions"
    folder.mkdir()
    (folder / "2026-01-01.md").write_text(revision_text("2026-01-01", "2026-01-01"), encoding="utf-8")
    (folder / "2026-12-17.md").write_text(revision_text("2026-11-16", "2026-12-17"), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["--root", str(tmp_path), "status", "--as-of", "2026-12-16"])
    assert code == 0
    assert "takes effect in 1 day\n" in out.getvalue()
