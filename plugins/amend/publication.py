"""The BAA section as it will be published: its pages, their bodies and its files.

MkDocs-free on purpose: the plugin asks this module what to write and writes
it, so the same publication could be written out by another generator. Page
bodies are rendered on demand and memoised per build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from . import clause_pages, pages
from .archive import Reissue, load_reissues
from .clausehistory import ClauseHistories, Step, diff_steps, trace_clauses
from .diff import diff_documents
from .diffviews import clause_anchor, clause_label, is_open, render_html
from .document_html import TocEntry, render_document_html, toc_entries
from .fragments import FragmentCache, key_of, sources_digest
from .ledger import Ledger, load_ledger
from .manifest import render_checksums, render_versions_json
from .model import Revision, Withdrawal
from .notice_pages import render_notice_page, render_notices_index
from .notices import Notice, build_notices, find_notice
from .pdfcache import PdfJob, redline_job, redline_word_job, revision_job, revision_word_job
from .problems import Problem
from .register import Register, check_baa_clause, load_register
from .register_pages import render_register_page
from .revisions import load_revisions
from .settings import Settings
from .siteplan import Pair, SitePlan, page_source, plan_site, relative_url
from .timeline import Timeline, build_timeline
from .withdrawals import check_withdrawals, load_withdrawals

if TYPE_CHECKING:
    from .signing import SigningKey

# The code a compare page's redline comes from: a change to it renders every redline again.
REDLINE_CODE = sources_digest(["diffviews", "diff"])
# The code a notice page comes from: its flags are a redline's, its page and its record are its own.
NOTICE_CODE = sources_digest(["notices", "notice_pages", "ledger"])
# The same for the clause histories' steps between adjacent revisions.
CLAUSE_CODE = sources_digest(["clausehistory"])


@dataclass(frozen=True, slots=True)
class Redline:
    """A compare page's redline body and its outline entries."""

    html: str
    outline: tuple[TocEntry, ...]


TOP = "amend-top"
TOP_LABELS = {
    "current": "Status and downloads",
    "revision": "Status and downloads",
    "history": "About this history",
    "compare": "Summary",
    "compare-index": "Pick two revisions",
    "register": "About the list",
    "notice": "About this notice",
    "notices": "About the notices",
    "verify": "Check a file",
    "clause": "About this clause",
    "clause-index": "About the clauses",
}
# Pages the navigation lists; every other page is reached through links.
LISTED = ("current", "history", "compare-index", "clause-index", "verify", "register", "notices")


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page to generate: where it lives, its title and how to render its body."""

    url: str
    kind: str  # "current", "revision", "history", "compare", "compare-index", "clause", "clause-index", …
    title: str
    revision: str | None = None
    other: str | None = None
    clause: str | None = None  # a clause history's key

    @property
    def src_uri(self) -> str:
        return page_source(self.url)

    @property
    def listed(self) -> bool:
        return self.kind in LISTED

    @property
    def searchable(self) -> bool:
        """Compare pages repeat two revisions' text: searching them would bury the revisions themselves."""
        return self.kind != "compare"


