"""The labelled set (tests/labelled_set.py) meets its targets: flag precision and recall, every pairing right.

Own cases always run; the facts from ../shared/corpus and ../shared/standard-agreements
run where those folders are present (found through the ``corpus_dir`` fixture), and
the test says so and skips where they are absent.
"""

from __future__ import annotations

from pathlib import Path

from labelled_set import corpus_flag_facts, evaluate, own_flag_facts, pair_facts

PRECISION = 0.95
RECALL = 0.9


def test_the_labelled_set_has_enough_must_and_must_not_facts() -> None:
    flags = own_flag_facts() + corpus_flag_facts()
    assert len(flags) >= 80
    assert sum(1 for f in flags if f.must) >= 30 and sum(1 for f in flags if not f.must) >= 30
    assert len(pair_facts()) >= 40


def test_own_cases_meet_the_flag_targets_and_pair_every_clause_right() -> None:
    score, flags, _ = evaluate([])
    assert flags == len(own_flag_facts())
    assert score.precision >= PRECISION and score.recall >= RECALL, score.misses
    assert score.pairs_wrong == 0, score.misses


def test_the_whole_labelled_set_meets_its_targets(corpus_dir: Path, standard_agreements_dir: Path) -> None:
    score, flags, pairs = evaluate([corpus_dir, standard_agreements_dir])
    assert flags == len(own_flag_facts()) + len(corpus_flag_facts())
    assert pairs == len(pair_facts())
    assert score.precision >= PRECISION, score.misses
    assert score.recall >= RECALL, score.misses
    assert score.pairs_wrong == 0, score.misses
