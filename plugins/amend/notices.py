"""The notice that reaches customers: one email per posted revision and per register announcement.

Owns what a notice says and how it is written: the :class:`Notice` built from
the same data as the site (the timeline, the redline's "look here first" flags
with the sentence each sits in, the register's changes with their objection
windows), its plain-text and HTML renderings, and the exact bytes of the
multipart message that is sent. The site's public copy of a notice
(``security/baa/notices/<id>/``) renders the same HTML fragment as the email.

Identifiers: a revision's notice has the revision's id (``2026-12-17``); a
register announcement's notice has the change's id
(``northbeam-document-capture-inc-added``). The two cannot collide: a change id
always ends in ``-added``, ``-removed`` or ``-withdrawn``.

Like every core module it never reads the clock or the environment: the
moment a message is sent, the addresses and the site's URL are arguments.
It never talks SMTP either (that is :mod:`amend.mailer`).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from html import escape
from urllib.parse import quote

from .dates import format_date
from .diff import diff_documents
from .diffviews import FLAG_NAMES, clause_anchor, walk_with_path
from .model import Revision
from .pages import plural
from .register import ChangeEntry, ChangeKind, Register, register_timeline
from .siteplan import SitePlan
from .timeline import Timeline

REVISION = "revision"
ANNOUNCEMENT = "announcement"
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(“\"])")


@dataclass(frozen=True, slots=True)
class LookHere:
    """One "look here first" flag: the clause, what kind of change, the wording before and after, its sentence."""

    clause: str
    anchor: str  # the clause's element id on the compare page
    kind: str
    old: str | None
    new: str | None
    sentence: str | None


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str  # site-relative, e.g. security/baa/2026-12-17/


@dataclass(frozen=True, slots=True)
class Objection:
    """How and until when a customer may object to a register change."""

    closes: date  # the last day an objection counts
    days: int  # days from the announcement to the last day
    address: str  # the mailbox objections go to (empty: none configured)
    subject: str  # the prefilled subject of the objection

    @property
    def mailto(self) -> str:
        return f"mailto:{self.address}?subject={quote(self.subject)}" if self.address else ""


@dataclass(frozen=True, slots=True)
class Notice:
    """Everything a notice says, as data; rendered as text, HTML and a MIME message."""

    id: str
    kind: str  # REVISION or ANNOUNCEMENT
    subject: str
    heading: str
    posted: date  # the day notice is given: a revision's posted date, an announcement's date
    effective: date
    summary: str
    details: tuple[tuple[str, str], ...] = ()  # label → value, e.g. ("Location", "United States")
    compared: tuple[Revision, Revision] | None = None  # the revision before and this one: the flags' redline
    look_here_url: str = ""  # the compare page the flags point into
    objection: Objection | None = None
    links: tuple[Link, ...] = ()
    withdrawn: date | None = None  # the day the revision or addition was withdrawn: never sent from then on

    @property
    def notice_days(self) -> int:
        return (self.effective - self.posted).days

    @property
    def look_here(self) -> tuple[LookHere, ...]:
        """The redline's flags, diffed only when a notice is rendered (``amend check`` never needs them)."""
        return look_here(*self.compared) if self.compared is not None else ()

    def due(self, as_of: date) -> bool:
        """Whether the notice is to be sent on ``as_of``: posted, not yet in effect, and not withdrawn."""
        return self.posted <= as_of < self.effective and (self.withdrawn is None or as_of < self.withdrawn)


# --- building notices from the site's data ------------------------------------------------------


def revision_notice(
    revision: Revision, previous: Revision | None, plan: SitePlan, organization: str, title: str
) -> Notice:
    """The notice of ``revision``: its summary, its flags against ``previous``, its dates and links."""
    urls = plan.urls
    who = organization or title
    links = [Link(f"Revision {revision.id}", urls.revision(revision.id))]
    compare = ""
    if previous is not None:
        compare = urls.compare(previous.id, revision.id)
        links.append(Link(f"What changes from revision {previous.id} (redline)", compare))
        if plan.has_redline_pdf(previous.id, revision.id):
            links.append(Link("The redline as a PDF", urls.compare_pdf(previous.id, revision.id)))
    links.append(Link(f"Revision {revision.id} as a PDF", urls.pdf(revision.id)))
    links.append(Link("Every revision", urls.history()))
    return Notice(
        id=revision.id,
        kind=REVISION,
        subject=f"{who}: amended {title} takes effect on {format_date(revision.effective)}",
        heading=f"An amended {title} takes effect on {format_date(revision.effective)}",
        posted=revision.posted,
        effective=revision.effective,
        summary=revision.summary,
        compared=(previous, revision) if previous is not None else None,
        look_here_url=compare,
        links=tuple(links),
    )


