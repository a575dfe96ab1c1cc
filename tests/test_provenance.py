"""Provenance from git: immutability, back-dating and deletion, against real repositories.

Each test builds a temporary repository one commit per step, with the author
AND committer dates pinned (tests/gitrepo.py), then asks amend what the
history proves.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

import pytest

from amend import cli
from amend.problems import Problem
from amend.provenance import (
    ChangeKind,
    FileHistory,
    History,
    Unavailable,
    Version,
    check_file_history,
    check_provenance,
    read_history,
)
from gitrepo import REVISIONS, GitRepo, revision_text

FIRST = f"{REVISIONS}/2024-03-01.md"
SECOND = f"{REVISIONS}/2025-04-15.md"
THIRD = f"{REVISIONS}/2025-10-17.md"


def check(repo: GitRepo, as_of: str, base: str | None = None, baseline: str | None = None) -> list[Problem]:
    problems, note = check_provenance(
        repo.path, repo.path / REVISIONS, date.fromisoformat(as_of), base=base, baseline=baseline, shown_root=repo.path
    )
    assert note is None
    return problems


def messages(problems: list[Problem]) -> list[str]:
    return [p.render() for p in problems]


def history(repo: GitRepo, as_of: str, base: str | None = None, baseline: str | None = None) -> History:
    found = read_history(repo.path, repo.path / REVISIONS, date.fromisoformat(as_of), base=base, baseline=baseline)
    assert isinstance(found, History), found
    return found


@pytest.fixture
def sample(tmp_path: Path) -> GitRepo:
    """Main with two revisions: the first committed directly, the second merged from a pull request."""
    repo = GitRepo.create(tmp_path / "site")
    repo.write_revision("2024-03-01", "2024-03-01", "2024-03-01")
    repo.commit("First revision", "2024-03-01")
    repo.branch("revision-2025-04-15")
    repo.write_revision("2025-04-15", "2025-03-14", "2025-04-15")
    repo.commit("Add the 2025-04-15 revision", "2025-03-10")
    repo.switch("main")
    repo.merge("revision-2025-04-15", "2025-03-12")
    repo.git("branch", "--quiet", "--delete", "revision-2025-04-15")
    return repo


# --- what the history says -----------------------------------------------------------------------


def test_a_file_reaches_main_on_the_day_its_pull_request_is_merged(sample: GitRepo) -> None:
    found = history(sample, "2025-06-01")
    second = found.file(SECOND)
    assert second is not None and second.first_reached_main is not None
    assert second.first_reached_main.day == date(2025, 3, 12)  # the merge, not the branch commit of 03-10
    assert second.first_reached_main.commit == sample.head()
    assert second.first_reached_main.posted == date(2025, 3, 14)
    assert second.changes_on_main == ()


def test_every_later_commit_that_changed_a_file_is_listed_in_order(sample: GitRepo) -> None:
    sample.write(SECOND, sample.read(SECOND) + "\nA first added paragraph.\n")
    one = sample.commit("Edit", "2025-03-13")
    sample.write(SECOND, sample.read(SECOND) + "\nA second added paragraph.\n")
    two = sample.commit("Edit again", "2025-03-14")
    sample.write("README.md", "Not a revision.\n")
    sample.commit("Unrelated", "2025-03-15")
    second = history(sample, "2025-06-01").file(SECOND)
    assert second is not None
    assert [(v.commit, v.day) for v in second.changes_on_main] == [(one, date(2025, 3, 13)), (two, date(2025, 3, 14))]


def test_the_commit_day_is_the_committer_date_in_utc(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "site")
    repo.write_revision("2024-03-01", "2024-03-01", "2024-03-01")
    # 23:30 in New York on the last day of February is already March 1st in UTC.
    repo.git("add", "--all")
    repo.git("commit", "--quiet", "-m", "First", when="2024-02-29T23:30:00-05:00")
    first = history(repo, "2024-03-02").file(FIRST)
    assert first is not None and first.first_reached_main is not None
    assert first.first_reached_main.day == date(2024, 3, 1)


def test_the_author_date_is_not_what_counts(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "site")
    repo.write_revision("2024-03-01", "2024-03-01", "2024-03-01")
    repo.git("add", "--all")
    # `git commit --date` back-dates only the author date: the committer date still says when it landed.
    repo.git("commit", "--quiet", "-m", "First", "--date=2024-03-01T12:00:00+00:00", when="2024-03-05T12:00:00+00:00")
    problems = check(repo, "2024-03-05")
    assert len(problems) == 1 and "back-dated" in problems[0].message


# --- the rules on main -------------------------------------------------------------------------


def test_a_clean_history_passes(sample: GitRepo) -> None:
    sample.branch("revision-2025-10-17")
    sample.write_revision("2025-10-17", "2025-09-17", "2025-10-17")
    sample.commit("Add the 2025-10-17 revision", "2025-09-15")
    sample.switch("main")
    sample.merge("revision-2025-10-17", "2025-09-16")
    assert check(sample, "2026-01-01") == []


def test_editing_a_posted_revision_fails_and_names_the_commit(sample: GitRepo) -> None:
    sample.write(SECOND, sample.read(SECOND).replace("reasonable safeguards", "appropriate safeguards"))
    commit = sample.commit("Fix wording", "2025-05-02")
    assert messages(check(sample, "2025-06-01")) == [
        f"{SECOND}: changed on main after it was posted (commit {commit[:7]}, 2025-05-02); posted revisions are "
        f"immutable: put the change in a new revision and restore the posted text (e.g. git revert {commit[:7]})"
    ]


def test_every_commit_that_changed_a_posted_revision_is_named(sample: GitRepo) -> None:
    sample.write(SECOND, sample.read(SECOND) + "\nOne.\n")
    one = sample.commit("One", "2025-05-02")
    sample.write(SECOND, sample.read(SECOND) + "\nTwo.\n")
    two = sample.commit("Two", "2025-05-09")
    found = check(sample, "2025-06-01")
    assert [p.message.split(";")[0] for p in found] == [
        f"changed on main after it was posted (commit {one[:7]}, 2025-05-02)",
        f"changed on main after it was posted (commit {two[:7]}, 2025-05-09)",
    ]


@pytest.mark.parametrize(
    ("edited_on", "allowed"),
    [
        ("2025-03-13", True),  # the day before it is posted: still a draft
        ("2025-03-14", False),  # the posted day: public since 00:00, the morning publish showed it
        ("2025-03-15", False),  # the day after: the text readers were given is fixed
    ],
)
def test_a_revision_may_be_edited_only_before_its_posted_day(sample: GitRepo, edited_on: str, allowed: bool) -> None:
    sample.write(SECOND, sample.read(SECOND) + "\nA late clarification.\n")
    sample.commit("Clarify", edited_on)
    assert (check(sample, "2025-06-01") == []) is allowed


def test_reverting_a_change_to_a_posted_revision_clears_the_problem(sample: GitRepo) -> None:
    sample.write(SECOND, sample.read(SECOND) + "\nAn edit that should have been a new revision.\n")
    bad = sample.commit("Edit", "2025-05-02")
    assert len(check(sample, "2025-06-01")) == 1
    sample.git("revert", "--no-edit", bad, when="2025-05-03")
    assert check(sample, "2025-06-01") == []


def test_a_second_edit_does_not_hide_the_first(sample: GitRepo) -> None:
    original = sample.read(SECOND)
    sample.write(SECOND, original + "\nEdit one.\n")
    sample.commit("Edit", "2025-05-02")
    sample.write(SECOND, original + "\nEdit two.\n")
    sample.commit("Edit differently", "2025-05-03")
    assert len(check(sample, "2025-06-01")) == 2


def test_back_dating_a_revision_fails(sample: GitRepo) -> None:
    sample.write_revision("2025-10-17", "2025-09-17", "2025-10-17")
    commit = sample.commit("Add the 2025-10-17 revision", "2025-09-20")
    assert messages(check(sample, "2025-10-01")) == [
        f"{THIRD}: back-dated: posted 2025-09-17 is earlier than the day its file first reached main "
        f"(commit {commit[:7]}, 2025-09-20); notice cannot be given before the revision is public: have legal "
        "decide how to correct the record (usually a new revision with true dates), then accept the history up to "
        f"this commit by setting history_baseline: '{commit[:7]}' (or a later commit) in the amend settings of "
        "mkdocs.yml"
    ]


def test_a_pull_request_merged_after_its_posted_day_is_back_dated(sample: GitRepo) -> None:
    sample.branch("late")
    sample.write_revision("2025-10-17", "2025-09-17", "2025-10-17")
    sample.commit("Add the 2025-10-17 revision", "2025-09-10")  # on time on the branch...
    sample.switch("main")
    sample.merge("late", "2025-09-18")  # ...but it reached main a day after its posted date
    found = check(sample, "2025-10-01")
    assert len(found) == 1 and "back-dated" in found[0].message and "2025-09-18" in found[0].message


def test_moving_posted_into_the_past_is_back_dating(sample: GitRepo) -> None:
    sample.write_revision("2025-10-17", "2025-09-17", "2025-10-17")
    sample.commit("Add the 2025-10-17 revision as a draft", "2025-09-01")
    sample.write(THIRD, sample.read(THIRD).replace("posted: 2025-09-17", "posted: 2025-09-02"))
    commit = sample.commit("Claim earlier notice", "2025-09-05")
    found = check(sample, "2025-10-01")
    assert len(found) == 1
    assert found[0].message.startswith(
        f"back-dated: commit {commit[:7]} (2025-09-05) moved posted from 2025-09-17 to 2025-09-02, a day already past"
    )


def test_deleting_a_published_revision_fails(sample: GitRepo) -> None:
    sample.remove(SECOND)
    commit = sample.commit("Remove", "2025-05-02")
    assert messages(check(sample, "2025-06-01")) == [
        f"{SECOND}: deleted from main after it was published on 2025-03-14 (commit {commit[:7]}, 2025-05-02); "
        f"published revisions may not be deleted: restore it (git checkout {commit[:7]}^ -- {SECOND})"
    ]


def test_restoring_a_deleted_revision_clears_the_problem(sample: GitRepo) -> None:
    text = sample.read(SECOND)
    sample.remove(SECOND)
    sample.commit("Remove", "2025-05-02")
    sample.write(SECOND, text)
    sample.commit("Restore", "2025-05-03")
    assert check(sample, "2025-06-01") == []


def test_withdrawing_a_draft_before_its_posted_day_is_allowed(sample: GitRepo) -> None:
    sample.write_revision("2025-10-17", "2025-09-17", "2025-10-17")
    sample.commit("Draft", "2025-09-01")
    sample.remove(THIRD)
    sample.commit("Withdraw the draft", "2025-09-05")
    assert check(sample, "2025-10-01") == []


def test_an_unreadable_posted_date_is_left_to_the_front_matter_check(sample: GitRepo) -> None:
    sample.write(THIRD, revision_text("someday", "2025-10-17"))
    sample.commit("Broken draft", "2025-09-01")
    sample.write(THIRD, revision_text("2025-09-17", "2025-10-17"))
    sample.commit("Fixed draft", "2025-09-02")
    assert check(sample, "2025-10-01") == []


# --- the working tree and pull requests ----------------------------------------------------------


def test_an_uncommitted_edit_to_a_posted_revision_fails_on_the_changed_line(sample: GitRepo) -> None:
    text = sample.read(SECOND)
    sample.write(SECOND, text.replace("reasonable safeguards", "appropriate safeguards"))
    line = text.split("\n").index("The Vendor shall protect health information with reasonable safeguards.") + 1
    found = check(sample, "2025-06-01")
    assert messages(found) == [
        f"{SECOND}:{line}: "
        "changes a revision posted on 2025-03-14; posted revisions are immutable: undo this change "
        f"(git checkout HEAD -- {SECOND}) and put it in a new revision (amend new)"
    ]


def test_text_added_at_the_end_is_annotated_on_its_first_new_line(sample: GitRepo) -> None:
    text = sample.read(SECOND)
    sample.write(SECOND, text + "\nAn added paragraph.\n")
    [problem] = check(sample, "2025-06-01")
    assert problem.line == len(text.split("\n")) + 1
    assert sample.read(SECOND).split("\n")[problem.line - 1] == "An added paragraph."


def test_an_uncommitted_new_revision_dated_today_or_later_passes(sample: GitRepo) -> None:
    sample.write_revision("2025-10-17", "2025-09-17", "2025-10-17")
    assert check(sample, "2025-09-17") == []


def test_line_endings_alone_are_not_a_change_when_git_normalises_them(sample: GitRepo) -> None:
    sample.write(".gitattributes", f"{REVISIONS}/** text eol=lf\n")
    sample.commit("Pin line endings", "2025-03-20")
    sample.write(SECOND, sample.read(SECOND).replace("\n", "\r\n"))
    assert check(sample, "2025-06-01") == []


@pytest.fixture
def pull_request(sample: GitRepo) -> GitRepo:
    """A pull-request branch checked out, as CI sees it; main is the base."""
    sample.branch("pr")
    return sample


def test_a_pull_request_adding_a_revision_posted_today_or_later_passes(pull_request: GitRepo) -> None:
    pull_request.write_revision("2025-10-17", "2025-09-17", "2025-10-17")
    pull_request.commit("Add the 2025-10-17 revision", "2025-09-10")
    assert check(pull_request, "2025-09-10", base="main") == []
    found = history(pull_request, "2025-09-10", base="main")
    assert [(c.shown, c.kind) for c in found.changes] == [(THIRD, ChangeKind.ADDED)]


def test_a_pull_request_adding_a_back_dated_revision_fails_on_the_posted_line(pull_request: GitRepo) -> None:
    pull_request.write_revision("2025-10-17", "2025-09-05", "2025-10-17")
    pull_request.commit("Add the 2025-10-17 revision", "2025-09-10")
    assert messages(check(pull_request, "2025-09-10", base="main")) == [
        f"{THIRD}:3: back-dated: posted 2025-09-05 is earlier than 2025-09-10, the first day this revision can reach "
        "main; notice cannot be given in the past: set posted to 2025-09-10 or later (and keep effective at least 30 "
        "days later, 2025-10-10 or after, renaming the file to match, e.g. 2025-10-10.md)"
    ]


def test_a_pull_request_editing_a_posted_revision_fails(pull_request: GitRepo) -> None:
    pull_request.write(SECOND, pull_request.read(SECOND) + "\nA change that belongs in a new revision.\n")
    pull_request.commit("Edit the posted revision", "2025-05-01")
    found = check(pull_request, "2025-05-01", base="main")
    assert len(found) == 1
    assert found[0].path == SECOND and found[0].line is not None
    assert found[0].message.startswith("changes a revision posted on 2025-03-14; posted revisions are immutable")
    assert f"git checkout main -- {SECOND}" in found[0].message


def test_a_pull_request_editing_a_draft_on_main_before_its_posted_day_passes(sample: GitRepo) -> None:
    sample.write_revision("2025-10-17", "2025-09-17", "2025-10-17")
    sample.commit("Draft", "2025-09-01")
    sample.branch("pr")
    sample.write(THIRD, sample.read(THIRD) + "\nA correction before posting.\n")
    sample.commit("Correct the draft", "2025-09-10")
    assert check(sample, "2025-09-10", base="main") == []
    assert [(c.shown, c.kind) for c in history(sample, "2025-09-10", base="main").changes] == [
        (THIRD, ChangeKind.MODIFIED)
    ]


def test_a_pull_request_deleting_a_published_revision_fails(pull_request: GitRepo) -> None:
    pull_request.remove(FIRST)
    pull_request.commit("Remove the first revision", "2025-05-01")
    assert messages(check(pull_request, "2025-05-01", base="main")) == [
        f"{FIRST}: deletes a revision published on 2024-03-01; published revisions may not be deleted: restore it "
        f"(git checkout main -- {FIRST}); to withdraw or replace it, add a new revision"
    ]


def test_a_pull_request_is_measured_from_its_merge_base(sample: GitRepo) -> None:
    sample.branch("pr")
    sample.write_revision("2025-10-17", "2025-09-17", "2025-10-17")
    sample.commit("Add the 2025-10-17 revision", "2025-09-10")
    sample.switch("main")
    sample.write("docs/index.md", "Landing page.\n")
    sample.commit("Docs", "2025-09-11")
    sample.switch("pr")
    # main moved on after the branch was cut: only the pull request's own change is pending
    found = history(sample, "2025-09-12", base="main")
    assert [(c.shown, c.kind) for c in found.changes] == [(THIRD, ChangeKind.ADDED)]
    assert check(sample, "2025-09-12", base="main") == []


def test_the_merge_commit_ci_checks_out_is_measured_from_the_base(sample: GitRepo) -> None:
    sample.branch("pr")
    sample.write_revision("2025-10-17", "2025-09-17", "2025-10-17")
    sample.commit("Add the 2025-10-17 revision", "2025-09-10")
    sample.switch("main")
    sample.git("switch", "--quiet", "--detach", "main")
    sample.git("merge", "--quiet", "--no-ff", "-m", "Merge pr into main", "pr", when="2025-09-12")
    found = history(sample, "2025-09-12", base="main")
    assert [(c.shown, c.kind) for c in found.changes] == [(THIRD, ChangeKind.ADDED)]


def test_an_unknown_base_is_reported_with_the_fetch_to_run(sample: GitRepo) -> None:
    assert messages(check(sample, "2025-06-01", base="origin/main")) == [
        f"{REVISIONS}: --base 'origin/main' is not a commit in this repository; fetch it first "
        "(e.g. git fetch origin main) or name another ref"
    ]


# --- history that cannot be known --------------------------------------------------------------


def test_a_shallow_clone_is_reported_once_and_never_guessed(sample: GitRepo, tmp_path: Path) -> None:
    sample.write(SECOND, sample.read(SECOND) + "\nAn edit.\n")
    sample.commit("Edit", "2025-05-02")
    clone = sample.clone(tmp_path / "shallow", "--depth", "1")
    problems, note = check_provenance(clone.path, clone.path / REVISIONS, date(2025, 6, 1), shown_root=clone.path)
    assert note is None
    assert messages(problems) == [
        f"{REVISIONS}: the git history is shallow (a clone made with --depth), so it cannot prove that posted "
        "revisions were never changed or back-dated; fetch the full history: git fetch --unshallow "
        "(in GitHub Actions: actions/checkout with fetch-depth: 0)"
    ]


def test_a_full_clone_gives_the_same_answer_as_the_original(sample: GitRepo, tmp_path: Path) -> None:
    sample.write(SECOND, sample.read(SECOND) + "\nAn edit.\n")
    sample.commit("Edit", "2025-05-02")
    clone = sample.clone(tmp_path / "full")
    problems = check(clone, "2025-06-01", base="origin/main")
    original = check(sample, "2025-06-01")
    assert [p.message for p in problems] == [p.message.replace("HEAD", "origin/main") for p in original]


def test_a_folder_outside_git_is_skipped_with_a_note(tmp_path: Path) -> None:
    folder = tmp_path / REVISIONS
    folder.mkdir()
    (folder / "2024-03-01.md").write_text(revision_text("2024-03-01", "2024-03-01"), encoding="utf-8")
    problems, note = check_provenance(tmp_path, folder, date(2025, 1, 1), shown_root=tmp_path)
    assert problems == []
    assert note == (
        f"history not checked: {REVISIONS} is not in a git repository, "
        "so immutability and back-dating were not verified"
    )


def test_a_repository_without_commits_is_skipped_with_a_note(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "site")
    repo.write_revision("2024-03-01", "2024-03-01", "2024-03-01")
    found = read_history(repo.path, repo.path / REVISIONS, date(2025, 1, 1))
    assert found == Unavailable(note="history not checked: the git repository has no commits yet")


# --- revisions older than the repository ---------------------------------------------------------


@pytest.fixture
def imported(tmp_path: Path) -> tuple[GitRepo, str]:
    """A repository started in 2026 with three revisions posted years before."""
    repo = GitRepo.create(tmp_path / "site")
    repo.write_revision("2024-03-01", "2024-03-01", "2024-03-01")
    repo.write_revision("2025-04-15", "2025-03-14", "2025-04-15")
    repo.commit("Import the agreement's past revisions", "2026-01-05")
    repo.write_revision("2025-10-17", "2025-09-17", "2025-10-17")
    baseline = repo.commit("Import one more", "2026-01-06")
    return repo, baseline


def test_without_a_baseline_imported_revisions_read_as_back_dated(imported: tuple[GitRepo, str]) -> None:
    repo, _ = imported
    assert len(check(repo, "2026-02-01")) == 3


def test_revisions_present_at_the_baseline_keep_their_dates(imported: tuple[GitRepo, str]) -> None:
    repo, baseline = imported
    assert check(repo, "2026-02-01", baseline=baseline) == []
    assert check(repo, "2026-02-01", baseline=baseline[:7]) == []


def test_changes_after_the_baseline_are_still_checked(imported: tuple[GitRepo, str]) -> None:
    repo, baseline = imported
    repo.write(SECOND, repo.read(SECOND) + "\nAn edit.\n")
    edit = repo.commit("Edit an imported revision", "2026-01-10")
    repo.write_revision("2026-03-01", "2026-01-20", "2026-03-01")
    late = repo.commit("Back-dated addition", "2026-01-25")
    found = check(repo, "2026-02-01", baseline=baseline)
    assert [(p.path, p.message.split(";")[0]) for p in found] == [
        (SECOND, f"changed on main after it was posted (commit {edit[:7]}, 2026-01-10)"),
        (
            f"{REVISIONS}/2026-03-01.md",
            "back-dated: posted 2026-01-20 is earlier than the day its file first reached main "
            f"(commit {late[:7]}, 2026-01-25)",
        ),
    ]


def test_a_baseline_that_is_not_on_main_is_reported_against_the_settings(imported: tuple[GitRepo, str]) -> None:
    repo, _ = imported
    assert messages(check(repo, "2026-02-01", baseline="no-such-commit")) == [
        "mkdocs.yml: history_baseline 'no-such-commit' is not a commit on the first-parent history of HEAD; "
        "set it to a commit that git log --first-parent HEAD lists"
    ]


# --- the rules alone, as a table ---------------------------------------------------------------


def v(commit: str | None, day: str, blob: str | None, posted: str | None = None) -> Version:
    return Version(commit, date.fromisoformat(day), blob, date.fromisoformat(posted) if posted else None)


@pytest.mark.parametrize(
    ("case", "versions", "expected"),
    [
        ("added on its posted day", [v("c1", "2025-03-14", "A", "2025-03-14")], []),
        ("added before its posted day", [v("c1", "2025-03-01", "A", "2025-03-14")], []),
        ("added after its posted day", [v("c1", "2025-03-15", "A", "2025-03-14")], ["back-dated"]),
        (
            "edited on its posted day",
            [v("c1", "2025-03-01", "A", "2025-03-14"), v("c2", "2025-03-14", "B", "2025-03-14")],
            ["changed"],
        ),
        (
            "added on its posted day, edited later that day",
            [v("c1", "2025-03-14", "A", "2025-03-14"), v("c2", "2025-03-14", "B", "2025-03-14")],
            ["changed"],
        ),
        (
            "edited the day after posting",
            [v("c1", "2025-03-01", "A", "2025-03-14"), v("c2", "2025-03-15", "B", "2025-03-14")],
            ["changed"],
        ),
        (
            "edited, then reverted",
            [
                v("c1", "2025-03-01", "A", "2025-03-14"),
                v("c2", "2025-03-15", "B", "2025-03-14"),
                v("c3", "2025-03-16", "A", "2025-03-14"),
            ],
            [],
        ),
        (
            "posted moved later after it had passed",
            [v("c1", "2025-03-01", "A", "2025-03-14"), v("c2", "2025-03-20", "B", "2025-04-01")],
            ["changed"],
        ),
        (
            "posted moved later before it had passed",
            [v("c1", "2025-03-01", "A", "2025-03-14"), v("c2", "2025-03-10", "B", "2025-04-01")],
            [],
        ),
        (
            "deleted on its posted day",
            [v("c1", "2025-03-01", "A", "2025-03-14"), v("c2", "2025-03-14", None)],
            ["deleted"],
        ),
        (
            "deleted as a draft, then added again later with new text",
            [
                v("c1", "2025-03-01", "A", "2025-03-14"),
                v("c2", "2025-03-05", None),
                v("c3", "2025-03-20", "B", "2025-03-20"),
            ],
            [],
        ),
        (
            "deleted after posting, then added again with new text",
            [
                v("c1", "2025-03-01", "A", "2025-03-14"),
                v("c2", "2025-03-20", None),
                v("c3", "2025-03-21", "B", "2025-03-21"),
            ],
            ["deleted", "changed"],
        ),
    ],
)
def test_the_rules_over_a_files_states(case: str, versions: list[Version], expected: list[str]) -> None:
    found = check_file_history(FileHistory("r.md", "r.md", tuple(versions)))
    assert [p.message.split(" ")[0].rstrip(":") for p in found] == expected, case


# --- `amend check` -------------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_amend_check_reports_history_problems_and_exits_1(sample: GitRepo) -> None:
    sample.write(SECOND, sample.read(SECOND) + "\nAn edit.\n")
    commit = sample.commit("Edit", "2025-05-02")
    code, out, _ = run("--root", str(sample.path), "check", "--as-of", "2025-06-01")
    assert code == 1
    assert out.startswith(f"{SECOND}: changed on main after it was posted (commit {commit[:7]}, 2025-05-02)")


def test_amend_check_base_prints_github_annotations(pull_request: GitRepo) -> None:
    pull_request.write(SECOND, pull_request.read(SECOND) + "\nAn edit.\n")
    root = str(pull_request.path)
    code, out, _ = run("--root", root, "check", "--as-of", "2025-05-01", "--base", "main", "--format", "github")
    assert code == 1
    assert out.startswith(f"::error file={SECOND},line=")
    assert "changes a revision posted on 2025-03-14" in out


def test_amend_check_passes_a_clean_history(sample: GitRepo) -> None:
    code, out, err = run("--root", str(sample.path), "check", "--as-of", "2025-06-01")
    assert (code, out) == (0, "")
    assert "2 revisions checked: no problems" in err


def test_amend_check_without_history_says_so(sample: GitRepo) -> None:
    sample.write(SECOND, sample.read(SECOND) + "\nAn edit.\n")
    sample.commit("Edit", "2025-05-02")
    code, _, err = run("--root", str(sample.path), "check", "--as-of", "2025-06-01", "--no-history")
    assert code == 0
    assert "history not checked (--no-history)" in err


def test_amend_check_reads_the_baseline_from_mkdocs_yml(imported: tuple[GitRepo, str]) -> None:
    repo, baseline = imported
    repo.write("mkdocs.yml", f"site_name: Test\nplugins:\n  - amend:\n      history_baseline: '{baseline[:7]}'\n")
    assert run("--root", str(repo.path), "check", "--as-of", "2026-02-01")[0] == 0
