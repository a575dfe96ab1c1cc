"""The iCalendar file of effective dates and notice windows (SPEC "The site": ``calendar.ics``).

Owns the calendar's events: one all-day event on each published revision's
effective date, and, while a revision is upcoming, one all-day event on the
last day of its notice window. That last day is the day before the revision
takes effect (the notice window runs from ``posted`` up to, not including,
``effective``), so the two events of an upcoming revision never fall on the
same day and a reader's calendar says "last day to act" before "in force".
The notice event goes away once the window closes.

Addresses and redline choices come from :mod:`amend.feeds`, so the feed and the calendar
agree. UIDs never change between builds, DTSTAMP is the revision's posted
date (when its dates were announced), never the build time, and the same
timeline always gives the same bytes. Drafts never appear.

Given a subprocessor register (:mod:`amend.register`), the calendar also has,
for each published change to the list, an all-day event on the day it takes
effect (a subprocessor starts or stops processing PHI; an addition withdrawn
since has none), and, while an addition's objection window is open, one on
its last day. Without a register the calendar is exactly the revisions'
calendar.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, timedelta

import icalendar

from .feeds import (
    DEFAULT_BASE_PATH,
    DEFAULT_REGISTER_PATH,
    Addresses,
    CompareCheck,
    addresses,
    day_start,
    notice_baseline,
    notice_phrase,
    register_page,
    replaced_revision,
)
from .model import Revision, Status
from .register import ChangeEntry, ChangeKind, ChangeStatus, Register, register_timeline
from .timeline import Entry, Timeline, plural_days
from .zone import UTC_ZONE, Zone

PRODID = "-//amend//Revision calendar 1.0//EN"


def render_ics(
    timeline: Timeline,
    site_url: str,
    base_path: str = DEFAULT_BASE_PATH,
    title: str = "",
    *,
    has_compare: CompareCheck | None = None,
    register: Register | None = None,
    register_path: str = DEFAULT_REGISTER_PATH,
    zone: Zone = UTC_ZONE,
) -> bytes:
    """The calendar of ``timeline`` as iCalendar bytes (CRLF line ends, as RFC 5545 requires).

    ``title`` names the calendar in readers' apps; it defaults to the
    document's title followed by "revisions". ``has_compare`` says which
    compare pages the site has (default: all). ``register``, when given, adds
    the subprocessor list's dates as of the timeline's date; its page is
    published under ``register_path``. Events are whole days of the agreement's
    ``zone``; their DTSTAMP is 00:00 of the announcement day there, in UTC.
    """
    where = addresses(site_url, base_path)
    if not where.host:
        # A calendar app cannot resolve a relative address: name the path from the site's root instead.
        where = replace(where, prefix=f"/{where.path}")
    latest = timeline.latest
    name = title or f"{latest.revision.title if latest else 'Document'}: revisions"

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if zone != UTC_ZONE:
        calendar.add("x-wr-timezone", zone.name)  # the zone whose days the all-day events are
    description = "Effective dates of every revision and the last day of each open notice window."
    if register is not None:
        description += (
            " The days subprocessors start and stop processing PHI, and the last day of each open objection window."
        )
    calendar.add("description", description)
    if where.host:
        calendar.add("url", where.calendar())
    # Ask readers' apps to look daily: a notice event appears the day a revision is posted.
    calendar.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1D")

    events: list[tuple[date, int, str, icalendar.Event]] = []
    for entry in timeline.published:
        revision = entry.revision
        events.append((revision.effective, 1, revision.id, _effective_event(timeline, entry, where, has_compare, zone)))
        if entry.status in (Status.UPCOMING, Status.WITHDRAWN):
            # A withdrawn revision's notice event is sent once more, cancelled, so calendars drop it.
            notice = _notice_event(timeline, entry, where, has_compare, zone)
            events.append((notice_window_end(revision), 0, revision.id, notice))
    if register is not None:
        events.extend(register_events(register, timeline.as_of, site_url, register_path, zone))
    for _, _, _, event in sorted(events, key=lambda e: e[:3]):
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def notice_window_end(revision: Revision) -> date:
    """The last day of a revision's notice window: the day before it takes effect."""
    return revision.effective - timedelta(days=1)


