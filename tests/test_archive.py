"""The archive of published files: served as published, compared with a fresh render, never replaced."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from amend.archive import (
    INDEX,
    Archive,
    Reissue,
    Served,
    load_archive,
    load_reissues,
    reissued_name,
    serve,
    served_paths,
    write_archive,
)
from amend.manifest import sha256

FIXTURE = Path(__file__).parent / "fixtures" / "site"
PACKAGE = Path(__file__).resolve().parent.parent / "plugins" / "amend"
REV = "security/baa/2025-10-17.pdf"
RED = "security/baa/compare/2025-04-15...2025-10-17.pdf"
THEN = {"weasyprint": "66.0", "print stylesheet": "aaaaaaaaaaaa"}
NOW = {"weasyprint": "66.0", "print stylesheet": "bbbbbbbbbbbb"}


def published(tmp_path: Path, files: dict[str, bytes], on: date = date(2025, 12, 1)) -> Archive:
    """An archive holding ``files``, as a first publishing run leaves it."""
    archive = Archive(tmp_path / "archive")
    archive.root.mkdir(exist_ok=True)
    first = serve(files, archive, THEN, on)
    write_archive(archive, first, {path: f"key-{path}" for path in files}, THEN, on)
    return archive


def test_a_first_run_adds_every_file_and_records_what_made_it(tmp_path: Path) -> None:
    archive = published(tmp_path, {REV: b"%PDF-one", RED: b"%PDF-red"})
    assert (archive.root / REV).read_bytes() == b"%PDF-one"
    index = json.loads((archive.root / INDEX).read_text(encoding="utf-8"))
    assert index["files"][REV] == {
        "sha256": sha256(b"%PDF-one"),
        "bytes": 8,
        "published": "2025-12-01",
        "key": f"key-{REV}",
        "made_with": THEN,
    }
    loaded, problems = load_archive(archive.root, "published")
    assert problems == [] and loaded is not None and set(loaded.files) == {REV, RED}


def test_a_second_run_serves_the_published_bytes_and_reports_the_drift(tmp_path: Path) -> None:
    archive = published(tmp_path, {REV: b"%PDF-one"})
    second = serve({REV: b"%PDF-two", RED: b"%PDF-red"}, archive, NOW, date(2025, 12, 2))
    assert second.files == {REV: b"%PDF-one", RED: b"%PDF-red"}
    assert second.added == (RED,)
    [drift] = second.drift
    assert drift.path == REV and drift.changed == (("print stylesheet", "aaaaaaaaaaaa", "bbbbbbbbbbbb"),)
    assert "print stylesheet aaaaaaaaaaaa → bbbbbbbbbbbb" in drift.render()
    assert "served unchanged" in drift.render()
    assert write_archive(archive, second, {}, NOW, date(2025, 12, 2)) == [RED]
    assert (archive.root / REV).read_bytes() == b"%PDF-one"


def test_a_published_file_stays_when_the_build_no_longer_renders_it(tmp_path: Path) -> None:
    archive = published(tmp_path, {REV: b"%PDF-one", RED: b"%PDF-red"})
    later = serve({REV: b"%PDF-one"}, archive, THEN, date(2026, 1, 5))
    assert later.files == {REV: b"%PDF-one", RED: b"%PDF-red"} and later.drift == ()


def test_a_build_of_an_earlier_day_serves_only_what_was_published_by_then(tmp_path: Path) -> None:
    archive = published(tmp_path, {RED: b"%PDF-red"}, on=date(2026, 1, 5))
    assert served_paths([REV], archive, date(2025, 12, 1)) == [REV]
    assert serve({REV: b"%PDF-one"}, archive, THEN, date(2025, 12, 1)).files == {REV: b"%PDF-one"}


def test_a_reissue_publishes_the_fresh_render_under_a_new_name_and_keeps_the_old(tmp_path: Path) -> None:
    archive = published(tmp_path, {REV: b"%PDF-one"})
    reissue = Reissue(REV, date(2026, 1, 5), "the running header misspelled the organization", 3)
    new = reissued_name(REV, reissue.on)
    assert new == "security/baa/2025-10-17.reissued-2026-01-05.pdf"
    after = serve({REV: b"%PDF-fixed"}, archive, NOW, date(2026, 1, 5), (reissue,))
    assert after.files == {REV: b"%PDF-one", new: b"%PDF-fixed"}
    assert after.drift == () and after.added == (new,)
    assert served_paths([REV], archive, date(2026, 1, 5), (reissue,)) == [REV, new]
    # Before its date, the re-issue is not published and the difference is drift like any other.
    before = serve({REV: b"%PDF-fixed"}, archive, NOW, date(2026, 1, 4), (reissue,))
    assert set(before.files) == {REV} and [d.path for d in before.drift] == [REV]


def test_the_archive_never_rewrites_a_file_it_holds(tmp_path: Path) -> None:
    archive = published(tmp_path, {REV: b"%PDF-one"})
    forged = Served({REV: b"%PDF-two"}, (REV,), ())
    assert write_archive(archive, forged, {}, NOW, date(2026, 1, 1)) == []
    assert (archive.root / REV).read_bytes() == b"%PDF-one"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("change", "has sha256"),
        ("delete", "is listed but missing"),
        ("index", "not a readable archive index"),
    ],
)
def test_a_damaged_archive_is_refused_not_repaired(tmp_path: Path, damage: str, message: str) -> None:
    archive = published(tmp_path, {REV: b"%PDF-one"})
    if damage == "change":
        (archive.root / REV).write_bytes(b"%PDF-other")
    elif damage == "delete":
        (archive.root / REV).unlink()
    else:
        (archive.root / INDEX).write_text("{", encoding="utf-8")
    loaded, problems = load_archive(archive.root, "published")
    assert loaded is None and len(problems) == 1 and message in problems[0].render()


def test_a_missing_archive_folder_says_how_to_check_it_out(tmp_path: Path) -> None:
    loaded, [problem] = load_archive(tmp_path / "nowhere", "published")
    assert loaded is None
    assert problem.render().startswith("published: ") and "git worktree add" in problem.message


def test_an_empty_archive_folder_is_the_first_run(tmp_path: Path) -> None:
    loaded, problems = load_archive(tmp_path, "published")
    assert problems == [] and loaded is not None and loaded.files == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- file: a.pdf\n  date: 2026-01-05\n", "reissues.yml:1: a re-issue needs reason"),
        ("- file: a.pdf\n  date: 2026-1-5\n  reason: typo\n", "reissues.yml:1: date is '2026-1-5', not a date"),
        ("- file: a.pdf\n  date: 2026-01-05\n  reason: typo\n  note: x\n", "reissues.yml:1: unknown key 'note'"),
        ("file: a.pdf\n", "reissues.yml:1: must be a list of re-issues"),
        (
            "- file: a.pdf\n  date: 2026-01-05\n  reason: typo\n- file: a.pdf\n  date: 2026-02-05\n  reason: again\n",
            "reissues.yml:4: a.pdf is re-issued twice",
        ),
    ],
)
def test_a_bad_reissue_record_names_its_line_and_the_fix(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "reissues.yml").write_text(text, encoding="utf-8")
    _, problems = load_reissues(tmp_path / "reissues.yml", "reissues.yml")
    assert any(p.render().startswith(expected) for p in problems), [p.render() for p in problems]


def test_a_reissue_record_reads_file_date_and_reason(tmp_path: Path) -> None:
    (tmp_path / "reissues.yml").write_text(
        f"- file: /{REV}\n  date: 2026-01-05\n  reason: The running header named the wrong organization.\n",
        encoding="utf-8",
    )
    found, problems = load_reissues(tmp_path / "reissues.yml", "reissues.yml")
    assert problems == []
    assert found == (Reissue(REV, date(2026, 1, 5), "The running header named the wrong organization.", 1),)


# --- two publishing runs of a real site, the renderer changed between them ----------------------------


def publish(tmp: Path, name: str, archive: Path, *, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """One publishing run: a fresh cache (a fresh runner), the archive checked out, a strict build."""
    project = tmp / "project"
    if not project.exists():
        shutil.copytree(FIXTURE, project)
    env = {
        **os.environ,
        "AMEND_AS_OF": "2025-12-01",
        "NO_MKDOCS_2_WARNING": "1",
        "AMEND_CACHE_DIR": str(tmp / f"cache-{name}"),
        "AMEND_ARCHIVE": str(archive),
    }
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp / f"site-{name}")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def patched_amend(tmp: Path) -> Path:
    """A copy of amend whose print stylesheet draws headings in another colour: a changed renderer."""
    root = tmp / "patched"
    shutil.copytree(PACKAGE, root / "amend", ignore=shutil.ignore_patterns("__pycache__"))
    css = root / "amend" / "assets" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1, h2 { color: #7a1f1f; }\n", encoding="utf-8")
    return root


@pytest.mark.slow
def test_a_second_publishing_run_with_a_changed_stylesheet_serves_the_first_runs_bytes(tmp_path: Path) -> None:
    archive = tmp_path / "published"
    archive.mkdir()
    first = publish(tmp_path, "first", archive)
    assert first.returncode == 0, first.stderr
    sums = (tmp_path / "site-first/security/baa/SHA256SUMS").read_bytes()
    pdfs = sorted(p.relative_to(tmp_path / "site-first") for p in (tmp_path / "site-first").rglob("*.pdf"))
    assert pdfs and all((archive / p).read_bytes() == (tmp_path / "site-first" / p).read_bytes() for p in pdfs)
    # Every published file is archived: the PDFs and the Word files beside them.
    words = sorted(p.relative_to(tmp_path / "site-first") for p in (tmp_path / "site-first").rglob("*.docx"))
    assert words and all((archive / p).read_bytes() == (tmp_path / "site-first" / p).read_bytes() for p in words)
    index = json.loads((archive / INDEX).read_text(encoding="utf-8"))
    assert sorted(index["files"]) == sorted(p.as_posix() for p in pdfs + words)

    patched = patched_amend(tmp_path)
    second = publish(tmp_path, "second", archive, pythonpath=patched)
    assert second.returncode == 0, second.stderr
    site = tmp_path / "site-second"
    assert (site / "security/baa/SHA256SUMS").read_bytes() == sums
    first_versions = json.loads((tmp_path / "site-first/security/baa/versions.json").read_text(encoding="utf-8"))
    second_versions = json.loads((site / "security/baa/versions.json").read_text(encoding="utf-8"))
    assert [r["pdf"] for r in second_versions["revisions"]] == [r["pdf"] for r in first_versions["revisions"]]
    for pdf in pdfs:
        assert (site / pdf).read_bytes() == (tmp_path / "site-first" / pdf).read_bytes(), pdf
    drifted = [line for line in second.stderr.splitlines() if "published file drift" in line]
    assert len(drifted) == len(pdfs), second.stderr
    assert all("print stylesheet" in line and "served unchanged" in line for line in drifted)
    assert "amend PDF code" not in " ".join(drifted)  # only the stylesheet changed, and the report says so
    # The fresh renders really differ: the patched stylesheet reached the renderer, and was not published.
    fresh = sorted((tmp_path / "cache-second" / "pdf").glob("*.pdf"))
    assert fresh and not {sha256(p.read_bytes()) for p in fresh} & {e["sha256"] for e in index["files"].values()}
    assert json.loads((archive / INDEX).read_text(encoding="utf-8")) == index  # nothing added, nothing rewritten

    # The change is wanted after all: the third run re-issues one PDF in the open, under a new name.
    target = first_versions["revisions"][0]["pdf"]["url"].removeprefix("https://trust.example.test/")
    (tmp_path / "project" / "reissues.yml").write_text(
        f"- file: {target}\n  date: 2025-12-01\n  reason: Headings printed in the house colour.\n", encoding="utf-8"
    )
    third = publish(tmp_path, "third", archive, pythonpath=patched)
    assert third.returncode == 0, third.stderr
    site = tmp_path / "site-third"
    new_name = reissued_name(target, date(2025, 12, 1))
    new_sum = sha256((site / new_name).read_bytes())
    assert (
        new_sum not in sums.decode() and (site / target).read_bytes() == (tmp_path / "site-first" / target).read_bytes()
    )
    lines = (site / "security/baa/SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sorted(set(lines) - set(sums.decode().splitlines())) == [
        f"{new_sum}  {new_name.removeprefix('security/baa/')}"
    ]
    third_versions = json.loads((site / "security/baa/versions.json").read_text(encoding="utf-8"))
    entry = third_versions["revisions"][0]["pdf"]
    assert {k: entry[k] for k in ("url", "sha256", "bytes")} == first_versions["revisions"][0]["pdf"]
    assert entry["reissued"] == [
        {
            "url": "https://trust.example.test/" + new_name,
            "sha256": new_sum,
            "bytes": (site / new_name).stat().st_size,
            "date": "2025-12-01",
            "reason": "Headings printed in the house colour.",
        }
    ]
    assert (archive / new_name).read_bytes() == (site / new_name).read_bytes()  # archived: frozen from now on
    # Readers are offered the re-issued file, and the revision's page says why and links the first one.
    rev = target.removeprefix("security/baa/").removesuffix(".pdf")
    page = (site / "security/baa" / rev / "index.html").read_text(encoding="utf-8")
    assert f'href="../{rev}.reissued-2025-12-01.pdf" download>Download PDF</a>' in page
    assert "Headings printed in the house colour." in page
    assert f'<a href="../{rev}.pdf">PDF as first published</a>' in page
    assert sum("published file drift" in line for line in third.stderr.splitlines()) == len(pdfs) - 1


@pytest.mark.slow
def test_a_build_without_an_archive_says_its_files_are_not_the_published_ones(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    env = {k: v for k, v in os.environ.items() if k != "AMEND_ARCHIVE"} | {
        "AMEND_AS_OF": "2025-12-01",
        "NO_MKDOCS_2_WARNING": "1",
        "AMEND_CACHE_DIR": str(tmp_path / "cache"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "not the published files" in result.stderr
    assert (tmp_path / "site/security/baa/SHA256SUMS").is_file()


# --- amend check: a change may not alter a published file -------------------------------------------


def first_publishing_run(project: Path, as_of: date, cache: Path) -> Path:
    """Publish ``project`` once into its ``published`` folder (the archive only: no site is written)."""
    from amend.config import load_settings
    from amend.pdfcache import job_keys, render_pdfs, renderer_record
    from amend.publication import prepare_publication

    (project / "published").mkdir()
    publication, problems = prepare_publication(load_settings(project)[0], as_of)
    assert publication is not None, problems
    jobs = publication.pdf_jobs()
    archive = Archive(project / "published")
    served = serve(render_pdfs(jobs, cache).pdfs, archive, renderer_record(), as_of)
    write_archive(archive, served, job_keys(jobs), renderer_record(), as_of)
    return project


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site and its archive after one publishing run as of 2025-12-01."""
    tmp = tmp_path_factory.mktemp("first-run")
    shutil.copytree(FIXTURE, tmp / "project")
    return first_publishing_run(tmp / "project", date(2025, 12, 1), tmp / "cache")


