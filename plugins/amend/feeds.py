"""The Atom feed that gives readers notice of each revision (SPEC "The site": ``feed.xml``).

Owns the feed and the addresses and ids it shares with the calendar
(:mod:`amend.ical`): where a revision's page, PDF and redline live, which
revision a new one is compared against, and the entry ids that must never
change between builds. Everything is computed from a :class:`Timeline`, so the
as-of date comes in from the caller: this module never reads the clock, and no
timestamp comes from the build (a feed built twice is byte-identical). Drafts
never appear.

Given a subprocessor register (:mod:`amend.register`), the same feed also
carries an entry for each announced change to the list (dated the day it was
announced) and one for each end of an objection window (dated the day after
the window's last day, present once that day has come); without one, the
feed is exactly the revisions' feed.
"""

from __future__ import annotations

import enum
import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from feedgen.ext.base import BaseEntryExtension  # type: ignore[import-untyped]  # feedgen ships no type information
from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]  # feedgen ships no type information
from feedgen.util import xml_elem  # type: ignore[import-untyped]  # feedgen ships no type information

from .model import Revision, Status
from .register import ChangeEntry, ChangeKind, Register, RegisterTimeline, register_timeline
from .siteplan import Urls
from .timeline import Entry, Timeline, plural_days
from .zone import UTC_ZONE, Zone

DEFAULT_BASE_PATH = "security/baa/"
DEFAULT_REGISTER_PATH = "security/subprocessors/"
# The time stamp of a feed with no entries: it must not be the build time, and there is no revision date.
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)

# Whether the site has a compare page for (old, new): links are only made to pages that exist.
CompareCheck = Callable[[str, str], bool]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Event(enum.StrEnum):
    """What a feed entry announces about a revision (SPEC "The site": feed.xml)."""

    POSTED = "posted"
    IN_FORCE = "in force"
    WITHDRAWN = "withdrawn"  # an upcoming revision called off: it never takes effect

    @property
    def slug(self) -> str:
        return self.value.replace(" ", "-")


_LAYOUT = Urls(prefix="")


@dataclass(frozen=True, slots=True)
class Addresses:
    """Where a document's pages live, and the stable ids of the things announced about them.

    With a ``site_url`` every address is absolute; without one, addresses are
    relative to the folder that holds the feed and the calendar
    (``base_path``), which is where the site writes both files.
    """

    prefix: str  # "https://example.com/security/baa/", or "" for addresses relative to base_path
    host: str  # "example.com", or "" without a site URL
    path: str  # base_path under the host's root, e.g. "security/baa/" (or "docs/security/baa/")
    section: str = ""  # base_path alone, whatever the site URL: what permanent ids are made of

    # The layout of the section's URLs is the site plan's; here only the prefix differs.
    def page(self, revision_id: str) -> str:
        return self.prefix + _LAYOUT.revision(revision_id)

    def pdf(self, revision_id: str) -> str:
        return self.prefix + _LAYOUT.pdf(revision_id)

    def compare(self, old_id: str, new_id: str) -> str:
        return self.prefix + _LAYOUT.compare(old_id, new_id)

    def index(self) -> str:
        return self.prefix or "./"

    def feed(self) -> str:
        return self.prefix + _LAYOUT.feed()

    def calendar(self) -> str:
        return self.prefix + _LAYOUT.calendar()

    def feed_id(self) -> str:
        """The feed's permanent id: a ``urn:`` of the section's path, whatever the site URL."""
        return f"urn:amend:{self.section}feed"

    def event_id(self, revision: Revision, event: str) -> str:
        """A permanent id for one event of one revision, the same in every build.

        A ``urn:`` built from the section's path, the revision id and the event:
        nothing in it depends on ``site_url``, so setting or changing the site's
        address later never makes readers see every entry again as new.
        """
        return f"urn:amend:{self.section}{revision.id}:{event}"


def addresses(site_url: str, base_path: str = DEFAULT_BASE_PATH) -> Addresses:
    """The :class:`Addresses` of the document published under ``base_path`` of ``site_url``."""
    base = base_path.strip("/")
    base = f"{base}/" if base else ""
    parts = urlsplit(site_url.strip())
    if not (parts.scheme and parts.hostname):
        return Addresses(prefix="", host="", path=base, section=base)
    root = parts.path if parts.path.endswith("/") else f"{parts.path}/"
    path = f"{root.lstrip('/')}{base}"
    netloc = parts.netloc.rsplit("@", 1)[-1]  # never publish credentials written into a URL
    return Addresses(prefix=f"{parts.scheme}://{netloc}/{path}", host=parts.hostname, path=path, section=base)