def _effective_event(
    timeline: Timeline, entry: Entry, where: Addresses, has_compare: CompareCheck | None, zone: Zone
) -> icalendar.Event:
    revision = entry.revision
    replaced = replaced_revision(timeline, entry, has_compare)
    lines = [
        revision.summary,
        "",
        f"{notice_phrase(revision)}.",
        f"Read it: {where.page(revision.id)}",
        f"PDF: {where.pdf(revision.id)}",
    ]
    if replaced is not None:
        lines.append(f"Changes against revision {replaced.id}: {where.compare(replaced.id, revision.id)}")
    return _event(
        uid=_uid(where, revision, "effective"),
        entry=entry,
        day=revision.effective,
        summary=f"{revision.title} {revision.id} takes effect",
        description="\n".join(lines),
        url=where.page(revision.id) if where.host else None,
        zone=zone,
    )


def _notice_event(
    timeline: Timeline, entry: Entry, where: Addresses, has_compare: CompareCheck | None, zone: Zone
) -> icalendar.Event:
    revision = entry.revision
    baseline = notice_baseline(timeline, entry, has_compare)
    lines = [
        f"Last day of the notice window: revision {revision.id} takes effect tomorrow, "
        f"{revision.effective.isoformat()}.",
        revision.summary,
        "",
    ]
    if baseline is not None:
        lines.append(f"Changes against revision {baseline.id}: {where.compare(baseline.id, revision.id)}")
    lines += [f"Read it: {where.page(revision.id)}", f"PDF: {where.pdf(revision.id)}"]
    return _event(
        uid=_uid(where, revision, "notice-window-end"),
        entry=entry,
        day=notice_window_end(revision),
        summary=f"Notice window ends: {revision.title} {revision.id} takes effect tomorrow",
        description="\n".join(lines),
        url=(where.compare(baseline.id, revision.id) if baseline else where.page(revision.id)) if where.host else None,
        zone=zone,
    )


def _event(
    *,
    uid: str,
    entry: Entry,
    day: date,
    summary: str,
    description: str,
    url: str | None,
    zone: Zone,
) -> icalendar.Event:
    revision, withdrawal = entry.revision, entry.withdrawal
    if withdrawal is not None:
        summary = f"Cancelled (revision withdrawn): {summary}"
        description = f"Withdrawn on {withdrawal.day.isoformat()}: {withdrawal.reason}\n\n{description}"
    return _whole_day_event(
        uid=uid,
        announced=revision.posted,
        day=day,
        summary=summary,
        description=description,
        url=url,
        zone=zone,
        cancelled=withdrawal.day if withdrawal is not None else None,
    )


def _whole_day_event(
    *,
    uid: str,
    announced: date,
    day: date,
    summary: str,
    description: str,
    url: str | None,
    zone: Zone,
    cancelled: date | None = None,
) -> icalendar.Event:
    """One all-day event; ``cancelled`` (the day it was called off) sends it as a cancellation.

    A cancellation keeps the UID, raises SEQUENCE to 1 and says STATUS:CANCELLED
    (RFC 5545 3.8.1.11, 3.8.7.4), so a subscribed calendar removes or strikes
    the event instead of keeping a date that no longer holds.
    """
    event = icalendar.Event()
    event.add("uid", uid)
    # When these dates were announced, or called off (00:00 of that day in the agreement's zone), never the
    # build time; RFC 5545 3.8.7.2 wants DTSTAMP in UTC.
    event.add("dtstamp", day_start(cancelled or announced, zone).astimezone(UTC))
    if cancelled is not None:
        event.add("sequence", 1)
        event.add("status", "CANCELLED")
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))  # all-day: DTEND is the next day (RFC 5545 3.6.1)
    event.add("summary", summary)
    event.add("description", description)
    if url:  # an absolute address only (RFC 5545 3.8.4.6); without a site URL the description names the path
        event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a date to know, not time that is busy
    event.add("class", "PUBLIC")
    return event


def _uid(where: Addresses, revision: Revision, event: str) -> str:
    """``urn:amend:security/baa/2025-10-17:effective``: unique per document, revision and event.

    Built from the section's path, never from ``site_url``: setting the site's
    address later must not make calendars hold every event twice. (No comma:
    a UID is text, and some calendar apps keep an escaped comma in it.)
    """
    return f"urn:amend:{where.section}{revision.id}:{event}"


