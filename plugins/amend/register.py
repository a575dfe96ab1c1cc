"""The subprocessor register: the BAA's published list of subcontractors, with its own notice window.

Owns the register's model, its strict loader (every message with a line), the
rules ``amend check`` enforces on it, each change's status as of a date, and
the redline of the list between two dates. It is a second kind of document
beside the BAA revisions, read with the same node-tree YAML reading
(:mod:`amend.frontmatter`), reported as the same :class:`Problem` records and
held to the same notice rule (:func:`amend.timeline.earliest_effective`). Like
every core module it never reads the clock, the environment or the working
directory: the as-of date and paths are arguments. Whether a past announcement
was edited on main is proven from git history by :mod:`amend.provenance`;
:func:`check_announcements_kept` is the comparison it can use, free of git.

The file (``subprocessors.yml`` at the repository root)::

    title: Subprocessors with access to PHI
    baa_clause: subcontractors        # the BAA clause id the page links back to
    notice:                           # optional: what the BAA promised, from the day it took effect
      - from: 2024-03-01
        notice_days: 30               # an addition or replacement is announced this long before it starts
        objection_days: 15            # a customer may object this long after the announcement
    subprocessors:
      - name: Example Hosting, LLC
        purpose: Hosts the servers that store customer data, PHI included.
        location: United States
        announced: 2024-03-01         # the day it was put on the published list
        starts: 2024-03-01            # the first day it may process PHI
        end_announced: 2025-05-01     # for a removal or replacement: the day that was announced
        ends: 2025-06-30              # the first day it no longer processes PHI
        replaced_by: Other Hosting    # optional: the entry that takes over its work
      - name: Withdrawn Analytics
        ...
        withdrawn: 2026-12-10         # an announced addition called off before it started

Decisions, documented for the legal team in ``docs/subprocessors.md``:

- The register's first day is the earliest ``announced`` date in the file. An
  entry announced that day is part of the initial list: it needs no notice and
  may start the day it is announced.
- Every other entry is an addition (or, when an entry names it in
  ``replaced_by``, a replacement) and must be announced at least
  ``notice_days`` before it starts. ``notice_days`` is the one in the
  ``notice`` term in force on the announcement day (the latest ``from`` on or
  before it), else the site's ``notice_days``.
- The objection window runs from the announcement to its last day: the
  announcement plus the term's ``objection_days`` when it gives one, else the
  day before the subprocessor starts. A new subprocessor starts only after
  the window has closed. Removals need no notice and have no objection window
  (the BAA asks notice for adding or replacing), but are announced, dated and
  shown like any change.
- A change is ``draft`` while its announcement lies in the future (shown
  nowhere), ``pending`` from the announcement until the day it takes effect,
  then ``done``; an addition called off before it started is ``withdrawn``
  from the day that was announced.
- Names are unique ignoring case and punctuation (they give the page its
  anchors and the feed its entry ids). A subprocessor whose purpose or
  location changes is ended and added again under a new name with
  ``replaced_by``; the redline then shows one changed row.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import yaml

from .clauses import slugify
from .frontmatter import NodeItem, closest_key, compose_yaml, mapping_items, parse_date, plain_value
from .model import Revision
from .problems import Problem
from .revisions import read_text
from .timeline import days_left, earliest_effective, plural_days

REGISTER_FILE = "subprocessors.yml"

# The register's keys and what each holds; nothing else is allowed (a typo must not pass silently).
REGISTER_KEYS: dict[str, str] = {
    "title": "the page title, e.g. 'Subprocessors with access to PHI'",
    "baa_clause": "the id of the BAA clause on subcontractors, e.g. 'subcontractors'",
    "notice": "optional: the notice terms the BAA promised, each with from, notice_days, objection_days",
    "subprocessors": "the list of subprocessors",
}
REQUIRED_REGISTER_KEYS = ("title", "baa_clause", "subprocessors")
TERM_KEYS = ("from", "notice_days", "objection_days")
ENTRY_TEXT_KEYS: dict[str, str] = {
    "name": "the subprocessor's legal name",
    "purpose": "what it does with PHI",
    "location": "where it processes PHI",
}
ENTRY_DATE_KEYS = ("announced", "starts", "end_announced", "ends", "withdrawn")
ENTRY_KEYS = (*ENTRY_TEXT_KEYS, "announced", "starts", "end_announced", "ends", "replaced_by", "withdrawn")

# What PyYAML's complaint usually means in a file a lawyer edits, and the fix.
_YAML_HINT = "check the indentation: every key of an entry lines up under its 'name'"
_YAML_HINTS = {
    "mapping values are not allowed here": (
        "a value that contains ': ' must be in quotes, e.g. purpose: \"Backups: encrypted, PHI included\""
    ),
}
_CLAUSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_WHOLE_NUMBER = re.compile(r"\d+")


class ChangeKind(enum.StrEnum):
    """What a change does to the list."""

    ADDITION = "addition"  # a new subprocessor starts
    REPLACEMENT = "replacement"  # a new subprocessor starts, taking over from one or more that end
    REMOVAL = "removal"  # a subprocessor ends (replaced_by says whether someone takes over)
    WITHDRAWAL = "withdrawal"  # an announced addition is called off before it started


class ChangeStatus(enum.StrEnum):
    """A change's status as of a date."""

    DRAFT = "draft"  # announced after the as-of date: not published, shown nowhere
    PENDING = "pending"  # announced, not yet in effect (an addition's objection window is in here)
    DONE = "done"  # in effect
    WITHDRAWN = "withdrawn"  # an addition called off before it started


