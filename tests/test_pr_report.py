"""The pull-request report: golden reports for real pull requests, and what every report must do.

Each folder under tests/golden/pr-report/ (except ``history``) is one pull
request against the same sample history:

- ``case.toml``: ``as_of`` (the day CI runs), optionally ``main_day``,
  ``delete`` (revision files the pull request removes), ``history`` (another
  folder of revisions for main, relative to the project, e.g. the sample BAA in
  ``baa_versions``) and ``pr_from_history`` (files of that folder the pull
  request adds instead of main);
- ``main/``: revision files committed on main (on ``main_day``) before the
  branch is cut;
- ``pr/``: revision files the pull request writes;
- ``expected.md``: the report. ``AMEND_UPDATE_GOLDEN=1`` rewrites it; read
  every rewritten report (rendered, as GitHub shows it) before committing.
"""

from __future__ import annotations

import io
import os
import tomllib
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from datetime import date, timedelta
from pathlib import Path

import pytest

from amend import cli
from amend.model import Revision
from amend.problems import Problem
from amend.report import MARKER, FileChange, escape, notice_verdict, render_pr_report
from amend.revisions import parse_revision
from amend.timeline import build_timeline
from gitrepo import REVISIONS, GitRepo, revision_text

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "pr-report"
HISTORY = GOLDEN / "history"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and p.name != "history")
UPDATE = os.environ.get("AMEND_UPDATE_GOLDEN") == "1"


def sample_history(path: Path, folder: Path = HISTORY, leave_out: Sequence[str] = ()) -> GitRepo:
    """The revisions in ``folder`` on main: the first committed on its posted day, each later one merged from
    its own branch two days before its posted day (written two days before that)."""
    repo = GitRepo.create(path)
    names = sorted(p.name for p in folder.glob("*.md") if p.name not in leave_out)
    for index, name in enumerate(names):
        text = (folder / name).read_text(encoding="utf-8")
        found, problems = parse_revision(text, Path(name), name)
        assert found is not None, problems
        if index == 0:
            repo.write(f"{REVISIONS}/{name}", text)
            repo.commit("First revision", found.posted)
            continue
        repo.branch(f"revision-{found.id}")
        repo.write(f"{REVISIONS}/{name}", text)
        repo.commit(f"Add the {found.id} revision", found.posted - timedelta(days=4))
        repo.switch("main")
        repo.merge(f"revision-{found.id}", found.posted - timedelta(days=2), f"Merge the {found.id} revision")
    return repo


def run_report(repo: GitRepo, as_of: date, base: str = "main") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["--root", str(repo.path), "pr-report", "--base", base, "--as-of", as_of.isoformat()])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("case", CASES)
def test_golden_pull_request_reports(case: str, tmp_path: Path) -> None:
    folder = GOLDEN / case
    spec = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
    as_of: date = spec["as_of"]
    history = ROOT / spec["history"] if "history" in spec else HISTORY
    held_back: list[str] = spec.get("pr_from_history", [])
    repo = sample_history(tmp_path / "site", history, leave_out=held_back)
    if (folder / "main").is_dir() or (folder / "register-main.yml").is_file():
        for file in sorted((folder / "main").iterdir()) if (folder / "main").is_dir() else ():
            repo.write(f"{REVISIONS}/{file.name}", file.read_text(encoding="utf-8"))
        if (folder / "register-main.yml").is_file():  # the subprocessor register as main has it
            repo.write("subprocessors.yml", (folder / "register-main.yml").read_text(encoding="utf-8"))
        repo.commit("Work on main", spec["main_day"])
    repo.branch("pr")
    for file in sorted((folder / "pr").iterdir()) if (folder / "pr").is_dir() else ():
        repo.write(f"{REVISIONS}/{file.name}", file.read_text(encoding="utf-8"))
    if (folder / "register-pr.yml").is_file():  # the register as the pull request leaves it
        repo.write("subprocessors.yml", (folder / "register-pr.yml").read_text(encoding="utf-8"))
    if (folder / "withdrawals-pr.yml").is_file():  # the withdrawals the pull request adds
        repo.write("withdrawals.yml", (folder / "withdrawals-pr.yml").read_text(encoding="utf-8"))
    for name in held_back:
        repo.write(f"{REVISIONS}/{name}", (history / name).read_text(encoding="utf-8"))
    for name in spec.get("delete", []):
        repo.remove(f"{REVISIONS}/{name}")
    repo.commit("The pull request", as_of)

    code, report, err = run_report(repo, as_of)
    assert (code, err) == (0, "")
    expected = folder / "expected.md"
    if UPDATE:
        expected.write_text(report, encoding="utf-8", newline="\n")
    assert report == expected.read_text(encoding="utf-8")


