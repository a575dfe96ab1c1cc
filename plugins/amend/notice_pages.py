"""The public copy of every notice: ``security/baa/notices/<id>/`` and the index ``security/baa/notices/``.

Owns the page bodies: the notice itself (the same HTML fragment as the email,
from :mod:`amend.notices`, with links relative to the page) and its sending
record from the ledger (UTC time, ``Message-ID``, the mail server's reply and
the SHA-256 of the message as sent), or a plain statement that no email is
recorded. Every piece of text is escaped. Must not import mkdocs.
"""

from __future__ import annotations

from datetime import date
from html import escape

from .dates import format_date, time_tag
from .ledger import Ledger, LedgerEntry, format_stamp
from .notices import REVISION, Notice, render_notice_html
from .siteplan import Urls, relative_url


def _record(entry: LedgerEntry | None, as_of: date) -> str:
    if entry is None:
        return (
            '<p class="amend-notice__record">No email of this notice is recorded in the notice ledger yet, as of '
            f"{time_tag(as_of)}.</p>"
        )
    stamp = format_stamp(entry.sent)
    return (
        '<dl class="amend-notice__record">'
        f'<div><dt>Emailed</dt><dd><time datetime="{escape(stamp)}">{escape(format_date(entry.sent.date()))}, '
        f"{entry.sent.strftime('%H:%M')} UTC</time></dd></div>"
        f"<div><dt>Message-ID</dt><dd><code>{escape(entry.message_id)}</code></dd></div>"
        f"<div><dt>Mail server's reply</dt><dd><code>{escape(entry.smtp_reply)}</code></dd></div>"
        f'<div><dt>SHA-256 of the message as sent</dt><dd><code class="amend-notice__hash">{escape(entry.sha256)}'
        "</code></dd></div></dl>"
    )


def render_notice_page(notice: Notice, ledger: Ledger, urls: Urls, as_of: date) -> str:
    here = urls.notice(notice.id)
    what = "revision" if notice.kind == REVISION else "subprocessor change"
    entry = ledger.sent(notice.id)
    how = "as emailed to" if entry is not None else "to be emailed to"
    intro = (
        f'<p class="amend-note">The notice of this {what}, {how} the customers&rsquo; mailing list. '
        "This page is its public copy; the sending record below comes from the notice ledger in the repository.</p>"
    )
    body = render_notice_html(notice, lambda url: relative_url(here, url), heading_level=1, with_heading=False)
    record = '<h2 id="sending-record">Sending record</h2>\n' + _record(entry, as_of)
    back = f'<p class="amend-subscribe"><a href="{escape(relative_url(here, urls.notices()))}">Every notice</a></p>'
    return "\n".join((intro, body, record, back))


def render_notices_index(notices: tuple[Notice, ...], ledger: Ledger, urls: Urls, as_of: date) -> str:
    here = urls.notices()
    intro = (
        '<p class="amend-note">Every notice of an amendment to the agreement and of a change to the subprocessor '
        "list emailed to the customers' mailing list, and each one due to go out, newest first, as of "
        f"{time_tag(as_of)}.</p>"
    )
    if not notices:
        return intro + '\n<p class="amend-empty">No notice has been given yet.</p>'
    rows = []
    for notice in sorted(notices, key=lambda n: (n.posted, n.effective, n.id), reverse=True):
        entry = ledger.sent(notice.id)
        emailed = (
            f'<time datetime="{escape(format_stamp(entry.sent))}">{escape(format_date(entry.sent.date()))}</time>'
            if entry
            else "not yet"
        )
        link = escape(relative_url(here, urls.notice(notice.id)))
        rows.append(
            f'<tr><th scope="row"><a href="{link}">{escape(notice.heading)}</a></th>'
            f'<td class="amend-num">{time_tag(notice.posted)}</td>'
            f'<td class="amend-num">{time_tag(notice.effective)}</td>'
            f'<td class="amend-num">{emailed}</td></tr>'
        )
    table = (
        '<div class="amend-table-wrap"><table class="amend-history amend-notices">'
        "<caption>Notices, newest first</caption>"
        '<thead><tr><th scope="col">Notice</th><th scope="col">Given</th><th scope="col">Takes effect</th>'
        '<th scope="col">Emailed</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    return intro + "\n" + table