def notice_baseline(timeline: Timeline, entry: Entry, has_compare: CompareCheck | None = None) -> Revision | None:
    """The revision a newly posted one is compared against: the one in force on its posted day.

    When nothing was in force that day (the first revisions), or the site has
    no compare page for that pair (``has_compare``, e.g. the site plan's), the
    previous published revision, if any. A draft is never named, so nothing
    about it leaks through a link.
    """
    posted = entry.revision.posted
    published = [e.revision for e in timeline.published if e.id != entry.id]
    in_force = [r for r in published if r.effective <= posted]
    if in_force:
        baseline = max(in_force, key=lambda r: (r.effective, r.id))
        if has_compare is None or has_compare(baseline.id, entry.id):
            return baseline
    previous = _published_previous(timeline, entry)
    if previous is not None and has_compare is not None and not has_compare(previous.id, entry.id):
        return None
    return previous


def replaced_revision(timeline: Timeline, entry: Entry, has_compare: CompareCheck | None = None) -> Revision | None:
    """The revision that ``entry``'s revision replaced when it took effect (the previous one)."""
    previous = _published_previous(timeline, entry)
    if previous is not None and has_compare is not None and not has_compare(previous.id, entry.id):
        return None
    return previous


def _published_previous(timeline: Timeline, entry: Entry) -> Revision | None:
    previous = entry.previous
    if previous is None:
        return None
    previous_entry = timeline.entry(previous.id)
    if previous_entry is None or previous_entry.status is Status.DRAFT:
        return None
    return previous


def day_start(day: date, zone: Zone = UTC_ZONE) -> datetime:
    """00:00 of ``day`` in the agreement's zone: the time stamp of everything that happens on a date."""
    return zone.start_of(day)


def notice_phrase(revision: Revision) -> str:
    """``Posted 2025-09-17; takes effect on 2025-10-17 (30 days of notice)``, or "the same day" for a first revision."""
    posted = f"Posted {revision.posted.isoformat()}"
    if revision.notice_days <= 0:
        return f"{posted}; takes effect the same day"
    return f"{posted}; takes effect on {revision.effective.isoformat()} ({plural_days(revision.notice_days)} of notice)"


