"""HTML bodies of the BAA section's pages: current, revision, history, compare.

Each function takes the timeline, the plan and already-rendered fragments
(document HTML, redline HTML) and returns the page body. All revision text is
escaped here or was sanitised by :mod:`amend.document_html`. Every page works
without JavaScript; the small script only corrects a stale build's banner and
makes the pair picker jump straight to a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from .dates import format_date, time_tag
from .model import Revision, Status
from .siteplan import Pair, SitePlan, relative_url
from .timeline import Entry, Period, Timeline

STATUS_LABELS = {
    Status.DRAFT: "Draft",
    Status.UPCOMING: "Upcoming",
    Status.IN_FORCE: "In force",
    Status.SUPERSEDED: "Superseded",
    Status.WITHDRAWN: "Withdrawn",
}


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def badge(status: Status) -> str:
    slug = status.value.replace(" ", "-")
    return f'<span class="amend-badge amend-badge--{slug}">{STATUS_LABELS[status]}</span>'


class _Links:
    """Relative links from one page to the others."""

    def __init__(self, plan: SitePlan, here: str) -> None:
        self.plan = plan
        self.here = here
        self.urls = plan.urls

    def to(self, url: str) -> str:
        return escape(relative_url(self.here, url))

    def revision(self, rev: str) -> str:
        return self.to(self.urls.revision(rev))

    def pdf(self, rev: str) -> str:
        """The revision's PDF as readers should get it: the re-issued file, when it was re-issued."""
        return self.to(self.plan.current_file(self.urls.pdf(rev)))

    def docx(self, rev: str) -> str:
        return self.to(self.urls.docx(rev))

    def compare(self, old: str, new: str) -> str:
        return self.to(self.urls.compare(old, new))


def starts_on(day: date, plan: SitePlan) -> str:
    """``at 00:00 Eastern Time on <time>December 17, 2026</time>``: when a dated event happens."""
    return f"at 00:00 {escape(plan.zone_label)} on {time_tag(day)}"


def render_banner(timeline: Timeline, plan: SitePlan, here: str) -> str:
    """The notice-window banner for each upcoming revision (empty when none)."""
    links = _Links(plan, here)
    in_force = timeline.in_force
    parts: list[str] = []
    for entry in timeline.upcoming:
        rev = entry.revision
        days = entry.days_left(timeline.as_of)
        redline = ""
        if in_force is not None and plan.has_compare(in_force.id, rev.id):
            redline = f' · <a href="{links.compare(in_force.id, rev.id)}">See what changes</a>'
        parts.append(
            f'<aside class="amend-banner" role="note" aria-label="Upcoming revision" '
            f'data-amend-effective="{rev.effective.isoformat()}" data-amend-revision="{escape(rev.id)}" '
            f'data-amend-zone="{escape(plan.zone)}">'
            '<p class="amend-banner__title"><strong>An amended agreement takes effect '
            f"{starts_on(rev.effective, plan)}.</strong></p>"
            f'<p class="amend-banner__status" data-amend-stale-text="Revision {escape(rev.id)} took effect on '
            f"{format_date(rev.effective)}; this page was built on {format_date(timeline.as_of)} "
            'and may be out of date.">'
            f"Revision {escape(rev.id)} was posted on {time_tag(rev.posted)}: "
            f"{plural(days, 'day')} left in the notice window.</p>"
            f'<p class="amend-banner__summary">{escape(rev.summary)}</p>'
            f'<p class="amend-banner__links"><a href="{links.revision(rev.id)}">Read revision {escape(rev.id)}</a>'
            f'{redline} · <a href="{links.pdf(rev.id)}">Download PDF</a> · '
            f'<a href="{links.docx(rev.id)}">Word</a></p>'
            "</aside>"
        )
    return "\n".join(parts)