def test_every_golden_case_is_a_complete_folder() -> None:
    assert len(CASES) >= 5
    for case in CASES:
        assert (GOLDEN / case / "case.toml").is_file(), case
        assert (GOLDEN / case / "expected.md").is_file(), f"{case}: run with AMEND_UPDATE_GOLDEN=1 and read the result"


# --- what every report does -----------------------------------------------------------------------


def revision(name: str, posted: str, effective: str, summary: str = "", body: str = "") -> Revision:
    shown = f"{REVISIONS}/{name}.md"
    found, problems = parse_revision(revision_text(posted, effective, summary, body), Path(shown), shown)
    assert found is not None, problems
    return found


def report_for(revisions: list[Revision], changes: list[FileChange], problems: Sequence[Problem] = ()) -> str:
    return render_pr_report(
        revisions=revisions,
        changes=changes,
        problems=list(problems),
        as_of=date(2026, 1, 20),
        notice_days=30,
        base="origin/main",
    )


def added(rev: Revision) -> FileChange:
    return FileChange(rev.path.as_posix(), "added", None, rev.source)


def test_the_report_starts_with_the_marker_the_workflow_looks_for() -> None:
    first = revision("2024-03-01", "2024-03-01", "2024-03-01")
    report = report_for([first], [])
    assert report.split("\n")[0] == MARKER == "<!-- amend-pr-report -->"
    assert report.endswith("\n") and not report.endswith("\n\n")


def test_a_pull_request_without_revision_files_says_so() -> None:
    first = revision("2024-03-01", "2024-03-01", "2024-03-01")
    assert "This pull request changes no revision file." in report_for([first], [])


@pytest.mark.parametrize(
    ("posted", "effective", "verdict"),
    [
        ("2026-01-29", "2026-03-01", "posted 2026-01-29, effective 2026-03-01: 31 days, at least 30 required ✓"),
        ("2026-01-30", "2026-03-01", "posted 2026-01-30, effective 2026-03-01: 30 days, at least 30 required ✓"),
        ("2026-01-31", "2026-03-01", "posted 2026-01-31, effective 2026-03-01: 29 days, at least 30 required ✗"),
        ("2026-02-28", "2026-03-01", "posted 2026-02-28, effective 2026-03-01: 1 day, at least 30 required ✗"),
    ],
)
def test_the_notice_window_verdict(posted: str, effective: str, verdict: str) -> None:
    first = revision("2024-03-01", "2024-03-01", "2024-03-01")
    new = revision("2026-03-01", posted, effective)
    entry = build_timeline([first, new], date(2026, 1, 20)).entry("2026-03-01")
    assert entry is not None
    assert notice_verdict(entry, 30) == verdict
    assert f"**Notice window:** {verdict}" in report_for([first, new], [added(new)])


def test_the_first_revision_needs_no_notice() -> None:
    first = revision("2026-03-01", "2026-03-01", "2026-03-01")
    entry = build_timeline([first], date(2026, 1, 20)).entry("2026-03-01")
    assert entry is not None
    verdict = "posted 2026-03-01, effective 2026-03-01: 0 days; the first revision needs no notice ✓"
    assert notice_verdict(entry, 30) == verdict


