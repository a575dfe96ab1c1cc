"""The MkDocs adapter: settings in, generated pages and files out.

Thin by design (STYLE "Shape"): every decision lives in MkDocs-free modules
(:mod:`amend.publication` and below). This is the only module that imports
mkdocs, and it uses only its public API.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from html import escape
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .document_html import TocEntry
from .fragments import FragmentCache
from .pdf import PdfError
from .pdfcache import PdfBatch, render_pdfs
from .problems import render_problems
from .publication import PageSpec, Publication, prepare_publication
from .settings import AS_OF_VARIABLE, SIGNING_KEY_VARIABLE, SIGNING_PASSPHRASE_VARIABLE, Settings, first_date
from .zone import Zone, parse_zone

if TYPE_CHECKING:
    from .signing import SigningKey

log = get_plugin_logger(__name__)

CACHE_VARIABLE = "AMEND_CACHE_DIR"  # overrides cache_dir, e.g. for a CI cache or a test's own folder
ASSETS = ("amend.css", "redline.css", "register.css", "amend.js")
ASSET_DIR = "assets/amend/"


class AmendConfig(base.Config):  # type: ignore[no-untyped-call]  # MkDocs leaves __init_subclass__ untyped
    revisions = c.Type(str, default="baa_versions")
    """Folder of revision files ``YYYY-MM-DD.md``, relative to mkdocs.yml."""
    notice_days = c.Type(int, default=30)
    """Minimum days between posting a revision and its taking effect (SPEC "notice window")."""
    title = c.Type(str, default="Business Associate Agreement")
    """The document's name in page titles, feeds and PDFs."""
    organization = c.Type(str, default="")
    """Who publishes the agreement (PDF author, feed author)."""
    paper = c.Choice(("letter", "a4"), default="letter")
    """PDF paper size: US Letter (default, for a US BAA) or A4."""
    as_of = c.Optional(c.Type(str))
    """Build as of this date (YYYY-MM-DD); else the AMEND_AS_OF environment variable; else today."""
    pdf_workers = c.Optional(c.Type(int))
    """Processes rendering PDFs; default: one per core."""
    cache_dir = c.Type(str, default=".cache/amend")
    """Where rendered PDFs are cached between builds, relative to mkdocs.yml."""
    register = c.Type(str, default="subprocessors.yml")
    """The subprocessor register (YAML), relative to mkdocs.yml; published at security/subprocessors/ when present."""
    withdrawals = c.Type(str, default="withdrawals.yml")
    """Withdrawn revisions (YAML), relative to mkdocs.yml; absent file: none."""
    history_baseline = c.Type(str, default="")
    """A commit on main where revisions older than the repository were imported (read by `amend check`)."""
    notice_to = c.Type(str, default="")
    """The mailing list every notice is emailed to (`amend notice --send`); the repository holds no customer
    address."""
    notice_from = c.Type(str, default="")
    """The sender (From) of every notice email."""
    objection_address = c.Type(str, default="")
    """Where customers object to a subprocessor change: the notice's prefilled mailto: link."""
    list_unsubscribe = c.Type(str, default="")
    """A mailto: or https: URL sent as the List-Unsubscribe header of every notice (optional)."""
    notice_ledger = c.Type(str, default="notice-ledger.yml")
    """The record of every notice sent, relative to mkdocs.yml; the notice pages show it."""
    timezone = c.Type(str, default="")
    """The agreement's time zone (IANA name, e.g. America/New_York): when its days start and what "today" is;
    UTC when not set."""
    all_pairs_limit = c.Type(int, default=30)
    """Up to this many revisions every pair gets a compare page; past it, adjacent pairs and each against the one
    in force."""


def resolve_as_of(configured: str | None, zone: Zone) -> date:
    """``as_of``, else ``AMEND_AS_OF``, else today in the agreement's time zone."""
    try:
        today = zone.day_at(datetime.now(UTC))
        return first_date((("as_of", configured), (AS_OF_VARIABLE, os.environ.get(AS_OF_VARIABLE))), today)
    except ValueError as error:
        raise PluginError(f"amend: {error}") from None


def signing_key() -> SigningKey | None:
    """The PDF signing key the environment configures (a CI secret), or None: signing is off by default."""
    path = os.environ.get(SIGNING_KEY_VARIABLE, "")
    if not path:
        return None
    from .signing import SigningError, load_signing_key  # pyHanko is imported only when signing

    try:
        key = load_signing_key(path, os.environ.get(SIGNING_PASSPHRASE_VARIABLE, ""))
    except SigningError as error:
        raise PluginError(f"amend: {error}") from None
    log.info("PDFs are signed by %s (certificate SHA-256 %s…)", key.signer, key.identity[:16])
    return key


