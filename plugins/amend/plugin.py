"""The MkDocs adapter: settings in, generated pages and files out.

Thin by design (STYLE "Shape"): every decision lives in MkDocs-free modules
(:mod:`amend.publication` and below). This is the only module that imports
mkdocs, and it uses only its public API.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime
from html import escape
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config.base import ConfigErrors, ConfigWarnings
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .archive import Archive, Reissue, load_archive, serve, served_paths, write_archive
from .config import AmendConfig, keyed_problems, settings_from_config
from .document_html import TocEntry
from .fragments import FragmentCache
from .pdf import PdfError
from .pdfcache import PdfBatch, PdfJob, job_keys, render_pdfs, renderer_record
from .problems import render_problems
from .publication import PageSpec, Publication, prepare_publication
from .settings import (
    ARCHIVE_VARIABLE,
    AS_OF_VARIABLE,
    CACHE_VARIABLE,
    SIGNING_KEY_VARIABLE,
    SIGNING_PASSPHRASE_VARIABLE,
    first_date,
)
from .zone import Zone

if TYPE_CHECKING:
    from .signing import SigningKey

log = get_plugin_logger(__name__)

ASSETS = ("amend.css", "redline.css", "register.css", "amend.js")
ASSET_DIR = "assets/amend/"


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
        self.archive: Archive | None = None  # the published files, when an archive is configured
        self.reissues: tuple[Reissue, ...] = ()
        self.jobs: list[PdfJob] = []

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[ConfigErrors, ConfigWarnings]:
        """Validate the amend block with the schema ``amend check`` uses, so both refuse the same file."""
        errors, warnings = super().load_config(options, config_file_path)
        _, problems = keyed_problems(options, Path(config_file_path) if config_file_path else None)
        if problems:
            # One error per problem, each with its line: MkDocs prints them and stops before building.
            return [(key, PluginError(problem.render())) for key, problem in problems], []
        return errors, warnings

    def cache_dir(self) -> Path:
        return Path(os.environ.get(CACHE_VARIABLE) or self.root / self.config.cache_dir)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        settings = settings_from_config(self.root, self.config, config.site_url or "")
        if os.environ.get(ARCHIVE_VARIABLE):  # the publish workflow points it at its checkout of the archive
            settings = replace(settings, archive=os.environ[ARCHIVE_VARIABLE])
        try:
            zone = settings.zone  # the schema refuses an unknown timezone; this keeps the build from guessing one
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
        self.reissues = publication.reissues
        self.archive = None
        if settings.archive_path is not None:
            self.archive, problems = load_archive(settings.archive_path, settings.archive)
        if problems:
            raise PluginError(
                "amend: the published files have problems; nothing was built:\n" + render_problems(problems)
            )
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
        jobs = self.jobs = self.publication.pdf_jobs() + self.publication.word_jobs()
        cache = self.cache_dir()
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="amend-pdf")
        self.pdf_result = executor.submit(render_pdfs, jobs, cache, self.config.pdf_workers, prune=True)
        executor.shutdown(wait=False)
        archive = self.archive or Archive(self.root)
        served = served_paths([job.name for job in jobs], archive, self.publication.as_of, self.reissues)
        later = served + list(self.publication.finish({}))
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
        as_of = self.publication.as_of
        record = renderer_record()
        served = serve(batch.pdfs, self.archive or Archive(self.root), record, as_of, self.reissues)
        for path, data in served.files.items():
            self.outputs[path].content_bytes = data
        for path, data in self.publication.finish(served.files, batch.renderer, reissues=served.reissued).items():
            self.outputs[path].content_bytes = data
        log.info(
            "PDFs and Word files: %d rendered, %d unchanged from the cache", len(batch.rendered), len(batch.reused)
        )
        # Drift is reported, not a warning: --strict would then stop the publication of every other change,
        # and the published file is served unchanged anyway. The publish workflow turns these lines into
        # warnings on the run; `amend check` refuses a change that causes drift.
        for drift in served.drift:
            log.info("published file drift: %s", drift.render())
        if self.archive is None:
            log.info(
                "no archive of published files (the archive setting or %s): the PDFs were rendered here and are "
                "not the published files; a published file is checked against the site's SHA256SUMS",
                ARCHIVE_VARIABLE,
            )
        else:
            keys = job_keys(self.jobs)
            added = write_archive(self.archive, served, keys, record, as_of)
            log.info(
                "archive: %d published files served as published, %d new added to %s",
                len(served.files) - len(served.added),
                len(added),
                self.archive.root,
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