@dataclass
class Publication:
    settings: Settings
    timeline: Timeline
    plan: SitePlan
    revisions: dict[str, Revision]
    register: Register | None = None
    pages: list[PageSpec] = field(default_factory=list)
    _html: dict[str, str] = field(default_factory=dict, repr=False)
    fragments: FragmentCache | None = None  # compare-page redlines kept between builds
    notice_fragments: FragmentCache | None = None  # notice pages kept between builds (their flags need a diff)
    signing: SigningKey | None = None  # sign every PDF with this key (off by default)
    _redlines: dict[tuple[str, str], Redline] = field(default_factory=dict, repr=False)
    notices: tuple[Notice, ...] = ()  # every notice of a published revision or change (what `amend notice` knows)
    ledger: Ledger | None = None
    _histories: ClauseHistories | None = field(default=None, repr=False)
    reissues: tuple[Reissue, ...] = ()  # deliberate re-issues of published files (reissues.yml)

    @property
    def as_of(self) -> date:
        return self.timeline.as_of

    def document_html(self, revision_id: str) -> str:
        """A revision's body HTML, rendered once per build (the current page and its own page share it)."""
        if revision_id not in self._html:
            self._html[revision_id] = render_document_html(self.revisions[revision_id].document)
        return self._html[revision_id]

    def clause_histories(self) -> ClauseHistories:
        """Every clause followed through the published revisions; steps come from the fragment cache when they can."""
        if self._histories is None:
            urls = self.plan.urls
            revisions = [self.revisions[rev] for rev in self.plan.revisions]
            here = urls.clause("any")  # every clause page sits at this depth
            steps: list[list[Step]] = []
            for old, new in pairwise(revisions):
                old_href = relative_url(here, urls.revision(old.id))
                new_href = relative_url(here, urls.revision(new.id))
                key = key_of(CLAUSE_CODE, "clause-steps", old.document.body, new.document.body, old_href, new_href)
                cached = self.fragments.get(key) if self.fragments is not None else None
                rows = (cached or {}).get("steps")
                if isinstance(rows, list) and all(isinstance(row, list) and len(row) == 5 for row in rows):
                    steps.append([Step(*row) for row in rows])
                    continue
                found = diff_steps(old, new, old_href, new_href)
                if self.fragments is not None:
                    self.fragments.put(
                        key, {"steps": [[s.old_id, s.new_id, s.status, s.html, s.moved_to] for s in found]}
                    )
                steps.append(found)
            self._histories = trace_clauses(revisions, steps)
        return self._histories

    def history_href(self, here: str, revision: str, clause_id: str) -> str | None:
        """The link from page ``here`` to the history of a top-level clause of ``revision``."""
        key = self.clause_histories().key_of(revision, clause_id)
        return relative_url(here, self.plan.urls.clause(key)) if key is not None else None

    def linked_document_html(self, revision_id: str, here: str) -> str:
        """A revision's body with a link to each top-level clause's history beside its heading."""
        revision = self.revisions[revision_id]
        hrefs = {
            clause.id: href
            for clause in revision.document.clauses
            if (href := self.history_href(here, revision_id, clause.id)) is not None
        }
        return clause_pages.link_document_headings(self.document_html(revision_id), hrefs)

    def toc(self, spec: PageSpec) -> tuple[TocEntry, ...]:
        """The outline beside a page; its first entry is the top of the page's own content.

        The theme's "Skip to content" link goes to the first entry, so a reader
        who skips the navigation lands on the notice banner and the status, not
        past them on the first clause.
        """
        top = TocEntry(TOP, TOP_LABELS[spec.kind], 2, ())
        if spec.kind == "revision" and spec.revision:
            return (top, *toc_entries(self.revisions[spec.revision].document))
        if spec.kind == "current" and self.timeline.in_force is not None:
            return (top, *toc_entries(self.timeline.in_force.revision.document))
        if spec.kind == "history":
            return (
                top,
                TocEntry(pages.ON_DATE_TITLE, "The agreement on a date", 2, ()),
                *(TocEntry(f"revision-{e.id}", f"Revision {e.id}", 2, ()) for e in reversed(self.timeline.published)),
            )
        if spec.kind == "compare" and spec.revision and spec.other:
            return (top, *self.redline(spec.revision, spec.other).outline)
        if spec.kind == "notice":
            return (top, TocEntry("sending-record", "Sending record", 2, ()))
        if spec.kind == "verify":
            return (top, TocEntry("by-hand", "Check a file by hand", 2, ()))
        if spec.kind == "clause" and spec.clause:
            history = self.clause_histories().get(spec.clause)
            appearances = reversed(history.appearances) if history is not None else ()
            return (top, *(TocEntry(f"in-{a.revision}", f"Revision {a.revision}", 2, ()) for a in appearances))
        if spec.kind == "register":
            return (
                top,
                TocEntry("current-list", "Current list", 2, ()),
                TocEntry("history", "History of changes", 2, ()),
            )
        return (top,)

    def render_body(self, spec: PageSpec) -> str:
        """The page's HTML body, opened by the element the outline's first entry points to."""
        return f'<div id="{TOP}" class="amend-top"></div>\n{self._render_body(spec)}'

    def _render_body(self, spec: PageSpec) -> str:
        timeline, plan = self.timeline, self.plan
        if spec.kind == "current":
            current = timeline.in_force
            body = self.linked_document_html(current.id, plan.urls.current()) if current else None
            return pages.render_current_page(timeline, plan, body)
        if spec.kind == "history":
            return pages.render_history_page(timeline, plan)
        if spec.kind == "compare-index":
            return pages.render_compare_index(timeline, plan)
        if spec.kind == "verify":
            return pages.render_verify_page(timeline, plan)
        if spec.kind == "clause-index":
            return clause_pages.render_clause_index(self.clause_histories(), plan)
        if spec.kind == "clause" and spec.clause:
            history = self.clause_histories().get(spec.clause)
            assert history is not None
            return clause_pages.render_clause_page(history, timeline, plan, self.document_html)
        if spec.kind == "revision" and spec.revision:
            entry = timeline.entry(spec.revision)
            assert entry is not None
            body = self.linked_document_html(spec.revision, spec.url)
            return pages.render_revision_page(entry, timeline, plan, body)
        if spec.kind == "compare" and spec.revision and spec.other:
            return self.render_compare(spec.revision, spec.other)
        if spec.kind == "register" and self.register is not None:
            here = spec.url
            urls = plan.urls
            return render_register_page(
                self.register,
                self.as_of,
                baa_clause_href=relative_url(here, urls.current()) + "#" + self.register.baa_clause,
                feed_href=relative_url(here, urls.feed()),
                calendar_href=relative_url(here, urls.calendar()),
            )
        if spec.kind == "notice" and spec.revision:
            return self.render_notice(spec.revision)
        if spec.kind == "notices":
            assert self.ledger is not None
            return render_notices_index(self.public_notices, self.ledger, plan.urls, self.as_of)
        raise ValueError(f"unknown page kind {spec.kind!r}")

    @property
    def public_notices(self) -> tuple[Notice, ...]:
        """The notices with a public copy: each one the ledger records as sent, and each one due now.

        A notice of a revision that took effect before notices were emailed was
        never sent, so the site shows no copy of it: the copy is of what was sent.
        """
        return tuple(n for n in self.notices if n.id in self.plan.notices)

    def render_notice(self, notice_id: str) -> str:
        """A notice's public copy: from the fragment cache when nothing it shows changed (its flags need a diff)."""
        notice = find_notice(self.notices, notice_id)
        assert notice is not None and self.ledger is not None
        parts = [
            NOTICE_CODE,
            self.as_of.isoformat(),
            repr(self.ledger.sent(notice_id)),
            repr(replace(notice, compared=None)),
        ]
        if notice.compared is not None:
            parts += [revision.document.body for revision in notice.compared]
        key = key_of(*parts)
        cache = self.notice_fragments
        cached = cache.get(key) if cache is not None else None
        if cached is not None and isinstance(cached.get("html"), str):
            return str(cached["html"])
        html = render_notice_page(notice, self.ledger, self.plan.urls, self.as_of)
        if cache is not None:
            cache.put(key, {"html": html})
        return html

    def files(self) -> dict[str, bytes]:
        """The section's files that need no PDF: the Atom feed and the calendar."""
        from .feeds import render_atom
        from .ical import render_ics

        urls, title = self.plan.urls, self.settings.title
        site_url = self.settings.site_url
        register: dict[str, Any] = {}
        if self.register is not None and self.plan.register_url is not None:
            register = {"register": self.register, "register_path": self.plan.register_url}
        return {
            urls.feed(): render_atom(
                self.timeline,
                site_url,
                urls.prefix,
                title=title,
                author=self.settings.organization,
                has_compare=self.plan.has_compare,
                zone=self.settings.zone,
                **register,
            ),
            urls.calendar(): render_ics(
                self.timeline,
                site_url,
                urls.prefix,
                title=title,
                has_compare=self.plan.has_compare,
                zone=self.settings.zone,
                **register,
            ),
        }

    def finish(
        self, pdfs: dict[str, bytes], renderer: dict[str, str] | None = None, *, reissues: Sequence[Reissue] = ()
    ) -> dict[str, bytes]:
        """``versions.json`` and ``SHA256SUMS``, from the PDF and Word bytes as written, what made them, and the
        re-issued files."""
        urls = self.plan.urls
        return {
            urls.versions(): render_versions_json(
                self.timeline, self.plan, pdfs, self.settings.site_url, renderer, reissues=reissues
            ),
            urls.checksums(): render_checksums(pdfs, urls.prefix),
        }

    def pdf_jobs(self) -> list[PdfJob]:
        """Every PDF the section publishes: each revision, and the redlines the plan names."""
        paper, organization = self.settings.paper, self.settings.organization
        urls = self.plan.urls
        jobs = [
            revision_job(
                urls.pdf(rev), self.revisions[rev], paper=paper, organization=organization, signing=self.signing
            )
            for rev in self.plan.revisions
        ]
        jobs += [
            redline_job(
                urls.compare_pdf(pair.old, pair.new),
                self.revisions[pair.old],
                self.revisions[pair.new],
                paper=paper,
                organization=organization,
                signing=self.signing,
            )
            for pair in self.plan.redline_pdfs
        ]
        return jobs

    def word_jobs(self) -> list[PdfJob]:
        """Every Word file the section publishes, beside each PDF: each revision, each redline with tracked changes."""
        paper, organization = self.settings.paper, self.settings.organization
        urls = self.plan.urls
        jobs = [
            revision_word_job(urls.docx(rev), self.revisions[rev], paper=paper, organization=organization)
            for rev in self.plan.revisions
        ]
        jobs += [
            redline_word_job(
                urls.compare_docx(pair.old, pair.new),
                self.revisions[pair.old],
                self.revisions[pair.new],
                paper=paper,
                organization=organization,
            )
            for pair in self.plan.redline_pdfs
        ]
        return jobs

    def redline(self, old_id: str, new_id: str) -> Redline:
        """A pair's redline HTML and outline: from memory, else the fragment cache, else diffed now.

        The page's outline is asked for first and its body last, so the body takes
        the entry out of memory: only the pair being written stays alive.
        """
        pair = (old_id, new_id)
        if pair in self._redlines:
            return self._redlines[pair]
        old, new = self.revisions[old_id], self.revisions[new_id]
        here = self.plan.urls.compare(old_id, new_id)
        old_href = relative_url(here, self.plan.urls.revision(old_id))
        new_href = relative_url(here, self.plan.urls.revision(new_id))
        key = key_of(REDLINE_CODE, old.document.body, new.document.body, old_href, new_href)
        cached = self.fragments.get(key) if self.fragments is not None else None
        html, rows = (cached or {}).get("html"), (cached or {}).get("outline")
        if isinstance(html, str) and isinstance(rows, list):
            found = Redline(html, tuple(TocEntry(str(row[0]), str(row[1]), 2, ()) for row in rows))
        else:
            diff = diff_documents(old.document, new.document)
            entries = [TocEntry("amend-rl-flags-title", "Look here first", 2, ())] if diff.flags() else []
            entries += [
                TocEntry(clause_anchor(entry), f"{clause_label(entry.clause)} ({entry.status.value})", 2, ())
                for entry in diff.clauses
                if is_open(entry)
            ]
            found = Redline(render_html(diff, old_href=old_href, new_href=new_href), tuple(entries))
            if self.fragments is not None:
                self.fragments.put(key, {"html": found.html, "outline": [[e.id, e.label] for e in found.outline]})
        self._redlines[pair] = found
        return found

    def render_compare(self, old_id: str, new_id: str) -> str:
        old, new = self.timeline.entry(old_id), self.timeline.entry(new_id)
        assert old is not None and new is not None
        here = self.plan.urls.compare(old_id, new_id)

        def history_of(anchor: str) -> str | None:
            if anchor.startswith("rl-removed-"):
                return self.history_href(here, old_id, anchor.removeprefix("rl-removed-"))
            return self.history_href(here, new_id, anchor.removeprefix("rl-"))

        redline = clause_pages.link_redline_headings(self.redline(old_id, new_id).html, history_of)
        self._redlines.pop((old_id, new_id), None)
        return pages.render_compare_page(
            old, new, self.timeline, self.plan, redline, self.plan.has_redline_pdf(old_id, new_id)
        )


