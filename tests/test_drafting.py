"""Starting a new revision (amend.drafting) and the ``amend new`` command (amend.cli_new)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from amend import cli
from amend.drafting import (
    SUMMARY_PLACEHOLDER,
    first_effective,
    render_revision,
    start_revision,
    write_revision,
    yaml_string,
)
from amend.frontmatter import parse_front_matter, split_front_matter
from amend.model import Revision, Status
from amend.revisions import load_revisions
from amend.timeline import build_timeline, check_timeline

FIXTURE = Path(__file__).parent / "golden" / "feeds" / "revisions"  # 2024-03-01, 2025-04-15, 2025-10-17
D = date.fromisoformat
NOT_A_DATE = "not a date; write it as YYYY-MM-DD"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site folder whose baa_versions/ holds the three fixture revisions."""
    shutil.copytree(FIXTURE, tmp_path / "baa_versions")
    return tmp_path


def revisions_in(site: Path) -> tuple[Revision, ...]:
    loaded = load_revisions(site / "baa_versions", shown_root=site)
    assert loaded.problems == ()
    return loaded.revisions


@pytest.mark.parametrize(
    ("posted", "effective", "notice_days", "expected"),
    [
        pytest.param("2025-11-01", None, 30, "2025-12-01", id="default-is-posted-plus-the-notice-days"),
        pytest.param("2025-11-01", None, 45, "2025-12-16", id="default-follows-the-notice-setting"),
        pytest.param("2025-09-20", None, 30, "2025-10-20", id="default-during-the-latest-window"),
        pytest.param("2025-09-01", None, 30, "2025-10-18", id="default-is-after-the-latest-effective-date"),
        pytest.param("2025-11-01", "2026-01-15", 30, "2026-01-15", id="a-later-date-is-kept"),
        pytest.param("2025-11-01", "2025-12-01", 30, "2025-12-01", id="exactly-the-notice-days-is-enough"),
    ],
)
def test_a_new_revision_takes_the_first_effective_date_the_timeline_allows_or_a_later_one_given(
    site: Path, posted: str, effective: str | None, notice_days: int, expected: str
) -> None:
    result = start_revision(
        revisions_in(site), site / "baa_versions", D(posted), D(effective) if effective else None, notice_days
    )
    assert isinstance(result, tuple), result
    path, text = result
    assert path == site / "baa_versions" / f"{expected}.md"
    assert f"\nposted: {posted}\neffective: {expected}\n" in text


@pytest.mark.parametrize(
    ("posted", "effective", "message"),
    [
        pytest.param(
            "2025-11-01",
            "2025-11-20",
            "baa_versions/2025-11-20.md: notice window would be 19 days (posted 2025-11-01, effective 2025-11-20); "
            "it must be at least 30: use --effective 2025-12-01 or later",
            id="notice-window-too-short",
        ),
        pytest.param(
            "2025-09-01",
            "2025-10-10",
            "baa_versions/2025-10-10.md: effective 2025-10-10 is not after 2025-10-17, when the latest revision "
            "2025-10-17 takes effect: use --effective 2025-10-18 or later",
            id="not-after-the-latest-revision",
        ),
        pytest.param(
            "2025-10-01",
            "2025-10-16",
            "baa_versions/2025-10-16.md: notice window would be 15 days (posted 2025-10-01, effective 2025-10-16); "
            "it must be at least 30; effective 2025-10-16 is not after 2025-10-17, when the latest revision "
            "2025-10-17 takes effect: use --effective 2025-10-31 or later",
            id="both-at-once",
        ),
    ],
)
def test_dates_that_would_break_the_window_are_refused_with_a_date_that_works(
    site: Path, posted: str, effective: str, message: str
) -> None:
    result = start_revision(revisions_in(site), site / "baa_versions", D(posted), D(effective), 30, shown_root=site)
    assert isinstance(result, list)
    assert [p.render() for p in result] == [message]


def test_an_existing_file_is_never_replaced(site: Path) -> None:
    revisions = revisions_in(site)
    existing = site / "baa_versions" / "2025-12-01.md"
    existing.write_text("kept\n", encoding="utf-8")
    result = start_revision(revisions, site / "baa_versions", D("2025-11-01"), None, 30, shown_root=site)
    assert isinstance(result, list)
    assert [p.render() for p in result] == [
        "baa_versions/2025-12-01.md: 2025-12-01.md already exists; edit that file, or choose another --effective date"
    ]
    assert write_revision(existing, "replaced\n") != []
    assert existing.read_text(encoding="utf-8") == "kept\n"