class RowStatus(enum.StrEnum):
    """A row of the register's redline between two dates."""

    UNCHANGED = "unchanged"
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class NoticeTerm:
    """What the BAA promised about subcontractor changes, from the day ``since`` on."""

    since: date
    notice_days: int
    objection_days: int | None  # None: the objection window runs until the day before the start
    line: int


@dataclass(frozen=True, slots=True)
class Subprocessor:
    """One entry of the register, as written."""

    name: str
    purpose: str
    location: str
    announced: date
    starts: date
    end_announced: date | None = None
    ends: date | None = None
    replaced_by: str | None = None  # the name as written in the file
    withdrawn: date | None = None
    line: int = 0  # the entry's first line
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # key → line

    @property
    def slug(self) -> str:
        """The entry's anchor and id: ``Cobalt Ridge Data Centers, LLC`` → ``cobalt-ridge-data-centers-llc``."""
        return slugify(self.name)

    @property
    def key(self) -> str:
        """The name as compared: case and spacing ignored."""
        return name_key(self.name)

    def active(self, day: date) -> bool:
        """Whether it may process PHI on ``day``: started, not ended, never withdrawn."""
        if self.withdrawn is not None:
            return False
        return self.starts <= day and (self.ends is None or day < self.ends)


@dataclass(frozen=True, slots=True)
class Register:
    """The whole register file, valid: its entries in file order."""

    path: str  # as shown in messages, e.g. "subprocessors.yml"
    title: str
    baa_clause: str
    subprocessors: tuple[Subprocessor, ...]
    notice_days: int  # the site's notice_days: the rule before the first notice term
    terms: tuple[NoticeTerm, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def first_day(self) -> date | None:
        """The earliest announcement: entries announced that day are the initial list."""
        return min((s.announced for s in self.subprocessors), default=None)

    def term(self, day: date) -> tuple[int, int | None]:
        """``(notice_days, objection_days)`` for a change announced on ``day``."""
        current = [t for t in self.terms if t.since <= day]
        if not current:
            return self.notice_days, None
        latest = max(current, key=lambda t: t.since)
        return latest.notice_days, latest.objection_days

    def window_term(self, announced: date, starts: date) -> tuple[int, int | None, NoticeTerm | None]:
        """The strictest term in force on any day from ``announced`` to ``starts``: (notice, objection, deciding).

        A change announced under one term but starting after a stricter term took
        effect keeps the stricter one (issue "Dates that hold up": an announcement
        under the old 30-day term running past the day the 45-day term begins
        needs 45 days, and customers get the longer objection window). An
        objection window of ``None`` (to the day before the start) is the longest
        there is. ``deciding`` is the later term that made it stricter, if any.
        """
        notice, objection = self.term(announced)
        deciding: NoticeTerm | None = None
        for term in sorted(self.terms, key=lambda t: t.since):
            if not announced < term.since <= starts:
                continue
            if term.notice_days > notice:
                notice, deciding = term.notice_days, term
            if objection is not None and (term.objection_days is None or term.objection_days > objection):
                objection, deciding = term.objection_days, deciding or term
        return notice, objection, deciding

    def find(self, name: str) -> Subprocessor | None:
        """The entry called ``name`` (case and spacing ignored)."""
        key = name_key(name)
        return next((s for s in self.subprocessors if s.key == key), None)

    def is_initial(self, subprocessor: Subprocessor) -> bool:
        return subprocessor.announced == self.first_day

    def replaces(self, subprocessor: Subprocessor) -> tuple[Subprocessor, ...]:
        """The entries that name ``subprocessor`` in their ``replaced_by``."""
        return tuple(s for s in self.subprocessors if s.replaced_by and name_key(s.replaced_by) == subprocessor.key)

    def objection_closes(self, subprocessor: Subprocessor) -> date | None:
        """The last day a customer may object to ``subprocessor``; None for the initial list.

        The term's ``objection_days`` after the announcement, or, without one,
        the day before it starts (the window then is the whole notice window).
        """
        if self.is_initial(subprocessor) and subprocessor.starts == subprocessor.announced:
            return None
        _, objection_days, _ = self.window_term(subprocessor.announced, subprocessor.starts)
        if objection_days is not None:
            return subprocessor.announced + timedelta(days=objection_days)
        return max(subprocessor.announced, subprocessor.starts - timedelta(days=1))


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


# ---------------------------------------------------------------------------------------------
# Changes and their statuses


@dataclass(frozen=True, slots=True)
class Change:
    """One announced change to the list: a subprocessor starts, ends, or is called off."""

    kind: ChangeKind
    subprocessor: Subprocessor
    announced: date  # the day notice was given
    effective: date  # the day the list changes (for a withdrawal, the day it was announced)
    objection_closes: date | None = None  # last day to object (additions and replacements after the first day)
    replaces: tuple[Subprocessor, ...] = ()  # for a replacement: who it takes over from
    replaced_by: Subprocessor | None = None  # for a removal: who takes over
    initial: bool = False  # on the register's first day: the initial list

    @property
    def id(self) -> str:
        """Stable per subprocessor and kind of event: ``relay-harbor-messaging-inc-added``."""
        suffix = {
            ChangeKind.ADDITION: "added",
            ChangeKind.REPLACEMENT: "added",
            ChangeKind.REMOVAL: "removed",
            ChangeKind.WITHDRAWAL: "withdrawn",
        }[self.kind]
        return f"{self.subprocessor.slug}-{suffix}"

    @property
    def starts(self) -> bool:
        """Whether the change puts a subprocessor on the list (an addition or a replacement)."""
        return self.kind in (ChangeKind.ADDITION, ChangeKind.REPLACEMENT)

    @property
    def notice_days(self) -> int:
        """Days of notice given: from the announcement to the day it takes effect."""
        return (self.effective - self.announced).days


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One change with its status as of the timeline's date."""

    change: Change
    status: ChangeStatus

    @property
    def id(self) -> str:
        return self.change.id

    def days_left(self, as_of: date) -> int:
        """Days left before the change takes effect, today counted (:func:`amend.timeline.days_left`)."""
        return days_left(self.change.effective - timedelta(days=1), as_of)

    def objection_open(self, as_of: date) -> bool:
        """Whether a customer may still object on ``as_of``."""
        closes = self.change.objection_closes
        return self.status is ChangeStatus.PENDING and closes is not None and self.change.announced <= as_of <= closes

    def objection_days_left(self, as_of: date) -> int:
        """Days left to object, today included (the closing day itself is "1 day left"); 0 once closed.

        Counted like the BAA's notice banner: on the day before a revision
        takes effect, one day is left.
        """
        closes = self.change.objection_closes
        if closes is None or not self.objection_open(as_of):
            return 0
        return days_left(closes, as_of)


@dataclass(frozen=True, slots=True)
class RegisterTimeline:
    """Every change of the register, drafts included, with its status as of ``as_of``.

    Changes are in the order they were announced (then the day they take
    effect, then the file's order), oldest first.
    """

    register: Register
    as_of: date
    entries: tuple[ChangeEntry, ...]

    @property
    def published(self) -> tuple[ChangeEntry, ...]:
        """Everything but drafts: what the page, the feed and the calendar show."""
        return tuple(e for e in self.entries if e.status is not ChangeStatus.DRAFT)

    @property
    def pending(self) -> tuple[ChangeEntry, ...]:
        return tuple(e for e in self.entries if e.status is ChangeStatus.PENDING)

    @property
    def current(self) -> tuple[Subprocessor, ...]:
        """The subprocessors that may process PHI on ``as_of``, in file order."""
        return list_on(self.register, self.as_of)

    def entry(self, change_id: str) -> ChangeEntry | None:
        return next((e for e in self.entries if e.id == change_id), None)

    def pending_end(self, subprocessor: Subprocessor) -> ChangeEntry | None:
        """The published, pending removal of ``subprocessor``, if one is announced."""
        return next(
            (
                e
                for e in self.pending
                if e.change.kind is ChangeKind.REMOVAL and e.change.subprocessor.key == subprocessor.key
            ),
            None,
        )


def register_changes(register: Register) -> tuple[Change, ...]:
    """Every change the register records, in announcement order."""
    changes: list[tuple[tuple[date, date, int, int], Change]] = []
    for index, sub in enumerate(register.subprocessors):
        replaces = register.replaces(sub)
        initial = register.is_initial(sub)
        start = Change(
            kind=ChangeKind.REPLACEMENT if replaces else ChangeKind.ADDITION,
            subprocessor=sub,
            announced=sub.announced,
            effective=sub.starts,
            objection_closes=register.objection_closes(sub),
            replaces=replaces,
            initial=initial,
        )
        changes.append(((start.announced, start.effective, index, 0), start))
        if sub.withdrawn is not None:
            withdrawal = Change(ChangeKind.WITHDRAWAL, sub, announced=sub.withdrawn, effective=sub.withdrawn)
            changes.append(((withdrawal.announced, withdrawal.effective, index, 1), withdrawal))
        if sub.end_announced is not None and sub.ends is not None:
            successor = register.find(sub.replaced_by) if sub.replaced_by else None
            removal = Change(
                ChangeKind.REMOVAL, sub, announced=sub.end_announced, effective=sub.ends, replaced_by=successor
            )
            changes.append(((removal.announced, removal.effective, index, 2), removal))
    changes.sort(key=lambda pair: pair[0])
    return tuple(change for _, change in changes)


def change_status(change: Change, as_of: date, withdrawn: date | None = None) -> ChangeStatus:
    """Draft before the announcement, pending until the day it takes effect, then done."""
    if change.announced > as_of:
        return ChangeStatus.DRAFT
    if change.starts and withdrawn is not None and withdrawn <= as_of:
        return ChangeStatus.WITHDRAWN
    if as_of < change.effective:
        return ChangeStatus.PENDING
    return ChangeStatus.DONE


def register_timeline(register: Register, as_of: date) -> RegisterTimeline:
    """The status of every change of ``register`` as of ``as_of``."""
    entries = tuple(
        ChangeEntry(change, change_status(change, as_of, change.subprocessor.withdrawn))
        for change in register_changes(register)
    )
    return RegisterTimeline(register=register, as_of=as_of, entries=entries)


def known_on(register: Register, day: date) -> Register:
    """The register as readers knew it on ``day``: nothing announced later (no draft leaks into a redline)."""
    known: list[Subprocessor] = []
    for sub in register.subprocessors:
        if sub.announced > day:
            continue
        if sub.end_announced is not None and sub.end_announced > day:
            sub = replace(sub, end_announced=None, ends=None, replaced_by=None)
        if sub.withdrawn is not None and sub.withdrawn > day:
            sub = replace(sub, withdrawn=None)
        known.append(sub)
    return replace(register, subprocessors=tuple(known))


def list_on(register: Register, day: date) -> tuple[Subprocessor, ...]:
    """The published list on ``day``: every subprocessor that may process PHI that day."""
    return tuple(s for s in register.subprocessors if s.active(day))


# ---------------------------------------------------------------------------------------------
# The redline of the list between two dates


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a changed row: its old and new wording."""

    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class RowDiff:
    """One row of the list compared between two dates."""

    status: RowStatus
    old: Subprocessor | None
    new: Subprocessor | None
    fields: tuple[FieldChange, ...] = ()

    @property
    def name(self) -> str:
        row = self.new or self.old
        assert row is not None  # a row always has at least one side
        return row.name


@dataclass(frozen=True, slots=True)
class RegisterDiff:
    """The list on ``old`` against the list on ``new``, row by row."""

    old: date
    new: date
    rows: tuple[RowDiff, ...]

    def count(self, status: RowStatus) -> int:
        return sum(1 for row in self.rows if row.status is status)

    @property
    def changed(self) -> bool:
        return any(row.status is not RowStatus.UNCHANGED for row in self.rows)


COMPARED_FIELDS = ("name", "purpose", "location")


def diff_register(register: Register, old: date, new: date) -> RegisterDiff:
    """Added, removed and changed rows between the list on ``old`` and the list on ``new``.

    A subprocessor that left the list while the one named in its
    ``replaced_by`` joined it is one changed row (its name, purpose and
    location, old → new), not a removal and an addition; so is the same pair
    compared the other way round (``old`` after ``new``). Rows come in the
    file's order, each removed or changed row where the old row stood.
    """
    before = list_on(register, old)
    after = list_on(register, new)
    before_keys = {s.key for s in before}
    after_keys = {s.key for s in after}
    joined = [s for s in after if s.key not in before_keys]
    order = {s.key: index for index, s in enumerate(register.subprocessors)}
    rows: list[tuple[int, RowDiff]] = []
    paired: set[str] = set()
    for sub in before:
        if sub.key in after_keys:
            rows.append((order[sub.key], RowDiff(RowStatus.UNCHANGED, sub, sub)))
            continue
        partner = next((j for j in joined if j.key not in paired and _replaces(sub, j)), None)
        if partner is not None:
            paired.add(partner.key)
            row = RowDiff(RowStatus.CHANGED, sub, partner, _field_changes(sub, partner))
            rows.append((order[sub.key], row))
            continue
        rows.append((order[sub.key], RowDiff(RowStatus.REMOVED, sub, None)))
    for sub in joined:
        if sub.key not in paired:
            rows.append((order[sub.key], RowDiff(RowStatus.ADDED, None, sub)))
    rows.sort(key=lambda pair: pair[0])
    return RegisterDiff(old=old, new=new, rows=tuple(row for _, row in rows))


def _replaces(one: Subprocessor, other: Subprocessor) -> bool:
    """Whether either names the other in its ``replaced_by``."""
    return bool(
        (one.replaced_by and name_key(one.replaced_by) == other.key)
        or (other.replaced_by and name_key(other.replaced_by) == one.key)
    )


def _field_changes(old: Subprocessor, new: Subprocessor) -> tuple[FieldChange, ...]:
    changes = []
    for name in COMPARED_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(FieldChange(name, before, after))
    return tuple(changes)


def render_register_diff_text(diff: RegisterDiff) -> str:
    """The redline as plain text: one line per added, removed or changed row (``+``, ``-``, ``~``)."""
    counts = ", ".join(
        f"{diff.count(status)} {status.value}" for status in (RowStatus.ADDED, RowStatus.REMOVED, RowStatus.CHANGED)
    )
    lines = [f"Subprocessors on {diff.old.isoformat()} → {diff.new.isoformat()}: {counts}"]
    for row in diff.rows:
        if row.status is RowStatus.ADDED and row.new is not None:
            lines.append(f"+ {row.new.name}: {row.new.purpose} ({row.new.location})")
        elif row.status is RowStatus.REMOVED and row.old is not None:
            lines.append(f"- {row.old.name}: {row.old.purpose} ({row.old.location})")
        elif row.status is RowStatus.CHANGED:
            fields = "; ".join(f"{f.field} '{f.old}' → '{f.new}'" for f in row.fields)
            lines.append(f"~ {row.name}: {fields}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Loading


def load_register(path: Path, notice_days: int, shown_root: Path) -> tuple[Register | None, list[Problem]]:
    """The register at ``path``, checked; ``(None, problems)`` when anything is wrong.

    A missing file is no register and no problem (a site may have none).
    ``notice_days`` is the site's setting, the rule for changes no ``notice``
    term covers; ``shown_root`` is what paths in messages are relative to.
    """
    if not path.is_file():
        return None, []
    shown = _shown(path, shown_root)
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    register, problems = parse_register(text, shown, notice_days)
    if register is None:
        return None, problems
    problems = check_register(register)
    return (None, problems) if problems else (register, [])


def parse_register(text: str, shown: str, notice_days: int) -> tuple[Register | None, list[Problem]]:
    """The register in ``text``, strictly: unknown keys, bad dates and missing fields, each with its line.

    Returns the register only when every entry parsed; :func:`check_register`
    then applies the rules between dates and entries. Rules that can be
    checked on the entries that did parse are checked too, so one run lists
    every problem it can.
    """
    node, problems = compose_yaml(text, shown, 1, what="the register", hint=_YAML_HINT, hints=_YAML_HINTS)
    if problems:
        return None, problems
    if node is None:
        return None, [Problem(shown, 1, f"the register is empty; start it with {_expected_keys()}")]
    if not isinstance(node, yaml.MappingNode):
        line = 1 + node.start_mark.line
        message = f"the register must be 'key: value' lines, starting with {_expected_keys()}"
        return None, [Problem(shown, line, message)]
    items, problems = mapping_items(node, shown, 1, what="register key")
    found: dict[str, NodeItem] = {}
    hinted: set[str] = set()
    for item in items:
        if item.key not in REGISTER_KEYS:
            hint = closest_key(item.key, [k for k in REGISTER_KEYS if k not in {i.key for i in items}])
            if hint:
                hinted.add(hint)
            fix = f"did you mean '{hint}'?" if hint else f"the keys are {', '.join(REGISTER_KEYS)}"
            problems.append(Problem(shown, item.line, f"unknown register key '{item.key}'; {fix}"))
            continue
        found[item.key] = item
    for key in REQUIRED_REGISTER_KEYS:
        if key not in found and key not in hinted:  # the unknown key's "did you mean" already says it
            meaning = REGISTER_KEYS[key]
            problems.append(Problem(shown, 1, f"missing register key '{key}'; add '{key}:' ({meaning})"))
    title = _text(found.get("title"), "title", shown, problems)
    clause = _clause_id(found.get("baa_clause"), shown, problems)
    terms = _terms(found.get("notice"), shown, problems)
    entries, names = _entries(found.get("subprocessors"), shown, problems)
    problems.extend(_check_replaced_by(entries, names, shown))
    if problems or title is None or clause is None or entries is None:
        return None, problems
    lines = {item.key: item.line for item in items}
    return Register(shown, title, clause, tuple(entries), notice_days, tuple(terms), lines), []


def _expected_keys() -> str:
    return ", ".join(f"'{key}:'" for key in REQUIRED_REGISTER_KEYS)


def _text(item: NodeItem | None, key: str, shown: str, problems: list[Problem]) -> str | None:
    """A non-empty line of text (YAML's folded lines are joined with single spaces)."""
    if item is None:
        return None
    value = plain_value(item.node)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(shown, item.line, f"'{key}' must be a line of text"))
        return None
    text = " ".join(value.split())
    if text.upper().startswith("TODO"):
        problems.append(Problem(shown, item.line, f"'{key}' still says '{text[:40]}'; write it before announcing"))
        return None
    return text


def _clause_id(item: NodeItem | None, shown: str, problems: list[Problem]) -> str | None:
    text = _text(item, "baa_clause", shown, problems)
    if text is None or item is None:
        return None
    if text.startswith("#") and _CLAUSE_ID.fullmatch(text[1:]):
        problems.append(Problem(shown, item.line, f"'baa_clause' is '{text}'; write the id without '#': '{text[1:]}'"))
        return None
    if not _CLAUSE_ID.fullmatch(text):
        problems.append(
            Problem(
                shown,
                item.line,
                f"'baa_clause' is '{text}', not a clause id; write the id in the clause heading's "
                "{#…}, e.g. 'subcontractors'",
            )
        )
        return None
    return text


def _whole_number(item: NodeItem, shown: str, problems: list[Problem], minimum: int) -> int | None:
    value = plain_value(item.node)
    text = value.strip() if isinstance(value, str) else ""
    if not _WHOLE_NUMBER.fullmatch(text):
        shown_value = f"'{text}'" if text else "empty"
        message = f"'{item.key}' is {shown_value}; write a whole number of days, e.g. 30"
        problems.append(Problem(shown, item.line, message))
        return None
    if int(text) < minimum:
        problems.append(Problem(shown, item.line, f"'{item.key}' is '{text}'; it must be at least {minimum} day"))
        return None
    return int(text)


def _terms(item: NodeItem | None, shown: str, problems: list[Problem]) -> list[NoticeTerm]:
    """The ``notice`` list: a term per BAA revision that changed the promise, in date order."""
    if item is None:
        return []
    if not isinstance(item.node, yaml.SequenceNode):
        problems.append(
            Problem(shown, item.line, "'notice' must be a list of terms: '- from: YYYY-MM-DD' with notice_days")
        )
        return []
    terms: list[NoticeTerm] = []
    for term_node in item.node.value:
        line = 1 + term_node.start_mark.line
        if not isinstance(term_node, yaml.MappingNode):
            problems.append(Problem(shown, line, "each notice term is 'from', 'notice_days' and 'objection_days' keys"))
            continue
        items, found_problems = mapping_items(term_node, shown, 1, what="notice key")
        problems.extend(found_problems)
        values: dict[str, object] = {}
        count = len(problems)
        for key_item in items:
            if key_item.key not in TERM_KEYS:
                hint = closest_key(key_item.key, [k for k in TERM_KEYS if k not in {i.key for i in items}])
                fix = f"did you mean '{hint}'?" if hint else f"the keys are {', '.join(TERM_KEYS)}"
                problems.append(Problem(shown, key_item.line, f"unknown notice key '{key_item.key}'; {fix}"))
            elif key_item.key == "from":
                values["from"], date_problems = parse_date(plain_value(key_item.node), "from", shown, key_item.line)
                problems.extend(date_problems)
            else:
                values[key_item.key] = _whole_number(key_item, shown, problems, 1)
        for key in ("from", "notice_days"):
            if key not in {i.key for i in items}:
                example = "YYYY-MM-DD" if key == "from" else "30"
                problems.append(Problem(shown, line, f"notice term has no '{key}'; add '{key}: {example}'"))
        if len(problems) > count:
            continue
        since, days, objection = values["from"], values["notice_days"], values.get("objection_days")
        assert isinstance(since, date) and isinstance(days, int) and isinstance(objection, int | None)
        if terms and since <= terms[-1].since:
            problems.append(
                Problem(
                    shown,
                    line,
                    f"notice term from {since} is not after the one before it ({terms[-1].since}, line "
                    f"{terms[-1].line}); list the terms oldest first, one per date",
                )
            )
            continue
        terms.append(NoticeTerm(since, days, objection, line))
    return terms


def _entries(
    item: NodeItem | None, shown: str, problems: list[Problem]
) -> tuple[list[Subprocessor] | None, dict[str, int]]:
    """Every entry that parsed, and the line of every name seen (for ``replaced_by``, even of broken entries)."""
    if item is None:
        return None, {}
    if isinstance(item.node, yaml.ScalarNode) and plain_value(item.node) is None:
        return [], {}  # "subprocessors:" with nothing under it: an empty list
    if not isinstance(item.node, yaml.SequenceNode):
        problems.append(
            Problem(shown, item.line, "'subprocessors' must be a list: one '- name: …' entry per subprocessor")
        )
        return None, {}
    entries: list[Subprocessor] = []
    names: dict[str, int] = {}
    slugs: dict[str, tuple[str, int]] = {}
    for entry_node in item.node.value:
        sub = _entry(entry_node, shown, problems, names, slugs)
        if sub is not None:
            entries.append(sub)
    return entries, names


def _entry(
    node: yaml.Node,
    shown: str,
    problems: list[Problem],
    names: dict[str, int],
    slugs: dict[str, tuple[str, int]],
) -> Subprocessor | None:
    line = 1 + node.start_mark.line
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(shown, line, "each subprocessor is a set of 'key: value' lines starting '- name: …'"))
        return None
    count = len(problems)
    items, found_problems = mapping_items(node, shown, 1, what="subprocessor key")
    problems.extend(found_problems)
    given = {i.key for i in items}
    by_key: dict[str, NodeItem] = {}
    hinted: set[str] = set()
    for key_item in items:
        if key_item.key not in ENTRY_KEYS:
            hint = closest_key(key_item.key, [k for k in ENTRY_KEYS if k not in given])
            if hint:
                hinted.add(hint)
            fix = f"did you mean '{hint}'?" if hint else f"the keys are {', '.join(ENTRY_KEYS)}"
            problems.append(Problem(shown, key_item.line, f"unknown subprocessor key '{key_item.key}'; {fix}"))
            continue
        by_key[key_item.key] = key_item
    texts: dict[str, str] = {}
    for key in (*ENTRY_TEXT_KEYS, "replaced_by"):
        if key in by_key:
            value = _text(by_key[key], key, shown, problems)
            if value is not None:
                texts[key] = value
    name = texts.get("name")
    who = f"subprocessor '{name}'" if name else "this subprocessor"
    if name is not None:
        _check_name(name, by_key["name"].line, shown, problems, names, slugs)
    for key, meaning in ENTRY_TEXT_KEYS.items():
        if key not in given and key not in hinted:
            problems.append(Problem(shown, line, f"{who} has no '{key}'; add '{key}: …' ({meaning})"))
    dates: dict[str, date] = {}
    for key in ENTRY_DATE_KEYS:
        if key in by_key:
            parsed, date_problems = parse_date(plain_value(by_key[key].node), key, shown, by_key[key].line)
            problems.extend(date_problems)
            if parsed is not None:
                dates[key] = parsed
    for key in ("announced", "starts"):
        if key not in given and key not in hinted:
            problems.append(Problem(shown, line, f"{who} has no '{key}'; add '{key}: YYYY-MM-DD'"))
    problems.extend(_check_removal_keys(given, by_key, who, shown, line))
    if len(problems) > count or name is None:
        return None
    return Subprocessor(
        name=name,
        purpose=texts["purpose"],
        location=texts["location"],
        announced=dates["announced"],
        starts=dates["starts"],
        end_announced=dates.get("end_announced"),
        ends=dates.get("ends"),
        replaced_by=texts.get("replaced_by"),
        withdrawn=dates.get("withdrawn"),
        line=line,
        lines={key: item.line for key, item in by_key.items()},
    )


