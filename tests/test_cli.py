"""The command line's own edge: the as-of date and the status table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from amend import cli

FIXTURE = Path(__file__).parent / "fixtures" / "site"


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [
        ("2025-13-01", None, "amend status: --as-of is '2025-13-01', not a date; write it as YYYY-MM-DD"),
        (None, "tomorrow", "amend status: AMEND_AS_OF is 'tomorrow', not a date; write it as YYYY-MM-DD"),
    ],
)
def test_an_as_of_that_is_not_a_date_is_one_clear_message_and_exit_1(
    flag: str | None,
    env: str | None,
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if env is not None:
        monkeypatch.setenv("AMEND_AS_OF", env)
    args = ["--root", str(FIXTURE), "status"] + (["--as-of", flag] if flag else [])
    assert cli.main(args) == 1
    assert capsys.readouterr().err.startswith(expected)


def test_the_flag_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AMEND_AS_OF", "2025-01-10")
    assert cli.main(["--root", str(FIXTURE), "status", "--as-of", "2025-12-01", "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["as_of"] == "2025-12-01"
    assert [(r["id"], r["status"], r["notice_days"]) for r in status["revisions"]] == [
        ("2025-01-10", "superseded", 0),
        ("2025-06-01", "in force", 42),
        ("2025-12-15", "upcoming", 35),
    ]


def test_status_shows_drafts_with_the_notice_they_will_give(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(FIXTURE), "status", "--as-of", "2025-11-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "as of 2025-11-01 (notice window: 30 days)"
    assert lines[-1].startswith("2025-12-15   draft") and lines[-1].endswith("not published yet")


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (
            "2025-03-03",
            "On 2025-03-03 revision 2025-01-10 was in force: from 2025-01-10 until 2025-05-31 "
            "(as published on 2025-12-01).",
        ),
        (
            "2025-12-01",
            "On 2025-12-01 revision 2025-06-01 is in force: from 2025-06-01 until 2025-12-14 "
            "(as published on 2025-12-01).",
        ),
        (
            "2026-02-01",
            "On 2026-02-01 revision 2025-12-15 will be in force: from 2025-12-15 with no later revision "
            "published yet (as published on 2025-12-01).",
        ),
        (
            "2024-12-31",
            "No revision was in force on 2024-12-31; the first, 2025-01-10, takes effect on 2025-01-10 "
            "(as published on 2025-12-01).",
        ),
    ],
)
def test_status_on_a_date_names_the_revision_that_binds_that_day(
    on: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--root", str(FIXTURE), "status", "--as-of", "2025-12-01", "--on", on]) == 0
    assert capsys.readouterr().out.strip() == expected


def test_status_on_a_date_as_json_gives_the_period(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        cli.main(["--root", str(FIXTURE), "status", "--as-of", "2025-12-01", "--on", "2025-03-03", "--format", "json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out) == {
        "as_of": "2025-12-01",
        "on": "2025-03-03",
        "in_force": "2025-01-10",
        "in_force_from": "2025-01-10",
        "in_force_until": "2025-05-31",
    }


def test_status_on_a_day_that_is_not_a_date_is_one_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--root", str(FIXTURE), "status", "--on", "3 March"]) == 1
    assert capsys.readouterr().err.startswith("amend status: --on is '3 March', not a date; write it as YYYY-MM-DD")
