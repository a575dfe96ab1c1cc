"""The SMTP adapter: hands one message to a mail server and returns the server's reply.

The only module that imports :mod:`smtplib` (tests/test_architecture.py keeps
it so). It knows nothing of notices or ledgers: bytes in, the reply to the
message's ``DATA`` out, or one :class:`MailError` that says what went wrong
(refused connection, timeout, refused login, refused recipient) in a line.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass

SECURITY = ("starttls", "tls", "none")


class MailError(Exception):
    """The message was not accepted; the text says why, in one line."""


@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    security: str = "starttls"  # "starttls" (port 587), "tls" (implicit, port 465) or "none" (a local relay)
    user: str = ""
    password: str = ""
    timeout: float = 30.0
    ca_file: str = ""  # a CA bundle to trust for the server's certificate; empty: the system's trusted ones

    def describe(self) -> str:
        return f"{self.host}:{self.port} ({self.security})"


def send_message(server: Server, sender: str, recipients: list[str], data: bytes) -> str:
    """Send ``data`` as is; the server's reply to it, e.g. ``250 2.0.0 Ok: queued as 4F2A1``."""
    where = server.describe()
    try:
        context = ssl.create_default_context(cafile=server.ca_file or None)
    except (OSError, ssl.SSLError) as error:
        raise MailError(f"cannot read the CA bundle '{server.ca_file}': {error}") from None
    try:
        if server.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        with client:
            client.ehlo()
            if server.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if server.user:
                client.login(server.user, server.password)
            code, reply = client.mail(sender)
            if code != 250:
                raise MailError(f"the SMTP server {where} refused the sender {sender}: {code} {_text(reply)}")
            for recipient in recipients:
                code, reply = client.rcpt(recipient)
                if code not in (250, 251):
                    raise MailError(f"the SMTP server {where} refused the recipient {recipient}: {code} {_text(reply)}")
            code, reply = client.data(data)
            if code != 250:
                raise MailError(f"the SMTP server {where} did not accept the message: {code} {_text(reply)}")
            return f"{code} {_text(reply)}"
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError as error:
        raise MailError(
            f"the SMTP server {where} refused the login of '{server.user}': {error.smtp_code} {_text(error.smtp_error)}"
        ) from None
    except smtplib.SMTPNotSupportedError as error:
        raise MailError(f"the SMTP server {where} does not support what was asked: {error}") from None
    except smtplib.SMTPResponseException as error:
        raise MailError(f"the SMTP server {where} answered {error.smtp_code} {_text(error.smtp_error)}") from None
    except smtplib.SMTPServerDisconnected as error:
        if isinstance(error.__context__, TimeoutError):  # smtplib reports a read timeout as a lost connection
            raise MailError(f"the SMTP server {where} did not answer within {server.timeout:g} seconds") from None
        raise MailError(f"the SMTP server {where} closed the connection: {error}") from None
    except (smtplib.SMTPException, ssl.SSLError) as error:
        raise MailError(f"the SMTP conversation with {where} failed: {error}") from None
    except TimeoutError:
        raise MailError(f"the SMTP server {where} did not answer within {server.timeout:g} seconds") from None
    except OSError as error:
        raise MailError(f"cannot reach the SMTP server {where}: {error.strerror or error}") from None


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())