def _check_name(
    name: str,
    line: int,
    shown: str,
    problems: list[Problem],
    names: dict[str, int],
    slugs: dict[str, tuple[str, int]],
) -> None:
    key, slug = name_key(name), slugify(name)
    if key in names:
        problems.append(
            Problem(
                shown,
                line,
                f"duplicate subprocessor '{name}' (first on line {names[key]}); names must differ, ignoring case: "
                "keep one entry, or tell the two apart (e.g. add the region to the name)",
            )
        )
        return
    if slug in slugs:
        other, other_line = slugs[slug]
        problems.append(
            Problem(
                shown,
                line,
                f"subprocessor '{name}' differs from '{other}' (line {other_line}) only in case or punctuation; "
                "make the names distinct",
            )
        )
        return
    names[key] = line
    slugs[slug] = (name, line)


def _check_removal_keys(given: set[str], by_key: dict[str, NodeItem], who: str, shown: str, line: int) -> list[Problem]:
    """``end_announced`` and ``ends`` come together; ``replaced_by`` needs them; ``withdrawn`` excludes them."""
    problems: list[Problem] = []
    if "ends" in given and "end_announced" not in given:
        problems.append(
            Problem(
                shown,
                by_key["ends"].line,
                f"{who} has 'ends' but no 'end_announced'; add 'end_announced: YYYY-MM-DD' "
                "(the day the removal was announced)",
            )
        )
    if "end_announced" in given and "ends" not in given:
        problems.append(
            Problem(
                shown,
                by_key["end_announced"].line,
                f"{who} has 'end_announced' but no 'ends'; add 'ends: YYYY-MM-DD' (the first day it no longer "
                "processes PHI)",
            )
        )
    if "replaced_by" in given and not given & {"ends", "end_announced"}:
        problems.append(
            Problem(
                shown,
                by_key["replaced_by"].line,
                f"{who} is replaced but has no end: add 'end_announced' and 'ends' (the day the replacement was "
                "announced and the first day it no longer processes PHI)",
            )
        )
    ending = [key for key in ("end_announced", "ends", "replaced_by") if key in given]
    if "withdrawn" in given and ending:
        keys = " and ".join(f"'{key}'" for key in ending)
        problems.append(
            Problem(
                shown,
                min(by_key[key].line for key in ending),
                f"{who} is withdrawn, so it never started and cannot end: remove {keys}",
            )
        )
    return problems


