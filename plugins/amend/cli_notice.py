"""``amend notice``: print a notice, send it over SMTP once, and record it in the ledger.

The edge where the clock, the environment and the ledger file are touched:
the moment of sending and the SMTP settings are read here and passed down.

- ``amend notice`` lists every notice as of today with its state (sent, due, not due).
- ``amend notice ID`` prints the message as it would be sent now (``--format text|html`` for one part).
- ``amend notice ID --send`` sends it, unless the ledger already records it; ``amend notice --send``
  sends every notice that is due (posted, not yet in effect, not in the ledger): what the publish
  workflow runs every day.

A failed send (refused connection, timeout, refused login) is reported once,
in one line, the ledger is left as it was, and the next run tries again.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from . import cli
from .ledger import (
    HEADER,
    Ledger,
    LedgerEntry,
    check_ledger_ids,
    check_notice_sent,
    load_ledger,
    notice_states,
    render_entry,
)
from .mailer import SECURITY, MailError, Server, send_message
from .notices import Envelope, Notice, absolute, digest, message_id, render_message, render_notice_html
from .notices import render_notice_text as _text
from .problems import Problem, render_problems
from .publication import load_site_register, prepare_publication
from .register import register_changes
from .revisions import load_revisions
from .settings import Settings

# The environment variables of the mail path (docs/pull-requests.md "Notices by email").
SMTP_HOST = "AMEND_SMTP_HOST"
SMTP_PORT = "AMEND_SMTP_PORT"
SMTP_SECURITY = "AMEND_SMTP_SECURITY"
SMTP_USER = "AMEND_SMTP_USER"
SMTP_PASSWORD = "AMEND_SMTP_PASSWORD"
SMTP_TIMEOUT = "AMEND_SMTP_TIMEOUT"
SMTP_CA_FILE = "AMEND_SMTP_CA_FILE"
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


def smtp_server(environ: Mapping[str, str]) -> Server:
    """The SMTP server from the environment; a missing or bad value is a UsageError saying which variable."""
    host = environ.get(SMTP_HOST, "").strip()
    if not host:
        raise cli.UsageError(f"set {SMTP_HOST} (and {SMTP_USER}, {SMTP_PASSWORD}) to send notices")
    security = environ.get(SMTP_SECURITY, "starttls").strip().lower() or "starttls"
    if security not in SECURITY:
        raise cli.UsageError(f"{SMTP_SECURITY} is '{security}'; use one of {', '.join(SECURITY)}")
    port_text = environ.get(SMTP_PORT, "").strip() or str(DEFAULT_PORTS[security])
    timeout_text = environ.get(SMTP_TIMEOUT, "").strip() or "30"
    try:
        port = int(port_text)
        timeout = float(timeout_text)
    except ValueError:
        raise cli.UsageError(
            f"{SMTP_PORT} and {SMTP_TIMEOUT} must be numbers (got '{port_text}', '{timeout_text}')"
        ) from None
    if not 0 < port < 65536 or not 0 < timeout <= 600:
        raise cli.UsageError(f"{SMTP_PORT} must be 1-65535 and {SMTP_TIMEOUT} 1-600 seconds")
    user = environ.get(SMTP_USER, "")
    ca_file = environ.get(SMTP_CA_FILE, "").strip()
    return Server(host, port, security, user, environ.get(SMTP_PASSWORD, ""), timeout, ca_file)


def envelope(settings: Settings) -> Envelope:
    """Sender, list address and site URL from mkdocs.yml; each one missing is named with where to set it."""
    missing = [
        name
        for name, value in (
            ("notice_to", settings.notice_to),
            ("notice_from", settings.notice_from),
            ("site_url", settings.site_url),
        )
        if not value
    ]
    if missing:
        raise cli.UsageError(
            f"set {', '.join(missing)} in mkdocs.yml to send notices (site_url at the top level, the others "
            "under the amend plugin): an email needs the list's address, a sender and absolute links"
        )
    mail = Envelope(settings.notice_from, settings.notice_to, settings.site_url, settings.list_unsubscribe)
    if "@" not in mail.sender_address or "@" not in mail.recipient:
        raise cli.UsageError(
            f"notice_from ('{settings.notice_from}') and notice_to ('{settings.notice_to}') in mkdocs.yml must be "
            "email addresses"
        )
    return mail


def _load(settings: Settings, as_of: date) -> tuple[tuple[Notice, ...], Ledger]:
    publication, problems = prepare_publication(settings, as_of)
    if publication is None:
        raise cli.UsageError("the sources have problems; fix them first:\n" + render_problems(problems))
    assert publication.ledger is not None
    return publication.notices, publication.ledger


def cmd_notice(args: argparse.Namespace, settings: Settings) -> int:
    today = cli.resolve_as_of(args.as_of, zone=settings.zone)
    notices, ledger = _load(settings, today)
    if args.id is None:
        if args.send:
            return _send_due(notices, ledger, settings, today)
        return _list(notices, ledger, today)
    notice = next((n for n in notices if n.id == args.id), None)
    if notice is None:
        notice = _preview(settings, args.id, today)
    if args.send:
        if notice.posted > today:
            raise cli.UsageError(
                f"{notice.id} is posted on {notice.posted}; its notice can be sent on or after that day"
            )
        return _send(notice, ledger, settings)
    return _print(notice, settings, args.format)


def _preview(settings: Settings, notice_id: str, today: date) -> Notice:
    """A notice not published yet (a draft revision or announcement): rendered as of the day it is posted."""
    for day in _posting_days(settings, notice_id):
        notices, _ = _load(settings, max(day, today))
        found = next((n for n in notices if n.id == notice_id), None)
        if found is not None:
            return found
    raise cli.UsageError(
        f"no notice '{notice_id}': a notice's id is a revision's (e.g. 2026-12-17) or a subprocessor change's "
        "(e.g. northbeam-document-capture-inc-added); `amend notice` lists them"
    )


def _posting_days(settings: Settings, notice_id: str) -> list[date]:
    loaded = load_revisions(settings.revisions_path, settings.notice_days, shown_root=settings.root)
    days = [r.posted for r in loaded.revisions if r.id == notice_id]
    register, _ = load_site_register(settings, loaded.revisions)
    if register is not None:
        days += [c.announced for c in register_changes(register) if c.id == notice_id]
    return days


def _print(notice: Notice, settings: Settings, form: str) -> int:
    site = settings.site_url or "/"
    if form == "text":
        sys.stdout.write(_text(notice, absolute(site)))
    elif form == "html":
        sys.stdout.write(render_notice_html(notice, absolute(site)) + "\n")
    else:
        data = render_message(notice, _preview_envelope(settings), _now())
        sys.stdout.write(data.decode("utf-8").replace("\r\n", "\n"))
    return 0


def _preview_envelope(settings: Settings) -> Envelope:
    return Envelope(
        settings.notice_from or "notices@example.invalid",
        settings.notice_to or "customers@example.invalid",
        settings.site_url or "/",
        settings.list_unsubscribe,
    )


def _list(notices: tuple[Notice, ...], ledger: Ledger, today: date) -> int:
    print(f"as of {today}")
    print(f"{'notice':<44} {'given':<11} {'effective':<11} state")
    for notice in notices:
        sent = ledger.sent(notice.id)
        if sent is not None:
            state = f"sent {sent.sent:%Y-%m-%d %H:%M} UTC"
        elif notice.due(today):
            state = "due: `amend notice --send` sends it"
        else:
            state = "not sent (in effect)"
        print(f"{notice.id:<44} {notice.posted.isoformat():<11} {notice.effective.isoformat():<11} {state}")
    return 0


def _send_due(notices: tuple[Notice, ...], ledger: Ledger, settings: Settings, today: date) -> int:
    due = [n for n in notices if n.due(today) and ledger.sent(n.id) is None]
    if not due:
        print(f"no notice is due as of {today}: nothing sent", file=sys.stderr)
        return 0
    failed = 0
    for notice in due:
        failed += _send(notice, ledger, settings)
    return 1 if failed else 0


def _send(notice: Notice, ledger: Ledger, settings: Settings) -> int:
    recorded = ledger.sent(notice.id)
    if recorded is not None:
        print(
            f"the notice {notice.id} was sent on {recorded.sent:%Y-%m-%d %H:%M} UTC "
            f"({recorded.message_id}); it is never sent twice",
            file=sys.stderr,
        )
        return 0
    server = smtp_server(os.environ)
    mail = envelope(settings)
    moment = _now()
    data = render_message(notice, mail, moment)
    try:
        reply = send_message(server, mail.sender_address, [mail.recipient], data)
    except MailError as error:
        print(
            f"amend notice: {notice.id} not sent: {error}; the ledger is unchanged, the next run retries",
            file=sys.stderr,
        )
        return 1
    entry = LedgerEntry(
        kind=notice.kind,
        notice=notice.id,
        sent=moment,
        message_id=message_id(notice, mail.sender),
        smtp_reply=reply,
        sha256=digest(data),
    )
    write_ledger_entry(settings.ledger_path, entry)
    print(f"sent the notice {notice.id} to {mail.recipient}: {reply}", file=sys.stderr)
    return 0


def notice_check(settings: Settings, as_of: date, sources_valid: bool) -> tuple[list[Problem], list[str]]:
    """``cli.NOTICE_CHECK``: the ledger's problems, and per upcoming revision whether its notice went out."""
    ledger, problems = load_ledger(settings.ledger_path, settings.notice_ledger)
    if ledger is None or not sources_valid:
        return problems, []
    publication, _ = prepare_publication(settings, as_of)
    if publication is None:
        return problems, []
    states = notice_states(publication.notices, publication.timeline, ledger, settings.zone)
    problems = check_notice_sent(states, settings.notice_days, ledger)
    problems += check_ledger_ids(ledger, _known_ids(settings))
    return problems, [state.line(settings.notice_days, as_of) for state in states]


