"""The HTML body of the subprocessor register's page (``security/subprocessors/``).

Owns what a reader sees there as of one date: the list in effect that day,
each pending change with its objection window ("objection window closes on
<date> (N days left)"), what the list will look like once the pending changes
take effect (a redline of rows), the history of every published change, and
the links to the BAA clause on subcontractors, the feed and the calendar.
Statuses come from :func:`amend.register.register_timeline`; drafts (changes
announced after the as-of date) appear nowhere. Every piece of register text
is escaped here. The page is right without JavaScript as of the day it was
built; ``amend.js`` only marks a banner stale when the reader's date has passed
it (``data-amend-effective``). Styles reuse ``amend.css`` and ``redline.css``;
what is the register's own is in ``assets/register.css``. Must not import
mkdocs: the plugin places this body in its page.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from .dates import format_date, time_tag
from .pages import plural
from .register import (
    ChangeEntry,
    ChangeKind,
    ChangeStatus,
    Register,
    RegisterDiff,
    RowStatus,
    Subprocessor,
    diff_register,
    known_on,
    register_timeline,
)

REGISTER_CSS = "register.css"

# Done changes carry no badge: the history's dates say it all.
_STATUS_BADGES = {
    ChangeStatus.PENDING: '<span class="amend-badge amend-badge--upcoming">Pending</span>',
    ChangeStatus.WITHDRAWN: '<span class="amend-badge amend-badge--superseded">Withdrawn</span>',
}
_SR_DELETED = '<span class="amend-rl-sr">[removed: </span>'
_SR_ADDED = '<span class="amend-rl-sr">[added: </span>'
_SR_END = '<span class="amend-rl-sr">]</span>'


def render_register_page(
    register: Register, as_of: date, *, baa_clause_href: str, feed_href: str, calendar_href: str
) -> str:
    """The page body as of ``as_of``; hrefs are relative to the page (the caller knows the site's layout)."""
    timeline = register_timeline(register, as_of)
    parts = [
        '<div class="amend-register">',
        _intro(register, as_of, baa_clause_href, feed_href, calendar_href),
    ]
    pending = sorted(timeline.pending, key=lambda e: (e.change.effective, e.change.announced, e.id))
    if pending:
        parts.append('<h2 id="pending-changes">Pending changes</h2>')
        parts.extend(_pending_banner(register, entry, as_of) for entry in pending)
    parts.append('<h2 id="current-list">Current list</h2>')
    parts.append(_current_table(register, timeline.current, timeline.pending, as_of))
    if pending:
        horizon = max(e.change.effective for e in pending)
        diff = diff_register(known_on(register, as_of), as_of, horizon)
        if diff.changed:
            parts.append('<h2 id="after-pending-changes">The list once pending changes take effect</h2>')
            parts.append(render_register_diff_html(diff))
    parts.append('<h2 id="history">History of changes</h2>')
    parts.append(_history_table(timeline.published, as_of))
    parts.append("</div>")
    return "\n".join(parts) + "\n"


def _intro(register: Register, as_of: date, clause_href: str, feed_href: str, calendar_href: str) -> str:
    notice_days, objection_days = register.term(as_of)
    if objection_days is None:
        objection = "and a customer may object until the day before it starts"
    else:
        objection = (
            f"and a customer may object within {plural(objection_days, 'day')} after the announcement; "
            "a new subprocessor starts only once that time has passed"
        )
    return (
        '<p class="amend-register__intro">The subcontractors (subprocessors) that may have access to Protected '
        "Health Information, what each does with it and where, as the "
        f'<a href="{escape(clause_href)}">Subcontractors clause of the Business Associate Agreement</a> promises.</p>\n'
        f'<p class="amend-register__rule">Each addition or replacement is announced here at least '
        f"{plural(notice_days, 'day')} before it starts, {objection}. Every change stays listed below with its "
        "dates.</p>\n"
        f'<p class="amend-subscribe">Get notice of every change: <a href="{escape(feed_href)}">Atom feed</a> · '
        f'<a href="{escape(calendar_href)}">calendar</a></p>\n'
        f'<p class="amend-dates">This page shows the list as of {time_tag(as_of)}.</p>'
    )


def _stop(sub: Subprocessor) -> str:
    """The full stop after a name, unless the name already ends with one ("… Inc.")."""
    return "" if sub.name.endswith(".") else "."


def _who(sub: Subprocessor) -> str:
    return f"<strong>{escape(sub.name)}</strong>"


def _names(subs: tuple[Subprocessor, ...]) -> str:
    return " and ".join(_who(s) for s in subs)


def _pending_banner(register: Register, entry: ChangeEntry, as_of: date) -> str:
    change = entry.change
    sub = change.subprocessor
    built = format_date(as_of)
    attrs = f'id="pending-{escape(change.id)}"'
    if change.starts:
        if change.kind is ChangeKind.REPLACEMENT:
            title = f"Replacing {_names(change.replaces)} with {_who(sub)}"
        else:
            title = f"Adding {_who(sub)}"
        title += f": it may start processing PHI on {time_tag(change.effective)}."
        closes = change.objection_closes
        if closes is not None and entry.objection_open(as_of):
            closed_on = closes + timedelta(days=1)
            days = entry.objection_days_left(as_of)
            attrs += f' data-amend-effective="{closed_on.isoformat()}"'
            deciding = register.window_term(sub.announced, sub.starts)[2]
            stricter = (
                f" It starts after the terms of {time_tag(deciding.since)} take effect, so their longer notice and "
                "objection window apply."
                if deciding is not None
                else ""
            )
            status = (
                f'<p class="amend-banner__status" data-amend-stale-text="The objection window closed at the end of '
                f'{format_date(closes)}; this page was built on {built} and may be out of date.">'
                f"Announced on {time_tag(change.announced)}. The objection window closes on {time_tag(closes)} "
                f"({plural(days, 'day')} left).{stricter}</p>"
            )
        else:
            attrs += f' data-amend-effective="{change.effective.isoformat()}"'
            closed = f"The objection window closed on {time_tag(closes)}; " if closes is not None else ""
            status = (
                f'<p class="amend-banner__status" data-amend-stale-text="{escape(sub.name)} may process PHI from '
                f'{format_date(change.effective)}; this page was built on {built} and may be out of date.">'
                f"Announced on {time_tag(change.announced)}. {closed}"
                f"{plural(entry.days_left(as_of), 'day')} until it starts.</p>"
            )
        details = (
            f'<p class="amend-register__details"><span class="amend-summary__label">What it does with PHI:</span> '
            f'{escape(sub.purpose)} <span class="amend-summary__label">Location:</span> {escape(sub.location)}</p>'
        )
    else:  # a removal: no objection window (the BAA asks notice for additions and replacements)
        attrs += f' data-amend-effective="{change.effective.isoformat()}"'
        title = f"Removing {_who(sub)}: it stops processing PHI on {time_tag(change.effective)}."
        status = (
            f'<p class="amend-banner__status" data-amend-stale-text="{escape(sub.name)} no longer processes PHI '
            f'from {format_date(change.effective)}; this page was built on {built} and may be out of date.">'
            f"Announced on {time_tag(change.announced)}; {plural(entry.days_left(as_of), 'day')} left.</p>"
        )
        successor = change.replaced_by
        details = f'<p class="amend-register__details">{_who(successor)} takes over its work.</p>' if successor else ""
    return (
        f'<aside class="amend-banner amend-register__pending" role="note" aria-label="Pending change" {attrs}>'
        f'<p class="amend-banner__title">{title}</p>{status}{details}</aside>'
    )


def _current_table(
    register: Register, current: tuple[Subprocessor, ...], pending: tuple[ChangeEntry, ...], as_of: date
) -> str:
    if not current:
        return '<p class="amend-empty">No subprocessor has access to PHI on this date.</p>'
    ends = {e.change.subprocessor.key: e for e in pending if e.change.kind is ChangeKind.REMOVAL}
    rows: list[str] = []
    for sub in current:
        note = ""
        ending = ends.get(sub.key)
        if ending is not None:
            note = (
                f'<br><span class="amend-badge amend-badge--upcoming">Ending</span> '
                f'<a href="#pending-{escape(ending.id)}">stops on {time_tag(ending.change.effective)}</a>'
            )
        rows.append(
            f'<tr id="{escape(sub.slug)}"><th scope="row">{escape(sub.name)}</th>'
            f"<td>{escape(sub.purpose)}</td><td>{escape(sub.location)}</td>"
            f'<td class="amend-num">{time_tag(sub.starts)}{note}</td></tr>'
        )
    return (
        '<div class="amend-table-wrap"><table class="amend-history amend-register-table">'
        f"<caption>{plural(len(current), 'subprocessor')} with access to PHI on {format_date(as_of)}</caption>"
        '<thead><tr><th scope="col">Subprocessor</th><th scope="col">What it does with PHI</th>'
        '<th scope="col">Location</th><th scope="col">Since</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def render_register_diff_html(diff: RegisterDiff) -> str:
    """The redline of the list between two dates: every row, removed text struck, added text underlined."""
    rows: list[str] = []
    for row in diff.rows:
        cells: list[str] = []
        for name in ("name", "purpose", "location"):
            old = getattr(row.old, name) if row.old else None
            new = getattr(row.new, name) if row.new else None
            cells.append(_redline_cell(old, new, header=name == "name"))
        label = {
            RowStatus.UNCHANGED: "",
            RowStatus.ADDED: "Added",
            RowStatus.REMOVED: "Removed",
            RowStatus.CHANGED: "Replaced",
        }[row.status]
        status = f'<span class="amend-register__row-status">{label}</span>' if label else ""
        rows.append(f'<tr class="amend-register-row--{row.status.value}">{"".join(cells)}<td>{status}</td></tr>')
    summary = ", ".join(
        f"{diff.count(status)} {status.value}" for status in (RowStatus.ADDED, RowStatus.REMOVED, RowStatus.CHANGED)
    )
    return (
        '<div class="amend-table-wrap"><table class="amend-history amend-register-redline">'
        f"<caption>The list on {format_date(diff.old)} against the list on {format_date(diff.new)}: {summary}"
        "</caption>"
        '<thead><tr><th scope="col">Subprocessor</th><th scope="col">What it does with PHI</th>'
        '<th scope="col">Location</th><th scope="col">Change</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _redline_cell(old: str | None, new: str | None, *, header: bool) -> str:
    if old == new:
        text = escape(new or "")
    else:
        deleted = f'<del class="amend-rl-del">{_SR_DELETED}{escape(old)}{_SR_END}</del>' if old else ""
        added = f'<ins class="amend-rl-ins">{_SR_ADDED}{escape(new)}{_SR_END}</ins>' if new else ""
        text = " ".join(part for part in (deleted, added) if part)
    return f'<th scope="row">{text}</th>' if header else f"<td>{text}</td>"


def _history_table(published: tuple[ChangeEntry, ...], as_of: date) -> str:
    if not published:
        return '<p class="amend-empty">No change has been announced yet.</p>'
    rows: list[str] = []
    newest_first = sorted(published, key=lambda e: (e.change.announced, e.change.effective), reverse=True)
    for entry in newest_first:
        change = entry.change
        rows.append(
            f'<tr id="change-{escape(change.id)}">'
            f'<td class="amend-num">{time_tag(change.announced)}</td>'
            f"<td>{_history_text(entry)}</td>"
            f'<td class="amend-num">{_effective_text(entry)}</td>'
            f"<td>{_objection_text(entry, as_of)}</td></tr>"
        )
    return (
        '<div class="amend-table-wrap"><table class="amend-history amend-register-history">'
        "<caption>Every published change, newest first</caption>"
        '<thead><tr><th scope="col">Announced</th><th scope="col">Change</th><th scope="col">Takes effect</th>'
        '<th scope="col">Objection window</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _history_text(entry: ChangeEntry) -> str:
    """What the change did, its status badge (pending or withdrawn), then what the subprocessor does."""
    change = entry.change
    sub = change.subprocessor
    badge = _STATUS_BADGES.get(entry.status, "")
    badge = f" {badge}" if badge else ""
    if change.kind is ChangeKind.WITHDRAWAL:
        return f"Withdrew the addition of {_who(sub)} announced on {time_tag(sub.announced)}; it never started.{badge}"
    if change.kind is ChangeKind.REMOVAL:
        successor = f"; {_who(change.replaced_by)} takes over its work" if change.replaced_by else ""
        stop = _stop(change.replaced_by) if change.replaced_by else _stop(sub)
        return f"Removed {_who(sub)}{successor}{stop}{badge}"
    if change.initial:
        title = f"On the initial list: {_who(sub)}{_stop(sub)}"
    elif change.kind is ChangeKind.REPLACEMENT:
        title = f"Replaced {_names(change.replaces)} with {_who(sub)}{_stop(sub)}"
    else:
        title = f"Added {_who(sub)}{_stop(sub)}"
    return (
        f'{title}{badge}<br><span class="amend-register__details">{escape(sub.purpose)} '
        f'<span class="amend-summary__label">Location:</span> {escape(sub.location)}</span>'
    )


def _effective_text(entry: ChangeEntry) -> str:
    change = entry.change
    if change.kind is ChangeKind.WITHDRAWAL:
        return time_tag(change.effective)
    if entry.status is ChangeStatus.WITHDRAWN:
        return f"<s>{time_tag(change.effective)}</s> (withdrawn)"
    return time_tag(change.effective)


def _objection_text(entry: ChangeEntry, as_of: date) -> str:
    closes = entry.change.objection_closes
    if not entry.change.starts or closes is None or entry.status is ChangeStatus.WITHDRAWN:
        return "—"
    if entry.objection_open(as_of):
        return f"Closes on {time_tag(closes)} ({plural(entry.objection_days_left(as_of), 'day')} left)"
    return f"Closed on {time_tag(closes)}"
