"""Signed PDFs: a PAdES signature on every published PDF, when a signing key is configured.

The only module that imports pyHanko. A key is a PKCS#12 file and its
passphrase (the plugin and the command line read both from the environment,
as a CI secret provides them; this module reads nothing itself). Signing adds
an invisible signature to the PDF as an incremental update, PAdES baseline
(B-B): the signer's certificate, a SHA-256 digest, and a signing time taken
from the revision's posted date, never the clock. pyHanko would otherwise
stamp the current time and a random file identifier, so those are pinned here
too: with an RSA (or Ed25519) key the same PDF signed twice is the same bytes.
No time-stamping authority is asked and nothing is fetched: nothing leaves the
machine.

:func:`describe_signature` reads a signature back, for ``amend verify``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import x509  # type: ignore[import-untyped]  # asn1crypto ships no type information
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import DocumentMetadata
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .settings import SIGNING_KEY_VARIABLE as KEY_VARIABLE  # path of the PKCS#12 (.p12 / .pfx) file
from .settings import SIGNING_PASSPHRASE_VARIABLE as PASSPHRASE_VARIABLE

FIELD_NAME = "Signature"
# pyHanko logs every failed check with a traceback; we report each failure ourselves, in one line.
QUIET_LOGGERS = ("pyhanko", "pyhanko_certvalidator")


class SigningError(Exception):
    """The key cannot be used, or a PDF cannot be signed; the message says which and the fix."""


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A PKCS#12 key as configured: where it is, its passphrase, and who it names.

    ``identity`` (the SHA-256 of the certificate) goes into cache keys, so a PDF
    signed with one key is never reused for another; the passphrase never does.
    """

    path: str
    passphrase: bytes = field(repr=False)
    identity: str
    signer: str  # the certificate's subject, as a reader's PDF viewer shows it


def load_signing_key(path: str, passphrase: str) -> SigningKey:
    """The key in ``path``, opened with ``passphrase``; SigningError naming the variable to fix otherwise."""
    secret = passphrase.encode("utf-8")
    signer = _open(path, secret)
    certificate = signer.signing_cert
    return SigningKey(
        path=path,
        passphrase=secret,
        identity=hashlib.sha256(certificate.dump()).hexdigest(),
        signer=_name(certificate),
    )


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # The level of the package loggers: their modules' loggers inherit it.
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
    saved = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, saved, strict=True):
            logger.setLevel(level)


def _name(certificate: x509.Certificate) -> str:
    """The certificate's subject as a PDF viewer names the signer: its common name, else the whole subject."""
    subject = certificate.subject.native
    common = subject.get("common_name") if isinstance(subject, dict) else None
    return str(common) if common else str(certificate.subject.human_friendly)


def _open(path: str, passphrase: bytes) -> Any:
    if not Path(path).is_file():
        raise SigningError(
            f"{KEY_VARIABLE} names {path}, which is not a file; set it to the path of the PKCS#12 (.p12) signing key"
        )
    try:
        with _quiet():
            load = signers.SimpleSigner.load_pkcs12
            signer = load(pfx_file=path, passphrase=passphrase or None)  # type: ignore[no-untyped-call]  # untyped
    except (ValueError, TypeError, OSError) as error:
        raise SigningError(
            f"{KEY_VARIABLE}: cannot open the PKCS#12 file {path} ({error}); "
            f"check {PASSPHRASE_VARIABLE} and that the file holds a key and its certificate"
        ) from None
    if signer is None:
        raise SigningError(
            f"{KEY_VARIABLE}: cannot open the PKCS#12 file {path}; check {PASSPHRASE_VARIABLE} "
            "and that the file holds a key and its certificate"
        )
    return signer


def reason_for(old_id: str | None, new_id: str) -> str:
    """The reason a PDF viewer shows beside the signature: which revision or redline this is."""
    return f"Published redline {old_id}...{new_id}" if old_id else f"Published revision {new_id}"


T = TypeVar("T")