def _dates_line(rev: Revision) -> str:
    return (
        f'<p class="amend-dates">Posted {time_tag(rev.posted)} · Effective {time_tag(rev.effective)} · '
        f"{plural(rev.notice_days, 'day')} of notice</p>"
    )


def render_revision_header(entry: Entry, timeline: Timeline, plan: SitePlan, here: str) -> str:
    """Status, dates, downloads and neighbours of one revision."""
    links = _Links(plan, here)
    rev = entry.revision
    notes: list[str] = []
    if entry.status is Status.UPCOMING:
        notes.append(
            f"Takes effect {starts_on(rev.effective, plan)}, in {plural(entry.days_left(timeline.as_of), 'day')}."
        )
    if entry.status is Status.SUPERSEDED and entry.superseded_by is not None:
        newer = entry.superseded_by
        notes.append(
            f'Superseded by <a href="{links.revision(newer.id)}">revision {escape(newer.id)}</a> '
            f"on {time_tag(newer.effective)}."
        )
    if entry.status is Status.IN_FORCE:
        notes.append(f"In force since {time_tag(rev.effective)}.")
    if entry.status is Status.WITHDRAWN and entry.withdrawal is not None:
        notes.append(
            f"Withdrawn on {time_tag(entry.withdrawal.day)}: it never took effect, and the notice it gave no longer "
            f"counts. Why: {escape(entry.withdrawal.reason)}"
        )
    reissue = plan.reissue_of(plan.urls.pdf(rev.id))
    if reissue is not None:
        first, _, day, reason = reissue
        notes.append(
            f"The PDF was re-issued on {time_tag(date.fromisoformat(day))}: {escape(reason)} The PDF first published "
            f'stays available, unchanged: <a href="{links.to(first)}">PDF as first published</a> '
            "(both are listed in SHA256SUMS)."
        )
    actions = [
        f'<a class="md-button md-button--primary" href="{links.pdf(rev.id)}" download>Download PDF</a>',
        f'<a class="md-button" href="{links.docx(rev.id)}" download>Download Word</a>',
    ]
    if entry.previous is not None and plan.has_compare(entry.previous.id, rev.id):
        actions.append(
            f'<a class="md-button" href="{links.compare(entry.previous.id, rev.id)}">'
            f"Changes from {escape(entry.previous.id)}</a>"
        )
    if plan.has_notice(rev.id):
        actions.append(f'<a class="md-button" href="{links.to(plan.urls.notice(rev.id))}">Notice to customers</a>')
    actions.append(f'<a class="md-button" href="{links.to(plan.urls.history())}">All revisions</a>')
    return (
        '<header class="amend-revision-header">'
        f'<p class="amend-revision-line">Revision {escape(rev.id)} {badge(entry.status)} '
        f'<span class="amend-as-of">as of {time_tag(timeline.as_of)}</span></p>'
        f"{_dates_line(rev)}"
        + "".join(f'<p class="amend-note">{note}</p>' for note in notes)
        + f'<p class="amend-summary"><span class="amend-summary__label">What changed:</span> {escape(rev.summary)}</p>'
        f'<p class="amend-actions">{" ".join(actions)}</p>'
        "</header>"
    )


def render_document(document_html: str) -> str:
    return f'<article class="amend-document" lang="en">\n{document_html}\n</article>'


