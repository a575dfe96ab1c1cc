"""Rendering many PDFs (and the Word files beside them): in parallel across cores, and only when their inputs changed.

A :class:`PdfJob` carries everything one PDF depends on as plain text (the
revision files' names and contents, the paper, the organization), so it can be
pickled to a worker process, which parses the revisions again and renders with
:mod:`amend.pdf`. Its cache key hashes those inputs together with the print
stylesheet, the font files' bytes, the amend modules it is made with and the renderer's
versions: a rebuild that changed nothing renders no PDF, and a change to one
revision renders only the PDFs that show it.

This module touches the disk (the cache folder) and starts processes; it never
reads the clock or the environment. A PDF is rendered in the calling thread only
when that is its process's main thread and one worker is asked for; otherwise in
worker processes, so that a render's ``SOURCE_DATE_EPOCH`` never changes the
environment under another thread (MkDocs builds pages while PDFs render). A
problem of the machine (:class:`amend.pdf.PdfEnvironmentError`) is checked for
before anything renders, and stops the batch at once, said once. Progress goes to the ``mkdocs.plugins.amend.pdf``
logger at INFO, one line per PDF rendered, so a long ``mkdocs build`` shows it.

A Word file (:mod:`amend.word`) is a job of its own kind, with the same inputs:
it is cached, rendered in the same workers and pruned the same way.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .fragments import module_sources
from .model import Revision
from .pdf import (
    STYLESHEET,
    PdfEnvironmentError,
    PdfError,
    bundled_fonts,
    check_environment,
    check_paper,
    fingerprint_files,
    renderer_versions,
)

if TYPE_CHECKING:
    from .signing import SigningKey

log = logging.getLogger("mkdocs.plugins.amend.pdf")

REVISION = "revision"
REDLINE = "redline"
WORD_REVISION = "revision-docx"  # the same job, written as a Word document by amend.word
WORD_REDLINE = "redline-docx"
WORD_KINDS = (WORD_REVISION, WORD_REDLINE)
CACHE_SUBDIR = "pdf"
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A revision file as text: its name (``2025-10-17.md``, which gives the revision id) and contents."""

    name: str
    text: str

    @classmethod
    def of(cls, revision: Revision) -> SourceFile:
        return cls(revision.path.name, revision.source)


@dataclass(frozen=True, slots=True)
class PdfJob:
    """One PDF to produce: ``name`` is where it goes (the site-relative path), the rest is what it shows.

    A revision PDF has ``kind`` ``"revision"`` and ``new`` only; a redline has
    ``kind`` ``"redline"``, ``old`` and ``new``.
    """

    name: str
    kind: str
    new: SourceFile
    old: SourceFile | None = None
    paper: str = "letter"
    organization: str = ""
    base_url: str = ""  # the web page's address, so relative links in the text lead somewhere
    signing: SigningKey | None = None  # sign the PDF with this key (amend.signing), dated the posted date

    def describe(self) -> str:
        stem = self.new.name.removesuffix(".md")
        word = " (Word)" if self.kind in WORD_KINDS else ""
        if self.kind in (REDLINE, WORD_REDLINE) and self.old is not None:
            return f"redline {self.old.name.removesuffix('.md')}...{stem}{word}"
        return f"revision {stem}{word}"


@dataclass(frozen=True, slots=True)
class PdfBatch:
    """What :func:`render_pdfs` produced: every job's bytes, and which were rendered or reused."""

    pdfs: dict[str, bytes]
    rendered: tuple[str, ...]
    reused: tuple[str, ...]
    renderer: dict[str, str]  # what made every one of them (renderer_versions: part of each cache key)


def revision_job(
    name: str,
    revision: Revision,
    *,
    paper: str = "letter",
    organization: str = "",
    base_url: str = "",
    signing: SigningKey | None = None,
) -> PdfJob:
    """The job for one revision's PDF, e.g. ``revision_job(urls.pdf(rev.id), rev, paper=settings.paper)``."""
    return PdfJob(name, REVISION, SourceFile.of(revision), None, paper, organization, base_url, signing)


