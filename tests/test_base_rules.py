"""A pull request is checked by the base branch's rules: it cannot relax the check that judges it.

Real temporary repositories with author AND committer dates pinned; the
output of `amend check --base main` is a golden file in tests/golden/base-rules
(rewrite with AMEND_UPDATE_GOLDEN=1 and read every change).
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

from amend import cli
from gitrepo import GitRepo

GOLDEN = Path(__file__).parent / "golden" / "base-rules"
UPDATE = os.environ.get("AMEND_UPDATE_GOLDEN") == "1"
SETTINGS = "site_name: Test\nplugins:\n  - amend:\n      notice_days: {days}\n      timezone: America/New_York\n"


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def lowered_notice(tmp_path: Path) -> GitRepo:
    repo = GitRepo.create(tmp_path / "site")
    repo.write("mkdocs.yml", SETTINGS.format(days=30))
    repo.write_revision("2026-01-01", "2026-01-01", "2026-01-01")
    repo.commit("First revision", "2026-01-01")
    repo.branch("shorter-notice")
    # The pull request lowers the notice window to 20 days and adds a revision with 21 days of notice.
    repo.write("mkdocs.yml", SETTINGS.format(days=20))
    repo.write_revision("2026-03-01", "2026-02-08", "2026-03-01")
    repo.commit("Shorter notice", "2026-02-08")
    return repo


def test_a_pull_request_that_lowers_notice_days_is_checked_with_the_base_branchs_value(tmp_path: Path) -> None:
    repo = lowered_notice(tmp_path)
    code, out, err = run(["--root", str(repo.path), "check", "--base", "main", "--as-of", "2026-02-08"])
    output = out + err
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        (GOLDEN / "lowered-notice-days.txt").write_text(output, encoding="utf-8")
    assert output == (GOLDEN / "lowered-notice-days.txt").read_text(encoding="utf-8")
    assert code == 1


def test_the_same_change_on_main_itself_uses_its_own_settings(tmp_path: Path) -> None:
    repo = lowered_notice(tmp_path)
    repo.switch("main")
    repo.merge("shorter-notice", "2026-02-08T12:00:00-05:00")
    code, _, err = run(["--root", str(repo.path), "check", "--as-of", "2026-02-08"])
    assert code == 0
    assert err.endswith("2 revisions checked: no problems (as of 2026-02-08)\n")


def test_the_pr_report_names_the_rule_change_and_applies_the_base_rule(tmp_path: Path) -> None:
    repo = lowered_notice(tmp_path)
    code, out, _ = run(["--root", str(repo.path), "pr-report", "--base", "main", "--as-of", "2026-02-08"])
    assert code == 0
    assert "this change sets notice\\_days to '20' in mkdocs.yml (it is '30' on the base branch)" in out
    assert "notice window is 21 days (posted 2026-02-08, effective 2026-03-01); it must be at least 30" in out


def test_a_base_branch_whose_rules_cannot_be_read_leaves_the_change_to_its_own_rules(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "site")
    repo.write("mkdocs.yml", SETTINGS.format(days="thirty"))
    repo.write_revision("2026-01-01", "2026-01-01", "2026-01-01")
    repo.commit("First revision", "2026-01-01")
    repo.branch("fix-settings")
    repo.write("mkdocs.yml", SETTINGS.format(days=20))
    repo.write_revision("2026-03-01", "2026-02-08", "2026-03-01")
    repo.commit("Notice days as digits", "2026-02-08")
    code, out, err = run(["--root", str(repo.path), "check", "--base", "main", "--as-of", "2026-02-08"])
    assert (code, out) == (0, "")
    assert err == (
        "note: the base branch's mkdocs.yml could not be read (mkdocs.yml:4: amend setting notice_days is 'thirty', "
        "not a whole number; write digits, e.g. 30), so this change is checked by its own notice_days, timezone and "
        "history_baseline\n"
        "note: notice of revision 2026-03-01 not sent yet (takes effect 2026-03-01; send it by 2026-02-09 to give 20 "
        "days)\n"
        "note: published files not compared: no archive (set AMEND_ARCHIVE to a checkout of the published branch)\n"
        "2 revisions checked: no problems (as of 2026-02-08)\n"
    )
