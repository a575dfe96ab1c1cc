"""The Atom feed (amend.feeds): golden files at pinned as-of dates, read back with feedparser."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path

import feedparser  # type: ignore[import-untyped]  # feedparser ships no type information
import pytest

from amend.feeds import addresses, render_atom
from amend.revisions import load_revisions, parse_revision
from amend.timeline import Timeline, build_timeline

GOLDEN = Path(__file__).parent / "golden" / "feeds"
SITE = "https://trust.example.com/"
UPDATE = os.environ.get("AMEND_UPDATE_GOLDEN") == "1"
ATOM = "{http://www.w3.org/2005/Atom}"

# Before the third revision is posted, inside its notice window, and the day it takes effect.
CASES = {
    "before-notice-2025-09-16": (date(2025, 9, 16), SITE),
    "inside-notice-2025-09-30": (date(2025, 9, 30), SITE),
    "after-notice-2025-10-17": (date(2025, 10, 17), SITE),
    "inside-notice-no-site-url": (date(2025, 9, 30), ""),
}


def sample_timeline(as_of: date) -> Timeline:
    loaded = load_revisions(GOLDEN / "revisions")
    assert loaded.problems == ()
    return build_timeline(loaded.revisions, as_of)


def check_golden(path: Path, data: bytes) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"{path} is missing: run with AMEND_UPDATE_GOLDEN=1 and read the new file"
    assert data == path.read_bytes(), f"{path} differs: run with AMEND_UPDATE_GOLDEN=1 and review the change"


def parsed(data: bytes, location: str = "") -> feedparser.FeedParserDict:
    headers = {"content-type": "application/atom+xml", **({"content-location": location} if location else {})}
    feed = feedparser.parse(data, response_headers=headers)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


@pytest.mark.parametrize("case", CASES)
def test_the_feed_matches_its_golden_file(case: str) -> None:
    as_of, site = CASES[case]
    check_golden(GOLDEN / case / "feed.xml", render_atom(sample_timeline(as_of), site))


@pytest.mark.parametrize(
    ("case", "entries"),
    [
        (
            "before-notice-2025-09-16",
            [
                ("2025-04-15", "in-force", "2025-04-15"),
                ("2025-04-15", "posted", "2025-03-14"),
                ("2024-03-01", "in-force", "2024-03-01"),
                ("2024-03-01", "posted", "2024-03-01"),
            ],
        ),
        (
            "inside-notice-2025-09-30",
            [
                ("2025-10-17", "posted", "2025-09-17"),
                ("2025-04-15", "in-force", "2025-04-15"),
                ("2025-04-15", "posted", "2025-03-14"),
                ("2024-03-01", "in-force", "2024-03-01"),
                ("2024-03-01", "posted", "2024-03-01"),
            ],
        ),
        (
            "after-notice-2025-10-17",
            [
                ("2025-10-17", "in-force", "2025-10-17"),
                ("2025-10-17", "posted", "2025-09-17"),
                ("2025-04-15", "in-force", "2025-04-15"),
                ("2025-04-15", "posted", "2025-03-14"),
                ("2024-03-01", "in-force", "2024-03-01"),
                ("2024-03-01", "posted", "2024-03-01"),
            ],
        ),
    ],
)
def test_each_published_revision_has_a_posted_entry_and_an_in_force_entry_once_effective(
    case: str, entries: list[tuple[str, str, str]]
) -> None:
    feed = parsed((GOLDEN / case / "feed.xml").read_bytes())
    got = []
    for entry in feed.entries:
        revision, event = entry.id.removeprefix("urn:amend:security/baa/").split(":")
        assert entry.updated == entry.published
        got.append((revision, event, entry.updated[:10]))
    assert got == entries
    assert feed.feed.updated[:10] == entries[0][2]  # the newest entry's date, never the build day


def test_a_revision_still_in_draft_never_appears_in_the_feed() -> None:
    data = render_atom(sample_timeline(date(2025, 9, 16)), SITE)
    assert b"2025-10-17" not in data
    assert b"72 hours" not in data


def test_the_posted_entry_gives_the_effective_date_and_links_page_pdf_and_redline_against_the_one_in_force() -> None:
    feed = parsed(render_atom(sample_timeline(date(2025, 9, 30)), SITE))
    entry = next(e for e in feed.entries if e.id.endswith("2025-10-17:posted"))
    assert entry.title == "Business Associate Agreement 2025-10-17 posted: takes effect on 2025-10-17"
    assert entry.summary == (
        "Posted 2025-09-17; takes effect on 2025-10-17 (30 days of notice). "
        'Breach reports are due within 72 hours; "subcontractors" & <notice> terms added.'
    )
    links = [(link.rel, link.type, link.href) for link in entry.links]
    assert links == [
        ("alternate", "text/html", "https://trust.example.com/security/baa/2025-10-17/"),
        ("related", "application/pdf", "https://trust.example.com/security/baa/2025-10-17.pdf"),
        ("related", "text/html", "https://trust.example.com/security/baa/compare/2025-04-15...2025-10-17/"),
    ]
    assert entry.link == "https://trust.example.com/security/baa/2025-10-17/"
    assert [t.term for t in entry.tags] == ["posted"]


def test_the_in_force_entry_links_the_redline_against_the_revision_it_replaced() -> None:
    feed = parsed(render_atom(sample_timeline(date(2025, 10, 17)), SITE))
    entry = next(e for e in feed.entries if e.id.endswith("2025-10-17:in-force"))
    assert entry.title == "Business Associate Agreement 2025-10-17 took effect on 2025-10-17"
    assert entry.summary.startswith("In force from 2025-10-17, replacing revision 2025-04-15. ")
    assert entry.links[-1].href.endswith("/compare/2025-04-15...2025-10-17/")


def test_the_first_revision_has_no_redline_link() -> None:
    feed = parsed(render_atom(sample_timeline(date(2025, 10, 17)), SITE))
    for entry in feed.entries:
        if "/2024-03-01:" in entry.id:
            assert [link.rel for link in entry.links] == ["alternate", "related"]
            assert "compare" not in entry.content[0].value


def overlapping_timeline(as_of: date) -> Timeline:
    """The sample with the third revision posted while the second is still in its notice window."""
    text = (GOLDEN / "revisions" / "2025-10-17.md").read_text(encoding="utf-8")
    third, problems = parse_revision(text.replace("posted: 2025-09-17", "posted: 2025-03-20"), Path("2025-10-17.md"))
    assert third is not None, problems
    others = [r for r in load_revisions(GOLDEN / "revisions").revisions if r.id != "2025-10-17"]
    return build_timeline([*others, third], as_of)


ADJACENT = "2025-04-15...2025-10-17"


def redline_of(feed: feedparser.FeedParserDict, entry_id_end: str) -> str | None:
    entry = next(e for e in feed.entries if e.id.endswith(entry_id_end))
    return next((link.href for link in entry.links if "/compare/" in link.href), None)


def test_a_revision_posted_during_another_notice_window_is_compared_with_the_revision_in_force() -> None:
    # The 2025-04-15 revision is announced but not yet in force when a later one is posted: readers compare
    # the new text with what binds them that day, the 2024-03-01 revision.
    feed = parsed(render_atom(overlapping_timeline(date(2025, 3, 25)), SITE))
    assert redline_of(feed, "2025-10-17:posted") == f"{SITE}security/baa/compare/2024-03-01...2025-10-17/"


@pytest.mark.parametrize(
    ("pages", "posted_redline", "in_force_redline"),
    [
        pytest.param(None, "2024-03-01...2025-10-17", ADJACENT, id="every-pair-has-a-page"),
        pytest.param({ADJACENT}, ADJACENT, ADJACENT, id="adjacent-only"),
        pytest.param(set(), None, None, id="no-compare-pages"),
    ],
)
def test_redline_links_go_only_to_compare_pages_the_site_has(
    pages: set[str] | None, posted_redline: str | None, in_force_redline: str | None
) -> None:
    def has_compare(old: str, new: str) -> bool:
        return pages is None or f"{old}...{new}" in pages

    feed = parsed(render_atom(overlapping_timeline(date(2025, 10, 17)), SITE, has_compare=has_compare))
    base = f"{SITE}security/baa/compare/"
    assert redline_of(feed, "2025-10-17:posted") == (f"{base}{posted_redline}/" if posted_redline else None)
    assert redline_of(feed, "2025-10-17:in-force") == (f"{base}{in_force_redline}/" if in_force_redline else None)


def test_entry_ids_are_stable_across_builds_on_different_days() -> None:
    feeds = [parsed(render_atom(sample_timeline(as_of), SITE)) for as_of, _ in CASES.values() if _]
    seen: dict[str, tuple[str, str]] = {}
    for feed in feeds:
        for entry in feed.entries:
            key = entry.title
            assert seen.setdefault(entry.id, (key, entry.updated)) == (key, entry.updated)
    assert "urn:amend:security/baa/2025-10-17:posted" in seen
    assert len(seen) == 6
    assert {f.feed.id for f in feeds} == {"urn:amend:security/baa/feed"}


def test_the_same_timeline_gives_the_same_bytes_in_another_process_and_time_zone() -> None:
    here = render_atom(sample_timeline(date(2025, 9, 30)), SITE)
    script = (
        "import sys; from datetime import date; from pathlib import Path;"
        "from amend.revisions import load_revisions; from amend.timeline import build_timeline;"
        "from amend.feeds import render_atom;"
        f"s = load_revisions(Path({str(GOLDEN / 'revisions')!r}));"
        f"sys.stdout.buffer.write(render_atom(build_timeline(s.revisions, date(2025, 9, 30)), {SITE!r}))"
    )
    env = {**os.environ, "TZ": "Pacific/Kiritimati", "AMEND_AS_OF": "2031-01-01"}
    there = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, env=env).stdout
    assert there == here


def test_without_a_site_url_links_are_relative_to_the_feed_and_ids_are_urns() -> None:
    data = render_atom(sample_timeline(date(2025, 9, 30)), "")
    feed = parsed(data, location="https://mirror.example.org/legal/security/baa/feed.xml")
    assert feed.feed.id == "urn:amend:security/baa/feed"
    entry = next(e for e in feed.entries if e.id == "urn:amend:security/baa/2025-10-17:posted")
    # A reader resolves them against the feed's own address, wherever the site is served.
    assert [link.href for link in entry.links] == [
        "https://mirror.example.org/legal/security/baa/2025-10-17/",
        "https://mirror.example.org/legal/security/baa/2025-10-17.pdf",
        "https://mirror.example.org/legal/security/baa/compare/2025-04-15...2025-10-17/",
    ]


@pytest.mark.parametrize(
    ("site_url", "base_path", "page", "event_id"),
    [
        # Ids never depend on the site URL: setting it later must not make every entry new again.
        (
            "https://example.com",
            "security/baa/",
            "https://example.com/security/baa/r/",
            "urn:amend:security/baa/r:posted",
        ),
        (
            "https://example.com/trust/",
            "/legal/baa",
            "https://example.com/trust/legal/baa/r/",
            "urn:amend:legal/baa/r:posted",
        ),
        ("https://user:secret@example.com:8443/", "baa", "https://example.com:8443/baa/r/", "urn:amend:baa/r:posted"),
        ("", "security/baa/", "r/", "urn:amend:security/baa/r:posted"),
        ("not a url", "", "r/", "urn:amend:r:posted"),
    ],
)
def test_addresses_follow_the_site_url_and_base_path(site_url: str, base_path: str, page: str, event_id: str) -> None:
    third = next(r for r in load_revisions(GOLDEN / "revisions").revisions if r.id == "2025-10-17")
    where = addresses(site_url, base_path)
    assert where.page("r") == page
    assert where.event_id(replace(third, id="r"), "posted") == event_id


def test_revision_text_is_escaped_and_the_feed_stays_valid_xml() -> None:
    text = (
        (GOLDEN / "revisions" / "2025-10-17.md")
        .read_text(encoding="utf-8")
        .replace(
            'summary: Breach reports are due within 72 hours; "subcontractors" & <notice> terms added.',
            'summary: "<script>alert(1)</script> & \\x01 a control character"',
        )
    )
    third, problems = parse_revision(text, Path("baa_versions/2025-10-17.md"))
    assert third is not None, problems
    others = [r for r in load_revisions(GOLDEN / "revisions").revisions if r.id != "2025-10-17"]
    data = render_atom(build_timeline([*others, third], date(2025, 9, 30)), SITE)
    assert b"<script>" not in data
    root = ET.fromstring(data)
    summaries = [e.findtext(f"{ATOM}summary") or "" for e in root.iter(f"{ATOM}entry")]
    assert any(s.endswith("<script>alert(1)</script> &  a control character") for s in summaries)


def test_every_entry_has_the_elements_atom_requires() -> None:
    root = ET.fromstring(render_atom(sample_timeline(date(2025, 10, 17)), SITE))
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert [link.get("rel") for link in root.findall(f"{ATOM}link")] == ["self", "alternate"]
    for entry in root.iter(f"{ATOM}entry"):
        for name in ("id", "title", "updated", "summary", "published"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1
        links = entry.findall(f"{ATOM}link")
        alternates = [(link.get("type"), link.get("hreflang")) for link in links if link.get("rel") == "alternate"]
        assert alternates == [("text/html", None)]  # RFC 4287 4.1.1: one alternate per type and language


def test_a_timeline_with_nothing_published_gives_a_valid_empty_feed_dated_without_the_clock() -> None:
    feed = parsed(render_atom(sample_timeline(date(2024, 1, 1)), SITE))
    assert feed.entries == []
    assert feed.feed.updated == "1970-01-01T00:00:00+00:00"
    assert b"2024-03-01" not in render_atom(sample_timeline(date(2024, 1, 1)), SITE)


def test_the_title_and_author_can_be_set() -> None:
    timeline = sample_timeline(date(2025, 9, 30))
    feed = parsed(render_atom(timeline, SITE, title="Harbor BAA updates", author="Harbor, Inc."))
    assert feed.feed.title == "Harbor BAA updates"
    assert feed.feed.author == "Harbor, Inc."


def test_entry_ids_and_calendar_uids_are_the_same_with_or_without_a_site_url() -> None:
    """Setting site_url later (or moving the site) must not make readers see every entry as new."""
    from amend.ical import render_ics

    timeline = sample_timeline(date(2025, 10, 17))
    ids = [[e.id for e in parsed(render_atom(timeline, url)).entries] for url in ("", SITE, "https://other.example/x/")]
    assert ids[0] == ids[1] == ids[2]
    uids = [
        [line for line in render_ics(timeline, url).decode().splitlines() if line.startswith("UID:")]
        for url in ("", SITE)
    ]
    assert uids[0] == uids[1]
