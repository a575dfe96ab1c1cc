"""HTML bodies of the clause pages: one clause through every revision, and the index of clauses.

Takes histories from :mod:`amend.clausehistory`, the timeline, the plan and
already-rendered document HTML; returns page bodies. Also adds the link to a
clause's history beside each clause heading of a revision page and a compare
page (post-processing their HTML, so the cached fragments stay as they are).
Revision text was sanitised by :mod:`amend.document_html`; everything else
is escaped here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from html import escape

from .clausehistory import Appearance, ClauseHistories, ClauseHistory
from .dates import time_tag
from .document_html import find_element
from .model import printed_number
from .pages import badge, plural
from .siteplan import SitePlan, relative_url
from .timeline import Timeline

_HEADING = re.compile(r"<(/?)h([1-5])\b")
_IDS = re.compile(r'\b(id|aria-labelledby)="([^"]*)"')
_OWN_FRAGMENT = re.compile(r'href="#([^"]*)"')


def clause_section(document_html: str, clause_id: str) -> str:
    """The ``<section>`` of one clause in a rendered document, sub-clauses included ('' when absent)."""
    found = find_element(document_html, clause_id)
    return document_html[found[0] : found[3]] if found is not None else ""


def namespaced(html: str, prefix: str) -> str:
    """``html`` with its ids, and the links to them, prefixed: one page can show one clause several times."""
    html = _IDS.sub(lambda m: f'{m.group(1)}="{prefix}{m.group(2)}"', html)
    return _OWN_FRAGMENT.sub(lambda m: f'href="#{prefix}{m.group(1)}"', html)


def demoted(html: str, levels: int = 1) -> str:
    """Headings one level down: a clause's ``h2`` sits under the page's ``h2`` for its revision."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + levels)}", html)


def _label(appearance: Appearance) -> str:
    clause = appearance.clause
    return " ".join(part for part in (printed_number(clause.number), clause.title) if part)


def page_label(history: ClauseHistory) -> str:
    """The clause as its latest revision prints it: ``7. Incident & Breach Reporting``."""
    return _label(history.latest)


def _step_text(history: ClauseHistory, index: int, here: str, plan: SitePlan) -> str:
    appearance = history.appearances[index]
    step = appearance.step
    if step is None:
        return "In the agreement since its first revision." if index == 0 else "First appears in this revision."
    previous = history.appearances[index - 1] if index > 0 else None
    if previous is None:
        return "Added in this revision."
    prev_id = escape(previous.revision)
    notes = []
    if (previous.clause.number or "") != (appearance.clause.number or ""):
        notes.append(
            f"renumbered from {escape(previous.clause.number or 'no number')} "
            f"to {escape(appearance.clause.number or 'no number')}"
        )
    if previous.clause.title != appearance.clause.title:
        notes.append(f"retitled from “{escape(previous.clause.title)}”")
    extra = f" ({'; '.join(notes)})" if notes else ""
    compare = ""
    if plan.has_compare(previous.revision, appearance.revision):
        link = escape(relative_url(here, plan.urls.compare(previous.revision, appearance.revision)))
        compare = f' <a href="{link}">Every change in revision {escape(appearance.revision)}</a>.'
    if step.changed:
        return f"Changed from revision {prev_id}{extra}:{compare}"
    return f"Wording unchanged from revision {prev_id}{extra}.{compare}"


def render_clause_page(
    history: ClauseHistory, timeline: Timeline, plan: SitePlan, document_html: Callable[[str], str]
) -> str:
    """``clauses/<key>/``: the clause in every revision that has it, newest first, with the redline of each change."""
    here = plan.urls.clause(history.key)
    index_href = escape(relative_url(here, plan.urls.clauses()))
    count = len(history.appearances)
    intro = (
        f'<p class="amend-note">Clause {escape(page_label(history))} in each of the {plural(count, "revision")} '
        "that have it, newest first, with what changed each time. It is followed by its place in the agreement, "
        "not by its number or title, so a renumbered or retitled clause keeps one history. "
        f"Its wording changed {plural(history.changes, 'time')}. "
        f'<a href="{index_href}">Every clause</a>.</p>'
    )
    parts = [intro]
    if history.removed_in is not None and history.removed_in_revision is not None:
        removed = history.removed_in_revision
        entry = timeline.entry(removed)
        when = f" (effective {time_tag(entry.revision.effective)})" if entry is not None else ""
        moved = history.removed_in.moved_to
        where = f" Its text now stands in {escape(moved)}." if moved else ""
        link = escape(relative_url(here, plan.urls.revision(removed)))
        parts.append(
            '<p class="amend-note amend-clause-removed"><strong>No longer in the agreement:</strong> removed in '
            f'<a href="{link}">revision {escape(removed)}</a>{when}.{where}</p>'
        )
    latest = len(history.appearances) - 1
    for index in range(latest, -1, -1):
        parts.append(_appearance(history, index, index == latest, timeline, plan, here, document_html))
    return "\n".join(parts)


