"""One schema for the amend settings: the command line and `mkdocs build` accept and refuse the same mkdocs.yml."""

from __future__ import annotations

from pathlib import Path

from amend.config import load_settings


def test_the_cli_reads_the_plugin_block_with_its_option_names(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\n"
        "site_url: https://trust.example.test/\n"
        "theme:\n  name: material\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n  - search\n  - amend:\n      revisions: contracts/baa\n      notice_days: 45\n"
        "      paper: a4\n      history_baseline: 1234567\n",
        encoding="utf-8",
    )
    settings, problems = load_settings(tmp_path)
    assert problems == []
    assert settings.revisions_path == tmp_path / "contracts" / "baa"
    assert (settings.notice_days, settings.paper, settings.site_url) == (45, "a4", "https://trust.example.test/")
    assert settings.history_baseline == "1234567"


def test_without_mkdocs_yml_the_defaults_hold(tmp_path: Path) -> None:
    settings, problems = load_settings(tmp_path)
    assert problems == []
    assert (settings.revisions_dir, settings.notice_days, settings.paper) == ("baa_versions", 30, "letter")
