"""Which published file a copy is: its SHA-256 looked up in ``versions.json`` (SPEC "The site", ``verify/``).

The same lookup the verify page does in the reader's browser, for ``amend
verify FILE``. Pure: the bytes of the copy and the parsed ``versions.json`` come
in as arguments, a :class:`Verification` record comes out. Other checks of a
copy add fields to that record rather than a second lookup: a PDF's signature
(read by the adapter, :func:`amend.signing.describe_signature`) comes in as
``signature``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

REVISION = "revision"
REDLINE = "redline"
FORMATS = {"pdf": "PDF", "docx": "Word file"}  # versions.json's key for each kind of file, and its name


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
    format: str = "pdf"  # a key of FORMATS

    def describe(self) -> str:
        """``revision 2025-10-17 (…), posted 2025-09-17, effective 2025-10-17`` or ``the redline from A to B``.

        A Word file says so at the end (``…, as a Word file``); a PDF, the usual case, does not.
        """
        word = f", as a {FORMATS[self.format]}" if self.format != "pdf" else ""
        if self.kind == REDLINE:
            return f"the redline from revision {self.previous} to revision {self.revision}{word}"
        dates = f", posted {self.posted}, effective {self.effective}" if self.posted and self.effective else ""
        status = f" ({self.status})" if self.status else ""
        return f"revision {self.revision}{status}{dates}{word}"


@dataclass(frozen=True, slots=True)
class Verification:
    """What one copy is: its digest, and the published file with that digest (None: not one we published)."""

    sha256: str
    size: int
    match: PublishedFile | None
    as_of: str | None  # the day the versions.json it was checked against was built
    # For a PDF, its signature in words: "signed by … (certificate SHA-256 …); the file is unchanged since
    # it was signed", or NOT_SIGNED. None: not a PDF, so no signature was looked for.
    signature: str | None = None

    @property
    def published(self) -> bool:
        return self.match is not None

    @property
    def signed(self) -> bool:
        return self.signature is not None and self.signature != NOT_SIGNED


NOT_SIGNED = "not signed"


def published_files(versions: Mapping[str, Any]) -> dict[str, PublishedFile]:
    """Every file ``versions.json`` lists with a SHA-256, by digest."""
    found: dict[str, PublishedFile] = {}
    for revision in _records(versions.get("revisions")):
        for key in FORMATS:
            file = revision.get(key)
            if isinstance(file, Mapping) and isinstance(file.get("sha256"), str):
                found[file["sha256"].lower()] = PublishedFile(
                    kind=REVISION,
                    url=str(file.get("url", "")),
                    page=_text(revision.get("url")),
                    revision=str(revision.get("id", "")),
                    title=str(revision.get("title", "")),
                    posted=_text(revision.get("posted")),
                    effective=_text(revision.get("effective")),
                    status=_text(revision.get("status")),
                    format=key,
                )
    for redline in _records(versions.get("redlines")):
        for key in FORMATS:
            file = redline.get(key)
            if isinstance(file, Mapping) and isinstance(file.get("sha256"), str):
                found[file["sha256"].lower()] = PublishedFile(
                    kind=REDLINE,
                    url=str(file.get("url", "")),
                    page=_text(redline.get("url")),
                    revision=str(redline.get("to", "")),
                    previous=_text(redline.get("from")),
                    format=key,
                )
    return found


def verify_copy(data: bytes, versions: Mapping[str, Any], signature: str | None = None) -> Verification:
    """The copy's SHA-256 and the published file it is, if any; ``signature`` as :class:`Verification` has it."""
    return verify_digest(hashlib.sha256(data).hexdigest(), len(data), versions, signature)


def verify_digest(sha256: str, size: int, versions: Mapping[str, Any], signature: str | None = None) -> Verification:
    """As :func:`verify_copy`, for a copy whose digest was computed as it was read (a large file)."""
    digest = sha256.lower()
    return Verification(
        sha256=digest,
        size=size,
        match=published_files(versions).get(digest),
        as_of=_text(versions.get("as_of")),
        signature=signature,
    )


def _records(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
