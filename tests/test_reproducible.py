"""Byte-identical on any day: the same sources and as-of date give the same site, whatever the clock says.

The clock is really faked, for the whole build and its PDF worker processes,
with Debian's libfaketime (``faketime``, which scripts/test installs).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from calendar import timegm
from pathlib import Path

import pytest

from amend.pdf import FontFiles, bundled_fonts, render_revision_pdf, renderer_versions
from amend.revisions import parse_revision

FIXTURE = Path(__file__).parent / "fixtures" / "site"
AS_OF = "2025-12-01"
pytestmark = pytest.mark.slow


def build_on(tmp: Path, today: str) -> Path:
    """The fixture site built as of AS_OF on a machine whose clock says ``today``; the site folder."""
    faketime = shutil.which("faketime")
    assert faketime is not None, "faketime is missing: scripts/test installs it (apt-get install faketime)"
    project = tmp / "project"
    shutil.copytree(FIXTURE, project)
    env = {
        **{key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"},
        "AMEND_AS_OF": AS_OF,
        "AMEND_CACHE_DIR": str(tmp / "cache"),  # its own empty cache: every PDF is rendered on that day
        "NO_MKDOCS_2_WARNING": "1",
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp / "site")]
    completed = subprocess.run(
        [faketime, "-f", f"@{today}", *command],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return tmp / "site"


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    one = build_on(tmp_path_factory.mktemp("one"), "2030-03-04 10:00:00")
    two = build_on(tmp_path_factory.mktemp("two"), "2031-07-09 23:30:00")
    return one, two


def files(site: Path) -> list[Path]:
    return sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())


def test_the_clock_is_really_faked_for_the_build() -> None:
    completed = subprocess.run(
        [
            "faketime",
            "-f",
            "@2031-07-09 23:30:00",
            sys.executable,
            "-c",
            "import datetime; print(datetime.date.today())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip() == "2031-07-09"


def test_two_builds_on_different_days_with_the_same_as_of_are_byte_identical(two_days: tuple[Path, Path]) -> None:
    one, two = two_days
    assert files(one) == files(two)
    assert Path("sitemap.xml.gz") in files(one)
    assert any(path.suffix == ".pdf" for path in files(one))
    different = [str(p) for p in files(one) if (one / p).read_bytes() != (two / p).read_bytes()]
    assert different == []


def test_the_sitemap_is_dated_with_the_as_of_date(two_days: tuple[Path, Path]) -> None:
    one, _ = two_days
    sitemap = (one / "sitemap.xml").read_text(encoding="utf-8")
    lastmods = {line.strip() for line in sitemap.splitlines() if "<lastmod>" in line}
    assert lastmods == {f"<lastmod>{AS_OF}</lastmod>"}
    packed = (one / "sitemap.xml.gz").read_bytes()
    assert int.from_bytes(packed[4:8], "little") == timegm((2025, 12, 1, 0, 0, 0))  # the gzip header's mtime
    assert gzip.decompress(packed).decode("utf-8") == sitemap


def test_versions_json_says_what_made_the_pdfs(two_days: tuple[Path, Path]) -> None:
    one, _ = two_days
    made_with = json.loads((one / "security" / "baa" / "versions.json").read_text(encoding="utf-8"))["pdfs_made_with"]
    for name in ("amend", "weasyprint", "pydyf", "fonttools", "fontpkg-source-serif-4", "pango", "harfbuzz"):
        assert made_with[name] not in ("", "unknown", "not installed"), name
    assert made_with == dict(sorted(renderer_versions().items()))


def test_a_pdf_does_not_depend_on_the_folder_its_fonts_are_installed_in(tmp_path: Path) -> None:
    # Two checkouts have two virtual environments: the font package sits in another folder in each.
    path = tmp_path / "2025-03-01.md"
    path.write_text(
        "---\ntitle: Terms\nposted: 2025-01-30\neffective: 2025-03-01\nsummary: First.\n---\n\n## 1. Scope\n\nText.\n",
        encoding="utf-8",
    )
    revision, problems = parse_revision(path.read_text(encoding="utf-8"), path)
    assert revision is not None, problems
    fonts = bundled_fonts()
    rendered = []
    for folder in ("one/site-packages", "two/elsewhere"):
        target = tmp_path / folder
        target.mkdir(parents=True)
        copies = [Path(shutil.copy2(font, target / font.name)) for font in fonts.paths()]
        rendered.append(render_revision_pdf(revision, fonts=FontFiles(upright=copies[0], italic=copies[1])))
    assert rendered[0] == rendered[1]
    assert rendered[0] == render_revision_pdf(revision)
