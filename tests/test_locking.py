"""Locked when public: attempts to rewrite the public record, each refused with file, line and fix.

Every case is a real temporary repository with author AND committer dates
pinned (tests/gitrepo.py); the expected messages are golden files in
tests/golden/locking (rewrite with AMEND_UPDATE_GOLDEN=1 and read every change).
Commit ids in the output are replaced by the name of the step that made them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from amend.problems import render_problems
from amend.provenance import check_provenance, check_register_provenance
from amend.zone import parse_zone
from gitrepo import REVISIONS, GitRepo

GOLDEN = Path(__file__).parent / "golden" / "locking"
UPDATE = os.environ.get("AMEND_UPDATE_GOLDEN") == "1"

REGISTER = """title: Subprocessors with access to PHI
baa_clause: subcontractors

subprocessors:
  - name: Hilltop Hosting LLC
    purpose: Hosts the Services and stores PHI, encrypted.
    location: United States
    announced: 2025-01-10
    starts: 2025-01-10
  - name: Quarry Search Co.
    purpose: Indexes uploaded documents so that they can be searched.
    location: United States (Iowa)
    announced: 2025-03-03
    starts: 2025-04-07
"""


def register_repo(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    repo = GitRepo.create(tmp_path / "site")
    repo.write("subprocessors.yml", REGISTER.split("  - name: Quarry")[0])
    commits = {"import": repo.commit("Publish the register", "2025-01-10")}
    repo.write("subprocessors.yml", REGISTER)
    commits["announce-quarry"] = repo.commit("Announce Quarry Search", "2025-03-03")
    return repo, commits


def add_keys(text: str, name: str, keys: str) -> str:
    """``keys`` (already indented lines) added at the end of the entry called ``name``."""
    head, _, tail = text.partition(f"  - name: {name}\n")
    entry, sep, rest = tail.partition("\n  - name:")
    return f"{head}  - name: {name}\n{entry.rstrip()}\n{keys}" + (f"{sep}{rest}" if sep else "")


def backdated_withdrawal(repo: GitRepo) -> dict[str, str]:
    # Quarry has processed PHI since 2025-04-07; in September someone claims it was withdrawn in March.
    repo.write("subprocessors.yml", add_keys(REGISTER, "Quarry Search Co.", "    withdrawn: 2025-03-20\n"))
    return {"withdraw": repo.commit("Withdraw Quarry", "2025-09-01")}


def backdated_end(repo: GitRepo) -> dict[str, str]:
    keys = "    end_announced: 2025-05-01\n    ends: 2025-06-02\n"
    repo.write("subprocessors.yml", add_keys(REGISTER, "Hilltop Hosting LLC", keys))
    return {"end": repo.commit("End Hilltop", "2025-09-01")}


def end_moved_into_the_past(repo: GitRepo) -> dict[str, str]:
    # A removal merged early as a draft (announced for 2025-10-01), then moved to a day already past.
    draft = add_keys(REGISTER, "Hilltop Hosting LLC", "    end_announced: 2025-10-01\n    ends: 2025-11-03\n")
    repo.write("subprocessors.yml", draft)
    commits = {"draft-end": repo.commit("Announce the end of Hilltop for October", "2025-09-01")}
    repo.write("subprocessors.yml", draft.replace("2025-10-01", "2025-08-15"))
    commits["move-end"] = repo.commit("Move it", "2025-09-05")
    return commits


def edited_on_the_announcement_day(repo: GitRepo) -> dict[str, str]:
    repo.write("subprocessors.yml", REGISTER.replace("(Iowa)", "(Ontario, Canada)"))
    return {"same-day-edit": repo.commit("Fix the location", "2025-03-03")}


def pending_backdated_withdrawal(repo: GitRepo) -> dict[str, str]:
    # The same attempt as a pull request's working tree: dated by the check's as-of day.
    repo.write("subprocessors.yml", add_keys(REGISTER, "Quarry Search Co.", "    withdrawn: 2025-03-20\n"))
    return {}


REGISTER_CASES: dict[str, Callable[[GitRepo], dict[str, str]]] = {
    "register-backdated-withdrawal": backdated_withdrawal,
    "register-backdated-end": backdated_end,
    "register-end-moved-into-the-past": end_moved_into_the_past,
    "register-edited-on-the-announcement-day": edited_on_the_announcement_day,
    "register-pending-backdated-withdrawal": pending_backdated_withdrawal,
}


def golden(case: str, output: str) -> None:
    path = GOLDEN / f"{case}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with AMEND_UPDATE_GOLDEN=1 and read the new file"
    assert output == path.read_text(encoding="utf-8"), f"{path} differs: rerun with AMEND_UPDATE_GOLDEN=1"


def named(output: str, repo: GitRepo, commits: dict[str, str]) -> str:
    for name, commit in commits.items():
        output = output.replace(repo.short(commit), f"<{name}>")
    return output


@pytest.mark.parametrize("case", sorted(REGISTER_CASES))
def test_rewriting_the_published_register_is_refused_with_line_and_fix(tmp_path: Path, case: str) -> None:
    repo, commits = register_repo(tmp_path)
    commits |= REGISTER_CASES[case](repo)
    problems = check_register_provenance(
        repo.path, repo.path / "subprocessors.yml", date(2025, 9, 10), shown_root=repo.path
    )
    assert problems, "the rewrite must be refused"
    assert all(p.line is not None for p in problems), "every message names the line to fix"
    golden(case, named(render_problems(problems) + "\n", repo, commits))


def test_a_withdrawal_dated_the_day_it_reaches_main_before_the_start_is_accepted(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "site")
    repo.write("subprocessors.yml", REGISTER.split("  - name: Quarry")[0])
    repo.commit("Publish the register", "2025-01-10")
    repo.write("subprocessors.yml", REGISTER)
    repo.commit("Announce Quarry Search", "2025-03-03")
    repo.write("subprocessors.yml", add_keys(REGISTER, "Quarry Search Co.", "    withdrawn: 2025-03-20\n"))
    repo.commit("Withdraw Quarry", "2025-03-20")
    assert check_register_provenance(repo.path, repo.path / "subprocessors.yml", date(2025, 9, 10)) == []


# --- revisions: the text is locked from 00:00 of its posted day in the agreement's zone ------------------------


def revision_repo(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    repo = GitRepo.create(tmp_path / "site")
    repo.write_revision("2026-01-01", "2026-01-01", "2026-01-01")
    commits = {"first": repo.commit("First revision", "2026-01-01")}
    # Merged as a draft a week early; posted (public) from 00:00 Eastern on 2026-11-16.
    repo.write_revision("2026-12-17", "2026-11-16", "2026-12-17", summary="Records are kept for seven years.")
    commits["draft"] = repo.commit("Add the 2026-12-17 revision", "2026-11-09T15:00:00-05:00")
    return repo, commits


def test_a_posted_revision_edited_during_its_posted_day_is_refused(tmp_path: Path) -> None:
    repo, commits = revision_repo(tmp_path)
    text = repo.read(f"{REVISIONS}/2026-12-17.md").replace("seven years", "one year")
    repo.write(f"{REVISIONS}/2026-12-17.md", text)
    # 08:00 Eastern on the posted day: the morning publish has shown the seven-year text since 00:05.
    commits["edit"] = repo.commit("Shorter retention", "2026-11-16T08:00:00-05:00")
    problems, note = check_provenance(
        repo.path, repo.path / REVISIONS, date(2026, 11, 20), shown_root=repo.path, zone=parse_zone("America/New_York")
    )
    assert note is None
    golden("revision-edited-on-its-posted-day", named(render_problems(problems) + "\n", repo, commits))


def test_a_draft_edited_the_evening_before_its_posted_day_in_its_zone_is_accepted(tmp_path: Path) -> None:
    repo, _ = revision_repo(tmp_path)
    text = repo.read(f"{REVISIONS}/2026-12-17.md").replace("seven years", "six years")
    repo.write(f"{REVISIONS}/2026-12-17.md", text)
    # 22:00 Eastern on the 15th is already the 16th in UTC: in the agreement's zone it is the day before.
    repo.commit("Last correction of the draft", "2026-11-15T22:00:00-05:00")
    eastern = parse_zone("America/New_York")
    assert check_provenance(repo.path, repo.path / REVISIONS, date(2026, 11, 20), zone=eastern) == ([], None)
    utc = check_provenance(repo.path, repo.path / REVISIONS, date(2026, 11, 20))[0]
    assert [p.message.split(" (")[0] for p in utc] == ["changed on main after it was posted"]


TERMS = "notice:\n  - from: 2025-01-10\n    notice_days: 30\n    objection_days: 15\n\n"


def test_a_notice_term_in_force_is_never_relaxed(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "site")
    with_terms = REGISTER.replace("subprocessors:\n", TERMS + "subprocessors:\n")
    repo.write("subprocessors.yml", with_terms)
    commits = {"import": repo.commit("Publish the register", "2025-01-10")}
    repo.write("subprocessors.yml", with_terms.replace("notice_days: 30", "notice_days: 10"))
    commits["relax"] = repo.commit("Ten days is enough", "2025-06-01")
    problems = check_register_provenance(repo.path, repo.path / "subprocessors.yml", date(2025, 6, 2))
    golden("register-notice-term-relaxed", named(render_problems(problems) + "\n", repo, commits))
    assert all(p.line == 4 for p in problems)


def test_a_future_notice_term_may_be_added(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "site")
    with_terms = REGISTER.replace("subprocessors:\n", TERMS + "subprocessors:\n")
    repo.write("subprocessors.yml", with_terms)
    repo.commit("Publish the register", "2025-01-10")
    later = TERMS.rstrip("\n") + "\n  - from: 2025-09-01\n    notice_days: 45\n    objection_days: 30\n\n"
    repo.write("subprocessors.yml", REGISTER.replace("subprocessors:\n", later + "subprocessors:\n"))
    repo.commit("The new BAA's term", "2025-06-01")
    assert check_register_provenance(repo.path, repo.path / "subprocessors.yml", date(2025, 6, 2)) == []
