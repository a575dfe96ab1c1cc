"""The built sample site as a reader meets it: served on 127.0.0.1, read by headless Chromium.

The site is the session's ``sample_site`` (tests/conftest.py: the project's own
mkdocs.yml and baa_versions/ built as of 2026-12-01). A small http.server
thread serves it; Playwright drives Debian's Chromium (its own browser download
is not used). Every page a test opens is watched: a request to any host other
than 127.0.0.1 is refused and fails the test, and so does a script error or a
console error (a missing asset shows up as one).
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = 1280
Scheme = Literal["light", "dark"]
PHONE = 390


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401  (only asking whether it is installed)
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        return "Chromium is not installed (/usr/bin/chromium; scripts/test installs it with apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the browser tests, before any site is built, on a machine without Chromium."""
    reason = _missing_browser()
    if reason is None:
        return
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(sample_site: Path) -> Iterator[str]:
    """The sample site served over HTTP on 127.0.0.1 (an ephemeral port), as ``http://127.0.0.1:PORT/``."""
    handler = functools.partial(_QuietHandler, directory=str(sample_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="sample-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class SampleDates:
    """Which revision of the built sample plays which part, read from its versions.json."""

    as_of: date
    in_force: str
    upcoming: str
    superseded: str  # the revision the one in force replaced
    first: str
    ids: tuple[str, ...]
    effective: dict[str, date] = field(default_factory=dict)
    posted: dict[str, date] = field(default_factory=dict)


@pytest.fixture(scope="session")
def sample(sample_site: Path) -> SampleDates:
    versions = json.loads((sample_site / "security" / "baa" / "versions.json").read_text(encoding="utf-8"))
    revisions = versions["revisions"]
    ids = tuple(r["id"] for r in revisions)
    in_force = versions["in_force"]
    assert versions["upcoming"], "the sample must have an upcoming revision as of its pinned date"
    return SampleDates(
        as_of=date.fromisoformat(versions["as_of"]),
        in_force=in_force,
        upcoming=versions["upcoming"][0],
        superseded=ids[ids.index(in_force) - 1],
        first=ids[0],
        ids=ids,
        effective={r["id"]: date.fromisoformat(r["effective"]) for r in revisions},
        posted={r["id"]: date.fromisoformat(r["posted"]) for r in revisions},
    )


@pytest.fixture(scope="session")
def page_types(sample: SampleDates, sample_site: Path) -> dict[str, str]:
    """One page of every kind the site has, by name → path under the site root."""
    register = {"subprocessors": "security/subprocessors/"}
    notices = sample_site / "security" / "baa" / "notices"
    announcements = sorted(p.name for p in notices.iterdir() if p.is_dir() and p.name.endswith("-added"))
    if announcements:  # an addition's notice: its objection window and mailto link
        register["announcement-notice"] = f"security/baa/notices/{announcements[-1]}/"
    present = {name: path for name, path in register.items() if (sample_site / path / "index.html").is_file()}
    return present | {
        "home": "",
        "current": "security/baa/",
        "revision": f"security/baa/{sample.superseded}/",
        "upcoming-revision": f"security/baa/{sample.upcoming}/",
        "history": "security/baa/history/",
        "compare-index": "security/baa/compare/",
        "compare": f"security/baa/compare/{sample.superseded}...{sample.in_force}/",
        "verify": "security/baa/verify/",
        "clause-index": "security/baa/clauses/",
        "clause": "security/baa/clauses/incident-breach-reporting/",
        "legal-team": "legal-team/",
        "notices": "security/baa/notices/",
        "revision-notice": f"security/baa/notices/{sample.upcoming}/",
    }


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=5_000)  # a static page on localhost: anything slower is a failure

    executable = CHROMIUM if CHROMIUM.exists() else Path(shutil.which("chromium") or CHROMIUM)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Watch:
    """What the pages of one test did that a reader's browser must never do."""

    foreign: list[str] = field(default_factory=list)  # requests to any host but 127.0.0.1
    errors: list[str] = field(default_factory=list)  # script errors and console errors
    requests: list[str] = field(default_factory=list)  # every URL requested, for tests that look


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname == "127.0.0.1"


def guard(context: BrowserContext, watch: Watch) -> None:
    """Refuse, and remember, every request from ``context`` to another host."""

    def handle(route: Route) -> None:
        url = route.request.url
        watch.requests.append(url)
        if is_local(url):
            route.continue_()
        else:
            watch.foreign.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)


OpenPage = Callable[..., "Page"]


@pytest.fixture
def watch() -> Watch:
    """The traffic and errors of every page ``open_page`` opened in this test."""
    return Watch()


@pytest.fixture
def open_page(browser: Browser, site_url: str, watch: Watch) -> Iterator[OpenPage]:
    """``open_page(path, width=1280, scheme="light", javascript=True)`` → a Playwright page at ``path``.

    After the test: no page asked another host for anything, and none had a
    script or console error.
    """
    contexts: list[BrowserContext] = []

    def make(
        path: str | None = None,
        *,
        width: int = DESKTOP,
        height: int = 900,
        scheme: Scheme = "light",
        javascript: bool = True,
    ) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            java_script_enabled=javascript,
            base_url=site_url,
            service_workers="block",
        )
        contexts.append(context)
        guard(context, watch)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("pageerror", lambda error: watch.errors.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                watch.errors.append(f"{page.url}: console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        if path is not None:
            response = page.goto(site_url + path)
            assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        return page

    yield make
    for context in contexts:
        context.close()
    assert watch.foreign == [], f"pages asked another host for: {watch.foreign}"
    assert watch.errors == [], f"pages reported errors: {watch.errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/ in the checkout (git-ignored): screenshots for a person to look at."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: run `npm install` (package.json pins it) beside mkdocs.yml")
    return AXE.read_text(encoding="utf-8")