def test_a_back_dated_posted_date_is_refused_with_today(site: Path) -> None:
    result = start_revision(
        revisions_in(site), site / "baa_versions", D("2025-11-01"), None, 30, today=D("2025-11-05"), shown_root=site
    )
    assert isinstance(result, list)
    assert [p.message for p in result] == [
        "posted 2025-11-01 is before today (2025-11-05); a revision may not be back-dated: "
        "use --posted 2025-11-05 or later"
    ]


def test_the_new_file_copies_the_latest_text_byte_for_byte_under_new_front_matter(site: Path) -> None:
    result = start_revision(revisions_in(site), site / "baa_versions", D("2025-11-01"), None, 30)
    assert isinstance(result, tuple)
    _, text = result
    latest = (site / "baa_versions" / "2025-10-17.md").read_text(encoding="utf-8")
    assert split_front_matter(text).body == split_front_matter(latest).body
    assert text.startswith(
        "---\n"
        "title: Business Associate Agreement\n"
        "posted: 2025-11-01\n"
        "effective: 2025-12-01\n"
        'summary: "TODO: replace this line with one or two plain sentences on what this revision changes."\n'
        "---\n"
    )


def test_the_written_file_passes_the_checker_and_is_upcoming_with_the_full_window(site: Path) -> None:
    result = start_revision(revisions_in(site), site / "baa_versions", D("2025-11-01"), None, 30, shown_root=site)
    assert isinstance(result, tuple)
    path, text = result
    assert write_revision(path, text) == []
    loaded = load_revisions(site / "baa_versions", 30, shown_root=site)
    assert [p.render() for p in loaded.problems] == [
        "baa_versions/2025-12-01.md:5: summary still says TODO; "
        "write one or two plain sentences on what this revision changes"
    ]
    new = next(r for r in loaded.revisions if r.id == "2025-12-01")
    assert new.summary == SUMMARY_PLACEHOLDER
    entry = build_timeline(loaded.revisions, D("2025-11-01"), 30).entry("2025-12-01")
    assert entry is not None
    assert entry.status is Status.UPCOMING
    assert entry.days_left(D("2025-11-01")) == 30


def test_a_first_revision_may_take_effect_the_day_it_is_posted_and_passes_the_checker(tmp_path: Path) -> None:
    folder = tmp_path / "baa_versions"
    result = start_revision((), folder, D("2026-01-05"), None, 30, title="Data Processing Addendum")
    assert isinstance(result, tuple)
    path, text = result
    assert path.name == "2026-01-05.md"
    assert write_revision(path, text) == []
    loaded = load_revisions(folder)
    assert {p.message.split(";")[0] for p in loaded.problems} == {
        "summary still says TODO",
        "a TODO line is still in the text",
    }, "everything else passes: only the lines left to write are named"
    assert loaded.revisions[0].title == "Data Processing Addendum"
    assert [c.id for c in loaded.revisions[0].document.clauses] == ["parties"]


def test_a_first_revision_cannot_take_effect_before_it_is_posted(tmp_path: Path) -> None:
    result = start_revision((), tmp_path, D("2026-01-05"), D("2026-01-01"), 30)
    assert isinstance(result, list)
    assert result[0].message.endswith("use --effective 2026-01-05 or later")


fixture_revisions = load_revisions(FIXTURE).revisions


@settings(derandomize=True, max_examples=200, deadline=None)
@given(
    posted=st.integers(min_value=-400, max_value=400).map(lambda n: D("2025-10-17") + timedelta(days=n)),
    notice_days=st.integers(min_value=0, max_value=90),
)
def test_the_default_effective_date_always_passes_the_check_and_no_earlier_date_would(
    posted: date, notice_days: int
) -> None:
    folder = Path("/nonexistent/baa_versions")
    result = start_revision(fixture_revisions, folder, posted, None, notice_days)
    assert isinstance(result, tuple), result
    path, _ = result
    effective = D(path.stem)
    assert effective == first_effective(fixture_revisions, posted, notice_days)
    earlier = start_revision(fixture_revisions, folder, posted, effective - timedelta(days=1), notice_days)
    assert isinstance(earlier, list)
    assert earlier[0].message.endswith(f"use --effective {effective} or later")


