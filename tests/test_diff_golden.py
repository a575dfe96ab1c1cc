"""Golden redlines: each folder of tests/golden/redline/ is a case named after what it proves.

A case holds ``old.md`` and ``new.md`` (written for the case) and the expected
``expected.json`` (``amend diff --format json``) and ``expected.md`` (the pull-request
Markdown). Set ``AMEND_UPDATE_GOLDEN=1`` to rewrite the expected files, then read
every rewritten file before committing it. Besides the files, each case states in
code the pairing a lawyer would make, so a wrong golden cannot pass unnoticed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from amend.diff import diff_documents, to_json
from amend.diffviews import render_markdown
from amend.revisions import load_document

GOLDEN = Path(__file__).parent / "golden" / "redline"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
UPDATE = os.environ.get("AMEND_UPDATE_GOLDEN") == "1"


def _diff(case: str) -> Any:
    old, problems = load_document(GOLDEN / case / "old.md")
    assert old is not None, problems
    new, problems = load_document(GOLDEN / case / "new.md")
    assert new is not None, problems
    return diff_documents(old, new)


def _check(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert path.is_file(), f"{path} is missing: run with AMEND_UPDATE_GOLDEN=1 and read the result"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{path} differs: rerun with AMEND_UPDATE_GOLDEN=1 and review the change"
    )


@pytest.mark.parametrize("case", CASES)
def test_golden_json_and_markdown_match_the_reviewed_files(case: str) -> None:
    diff = _diff(case)
    _check(GOLDEN / case / "expected.json", to_json(diff))
    _check(GOLDEN / case / "expected.md", render_markdown(diff))


def _rows(case: str) -> list[tuple[str, str, bool, str | None, str | None]]:
    """(status, id, moved, old title, new title) for every entry, nested ones included."""
    data = json.loads(to_json(_diff(case)))
    rows: list[tuple[str, str, bool, str | None, str | None]] = []

    def walk(entries: list[dict[str, Any]]) -> None:
        for e in entries:
            rows.append(
                (e["status"], e["id"], e["moved"], e["old"] and e["old"]["title"], e["new"] and e["new"]["title"])
            )
            walk(e["children"])

    walk(data["clauses"])
    return rows


def _flags(case: str) -> list[tuple[str, str | None, str | None]]:
    data = json.loads(to_json(_diff(case)))
    out: list[tuple[str, str | None, str | None]] = []

    def walk(entries: list[dict[str, Any]]) -> None:
        for e in entries:
            out.extend((f["kind"], f["old"], f["new"]) for f in e["flags"])
            walk(e["children"])

    walk(data["clauses"])
    return out


EXPECTED_ROWS: dict[str, list[tuple[str, str, bool, str | None, str | None]]] = {
    "renumbered": [
        ("unchanged", "scope", False, "Scope", "Scope"),
        ("added", "service-levels", False, None, "Service Levels"),
        ("unchanged", "fees", False, "Fees", "Fees"),
        ("unchanged", "support", False, "Support", "Support"),
    ],
    "retitled": [
        ("unchanged", "scope", False, "Scope", "Scope"),
        ("modified", "fees-and-payment", False, "Fees", "Fees and Payment"),
    ],
    "moved": [
        ("unchanged", "scope", False, "Scope", "Scope"),
        ("unchanged", "confidentiality", True, "Confidentiality", "Confidentiality"),
        ("unchanged", "fees", False, "Fees", "Fees"),
        ("unchanged", "support", False, "Support", "Support"),
    ],
    "split": [
        ("unchanged", "scope", False, "Scope", "Scope"),
        ("modified", "term", False, "Term and Termination", "Term"),
        ("added", "termination", False, None, "Termination"),
    ],
    "merged": [
        ("unchanged", "scope", False, "Scope", "Scope"),
        ("removed", "warranties", False, "Warranties", None),
        ("modified", "warranties-and-disclaimer", False, "Disclaimer", "Warranties and Disclaimer"),
    ],
    "added": [
        ("unchanged", "scope", False, "Scope", "Scope"),
        ("unchanged", "fees", False, "Fees", "Fees"),
        ("added", "backups", False, None, "Backups"),
    ],
    "removed": [
        ("unchanged", "scope", False, "Scope", "Scope"),
        ("removed", "audits", False, "Audits", None),
        ("unchanged", "fees", False, "Fees", "Fees"),
    ],
    "table-row-edit": [
        ("modified", "definitions", False, "Definitions", "Definitions"),
        ("unchanged", "definitions-client-data", False, "Client Data", "Client Data"),
        ("modified", "definitions-incident", False, "Incident", "Incident"),
        ("unchanged", "definitions-region", False, "Region", "Region"),
        ("added", "definitions-subprocessor", False, None, "Subprocessor"),
    ],
    "formatting-only": [
        ("unchanged", "scope", False, "Scope", "Scope"),
        ("unchanged", "security", False, "Security", "Security"),
        ("unchanged", "security-access", False, "Access", "Access"),
        ("unchanged", "security-logging", False, "Logging", "Logging"),
    ],
    "no-ids-similarity-only": [
        ("modified", "who-is-covered", False, "Who these terms cover", "Who is covered"),
        ("modified", "acceptable-use", False, "What you may not do", "Acceptable use"),
        ("modified", "closing-an-account", False, "Ending your account", "Closing an account"),
    ],
    "unicode-quotes-and-nbsp": [
        ("unchanged", "definitions", False, "Definitions", "Definitions"),
        ("unchanged", "notice", False, "Notice", "Notice"),
    ],
    "flags-duration-and-modal": [
        ("modified", "incidents", False, "Incidents", "Incidents"),
        ("modified", "incidents-timing", False, "Timing", "Timing"),
        ("modified", "incidents-help", False, "Help", "Help"),
        ("modified", "incidents-records", False, "Records", "Records"),
    ],
}

EXPECTED_FLAGS: dict[str, list[tuple[str, str | None, str | None]]] = {
    # The row that defines "Incident" now also covers loss: the definition changed.
    "table-row-edit": [("definition", None, ", or loss of,")],
    "renumbered": [
        (
            "obligation-added",
            None,
            "Provider shall keep the service available for at least 99.9% of each calendar month.",
        )
    ],
    "added": [
        (
            "obligation-added",
            None,
            "Provider shall back up Client data every day and keep each backup for fourteen (14) days.",
        )
    ],
    "removed": [
        (
            "obligation-removed",
            "Provider shall let Client audit its data centres once a year on thirty (30) days' notice.",
            None,
        )
    ],
    "flags-duration-and-modal": [
        ("duration", "five (5) business days", "72 hours"),
        ("modal", "may", "shall"),
        ("duration", "14 days", "30 days"),
    ],
    "no-ids-similarity-only": [("duration", "thirty days", "sixty days")],
}


def test_every_golden_case_states_its_pairings() -> None:
    assert sorted(EXPECTED_ROWS) == CASES


@pytest.mark.parametrize("case", CASES)
def test_each_clause_is_paired_the_way_a_lawyer_would_pair_it(case: str) -> None:
    assert _rows(case) == EXPECTED_ROWS[case]


@pytest.mark.parametrize("case", CASES)
def test_the_flags_are_the_changes_a_reviewer_must_see(case: str) -> None:
    # Split and merged text only moved: no obligation was added or released, no number changed.
    assert _flags(case) == EXPECTED_FLAGS.get(case, [])


@pytest.mark.parametrize("case", ["formatting-only", "unicode-quotes-and-nbsp"])
def test_formatting_only_revisions_say_so_and_change_no_wording(case: str) -> None:
    diff = _diff(case)
    assert diff.formatting_only
    assert not diff.wording_changed
    assert "Formatting only" in render_markdown(diff)
    data = json.loads(to_json(diff))
    assert data["formatting_only"] is True
    assert data["summary"]["modified"] == 0