def render_current_page(timeline: Timeline, plan: SitePlan, document_html: str | None) -> str:
    """``security/baa/``: the revision in force, the banner, and every revision."""
    here = plan.urls.current()
    links = _Links(plan, here)
    current = timeline.in_force
    parts = [render_banner(timeline, plan, here)]
    if current is None:
        parts.append(
            '<p class="amend-empty">No revision is in force yet. '
            f'See the <a href="{links.to(plan.urls.history())}">revision history</a>.</p>'
        )
    else:
        rev = current.revision
        parts.append(
            '<header class="amend-revision-header">'
            f'<p class="amend-latest">Latest revision: {time_tag(rev.effective)} · '
            f'<a href="{links.pdf(rev.id)}" download>Download PDF</a> · '
            f'<a href="{links.docx(rev.id)}" download>Word</a></p>'
            f'<p class="amend-revision-line">Revision {escape(rev.id)} {badge(current.status)} '
            f'<span class="amend-as-of">as of {time_tag(timeline.as_of)}</span></p>'
            f"{_dates_line(rev)}"
            f'<p class="amend-note">This is the agreement in force on {time_tag(timeline.as_of)}, the day this page '
            "was built. Its permanent address is "
            f'<a href="{links.revision(rev.id)}">revision {escape(rev.id)}</a>.</p>'
            "</header>"
        )
        if document_html is not None:
            parts.append(render_document(document_html))
    parts.append('<h2 id="all-revisions">All revisions</h2>')
    parts.append(render_revision_list(timeline, plan, here))
    parts.append(render_subscribe(plan, here))
    return "\n".join(p for p in parts if p)


def render_revision_list(timeline: Timeline, plan: SitePlan, here: str) -> str:
    links = _Links(plan, here)
    items = []
    for entry in reversed(timeline.published):
        rev = entry.revision
        compare = ""
        if entry.previous is not None and plan.has_compare(entry.previous.id, rev.id):
            compare = f' · <a href="{links.compare(entry.previous.id, rev.id)}">changes</a>'
        items.append(
            f'<li><a href="{links.revision(rev.id)}">Revision {escape(rev.id)}</a> {badge(entry.status)} '
            f"effective {time_tag(rev.effective)} · "
            f'<a href="{links.pdf(rev.id)}">PDF</a> · <a href="{links.docx(rev.id)}">Word</a>{compare}</li>'
        )
    return '<ul class="amend-revision-list">' + "".join(items) + "</ul>"


def render_subscribe(plan: SitePlan, here: str) -> str:
    links = _Links(plan, here)
    register = ""
    if plan.register_url is not None:
        register = (
            '<p class="amend-subscribe">The subcontractors that may handle protected health information are on the '
            f'<a href="{links.to(plan.register_url)}">subprocessor list</a>, '
            "with their own notice and objection window.</p>"
        )
    return register + (
        '<p class="amend-subscribe">Get notice of every amendment: '
        f'<a href="{links.to(plan.urls.feed())}">Atom feed</a> · '
        f'<a href="{links.to(plan.urls.calendar())}">calendar</a> · '
        f'<a href="{links.to(plan.urls.versions())}">versions.json</a> · '
        f'<a href="{links.to(plan.urls.checksums())}">checksums of the PDF and Word files</a> · '
        f'<a href="{links.to(plan.urls.notices())}">notices emailed to customers</a></p>'
    )


def render_revision_page(entry: Entry, timeline: Timeline, plan: SitePlan, document_html: str) -> str:
    here = plan.urls.revision(entry.id)
    banner = render_banner(timeline, plan, here) if entry.status is not Status.UPCOMING else ""
    parts = (
        banner,
        render_revision_header(entry, timeline, plan, here),
        render_document(document_html),
        render_subscribe(plan, here),
    )
    return "\n".join(p for p in parts if p)


