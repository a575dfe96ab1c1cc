"""Machine-readable outputs: ``versions.json`` and ``SHA256SUMS`` (SPEC "The site"), over the PDFs and Word files.

Checksums are computed from the bytes actually written, passed in by the
adapter that wrote them; nothing here touches the disk or the clock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from .siteplan import SitePlan
from .timeline import Timeline


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_versions_json(timeline: Timeline, plan: SitePlan, pdfs: Mapping[str, bytes], site_url: str = "") -> bytes:
    """Every published revision with status, dates, page URL, and its PDF and Word files with their SHA-256.

    ``pdfs`` maps site-relative paths of the PDFs and Word files to the bytes written there;
    ``redline`` names the files of the redline from the previous revision, where published.
    """
    urls = plan.urls
    in_force = timeline.in_force
    revisions = []
    for entry in timeline.published:
        rev = entry.revision
        pdf_path = urls.pdf(rev.id)
        pdf = pdfs.get(pdf_path)
        previous = entry.previous
        redline = None
        if previous is not None and plan.has_redline_pdf(previous.id, rev.id):
            redline = {
                "from": previous.id,
                "pdf": _file(urls.compare_pdf(previous.id, rev.id), pdfs, site_url),
                "docx": _file(urls.compare_docx(previous.id, rev.id), pdfs, site_url),
            }
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
                "summary": rev.summary,
                "url": site_url + urls.revision(rev.id),
                "pdf": (
                    {"url": site_url + pdf_path, "sha256": sha256(pdf), "bytes": len(pdf)} if pdf is not None else None
                ),
                "docx": _file(urls.docx(rev.id), pdfs, site_url),
                "redline": redline,
                "changes_from_previous": (
                    site_url + urls.compare(previous.id, rev.id)
                    if previous is not None and plan.has_compare(previous.id, rev.id)
                    else None
                ),
            }
        )
    document = {
        "as_of": timeline.as_of.isoformat(),
        "notice_days": timeline.notice_days,
        "in_force": in_force.id if in_force else None,
        "upcoming": [e.id for e in timeline.upcoming],
        "revisions": revisions,
    }
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
