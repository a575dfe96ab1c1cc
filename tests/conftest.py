"""Shared fixtures: the corpus of real policy revisions, Hypothesis profiles, built sites."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
# The sample agreement as of this day: revision 2026-12-17 (posted 2026-11-16) is inside its notice window.
SAMPLE_AS_OF = "2026-12-01"

# In CI every run sees the same examples (derandomize); locally, the default profile explores.
settings.register_profile("ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """`../shared/corpus` beside the checkout: real revisions of published policies (public domain)."""
    candidates = [Path(os.environ["AMEND_CORPUS"])] if os.environ.get("AMEND_CORPUS") else []
    candidates.append(ROOT.parent / "shared" / "corpus")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    pytest.skip("the policy corpus (../shared/corpus beside the checkout) is not present on this machine")


@pytest.fixture(scope="session")
def standard_agreements_dir() -> Path:
    """`../shared/standard-agreements` beside the checkout: Common Paper agreements written as numbered lists.

    Read in place (CC BY 4.0, Common Paper, Inc.); never copied into the project.
    """
    candidates = [Path(os.environ["AMEND_STANDARD_AGREEMENTS"])] if os.environ.get("AMEND_STANDARD_AGREEMENTS") else []
    candidates.append(ROOT.parent / "shared" / "standard-agreements")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    pytest.skip("the standard agreements (../shared/standard-agreements beside the checkout) are not on this machine")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own site (mkdocs.yml, baa_versions/) built once per session with `mkdocs build --strict`.

    Built as of SAMPLE_AS_OF into a temporary folder with its own PDF cache, so
    the checkout's site/ and .cache/ are never touched. AMEND_TEST_SITE names
    a site already built as of that day instead (to iterate on tests quickly).
    """
    if os.environ.get("AMEND_TEST_SITE"):
        prebuilt = Path(os.environ["AMEND_TEST_SITE"])
        versions = prebuilt / "security" / "baa" / "versions.json"
        if f'"as_of": "{SAMPLE_AS_OF}"' not in (versions.read_text() if versions.is_file() else ""):
            pytest.fail(f"AMEND_TEST_SITE={prebuilt} is not the sample site built as of {SAMPLE_AS_OF}")
        return prebuilt
    tmp = tmp_path_factory.mktemp("sample-site")
    env = {
        **os.environ,
        "AMEND_AS_OF": SAMPLE_AS_OF,
        "AMEND_CACHE_DIR": str(tmp / "cache"),
        "NO_MKDOCS_2_WARNING": "1",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            str(tmp / "site"),
            "--config-file",
            str(ROOT / "mkdocs.yml"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        pytest.fail(f"the sample site does not build as of {SAMPLE_AS_OF}:\n{result.stderr[-6000:]}")
    return tmp / "site"
