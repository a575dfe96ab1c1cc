"""Verify a copy (amend.verify and ``amend verify``): a file's SHA-256 looked up in versions.json.

versions.json is rendered by the real manifest code from the fixture revisions,
with stand-in bytes for each PDF and Word file (the lookup cares about digests,
not about what a file contains); the command reads real files from a temporary
site. The signature test signs a real PDF with a throwaway certificate.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfWriter

from amend import cli
from amend.manifest import render_versions_json
from amend.revisions import load_revisions
from amend.signing import load_signing_key, sign_pdf
from amend.siteplan import plan_site
from amend.timeline import build_timeline
from amend.verify import NOT_SIGNED, REDLINE, REVISION, verify_copy
from signingkey import PASSPHRASE, make_key

FIXTURE = Path(__file__).parent / "fixtures" / "site"
AS_OF = date(2025, 12, 1)


def published_bytes() -> dict[str, bytes]:
    plan = plan_site(build_timeline(load_revisions(FIXTURE / "baa_versions").revisions, AS_OF))
    files = {plan.urls.pdf(rev): f"%PDF-1.7 revision {rev}\n".encode() for rev in plan.revisions}
    files |= {
        plan.urls.compare_pdf(p.old, p.new): f"%PDF-1.7 redline {p.old}...{p.new}\n".encode() for p in plan.redline_pdfs
    }
    files |= {plan.urls.docx(rev): f"PK Word revision {rev}\n".encode() for rev in plan.revisions}
    files |= {
        plan.urls.compare_docx(p.old, p.new): f"PK Word redline {p.old}...{p.new}\n".encode() for p in plan.redline_pdfs
    }
    return files


def versions_json(files: dict[str, bytes]) -> dict[str, object]:
    timeline = build_timeline(load_revisions(FIXTURE / "baa_versions").revisions, AS_OF)
    data = render_versions_json(timeline, plan_site(timeline), files, "https://trust.example.test/")
    result: dict[str, object] = json.loads(data)
    return result


def write_site(folder: Path, files: dict[str, bytes]) -> Path:
    for path, data in files.items():
        (folder / "site" / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / "site" / path).write_bytes(data)
    (folder / "site" / "security/baa/versions.json").write_text(json.dumps(versions_json(files)))
    return folder / "site"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path, published_bytes())


def test_a_published_revision_pdf_is_named_with_its_dates() -> None:
    files = published_bytes()
    result = verify_copy(files["security/baa/2025-06-01.pdf"], versions_json(files))
    assert result.match is not None
    assert (result.match.kind, result.match.revision, result.match.posted, result.match.effective) == (
        REVISION,
        "2025-06-01",
        "2025-04-20",
        "2025-06-01",
    )
    assert result.match.describe() == "revision 2025-06-01 (in force), posted 2025-04-20, effective 2025-06-01"
    assert result.match.url == "https://trust.example.test/security/baa/2025-06-01.pdf"


def test_a_published_redline_is_named_with_its_two_revisions() -> None:
    files = published_bytes()
    result = verify_copy(files["security/baa/compare/2025-01-10...2025-06-01.pdf"], versions_json(files))
    assert result.match is not None
    assert (result.match.kind, result.match.previous, result.match.revision) == (REDLINE, "2025-01-10", "2025-06-01")
    assert result.match.page == "https://trust.example.test/security/baa/compare/2025-01-10...2025-06-01/"


def test_a_published_word_file_is_named_as_a_word_file() -> None:
    files = published_bytes()
    versions = versions_json(files)
    result = verify_copy(files["security/baa/2025-06-01.docx"], versions)
    assert result.match is not None and result.match.format == "docx"
    assert result.match.describe() == (
        "revision 2025-06-01 (in force), posted 2025-04-20, effective 2025-06-01, as a Word file"
    )
    assert result.match.url == "https://trust.example.test/security/baa/2025-06-01.docx"
    redline = verify_copy(files["security/baa/compare/2025-01-10...2025-06-01.docx"], versions)
    assert redline.match is not None
    assert redline.match.describe() == "the redline from revision 2025-01-10 to revision 2025-06-01, as a Word file"


def test_one_changed_byte_makes_a_file_not_one_we_published() -> None:
    files = published_bytes()
    copy = bytearray(files["security/baa/2025-06-01.pdf"])
    copy[-2] ^= 1
    result = verify_copy(bytes(copy), versions_json(files))
    assert result.match is None and not result.published
    assert len(result.sha256) == 64


def test_the_command_names_a_published_copy_and_exits_0(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "from-a-customer.pdf"
    copy.write_bytes((site / "security/baa/2025-01-10.pdf").read_bytes())
    assert cli.main(["--root", str(FIXTURE), "verify", str(copy), "--site", str(site)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{copy}: this is revision 2025-01-10 (superseded), posted 2025-01-10, effective 2025-01-10"
    assert out[2].startswith("  published at https://trust.example.test/security/baa/2025-01-10.pdf (checked against")
    assert out[3] == f"  signature: {NOT_SIGNED}"


def test_the_command_says_a_modified_copy_is_not_ours_and_exits_1(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "edited.pdf"
    copy.write_bytes((site / "security/baa/2025-01-10.pdf").read_bytes() + b"\n")
    assert cli.main(["--root", str(FIXTURE), "verify", str(copy), "--site", str(site), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["published"] is False and data["match"] is None and data["as_of"] == "2025-12-01"


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_command_names_who_signed_a_pdf_and_whether_it_changed_since(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p12, _ = make_key(tmp_path, "Harborlight Health Cloud")
    signed = sign_pdf(blank_pdf(), load_signing_key(str(p12), PASSPHRASE), date(2025, 4, 20))
    files = published_bytes() | {"security/baa/2025-06-01.pdf": signed}
    site = write_site(tmp_path, files)
    copy = tmp_path / "signed.pdf"
    copy.write_bytes(signed)
    assert cli.main(["--root", str(FIXTURE), "verify", str(copy), "--site", str(site)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{copy}: this is revision 2025-06-01 (in force), posted 2025-04-20, effective 2025-06-01"
    assert out[3].startswith("  signature: signed by Harborlight Health Cloud on 2025-04-20 (certificate SHA-256 ")
    assert out[3].endswith("; the file is unchanged since it was signed")

    tampered = bytearray(signed)
    at = tampered.find(b"/MediaBox")
    tampered[at + 1] = ord("m")  # inside the signed bytes: the copy is neither ours nor as signed
    copy.write_bytes(bytes(tampered))
    assert cli.main(["--root", str(FIXTURE), "verify", str(copy), "--site", str(site), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["published"] is False and data["signed"] is True
    assert data["signature"].startswith("signed by Harborlight Health Cloud")
    assert "does not match the file" in data["signature"]


def test_a_word_file_is_named_without_a_signature_line(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "agreement.docx"
    copy.write_bytes((site / "security/baa/compare/2025-01-10...2025-06-01.docx").read_bytes())
    assert cli.main(["--root", str(FIXTURE), "verify", str(copy), "--site", str(site), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["match"]["format"] == "docx" and data["match"]["kind"] == REDLINE
    assert data["signed"] is None and data["signature"] is None


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("no-site", "versions.json: no versions.json there; check --site"),
        ("broken-json", "versions.json:1: not valid JSON"),
        ("no-file", "cannot read"),
    ],
)
def test_bad_input_to_verify_is_one_clear_message(
    setup: str, expected: str, site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(b"%PDF-1.7")
    where = site
    if setup == "no-site":
        where = tmp_path / "nowhere"
    elif setup == "broken-json":
        (site / "security/baa/versions.json").write_text("{not json")
    elif setup == "no-file":
        copy = tmp_path / "missing.pdf"
    assert cli.main(["--root", str(FIXTURE), "verify", str(copy), "--site", str(where)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("amend verify: ") and expected in err and "Traceback" not in err
