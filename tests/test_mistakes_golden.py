"""Golden output for the mistakes a legal team makes, each with its exact message, fix and exit code.

One case per mistake (docs/legal-team.md, "Common mistakes and what the check says"): the
case builds the situation for real (files in a temp folder, or a temp git
repository with pinned dates, see gitrepo.py), runs the ``amend`` command as a
person would, and compares its exit code, standard output and standard error
with ``tests/golden/mistakes/<case>.txt``. AMEND_UPDATE_GOLDEN=1 rewrites the
files; read every change. The temp folder shows as ``<tmp>``.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from amend.cli import main
from gitrepo import REVISIONS, GitRepo, revision_text

GOLDEN = Path(__file__).parent / "golden" / "mistakes"
FIRST = ("2024-03-01", "2024-03-01", "2024-03-01")  # name, posted, effective
POSTED = ("2025-10-17", "2025-09-15", "2025-10-17")

BODY = (
    "## 1. Parties {#parties}\n\n"
    "This agreement is between the Customer and the Vendor.\n\n"
    "## 2. Safeguards {#safeguards}\n\n"
    "The Vendor shall protect health information with reasonable safeguards, as Section 3 describes.\n\n"
    "## 3. Books and Records\n\n"
    "The Vendor shall make its books and records available to the Secretary for inspection.\n"
)


def run(argv: list[str], cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        os.chdir(previous)
    return code, out.getvalue(), err.getvalue()


def folder(tmp_path: Path, *revisions: tuple[str, str, str, str]) -> Path:
    """A site folder (no git) with revision files (name, posted, effective, body)."""
    (tmp_path / REVISIONS).mkdir(parents=True)
    for name, posted, effective, body in revisions:
        (tmp_path / REVISIONS / f"{name}.md").write_text(revision_text(posted, effective, body=body), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - amend:\n      notice_days: 30\n", encoding="utf-8"
    )
    return tmp_path


def history_repo(tmp_path: Path) -> GitRepo:
    """main with the first revision and one posted on 2025-09-15; then a branch ``new-revision``."""
    repo = GitRepo.create(tmp_path / "site")
    repo.write("mkdocs.yml", "site_name: x\nplugins:\n  - amend\n")
    repo.write_revision(FIRST[0], FIRST[1], FIRST[2], body=BODY)
    repo.commit("First revision", when="2024-03-01")
    repo.write_revision(POSTED[0], POSTED[1], POSTED[2], body=BODY)
    repo.commit("Revision of 2025-10-17", when="2025-09-15")
    repo.branch("new-revision")
    return repo


# --- the cases -------------------------------------------------------------------------------------


def typo_in_new_file_name(tmp_path: Path) -> tuple[int, str, str]:
    root = folder(
        tmp_path,
        (*FIRST, BODY),
        ("2026-12-17", "2026-11-16", "2026-12-17", BODY),
        ("2026-12-03", "2026-11-29", "2026-12-30", BODY),  # meant 2026-12-30.md
    )
    return run(["--root", str(root), "check", "--no-history", "--as-of", "2026-11-29"])


def year_typo_in_effective(tmp_path: Path) -> tuple[int, str, str]:
    # Named for the date meant, with the year mistyped in effective: the year is blamed, not the name.
    root = folder(tmp_path, (*FIRST, BODY), ("2026-12-30", "2026-11-29", "2062-12-30", BODY))
    return run(["--root", str(root), "check", "--no-history", "--as-of", "2026-11-29"])


def renamed_posted_revision(tmp_path: Path) -> tuple[int, str, str]:
    repo = history_repo(tmp_path)
    repo.git("mv", f"{REVISIONS}/2025-10-17.md", f"{REVISIONS}/2025-10-18.md")
    return run(["--root", str(repo.path), "check", "--as-of", "2026-11-29"])


def renamed_and_edited_posted_revision(tmp_path: Path) -> tuple[int, str, str]:
    repo = history_repo(tmp_path)
    repo.git("mv", f"{REVISIONS}/2025-10-17.md", f"{REVISIONS}/2025-10-18.md")
    text = repo.read(f"{REVISIONS}/2025-10-18.md").replace("effective: 2025-10-17", "effective: 2025-10-18")
    repo.write(f"{REVISIONS}/2025-10-18.md", text)
    return run(["--root", str(repo.path), "check", "--as-of", "2026-11-29"])


def backdated_draft_on_a_branch(tmp_path: Path) -> tuple[int, str, str]:
    repo = history_repo(tmp_path)
    repo.write_revision("2026-12-17", "2026-11-16", "2026-12-17", body=BODY)
    repo.commit("New revision", when="2026-11-20")
    return run(["--root", str(repo.path), "check", "--as-of", "2026-11-29"])


def edited_posted_revision_on_a_branch(tmp_path: Path) -> tuple[int, str, str]:
    repo = history_repo(tmp_path)
    text = repo.read(f"{REVISIONS}/2025-10-17.md").replace("reasonable safeguards", "appropriate safeguards")
    repo.write(f"{REVISIONS}/2025-10-17.md", text)
    repo.commit("Fix a word", when="2026-11-20")
    return run(["--root", str(repo.path), "check", "--as-of", "2026-11-29"])


def unquoted_colon_in_summary(tmp_path: Path) -> tuple[int, str, str]:
    root = folder(tmp_path, (*FIRST, BODY))
    path = root / REVISIONS / "2024-03-01.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("summary: Revision posted", "summary: Breach notice: now 48 hours. Revision"), "utf-8")
    return run(["--root", str(root), "check", "--no-history", "--as-of", "2026-11-29"])


INSERTED = BODY.replace(
    "## 2. Safeguards", "## 2. Audits {#audits}\n\nThe Customer may audit the Vendor once a year.\n\n## 2. Safeguards"
).replace("## 3. Books", "## 3. Books")


def clause_inserted_without_renumbering(tmp_path: Path) -> tuple[int, str, str]:
    root = folder(tmp_path, (*FIRST, INSERTED))
    return run(["--root", str(root), "check", "--no-history", "--as-of", "2026-11-29"])


def renumber_a_draft(tmp_path: Path) -> tuple[int, str, str]:
    root = folder(tmp_path, (*FIRST, BODY), ("2027-01-15", "2026-12-10", "2027-01-15", INSERTED))
    code, out, err = run(["--root", str(root), "renumber", f"{REVISIONS}/2027-01-15.md", "--as-of", "2026-11-29"])
    after = run(["--root", str(root), "check", "--no-history", "--as-of", "2026-11-29"])
    return code, out, err + "then amend check: " + after[2]


def renumber_a_posted_revision(tmp_path: Path) -> tuple[int, str, str]:
    root = folder(tmp_path, (*FIRST, INSERTED))
    return run(["--root", str(root), "renumber", f"{REVISIONS}/2024-03-01.md", "--as-of", "2026-11-29"])


def retitle_without_id(tmp_path: Path) -> tuple[int, str, str]:
    retitled = BODY.replace("## 3. Books and Records", "## 3. Records and Audits")
    root = folder(tmp_path, (*FIRST, BODY), ("2027-01-15", "2026-12-10", "2027-01-15", retitled))
    return run(["--root", str(root), "check", "--no-history", "--as-of", "2026-11-29"])


def removed_clause_id_reused(tmp_path: Path) -> tuple[int, str, str]:
    removed = BODY.split("## 2. Safeguards")[0] + "## 2. Books and Records\n\nThe Vendor keeps its books.\n"
    reused = removed + "\n## 3. Data Location {#safeguards}\n\nThe Vendor keeps PHI in the United States.\n"
    root = folder(
        tmp_path,
        (*FIRST, BODY),
        ("2025-10-17", "2025-09-15", "2025-10-17", removed),
        ("2027-01-15", "2026-12-10", "2027-01-15", reused),
    )
    return run(["--root", str(root), "check", "--no-history", "--as-of", "2026-11-29"])


def status_while_a_problem_exists(tmp_path: Path) -> tuple[int, str, str]:
    root = folder(tmp_path, (*FIRST, BODY), ("2026-12-17", "2026-11-16", "2026-12-17", INSERTED))
    return run(["--root", str(root), "status", "--as-of", "2026-11-29"])


def run_from_a_subfolder(tmp_path: Path) -> tuple[int, str, str]:
    root = folder(tmp_path, (*FIRST, BODY))
    return run(["check", "--no-history", "--as-of", "2026-11-29"], cwd=root / REVISIONS)


def colour_keeps_the_markers(tmp_path: Path) -> tuple[int, str, str]:
    changed = BODY.replace("reasonable safeguards", "appropriate safeguards")
    root = folder(tmp_path, (*FIRST, BODY), ("2027-01-15", "2026-12-10", "2027-01-15", changed))
    code, out, err = run(["--root", str(root), "diff", "2024-03-01", "2027-01-15", "--color", "always"])
    return code, out.replace("\x1b", "<ESC>"), err


def reversed_diff_arguments(tmp_path: Path) -> tuple[int, str, str]:
    changed = BODY.replace("reasonable safeguards", "appropriate safeguards")
    root = folder(tmp_path, (*FIRST, BODY), ("2027-01-15", "2026-12-10", "2027-01-15", changed))
    return run(["--root", str(root), "diff", "2027-01-15", "2024-03-01", "--color", "never"])


def two_dots_in_diff_and_pdf(tmp_path: Path) -> tuple[int, str, str]:
    root = folder(tmp_path, (*FIRST, BODY), ("2027-01-15", "2026-12-10", "2027-01-15", BODY))
    diff = run(["--root", str(root), "diff", "2024-03-01..2027-01-15"])
    pdf = run(["--root", str(root), "pdf", "2024-03-01..2027-01-15"])
    return max(diff[0], pdf[0]), diff[1] + pdf[1], diff[2] + pdf[2]


def settings_mistake(setting: str) -> Callable[[Path], tuple[int, str, str]]:
    def case(tmp_path: Path) -> tuple[int, str, str]:
        root = folder(tmp_path, (*FIRST, BODY))
        (root / "mkdocs.yml").write_text(f"site_name: x\nplugins:\n  - amend:\n      {setting}\n", encoding="utf-8")
        return run(["--root", str(root), "check", "--no-history", "--as-of", "2026-11-29"])

    return case


def settings_mistake_in_ci(tmp_path: Path) -> tuple[int, str, str]:
    """In CI: annotations from the check, and the problem at the top of the pull-request report."""
    repo = history_repo(tmp_path)
    repo.write("mkdocs.yml", "site_name: x\nplugins:\n  - amend:\n      notice_day: 45\n")
    repo.commit("Longer notice", when="2026-11-29")
    check = run(["--root", str(repo.path), "check", "--format", "github", "--base", "main", "--as-of", "2026-11-29"])
    report = run(["--root", str(repo.path), "pr-report", "--base", "main", "--as-of", "2026-11-29"])
    return check[0], check[1] + "\n".join(report[1].split("\n")[:8]) + "\n", check[2] + report[2]


REGISTER = """title: Subprocessors
baa_clause: safeguards
notice:
  - from: 2024-03-01
    notice_days: 30
  - from: 2026-12-17
    notice_days: 45