def redline_job(
    name: str,
    old: Revision,
    new: Revision,
    *,
    paper: str = "letter",
    organization: str = "",
    base_url: str = "",
    signing: SigningKey | None = None,
) -> PdfJob:
    """The job for the redline PDF from ``old`` to ``new``."""
    return PdfJob(name, REDLINE, SourceFile.of(new), SourceFile.of(old), paper, organization, base_url, signing)


def revision_word_job(name: str, revision: Revision, *, paper: str = "letter", organization: str = "") -> PdfJob:
    """The job for one revision's Word document (``<rev>.docx``)."""
    return PdfJob(name, WORD_REVISION, SourceFile.of(revision), None, paper, organization)


def redline_word_job(
    name: str, old: Revision, new: Revision, *, paper: str = "letter", organization: str = ""
) -> PdfJob:
    """The job for the redline from ``old`` to ``new`` as a Word document with tracked changes."""
    return PdfJob(name, WORD_REDLINE, SourceFile.of(new), SourceFile.of(old), paper, organization)


# --- cache keys ---------------------------------------------------------------------------------------


def renderer_fingerprint(stylesheet: Path = STYLESHEET) -> str:
    """Hash of everything besides a job's own text that shapes its bytes.

    The stylesheet, the font files, the source of every amend module a PDF is
    made with (a change to the HTML, the redline or the PDF code changes PDFs,
    and the package version alone would not say so during development; a change
    to, say, the feed does not) and the renderer's versions.
    """
    fonts = bundled_fonts()
    digest = hashlib.sha256()
    digest.update(json.dumps(renderer_versions(), sort_keys=True).encode())
    digest.update(fingerprint_files([stylesheet]).encode())
    digest.update(fingerprint_files(fonts.paths()).encode())
    digest.update(fingerprint_files(rendering_sources()).encode())
    return digest.hexdigest()


def renderer_record(stylesheet: Path = STYLESHEET) -> dict[str, str]:
    """What makes a PDF's bytes, part by part, for the archive's record of each published file.

    The renderer's versions, and a short hash of the print stylesheet, of the
    font files and of amend's PDF code: when a fresh render differs from a
    published file, comparing two records says which part changed.
    """
    return {
        **renderer_versions(),
        "print stylesheet": fingerprint_files([stylesheet])[:12],
        "font files": fingerprint_files(bundled_fonts().paths())[:12],
        "amend PDF code": fingerprint_files(rendering_sources())[:12],
    }


def job_keys(jobs: Sequence[PdfJob]) -> dict[str, str]:
    """Each job's cache key by the path it is written to (what the archive records of a published file)."""
    renderer = renderer_fingerprint()
    return {job.name: job_key(job, renderer) for job in jobs}


def rendering_sources() -> list[Path]:
    """The files of the amend modules this one imports, directly or not (relative imports, followed)."""
    return module_sources(Path(__file__).stem)