def render_history_page(timeline: Timeline, plan: SitePlan) -> str:
    """Every revision, newest first: status, posted, effective, superseded on, notice given, summary, links."""
    here = plan.urls.history()
    links = _Links(plan, here)
    periods = {period.entry.id: period for period in timeline.periods()}
    items = []
    for entry in reversed(timeline.published):
        rev = entry.revision
        superseded = time_tag(entry.superseded_by.effective) if entry.superseded_by else "—"
        notice = (
            plural(rev.notice_days, "day")
            if entry.previous is not None
            else f"{plural(rev.notice_days, 'day')} (the first revision)"
        )
        actions = [
            f'<a href="{links.revision(rev.id)}">Read revision {escape(rev.id)}</a>',
            f'<a href="{links.pdf(rev.id)}">PDF</a>',
            f'<a href="{links.docx(rev.id)}">Word</a>',
        ]
        if entry.previous is not None and plan.has_compare(entry.previous.id, rev.id):
            actions.append(
                f'<a href="{links.compare(entry.previous.id, rev.id)}">Changes from {escape(entry.previous.id)}</a>'
            )
        if plan.has_notice(rev.id):
            actions.append(f'<a href="{links.to(plan.urls.notice(rev.id))}">Notice to customers</a>')
        items.append(
            f'<li class="amend-timeline__item" id="revision-{escape(rev.id)}">'
            f'<h2 class="amend-timeline__title">Revision {escape(rev.id)} {badge(entry.status)}</h2>'
            '<dl class="amend-timeline__dates">'
            f"<div><dt>Posted</dt><dd>{time_tag(rev.posted)}</dd></div>"
            f"<div><dt>Effective</dt><dd>{time_tag(rev.effective)}</dd></div>"
            f"<div><dt>Superseded on</dt><dd>{superseded}</dd></div>"
            f"<div><dt>In force</dt><dd>{in_force_text(periods.get(rev.id))}</dd></div>"
            f"<div><dt>Notice given</dt><dd>{notice}</dd></div>"
            "</dl>"
            f'<p class="amend-timeline__summary">{escape(rev.summary)}</p>'
            f'<p class="amend-timeline__links">{" · ".join(actions)}</p>'
            "</li>"
        )
    intro = (
        f'<p class="amend-note">Every revision of the agreement as of {time_tag(timeline.as_of)}, newest first. '
        f"Every amendment is posted at least {plural(timeline.notice_days, 'day')} before it takes effect.</p>"
    )
    timeline_list = '<ol class="amend-timeline" reversed>' + "".join(items) + "</ol>"
    parts = (
        render_banner(timeline, plan, here),
        intro,
        render_on_date(timeline, plan, here),
        timeline_list,
        render_subscribe(plan, here),
    )
    return "\n".join(p for p in parts if p)


ON_DATE_TITLE = "amend-on-date-title"
EN_DASH = "\u2013"  # a range of dates, as typeset


def in_force_text(period: Period | None) -> str:
    return period_text(period) if period is not None else "never (withdrawn before it took effect)"


def period_text(period: Period) -> str:
    """``March 1, 2024 to April 14, 2025 (410 days)`` (an en dash between), or ``from … on`` while open-ended."""
    if period.end is None or period.days is None:
        return f"from {time_tag(period.start)} on, until a later revision takes effect"
    return f"{time_tag(period.start)} {EN_DASH} {time_tag(period.end)} ({plural(period.days, 'day')})"


def render_on_date(timeline: Timeline, plan: SitePlan, here: str) -> str:
    """Which revision bound us on D: a date form and, always, the table of days each revision is in force.

    Without JavaScript the form leads to the table, which answers the question
    by itself; with it, the script finds the row for the date and opens that
    revision (SPEC "The site": every page works without JavaScript).
    """
    links = _Links(plan, here)
    periods = timeline.periods()
    if not periods:
        return ""
    rows = []
    for period in periods:
        rev_id = period.entry.id
        until = time_tag(period.end) if period.end is not None else "no later revision yet"
        days = plural(period.days, "day") if period.days is not None else "—"
        rows.append(
            f'<tr data-amend-from="{period.start.isoformat()}" '
            f'data-amend-until="{period.end.isoformat() if period.end else ""}" '
            f'data-amend-revision="{escape(rev_id)}" data-amend-href="{links.revision(rev_id)}">'
            f'<th scope="row"><a href="{links.revision(rev_id)}">{escape(rev_id)}</a></th>'
            f"<td>{time_tag(period.start)}</td><td>{until}</td><td>{days}</td></tr>"
        )
    first = periods[0].start
    return (
        f'<section class="amend-on-date" aria-labelledby="{ON_DATE_TITLE}">'
        f'<h2 id="{ON_DATE_TITLE}">The agreement on a date</h2>'
        '<p class="amend-note">Which revision bound the parties on a given day: each revision is in force from its '
        "effective date until the day before the next one takes effect.</p>"
        '<form class="amend-on-date__form" data-amend-on-date action="#amend-periods" method="get">'
        f'<label>Date <input type="date" name="on" min="{first.isoformat()}" required></label> '
        '<button class="md-button" type="submit">Show the revision</button> '
        '<output class="amend-on-date__answer" aria-live="polite"></output>'
        "</form>"
        '<div class="amend-table-wrap"><table class="amend-periods" id="amend-periods">'
        "<caption>Days each revision is in force</caption>"
        '<thead><tr><th scope="col">Revision</th><th scope="col">In force from</th>'
        '<th scope="col">Until (inclusive)</th><th scope="col">Days</th></tr></thead>'
        "<tbody>" + "".join(rows) + "</tbody></table></div>"
        "</section>"
    )