@functools.lru_cache(maxsize=16)
def look_here(previous: Revision, revision: Revision) -> tuple[LookHere, ...]:
    """Every flag of the redline from ``previous`` to ``revision``, with its clause and sentence."""
    diff = diff_documents(previous.document, revision.document)
    return tuple(
        LookHere(
            clause=path,
            anchor=clause_anchor(entry),
            kind=FLAG_NAMES.get(flag.kind, flag.kind.value),
            old=flag.old,
            new=flag.new,
            sentence=_flag_sentence(flag, entry.old.text if entry.old else "", entry.new.text if entry.new else ""),
        )
        for entry, path in walk_with_path(diff.clauses)
        for flag in entry.flags
    )


def _flag_sentence(flag: object, old_text: str, new_text: str) -> str | None:
    """The sentence a flag sits in (the new wording's, else the old's); None when the flag quotes it whole."""
    given = getattr(flag, "sentence", None)  # a flag that carries its sentence says it best
    if isinstance(given, str) and given:
        return given
    for wording, text in ((getattr(flag, "new", None), new_text), (getattr(flag, "old", None), old_text)):
        if not wording or not text:
            continue
        for sentence in _SENTENCE.split(text):
            if wording in sentence:
                return None if sentence.strip() == wording.strip() else sentence.strip()
    return None


def announcement_notice(
    entry: ChangeEntry, register: Register, register_url: str, organization: str, objection_address: str
) -> Notice:
    """The notice of one register change: who, what and where, when, and how to object."""
    change = entry.change
    sub = change.subprocessor
    who = organization or register.title
    details: list[tuple[str, str]] = [("Subprocessor", sub.name)]
    objection: Objection | None = None
    if change.starts:
        verb = "Replacing " + " and ".join(s.name for s in change.replaces) + " with" if change.replaces else "Adding"
        heading = f"{verb} {sub.name}: it may start processing PHI on {format_date(change.effective)}"
        subject = f"{who}: new subprocessor {sub.name} from {format_date(change.effective)}"
        summary = (
            f"{sub.name} is to be added to the list of subcontractors that may have access to Protected Health "
            f"Information. It may start on {format_date(change.effective)}."
        )
        details += [("What it does with PHI", sub.purpose), ("Location", sub.location)]
        if change.replaces:
            details.append(("Replaces", " and ".join(s.name for s in change.replaces)))
        if change.objection_closes is not None:
            closes = change.objection_closes
            objection = Objection(
                closes=closes,
                days=(closes - change.announced).days,
                address=objection_address,
                subject=f"Objection to subprocessor {sub.name} ({change.id})",
            )
    elif change.kind is ChangeKind.REMOVAL:
        heading = f"Removing {sub.name}: it stops processing PHI on {format_date(change.effective)}"
        subject = f"{who}: subprocessor {sub.name} ends on {format_date(change.effective)}"
        summary = f"{sub.name} stops processing Protected Health Information on {format_date(change.effective)}."
        if change.replaced_by is not None:
            summary += f" {change.replaced_by.name} takes over its work."
    else:
        heading = f"Withdrawn: {sub.name} will not be added"
        subject = f"{who}: the addition of {sub.name} is withdrawn"
        summary = (
            f"The addition of {sub.name}, announced on {format_date(sub.announced)}, is called off: "
            "it never starts processing Protected Health Information."
        )
    anchor = f"change-{change.id}"  # its row in the page's history: there while pending and ever after
    return Notice(
        id=change.id,
        kind=ANNOUNCEMENT,
        subject=subject,
        heading=heading,
        posted=change.announced,
        effective=change.effective,
        summary=summary,
        details=tuple(details),
        objection=objection,
        links=(
            Link("This change on the subprocessor list", f"{register_url}#{anchor}"),
            Link("The whole subprocessor list", register_url),
        ),
    )