def xml_text(text: str) -> str:
    """``text`` without the control characters XML cannot carry (YAML escapes could smuggle them in)."""
    return _NOT_XML.sub("", text)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of the feed, before it is written as Atom."""

    revision: Revision
    event: Event
    day: date
    title: str
    summary: str
    page: str
    pdf: str
    compare: str | None
    compare_title: str | None

    def links(self) -> list[dict[str, str]]:
        """The revision's page (the entry's "alternate"), its PDF and its redline, when there is one."""
        rev = self.revision.id
        out = [
            {"href": self.page, "rel": "alternate", "type": "text/html", "title": f"Revision {rev}"},
            {"href": self.pdf, "rel": "related", "type": "application/pdf", "title": f"Revision {rev} (PDF)"},
        ]
        if self.compare and self.compare_title:
            out.append({"href": self.compare, "rel": "related", "type": "text/html", "title": self.compare_title})
        return out

    @property
    def order(self) -> tuple[date, int, str]:
        # On one day, a revision takes effect after it is posted (a first revision does both at once).
        rank = {Event.POSTED: 0, Event.IN_FORCE: 1, Event.WITHDRAWN: 2}[self.event]
        return (self.day, rank, self.revision.id)


def feed_entries(timeline: Timeline, where: Addresses, has_compare: CompareCheck | None = None) -> list[FeedItem]:
    """Every entry of the feed, newest first: "posted" for each published revision, "in force" once effective."""
    entries: list[FeedItem] = []
    for entry in timeline.published:
        revision = entry.revision
        name = _name(revision)
        baseline = notice_baseline(timeline, entry, has_compare)
        entries.append(
            FeedItem(
                revision=revision,
                event=Event.POSTED,
                day=revision.posted,
                title=f"{name} posted: takes effect on {revision.effective.isoformat()}",
                summary=f"{notice_phrase(revision)}. {revision.summary}",
                page=where.page(revision.id),
                pdf=where.pdf(revision.id),
                compare=where.compare(baseline.id, revision.id) if baseline else None,
                compare_title=f"Changes against revision {baseline.id}" if baseline else None,
            )
        )
        if entry.withdrawal is not None:
            withdrawal = entry.withdrawal
            entries.append(
                FeedItem(
                    revision=revision,
                    event=Event.WITHDRAWN,
                    day=withdrawal.day,
                    title=f"{name} withdrawn: it will not take effect on {revision.effective.isoformat()}",
                    summary=(
                        f"Withdrawn on {withdrawal.day.isoformat()}: {withdrawal.reason} It was posted on "
                        f"{revision.posted.isoformat()} to take effect on {revision.effective.isoformat()}; it never "
                        "takes effect, and the notice it gave no longer counts."
                    ),
                    page=where.page(revision.id),
                    pdf=where.pdf(revision.id),
                    compare=None,
                    compare_title=None,
                )
            )
        elif revision.effective <= timeline.as_of:
            replaced = replaced_revision(timeline, entry, has_compare)
            replacing = f", replacing revision {replaced.id}" if replaced else ""
            entries.append(
                FeedItem(
                    revision=revision,
                    event=Event.IN_FORCE,
                    day=revision.effective,
                    title=f"{name} took effect on {revision.effective.isoformat()}",
                    summary=f"In force from {revision.effective.isoformat()}{replacing}. {revision.summary}",
                    page=where.page(revision.id),
                    pdf=where.pdf(revision.id),
                    compare=where.compare(replaced.id, revision.id) if replaced else None,
                    compare_title=f"Changes against revision {replaced.id}" if replaced else None,
                )
            )
    entries.sort(key=lambda e: e.order, reverse=True)
    return entries


def render_atom(
    timeline: Timeline,
    site_url: str,
    base_path: str = DEFAULT_BASE_PATH,
    title: str = "",
    author: str = "",
    *,
    has_compare: CompareCheck | None = None,
    register: Register | None = None,
    register_path: str = DEFAULT_REGISTER_PATH,
    zone: Zone = UTC_ZONE,
) -> bytes:
    """The Atom feed of ``timeline`` as UTF-8 bytes, identical for identical input.

    ``title`` defaults to the document's title followed by "revisions";
    ``author`` (Atom requires one) defaults to the document's title.
    ``has_compare`` says which compare pages the site has (default: all). The feed's
    ``updated`` is the date of its newest entry, never the build time.
    ``register``, when given, adds the subprocessor list's changes as of the
    timeline's date; its page is published under ``register_path``. Every time
    stamp is 00:00 of its day in the agreement's ``zone``.
    """
    where = addresses(site_url, base_path)
    entries: list[FeedItem | RegisterFeedItem] = list(feed_entries(timeline, where, has_compare))
    if register is not None:
        changes = register_timeline(register, timeline.as_of)
        entries += register_feed_entries(changes, register_addresses(site_url, base_path, register_path), where)
        entries.sort(key=lambda e: e.order, reverse=True)
    latest = timeline.latest
    document_title = latest.revision.title if latest else "Document"
    feed_title = xml_text(title or f"{document_title}: revisions")

    feed = FeedGenerator()
    feed.id(where.feed_id())
    feed.title(feed_title)
    subtitle = "Notice of every revision: when it is posted, and again when it takes effect."
    if register is not None:
        subtitle += " Notice of every change to the list of subprocessors, and of the end of each objection window."
    feed.subtitle(subtitle)
    feed.updated(day_start(entries[0].day, zone) if entries else EMPTY_FEED_UPDATED)
    feed.author({"name": xml_text(author or document_title)})
    feed.link(href=where.feed(), rel="self", type="application/atom+xml")
    feed.link(href=where.index(), rel="alternate", type="text/html")
    feed.generator("amend")  # our name only: no version, so upgrading amend does not change the bytes
    feed.language("en")
    for item in entries:
        if isinstance(item, RegisterFeedItem):
            _add_register_entry(feed, item, zone)
            continue
        stamp = day_start(item.day, zone)
        fe = feed.add_entry(order="append")
        fe.id(where.event_id(item.revision, item.event.slug))
        fe.title(xml_text(item.title))
        fe.updated(stamp)
        fe.published(stamp)
        fe.summary(xml_text(item.summary))
        fe.content(xml_text(_entry_html(item)), type="html")
        fe.register_extension("amend_links", _EntryLinks, atom=True, rss=False)
        fe.amend_links.links = item.links()
        fe.category(term=item.event.slug, label=item.event.value)
    xml: bytes = feed.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return xml if xml.endswith(b"\n") else xml + b"\n"


class _EntryLinks(BaseEntryExtension):  # type: ignore[misc]  # feedgen's base class is untyped
    """Writes an entry's links with their ``rel``, ``type`` and ``title``.

    feedgen 1.0's own ``FeedEntry.link`` writes only ``href`` (python-feedgen
    issue 135), which would make every link an "alternate" and the feed
    invalid; its extension hook is public and writes the element as we ask.
    """

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: object) -> object:
        for link in self.links:
            xml_elem("link", entry, **link)
        return entry


def _name(revision: Revision) -> str:
    return f"{revision.title} {revision.id}"


def _entry_html(item: FeedItem) -> str:
    """The entry's body for readers that show content rather than links: revision text is escaped."""
    esc = html.escape
    rows = [
        f'<li><a href="{esc(item.page)}">Read revision {esc(item.revision.id)}</a></li>',
        f'<li><a href="{esc(item.pdf)}">Download the PDF</a></li>',
    ]
    if item.compare and item.compare_title:
        rows.append(f'<li><a href="{esc(item.compare)}">{esc(item.compare_title)} (redline)</a></li>')
    revision = item.revision
    if item.event is Event.WITHDRAWN:
        return f"<p>{esc(item.summary)}</p><p>{esc(revision.summary)}</p><ul>{''.join(rows)}</ul>"
    dates = f"<p>{esc(notice_phrase(revision))}.</p>"
    return f"<p>{esc(revision.summary)}</p>{dates}<ul>{''.join(rows)}</ul>"


