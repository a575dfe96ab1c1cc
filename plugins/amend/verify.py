"""Which published file a copy is: its SHA-256 looked up in ``versions.json`` (SPEC "The site", ``verify/``).

The same lookup the verify page does in the reader's browser, for ``amend
verify FILE``. Pure: the bytes of the copy and the parsed ``versions.json`` come
in as arguments, a :class:`Verification` record comes out. Other checks of a
copy (a signature, a Word document's own identity) add fields to that record
rather than a second lookup.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

REVISION = "revision"
REDLINE = "redline"


@dataclass(frozen=True, slots=True)
class PublishedFile:
    """A file the site published, as ``versions.json`` describes it."""

    kind: str  # REVISION or REDLINE
    url: str  # the file's address
    page: str | None  # the page it belongs to (revision or compare page)
    revision: str  # the revision id; for a redline, the newer revision
    previous: str | None = None  # for a redline, the older revision
    title: str = ""
    posted: str | None = None  # ISO dates, revisions only
    effective: str | None = None
    status: str | None = None  # the revision's status as of the versions.json's as_of

    def describe(self) -> str:
        """``revision 2025-10-17 (…), posted 2025-09-17, effective 2025-10-17`` or ``the redline from A to B``."""
        if self.kind == REDLINE:
            return f"the redline from revision {self.previous} to revision {self.revision}"
        dates = f", posted {self.posted}, effective {self.effective}" if self.posted and self.effective else ""
        status = f" ({self.status})" if self.status else ""
        return f"revision {self.revision}{status}{dates}"


@dataclass(frozen=True, slots=True)
class Verification:
    """What one copy is: its digest, and the published file with that digest (None: not one we published)."""

    sha256: str
    size: int
    match: PublishedFile | None
    as_of: str | None  # the day the versions.json it was checked against was built

    @property
    def published(self) -> bool:
        return self.match is not None


def published_files(versions: Mapping[str, Any]) -> dict[str, PublishedFile]:
    """Every file ``versions.json`` lists with a SHA-256, by digest."""
    found: dict[str, PublishedFile] = {}
    for revision in _records(versions.get("revisions")):
        pdf = revision.get("pdf")
        if isinstance(pdf, Mapping) and isinstance(pdf.get("sha256"), str):
            found[pdf["sha256"].lower()] = PublishedFile(
                kind=REVISION,
                url=str(pdf.get("url", "")),
                page=_text(revision.get("url")),
                revision=str(revision.get("id", "")),
                title=str(revision.get("title", "")),
                posted=_text(revision.get("posted")),
                effective=_text(revision.get("effective")),
                status=_text(revision.get("status")),
            )
    for redline in _records(versions.get("redlines")):
        pdf = redline.get("pdf")
        if isinstance(pdf, Mapping) and isinstance(pdf.get("sha256"), str):
            found[pdf["sha256"].lower()] = PublishedFile(
                kind=REDLINE,
                url=str(pdf.get("url", "")),
                page=_text(redline.get("url")),
                revision=str(redline.get("to", "")),
                previous=_text(redline.get("from")),
            )
    return found


def verify_copy(data: bytes, versions: Mapping[str, Any]) -> Verification:
    """The copy's SHA-256 and the published file it is, if any."""
    return verify_digest(hashlib.sha256(data).hexdigest(), len(data), versions)


def verify_digest(sha256: str, size: int, versions: Mapping[str, Any]) -> Verification:
    """As :func:`verify_copy`, for a copy whose digest was computed as it was read (a large file)."""
    digest = sha256.lower()
    return Verification(
        sha256=digest,
        size=size,
        match=published_files(versions).get(digest),
        as_of=_text(versions.get("as_of")),
    )


def _records(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