def _check_replaced_by(entries: list[Subprocessor] | None, names: dict[str, int], shown: str) -> list[Problem]:
    """``replaced_by`` names another entry of the file (broken entries count: their names were read)."""
    problems: list[Problem] = []
    for sub in entries or []:
        if sub.replaced_by is None:
            continue
        line = sub.lines.get("replaced_by", sub.line)
        target = name_key(sub.replaced_by)
        if target == sub.key:
            problems.append(Problem(shown, line, f"'{sub.name}' cannot be replaced by itself; name its successor"))
        elif target not in names:
            known = [s.name for s in entries or [] if s.key != sub.key]
            hint = closest_key(sub.replaced_by, known)
            fix = f"did you mean '{hint}'?" if hint else "add the successor as an entry of its own, or fix the name"
            problems.append(
                Problem(shown, line, f"'replaced_by' names '{sub.replaced_by}', which is not in the register; {fix}")
            )
    return problems


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# ---------------------------------------------------------------------------------------------
# Rules


def check_register(register: Register) -> list[Problem]:
    """The notice window and date order of every entry (never raises).

    An addition or replacement after the register's first day is announced
    at least ``notice_days`` (of the term in force that day) before it
    starts, and starts only after its objection window has closed; dates
    are ordered: announced <= starts < ends, announced <= end_announced <=
    ends, announced <= withdrawn < starts; a successor named in ``replaced_by``
    is announced on or before the ``end_announced`` that names it.
    """
    problems: list[Problem] = []
    path = register.path
    for sub in register.subprocessors:
        at = sub.lines.get
        if sub.starts < sub.announced:
            problems.append(
                Problem(
                    path,
                    at("starts", sub.line),
                    f"starts {sub.starts} is before announced {sub.announced}; a subprocessor is announced on or "
                    "before the day it starts",
                )
            )
        elif not register.is_initial(sub):
            required, _, deciding = register.window_term(sub.announced, sub.starts)
            given = (sub.starts - sub.announced).days
            if given < required:
                fix = earliest_effective(sub.announced, required)
                why = (
                    f" (the {required}-day term from {deciding.since}, line {deciding.line}, takes effect before it "
                    "starts, and the stricter term applies)"
                    if deciding is not None
                    else ""
                )
                problems.append(
                    Problem(
                        path,
                        at("starts", sub.line),
                        f"notice window is {plural_days(given)} (announced {sub.announced}, starts {sub.starts}); "
                        f"it must be at least {required}{why}: set starts to {fix} or later",
                    )
                )
            closes = register.objection_closes(sub)
            if closes is not None and closes >= sub.starts and given >= required:
                problems.append(
                    Problem(
                        path,
                        at("starts", sub.line),
                        f"objection window runs to {closes}, but starts is {sub.starts}; a new subprocessor starts "
                        f"only after customers' time to object: set starts to {closes + timedelta(days=1)} or later",
                    )
                )
        if sub.withdrawn is not None:
            if sub.withdrawn < sub.announced:
                problems.append(
                    Problem(
                        path,
                        at("withdrawn", sub.line),
                        f"withdrawn {sub.withdrawn} is before announced {sub.announced}; an addition is withdrawn "
                        "after it was announced",
                    )
                )
            elif sub.withdrawn >= sub.starts:
                problems.append(
                    Problem(
                        path,
                        at("withdrawn", sub.line),
                        f"withdrawn {sub.withdrawn} is not before starts {sub.starts}; once a subprocessor has "
                        "started, end it instead: replace 'withdrawn' with 'end_announced' and 'ends'",
                    )
                )
        if sub.end_announced is not None and sub.ends is not None:
            problems.extend(_check_end(register, sub))
        problems.extend(_check_successor_announced(register, sub))
    return problems