def build_notices(
    timeline: Timeline,
    plan: SitePlan,
    register: Register | None,
    *,
    organization: str,
    title: str,
    objection_address: str,
) -> tuple[Notice, ...]:
    """Every published notice as of the timeline's date: revisions after the first, then register changes.

    The first revision and the register's initial list gave no notice (there
    was nothing to amend), so they have none.
    """
    notices = [
        replace(
            revision_notice(e.revision, e.previous, plan, organization, title),
            withdrawn=e.withdrawal.day if e.withdrawal is not None else None,
        )
        for e in timeline.published
        if e.previous is not None
    ]
    if register is not None and plan.register_url is not None:
        changes = register_timeline(register, timeline.as_of)
        notices += [
            replace(
                announcement_notice(entry, register, plan.register_url, organization, objection_address),
                withdrawn=entry.change.subprocessor.withdrawn if entry.change.starts else None,
            )
            for entry in changes.published
            if not entry.change.initial
        ]
    return tuple(notices)


# --- rendering ----------------------------------------------------------------------------------


def _when(notice: Notice) -> str:
    verb = "announced" if notice.kind == ANNOUNCEMENT else "posted"
    return (
        f"{verb.capitalize()} on {format_date(notice.posted)}; takes effect on {format_date(notice.effective)} "
        f"({plural(notice.notice_days, 'day')} of notice)."
    )


def render_notice_text(notice: Notice, href: Callable[[str], str]) -> str:
    """The plain-text part; ``href`` turns a site-relative URL into the link to print."""
    out = [notice.heading, "-" * min(len(notice.heading), 72), "", notice.summary, "", _when(notice)]
    if notice.details:
        out.append("")
        out += [f"{label}: {value}" for label, value in notice.details]
    if notice.kind == REVISION:
        out += ["", "Look here first"]
        if not notice.look_here:
            out.append("  Nothing flagged: no number, time period, modal verb or obligation changed.")
        for flag in notice.look_here:
            out.append(f"- {flag.clause}: {flag.kind}: {flag.old or '—'} → {flag.new or '—'}")
            if flag.sentence:
                out.append(f"  “{flag.sentence}”")
    if notice.objection is not None:
        objection = notice.objection
        out += [
            "",
            "How to object",
            f"You may object until the end of {format_date(objection.closes)} "
            f"({plural(objection.days, 'day')} after the announcement).",
        ]
        if objection.address:
            out.append(f"Write to {objection.address} with the subject “{objection.subject}”.")
    out += ["", "Links"]
    out += [f"- {link.label}: {href(link.url)}" for link in notice.links]
    return "\n".join(out) + "\n"


def render_notice_html(
    notice: Notice, href: Callable[[str], str], heading_level: int = 2, with_heading: bool = True
) -> str:
    """The notice as an HTML fragment: the email's body and the public copy's page body.

    Every piece of text is escaped. ``href`` turns a site-relative URL into the
    link (absolute in an email, relative on the site). The public copy leaves
    the heading out: it is the page's title.
    """
    h = f"h{heading_level}"
    heading = f'<{h} id="notice-{escape(notice.id)}-title">{escape(notice.heading)}</{h}>' if with_heading else ""
    parts = [
        f'<section class="amend-notice" aria-label="{escape(notice.heading)}">'
        if not with_heading
        else f'<section class="amend-notice" aria-labelledby="notice-{escape(notice.id)}-title">',
        heading,
        f'<p class="amend-notice__summary">{escape(notice.summary)}</p>',
        f'<p class="amend-dates">{escape(_when(notice))}</p>',
    ]
    if notice.details:
        rows = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in notice.details)
        parts.append(f'<dl class="amend-notice__details">{rows}</dl>')
    if notice.kind == REVISION:
        sub = f"h{heading_level + 1}"
        parts.append(f"<{sub}>Look here first</{sub}>")
        if not notice.look_here:
            parts.append("<p>Nothing flagged: no number, time period, modal verb or obligation changed.</p>")
        else:
            items = []
            for flag in notice.look_here:
                old = f"<del>{escape(flag.old)}</del>" if flag.old else "—"
                new = f"<ins>{escape(flag.new)}</ins>" if flag.new else "—"
                target = escape(href(notice.look_here_url) + "#" + flag.anchor) if notice.look_here_url else ""
                clause = f'<a href="{target}">{escape(flag.clause)}</a>' if target else escape(flag.clause)
                sentence = f"<br><q>{escape(flag.sentence)}</q>" if flag.sentence else ""
                items.append(f"<li>{clause}: <strong>{escape(flag.kind)}</strong>: {old} → {new}{sentence}</li>")
            parts.append('<ul class="amend-notice__flags">' + "".join(items) + "</ul>")
    if notice.objection is not None:
        objection = notice.objection
        sub = f"h{heading_level + 1}"
        parts.append(f"<{sub}>How to object</{sub}>")
        how = (
            f' <a href="{escape(objection.mailto)}">Write to {escape(objection.address)}</a> '
            f"with the subject “{escape(objection.subject)}”."
            if objection.address
            else ""
        )
        parts.append(
            f"<p>You may object until the end of <strong>{escape(format_date(objection.closes))}</strong> "
            f"({plural(objection.days, 'day')} after the announcement).{how}</p>"
        )
    links = "".join(f'<li><a href="{escape(href(link.url))}">{escape(link.label)}</a></li>' for link in notice.links)
    parts.append(f"<h{heading_level + 1}>Links</h{heading_level + 1}>")
    parts.append(f'<ul class="amend-notice__links">{links}</ul>')
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def absolute(site_url: str) -> Callable[[str], str]:
    """Links for an email: the site's URL joined with a site-relative one."""
    base = site_url.rstrip("/") + "/"
    return lambda url: base + url.lstrip("/")


