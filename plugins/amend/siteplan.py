"""Which pages and files the site has, as data (SPEC "The site").

The plan is computed from the timeline alone; writing it out is an adapter's
job (today the MkDocs plugin, tomorrow another generator). URLs are relative to
the site root and end in ``/`` for pages.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from itertools import combinations, pairwise

from .model import Status
from .timeline import Timeline

# Up to this many published revisions every pair gets a compare page; past it,
# adjacent pairs and each revision against the one in force (a decade of
# revisions stays a few hundred pages, not tens of thousands).
ALL_PAIRS_LIMIT = 30


@dataclass(frozen=True, slots=True)
class Urls:
    """Every URL of the BAA section, from its prefix (``security/baa/``)."""

    prefix: str = "security/baa/"

    def current(self) -> str:
        return self.prefix

    def revision(self, rev: str) -> str:
        return f"{self.prefix}{rev}/"

    def pdf(self, rev: str) -> str:
        return f"{self.prefix}{rev}.pdf"

    def docx(self, rev: str) -> str:
        return f"{self.prefix}{rev}.docx"

    def compare(self, old: str, new: str) -> str:
        return f"{self.prefix}compare/{old}...{new}/"

    def compare_pdf(self, old: str, new: str) -> str:
        return f"{self.prefix}compare/{old}...{new}.pdf"

    def compare_docx(self, old: str, new: str) -> str:
        return f"{self.prefix}compare/{old}...{new}.docx"

    def compare_index(self) -> str:
        return f"{self.prefix}compare/"

    def history(self) -> str:
        return f"{self.prefix}history/"

    def verify(self) -> str:
        return f"{self.prefix}verify/"

    def clauses(self) -> str:
        return f"{self.prefix}clauses/"

    def clause(self, key: str) -> str:
        return f"{self.prefix}clauses/{key}/"

    def feed(self) -> str:
        return f"{self.prefix}feed.xml"

    def calendar(self) -> str:
        return f"{self.prefix}calendar.ics"

    def versions(self) -> str:
        return f"{self.prefix}versions.json"

    def checksums(self) -> str:
        return f"{self.prefix}SHA256SUMS"

    def notices(self) -> str:
        return f"{self.prefix}notices/"

    def notice(self, notice_id: str) -> str:
        return f"{self.notices()}{notice_id}/"


def relative_url(from_page: str, to: str) -> str:
    """A link from the page at ``from_page`` (a directory URL) to ``to``, both site-relative."""
    base = from_page if from_page.endswith("/") else posixpath.dirname(from_page) + "/"
    target_dir, _, name = to.rpartition("/") if not to.endswith("/") else (to.rstrip("/"), "", "")
    rel = posixpath.relpath("/" + (target_dir or ""), "/" + base.rstrip("/")) if target_dir or base else "."
    if to.endswith("/"):
        return "./" if rel == "." else rel + "/"
    return name if rel == "." else f"{rel}/{name}"


def page_source(url: str) -> str:
    """The Markdown source path MkDocs gets for a page URL: ``a/b/`` → ``a/b/index.md``."""
    return f"{url}index.md"


@dataclass(frozen=True, slots=True)
class Pair:
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class SitePlan:
    """The BAA section's pages and files as of the timeline's date."""

    urls: Urls
    revisions: tuple[str, ...]  # published revision ids, oldest first
    compare_pages: tuple[Pair, ...]
    redline_pdfs: tuple[Pair, ...]
    register_url: str | None = None  # the subprocessor register's page, when the site has one
    zone: str = "UTC"  # the agreement's time zone (IANA name), for the script that checks a stale banner
    zone_label: str = "UTC"  # how pages name the agreement's time zone ("Eastern Time"): when a day starts
    notices: tuple[str, ...] = ()  # ids of the notices with a public copy under <prefix>notices/
    # Files re-issued on purpose by the as-of date (reissues.yml): (published path, new path, date, reason).
    reissued: tuple[tuple[str, str, str, str], ...] = ()

    def current_file(self, path: str) -> str:
        """Where readers get the file first published at ``path``: its re-issue, when it has one."""
        return next((new for old, new, _, _ in self.reissued if old == path), path)

    def reissue_of(self, path: str) -> tuple[str, str, str, str] | None:
        return next((r for r in self.reissued if r[0] == path), None)

    def has_notice(self, notice_id: str) -> bool:
        return notice_id in self.notices

    def has_compare(self, old: str, new: str) -> bool:
        return Pair(old, new) in self.compare_pages

    def has_redline_pdf(self, old: str, new: str) -> bool:
        return Pair(old, new) in self.redline_pdfs


def plan_site(timeline: Timeline, prefix: str = "security/baa/", all_pairs_limit: int = ALL_PAIRS_LIMIT) -> SitePlan:
    """Pages for every published revision, compare pages and redline PDFs (SPEC "The site")."""
    published = [e.id for e in timeline.published]
    adjacent = [Pair(a, b) for a, b in pairwise(published)]
    in_force = timeline.in_force
    against_in_force = [
        Pair(in_force.id, e.id) for e in timeline.upcoming if in_force is not None and in_force.id < e.id
    ]
    if len(published) <= all_pairs_limit:
        pages = [Pair(a, b) for a, b in combinations(published, 2)]
    else:
        everything_against_current = (
            [Pair(p, in_force.id) for p in published if in_force and p < in_force.id] if in_force else []
        )
        pages = sorted(set(adjacent + against_in_force + everything_against_current), key=lambda p: (p.old, p.new))
    redline_pdfs = sorted(set(adjacent + against_in_force), key=lambda p: (p.old, p.new))
    return SitePlan(
        urls=Urls(prefix),
        revisions=tuple(published),
        compare_pages=tuple(pages),
        redline_pdfs=tuple(redline_pdfs),
    )


def is_published(status: Status) -> bool:
    return status is not Status.DRAFT