def render_pair_picker(timeline: Timeline, plan: SitePlan, here: str, selected: Pair | None) -> str:
    """Two selects that jump to a compare page (with script) and, always, a link to every pair."""
    links = _Links(plan, here)
    ids = [e.id for e in timeline.published]

    def options(chosen: str | None) -> str:
        return "".join(
            f'<option value="{escape(i)}"{" selected" if i == chosen else ""}>{escape(i)}</option>' for i in ids
        )

    if selected is None and len(ids) >= 2:
        selected = Pair(ids[-2], ids[-1])  # the latest change is what most readers come for

    base = escape(relative_url(here, plan.urls.compare_index()))
    return (
        f'<form class="amend-picker" data-amend-compare-base="{base}" action="{base}" method="get">'
        '<label>From <select name="from">' + options(selected.old if selected else None) + "</select></label> "
        '<label>to <select name="to">' + options(selected.new if selected else None) + "</select></label> "
        '<button class="md-button" type="submit">Compare</button>'
        f' <a href="{links.to(plan.urls.compare_index())}">every pair</a>'
        "</form>"
    )


def render_compare_index(timeline: Timeline, plan: SitePlan) -> str:
    """``security/baa/compare/``: a link to every compare page, newest first."""
    here = plan.urls.compare_index()
    links = _Links(plan, here)
    by_new: dict[str, list[str]] = {}
    for pair in plan.compare_pages:
        by_new.setdefault(pair.new, []).append(pair.old)
    items = []
    for new in sorted(by_new, reverse=True):
        olds = ", ".join(
            f'<a href="{links.compare(old, new)}">from {escape(old)}</a>' for old in sorted(by_new[new], reverse=True)
        )
        items.append(f"<li>Revision {escape(new)}: {olds}</li>")
    return render_pair_picker(timeline, plan, here, None) + '<ul class="amend-pair-list">' + "".join(items) + "</ul>"


def render_compare_page(
    old: Entry, new: Entry, timeline: Timeline, plan: SitePlan, redline_html: str, pdf_available: bool
) -> str:
    here = plan.urls.compare(old.id, new.id)
    links = _Links(plan, here)
    pdf = ""
    if pdf_available:
        pdf_url = plan.current_file(plan.urls.compare_pdf(old.id, new.id))
        pdf = f' <a class="md-button md-button--primary" href="{links.to(pdf_url)}" download>Download redline PDF</a>'
        pdf += (
            f' <a class="md-button" href="{links.to(plan.urls.compare_docx(old.id, new.id))}" '
            "download>Download redline (Word, tracked changes)</a>"
        )
    head = (
        '<header class="amend-compare-header">'
        f'<p>From <a href="{links.revision(old.id)}">revision {escape(old.id)}</a> {badge(old.status)} '
        f"(effective {time_tag(old.revision.effective)}) to "
        f'<a href="{links.revision(new.id)}">revision {escape(new.id)}</a> {badge(new.status)} '
        f"(effective {time_tag(new.revision.effective)}).{pdf}</p>"
        f'<p class="amend-summary"><span class="amend-summary__label">Summary of revision {escape(new.id)}:</span> '
        f"{escape(new.revision.summary)}</p>"
        "</header>"
    )
    return "\n".join([render_pair_picker(timeline, plan, here, Pair(old.id, new.id)), head, redline_html])