subprocessors:
  - name: Cobalt Ridge Data Centers, LLC
    purpose: Hosts the Services.
    location: United States
    announced: 2024-03-01
    starts: 2024-03-01
  - name: Quillfeather Analytics, Inc.
    purpose: Reports on use of the Services.
    location: United States
    announced: 2026-11-20
    starts: 2026-12-21
"""


def register_addition_straddling_a_stricter_term(tmp_path: Path) -> tuple[int, str, str]:
    root = folder(tmp_path, (*FIRST, BODY))
    (root / "subprocessors.yml").write_text(REGISTER, encoding="utf-8")
    return run(["--root", str(root), "check", "--no-history", "--as-of", "2026-11-29"])


CASES: dict[str, Callable[[Path], tuple[int, str, str]]] = {
    "typo-in-new-file-name": typo_in_new_file_name,
    "year-typo-in-effective": year_typo_in_effective,
    "renamed-posted-revision": renamed_posted_revision,
    "renamed-and-edited-posted-revision": renamed_and_edited_posted_revision,
    "backdated-draft-on-a-branch": backdated_draft_on_a_branch,
    "edited-posted-revision-on-a-branch": edited_posted_revision_on_a_branch,
    "unquoted-colon-in-summary": unquoted_colon_in_summary,
    "clause-inserted-without-renumbering": clause_inserted_without_renumbering,
    "renumber-a-draft": renumber_a_draft,
    "renumber-a-posted-revision": renumber_a_posted_revision,
    "retitle-without-id": retitle_without_id,
    "removed-clause-id-reused": removed_clause_id_reused,
    "status-while-a-problem-exists": status_while_a_problem_exists,
    "run-from-a-subfolder": run_from_a_subfolder,
    "colour-keeps-the-markers": colour_keeps_the_markers,
    "reversed-diff-arguments": reversed_diff_arguments,
    "two-dots-in-diff-and-pdf": two_dots_in_diff_and_pdf,
    "settings-unknown-name": settings_mistake("notice_day: 45"),
    "settings-not-a-number": settings_mistake("notice_days: thirty"),
    "settings-negative": settings_mistake("notice_days: -5"),
    "settings-yaml-error": settings_mistake("title: BAA: 2026"),
    "settings-mistake-in-ci": settings_mistake_in_ci,
    "register-addition-straddling-a-stricter-term": register_addition_straddling_a_stricter_term,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_mistake_gets_its_exact_message_and_exit_code(name: str, tmp_path: Path) -> None:
    code, out, err = CASES[name](tmp_path)
    text = f"exit {code}\n--- stdout\n{out}--- stderr\n{err}".replace(str(tmp_path.resolve()), "<tmp>")
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("AMEND_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    assert "Traceback" not in text


def test_mkdocs_refuses_the_same_settings_with_the_same_message(tmp_path: Path) -> None:
    from amend.plugin import AmendPlugin

    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text("site_name: x\nplugins:\n  - amend:\n      notice_day: 45\n", encoding="utf-8")
    errors, _ = AmendPlugin().load_config({"notice_day": 45}, str(config_file))
    assert [str(error) for _, error in errors] == [
        "mkdocs.yml:4: unknown amend setting 'notice_day'; did you mean 'notice_days'?"
    ]
    assert run(["--root", str(tmp_path), "check", "--no-history"])[1] == f"{errors[0][1]}\n"


def test_the_html_redline_is_a_styled_page_of_its_own(tmp_path: Path) -> None:
    changed = BODY.replace("reasonable safeguards", "appropriate safeguards")
    root = folder(tmp_path, (*FIRST, BODY), ("2027-01-15", "2026-12-10", "2027-01-15", changed))
    code, out, _ = run(["--root", str(root), "diff", "2024-03-01", "2027-01-15", "--format", "html"])
    assert code == 0
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert "<style>" in out and ".amend-rl-side" in out.split("</style>")[0]  # one view shown at a time
    assert "<link" not in out and "<script" not in out  # nothing requested from elsewhere


def test_check_compares_with_where_the_work_left_main(tmp_path: Path) -> None:
    from amend.provenance import default_base

    upstream = history_repo(tmp_path / "upstream")
    upstream.switch("main")
    assert default_base(upstream.path) is None  # main, no remote: HEAD is the main line
    clone = upstream.clone(tmp_path / "clone")
    upstream.switch("new-revision")
    assert default_base(upstream.path) == "main"  # a branch without a remote: where it left main
    assert default_base(clone.path) is None  # main as pushed (CI after a merge)
    clone.write_revision("2026-12-29", "2026-11-29", "2026-12-29", body=BODY)
    clone.commit("Draft committed on main, not pushed", when="2026-11-29")
    assert default_base(clone.path) == "origin/main"  # not public yet either
    clone.branch("draft")
    assert default_base(clone.path) == "origin/main"