# --- The subprocessor register's events ------------------------------------------------------------


def register_events(
    register: Register,
    as_of: date,
    site_url: str,
    register_path: str = DEFAULT_REGISTER_PATH,
    zone: Zone = UTC_ZONE,
) -> list[tuple[date, int, str, icalendar.Event]]:
    """The register's events as of ``as_of``, each with the key the calendar sorts by.

    On one day, an objection window's last day comes before a start or an
    end, and both after the revisions' events of that day.
    """
    where = addresses(site_url, register_path)
    if not where.host:
        where = replace(where, prefix=f"/{where.path}")
    changes = register_timeline(register, as_of)
    out: list[tuple[date, int, str, icalendar.Event]] = []
    for entry in changes.published:
        change = entry.change
        if change.kind is ChangeKind.WITHDRAWAL:
            continue  # the withdrawal itself is no date to keep: it cancels the addition's events below
        cancelled = change.subprocessor.withdrawn if entry.status is ChangeStatus.WITHDRAWN else None
        out.append((change.effective, 3, change.id, _change_event(entry, where, zone, cancelled)))
        closes = change.objection_closes
        if closes is not None and (entry.objection_open(as_of) or cancelled is not None):
            out.append((closes, 2, change.id, _objection_event(entry, closes, where, zone, cancelled)))
    return out


def _change_event(entry: ChangeEntry, where: Addresses, zone: Zone, cancelled: date | None) -> icalendar.Event:
    change = entry.change
    sub = change.subprocessor
    page = register_page(where, f"change-{change.id}")
    if change.starts:
        summary = f"Subprocessor starts: {sub.name}"
        lines = [f"{sub.name} may start processing PHI on {change.effective.isoformat()}."]
        if change.replaces:
            lines.append(f"It replaces {' and '.join(s.name for s in change.replaces)}.")
        lines += [f"What it does with PHI: {sub.purpose}", f"Location: {sub.location}"]
        event = "starts"
    else:
        summary = f"Subprocessor ends: {sub.name}"
        lines = [f"{sub.name} no longer processes PHI from {change.effective.isoformat()}."]
        if change.replaced_by is not None:
            lines.append(f"{change.replaced_by.name} takes over its work.")
        event = "ends"
    lines += ["", f"Announced {change.announced.isoformat()}.", f"The list of subprocessors: {page}"]
    if cancelled is not None:
        summary = f"Cancelled (addition withdrawn): {summary}"
        lines.insert(0, f"Withdrawn on {cancelled.isoformat()}: {sub.name} will not process PHI.\n")
    return _whole_day_event(
        uid=_register_uid(where, change.id, event),
        announced=change.announced,
        day=change.effective,
        summary=summary,
        description="\n".join(lines),
        url=page if where.host else None,
        zone=zone,
        cancelled=cancelled,
    )


def _objection_event(
    entry: ChangeEntry, closes: date, where: Addresses, zone: Zone, cancelled: date | None
) -> icalendar.Event:
    change = entry.change
    sub = change.subprocessor
    page = register_page(where, f"change-{change.id}")
    lines = [
        f"Last day to object to {sub.name}, announced on {change.announced.isoformat()} "
        f"({plural_days((closes - change.announced).days)} after the announcement).",
        f"It may start processing PHI on {change.effective.isoformat()}.",
        f"What it does with PHI: {sub.purpose}",
        f"Location: {sub.location}",
        "",
        f"The list of subprocessors: {page}",
    ]
    if cancelled is not None:
        lines.insert(0, f"Withdrawn on {cancelled.isoformat()}: {sub.name} will not process PHI.\n")
    return _whole_day_event(
        uid=_register_uid(where, change.id, "objection-window-end"),
        announced=change.announced,
        day=closes,
        summary=("Cancelled (addition withdrawn): " if cancelled else "")
        + f"Objection window ends: {sub.name} (subprocessor)",
        description="\n".join(lines),
        url=page if where.host else None,
        zone=zone,
        cancelled=cancelled,
    )


def _register_uid(where: Addresses, change_id: str, event: str) -> str:
    """``urn:amend:security/subprocessors/northbeam-document-capture-inc-added:starts``, as for revisions."""
    return f"urn:amend:{where.section}{change_id}:{event}"