def _known_ids(settings: Settings) -> set[str]:
    loaded = load_revisions(settings.revisions_path, settings.notice_days, shown_root=settings.root)
    known = {r.id for r in loaded.revisions}
    register, _ = load_site_register(settings, loaded.revisions)
    if register is not None:
        known |= {c.id for c in register_changes(register)}
    return known


def write_ledger_entry(path: Path, entry: LedgerEntry) -> None:
    """Append one entry; the file is created with its header the first time."""
    existing = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if existing and not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + render_entry(entry), encoding="utf-8", newline="\n")


def _now() -> datetime:
    """The moment of sending, to the second, in UTC."""
    return datetime.now(UTC).replace(microsecond=0)


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]  # argparse's own private type
    notice = commands.add_parser(
        "notice", help="print a notice email, or send it once over SMTP and record it in the ledger"
    )
    notice.add_argument("id", nargs="?", help="a revision id or a subprocessor change id; none: every notice")
    notice.add_argument("--send", action="store_true", help="send it (without an id: every notice that is due)")
    notice.add_argument("--as-of", help="as of this date (YYYY-MM-DD; default AMEND_AS_OF or today)")
    notice.add_argument("--format", choices=["message", "text", "html"], default="message")
    notice.set_defaults(handler=cmd_notice)


cli.EXTRA_COMMANDS.append(register)
cli.NOTICE_CHECK = notice_check