def _email_html(notice: Notice, site_url: str) -> str:
    body = render_notice_html(notice, absolute(site_url), heading_level=1)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(notice.subject)}</title>\n</head>\n"
        '<body style="font-family: Georgia, serif; line-height: 1.5; max-width: 40em; color: #1a1a1a;">\n'
        f"{body}\n</body>\n</html>\n"
    )


# --- the message --------------------------------------------------------------------------------


def message_id(notice: Notice, sender: str) -> str:
    """Stable per notice and sender: a retry after a failed send carries the same ``Message-ID``."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<amend-notice.{notice.id}@{domain}>"


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who a notice is from and to, and the site its links point into (from the plugin's settings)."""

    sender: str
    recipient: str  # the mailing list's address: the repository holds no customer address
    site_url: str
    list_unsubscribe: str = ""  # a mailto: or https: URL, sent as List-Unsubscribe when given

    @property
    def sender_address(self) -> str:
        """The bare address of ``sender`` (which may read ``Name <address>``), for the SMTP envelope."""
        return parseaddr(self.sender)[1]


def render_message(notice: Notice, envelope: Envelope, sent_at: datetime) -> bytes:
    """The exact bytes sent: a multipart/alternative message (plain text, then HTML), CRLF line ends.

    The same notice, envelope and moment give the same bytes: the MIME
    boundary is derived from the content instead of drawn at random.
    """
    message = EmailMessage(policy=SMTP)
    message["From"] = envelope.sender
    message["To"] = envelope.recipient
    message["Subject"] = " ".join(notice.subject.split())  # one line, whatever a name in the register holds
    message["Date"] = format_datetime(sent_at.astimezone(UTC))
    message["Message-ID"] = message_id(notice, envelope.sender)
    message["Auto-Submitted"] = "auto-generated"
    if envelope.list_unsubscribe:
        message["List-Unsubscribe"] = f"<{envelope.list_unsubscribe}>"
    text = render_notice_text(notice, absolute(envelope.site_url))
    html = _email_html(notice, envelope.site_url)
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    seed = hashlib.sha256((text + html + str(message["Date"])).encode("utf-8")).hexdigest()[:32]
    message.set_boundary(f"amend-{seed}")
    # Headers unfolded up to RFC 5322's 998 characters (a folded Message-ID trips some mail tools);
    # the parts were encoded above under SMTP's 78, as quoted-printable requires.
    return message.as_bytes(policy=SMTP.clone(max_line_length=998))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def find_notice(notices: Sequence[Notice], notice_id: str) -> Notice | None:
    return next((n for n in notices if n.id == notice_id), None)


def latest_send_day(notice: Notice, notice_days: int) -> date:
    """The last day a notice can go out and still give ``notice_days`` before it takes effect."""
    return notice.effective - timedelta(days=notice_days)