def test_a_draft_must_be_merged_by_its_posted_date() -> None:
    first = revision("2024-03-01", "2024-03-01", "2024-03-01")
    new = revision("2026-03-01", "2026-01-29", "2026-03-01")
    assert "**Merge on or before 2026-01-29.**" in report_for([first, new], [added(new)])


def test_problems_are_listed_first_with_where_they_are() -> None:
    first = revision("2024-03-01", "2024-03-01", "2024-03-01")
    problem = Problem(f"{REVISIONS}/2026-03-01.md", 4, "notice window is 20 days; set effective to 2026-03-01 or later")
    report = report_for([first], [], [problem])
    assert "❌ **1 problem**" in report
    assert f"- `{REVISIONS}/2026-03-01.md:4` notice window is 20 days; set effective to 2026-03-01 or later" in report
    assert report.index("problem to fix before merging") < report.index("This pull request changes no revision file.")


def test_revision_text_cannot_inject_markup_into_the_comment() -> None:
    first = revision("2024-03-01", "2024-03-01", "2024-03-01")
    new = revision(
        "2026-03-01",
        "2026-01-29",
        "2026-03-01",
        summary="'<script>alert(1)</script> | **loud** @legal-team [link](https://example.org)'",
        body="## 1. Parties {#parties}\n\nA clause that says `<img src=x onerror=alert(1)>` in code.\n",
    )
    report = report_for([first, new], [added(new)])
    assert "<script>" not in report and "<img" not in report
    shown = (
        "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*\\*loud\\*\\* @\u200blegal-team \\[link\\](https://example.org)"
    )
    assert f"> {shown}" in report


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain words", "plain words"),
        ("a <b>bold</b> claim", "a &lt;b&gt;bold&lt;/b&gt; claim"),
        ("5 * 3 | _x_ ~y~", "5 \\* 3 \\| \\_x\\_ \\~y\\~"),
        ("ask @legal", "ask @\u200blegal"),
        ("AT&T", "AT&amp;T"),
    ],
)
def test_escaping_for_github_markdown(text: str, shown: str) -> None:
    assert escape(text) == shown


def test_an_upcoming_revision_before_the_new_one_gets_a_second_redline_against_the_one_in_force() -> None:
    first = revision("2024-03-01", "2024-03-01", "2024-03-01")
    upcoming = revision("2026-02-16", "2026-01-15", "2026-02-16")
    new = revision("2026-03-02", "2026-01-25", "2026-03-02")
    report = report_for([first, upcoming, new], [added(new)])
    assert "Compared with 2026-02-16, the revision before it (upcoming: takes effect in 27 days):" in report
    assert "<summary>Compared with 2024-03-01, the revision in force today</summary>" in report


# --- the command ----------------------------------------------------------------------------------


def test_pr_report_exits_0_even_when_it_lists_problems(tmp_path: Path) -> None:
    repo = sample_history(tmp_path / "site")
    repo.branch("pr")
    repo.write(f"{REVISIONS}/2025-10-17.md", repo.read(f"{REVISIONS}/2025-10-17.md") + "\nAn edit.\n")
    code, report, _ = run_report(repo, date(2026, 1, 20))
    assert code == 0
    assert "❌ **1 problem**" in report and "changes a revision posted on 2025-09-17" in report


def test_pr_report_notes_when_history_cannot_be_read(tmp_path: Path) -> None:
    folder = tmp_path / REVISIONS
    folder.mkdir()
    (folder / "2024-03-01.md").write_text((HISTORY / "2024-03-01.md").read_text(encoding="utf-8"), encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["--root", str(tmp_path), "pr-report", "--base", "main", "--as-of", "2026-01-20"])
    assert code == 0
    assert "> **Note:** history not checked: baa\\_versions is not in a git repository" in out.getvalue()


def test_pr_report_writes_to_a_file_when_asked(tmp_path: Path) -> None:
    repo = sample_history(tmp_path / "site")
    target = tmp_path / "report.md"
    root = str(repo.path)
    code = cli.main(["--root", root, "pr-report", "--base", "main", "--as-of", "2026-01-20", "-o", str(target)])
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith(MARKER + "\n")
