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