def _appearance(
    history: ClauseHistory,
    index: int,
    newest: bool,
    timeline: Timeline,
    plan: SitePlan,
    here: str,
    document_html: Callable[[str], str],
) -> str:
    appearance = history.appearances[index]
    rev = appearance.revision
    entry = timeline.entry(rev)
    status = badge(entry.status) if entry is not None else ""
    effective = f"Effective {time_tag(entry.revision.effective)} · " if entry is not None else ""
    anchor = f"in-{escape(rev)}"
    revision_href = escape(relative_url(here, plan.urls.revision(rev)) + "#" + appearance.clause.id)
    step = appearance.step
    redline = ""
    if step is not None and step.html and step.changed:
        redline = f'<div class="amend-rl amend-clause-history__redline">{namespaced(step.html, f"{rev}-")}</div>'
    text = demoted(namespaced(clause_section(document_html(rev), appearance.clause.id), f"{rev}-"))
    text_block = (
        f'<details class="amend-clause-history__text"{" open" if newest else ""}>'
        f"<summary>Its text in revision {escape(rev)}</summary>"
        f'<div class="amend-document" lang="en">{text}</div></details>'
    )
    return (
        f'<section class="amend-clause-history" id="{anchor}" aria-labelledby="{anchor}-title">'
        f'<h2 class="amend-clause-history__title" id="{anchor}-title">Revision {escape(rev)}: '
        f"{escape(_label(appearance))} {status}</h2>"
        f'<p class="amend-dates">{effective}<a href="{revision_href}">Read it in revision {escape(rev)}</a></p>'
        f'<p class="amend-clause-history__step">{_step_text(history, index, here, plan)}</p>'
        f"{redline}{text_block}</section>"
    )


def render_clause_index(histories: ClauseHistories, plan: SitePlan) -> str:
    """``clauses/``: every clause, in the latest revision's order, with how often its wording changed."""
    here = plan.urls.clauses()
    rows = []
    for history in histories.histories:
        first, last = history.first.revision, history.latest.revision
        span = _nowrap(first) if first == last else f"{_nowrap(first)} to {_nowrap(last)}"
        span += f" ({plural(len(history.appearances), 'revision')})"
        if history.removed_in_revision is not None:
            span += f"; removed in {_nowrap(history.removed_in_revision)}"
        last_changed = _nowrap(history.last_changed) if history.last_changed else "—"
        link = escape(relative_url(here, plan.urls.clause(history.key)))
        rows.append(
            f'<tr><th scope="row"><a href="{link}">{escape(page_label(history))}</a>'
            f'<span class="amend-clause-index__span">{span}</span></th>'
            f"<td>{plural(history.changes, 'change')}</td><td>{last_changed}</td></tr>"
        )
    return (
        '<p class="amend-note">Every clause of the agreement, in the order of the latest revision, with the '
        "revisions that have it and how often its wording changed. Open a clause to read it in every revision, "
        "with the redline of each change. Clauses that are no longer in the agreement come last.</p>"
        '<div class="amend-table-wrap"><table class="amend-periods amend-clause-index">'
        "<caption>Clauses and their changes</caption>"
        '<thead><tr><th scope="col">Clause, and the revisions that have it</th>'
        '<th scope="col">Wording changed</th><th scope="col">Last changed in</th></tr></thead>'
        "<tbody>" + "".join(rows) + "</tbody></table></div>"
    )


def _nowrap(text: str) -> str:
    return f'<span class="amend-nowrap">{escape(text)}</span>'


# --- links from clause headings to their history ---------------------------------------------------

_PERMALINK = re.compile(
    r'(<a aria-label="Link to clause (?P<label>[^"]*)" class="amend-permalink" href="#(?P<id>[^"]+)">#</a>)'
    r"(?=</h[1-6]>)"
)


def link_document_headings(document_html: str, hrefs: Mapping[str, str]) -> str:
    """Beside each top-level clause's permalink, a link to the clause's history (``hrefs``: clause id → href)."""

    def add(match: re.Match[str]) -> str:
        href = hrefs.get(match.group("id"))
        if href is None:
            return match.group(0)
        return (
            f'{match.group(1)}<a class="amend-history-link" href="{escape(href)}" '
            f'aria-label="History of clause {match.group("label")}">history</a>'
        )

    return _PERMALINK.sub(add, document_html)


def link_redline_headings(redline_html: str, href_of: Callable[[str], str | None]) -> str:
    """After a compare page's clause links ("in A · in B"), a link to the clause's history.

    ``href_of`` takes the element id of a redline entry (``rl-<id>`` or
    ``rl-removed-<id>``) and gives the history's address, or None for entries
    that have none (sub-clauses, the preamble).
    """
    out: list[str] = []
    index = 0
    for match in _ENTRY.finditer(redline_html):
        if match.start() < index:
            continue
        href = href_of(match.group(1))
        if href is None:
            continue
        links = redline_html.find('class="amend-rl-links">', match.end())
        if links < 0:
            continue
        ends = [i for i in (redline_html.find("</span>", links), redline_html.find("</p>", links)) if i >= 0]
        if not ends:
            continue
        end = min(ends)
        out.append(redline_html[index:end])
        out.append(f' · <a class="amend-history-link" href="{escape(href)}">history</a>')
        index = end
    out.append(redline_html[index:])
    return "".join(out)


_ENTRY = re.compile(r'<(?:section|details) class="amend-rl-clause[^"]*" id="(rl-[^"]+)"')
