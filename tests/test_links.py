"""Offline link and anchor check of the built site: nothing a reader can follow is broken.

Every ``href``/``src`` in every HTML page that stays on the site must name a
file that was written, and every ``#fragment`` an element id on its target
page. Anything the browser would fetch by itself (stylesheets, scripts,
images, icons) must come from the site, never from another host. The Atom
feed, ``versions.json`` and ``SHA256SUMS`` point at files too; those are
checked the same way. The checker itself is tested on a small hand-made site
first, so a clean result means something.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest

# Attributes that the browser fetches on its own: these may never leave the site.
FETCHED = {
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
    ("iframe", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
}
FOLLOWED = {("a", "href"), ("area", "href"), ("form", "action")}


@dataclass
class PageLinks:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value)
    srcsets: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.page.ids.add(value)
            elif (tag, name) in FETCHED or (tag, name) in FOLLOWED:
                self.page.links.append((tag, name, value))
            elif name == "srcset":
                self.page.srcsets.extend(part.strip().split(" ")[0] for part in value.split(",") if part.strip())

    handle_startendtag = handle_starttag


def read_page(path: Path) -> PageLinks:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector.page


def page_url(site: Path, file: Path) -> str:
    """The URL path (site-relative, no leading slash) a file is served at: ``a/b/index.html`` → ``a/b/``."""
    rel = file.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def target_file(site: Path, url_path: str) -> Path | None:
    """The file a site-relative URL path serves, or None when nothing is there."""
    candidate = site / unquote(url_path)
    if url_path == "" or url_path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_site(site: Path) -> list[str]:
    """Every broken internal link or anchor, and every fetch from another host, as ``page: problem`` lines."""
    pages = {file: read_page(file) for file in sorted(site.rglob("*.html"))}
    ids_by_file = {file: page.ids for file, page in pages.items()}
    problems: list[str] = []
    for file, page in pages.items():
        here = page_url(site, file)
        # 404.html is served at any address, so its links are written from the site root.
        base = "" if file == site / "404.html" else here
        shown = file.relative_to(site).as_posix()
        links = page.links + [("img", "srcset", value) for value in page.srcsets]
        for tag, attribute, value in links:
            problem = check_link(site, base, tag, attribute, value, ids_by_file)
            if problem:
                problems.append(f'{shown}: <{tag} {attribute}="{value}"> {problem}')
    return problems


def check_link(
    site: Path, base: str, tag: str, attribute: str, value: str, ids_by_file: dict[Path, set[str]]
) -> str | None:
    parts = urlsplit(value.strip())
    fetched = (tag, attribute) in FETCHED or attribute == "srcset"
    if parts.scheme in ("javascript", "vbscript"):
        return "runs script from a link"
    if parts.scheme == "data" or (parts.scheme == "mailto" and not fetched):
        return None
    if parts.scheme or parts.netloc:
        if fetched:
            return "makes the browser fetch from another host"
        return None  # a link a reader may choose to follow elsewhere
    url_path = resolve(base, parts.path)
    if url_path is None:
        return "points above the site root"
    target = target_file(site, url_path)
    if target is None:
        return f"leads nowhere: nothing is written at {url_path or '/'}"
    fragment = unquote(parts.fragment)
    if fragment and target.suffix == ".html" and fragment not in ids_by_file.get(target, set()):
        return f"names #{fragment}, which {target.relative_to(site).as_posix()} does not have"
    return None


def resolve(base: str, path: str) -> str | None:
    """The site-relative URL path that ``path``, written on the page at ``base``, leads to (None: above the root)."""
    if not path:
        return base  # "" or "#fragment": the page itself
    if path.startswith("/"):
        joined = path.lstrip("/")
    else:
        if base == "" or base.endswith("/"):
            directory = base
        else:
            parent = posixpath.dirname(base)
            directory = parent + "/" if parent else ""
        joined = directory + path
    directory_like = joined in ("", ".", "..") or joined.endswith(("/", "/.", "/.."))
    normal = posixpath.normpath(joined) if joined else "."
    if normal == ".." or normal.startswith("../"):
        return None
    if normal == ".":
        return ""
    return normal + ("/" if directory_like else "")


def check_section_files(site: Path, prefix: str = "security/baa/") -> list[str]:
    """The addresses in the feed, versions.json and SHA256SUMS name files that exist."""
    problems: list[str] = []
    section = site / prefix
    feed = ElementTree.parse(section / "feed.xml").getroot()
    for link in feed.iter("{http://www.w3.org/2005/Atom}link"):
        href = link.get("href") or ""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue  # an absolute address when site_url is set; its path is checked below through versions.json
        resolved = resolve(prefix, parts.path)
        if resolved is None or target_file(site, resolved) is None:
            problems.append(f"feed.xml: link {href} leads nowhere")
    versions = json.loads((section / "versions.json").read_text(encoding="utf-8"))
    for revision in versions["revisions"]:
        for key, url in (
            ("url", revision["url"]),
            ("pdf", revision["pdf"]["url"]),
            ("docx", revision["docx"]["url"]),
            ("changes_from_previous", revision.get("changes_from_previous")),
        ):
            if url is None:
                continue
            path = urlsplit(url).path.lstrip("/")
            if target_file(site, path) is None:
                problems.append(f"versions.json: {revision['id']} {key} {url} leads nowhere")
    for redline in versions.get("redlines", []):
        for key, url in (("url", redline["url"]), ("pdf", redline["pdf"]["url"]), ("docx", redline["docx"]["url"])):
            if url is not None and target_file(site, urlsplit(url).path.lstrip("/")) is None:
                problems.append(f"versions.json: redline {redline['from']}...{redline['to']} {key} {url} leads nowhere")
    for line in (section / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        name = line.split("  ", 1)[1]
        if not (section / name).is_file():
            problems.append(f"SHA256SUMS: {name} is not in the section")
    return problems


# --- the checker on a site small enough to know by heart -------------------------------------------


def write(site: Path, path: str, body: str) -> None:
    file = site / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(f"<!doctype html><html><body>{body}</body></html>", encoding="utf-8")


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    write(
        site,
        "index.html",
        '<h1 id="top">Home</h1><a href="docs/">docs</a><a href="docs/#intro">intro</a>'
        '<link rel="stylesheet" href="assets/site.css"><a href="https://elsewhere.example/">out</a>',
    )
    write(
        site,
        "docs/index.html",
        '<h2 id="intro">Intro</h2><a href="../">home</a><a href="#intro">self</a>'
        '<a href="../file.pdf">pdf</a><a href="">here</a>',
    )
    (site / "assets").mkdir()
    (site / "assets" / "site.css").write_text("body{}")
    (site / "file.pdf").write_bytes(b"%PDF-1.7")
    write(site, "404.html", '<a href="/docs/">docs</a><link rel="icon" href="/assets/site.css">')
    return site


def test_the_checker_passes_a_site_whose_links_all_resolve(tiny_site: Path) -> None:
    assert check_site(tiny_site) == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('<a href="missing/">x</a>', "leads nowhere: nothing is written at missing/"),
        ('<a href="docs/#nothing">x</a>', "names #nothing, which docs/index.html does not have"),
        ('<a href="#nowhere">x</a>', "names #nowhere, which index.html does not have"),
        ('<a href="../../up.html">x</a>', "points above the site root"),
        ('<script src="https://cdn.example/x.js"></script>', "makes the browser fetch from another host"),
        ('<link rel="stylesheet" href="//fonts.example/css">', "makes the browser fetch from another host"),
        ('<img srcset="a.png 1x, https://img.example/b.png 2x" alt="">', "leads nowhere"),
        ('<a href="javascript:alert(1)">x</a>', "runs script from a link"),
        ('<a href="file.pdf#page=2">x</a>', None),
    ],
)
def test_the_checker_finds_each_kind_of_broken_link(tiny_site: Path, body: str, problem: str | None) -> None:
    write(tiny_site, "index.html", body)
    found = check_site(tiny_site)
    if problem is None:
        assert found == []
    else:
        assert found and problem in found[0], found


# --- the real site ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_internal_link_and_anchor_of_the_built_site_resolves(sample_site: Path) -> None:
    problems = check_site(sample_site)
    assert problems == [], "broken links:\n" + "\n".join(problems[:50])


@pytest.mark.slow
def test_the_site_has_the_pages_the_check_is_about(sample_site: Path) -> None:
    """Guard against a vacuous pass: the checker saw every page type and thousands of links."""
    pages = {page_url(sample_site, f) for f in sample_site.rglob("*.html")}
    assert {"security/baa/", "security/baa/history/", "security/baa/compare/", "security/baa/verify/"} <= pages
    assert any(p.startswith("security/baa/compare/") and "..." in p for p in pages)
    links = sum(len(read_page(f).links) for f in sample_site.rglob("*.html"))
    assert links > 1000


@pytest.mark.slow
def test_the_feed_versions_json_and_checksums_name_files_that_exist(sample_site: Path) -> None:
    assert check_section_files(sample_site) == []