def _check_successor_announced(register: Register, sub: Subprocessor) -> list[Problem]:
    """A successor named in ``replaced_by`` is announced no later than the end that names it.

    The end is published on ``end_announced`` with its successor's name; a
    successor announced later would have its name on the site (and in the
    feed) before its own announcement, weeks before customers could object.
    """
    if sub.replaced_by is None or sub.end_announced is None:
        return []
    successor = register.find(sub.replaced_by)
    if successor is None or successor.announced <= sub.end_announced:
        return []
    return [
        Problem(
            register.path,
            sub.lines.get("replaced_by", sub.line),
            f"'replaced_by' names '{successor.name}', announced {successor.announced}, after this end is announced "
            f"(end_announced {sub.end_announced}); a successor is never named before its own announcement: announce "
            f"'{successor.name}' on or before {sub.end_announced}, or set end_announced to {successor.announced} "
            "or later",
        )
    ]


def _check_end(register: Register, sub: Subprocessor) -> list[Problem]:
    assert sub.end_announced is not None and sub.ends is not None
    at = sub.lines.get
    path = register.path
    if sub.end_announced < sub.announced:
        return [
            Problem(
                path,
                at("end_announced", sub.line),
                f"end_announced {sub.end_announced} is before announced {sub.announced}; a removal is announced "
                "after the subprocessor was",
            )
        ]
    if sub.ends < sub.end_announced:
        return [
            Problem(
                path,
                at("ends", sub.line),
                f"ends {sub.ends} is before end_announced {sub.end_announced}; a removal is announced on or before "
                "the day it takes effect",
            )
        ]
    if sub.ends <= sub.starts:
        return [
            Problem(
                path,
                at("ends", sub.line),
                f"ends {sub.ends} is not after starts {sub.starts}; a subprocessor ends after the day it starts "
                "(to call off an addition before it starts, write 'withdrawn: YYYY-MM-DD' instead)",
            )
        ]
    return []


