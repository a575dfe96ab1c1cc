"""Withdrawn revisions: an upcoming revision called off before it takes effect.

A posted revision's file never changes (its text is locked when public), so a
withdrawal is recorded beside it, in ``withdrawals.yml`` at the site's root::

    withdrawals:
      - revision: 2026-12-17        # the revision's id (its file name's date)
        withdrawn: 2026-12-01       # the day the withdrawal is announced: the day it reaches main, or later
        reason: The retention change is postponed while customers review it.

From ``withdrawn`` on, the revision is shown as *withdrawn*: its page stays (it
was public), the feed announces the withdrawal, the calendar cancels its
events, and it never takes effect; the notice it gave counts for nothing.
Only an upcoming revision can be withdrawn: ``posted <= withdrawn <
effective``. Like every core module this one never reads the clock; whether a
withdrawal was back-dated is proven from git by :mod:`amend.provenance`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from .frontmatter import closest_key, compose_yaml, mapping_items, parse_date, plain_value
from .model import Revision, Withdrawal
from .problems import Problem
from .revisions import read_text

WITHDRAWALS_FILE = "withdrawals.yml"
ENTRY_KEYS: dict[str, str] = {
    "revision": "the withdrawn revision's id, e.g. 2026-12-17",
    "withdrawn": "the day the withdrawal is announced, YYYY-MM-DD",
    "reason": "one or two plain sentences on why, shown on the page and in the feed",
}


Withdrawals = Mapping[str, Withdrawal]  # revision id → its withdrawal


def load_withdrawals(path: Path, shown_root: Path) -> tuple[dict[str, Withdrawal], list[Problem]]:
    """The withdrawals in ``path`` (none when the file is absent), or the problems that stop them."""
    if not path.is_file():
        return {}, []
    shown = _shown(path, shown_root)
    text, problems = read_text(path, shown)
    if text is None:
        return {}, problems
    return parse_withdrawals(text, shown)


def parse_withdrawals(text: str, shown: str) -> tuple[dict[str, Withdrawal], list[Problem]]:
    """Every entry of ``text``, strictly: unknown keys, bad dates, missing reasons, each with its line."""
    start = "start it with 'withdrawals:' and one '- revision: …' entry per withdrawn revision"
    node, problems = compose_yaml(text, shown, 1, what="the withdrawals file")
    if problems:
        return {}, problems
    if node is None:
        return {}, []
    if not isinstance(node, yaml.MappingNode):
        return {}, [Problem(shown, 1 + node.start_mark.line, f"the withdrawals file is not a mapping; {start}")]
    items, problems = mapping_items(node, shown, 1, what="key")
    found: dict[str, Withdrawal] = {}
    for item in items:
        if item.key != "withdrawals":
            problems.append(Problem(shown, item.line, f"unknown key '{item.key}'; {start}"))
            continue
        if isinstance(item.node, yaml.ScalarNode) and not plain_value(item.node):
            continue  # "withdrawals:" with nothing under it: none yet
        if not isinstance(item.node, yaml.SequenceNode):
            problems.append(Problem(shown, item.line, f"'withdrawals' must be a list; {start}"))
            continue
        for entry_node in item.node.value:
            withdrawal = _entry(entry_node, shown, problems)
            if withdrawal is None:
                continue
            if withdrawal.revision in found:
                problems.append(
                    Problem(
                        shown,
                        withdrawal.line,
                        f"revision {withdrawal.revision} is withdrawn twice (first on line "
                        f"{found[withdrawal.revision].line}); keep one entry",
                    )
                )
                continue
            found[withdrawal.revision] = withdrawal
    return ({}, problems) if problems else (found, [])


def _entry(node: yaml.Node, shown: str, problems: list[Problem]) -> Withdrawal | None:
    line = 1 + node.start_mark.line
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(shown, line, "each withdrawal is 'revision:', 'withdrawn:' and 'reason:' lines"))
        return None
    items, found_problems = mapping_items(node, shown, 1, what="withdrawal key")
    problems.extend(found_problems)
    values: dict[str, tuple[object, int]] = {}
    hinted: set[str] = set()
    for item in items:
        if item.key not in ENTRY_KEYS:
            hint = closest_key(item.key, [k for k in ENTRY_KEYS if k not in {i.key for i in items}])
            fix = f"did you mean '{hint}'?" if hint else f"the keys are {', '.join(ENTRY_KEYS)}"
            problems.append(Problem(shown, item.line, f"unknown withdrawal key '{item.key}'; {fix}"))
            hinted.update([hint] if hint else [])
            continue
        values[item.key] = (plain_value(item.node), item.line)
    missing = [key for key in ENTRY_KEYS if key not in values]
    for key in (k for k in missing if k not in hinted):  # the unknown key's "did you mean" already says it
        problems.append(Problem(shown, line, f"withdrawal without '{key}'; add '{key}:' ({ENTRY_KEYS[key]})"))
    if missing:
        return None
    revision_value, revision_line = values["revision"]
    revision_day, date_problems = parse_date(revision_value, "revision", shown, revision_line)
    problems.extend(date_problems)
    day_value, day_line = values["withdrawn"]
    day, date_problems = parse_date(day_value, "withdrawn", shown, day_line)
    problems.extend(date_problems)
    reason_value, reason_line = values["reason"]
    reason = " ".join(str(reason_value or "").split()) if isinstance(reason_value, str) else ""
    if not reason:
        problems.append(Problem(shown, reason_line, "'reason' must say why the revision is withdrawn, in plain text"))
    if revision_day is None or day is None or not reason:
        return None
    return Withdrawal(revision_day.isoformat(), day, reason, line, day_line)


def check_withdrawals(withdrawals: Withdrawals, revisions: Sequence[Revision], shown: str) -> list[Problem]:
    """Each withdrawal names a revision and falls inside its notice window: ``posted <= withdrawn < effective``."""
    by_id = {r.id: r for r in revisions}
    problems: list[Problem] = []
    for withdrawal in sorted(withdrawals.values(), key=lambda w: w.line):
        revision = by_id.get(withdrawal.revision)
        if revision is None:
            hint = closest_key(withdrawal.revision, sorted(by_id))
            fix = f"did you mean '{hint}'?" if hint else "name a revision file's date"
            problems.append(Problem(shown, withdrawal.line, f"revision {withdrawal.revision} does not exist; {fix}"))
            continue
        if withdrawal.day < revision.posted:
            problems.append(
                Problem(
                    shown,
                    withdrawal.withdrawn_line,
                    f"withdrawn {withdrawal.day} is before revision {revision.id} was posted ({revision.posted}); "
                    "a draft that was never posted is not withdrawn: delete its file instead",
                )
            )
        elif withdrawal.day >= revision.effective:
            problems.append(
                Problem(
                    shown,
                    withdrawal.withdrawn_line,
                    f"withdrawn {withdrawal.day} is not before revision {revision.id} takes effect "
                    f"({revision.effective}); a revision that took effect is never withdrawn: replace it with a new "
                    "revision (amend new), with the full notice window",
                )
            )
    return problems


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
