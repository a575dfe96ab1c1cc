"""Precision and recall of the redline's flags, and its pairing accuracy, on the labelled set.

    python benchmarks/flags.py [--shared ../shared]

Reads tests/labelled_set.py (own cases, and facts from ../shared/corpus and
../shared/standard-agreements where present) and prints one line per figure,
then the facts it got wrong. Targets: precision >= 0.95, recall >= 0.9, every
pairing fact right.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from labelled_set import evaluate, iter_roots  # noqa: E402  (the set lives with the tests)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    roots = list(iter_roots(args.shared))
    score, flags, pairs = evaluate(roots)
    print(f"sources: own cases{''.join(', ' + r.name for r in roots)}")
    print(
        f"flag facts: {flags} (true positives {score.true_positive}, false positives {score.false_positive}, "
        f"missed {score.false_negative}, rightly silent {score.true_negative})"
    )
    print(f"precision: {score.precision:.3f} (target 0.95)")
    print(f"recall: {score.recall:.3f} (target 0.90)")
    print(f"pairing: {score.pairs_right}/{pairs} right")
    for miss in score.misses or []:
        print(f"  {miss}")
    met = score.precision >= 0.95 and score.recall >= 0.9 and score.pairs_wrong == 0
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