def check_baa_clause(register: Register, revisions: Sequence[Revision]) -> list[Problem]:
    """The register's ``baa_clause`` is a clause of the newest BAA revision, so the page's link back works."""
    if not revisions:
        return []
    newest = max(revisions, key=lambda r: r.id)
    ids = [clause.id for clause in newest.document.walk()]
    if register.baa_clause in ids:
        return []
    hint = closest_key(register.baa_clause, ids)
    fix = f"did you mean '{hint}'?" if hint else "write the id from the clause heading's {#…}"
    return [
        Problem(
            register.path,
            register.lines.get("baa_clause"),
            f"'baa_clause' is '{register.baa_clause}', which is not a clause of BAA revision {newest.id}; {fix}",
        )
    ]


Announced = dict[tuple[str, str], tuple[str, object]]  # (name key, field) → (name as written, value)


def announced_fields(register: Register, published_by: date) -> Announced:
    """Every field of ``register`` that was public by ``published_by`` and so may never change.

    An entry's name, purpose, location, announced and starts are fixed once
    announced; its end_announced, ends and replaced_by once the removal is
    announced; withdrawn once the withdrawal is. Adding an end or a withdrawal
    later is allowed.
    """
    fixed: Announced = {}
    for sub in register.subprocessors:
        if sub.announced > published_by:
            continue
        fields = ["name", "purpose", "location", "announced", "starts"]
        if sub.end_announced is not None and sub.end_announced <= published_by:
            fields += ["end_announced", "ends", "replaced_by"]
        if sub.withdrawn is not None and sub.withdrawn <= published_by:
            fields.append("withdrawn")
        for name in fields:
            fixed[(sub.key, name)] = (sub.name, getattr(sub, name))
    return fixed


