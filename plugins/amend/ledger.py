"""The notice ledger: proof that each notice went out, one YAML entry per notice, kept in the repository.

Owns the ledger's format, its strict reading (every problem with its line, no
traceback, YAML aliases refused), the text of a new entry (appended, never
rewriting what is there), and the rule ``amend check`` applies to it: an
upcoming revision's notice must have gone out at least ``notice_days`` before
it takes effect. The file (``notice-ledger.yml`` at the repository root)::

    - revision: "2026-12-17"            # or  announcement: "northbeam-document-capture-inc-added"
      sent: "2026-11-16T05:00:12Z"      # UTC, when the SMTP server accepted the message
      message_id: "<amend-notice.2026-12-17@harborlight.example>"
      smtp_reply: "250 2.0.0 Ok: queued as 4F2A1"
      sha256: "…"                       # of the exact bytes sent

Never reads the clock or the environment; appending to the file is the
command line's job (:mod:`amend.cli_notice`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import yaml

from .frontmatter import closest_key, compose_yaml, mapping_items
from .notices import ANNOUNCEMENT, REVISION, Notice
from .problems import Problem
from .revisions import read_text
from .timeline import Timeline
from .zone import UTC_ZONE, Zone

LEDGER_FILE = "notice-ledger.yml"
MAX_BYTES = 2_000_000  # ten thousand notices fit in a fraction of this
HEADER = (
    "# The notice ledger: one entry per notice emailed to customers, appended by `amend notice --send`.\n"
    "# Never edit or remove an entry: it is the record that notice was given (docs/legal-team.md).\n"
)
KEYS = ("sent", "message_id", "smtp_reply", "sha256")
ID_KEYS = (REVISION, ANNOUNCEMENT)
_HEX = re.compile(r"[0-9a-f]{64}")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    kind: str  # REVISION or ANNOUNCEMENT
    notice: str  # the notice id
    sent: datetime  # aware, UTC
    message_id: str
    smtp_reply: str
    sha256: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Ledger:
    path: str  # as shown in messages
    entries: tuple[LedgerEntry, ...] = ()

    def sent(self, notice_id: str) -> LedgerEntry | None:
        return next((e for e in self.entries if e.notice == notice_id), None)


def load_ledger(path: Path, shown: str) -> tuple[Ledger | None, list[Problem]]:
    """The ledger at ``path``; a missing file is an empty ledger (nothing sent yet)."""
    if not path.exists():
        return Ledger(shown), []
    if not path.is_file():
        return None, [Problem(shown, None, "the notice ledger is not a regular file; replace it with a YAML file")]
    if path.stat().st_size > MAX_BYTES:
        return None, [Problem(shown, None, f"the notice ledger is larger than {MAX_BYTES:,} bytes; it is not a ledger")]
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    return parse_ledger(text, shown)


def parse_ledger(text: str, shown: str) -> tuple[Ledger | None, list[Problem]]:
    """Every entry of the ledger, strictly: ``(None, problems)`` when anything is wrong."""
    alias = _first_alias(text)
    if alias is not None:
        return None, [
            Problem(shown, alias, "the notice ledger uses a YAML anchor or alias ('&' or '*'); write every entry out")
        ]
    node, problems = compose_yaml(text, shown, 1, what="the notice ledger", hint="each entry starts with '- '")
    if problems:
        return None, problems
    if node is None:
        return Ledger(shown), []
    if not isinstance(node, yaml.SequenceNode):
        return None, [
            Problem(shown, 1 + node.start_mark.line, "the notice ledger must be a list of entries, each starting '- '")
        ]
    entries: list[LedgerEntry] = []
    seen: dict[str, int] = {}
    for item in node.value:
        entry = _entry(item, shown, problems)
        if entry is None:
            continue
        if entry.notice in seen:
            problems.append(
                Problem(
                    shown,
                    entry.line,
                    f"the notice '{entry.notice}' is recorded twice (first on line {seen[entry.notice]}); "
                    "a notice is sent once: remove the second entry",
                )
            )
            continue
        seen[entry.notice] = entry.line
        entries.append(entry)
    return (None, problems) if problems else (Ledger(shown, tuple(entries)), [])


def _first_alias(text: str) -> int | None:
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return 1 + (event.start_mark.line if event.start_mark else 0)
    except yaml.YAMLError:
        return None  # compose_yaml reports it with its line
    return None


def _entry(node: yaml.Node, shown: str, problems: list[Problem]) -> LedgerEntry | None:
    line = 1 + node.start_mark.line
    if not isinstance(node, yaml.MappingNode):
        problems.append(
            Problem(
                shown, line, f"a ledger entry must be 'key: value' lines (revision or announcement, {', '.join(KEYS)})"
            )
        )
        return None
    items, found = mapping_items(node, shown, 1, what="ledger key")
    problems.extend(found)
    values: dict[str, tuple[str, int]] = {}
    for item in items:
        if item.key not in (*ID_KEYS, *KEYS):
            hint = closest_key(item.key, [*ID_KEYS, *KEYS])
            fix = f"did you mean '{hint}'?" if hint else f"the keys are {', '.join((*ID_KEYS, *KEYS))}"
            problems.append(Problem(shown, item.line, f"unknown ledger key '{item.key}'; {fix}"))
            continue
        if not isinstance(item.node, yaml.ScalarNode) or not str(item.node.value).strip():
            problems.append(Problem(shown, item.line, f"'{item.key}' must be one value on its line"))
            continue
        values[item.key] = (str(item.node.value).strip(), item.line)
    kinds = [k for k in ID_KEYS if k in values]
    if len(kinds) != 1:
        problems.append(
            Problem(shown, line, "a ledger entry names one notice: either 'revision: <id>' or 'announcement: <id>'")
        )
        return None
    missing = [k for k in KEYS if k not in values]
    if missing:
        problems.append(Problem(shown, line, f"the ledger entry lacks {', '.join(repr(k) for k in missing)}"))
        return None
    stamp, stamp_line = values["sent"]
    sent: datetime | None = None
    if _STAMP.fullmatch(stamp):
        try:
            sent = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            sent = None
    if sent is None:
        problems.append(Problem(shown, stamp_line, f"'sent' is '{stamp}'; write the UTC time as YYYY-MM-DDTHH:MM:SSZ"))
        return None
    checksum, checksum_line = values["sha256"]
    if not _HEX.fullmatch(checksum):
        problems.append(Problem(shown, checksum_line, "'sha256' must be 64 lowercase hexadecimal digits"))
        return None
    kind = kinds[0]
    return LedgerEntry(
        kind=kind,
        notice=values[kind][0],
        sent=sent,
        message_id=values["message_id"][0],
        smtp_reply=values["smtp_reply"][0],
        sha256=checksum,
        line=line,
    )


def render_entry(entry: LedgerEntry) -> str:
    """The entry's text as appended to the file (strings JSON-quoted: valid YAML, one line each)."""
    return (
        f"- {entry.kind}: {json.dumps(entry.notice)}\n"
        f"  sent: {json.dumps(format_stamp(entry.sent))}\n"
        f"  message_id: {json.dumps(entry.message_id, ensure_ascii=False)}\n"
        f"  smtp_reply: {json.dumps(entry.smtp_reply, ensure_ascii=False)}\n"
        f"  sha256: {json.dumps(entry.sha256)}\n"
    )


