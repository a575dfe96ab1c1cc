"""Notices to customers, end to end: rendered, sent to a real SMTP server on 127.0.0.1, read back, recorded.

The server is aiosmtpd, run in-process on an ephemeral port, plain, with
STARTTLS (a certificate made for the test with openssl) and with AUTH. Each
test works on a copy of the project's own revisions and register, with a
mkdocs.yml that names a site URL and the mail settings, so the links and
addresses in the email are the real ones a customer would get.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from amend import cli
from amend.ledger import format_stamp, parse_ledger

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://trust.harborlight.example/"
AS_OF = "2026-12-01"  # revision 2026-12-17 (posted 2026-11-16) and the Northbeam addition (2026-11-18) are due
REVISION = "2026-12-17"
ANNOUNCEMENT = "northbeam-document-capture-inc-added"
MKDOCS_YML = f"""site_name: Test
site_url: {SITE_URL}
plugins:
  - amend:
      organization: Harborlight Health Cloud, Inc.
      notice_to: baa-notices@lists.harborlight.example
      notice_from: Harborlight Trust Center <trust@harborlight.example>
      objection_address: privacy@harborlight.example
      list_unsubscribe: mailto:baa-notices-unsubscribe@lists.harborlight.example
"""


@dataclass
class Received:
    """What the server accepted: the envelope and the exact bytes of each message."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)

    def parsed(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[misc]
            for _, _, data in self.messages
        ]