CHECK = "import sys; from amend.cli import main; sys.exit(main(sys.argv[1:]))"


def check(
    project: Path, tmp: Path, *, pythonpath: Path | None = None, archive: str | None = "published"
) -> subprocess.CompletedProcess[str]:
    """``amend check`` in a process of its own (a patched copy of amend on PYTHONPATH, when given)."""
    env = {k: v for k, v in os.environ.items() if k != "AMEND_ARCHIVE"} | {"AMEND_CACHE_DIR": str(tmp / "cache")}
    if archive is not None:
        env["AMEND_ARCHIVE"] = archive
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-c", CHECK, "--root", str(project), "check", "--no-history", "--as-of", "2025-12-01"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_check_passes_a_change_that_leaves_every_published_file_alone(first_run: Path, tmp_path: Path) -> None:
    result = check(first_run, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "none would change" in result.stderr
    assert not (tmp_path / "cache").exists()  # nothing whose inputs are unchanged is rendered to compare


@pytest.mark.slow
def test_check_refuses_a_stylesheet_change_that_alters_published_files_unless_reissued(
    first_run: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(first_run, project)
    patched = patched_amend(tmp_path)
    refused = check(project, tmp_path, pythonpath=patched)
    assert refused.returncode == 1
    lines = refused.stdout.splitlines()
    published_files = sorted(json.loads((project / "published" / INDEX).read_text(encoding="utf-8"))["files"])
    assert sorted(line.split(":", 1)[0] for line in lines) == published_files
    assert all("alters a published file" in line and "print stylesheet" in line for line in lines)
    assert all("re-issue it in reissues.yml" in line for line in lines)

    (project / "reissues.yml").write_text(
        "".join(
            f"- file: {path}\n  date: 2025-12-01\n  reason: Headings printed in the house colour.\n"
            for path in published_files
        ),
        encoding="utf-8",
    )
    reissued = check(project, tmp_path, pythonpath=patched)
    assert reissued.returncode == 0, reissued.stdout + reissued.stderr
    first = published_files[0]
    assert f"{first} is re-issued as {reissued_name(first, date(2025, 12, 1))}" in reissued.stderr


def test_check_refuses_a_reissue_of_a_file_never_published(first_run: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(first_run, project)
    (project / "reissues.yml").write_text(
        "- file: security/baa/1999-01-01.pdf\n  date: 2025-12-01\n  reason: typo\n", encoding="utf-8"
    )
    result = check(project, tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("reissues.yml:1: security/baa/1999-01-01.pdf was never published")


def test_check_without_an_archive_says_the_published_files_were_not_compared(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    result = check(project, tmp_path, archive=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "published files not compared: no archive" in result.stderr


@pytest.mark.slow
def test_the_pr_report_lists_each_published_file_the_change_would_alter(tmp_path: Path) -> None:
    from test_pr_report import sample_history

    repo = sample_history(tmp_path / "site")
    first_publishing_run(repo.path, date(2026, 1, 20), tmp_path / "cache-main")
    repo.branch("pr")
    env = {k: v for k, v in os.environ.items() if k != "AMEND_ARCHIVE"}
    env |= {
        "AMEND_ARCHIVE": "published",
        "AMEND_CACHE_DIR": str(tmp_path / "cache"),
        "PYTHONPATH": str(patched_amend(tmp_path)),
    }
    result = subprocess.run(
        [sys.executable, "-c", CHECK, "--root", str(repo.path), "pr-report", "--base", "main", "--as-of", "2026-01-20"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    files = json.loads((repo.path / "published" / INDEX).read_text(encoding="utf-8"))["files"]
    assert f"❌ **{len(files)} problems**" in result.stdout
    assert result.stdout.count("alters a published file") == len(files)
    assert "print stylesheet" in result.stdout
    assert (
        f"> **Note:** published files: {len(files)} compared, {len(files)} rendered again to compare" in result.stdout
    )
