"""The benchmark's generated revision sets: valid revisions, a real notice window, real edits."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from amend.diff import ChangeStatus, diff_documents
from amend.model import Revision
from amend.revisions import load_revisions, parse_revision
from amend.timeline import build_timeline

GENERATOR = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("amend_bench_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


generate = _load_generator()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Revision], list[Any]]:
    folder = tmp_path_factory.mktemp("bench-set") / "baa_versions"
    generated = generate.generate_revisions(6, 2500, 11)
    generate.write_revision_set(folder, generated)
    loaded = load_revisions(folder, generate.NOTICE_DAYS, shown_root=folder.parent)
    assert [p.render() for p in loaded.problems] == []
    return list(loaded.revisions), generated


def test_a_small_generated_set_passes_amend_check(written: tuple[list[Revision], list[Any]]) -> None:
    revisions, generated = written
    assert [r.id for r in revisions] == [g.id for g in generated]
    assert all(len(r.document.clauses) == 11 for r in revisions)


def test_every_later_revision_gives_at_least_the_notice_window(written: tuple[list[Revision], list[Any]]) -> None:
    revisions, _ = written
    assert revisions[0].posted == revisions[0].effective
    for before, after in pairwise(revisions):
        assert after.notice_days >= generate.NOTICE_DAYS
        assert after.effective > before.effective
        assert after.posted > before.effective


def test_the_benchmark_date_puts_the_newest_revision_in_its_notice_window(
    written: tuple[list[Revision], list[Any]],
) -> None:
    revisions, generated = written
    timeline = build_timeline(revisions, generate.as_of(generated), generate.NOTICE_DAYS)
    assert [e.id for e in timeline.upcoming] == [revisions[-1].id]
    assert timeline.in_force is not None and timeline.in_force.id == revisions[-2].id


def test_the_word_count_is_close_to_the_size_asked_for() -> None:
    for words, clauses in ((2500, 11), (25000, 100)):
        first = generate.generate_revisions(1, words, clauses)[0]
        assert abs(generate.count_words(first.text) - words) <= words * 0.05


def test_each_revision_really_edits_the_one_before(written: tuple[list[Revision], list[Any]]) -> None:
    revisions, _ = written
    seen: Counter[str] = Counter()
    for before, after in pairwise(revisions):
        diff = diff_documents(before.document, after.document)
        assert diff.wording_changed
        for entry in diff.walk():
            if entry.moved and entry.clause.kind == "section":
                seen["moved clause"] += 1
            if entry.renumbered:
                seen["renumbered clause"] += 1
            if entry.status is ChangeStatus.ADDED and entry.clause.kind != "section":
                seen["sub-clause added"] += 1
            if entry.status is ChangeStatus.REMOVED and entry.clause.kind != "section":
                seen["sub-clause removed"] += 1
            if entry.status is ChangeStatus.MODIFIED and not entry.children:
                seen["reworded"] += 1
            seen.update(f"{flag.kind} flag" for flag in entry.flags)
    for kind in (
        "moved clause",
        "renumbered clause",
        "sub-clause added",
        "sub-clause removed",
        "reworded",
        "duration flag",
    ):
        assert seen[kind] > 0, f"no {kind} in {dict(seen)}"


def test_the_same_size_and_seed_give_the_same_bytes() -> None:
    first = [r.text for r in generate.generate_revisions(3, 2500, 11, seed=7)]
    again = [r.text for r in generate.generate_revisions(3, 2500, 11, seed=7)]
    other = [r.text for r in generate.generate_revisions(3, 2500, 11, seed=8)]
    assert first == again
    assert first != other


def test_the_benchmark_edit_changes_one_clause_of_one_revision_and_keeps_it_valid(tmp_path: Path) -> None:
    generated = generate.generate_revisions(2, 2500, 11)
    folder = tmp_path / "baa_versions"
    paths = generate.write_revision_set(folder, generated)
    original = paths[-1].read_text(encoding="utf-8")
    edited = generate.edit_text(original, 0)
    assert edited != original and edited != generate.edit_text(original, 1)
    before, _ = parse_revision(original, paths[-1])
    paths[-1].write_text(edited, encoding="utf-8")
    loaded = load_revisions(folder, generate.NOTICE_DAYS, shown_root=tmp_path)
    assert [p.render() for p in loaded.problems] == []
    assert before is not None
    diff = diff_documents(before.document, loaded.revisions[-1].document)
    changed = [entry.id for entry in diff.clauses if entry.changed]
    assert len(changed) == 1
