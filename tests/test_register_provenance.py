"""A past announcement in the subprocessor register is never edited on main: proven from real git history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from amend.provenance import check_register_provenance
from gitrepo import GitRepo

REGISTER = """title: Subprocessors with access to PHI
baa_clause: subcontractors

subprocessors:
  - name: Hilltop Hosting LLC
    purpose: Hosts the Services and stores PHI, encrypted.
    location: United States
    announced: 2025-01-10
    starts: 2025-01-10
"""

ADDITION = """
  - name: Quarry Search Co.
    purpose: Indexes uploaded documents so that they can be searched.
    location: United States (Iowa)
    announced: 2025-03-03
    starts: 2025-04-07
"""


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.create(tmp_path / "site")
    repo.write("subprocessors.yml", REGISTER)
    repo.commit("Publish the register", "2025-01-10")
    repo.write("subprocessors.yml", REGISTER + ADDITION)
    repo.commit("Announce Quarry Search", "2025-03-03")
    return repo


def check(repo: GitRepo, as_of: str, base: str | None = None) -> list[str]:
    found = check_register_provenance(
        repo.path, repo.path / "subprocessors.yml", date.fromisoformat(as_of), base=base, shown_root=repo.path
    )
    return [p.render() for p in found]


def test_a_clean_history_of_announcements_passes(repo: GitRepo) -> None:
    assert check(repo, "2025-05-01") == []


def test_editing_an_announced_entry_fails_and_names_where_it_was_published(repo: GitRepo) -> None:
    announced = repo.head()
    repo.write("subprocessors.yml", (REGISTER + ADDITION).replace("United States (Iowa)", "Canada"))
    repo.commit("Quietly move it", "2025-03-20")
    assert check(repo, "2025-05-01") == [
        "subprocessors.yml:13: 'location' of subprocessor 'Quarry Search Co.' changed from 'United States (Iowa)' "
        "to 'Canada' after it was announced; announcements are kept as published: announce a new change instead "
        f"(as published in commit {announced[:7]})"
    ]


def test_an_uncommitted_edit_of_an_announcement_fails_too(repo: GitRepo) -> None:
    repo.write("subprocessors.yml", (REGISTER + ADDITION).replace("2025-04-07", "2025-03-10"))
    assert len(check(repo, "2025-03-05")) == 1


def test_ending_an_announced_entry_later_is_allowed(repo: GitRepo) -> None:
    ended = (REGISTER + ADDITION).replace(
        "    starts: 2025-01-10\n", "    starts: 2025-01-10\n    end_announced: 2025-06-02\n    ends: 2025-07-01\n"
    )
    repo.write("subprocessors.yml", ended)
    repo.commit("Announce the end of Hilltop", "2025-06-02")
    assert check(repo, "2025-06-10") == []


def test_restoring_the_announced_wording_fixes_the_history(repo: GitRepo) -> None:
    repo.write("subprocessors.yml", (REGISTER + ADDITION).replace("Indexes", "Reads"))
    repo.commit("Edit", "2025-03-20")
    assert check(repo, "2025-05-01") != []
    repo.write("subprocessors.yml", REGISTER + ADDITION)
    repo.commit("Restore", "2025-03-21")
    assert check(repo, "2025-05-01") == []


def test_an_entry_is_locked_from_the_commit_that_announced_it_even_the_same_day(repo: GitRepo) -> None:
    announced = repo.head()
    repo.write("subprocessors.yml", (REGISTER + ADDITION).replace("Indexes", "Reads"))
    repo.commit("Same-day edit", "2025-03-03")
    assert check(repo, "2025-05-01") == [
        "subprocessors.yml:12: 'purpose' of subprocessor 'Quarry Search Co.' changed from 'Indexes uploaded "
        "documents so that they can be searched.' to 'Reads uploaded documents so that they can be searched.' after "
        "it was announced; announcements are kept as published: announce a new change instead "
        f"(as published in commit {announced[:7]})"
    ]


def test_a_draft_announcement_may_change_before_its_announced_day(repo: GitRepo) -> None:
    draft = ADDITION.replace("Quarry Search Co.", "Ridge Mail Inc").replace("2025-03-03", "2025-05-01")
    repo.write("subprocessors.yml", REGISTER + ADDITION + draft.replace("2025-04-07", "2025-06-02"))
    repo.commit("Merge the Ridge Mail announcement early", "2025-04-20")
    repo.write("subprocessors.yml", REGISTER + ADDITION + draft.replace("2025-04-07", "2025-06-09"))
    repo.commit("Move its start", "2025-04-30")
    assert check(repo, "2025-05-10") == []


def test_an_announcement_dated_before_it_reached_main_is_back_dated(repo: GitRepo) -> None:
    late = ADDITION.replace("Quarry Search Co.", "Ridge Mail Inc").replace("2025-03-03", "2025-05-01")
    repo.write("subprocessors.yml", REGISTER + ADDITION + late.replace("2025-04-07", "2025-06-02"))
    commit = repo.commit("Announce Ridge Mail", "2025-05-05")
    assert check(repo, "2025-05-10") == [
        "subprocessors.yml:20: subprocessor 'Ridge Mail Inc' is back-dated: announced 2025-05-01 is earlier than "
        f"the day it reached main (commit {commit[:7]}, 2025-05-05); notice runs from publication: set announced "
        "to 2025-05-05 or later (and starts to keep the notice window)"
    ]


def test_the_first_version_of_the_register_is_an_import_and_keeps_its_dates(repo: GitRepo) -> None:
    assert check(repo, "2025-05-01") == [], "Hilltop, announced 2025-01-10, reached main that day in the first commit"
