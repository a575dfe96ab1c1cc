"""Golden `amend check` output for broken revision sets: one folder per class of bad input.

Each folder under tests/golden/check holds a `baa_versions/` with one defect and
`expected.txt`, the exact output a legal team sees. Rewrite them with
AMEND_UPDATE_GOLDEN=1 and read every change.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from amend.cli import main

CASES = sorted(p for p in (Path(__file__).parent / "golden" / "check").iterdir() if p.is_dir())


def run_check(root: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), "check", "--no-history", "--as-of", "2025-12-01"])
    return code, out.getvalue()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_revision_sets_get_their_exact_message_and_exit_1(case: Path) -> None:
    code, output = run_check(case)
    expected_file = case / "expected.txt"
    if os.environ.get("AMEND_UPDATE_GOLDEN"):
        expected_file.write_text(output, encoding="utf-8")
    assert code == 1
    assert output == expected_file.read_text(encoding="utf-8")
    assert output.count("\n") == 1, "one clear message per defect"
    first = output.split(":", 1)[0]
    assert first.startswith("baa_versions/"), "the message names the file"


def test_every_class_of_bad_input_in_the_spec_has_a_golden_case() -> None:
    names = {c.name for c in CASES}
    assert {
        "missing-front-matter",
        "yaml-syntax-error",
        "missing-key",
        "unknown-key",
        "loose-date",
        "impossible-date",
        "posted-after-effective",
        "notice-too-short",
        "same-effective-date",
        "effective-out-of-order",
        "file-name-not-a-date",
        "clause-without-number",
        "duplicate-clause-id",
        "raw-script",
        "event-attribute",
        "javascript-link",
    } <= names
