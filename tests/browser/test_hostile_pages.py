"""The attack-laden revision of tests/test_hostile.py, rendered anyway and opened in Chromium: nothing runs.

`amend check` refuses that revision, so no build publishes it; this proves the
second line of defence. Its document HTML, its redline and every page body are
put in a page with the site's own stylesheets, and the browser must open no
dialog, load nothing, and show the attacks as text.
"""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")

from playwright.sync_api import Browser, Dialog, Request

from amend.diff import diff_documents
from amend.diffviews import render_html
from amend.document_html import render_document_html
from amend.pages import render_compare_page, render_current_page, render_history_page, render_revision_page
from amend.siteplan import plan_site
from amend.timeline import build_timeline

pytestmark = [pytest.mark.browser, pytest.mark.slow]

hostile: Any = importlib.import_module("test_hostile")  # tests/ is on the path beside its conftest.py


def bodies() -> dict[str, str]:
    first, second = hostile.hostile_revisions()
    timeline = build_timeline([first, second], date(2025, 3, 15), 30)
    plan = plan_site(timeline)
    old_entry, new_entry = timeline.entry(first.id), timeline.entry(second.id)
    assert old_entry is not None and new_entry is not None
    diff_html = render_html(diff_documents(first.document, second.document), old_href="../a/", new_href="../b/")
    document = render_document_html(second.document)
    return {
        "document": f'<article class="amend-document">{document}</article>',
        "revision": render_revision_page(new_entry, timeline, plan, document),
        "current": render_current_page(timeline, plan, render_document_html(first.document)),
        "history": render_history_page(timeline, plan),
        "compare": render_compare_page(old_entry, new_entry, timeline, plan, diff_html, True),
    }


@pytest.mark.parametrize("name", ["document", "revision", "current", "history", "compare"])
def test_an_attack_rendered_anyway_runs_nothing_in_the_browser(browser: Browser, site_url: str, name: str) -> None:
    html = bodies()[name]
    dialogs: list[str] = []
    requests: list[str] = []
    context = browser.new_context(base_url=site_url)
    try:
        page = context.new_page()

        def on_dialog(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        def on_request(request: Request) -> None:
            requests.append(request.url)

        page.on("dialog", on_dialog)
        page.goto("security/baa/")  # the site's origin and stylesheets, then our body in its content area
        page.wait_for_load_state("networkidle")
        page.on("request", on_request)
        page.evaluate("html => { document.querySelector('article.md-content__inner').innerHTML = html; }", html)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        for link in page.locator("article.md-content__inner a").all()[:200]:
            href = link.get_attribute("href") or ""
            assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:")), href
        page.mouse.move(10, 10)
        page.mouse.move(400, 400)
        page.wait_for_timeout(300)
        text = page.locator("article.md-content__inner").inner_text()
    finally:
        context.close()
    assert dialogs == [], f"{name}: script ran and opened {dialogs}"
    assert requests == [], f"{name}: the revision's text made the browser fetch {requests}"
    assert "alert(" in text, f"{name}: the attacks are not shown as text"


one_text: Any = importlib.import_module("test_one_text")


def test_no_hostile_edit_is_hidden_by_the_site_stylesheets_in_a_real_browser(browser: Browser, site_url: str) -> None:
    """SPEC "One text": what the redline shows, the page shows too: no class or style hides a word."""
    _, second = one_text._unchecked_pair()
    document = render_document_html(second.document)
    context = browser.new_context(base_url=site_url)
    try:
        page = context.new_page()
        page.goto("security/baa/")
        page.wait_for_load_state("networkidle")
        page.evaluate(
            "html => { document.querySelector('article.md-content__inner').innerHTML = html; }",
            f'<article class="amend-document">{document}</article>',
        )
        text = " ".join(page.locator("article.md-content__inner").inner_text().split())
        # A link's address and an image's source are no text: a reader sees them by following the link.
        targets = page.evaluate(
            "() => Array.from(document.querySelectorAll('article.md-content__inner a[href], "
            "article.md-content__inner img')).map(e => (e.getAttribute('href') || '') + ' ' + "
            "(e.getAttribute('src') || '') + ' ' + (e.getAttribute('alt') || '')).join(' ')"
        )
    finally:
        context.close()
    hidden = [
        name
        for name, (_, _, shown, _) in one_text.CASES.items()
        # invisible characters are invisible on the page by nature; check refuses script and file links, and
        # the sanitiser drops their address (the redline still shows it)
        if shown
        and not shown.startswith("⟨")
        and name not in ("javascript-link", "file-link")
        and shown not in text
        and shown not in targets
    ]
    assert hidden == [], f"hidden on the page: {hidden}"
