"""``amend check`` and the PR report: a change may not alter the bytes of a file already published.

Registers :data:`amend.cli.PUBLISHED_CHECK` when imported. The edge where
``AMEND_ARCHIVE`` and ``AMEND_CACHE_DIR`` are read. For every published file
the archive holds, the inputs it was rendered from (its cache key: the revision
text, the print stylesheet, the fonts, amend's PDF code and the renderer's
versions) are compared with the ones this checkout would use; only a file whose
inputs changed is rendered again, and if its bytes differ the change is refused
unless ``reissues.yml`` re-issues that file under a new name (docs/legal-team.md,
"Published files never change").
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from . import cli
from .archive import load_archive, load_reissues, made_with_changes
from .manifest import sha256
from .pdf import PdfError
from .pdfcache import job_keys, render_pdfs, renderer_record
from .problems import Problem
from .publication import prepare_publication
from .settings import ARCHIVE_VARIABLE, CACHE_VARIABLE, Settings


def archive_setting(settings: Settings) -> str:
    """``AMEND_ARCHIVE``, else the ``archive`` setting of mkdocs.yml (empty: no archive)."""
    return os.environ.get(ARCHIVE_VARIABLE) or settings.archive


def published_check(settings: Settings, as_of: date, sources_valid: bool) -> tuple[list[Problem], list[str]]:
    """``cli.PUBLISHED_CHECK``: the problems of the archive and the re-issues, and one line on what was compared."""
    reissues, problems = load_reissues(settings.reissues_path, settings.reissues)
    folder = archive_setting(settings)
    if not folder:  # said only when the sources are sound: with problems, nothing would be compared anyway
        note = (
            f"published files not compared: no archive (set {ARCHIVE_VARIABLE} to a checkout of the published branch)"
        )
        return problems, [note] if sources_valid and not problems else []
    archive, found = load_archive(settings.root / folder, folder)
    problems += found
    if archive is None or not sources_valid or problems:
        return problems, []
    for reissue in reissues:
        if reissue.file not in archive.files:
            problems.append(
                Problem(
                    settings.reissues,
                    reissue.line,
                    f"{reissue.file} was never published, so there is nothing to re-issue; name a file the "
                    "archive's published.json lists",
                )
            )
    publication, _ = prepare_publication(settings, as_of)
    if publication is None:
        return problems, []
    jobs = [job for job in publication.pdf_jobs() if job.name in archive.files]
    keys = job_keys(jobs)
    changed = [job for job in jobs if keys[job.name] != archive.files[job.name].key]
    if not changed:
        return problems, [f"published files: {len(jobs)} of {len(archive.files)} compared, none would change"]
    cache = Path(os.environ.get(CACHE_VARIABLE) or settings.root / settings.cache_dir)
    try:
        fresh = render_pdfs(changed, cache).pdfs
    except PdfError as error:
        return [*problems, Problem(folder, None, f"cannot render the published files to compare them: {error}")], []
    reissued = {r.file: r for r in reissues}
    record = renderer_record()
    notes: list[str] = []
    for job in changed:
        entry = archive.files[job.name]
        now = sha256(fresh[job.name])
        if now == entry.sha256:
            continue
        named = reissued.get(job.name)
        if named is not None:
            notes.append(f"{job.name} is re-issued as {named.new_name} on {named.on}: {named.reason}")
            continue
        parts = "; ".join(f"{part} {then} → {new}" for part, then, new in made_with_changes(entry.made_with, record))
        parts = parts or "its own inputs: the revision text, the paper or the organization"
        problems.append(
            Problem(
                job.name,
                None,
                f"this change alters a published file (sha256 {entry.sha256[:12]} published {entry.published}, "
                f"{now[:12]} now; changed: {parts}); a published file never changes: "
                f"keep the change from touching it, or re-issue it in {settings.reissues} (file, date, reason), "
                "which publishes the new bytes under a new name and keeps this file and its checksum",
            )
        )
    notes.insert(0, f"published files: {len(jobs)} compared, {len(changed)} rendered again to compare")
    return problems, notes


cli.PUBLISHED_CHECK = published_check
