"""The one schema of the amend settings: each option's checks and messages, as the CLI and the plugin see them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from amend.config import AmendConfig, load_settings, validate_options


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"notice_days": True}, "amend setting notice_days is True, not a whole number; write digits, e.g. 30"),
        ({"notice_days": 30.5}, "amend setting notice_days is 30.5, not a whole number; write digits, e.g. 30"),
        ({"pdf_workers": 0}, "amend setting pdf_workers is 0; it must be 1 or more"),
        ({"paper": "A4"}, "amend setting paper is 'A4'; write one of: letter, a4"),
        (
            {"as_of": "2026-02-30"},
            "amend setting as_of is '2026-02-30', not a date; write it as YYYY-MM-DD, e.g. 2026-01-31",
        ),
        ({"title": 12}, "amend setting title is 12, not text; write it in quotes"),
        ({"papr": "a4"}, "unknown amend setting 'papr'; did you mean 'paper'?"),
        (
            {"colour": "red"},
            "unknown amend setting 'colour'; the settings are: " + ", ".join(sorted(k for k, _ in AmendConfig._schema)),
        ),
    ],
)
def test_each_bad_setting_gets_its_message(options: dict[str, Any], message: str) -> None:
    config, problems = validate_options(options, None, {"": 3})
    assert config is None
    assert [p.render() for p in problems] == [f"mkdocs.yml:3: {message}"]


def test_yaml_values_that_read_as_other_types_are_accepted_where_they_mean_the_same(tmp_path: Path) -> None:
    config, problems = validate_options({"as_of": date(2026, 12, 1), "history_baseline": 1234567}, None)
    assert problems == [] and config is not None
    assert (config["as_of"], config["history_baseline"]) == ("2026-12-01", "1234567")


def test_every_problem_is_listed_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - search\n  - amend:\n      notice_days: -1\n      paper: legal\n      titel: T\n",
        encoding="utf-8",
    )
    _, problems = load_settings(tmp_path)
    assert [p.render() for p in problems] == [
        "mkdocs.yml:7: unknown amend setting 'titel'; did you mean 'title'?",
        "mkdocs.yml:5: amend setting notice_days is -1; it must be 0 or more",
        "mkdocs.yml:6: amend setting paper is 'legal'; write one of: letter, a4",
    ]
