"""End to end: `mkdocs build --strict` of a fixture site, with assertions on the files written.

The fixture (tests/fixtures/site) has three revisions; the third is posted
2025-11-10 and takes effect 2025-12-15, so a build as of 2025-12-01 is inside
its notice window, one as of 2025-11-01 is before it was posted, and one as of
2025-12-20 is after it took effect.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from amend.clauses import parse_document
from amend.frontmatter import split_front_matter

FIXTURE = Path(__file__).parent / "fixtures" / "site"
pytestmark = pytest.mark.slow


def build(
    tmp: Path, as_of: str, *, source: Path = FIXTURE, cache: Path | None = None
) -> subprocess.CompletedProcess[str]:
    project = tmp / "project"
    if not project.exists():
        shutil.copytree(source, project)
    env = {**os.environ, "AMEND_AS_OF": as_of, "NO_MKDOCS_2_WARNING": "1"}
    cache_dir = cache or tmp / "cache"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            str(tmp / "site"),
            "--config-file",
            str(project / "mkdocs.yml"),
        ],
        cwd=project,
        env={**env, "AMEND_CACHE_DIR": str(cache_dir)},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("inside-window")
    result = build(tmp, "2025-12-01")
    assert result.returncode == 0, result.stderr
    return tmp / "site"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")


def ids_in(path: Path) -> list[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.ids


def test_every_clause_id_is_an_element_id_on_its_revision_page(site: Path) -> None:
    for source in sorted((FIXTURE / "baa_versions").glob("*.md")):
        split = split_front_matter(source.read_text(encoding="utf-8"))
        document = parse_document(split.body, source.stem, split.body_line)
        page_ids = ids_in(site / "security" / "baa" / source.stem / "index.html")
        for clause in document.walk():
            assert clause.id in page_ids, f"{source.stem}: clause {clause.id} has no element"
        assert len(page_ids) == len(set(page_ids)), "ids are unique on the page"


def test_statuses_as_of_a_day_inside_the_notice_window(site: Path) -> None:
    versions = json.loads((site / "security/baa/versions.json").read_text())
    assert versions["as_of"] == "2025-12-01"
    assert {r["id"]: r["status"] for r in versions["revisions"]} == {
        "2025-01-10": "superseded",
        "2025-06-01": "in force",
        "2025-12-15": "upcoming",
    }
    assert versions["in_force"] == "2025-06-01"
    current = (site / "security/baa/index.html").read_text()
    assert 'class="amend-banner"' in current
    assert "14 days left in the notice window" in current
    assert 'Latest revision: <time datetime="2025-06-01">June 1, 2025</time>' in current
    history = (site / "security/baa/history/index.html").read_text()
    assert history.count("amend-badge--superseded") == 1
    assert history.count("amend-badge--upcoming") == 1


def test_every_page_of_the_section_exists(site: Path) -> None:
    base = site / "security" / "baa"
    for rev in ("2025-01-10", "2025-06-01", "2025-12-15"):
        assert (base / rev / "index.html").is_file()
        assert (base / f"{rev}.pdf").read_bytes().startswith(b"%PDF-")
        assert (base / f"{rev}.docx").read_bytes().startswith(b"PK\x03\x04")
    for pair in ("2025-01-10...2025-06-01", "2025-01-10...2025-12-15", "2025-06-01...2025-12-15"):
        assert (base / "compare" / pair / "index.html").is_file()
    for pair in ("2025-01-10...2025-06-01", "2025-06-01...2025-12-15"):
        assert (base / "compare" / f"{pair}.pdf").read_bytes().startswith(b"%PDF-")
        assert (base / "compare" / f"{pair}.docx").read_bytes().startswith(b"PK\x03\x04")
    assert not (base / "compare" / "2025-01-10...2025-12-15.pdf").exists(), "only adjacent and upcoming-vs-in-force"
    assert not (base / "compare" / "2025-01-10...2025-12-15.docx").exists()
    for name in ("feed.xml", "calendar.ics", "versions.json", "SHA256SUMS", "history/index.html"):
        assert (base / name).is_file()


def test_checksums_are_of_the_bytes_written(site: Path) -> None:
    base = site / "security" / "baa"
    sums = (base / "SHA256SUMS").read_text().splitlines()
    assert len(sums) == 10  # three revisions and two redlines, each as PDF and as Word
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((base / name).read_bytes()).hexdigest() == digest
    versions = json.loads((base / "versions.json").read_text())
    for revision in versions["revisions"]:
        pdf = revision["pdf"]
        assert pdf["url"] == f"https://trust.example.test/security/baa/{revision['id']}.pdf"
        assert hashlib.sha256((base / f"{revision['id']}.pdf").read_bytes()).hexdigest() == pdf["sha256"]
        word = revision["docx"]
        assert word["url"] == f"https://trust.example.test/security/baa/{revision['id']}.docx"
        assert hashlib.sha256((base / f"{revision['id']}.docx").read_bytes()).hexdigest() == word["sha256"]
    assert versions["redlines"]
    for redline in versions["redlines"]:
        pair = f"{redline['from']}...{redline['to']}"
        for kind in ("pdf", "docx"):
            data = (base / "compare" / f"{pair}.{kind}").read_bytes()
            assert redline[kind]["url"] == f"https://trust.example.test/security/baa/compare/{pair}.{kind}"
            assert redline[kind]["sha256"] == hashlib.sha256(data).hexdigest()


def test_every_pdf_link_has_a_word_link_beside_it(site: Path) -> None:
    base = site / "security" / "baa"
    pages = {
        "": ["2025-06-01.pdf", "2025-12-15.pdf"],
        "2025-06-01/": ["../2025-06-01.pdf"],
        "history/": ["../2025-01-10.pdf", "../2025-06-01.pdf", "../2025-12-15.pdf"],
        "compare/2025-01-10...2025-06-01/": ["../2025-01-10...2025-06-01.pdf"],
    }
    for page, pdfs in pages.items():
        html = (base / page / "index.html").read_text()
        for pdf in pdfs:
            assert f'href="{pdf}"' in html, f"{page}: no link to {pdf}"
            assert f'href="{pdf.removesuffix(".pdf")}.docx"' in html, f"{page}: no Word file beside {pdf}"
    compare = (base / "compare/2025-01-10...2025-06-01/index.html").read_text()
    assert "Download redline (Word, tracked changes)" in compare


def test_the_compare_page_shows_the_changed_deadline(site: Path) -> None:
    page = (site / "security/baa/compare/2025-01-10...2025-06-01/index.html").read_text()
    assert "<del" in page and "<ins" in page
    assert "ten (10) business days" in page and "72 hours" in page


def test_a_draft_is_not_published_and_the_banner_goes_once_in_force(tmp_path: Path) -> None:
    before = tmp_path / "before"
    assert build(before, "2025-11-01").returncode == 0
    base = before / "site" / "security" / "baa"
    assert not (base / "2025-12-15").exists()
    assert not (base / "2025-12-15.pdf").exists()
    assert "2025-12-15" not in (base / "versions.json").read_text()
    assert 'class="amend-banner"' not in (base / "index.html").read_text()

    after = tmp_path / "after"
    assert build(after, "2025-12-20", cache=before / "cache").returncode == 0
    base = after / "site" / "security" / "baa"
    current = (base / "index.html").read_text()
    assert 'class="amend-banner"' not in current
    assert 'Latest revision: <time datetime="2025-12-15">' in current
    previous = (base / "2025-06-01" / "index.html").read_text()
    assert "Superseded by" in previous and "2025-12-15" in previous


def test_two_builds_of_the_same_sources_and_date_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert build(first, "2025-12-01").returncode == 0
    assert build(second, "2025-12-01").returncode == 0  # its own empty PDF cache: everything rendered again
    files_one = sorted(p.relative_to(first / "site") for p in (first / "site").rglob("*") if p.is_file())
    files_two = sorted(p.relative_to(second / "site") for p in (second / "site").rglob("*") if p.is_file())
    assert files_one == files_two
    different = [p for p in files_one if (first / "site" / p).read_bytes() != (second / "site" / p).read_bytes()]
    assert different == []


def test_bad_input_aborts_the_build_with_the_problem_and_writes_no_page(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    broken = project / "baa_versions" / "2025-12-15.md"
    broken.write_text(broken.read_text().replace("posted: 2025-11-10", "posted: 2025-11-30"))
    result = build(tmp_path, "2025-12-01")
    assert result.returncode != 0
    assert "baa_versions/2025-12-15.md:4: notice window is 15 days" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_the_subprocessor_register_is_published_with_its_objection_window(site: Path) -> None:
    page = (site / "security" / "subprocessors" / "index.html").read_text()
    assert "Quarry Search Co." in page and "Hilltop Hosting LLC" in page
    assert "The objection window closes on" in page and "days left" in page
    assert 'href="../baa/#subcontractors"' in page, "the register links back to the BAA clause"
    current = (site / "security" / "baa" / "index.html").read_text()
    assert 'href="../subprocessors/"' in current, "the BAA page links to the register"
    feed = (site / "security" / "baa" / "feed.xml").read_text()
    assert "Quarry Search Co." in feed


def test_a_rebuild_with_nothing_changed_renders_no_pdf(tmp_path: Path) -> None:
    assert build(tmp_path, "2025-12-01").returncode == 0
    again = build(tmp_path, "2025-12-01")
    assert again.returncode == 0
    assert "PDFs and Word files: 0 rendered, 10 unchanged from the cache" in again.stderr


def test_an_as_of_that_is_not_a_date_stops_the_build(tmp_path: Path) -> None:
    result = build(tmp_path, "2025-02-30")
    assert result.returncode != 0
    assert "AMEND_AS_OF is '2025-02-30', not a date; write it as YYYY-MM-DD" in result.stderr
    assert not (tmp_path / "site").exists()


def test_search_finds_revisions_but_not_their_redlines(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text())
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "security/baa/2025-06-01/" in locations
    assert not [loc for loc in locations if "..." in loc], "compare pages repeat revision text"


def test_redlines_from_the_cache_are_the_redlines_computed_afresh(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert build(tmp_path / "fresh", "2025-12-01", cache=cache).returncode == 0
    entries = sorted(p.suffix for p in (cache / "redline").iterdir())
    assert entries == [".json"] * 5, "one entry per compare page (3) and per adjacent pair's clause steps (2)"
    assert build(tmp_path / "cached", "2025-12-01", cache=cache).returncode == 0
    section = tmp_path / "fresh" / "site" / "security" / "baa"
    pages = sorted([*(section / "compare").rglob("*.html"), *(section / "clauses").rglob("*.html")])
    clause_pages = [folder for folder in (section / "clauses").iterdir() if folder.is_dir()]
    assert clause_pages and len(pages) == 4 + 1 + len(clause_pages), "4 compare pages, the clause index, each clause"
    for page in pages:
        again = tmp_path / "cached" / "site" / page.relative_to(tmp_path / "fresh" / "site")
        assert again.read_bytes() == page.read_bytes(), page.name


def test_a_withdrawn_revision_keeps_its_page_and_never_takes_effect(tmp_path: Path) -> None:
    """The fixture's 2025-12-15 revision, posted 2025-11-10, is withdrawn on 2025-11-20 (withdrawals.yml)."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    (project / "withdrawals.yml").write_text(
        "withdrawals:\n  - revision: 2025-12-15\n    withdrawn: 2025-11-20\n"
        "    reason: The new deadline is postponed while customers review it.\n",
        encoding="utf-8",
    )
    result = build(tmp_path, "2025-12-20")
    assert result.returncode == 0, result.stderr
    base = tmp_path / "site" / "security" / "baa"
    versions = {v["id"]: v["status"] for v in json.loads((base / "versions.json").read_text())["revisions"]}
    assert versions == {"2025-01-10": "superseded", "2025-06-01": "in force", "2025-12-15": "withdrawn"}
    page = (base / "2025-12-15" / "index.html").read_text()
    assert "amend-badge--withdrawn" in page and "postponed while customers review it" in page
    assert 'Latest revision: <time datetime="2025-06-01">' in (base / "index.html").read_text()
    feed = (base / "feed.xml").read_text()
    assert "2025-12-15:withdrawn</id>" in feed and "2025-12-15:in-force" not in feed
    calendar = (base / "calendar.ics").read_text()
    assert calendar.count("STATUS:CANCELLED") == 2


def test_versions_json_and_the_history_page_give_the_days_each_revision_is_in_force(site: Path) -> None:
    versions = json.loads((site / "security/baa/versions.json").read_text())
    assert [(r["id"], r["in_force_from"], r["in_force_until"]) for r in versions["revisions"]] == [
        ("2025-01-10", "2025-01-10", "2025-05-31"),
        ("2025-06-01", "2025-06-01", "2025-12-14"),
        ("2025-12-15", "2025-12-15", None),
    ]
    history = (site / "security/baa/history/index.html").read_text()
    assert 'form class="amend-on-date__form" data-amend-on-date action="#amend-periods" method="get"' in history
    assert (
        '<tr data-amend-from="2025-01-10" data-amend-until="2025-05-31" data-amend-revision="2025-01-10" '
        'data-amend-href="../2025-01-10/">'
    ) in history
    june_to_december = '<time datetime="2025-06-01">June 1, 2025</time> \u2013 <time datetime="2025-12-14">'
    assert june_to_december + "December 14, 2025</time> (197 days)" in history