# --- The subprocessor register's entries -----------------------------------------------------------


class RegisterEvent(enum.StrEnum):
    """What a feed entry announces about a change to the subprocessor list."""

    ANNOUNCED = "announced"
    OBJECTION_CLOSED = "objection window closed"

    @property
    def slug(self) -> str:
        return self.value.replace(" ", "-")


def register_addresses(site_url: str, base_path: str, register_path: str = DEFAULT_REGISTER_PATH) -> Addresses:
    """Where the register's page lives, seen from the feed (``base_path``).

    With a site URL the prefix is absolute; without one it is relative to the
    folder of the feed, as every other address of the feed is
    (``../subprocessors/``).
    """
    where = addresses(site_url, register_path)
    if where.host:
        return where
    feed_folder = addresses("", base_path).path or "."
    relative = posixpath.relpath(where.path or ".", feed_folder)
    return replace(where, prefix="" if relative == "." else f"{relative}/")


def register_page(where: Addresses, anchor: str = "") -> str:
    """The register page's address (``where`` from :func:`register_addresses`), with an optional anchor."""
    page = where.prefix or "./"
    return f"{page}#{anchor}" if anchor else page


def register_event_id(where: Addresses, change_id: str, announced: date, event: str) -> str:
    """A permanent id for one event of one change, as :meth:`Addresses.event_id` makes for revisions."""
    del announced  # kept in the signature: ids once carried the date; they no longer depend on anything that changes
    return f"urn:amend:{where.section}{change_id}:{event}"


@dataclass(frozen=True, slots=True)
class RegisterFeedItem:
    """One entry of the feed about the subprocessor list."""

    id: str  # permanent: see register_event_id
    change_id: str
    event: RegisterEvent
    announced: date  # the change's announcement: what the entry id is dated with
    day: date
    title: str
    summary: str
    page: str  # the change's row in the register page's history
    clause: str | None  # the BAA clause on subcontractors

    @property
    def order(self) -> tuple[date, int, str]:
        # After the revisions' entries of the same day, in a fixed order of their own.
        return (self.day, 2 if self.event is RegisterEvent.ANNOUNCED else 3, self.change_id)

    def links(self) -> list[dict[str, str]]:
        out = [{"href": self.page, "rel": "alternate", "type": "text/html", "title": "The list of subprocessors"}]
        if self.clause:
            title = "The BAA clause on subcontractors"
            out.append({"href": self.clause, "rel": "related", "type": "text/html", "title": title})
        return out