class _Handler:
    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 Ok: queued as TEST1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(request: pytest.FixtureRequest) -> Iterator[tuple[int, Received]]:
    """A plain SMTP server on 127.0.0.1 (``indirect`` parameters: extra aiosmtpd SMTP keyword arguments)."""
    received = Received()
    options: dict[str, Any] = getattr(request, "param", {})
    port = _free_port()
    controller = Controller(_Handler(received), hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the project's revisions and register with a mkdocs.yml that sets the mail path."""
    shutil.copytree(ROOT / "baa_versions", tmp_path / "baa_versions")
    shutil.copy(ROOT / "subprocessors.yml", tmp_path / "subprocessors.yml")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    return tmp_path


def _env(monkeypatch: pytest.MonkeyPatch, port: int, **extra: str) -> None:
    for name in ("AMEND_SMTP_USER", "AMEND_SMTP_PASSWORD", "AMEND_SMTP_CA_FILE", "AMEND_AS_OF"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AMEND_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AMEND_SMTP_PORT", str(port))
    monkeypatch.setenv("AMEND_SMTP_SECURITY", "none")
    monkeypatch.setenv("AMEND_SMTP_TIMEOUT", "5")
    for name, value in extra.items():
        monkeypatch.setenv(name, value)


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def test_publishing_a_revision_and_a_register_change_sends_each_email_once_with_a_ledger_entry(
    site: Path, smtp: tuple[int, Received], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port, received = smtp
    _env(monkeypatch, port)
    before = datetime.now(UTC).replace(microsecond=0)
    assert cli.main(["--root", str(site), "notice", "--send", "--as-of", AS_OF]) == 0
    after = datetime.now(UTC)
    messages = received.parsed()
    assert [m["Message-ID"] for m in messages] == [
        f"<amend-notice.{REVISION}@harborlight.example>",
        f"<amend-notice.{ANNOUNCEMENT}@harborlight.example>",
    ]
    for (sender, recipients, _), message in zip(received.messages, messages, strict=True):
        assert sender == "trust@harborlight.example"
        assert recipients == ["baa-notices@lists.harborlight.example"]
        assert message["To"] == "baa-notices@lists.harborlight.example"
        assert message["From"] == "Harborlight Trust Center <trust@harborlight.example>"
        assert message["List-Unsubscribe"] == "<mailto:baa-notices-unsubscribe@lists.harborlight.example>"
        assert message.get_content_type() == "multipart/alternative"
        assert before <= parsedate_to_datetime(message["Date"]) <= after

    revision, announcement = messages
    assert revision["Subject"] == (
        "Harborlight Health Cloud, Inc.: amended Business Associate Agreement takes effect on December 17, 2026"
    )
    text, html = _parts(revision)
    assert "Posted on November 16, 2026; takes effect on December 17, 2026 (31 days of notice)." in text
    # The redline's "look here first", each flag with the sentence it sits in.
    assert (
        "- 4. Subcontractors \u203a Notice of changes: time period changed: thirty (30) days → forty-five (45) days"
        in text
    )
    assert "“Harborlight shall record administrative access to systems that hold PHI and keep those records" in text
    for link in (
        f"{SITE_URL}security/baa/{REVISION}/",
        f"{SITE_URL}security/baa/compare/2025-10-17...{REVISION}/",
        f"{SITE_URL}security/baa/compare/2025-10-17...{REVISION}.pdf",
        f"{SITE_URL}security/baa/{REVISION}.pdf",
    ):
        assert link in text
        assert f'href="{link}' in html
    assert f'href="{SITE_URL}security/baa/compare/2025-10-17...{REVISION}/#rl-' in html  # each flag links its clause
    assert "<del>thirty (30) days</del> → <ins>forty-five (45) days</ins>" in html

    text, html = _parts(announcement)
    assert announcement["Subject"] == (
        "Harborlight Health Cloud, Inc.: new subprocessor Northbeam Document Capture, Inc. from January 4, 2027"
    )
    # Announced under the 15-day term, it starts after the 30-day term of 2026-12-17: the stricter applies.
    assert "You may object until the end of December 18, 2026 (30 days after the announcement)." in text
    assert "Location: United States (Minnesota)" in text
    assert (
        'href="mailto:privacy@harborlight.example?subject=Objection%20to%20subprocessor%20Northbeam%20Document'
        '%20Capture%2C%20Inc.%20%28northbeam-document-capture-inc-added%29"' in html
    )
    assert f"{SITE_URL}security/subprocessors/#change-{ANNOUNCEMENT}" in text

    ledger_text = (site / "notice-ledger.yml").read_text(encoding="utf-8")
    ledger, problems = parse_ledger(ledger_text, "notice-ledger.yml")
    assert problems == [] and ledger is not None
    assert [(e.kind, e.notice) for e in ledger.entries] == [("revision", REVISION), ("announcement", ANNOUNCEMENT)]
    for entry, (_, _, data) in zip(ledger.entries, received.messages, strict=True):
        assert entry.sha256 == hashlib.sha256(data).hexdigest()  # the exact bytes the server received
        assert entry.smtp_reply == "250 2.0.0 Ok: queued as TEST1"
        assert before <= entry.sent <= after
        assert entry.message_id == f"<amend-notice.{entry.notice}@harborlight.example>"

    # Never twice: the next run (the workflow's next day) sends nothing and leaves the ledger as it was.
    capsys.readouterr()
    assert cli.main(["--root", str(site), "notice", "--send", "--as-of", "2026-12-02"]) == 0
    assert cli.main(["--root", str(site), "notice", REVISION, "--send", "--as-of", "2026-12-02"]) == 0
    assert len(received.messages) == 2
    assert (site / "notice-ledger.yml").read_text(encoding="utf-8") == ledger_text
    assert "it is never sent twice" in capsys.readouterr().err

    # amend check shows, per upcoming revision, that notice went out and how long before it takes effect;
    # sent on this machine's day, it gave fewer than 30 days unless that day is 2026-11-17 or earlier.
    days = (date(2026, 12, 17) - ledger.entries[0].sent.date()).days
    assert cli.main(["--root", str(site), "check", "--no-history", "--as-of", AS_OF]) == (0 if days >= 30 else 1)
    captured = capsys.readouterr()
    assert f"note: notice of revision {REVISION} sent {format_stamp(ledger.entries[0].sent)}, {days} days before" in (
        captured.err
    )
    if days < 30:
        assert f"the notice of revision {REVISION} went out on {ledger.entries[0].sent.date()}, {days} days" in (
            captured.out
        )


def test_the_message_is_the_same_bytes_for_the_same_notice_and_moment(site: Path) -> None:
    from amend.config import load_settings
    from amend.notices import Envelope, render_message
    from amend.publication import prepare_publication

    publication, problems = prepare_publication(load_settings(site)[0], date(2026, 12, 1))
    assert publication is not None and not problems
    notice = next(n for n in publication.notices if n.id == REVISION)
    envelope = Envelope("trust@harborlight.example", "list@lists.harborlight.example", SITE_URL)
    moment = datetime(2026, 11, 16, 5, 0, 12, tzinfo=UTC)
    first = render_message(notice, envelope, moment)
    assert first == render_message(notice, envelope, moment)
    assert b"Date: Mon, 16 Nov 2026 05:00:12 +0000\r\n" in first
    assert b"List-Unsubscribe" not in first  # only where configured
    assert b"\r\n" in first and b"\n" not in first.replace(b"\r\n", b"")


def test_a_draft_revision_is_previewed_but_never_sent_before_its_posted_day(
    site: Path, smtp: tuple[int, Received], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port, received = smtp
    _env(monkeypatch, port)
    assert cli.main(["--root", str(site), "notice", REVISION, "--as-of", "2026-11-01", "--format", "text"]) == 0
    assert capsys.readouterr().out.startswith("An amended Business Associate Agreement takes effect on December 17")
    assert cli.main(["--root", str(site), "notice", REVISION, "--send", "--as-of", "2026-11-01"]) == 1
    assert "posted on 2026-11-16; its notice can be sent on or after that day" in capsys.readouterr().err
    assert received.messages == []
    assert not (site / "notice-ledger.yml").exists()


def _assert_not_sent(site: Path, capsys: pytest.CaptureFixture[str], expected: str) -> None:
    ledger = site / "notice-ledger.yml"
    before = ledger.read_bytes() if ledger.exists() else None
    assert cli.main(["--root", str(site), "notice", REVISION, "--send", "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert err.count("not sent") == 1 and "Traceback" not in err, err
    assert expected in err, err
    assert "the ledger is unchanged, the next run retries" in err
    assert (ledger.read_bytes() if ledger.exists() else None) == before


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"notices", b"right password")
    return AuthResult(success=ok, handled=False)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")  # a test server on 127.0.0.1
@pytest.mark.parametrize(
    "smtp", [{"authenticator": _authenticator, "auth_required": True, "auth_require_tls": False}], indirect=True
)
def test_a_refused_login_is_reported_once_and_the_ledger_is_untouched_then_the_right_one_sends(
    site: Path, smtp: tuple[int, Received], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port, received = smtp
    _env(monkeypatch, port, AMEND_SMTP_USER="notices", AMEND_SMTP_PASSWORD="wrong password")
    _assert_not_sent(site, capsys, "refused the login of 'notices': 535")
    assert received.messages == []
    monkeypatch.setenv("AMEND_SMTP_PASSWORD", "right password")  # the next run retries, and succeeds
    assert cli.main(["--root", str(site), "notice", REVISION, "--send", "--as-of", AS_OF]) == 0
    assert len(received.messages) == 1
    assert 'revision: "2026-12-17"' in (site / "notice-ledger.yml").read_text(encoding="utf-8")


def test_a_server_that_is_down_is_reported_once_and_the_ledger_is_untouched(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, _free_port())  # nothing listens there
    _assert_not_sent(site, capsys, "cannot reach the SMTP server 127.0.0.1:")


def test_a_server_that_never_answers_times_out_once_and_the_ledger_is_untouched(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never sends a greeting
    try:
        _env(monkeypatch, silent.getsockname()[1], AMEND_SMTP_TIMEOUT="1")
        _assert_not_sent(site, capsys, "did not answer within 1 seconds")
    finally:
        silent.close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate for the STARTTLS server (apt-get install openssl)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_starttls_with_a_login_delivers_the_notice(
    site: Path, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssl

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received = Received()
    port = _free_port()
    controller = Controller(
        _Handler(received),
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )
    controller.start()
    try:
        _env(
            monkeypatch,
            port,
            AMEND_SMTP_SECURITY="starttls",
            AMEND_SMTP_USER="notices",
            AMEND_SMTP_PASSWORD="right password",
            AMEND_SMTP_CA_FILE=str(cert),
        )
        assert cli.main(["--root", str(site), "notice", ANNOUNCEMENT, "--send", "--as-of", AS_OF]) == 0
    finally:
        controller.stop()
    assert len(received.messages) == 1
    assert received.parsed()[0]["Message-ID"] == f"<amend-notice.{ANNOUNCEMENT}@harborlight.example>"


def test_a_server_certificate_that_is_not_trusted_is_refused(
    site: Path, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ssl

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received = Received()
    port = _free_port()
    controller = Controller(
        _Handler(received), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        _env(monkeypatch, port, AMEND_SMTP_SECURITY="starttls")  # no CA file: the self-made certificate is unknown
        _assert_not_sent(site, capsys, "CERTIFICATE_VERIFY_FAILED")
    finally:
        controller.stop()
    assert received.messages == []


def test_sending_without_the_mail_settings_names_each_missing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "baa_versions", tmp_path / "baa_versions")
    (tmp_path / "mkdocs.yml").write_text("site_name: Test\nplugins:\n  - amend\n", encoding="utf-8")
    _env(monkeypatch, 25)
    assert cli.main(["--root", str(tmp_path), "notice", REVISION, "--send", "--as-of", AS_OF]) == 1
    assert "set notice_to, notice_from, site_url in mkdocs.yml" in capsys.readouterr().err
    monkeypatch.delenv("AMEND_SMTP_HOST")
    assert cli.main(["--root", str(tmp_path), "notice", REVISION, "--send", "--as-of", AS_OF]) == 1
    assert "set AMEND_SMTP_HOST" in capsys.readouterr().err


# --- the ledger as an input: strict, with lines, never a traceback --------------------------------

GOOD = """- revision: "2026-12-17"
  sent: "2026-11-16T05:00:12Z"
  message_id: "<amend-notice.2026-12-17@harborlight.example>"
  smtp_reply: "250 2.0.0 Ok"
  sha256: "{sha}"
""".replace("{sha}", "a" * 64)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace("- revision:", "- revison:"), "notice-ledger.yml:1: unknown ledger key 'revison'; did you mean"),
        (GOOD.replace("2026-11-16T05:00:12Z", "yesterday"), "notice-ledger.yml:2: 'sent' is 'yesterday'; write the"),
        (GOOD.replace('"' + "a" * 64 + '"', '"abc"'), "notice-ledger.yml:5: 'sha256' must be 64 lowercase hex"),
        (GOOD + GOOD, "notice-ledger.yml:6: the notice '2026-12-17' is recorded twice (first on line 1)"),
        ("- &entry\n  revision: x\n- *entry\n", "notice-ledger.yml:1: the notice ledger uses a YAML anchor or alias"),
        ("revision: 2026-12-17\n", "notice-ledger.yml:1: the notice ledger must be a list of entries"),
        ("- revision: [unclosed\n", "notice-ledger.yml:2: the notice ledger is not valid YAML"),
        (
            GOOD.replace('2026-12-17"\n', '2026-12-31"\n', 1),
            "notice-ledger.yml:1: the ledger records a notice of '2026-12-31', which is no revision of this site",
        ),
    ],
)
def test_a_bad_ledger_is_one_clear_message_with_its_line(
    site: Path, text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "notice-ledger.yml").write_text(text, encoding="utf-8")
    assert cli.main(["--root", str(site), "check", "--no-history", "--as-of", AS_OF]) == 1
    captured = capsys.readouterr()
    assert expected in captured.out, captured.out
    assert "Traceback" not in captured.out + captured.err


def test_a_notice_sent_fewer_than_notice_days_before_it_takes_effect_is_a_problem_with_the_fix(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "notice-ledger.yml").write_text(GOOD.replace("2026-11-16T05:00:12Z", "2026-11-30T09:00:00Z"), "utf-8")
    assert cli.main(["--root", str(site), "check", "--no-history", "--as-of", AS_OF]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "notice-ledger.yml:1: the notice of revision 2026-12-17 went out on 2026-11-30, 17 days before it takes effect "
        "on 2026-12-17; customers must have at least 30: post a new revision that takes effect on or after 2026-12-30 "
        "in its place and send its notice"
    )


def test_an_upcoming_revision_without_notice_is_shown_as_not_sent(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["--root", str(site), "check", "--no-history", "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert (
        f"note: notice of revision {REVISION} not sent yet (takes effect 2026-12-17; it can no longer give 30 days)"
        in err
    )
    assert cli.main(["--root", str(site), "check", "--no-history", "--as-of", "2026-11-16"]) == 0
    assert "(takes effect 2026-12-17; send it by 2026-11-17 to give 30 days)" in capsys.readouterr().err
    assert f"note: notice of announcement {ANNOUNCEMENT} not sent yet" in err


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.mkdir(), "notice-ledger.yml: the notice ledger is not a regular file"),
        (lambda p: p.write_bytes(b"#" * 2_000_001), "notice-ledger.yml: the notice ledger is larger than 2,000,000"),
        (lambda p: p.write_bytes(b'- revision: "caf\xe9"\n'), "notice-ledger.yml:1: the file is not UTF-8 text"),
    ],
    ids=["folder", "too-large", "not-utf8"],
)
def test_a_ledger_that_is_not_a_small_text_file_is_refused_without_a_traceback(
    site: Path, make: Any, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make(site / "notice-ledger.yml")
    assert cli.main(["--root", str(site), "check", "--no-history", "--as-of", AS_OF]) == 1
    assert expected in capsys.readouterr().out
    assert cli.main(["--root", str(site), "notice", "--send", "--as-of", AS_OF]) == 1  # nothing is sent blind
    assert expected in capsys.readouterr().err


def test_the_site_publishes_a_copy_of_each_notice_sent_or_due_with_its_sending_record(site: Path) -> None:
    from amend.config import load_settings
    from amend.publication import prepare_publication

    (site / "notice-ledger.yml").write_text(GOOD, encoding="utf-8")
    publication, problems = prepare_publication(load_settings(site)[0], date(2026, 12, 1))
    assert publication is not None and not problems
    pages = {spec.url: spec for spec in publication.pages if spec.kind in ("notice", "notices")}
    # Sent (in the ledger) or due now; the notices of revisions that took effect before any email have no copy.
    assert sorted(pages) == [
        "security/baa/notices/",
        f"security/baa/notices/{REVISION}/",
        f"security/baa/notices/{ANNOUNCEMENT}/",
    ]
    sent = publication.render_body(pages[f"security/baa/notices/{REVISION}/"])
    assert "as emailed to the customers&rsquo; mailing list" in sent
    assert "<code>&lt;amend-notice.2026-12-17@harborlight.example&gt;</code>" in sent
    assert '<time datetime="2026-11-16T05:00:12Z">November 16, 2026, 05:00 UTC</time>' in sent
    assert f'<code class="amend-notice__hash">{"a" * 64}</code>' in sent
    assert 'href="../../compare/2025-10-17...2026-12-17/#rl-' in sent  # links relative to the page
    due = publication.render_body(pages[f"security/baa/notices/{ANNOUNCEMENT}/"])
    assert "to be emailed to the customers&rsquo; mailing list" in due
    assert "No email of this notice is recorded in the notice ledger yet" in due
    index = publication.render_body(pages["security/baa/notices/"])
    assert index.count('<tr><th scope="row">') == 2 and "not yet" in index
    revision_page = next(s for s in publication.pages if s.url == f"security/baa/{REVISION}/")
    assert 'href="../notices/2026-12-17/">Notice to customers</a>' in publication.render_body(revision_page)
    older = next(s for s in publication.pages if s.url == "security/baa/2025-10-17/")
    assert "Notice to customers" not in publication.render_body(older)


def test_text_from_the_sources_is_escaped_in_the_html_and_cannot_add_a_header() -> None:
    from amend.notices import ANNOUNCEMENT as KIND
    from amend.notices import Envelope, Link, Notice, Objection, render_message, render_notice_html

    hostile = '<img src=x onerror="alert(1)">'
    notice = Notice(
        id="evil-added",
        kind=KIND,
        subject="Evil\r\nBcc: everyone@example.org",
        heading=hostile,
        posted=date(2026, 1, 1),
        effective=date(2026, 3, 1),
        summary=hostile,
        details=(("Subprocessor", hostile),),
        objection=Objection(date(2026, 1, 31), 30, "privacy@example.org", hostile),
        links=(Link(hostile, 'x"><script>'),),
    )
    html = render_notice_html(notice, lambda url: url)
    assert "<img" not in html and "<script" not in html and "&lt;img src=x" in html
    data = render_message(
        notice, Envelope("a@example.org", "b@example.org", SITE_URL), datetime(2026, 1, 1, tzinfo=UTC)
    )
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert message["Bcc"] is None and message["Subject"] == "Evil Bcc: everyone@example.org"


def test_implicit_tls_delivers_the_notice(
    site: Path, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ssl

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    received = Received()
    port = _free_port()
    controller = Controller(_Handler(received), hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        _env(monkeypatch, port, AMEND_SMTP_SECURITY="tls", AMEND_SMTP_CA_FILE=str(cert))
        assert cli.main(["--root", str(site), "notice", REVISION, "--send", "--as-of", AS_OF]) == 0
    finally:
        controller.stop()
    assert [m["Message-ID"] for m in received.parsed()] == [f"<amend-notice.{REVISION}@harborlight.example>"]