def prepare_publication(
    settings: Settings, as_of: date, *, all_pairs_limit: int | None = None, fragments: FragmentCache | None = None
) -> tuple[Publication | None, list[Problem]]:
    """Load and check every revision; plan the section. Any problem means nothing is published."""
    loaded = load_revisions(settings.revisions_path, settings.notice_days, shown_root=settings.root)
    register, problems = load_site_register(settings, loaded.revisions)
    ledger, ledger_problems = load_ledger(settings.ledger_path, settings.notice_ledger)
    withdrawals, withdrawal_problems = load_site_withdrawals(settings, loaded.revisions)
    reissues, reissue_problems = load_reissues(settings.reissues_path, settings.reissues)
    problems = list(loaded.problems) + problems + ledger_problems + withdrawal_problems + reissue_problems
    if problems or ledger is None:
        return None, problems
    timeline = build_timeline(loaded.revisions, as_of, settings.notice_days, withdrawals)
    if not timeline.published:
        first = min(loaded.revisions, key=lambda r: r.posted)
        return None, [
            Problem(
                first.path.as_posix(),
                first.lines.get("posted"),
                f"no revision is posted as of {as_of}; nothing to publish (the first is posted {first.posted})",
            )
        ]
    prefix = settings.url_prefix.strip("/") + "/"
    plan = plan_site(timeline, prefix, **({"all_pairs_limit": all_pairs_limit} if all_pairs_limit else {}))
    if register is not None:
        plan = replace(plan, register_url=settings.register_prefix.strip("/") + "/")
    notices = build_notices(
        timeline,
        plan,
        register,
        organization=settings.organization,
        title=settings.title,
        objection_address=settings.objection_address,
    )
    public = tuple(n for n in notices if ledger.sent(n.id) is not None or n.due(as_of))
    renders = {plan.urls.pdf(rev) for rev in plan.revisions}
    renders |= {plan.urls.compare_pdf(pair.old, pair.new) for pair in plan.redline_pdfs}
    reissued = tuple(
        (r.file, r.new_name, r.on.isoformat(), r.reason) for r in reissues if r.on <= as_of and r.file in renders
    )
    plan = replace(plan, notices=tuple(n.id for n in public), reissued=reissued)
    plan = replace(plan, zone=settings.zone.name, zone_label=settings.zone.label)
    publication = Publication(
        settings=settings,
        timeline=timeline,
        plan=plan,
        revisions={e.id: e.revision for e in timeline.published},
        register=register,
        notices=notices,
        ledger=ledger,
        fragments=fragments,
        reissues=reissues,
    )
    title = settings.title
    specs = [
        PageSpec(plan.urls.current(), "current", title),
        PageSpec(plan.urls.history(), "history", pages.page_title("history", title)),
        PageSpec(plan.urls.compare_index(), "compare-index", pages.page_title("compare-index", title)),
        PageSpec(plan.urls.verify(), "verify", pages.page_title("verify", title)),
    ]
    specs += [
        PageSpec(plan.urls.revision(rev), "revision", pages.page_title("revision", title, rev), revision=rev)
        for rev in plan.revisions
    ]
    specs += [
        PageSpec(
            plan.urls.compare(pair.old, pair.new),
            "compare",
            pages.page_title("compare", title, pair.old, pair.new),
            revision=pair.old,
            other=pair.new,
        )
        for pair in plan.compare_pages
    ]
    histories = publication.clause_histories()
    specs.append(PageSpec(plan.urls.clauses(), "clause-index", pages.page_title("clause-index", title)))
    specs += [
        PageSpec(
            plan.urls.clause(history.key),
            "clause",
            pages.page_title("clause", title, clause_pages.page_label(history)),
            clause=history.key,
        )
        for history in histories.histories
    ]
    if plan.register_url is not None and register is not None:
        specs.append(PageSpec(plan.register_url, "register", register.title))
    specs.append(PageSpec(plan.urls.notices(), "notices", f"{title}: notices to customers"))
    specs += [PageSpec(plan.urls.notice(n.id), "notice", n.heading, revision=n.id) for n in public]
    publication.pages = specs
    return publication, []


def load_site_withdrawals(
    settings: Settings, revisions: Sequence[Revision]
) -> tuple[dict[str, Withdrawal], list[Problem]]:
    """The withdrawn revisions (``withdrawals.yml``), checked against the revisions they name."""
    found, problems = load_withdrawals(settings.withdrawals_path, settings.root)
    if problems:
        return {}, problems
    problems = check_withdrawals(found, revisions, settings.withdrawals)
    return ({}, problems) if problems else (found, [])


def load_site_register(settings: Settings, revisions: Sequence[Revision]) -> tuple[Register | None, list[Problem]]:
    """The subprocessor register, checked, and checked against the BAA clause it names."""
    register, problems = load_register(settings.register_path, settings.notice_days, settings.root)
    if register is not None and revisions:
        problems = check_baa_clause(register, revisions)
        if problems:
            return None, problems
    return register, problems


__all__ = ["PageSpec", "Pair", "Publication", "prepare_publication"]
