"""Shared fixtures: the corpus of real policy revisions, Hypothesis profiles, built sites."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

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