class AmendPlugin(BasePlugin[AmendConfig]):  # type: ignore[no-untyped-call]  # as above
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.publication: Publication | None = None
        self.specs: dict[str, PageSpec] = {}
        self.root = Path(".")
        self.outputs: dict[str, File] = {}  # PDFs, versions.json, SHA256SUMS: filled in on_env
        self.pdf_result: Future[PdfBatch] | None = None

    def cache_dir(self) -> Path:
        return Path(os.environ.get(CACHE_VARIABLE) or self.root / self.config.cache_dir)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        settings = Settings(
            root=self.root,
            revisions_dir=self.config.revisions,
            notice_days=self.config.notice_days,
            paper=self.config.paper,
            title=self.config.title,
            organization=self.config.organization,
            site_url=config.site_url or "",
            register=self.config.register,
            history_baseline=self.config.history_baseline,
            notice_to=self.config.notice_to,
            notice_from=self.config.notice_from,
            objection_address=self.config.objection_address,
            list_unsubscribe=self.config.list_unsubscribe,
            notice_ledger=self.config.notice_ledger,
            timezone=self.config.timezone,
            withdrawals=self.config.withdrawals,
        )
        try:
            zone = parse_zone(self.config.timezone)
        except ValueError as error:
            raise PluginError(f"amend: {error}") from None
        as_of = resolve_as_of(self.config.as_of, zone)
        publication, problems = prepare_publication(
            settings,
            as_of,
            all_pairs_limit=self.config.all_pairs_limit,
            fragments=FragmentCache(self.cache_dir() / "redline"),
        )
        if problems or publication is None:
            raise PluginError("amend: the revisions have problems; nothing was built:\n" + render_problems(problems))
        self.publication = publication
        publication.notice_fragments = FragmentCache(self.cache_dir() / "notices")
        publication.signing = signing_key()
        self.specs = {spec.src_uri: spec for spec in publication.pages}
        for name in ASSETS:
            target = config.extra_css if name.endswith(".css") else config.extra_javascript
            if ASSET_DIR + name not in target:
                target.append(ASSET_DIR + name)
        log.info(
            "as of %s: %d revisions published, %d pages", as_of, len(publication.plan.revisions), len(publication.pages)
        )
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.publication is not None
        for spec in self.publication.pages:
            search = "" if spec.searchable else "search:\n  exclude: true\n"
            content = f"---\ntitle: {_yaml_string(spec.title)}\n{search}---\n"
            # Every revision and pair has a page; the nav lists only the section's entry points.
            inclusion = InclusionLevel.UNDEFINED if spec.listed else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, spec.src_uri, content=content, inclusion=inclusion))
        for name in ASSETS:
            data = resources.files("amend").joinpath("assets", name).read_bytes()
            files.append(File.generated(config, ASSET_DIR + name, content=data))
        for path, data in self.publication.files().items():
            files.append(File.generated(config, path, content=data))
        # PDFs and Word files render in worker processes while MkDocs renders the pages; on_env collects them.
        jobs = self.publication.pdf_jobs() + self.publication.word_jobs()
        cache = self.cache_dir()
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="amend-pdf")
        self.pdf_result = executor.submit(render_pdfs, jobs, cache, self.config.pdf_workers, prune=True)
        executor.shutdown(wait=False)
        later = [job.name for job in jobs] + list(self.publication.finish({}))
        self.outputs = {path: File.generated(config, path, content=b"") for path in later}
        for file in self.outputs.values():
            files.append(file)
        return files

    def on_nav(self, nav: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        # MkDocs dates every page (the sitemap's lastmod, the gzip header of sitemap.xml.gz) with the
        # day of the build: the site says the as-of date instead, so a build is the same on any day.
        assert self.publication is not None
        for file in files.documentation_pages():
            if file.page is not None:
                file.page.update_date = self.publication.as_of.isoformat()
        return nav

    def on_template_context(self, context: Any, /, *, template_name: str, config: MkDocsConfig) -> Any:
        return self._dated(context)

    def _dated(self, context: Any) -> Any:
        if self.publication is not None:
            as_of = self.publication.as_of
            context["build_date_utc"] = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
        return context

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        assert self.publication is not None and self.pdf_result is not None
        try:
            batch = self.pdf_result.result()
        except PdfError as error:
            raise PluginError(f"amend: PDF rendering failed; nothing was published:\n{error}") from None
        for path, data in batch.pdfs.items():
            self.outputs[path].content_bytes = data
        for path, data in self.publication.finish(batch.pdfs, batch.renderer).items():
            self.outputs[path].content_bytes = data
        log.info(
            "PDFs and Word files: %d rendered, %d unchanged from the cache", len(batch.rendered), len(batch.reused)
        )
        if self.publication.fragments is not None:
            self.publication.fragments.prune()  # every page has been read by now: drop redlines no page asked for
        if self.publication.notice_fragments is not None:
            self.publication.notice_fragments.prune()
        return env

    def on_build_error(self, *, error: Exception) -> None:
        if self.pdf_result is not None:
            self.pdf_result.cancel()

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        spec = self.specs.get(page.file.src_uri)
        if spec is None or self.publication is None:
            return html
        tokens = [_toc_token(entry) for entry in self.publication.toc(spec)]
        page.toc = get_toc(tokens)  # type: ignore[arg-type]  # our dicts have the keys MkDocs' private TypedDict names
        return self.publication.render_body(spec)

    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        self._dated(context)
        if page.file.src_uri in self.specs and self.publication is not None:
            context["amend_as_of"] = self.publication.as_of.isoformat()
        return context


def _toc_token(entry: TocEntry) -> dict[str, Any]:
    return {
        "level": entry.level,
        "id": entry.id,
        "name": escape(entry.label),  # the theme prints TOC titles unescaped
        "html": escape(entry.label),
        "data-toc-label": "",
        "children": [_toc_token(child) for child in entry.children],
    }


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