def register_feed_entries(
    changes: RegisterTimeline, where: Addresses, baa: Addresses | None = None
) -> list[FeedItem | RegisterFeedItem]:
    """The register's entries, newest first: each published change, and each objection window that has ended.

    An entry, once published, never changes in a later build: a change
    withdrawn after its objection window closed keeps both entries, and the
    withdrawal is an entry of its own.
    """
    clause = f"{baa.index()}#{changes.register.baa_clause}" if baa is not None else None
    entries: list[FeedItem | RegisterFeedItem] = []
    for entry in changes.published:
        change = entry.change
        page = register_page(where, f"change-{change.id}")
        entries.append(
            RegisterFeedItem(
                id=register_event_id(where, change.id, change.announced, RegisterEvent.ANNOUNCED.slug),
                change_id=change.id,
                event=RegisterEvent.ANNOUNCED,
                announced=change.announced,
                day=change.announced,
                title=_announced_title(entry),
                summary=_announced_summary(entry),
                page=page,
                clause=clause,
            )
        )
        closes = change.objection_closes
        withdrawn = change.subprocessor.withdrawn
        if (
            change.starts
            and not change.initial
            and closes is not None
            and closes < changes.as_of
            and (withdrawn is None or withdrawn > closes)
        ):
            name = change.subprocessor.name
            entries.append(
                RegisterFeedItem(
                    id=register_event_id(where, change.id, change.announced, RegisterEvent.OBJECTION_CLOSED.slug),
                    change_id=change.id,
                    event=RegisterEvent.OBJECTION_CLOSED,
                    announced=change.announced,
                    day=closes + timedelta(days=1),
                    title=f"Objection window closed: {name} may process PHI from {change.effective.isoformat()}",
                    summary=(
                        f"The time to object to {name}, announced on {change.announced.isoformat()}, ended on "
                        f"{closes.isoformat()}. It may start processing PHI on {change.effective.isoformat()}."
                    ),
                    page=page,
                    clause=clause,
                )
            )
    entries.sort(key=lambda e: e.order, reverse=True)
    return entries


def _announced_title(entry: ChangeEntry) -> str:
    change = entry.change
    name = change.subprocessor.name
    start = change.effective.isoformat()
    if change.kind is ChangeKind.WITHDRAWAL:
        return f"Subprocessor withdrawn: {name} will not process PHI"
    if change.kind is ChangeKind.REMOVAL:
        return f"Subprocessor removed: {name} stops processing PHI on {start}"
    if change.initial:
        return f"Subprocessor listed: {name}"
    if change.kind is ChangeKind.REPLACEMENT:
        replaced = " and ".join(s.name for s in change.replaces)
        return f"Subprocessor replacement: {name} replaces {replaced} from {start}"
    return f"New subprocessor: {name} may process PHI from {start}"


def _announced_summary(entry: ChangeEntry) -> str:
    change = entry.change
    sub = change.subprocessor
    announced = f"Announced {change.announced.isoformat()}"
    if change.kind is ChangeKind.WITHDRAWAL:
        return (
            f"{announced}: the addition of {sub.name}, announced on {sub.announced.isoformat()}, is withdrawn; "
            "it never started processing PHI."
        )
    if change.kind is ChangeKind.REMOVAL:
        successor = f" {change.replaced_by.name} takes over its work." if change.replaced_by else ""
        return f"{announced}: {sub.name} stops processing PHI on {change.effective.isoformat()}.{successor}"
    what = f" What it does with PHI: {sub.purpose} Location: {sub.location}."
    if change.initial and change.effective == change.announced:
        return f"{announced}: {sub.name} is on the initial list of subprocessors.{what}"
    closes = change.objection_closes
    objection = f" Objection window closes on {closes.isoformat()}." if closes is not None else ""
    notice = plural_days(change.notice_days)
    return f"{announced}; may start on {change.effective.isoformat()} ({notice} of notice).{objection}{what}"


def _add_register_entry(feed: FeedGenerator, item: RegisterFeedItem, zone: Zone) -> None:
    stamp = day_start(item.day, zone)
    fe = feed.add_entry(order="append")
    fe.id(item.id)
    fe.title(xml_text(item.title))
    fe.updated(stamp)
    fe.published(stamp)
    fe.summary(xml_text(item.summary))
    fe.content(xml_text(_register_entry_html(item)), type="html")
    fe.register_extension("amend_links", _EntryLinks, atom=True, rss=False)
    fe.amend_links.links = item.links()
    fe.category(term=f"subprocessor-{item.event.slug}", label=f"subprocessor {item.event.value}")


def _register_entry_html(item: RegisterFeedItem) -> str:
    esc = html.escape
    rows = [f'<li><a href="{esc(item.page)}">See the change on the list of subprocessors</a></li>']
    if item.clause:
        rows.append(f'<li><a href="{esc(item.clause)}">The BAA clause on subcontractors</a></li>')
    return f"<p>{esc(item.summary)}</p><ul>{''.join(rows)}</ul>"