def render_verify_page(timeline: Timeline, plan: SitePlan) -> str:
    """``security/baa/verify/``: is this file one we published? Hashed in the reader's browser, never sent.

    The script computes the file's SHA-256 with Web Crypto and looks it up in
    ``versions.json`` (the same lookup as ``amend verify``). Without script the
    form stays hidden and the page says how to compare a checksum by hand.
    """
    here = plan.urls.verify()
    links = _Links(plan, here)
    root = escape(relative_url(here, "index.html").removesuffix("index.html"))
    latest = timeline.latest
    example = f"{latest.id}.pdf" if latest is not None else "FILE.pdf"
    return (
        '<p class="amend-note">Were you sent a copy of the agreement or of a redline? Choose the file here to learn '
        "whether it is one we published, and which. Your browser computes the file's SHA-256 fingerprint itself and "
        f'looks it up in the <a href="{links.to(plan.urls.versions())}">list of published files</a>: '
        "the file is not uploaded or sent anywhere.</p>"
        f'<form class="amend-verify" data-amend-verify data-amend-versions="{links.to(plan.urls.versions())}" '
        f'data-amend-root="{root}" hidden>'
        '<div class="amend-verify__drop">'
        '<label class="amend-verify__label" for="amend-verify-file">Choose a file to check</label>'
        '<input type="file" id="amend-verify-file" name="file" '
        'accept=".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document">'
        '<p class="amend-verify__hint">or drop it here. Nothing leaves your computer.</p>'
        "</div>"
        '<output class="amend-verify__answer" for="amend-verify-file" aria-live="polite"></output>'
        "</form>"
        '<p class="amend-note amend-verify__noscript">This check runs in your browser with JavaScript, which is off '
        "here. You can compare the fingerprint by hand, as below.</p>"
        '<h2 id="by-hand">Check a file by hand</h2>'
        "<p>Compute the file's SHA-256 and look for it in "
        f'<a href="{links.to(plan.urls.checksums())}">SHA256SUMS</a> or in '
        f'<a href="{links.to(plan.urls.versions())}">versions.json</a>:</p>'
        '<ul class="amend-verify__commands">'
        f"<li>Linux: <code>sha256sum {escape(example)}</code></li>"
        f"<li>macOS: <code>shasum -a 256 {escape(example)}</code></li>"
        f"<li>Windows: <code>certutil -hashfile {escape(example)} SHA256</code></li>"
        f"<li>With amend: <code>amend verify {escape(example)} --site site/</code></li>"
        "</ul>"
        "<p>A file that was re-saved, printed to PDF again or changed in any way has another fingerprint: "
        f'download the original from the <a href="{links.to(plan.urls.history())}">revision history</a>.</p>'
    )


def page_title(kind: str, title: str, revision: str | None = None, other: str | None = None) -> str:
    if kind == "revision":
        return f"{title}, revision {revision}"
    if kind == "history":
        return f"{title}: revision history"
    if kind == "compare":
        return f"{title}: changes from {revision} to {other}"
    if kind == "compare-index":
        return f"{title}: compare revisions"
    if kind == "verify":
        return f"{title}: verify your copy"
    if kind == "clause-index":
        return f"{title}: clause by clause"
    if kind == "clause":
        return f"{title}: {revision}, every revision"
    return title


def revision_ids(entries: Sequence[Entry]) -> list[str]:
    return [e.id for e in entries]
