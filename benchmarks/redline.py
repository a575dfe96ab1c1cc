"""Time the clause-level redline against whole-document word diffs, in one process.

Pairs: (a) the sample BAA's adjacent revisions from baa_versions/ (a built-in
pair when the folder is absent), (b) the largest pair of adjacent revisions in
../shared/corpus (skipped when absent), (c) a generated 25,000-word, 100-clause
pair with three edits and one moved clause. For each pair it prints the median
time of ``diff_documents`` (documents parsed beforehand, and parse time apart),
and, measured in the same run, the ``redlines`` package and
``difflib.SequenceMatcher`` on the whole texts' words, with their ratios.

Run: .venv/bin/python benchmarks/redline.py [--repeat N]
Targets (issue 3): at most 10 ms for a BAA pair, at most 50 ms for the 25,000-word pair.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from collections.abc import Callable
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from amend.clauses import parse_document
from amend.diff import diff_documents
from amend.revisions import parse_any_document

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SLOW_LIMIT = 20.0  # seconds: a whole-document comparison slower than this is run once


def timings_ms(run: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def median_ms(run: Callable[[], object], repeat: int) -> float:
    return statistics.median(timings_ms(run, repeat))


def baa_pairs() -> list[tuple[str, str, str]]:
    folder = ROOT / "baa_versions"
    files = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if len(files) >= 2:
        return [
            (f"BAA {a.stem}...{b.stem}", a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8"))
            for a, b in itertools.pairwise(files)
        ]
    old, new = generated_pair(clauses=12, words=2_400, seed=7)
    return [("BAA-like (generated)", old, new)]


def largest_corpus_pair() -> tuple[str, str, str] | None:
    if not CORPUS.is_dir():
        return None
    best: tuple[int, str, str, str] | None = None
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        files = sorted(folder.glob("*.md"))
        for a, b in itertools.pairwise(files):
            old, new = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
            size = len(old.split()) + len(new.split())
            if best is None or size > best[0]:
                best = (size, f"corpus {folder.name} {a.stem}...{b.stem}", old, new)
    return None if best is None else best[1:]


_WORDS = [
    "the",
    "party",
    "shall",
    "provide",
    "notice",
    "within",
    "days",
    "of",
    "any",
    "breach",
    "or",
    "incident",
    "affecting",
    "protected",
    "health",
    "information",
    "including",
    "records",
    "data",
    "systems",
    "services",
    "customer",
    "provider",
    "agreement",
    "term",
    "section",
    "under",
    "this",
    "may",
    "must",
    "will",
    "not",
    "without",
    "consent",
    "written",
    "reasonable",
    "security",
    "safeguards",
    "access",
    "use",
    "disclosure",
    "law",
    "applicable",
    "obligations",
    "rights",
    "remedies",
]


def generated_pair(clauses: int = 100, words: int = 25_000, seed: int = 1) -> tuple[str, str]:
    """Two documents of ``clauses`` headed clauses; the new one has three edits and one moved clause."""
    rng = random.Random(seed)
    per = words // clauses
    bodies = []
    for _ in range(clauses):
        sentence = [rng.choice(_WORDS) for _ in range(per)]
        bodies.append(" ".join(sentence).capitalize() + ".")
    titles = [f"Clause title {n} {rng.choice(_WORDS)}" for n in range(clauses)]
    old = "\n\n".join(f"## {n + 1}. {titles[n]}\n\n{bodies[n]}" for n in range(clauses))
    new_bodies = list(bodies)
    for target in (5, 40, 77):  # three edits: a duration, a modal verb, a new sentence
        text = new_bodies[target].split(" ")
        text[10] = "seventy-two (72) hours"
        text[30] = "must"
        new_bodies[target] = " ".join(text) + " The provider shall keep records."
    order = list(range(clauses))
    order.insert(60, order.pop(20))  # one clause moves
    new = "\n\n".join(f"## {k + 1}. {titles[n]}\n\n{new_bodies[n]}" for k, n in enumerate(order))
    return old, new


def measure(name: str, old_text: str, new_text: str, repeat: int, redlines: Any) -> str:
    """One row of the table: parse time, our diff, and the whole-document word diffs, with ratios."""
    old_doc = parse_any_document(old_text, "old")
    new_doc = parse_any_document(new_text, "new")
    parse = median_ms(lambda: (parse_document(old_text, "old"), parse_document(new_text, "new")), repeat)
    ours_all = timings_ms(lambda: diff_documents(old_doc, new_doc), repeat)
    ours, best = statistics.median(ours_all), min(ours_all)
    old_words, new_words = old_text.split(), new_text.split()
    words = len(old_words) + len(new_words)

    def whole_difflib() -> object:
        return SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes()

    once = median_ms(whole_difflib, 1)
    difflib_ms = once if once > 1000 * SLOW_LIMIT / repeat else median_ms(whole_difflib, max(3, repeat // 4))
    redlines_cell, redlines_ratio = "n/a", "n/a"
    if redlines is not None:

        def whole_redlines() -> object:
            return redlines(old_text, new_text).output_markdown

        once = median_ms(whole_redlines, 1)
        redlines_ms = once if once > 1000 * SLOW_LIMIT / repeat else median_ms(whole_redlines, 3)
        redlines_cell, redlines_ratio = f"{redlines_ms:8.1f}", f"{redlines_ms / ours:6.0f}x"
    return (
        f"{name[:44]:<44} {words:>7} {parse:7.1f}ms {ours:7.2f}ms {best:7.2f}ms "
        f"{difflib_ms:8.1f}ms {difflib_ms / ours:6.0f}x {redlines_cell:>8}ms {redlines_ratio:>7}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--skip-redlines", action="store_true", help="do not time the redlines package")
    args = parser.parse_args(argv)
    redlines: Any = None
    try:
        from redlines import Redlines

        redlines = Redlines
    except ImportError:  # an optional comparison (pip install redlines)
        print("note: the redlines package is not installed; its column is n/a", file=sys.stderr)

    pairs = baa_pairs()
    corpus = largest_corpus_pair()
    if corpus:
        pairs.append(corpus)
    else:
        print("note: ../shared/corpus not found; the corpus pair is skipped", file=sys.stderr)
    generated = generated_pair()
    pairs.append(("generated 25,000 words, 100 clauses", *generated))

    header = (
        f"{'pair':<44} {'words':>7} {'parse':>9} {'amend':>9} {'best':>9} {'difflib':>10} {'ratio':>7} "
        f"{'redlines':>10} {'ratio':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, old_text, new_text in pairs:
        print(measure(name, old_text, new_text, args.repeat, None if args.skip_redlines else redlines))
    print()
    print("amend: diff_documents on parsed documents (median; best: fastest run, what an idle machine gives);")
    print("parse: both documents; difflib: SequenceMatcher")
    print("(autojunk=False) on the whole texts' words; redlines: Redlines(old, new).output_markdown; ratio: x amend.")
    print("Targets: BAA pair <= 10 ms, 25,000-word pair <= 50 ms.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