@settings(derandomize=True, max_examples=300)
@given(st.text(min_size=1, max_size=60))
def test_any_title_survives_the_trip_through_front_matter(value: str) -> None:
    assert yaml.safe_load(f"title: {yaml_string(value)}") == {"title": value}
    entries, problems = parse_front_matter(f"title: {yaml_string(value)}", "x.md", 2)
    assert problems == []
    assert entries[0].value == value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Business Associate Agreement", "Business Associate Agreement"),
        ("Terms: Part 2", '"Terms: Part 2"'),
        ("yes", '"yes"'),
        ("Ünïcode title", '"Ünïcode title"'),
        ("#1 agreement", '"#1 agreement"'),
    ],
)
def test_titles_are_written_plain_when_safe_and_quoted_otherwise(value: str, written: str) -> None:
    assert yaml_string(value) == written


def test_render_revision_ends_with_a_newline_even_when_the_latest_does_not() -> None:
    latest = fixture_revisions[-1]
    text = render_revision(latest, D("2025-11-01"), D("2025-12-01"))
    assert text.endswith("\n") and not text.endswith("\n\n\n")


# --- amend new --------------------------------------------------------------------------------------------


def run(site: Path, *args: str) -> int:
    return cli.main(["--root", str(site), "new", *args])


def test_amend_new_writes_the_file_and_prints_its_path_dates_and_notice_window(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AMEND_AS_OF", "2025-11-01")
    assert run(site) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "baa_versions/2025-12-01.md",
        "posted:    2025-11-01",
        "effective: 2025-12-01 (the first date the notice window allows)",
        "notice window: 30 days (at least 30)",
        "copied from 2025-10-17: edit the text, replace the summary's TODO line, then open a pull request",
    ]
    new = site / "baa_versions" / "2025-12-01.md"
    assert cli.main(["--root", str(site), "check", "--no-history", "--as-of", "2025-11-01"]) == 1, "TODO summary"
    new.write_text(new.read_text(encoding="utf-8").replace(f'"{SUMMARY_PLACEHOLDER}"', "Shortens a deadline."))
    assert cli.main(["--root", str(site), "check", "--no-history", "--as-of", "2025-11-01"]) == 0


def test_amend_new_takes_posted_and_effective_dates(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AMEND_AS_OF", "2025-11-01")
    assert run(site, "--posted", "2025-11-10", "--effective", "2026-01-02") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == [
        "baa_versions/2026-01-02.md",
        "posted:    2025-11-10",
        "effective: 2026-01-02",
        "notice window: 53 days (at least 30)",
    ]


def test_amend_new_refuses_a_short_window_saying_which_date_works_and_writes_nothing(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AMEND_AS_OF", "2025-11-01")
    assert run(site, "--effective", "2025-11-20") == 1
    assert "use --effective 2025-12-01 or later" in capsys.readouterr().out
    names = sorted(p.name for p in (site / "baa_versions").iterdir())
    assert names == ["2024-03-01.md", "2025-04-15.md", "2025-10-17.md"]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--posted", "2025-02-30"], "2025-11-01", f"amend new: --posted is '2025-02-30', {NOT_A_DATE}"),
        (["--effective", "soon"], "2025-11-01", f"amend new: --effective is 'soon', {NOT_A_DATE}"),
        (
            [],
            "1 Nov 2025",
            "amend new: AMEND_AS_OF is '1 Nov 2025', not a date; write it as YYYY-MM-DD, e.g. 2026-01-31",
        ),
    ],
)
def test_amend_new_rejects_a_date_that_is_not_a_date_in_one_line(
    site: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    env: str,
    message: str,
) -> None:
    monkeypatch.setenv("AMEND_AS_OF", env)
    assert run(site, *args) == 1
    assert capsys.readouterr().err.strip() == message


def test_amend_new_refuses_to_start_from_a_broken_revision_set(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AMEND_AS_OF", "2025-11-01")
    broken = site / "baa_versions" / "2025-10-17.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("effective:", "efective:"), encoding="utf-8")
    assert run(site) == 1
    captured = capsys.readouterr()
    typo = "baa_versions/2025-10-17.md:4: unknown front-matter key 'efective'; did you mean 'effective'?"
    assert typo in captured.out
    assert "fix these problems first" in captured.err
    assert not (site / "baa_versions" / "2025-12-01.md").exists()


def test_amend_new_starts_a_first_revision_in_an_empty_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AMEND_AS_OF", "2026-01-05")
    assert run(tmp_path) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "baa_versions/2026-01-05.md"
    assert out[3] == "notice window: 0 days (a first revision may take effect the day it is posted)"
    assert check_timeline(load_revisions(tmp_path / "baa_versions").revisions) == []
