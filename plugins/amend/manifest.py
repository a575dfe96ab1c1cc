"""Machine-readable outputs: ``versions.json`` and ``SHA256SUMS`` (SPEC "The site"), over the PDFs and Word files.

Checksums are computed from the bytes actually written, passed in by the
adapter that wrote them; nothing here touches the disk or the clock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .siteplan import SitePlan
from .timeline import Timeline

if TYPE_CHECKING:  # archive.py hashes with sha256 below: a run-time import would be circular
    from .archive import Reissue


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_versions_json(
    timeline: Timeline,
    plan: SitePlan,
    pdfs: Mapping[str, bytes],
    site_url: str = "",
    renderer: Mapping[str, str] | None = None,
    *,
    reissues: Sequence[Reissue] = (),
) -> bytes:
    """Every published revision with status, dates, page URL, and its PDF and Word files with their SHA-256.

    ``in_force_from`` and ``in_force_until`` are the first and last day the
    revision binds (both inclusive; ``in_force_until`` is null while no later
    revision is published). ``redlines`` lists the redlines the same way, each
    as a PDF and as a Word file, so a copy of any kind can be verified from this
    file alone.

    ``pdfs`` maps site-relative paths of the PDFs and Word files to the bytes
    written there; ``renderer`` names what made them (amend, WeasyPrint, pydyf,
    fontTools, the font package, Pango, HarfBuzz, fontconfig:
    :func:`amend.pdf.renderer_versions`), so anyone can set up the same and
    check a PDF's bytes against ``SHA256SUMS`` (README "Reproducing a published
    PDF").

    A PDF re-issued on purpose keeps its entry as published; the re-issue is
    listed under it, with its own address, checksum, date and reason.
    """
    urls = plan.urls
    in_force = timeline.in_force
    revisions = []
    periods = {period.entry.id: period for period in timeline.periods()}
    for entry in timeline.published:
        period = periods.get(entry.id)  # None: withdrawn, never in force
        rev = entry.revision
        pdf_path = urls.pdf(rev.id)
        pdf = pdfs.get(pdf_path)
        listed: dict[str, object] | None = None
        if pdf is not None:
            listed = {"url": site_url + pdf_path, "sha256": sha256(pdf), "bytes": len(pdf)}
            again = [r for r in reissues if r.file == pdf_path and r.new_name in pdfs]
            if again:
                listed["reissued"] = [
                    {
                        "url": site_url + r.new_name,
                        "sha256": sha256(pdfs[r.new_name]),
                        "bytes": len(pdfs[r.new_name]),
                        "date": r.on.isoformat(),
                        "reason": r.reason,
                    }
                    for r in again
                ]
        previous = entry.previous
        revisions.append(
            {
                "id": rev.id,
                "title": rev.title,
                "status": entry.status.value,
                "posted": rev.posted.isoformat(),
                "effective": rev.effective.isoformat(),
                "notice_days": rev.notice_days,
                "superseded_by": entry.superseded_by.id if entry.superseded_by else None,
                "superseded_on": entry.superseded_by.effective.isoformat() if entry.superseded_by else None,
                "in_force_from": period.start.isoformat() if period is not None else None,
                "in_force_until": period.end.isoformat() if period is not None and period.end is not None else None,
                "summary": rev.summary,
                "url": site_url + urls.revision(rev.id),
                "pdf": listed,
                "docx": _file(urls.docx(rev.id), pdfs, site_url),
                "changes_from_previous": (
                    site_url + urls.compare(previous.id, rev.id)
                    if previous is not None and plan.has_compare(previous.id, rev.id)
                    else None
                ),
            }
        )
    redlines = []
    for pair in plan.redline_pdfs:
        redlines.append(
            {
                "from": pair.old,
                "to": pair.new,
                "url": site_url + urls.compare(pair.old, pair.new) if plan.has_compare(pair.old, pair.new) else None,
                "pdf": _file(urls.compare_pdf(pair.old, pair.new), pdfs, site_url),
                "docx": _file(urls.compare_docx(pair.old, pair.new), pdfs, site_url),
            }
        )
    document = {
        "as_of": timeline.as_of.isoformat(),
        "notice_days": timeline.notice_days,
        "in_force": in_force.id if in_force else None,
        "upcoming": [e.id for e in timeline.upcoming],
        "revisions": revisions,
        "redlines": redlines,
    }
    if renderer is not None:
        document["pdfs_made_with"] = dict(sorted(renderer.items()))
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _file(path: str, files: Mapping[str, bytes], site_url: str) -> dict[str, object] | None:
    data = files.get(path)
    return {"url": site_url + path, "sha256": sha256(data), "bytes": len(data)} if data is not None else None


def render_checksums(pdfs: Mapping[str, bytes], relative_to: str) -> bytes:
    """``sha256sum`` format, paths relative to the checksums file's folder, sorted by path."""
    lines = []
    for path in sorted(pdfs):
        name = path[len(relative_to) :] if path.startswith(relative_to) else path
        lines.append(f"{sha256(pdfs[path])}  {name}\n")
    return "".join(lines).encode("utf-8")