def outside_event_loop(call: Callable[[], T]) -> T:
    """``call()``, in a thread of its own when this thread already runs an event loop.

    pyHanko's synchronous calls run ``asyncio.run``, which refuses to start inside a
    running loop (a caller's own, or a browser driver's in the same process).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="amend-signing") as pool:
        return pool.submit(call).result()


def sign_pdf(pdf: bytes, key: SigningKey, when: date, *, reason: str = "") -> bytes:
    """``pdf`` with a PAdES signature by ``key``, signed at midnight UTC on ``when``."""
    signer = _open(key.path, key.passphrase)
    moment = datetime(when.year, when.month, when.day, tzinfo=UTC)
    writer = _PinnedWriter(io.BytesIO(pdf), moment, key.identity)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
    )
    try:
        with _quiet():
            out = outside_event_loop(lambda: _PinnedSigner(metadata, signer, moment).sign_pdf(writer))
    except Exception as error:  # pyHanko raises many kinds; the build must say which PDF and why
        raise SigningError(f"cannot sign the PDF with {key.path}: {error}") from None
    data = out.getvalue()
    assert isinstance(data, bytes)
    return data


class _PinnedMetadata(DocumentMetadata):
    """Document metadata whose last-modified time stays the signing time (pyHanko sets it to "now")."""

    def __init__(self, moment: datetime) -> None:
        object.__setattr__(self, "_moment", moment)
        super().__init__(last_modified=moment)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "last_modified" and value == "now":
            value = self.__dict__.get("_moment", value)
        super().__setattr__(name, value)


class _PinnedWriter(IncrementalPdfFileWriter):
    """An incremental writer whose file identifier and dates depend on the inputs only."""

    def __init__(self, stream: io.BytesIO, moment: datetime, identity: str) -> None:
        super().__init__(stream)
        first = self._document_id[0]
        second = hashlib.sha256(stream.getvalue() + identity.encode("ascii")).digest()[:16]
        self._document_id = generic.ArrayObject([first, generic.ByteStringObject(second)])
        self._meta = _PinnedMetadata(moment)


class _PinnedSigner(signers.PdfSigner):
    """A signer whose signing time is the one given, not the clock."""

    def __init__(self, metadata: Any, signer: Any, moment: datetime) -> None:
        super().__init__(metadata, signer=signer)
        self._moment = moment

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._moment
        return session


# --- reading a signature back -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Signature:
    """What a PDF's signature says: who signed, when, and whether the file is as signed."""

    signer: str
    certificate_sha256: str
    signed_at: datetime | None
    intact: bool  # the signed bytes are unchanged and the signature is cryptographically sound
    covers_whole_file: bool  # nothing was added after signing


def read_signatures(pdf: bytes) -> list[Signature]:
    """Every signature in ``pdf``, checked for integrity (not for trust: no trust list is consulted here)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # not a PDF pyHanko can read: it has no signature we can report
        return []
    out: list[Signature] = []
    context = ValidationContext(trust_roots=[], allow_fetching=False)  # integrity only: trust is the viewer's call
    for signature in embedded:
        certificate: x509.Certificate = signature.signer_cert
        try:
            with _quiet():
                status = outside_event_loop(
                    partial(validate_pdf_signature, signature, signer_validation_context=context)
                )
            intact = bool(status.intact and status.valid)
            covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        except Exception:  # a signature that cannot be checked is reported as not intact
            intact, covers = False, False
        out.append(
            Signature(
                signer=_name(certificate),
                certificate_sha256=hashlib.sha256(certificate.dump()).hexdigest(),
                signed_at=signature.self_reported_timestamp,
                intact=intact,
                covers_whole_file=covers,
            )
        )
    return out


def describe_signature(pdf: bytes) -> str | None:
    """One line on who signed ``pdf`` and whether it is unchanged since; None when it is not signed."""
    found = read_signatures(pdf)
    if not found:
        return None
    lines = []
    for signature in found:
        when = f" on {signature.signed_at.date().isoformat()}" if signature.signed_at else ""
        if signature.intact and signature.covers_whole_file:
            state = "the file is unchanged since it was signed"
        elif signature.intact:
            state = "the signed part is unchanged, but something was added to the file after it was signed"
        else:
            state = "the signature does not match the file: it was changed after signing, or the signature is broken"
        lines.append(
            f"signed by {signature.signer}{when} (certificate SHA-256 {signature.certificate_sha256[:16]}…); {state}"
        )
    return "; ".join(lines)