def job_key(job: PdfJob, renderer: str) -> str:
    """The cache key of a job: its inputs (not where it is written) and the renderer's fingerprint."""
    inputs = asdict(job)
    del inputs["name"]  # the same document written to two places is one render
    inputs["paper"] = check_paper(job.paper)
    # Who signs is part of the PDF (the certificate's hash, never the passphrase).
    inputs["signing"] = job.signing.identity if job.signing is not None else None
    payload = json.dumps({"job": inputs, "renderer": renderer}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --- rendering ---------------------------------------------------------------------------------------


def render_job(job: PdfJob) -> bytes:
    """Render one job in this process (what a worker runs): parse the revisions again, then print."""
    from .pdf import render_revision_pdf

    new = _parse(job.new)
    if job.kind == REVISION:
        return _signed(
            job,
            render_revision_pdf(new, paper=job.paper, organization=job.organization, base_url=job.base_url or None),
            new,
        )
    if job.kind == REDLINE and job.old is not None:
        return _signed(
            job,
            render_redline(
                _parse(job.old), new, paper=job.paper, organization=job.organization, base_url=job.base_url or None
            ),
            new,
        )
    if job.kind in WORD_KINDS:
        from .word import render_redline_docx, render_revision_docx

        if job.kind == WORD_REDLINE and job.old is not None:
            return render_redline_docx(_parse(job.old), new, organization=job.organization, paper=job.paper)
        return render_revision_docx(new, organization=job.organization, paper=job.paper)
    raise PdfError(f"PDF job {job.name}: unknown kind '{job.kind}' (expected '{REVISION}' or '{REDLINE}')")


def _signed(job: PdfJob, pdf: bytes, revision: Revision) -> bytes:
    """The PDF signed with the job's key, dated the day the (new) revision was posted; as it is without a key."""
    if job.signing is None:
        return pdf
    from .signing import SigningError, reason_for, sign_pdf

    old = job.old.name.removesuffix(".md") if job.kind == REDLINE and job.old is not None else None
    try:
        return sign_pdf(pdf, job.signing, revision.posted, reason=reason_for(old, revision.id))
    except SigningError as error:
        raise PdfError(f"PDF {job.name}: {error}") from None


def render_pdfs(
    jobs: Sequence[PdfJob],
    cache_dir: Path,
    workers: int | None = None,
    *,
    prune: bool = False,
) -> PdfBatch:
    """Every job's PDF, from the cache where its inputs are unchanged, rendered in parallel otherwise.

    ``workers`` defaults to the number of cores; with one worker, or one PDF to
    render, no process is started. Rendered PDFs are written to the cache as they
    finish, so a failure in one keeps the others. ``prune`` removes cached PDFs
    that no job of this batch uses. Raises :class:`PdfError` naming every PDF that
    failed.
    """
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        duplicates = sorted({n for n in names if names.count(n) > 1})
        raise PdfError(f"two PDF jobs write the same file: {', '.join(duplicates)}")
    folder = cache_dir / CACHE_SUBDIR
    renderer = renderer_fingerprint()
    versions = renderer_versions()
    keys = {job.name: job_key(job, renderer) for job in jobs}
    pdfs: dict[str, bytes] = {}
    todo: dict[str, list[PdfJob]] = {}  # key → jobs sharing it
    for job in jobs:
        cached = _read_cached(folder / _cache_name(keys[job.name], job))
        if cached is not None:
            pdfs[job.name] = cached
        else:
            todo.setdefault(keys[job.name], []).append(job)
    reused = tuple(name for name in names if name in pdfs)
    if reused:
        log.info("PDF cache: %d of %d PDFs unchanged, reused", len(reused), len(jobs))
    rendered: list[str] = []
    if todo:
        check_environment()  # a missing library fails every PDF alike: say so once, before any renders
        count = workers if workers is not None else (os.cpu_count() or 1)
        count = max(1, min(count, len(todo)))
        log.info(
            "PDF: rendering %d file%s (PDF and Word) on %d process%s",
            len(todo),
            "s" if len(todo) != 1 else "",
            count,
            "es" if count != 1 else "",
        )
        for key, data in _render_all([group[0] for group in todo.values()], keys, count):
            _write_cached(folder / _cache_name(key, todo[key][0]), data)
            for job in todo[key]:
                pdfs[job.name] = data
                rendered.append(job.name)
    if prune:
        _prune(folder, set(keys.values()))
    ordered = {name: pdfs[name] for name in names}
    return PdfBatch(ordered, tuple(n for n in names if n in rendered), reused, versions)


def _render_all(jobs: list[PdfJob], keys: dict[str, str], workers: int) -> Iterable[tuple[str, bytes]]:
    total = len(jobs)
    failures: list[str] = []
    if workers == 1 and threading.current_thread() is threading.main_thread():
        for index, job in enumerate(jobs, start=1):
            try:
                data, seconds = _timed_render(job)
            except PdfEnvironmentError:
                raise
            except PdfError as error:
                failures.append(str(error))
                continue
            _log_done(index, total, job, data, seconds)
            yield keys[job.name], data
    else:
        # Spawned, not forked: a forked copy of a process that already runs threads
        # (MkDocs' live-reload server) or holds Pango state can deadlock.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures: dict[Future[tuple[bytes, float]], PdfJob] = {pool.submit(_timed_render, job): job for job in jobs}
            for index, future in enumerate(as_completed(futures), start=1):
                job = futures[future]
                try:
                    data, seconds = future.result()
                except PdfEnvironmentError:
                    pool.shutdown(wait=True, cancel_futures=True)  # every other PDF would fail the same way
                    raise
                except PdfError as error:
                    failures.append(str(error))
                    continue
                except BrokenProcessPool as error:
                    raise PdfError(
                        f"a PDF worker process died while rendering {job.name} ({error}); "
                        "render with one worker (pdf_workers: 1) to see the error in this process"
                    ) from None
                _log_done(index, total, job, data, seconds)
                yield keys[job.name], data
    if failures:
        raise PdfError("; ".join(failures))


def _timed_render(job: PdfJob) -> tuple[bytes, float]:
    started = time.perf_counter()  # a duration for the progress line, not a date: nothing depends on it
    data = render_job(job)
    return data, time.perf_counter() - started


def _log_done(index: int, total: int, job: PdfJob, data: bytes, seconds: float) -> None:
    log.info(
        "PDF %d/%d rendered: %s (%s, %d KB, %.1f s)",
        index,
        total,
        job.name,
        job.describe(),
        round(len(data) / 1024),
        seconds,
    )


def _parse(source: SourceFile) -> Revision:
    from .revisions import parse_revision

    revision, problems = parse_revision(source.text, Path(source.name))
    if revision is None:
        listed = "; ".join(p.render() for p in problems) or "not a revision"
        raise PdfError(f"cannot render a PDF of {source.name}: {listed}")
    return revision


def render_redline(
    old: Revision, new: Revision, *, paper: str = "letter", organization: str = "", base_url: str | None = None
) -> bytes:
    """The redline PDF from ``old`` to ``new``: a blackline of the new revision, its flags and changes first."""
    from .blackline import render_blackline
    from .diff import diff_documents
    from .diffviews import clause_label, walk_with_path
    from .document_html import render_document_html
    from .pdf import RedlineFlag, render_redline_pdf

    diff = diff_documents(old.document, new.document)
    blackline = render_blackline(diff, render_document_html(old.document), render_document_html(new.document))
    flags = [
        RedlineFlag(path or clause_label(entry.clause), flag.kind.value, flag.old, flag.new, flag.sentence, flag.party)
        for entry, path in walk_with_path(diff.clauses)
        for flag in entry.flags
    ]
    return render_redline_pdf(
        old,
        new,
        blackline.html,
        flags=flags,
        paper=paper,
        organization=organization,
        base_url=base_url,
        changes=blackline.changes,
    )


def _cache_name(key: str, job: PdfJob) -> str:
    return f"{key}{Path(job.name).suffix or '.pdf'}"


def _read_cached(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    # A file cut short (a build killed mid-write on a file system without atomic rename) is not reused.
    if path.suffix == ".docx":  # a ZIP archive ends with its end-of-central-directory record
        return data if data.startswith(b"PK\x03\x04") and b"PK\x05\x06" in data[-64:] else None
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-32:]:
        return None
    return data


def _write_cached(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _prune(folder: Path, keep: set[str]) -> None:
    if not folder.is_dir():
        return
    for path in sorted([*folder.glob("*.pdf"), *folder.glob("*.docx")]):
        if path.stem not in keep:
            path.unlink(missing_ok=True)
