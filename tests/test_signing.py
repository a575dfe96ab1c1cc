"""Signed PDFs: a throwaway self-signed key signs, pyHanko validates, and the bytes stay reproducible."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from amend.pdf import render_revision_pdf
from amend.pdfcache import job_key, revision_job
from amend.revisions import load_revisions
from amend.signing import SigningError, describe_signature, load_signing_key, outside_event_loop, sign_pdf
from signingkey import PASSPHRASE, make_key

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("keys")
    return {"harborlight": make_key(folder, "Harborlight Health Cloud"), "other": make_key(folder, "Other Signer")}


@pytest.fixture(scope="module")
def revision_and_pdf() -> tuple[object, bytes]:
    revision = load_revisions(FIXTURE / "baa_versions", 30).revisions[-1]
    return revision, render_revision_pdf(revision, organization="Harborlight Health Cloud")


def validate(pdf: bytes, pem: Path) -> object:
    """pyHanko's own validation, trusting the throwaway certificate."""
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(pem))], allow_fetching=False)
    return outside_event_loop(lambda: validate_pdf_signature(signature, signer_validation_context=context))


@pytest.mark.slow
def test_a_signed_pdf_validates_and_is_signed_on_the_posted_date(keys, revision_and_pdf) -> None:  # type: ignore[no-untyped-def]
    revision, pdf = revision_and_pdf
    p12, pem = keys["harborlight"]
    key = load_signing_key(str(p12), PASSPHRASE)
    signed = sign_pdf(pdf, key, revision.posted)  # type: ignore[attr-defined]
    assert signed.startswith(pdf), "signing is an incremental update: the rendered PDF stays as it was"
    status = validate(signed, pem)
    assert status.bottom_line, status.pretty_print_details()  # type: ignore[attr-defined]
    posted = revision.posted  # type: ignore[attr-defined]
    assert status.signer_reported_dt == datetime(posted.year, posted.month, posted.day, tzinfo=UTC)  # type: ignore[attr-defined]
    assert key.signer == "Harborlight Health Cloud"
    description = describe_signature(signed)
    assert description is not None
    assert description.startswith(f"signed by Harborlight Health Cloud on {posted.isoformat()}")
    assert "the file is unchanged since it was signed" in description


@pytest.mark.slow
def test_the_same_pdf_and_key_give_the_same_bytes_and_another_key_others(keys, revision_and_pdf) -> None:  # type: ignore[no-untyped-def]
    revision, pdf = revision_and_pdf
    key = load_signing_key(str(keys["harborlight"][0]), PASSPHRASE)
    other = load_signing_key(str(keys["other"][0]), PASSPHRASE)
    first = sign_pdf(pdf, key, revision.posted)  # type: ignore[attr-defined]
    assert first == sign_pdf(pdf, key, revision.posted)  # type: ignore[attr-defined]
    assert first != sign_pdf(pdf, other, revision.posted)  # type: ignore[attr-defined]
    stamp = revision.posted.strftime("%Y%m%d").encode()  # type: ignore[attr-defined]
    update = first[len(pdf) :]  # what signing added: its dates are the posted date, not the time it ran
    assert b"/ModDate (D\\072" + stamp + b"000000Z)" in update
    assert b"/M (D\\072" + stamp + b"000000Z)" in update


@pytest.mark.slow
def test_a_changed_byte_or_an_unsigned_pdf_is_reported(keys, revision_and_pdf) -> None:  # type: ignore[no-untyped-def]
    revision, pdf = revision_and_pdf
    key = load_signing_key(str(keys["harborlight"][0]), PASSPHRASE)
    signed = bytearray(sign_pdf(pdf, key, revision.posted))  # type: ignore[attr-defined]
    at = signed.find(b"/Title")
    signed[at + 1] = ord("t")
    description = describe_signature(bytes(signed))
    assert description is not None and "does not match the file" in description
    assert describe_signature(pdf) is None
    assert describe_signature(b"not a pdf at all") is None


def test_a_wrong_passphrase_or_a_missing_key_says_which_variable_to_fix(keys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SigningError, match="AMEND_SIGNING_PASSPHRASE"):
        load_signing_key(str(keys["harborlight"][0]), "wrong")
    with pytest.raises(SigningError, match=r"AMEND_SIGNING_KEY names .*missing\.p12, which is not a file"):
        load_signing_key(str(tmp_path / "missing.p12"), PASSPHRASE)


def test_the_pdf_cache_key_includes_who_signs_but_not_the_passphrase(keys) -> None:  # type: ignore[no-untyped-def]
    revision = load_revisions(FIXTURE / "baa_versions", 30).revisions[-1]
    key = load_signing_key(str(keys["harborlight"][0]), PASSPHRASE)
    other = load_signing_key(str(keys["other"][0]), PASSPHRASE)
    keys_of = {
        name: job_key(revision_job("x.pdf", revision, signing=signing), "renderer")
        for name, signing in (("unsigned", None), ("key", key), ("other", other))
    }
    assert len(set(keys_of.values())) == 3
    assert PASSPHRASE not in json.dumps(keys_of)


@pytest.mark.slow
def test_a_signed_build_signs_every_pdf_and_lists_the_signed_bytes(keys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p12, pem = keys["harborlight"]
    env = {
        **os.environ,
        "AMEND_AS_OF": "2025-12-01",
        "AMEND_CACHE_DIR": str(tmp_path / "cache"),
        "AMEND_SIGNING_KEY": str(p12),
        "AMEND_SIGNING_PASSPHRASE": PASSPHRASE,
        "NO_MKDOCS_2_WARNING": "1",
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]
    result = subprocess.run(command, cwd=FIXTURE, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    assert "PDFs are signed by Harborlight Health Cloud" in result.stderr
    section = tmp_path / "site" / "security" / "baa"
    pdfs = sorted(section.rglob("*.pdf"))
    assert len(pdfs) == 5
    for path in pdfs:
        assert validate(path.read_bytes(), pem).bottom_line, path  # type: ignore[attr-defined]
    sums = (section / "SHA256SUMS").read_text()
    for path in pdfs:
        assert hashlib.sha256(path.read_bytes()).hexdigest() in sums
    # `amend pdf` signs the same way: the same bytes as the site's PDF.
    out = tmp_path / "cli.pdf"
    amend = Path(sys.executable).parent / "amend"
    cli = subprocess.run(
        [str(amend), "pdf", "2025-12-15", "-o", str(out)],
        cwd=FIXTURE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert out.read_bytes() == (section / "2025-12-15.pdf").read_bytes()
    wrong = {**env, "AMEND_SIGNING_PASSPHRASE": "wrong", "AMEND_CACHE_DIR": str(tmp_path / "cache2")}
    failed = subprocess.run(
        [*command[:-1], str(tmp_path / "site2")],
        cwd=FIXTURE,
        env=wrong,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert failed.returncode != 0
    assert "AMEND_SIGNING_PASSPHRASE" in failed.stderr and "Traceback" not in failed.stderr