def check_kept(announced: Announced, after: Register, where: str = "") -> list[Problem]:
    """Each announced field still has its announced value in ``after``; ``where`` ends each message."""
    problems: list[Problem] = []
    suffix = f" ({where})" if where else ""
    gone: set[str] = set()
    for (key, field_name), (name, was) in announced.items():
        new = after.find(name)
        if new is None:
            if key not in gone:
                gone.add(key)
                day = announced.get((key, "announced"), (name, None))[1]
                problems.append(
                    Problem(
                        after.path,
                        None,
                        f"subprocessor '{name}', announced {_shown_value(day)}, was removed from the register; an "
                        f"announced entry stays: end it with 'end_announced' and 'ends' (or 'withdrawn'){suffix}",
                    )
                )
            continue
        now = getattr(new, field_name)
        if was != now:
            problems.append(
                Problem(
                    after.path,
                    new.lines.get(field_name, new.line),
                    f"'{field_name}' of subprocessor '{name}' changed from '{_shown_value(was)}' to "
                    f"'{_shown_value(now)}' after it was announced; announcements are kept as published: "
                    f"announce a new change instead{suffix}",
                )
            )
    return problems


def check_announcements_kept(before: Register, after: Register, published_by: date) -> list[Problem]:
    """What was announced on or before ``published_by`` in ``before`` is still there, unchanged, in ``after``.

    The git-free comparison behind "a past announcement is never edited on main"
    (:mod:`amend.provenance` reads the versions from git).
    """
    return check_kept(announced_fields(before, published_by), after)


def _shown_value(value: object) -> str:
    if value is None:
        return "(none)"
    return value.isoformat() if isinstance(value, date) else str(value)
