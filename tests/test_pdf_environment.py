"""Problems of the machine versus problems of a document, with real WeasyPrint (tests/test_pdf.py has the rest).

The machine without HarfBuzz's subsetter is real here: a private mount namespace
(``unshare --mount``, as root) hides libharfbuzz-subset.so.0 from one child
process, as on a fresh Debian machine that has Pango but not that library.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from amend import pdf
from amend.pdf import PdfEnvironmentError, PdfError, environment_problems, render_revision_pdf
from amend.pdfcache import render_pdfs, revision_job
from amend.revisions import parse_revision

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

REVISION = """---
title: Data Processing Terms
posted: 2025-01-30
effective: 2025-03-01
summary: First terms.
---

## 1. Scope {#scope}

These terms cover personal data the provider processes for the customer, in *plain* words.
"""


def subset_library() -> Path | None:
    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"libharfbuzz-subset\.so\.0 \(.*x86-64.*\) => (\S+)", listing) or re.search(
        r"libharfbuzz-subset\.so\.0 \(.*\) => (\S+)", listing
    )
    return Path(match.group(1)) if match else None


def without_subsetter(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``command`` where libharfbuzz-subset.so.0 cannot be loaded (the file is /dev/null there)."""
    library = subset_library()
    if os.geteuid() != 0 or shutil.which("unshare") is None or library is None:
        pytest.skip("hiding a system library needs root, unshare and an installed libharfbuzz-subset0")
    hide = f'mount --bind /dev/null {library} && exec "$@"'
    return subprocess.run(
        ["unshare", "--mount", "sh", "-c", hide, "sh", *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "baa_versions").mkdir()
    (tmp_path / "baa_versions" / "2025-03-01.md").write_text(REVISION, encoding="utf-8")
    (tmp_path / "baa_versions" / "2025-06-01.md").write_text(
        REVISION.replace("2025-01-30", "2025-05-01").replace("2025-03-01", "2025-06-01"), encoding="utf-8"
    )
    return tmp_path


def test_without_the_subsetter_setup_names_the_package(folder: Path) -> None:
    completed = without_subsetter([sys.executable, "-m", "amend.syslibs", "--packages"], ROOT / "plugins")
    assert (completed.returncode, completed.stdout) == (1, "libharfbuzz-subset0\n")


def test_without_the_subsetter_amend_pdf_stops_at_once_naming_the_library(folder: Path) -> None:
    amend = Path(sys.executable).parent / "amend"
    completed = without_subsetter([str(amend), "pdf", "2025-03-01", "-o", "out.pdf"], folder)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr + completed.stdout
    said = completed.stdout + completed.stderr
    assert said.count("this machine cannot render PDFs exactly") == 1, said
    assert "HarfBuzz-subset (libharfbuzz-subset.so.0) is not installed" in said
    assert "apt-get install libharfbuzz-subset0" in said
    assert not (folder / "out.pdf").exists()


def test_without_the_subsetter_weasyprints_own_warning_is_an_environment_problem_said_once(folder: Path) -> None:
    # Past the library check (as when the library is too old to be used): WeasyPrint warns for every font
    # it subsets; the render fails once, naming the library and the command, not the document.
    script = (
        "import amend.pdf as p, pathlib\n"
        "from amend.revisions import parse_revision\n"
        "p.check_environment = lambda: None\n"
        "path = pathlib.Path('baa_versions/2025-03-01.md')\n"
        "revision, _ = parse_revision(path.read_text(), path)\n"
        "try:\n"
        "    p.render_revision_pdf(revision)\n"
        "except p.PdfEnvironmentError as error:\n"
        "    print('environment:', error)\n"
    )
    completed = without_subsetter([sys.executable, "-c", script], folder)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("environment: this machine cannot render PDFs exactly: HarfBuzz-subset")
    assert completed.stdout.count("HarfBuzz-subset (libharfbuzz-subset.so.0") == 1
    assert "apt-get install libharfbuzz-subset0" in completed.stdout
    assert "2025-03-01" not in completed.stdout


def test_without_the_subsetter_a_site_build_fails_once_before_rendering(folder: Path) -> None:
    (folder / "docs").mkdir()
    (folder / "docs" / "index.md").write_text("# Terms\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text("site_name: Terms\nplugins:\n  - amend:\n      as_of: '2025-07-01'\n")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    completed = without_subsetter([str(mkdocs), "build", "--strict", "--site-dir", "site"], folder)
    assert completed.returncode == 1
    assert completed.stderr.count("this machine cannot render PDFs exactly") == 1, completed.stderr
    assert "apt-get install libharfbuzz-subset0" in completed.stderr


def test_a_problem_in_the_document_names_the_document_and_is_not_the_machines(tmp_path: Path) -> None:
    path = tmp_path / "2025-03-01.md"
    path.write_text(REVISION, encoding="utf-8")
    revision, _ = parse_revision(REVISION, path)
    assert revision is not None
    body = '<p>Sealed: <img src="file:///nowhere/seal.png" alt="Seal"></p>'
    with pytest.raises(PdfError) as raised:
        render_revision_pdf(revision, body_html=body)
    assert not isinstance(raised.value, PdfEnvironmentError)
    assert str(raised.value).startswith("PDF for revision 2025-03-01 cannot be built as written: ")
    assert "the image file:///nowhere/seal.png could not be loaded" in str(raised.value)


# The messages WeasyPrint 70 logs, as they read (with a font name filled in).
ENVIRONMENT_MESSAGES = [
    'Using fontTools instead of HarfBuzz-Subset for font "SourceSerif4 Amend". This will be unsupported in '
    "future versions of WeasyPrint. Please install HarfBuzz-Subset >= 4.1.0 with your package manager.",
    "Please install HarfBuzz version 13+ with harfbuzz-vector to display Noto Color Emoji COLR emoji fonts.",
    'Unable to instantiate "SourceSerif4 Amend" variable font',
    'Unable to subset "SourceSerif4 Amend" with HarfBuzz',
    'Unable to subset "SourceSerif4 Amend" with fontTools',
    "Font-face 'SourceSerif4 Amend' cannot be loaded",
]
DOCUMENT_MESSAGES = [
    "No anchor #termination for internal URI reference",
    "Failed to load image at 'file:///nowhere/seal.png': [Errno 2] No such file or directory",
    "Relative URI reference without a base URI: seal.png",
    ".notdef glyph rendered for Unicode string unsupported by fonts: \u2717",
    "Ignored `colour: red` at 3:1, unknown property.",
]


@pytest.mark.parametrize("message", ENVIRONMENT_MESSAGES)
def test_each_message_about_the_machine_is_classified_so(message: str) -> None:
    ((problem, fix),) = environment_problems([message, message])
    assert fix and problem


@pytest.mark.parametrize("message", DOCUMENT_MESSAGES)
def test_each_message_about_a_document_stays_the_documents(message: str) -> None:
    assert environment_problems([message]) == []


def weasyprint_log_messages() -> list[str]:
    """Every message WeasyPrint's source logs at WARNING or ERROR, with its placeholders filled in."""
    spec = importlib.util.find_spec("weasyprint")
    assert spec is not None and spec.origin is not None
    messages = []
    for source in Path(spec.origin).parent.rglob("*.py"):
        for call in re.finditer(r"LOGGER\.(?:warning|error)\(\s*((?:'[^']*'\s*)+)", source.read_text("utf-8")):
            text = "".join(re.findall(r"'([^']*)'", call.group(1)))
            messages.append(text.replace("%r", "'Placeholder'").replace("%s", "Placeholder"))
    return messages


def test_every_renderer_message_classified_here_is_still_one_weasyprint_logs() -> None:
    # Fails loudly when a WeasyPrint upgrade rewords a message amend tells apart.
    logged = weasyprint_log_messages()
    assert len(logged) > 50
    for message in ENVIRONMENT_MESSAGES:
        pattern = next(p for p, _, _ in pdf._ENVIRONMENT if p.search(message))
        assert any(pattern.search(text) for text in logged), f"WeasyPrint no longer logs {pattern.pattern!r}"
    for pattern, _ in pdf._EXPLANATIONS:
        assert any(pattern.search(text) for text in logged), f"WeasyPrint no longer logs {pattern.pattern!r}"


def test_the_pdf_module_uses_only_weasyprints_public_api() -> None:
    tree = ast.parse((ROOT / "plugins" / "amend" / "pdf.py").read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert {m for m in modules | imported if m.startswith("weasyprint")} <= {"weasyprint"}
    private = sorted(
        {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute) and re.match(r"_[a-z]", node.attr)}
    )
    assert private == []


def test_a_render_asked_for_from_another_thread_runs_in_a_worker_process(tmp_path: Path) -> None:
    path = tmp_path / "2025-03-01.md"
    path.write_text(REVISION, encoding="utf-8")
    revision, _ = parse_revision(REVISION, path)
    assert revision is not None
    before = os.environ.get("SOURCE_DATE_EPOCH")
    with ThreadPoolExecutor(max_workers=1) as executor:
        with pytest.raises(PdfError, match="main thread"):
            executor.submit(render_revision_pdf, revision).result()
        job = revision_job("terms/2025-03-01.pdf", revision)
        batch = executor.submit(render_pdfs, [job], tmp_path / "cache", 1).result()
    assert os.environ.get("SOURCE_DATE_EPOCH") == before
    assert threading.current_thread() is threading.main_thread()
    assert batch.pdfs["terms/2025-03-01.pdf"] == render_revision_pdf(revision)