def format_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- what `amend check` and the PR report say about notice -------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeState:
    """Whether an upcoming revision's (or pending announcement's) notice went out, and how early."""

    notice: Notice
    sent: LedgerEntry | None
    zone: Zone = UTC_ZONE  # the agreement's time zone: the day a notice was sent is a day there

    @property
    def sent_day(self) -> date | None:
        """The day it was sent, in the agreement's time zone."""
        return None if self.sent is None else self.zone.day_at(self.sent.sent)

    @property
    def days_before(self) -> int | None:
        """Whole days from the day it was sent (in the agreement's zone) to the day it takes effect."""
        sent = self.sent_day
        return None if sent is None else (self.notice.effective - sent).days

    def line(self, notice_days: int, as_of: date) -> str:
        """One line for ``amend check`` and the PR report: sent when and how early, or by when to send it."""
        what = f"revision {self.notice.id}" if self.notice.kind == REVISION else f"announcement {self.notice.id}"
        if self.sent is None:
            deadline = _plus(self.notice.effective, -notice_days)
            when = ""
            if self.notice.kind == REVISION:
                when = (
                    f"; send it by {deadline} to give {notice_days} days"
                    if as_of <= deadline
                    else f"; it can no longer give {notice_days} days"
                )
            return f"notice of {what} not sent yet (takes effect {self.notice.effective}{when})"
        return (
            f"notice of {what} sent {format_stamp(self.sent.sent)}, {self.days_before} days before it takes effect "
            f"on {self.notice.effective}"
        )


def notice_states(
    notices: Sequence[Notice], timeline: Timeline, ledger: Ledger, zone: Zone = UTC_ZONE
) -> list[NoticeState]:
    """The notice of every upcoming revision and every announcement not yet in effect, as of the timeline's date."""
    upcoming = {e.id for e in timeline.upcoming}
    as_of = timeline.as_of
    return [
        NoticeState(n, ledger.sent(n.id), zone)
        for n in notices
        if (n.kind == REVISION and n.id in upcoming) or (n.kind == ANNOUNCEMENT and n.due(as_of))
    ]


def check_notice_sent(states: Sequence[NoticeState], notice_days: int, ledger: Ledger) -> list[Problem]:
    """An upcoming revision whose notice went out fewer than ``notice_days`` before it takes effect."""
    problems: list[Problem] = []
    for state in states:
        days, sent = state.days_before, state.sent_day
        if state.notice.kind != REVISION or state.sent is None or days is None or sent is None or days >= notice_days:
            continue
        problems.append(
            Problem(
                ledger.path,
                state.sent.line,
                f"the notice of revision {state.notice.id} went out on {sent}, {days} days before "
                f"it takes effect on {state.notice.effective}; customers must have at least {notice_days}: "
                f"post a new revision that takes effect on or after {_plus(sent, notice_days)} "
                "in its place and send its notice",
            )
        )
    return problems


def _plus(day: date, days: int) -> date:
    return date.fromordinal(day.toordinal() + days)


def check_ledger_ids(ledger: Ledger, known: set[str]) -> list[Problem]:
    """Every entry names a notice that exists (a typo would hide that a real notice was never sent)."""
    return [
        Problem(
            ledger.path,
            e.line,
            f"the ledger records a notice of '{e.notice}', which is no {e.kind} of this site; "
            "check the id against `amend notice`",
        )
        for e in ledger.entries
        if e.notice not in known
    ]
