"""The one schema of the amend settings: each option's checks and messages, as the CLI and the plugin see them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from amend.config import AmendConfig, load_settings, settings_from_text, validate_options
from amend.settings import GOVERNING


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
        (
            {"timezone": "Pacific Time"},
            "amend setting timezone is 'Pacific Time', not a time zone; did you mean 'America/Los_Angeles'? "
            "(write an IANA name such as America/New_York, America/Los_Angeles or UTC)",
        ),
        ({"timezone": -5}, "amend setting timezone is -5, not a time zone; write an IANA name, e.g. America/New_York"),
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


def test_the_base_branchs_rules_are_read_through_the_same_schema(tmp_path: Path) -> None:
    # The base branch's mkdocs.yml may hold a setting this amend does not know, or a broken one the change is
    # fixing: only the rules are read from it, each checked as the build checks it.
    text = (
        "site_name: x\nplugins:\n  - amend:\n      notice_days: 45\n      timezone: America/Chicago\n"
        "      history_baseline: 1234567\n      colour: red\n      paper: legal\n"
    )
    settings, problems = settings_from_text(text, tmp_path, only=GOVERNING)
    assert problems == []
    assert (settings.notice_days, settings.timezone, settings.history_baseline) == (45, "America/Chicago", "1234567")
    assert settings.paper == "letter"  # not a rule: the default, never the base's broken value
    broken = text.replace("notice_days: 45", "notice_days: thirty")
    _, problems = settings_from_text(broken, tmp_path, only=GOVERNING)
    assert [p.render() for p in problems] == [
        "mkdocs.yml:4: amend setting notice_days is 'thirty', not a whole number; write digits, e.g. 30"
    ]
