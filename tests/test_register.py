"""The subprocessor register (amend.register, amend.register_pages, and its entries in the feed and calendar).

Golden messages for broken registers live in tests/golden/register/broken/<case>/
(`subprocessors.yml` with one defect, `expected.txt` the exact output); golden
feeds and calendars in tests/golden/register/feeds/<case>/. Rewrite them with
AMEND_UPDATE_GOLDEN=1 and read every change.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import feedparser  # type: ignore[import-untyped]  # feedparser ships no type information
import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from amend.feeds import render_atom
from amend.ical import render_ics
from amend.problems import render_problems
from amend.register import (
    ChangeKind,
    ChangeStatus,
    Register,
    RowStatus,
    Subprocessor,
    check_announcements_kept,
    check_baa_clause,
    check_register,
    diff_register,
    known_on,
    list_on,
    load_register,
    parse_register,
    register_timeline,
    render_register_diff_text,
)
from amend.register_pages import render_register_page
from amend.revisions import load_revisions
from amend.timeline import Timeline, build_timeline

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "register"
BROKEN = sorted(p for p in (GOLDEN / "broken").iterdir() if p.is_dir())
SAMPLE = GOLDEN / "sample" / "subprocessors.yml"
REVISIONS = Path(__file__).parent / "golden" / "feeds" / "revisions"
SITE = "https://trust.example.com/"
UPDATE = os.environ.get("AMEND_UPDATE_GOLDEN") == "1"
HREFS = {
    "baa_clause_href": "../baa/#subcontractors",
    "feed_href": "../baa/feed.xml",
    "calendar_href": "../baa/calendar.ics",
}


def sample() -> Register:
    register, problems = load_register(SAMPLE, 30, SAMPLE.parent)
    assert problems == [] and register is not None
    return register


def revisions_timeline(as_of: date) -> Timeline:
    loaded = load_revisions(REVISIONS)
    assert loaded.problems == ()
    return build_timeline(loaded.revisions, as_of)


def check_golden(path: Path, data: bytes) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.is_file(), f"{path} is missing: run with AMEND_UPDATE_GOLDEN=1 and read the new file"
    assert data == path.read_bytes(), f"{path} differs: run with AMEND_UPDATE_GOLDEN=1 and review the change"


def parse(text: str, notice_days: int = 30) -> tuple[Register | None, list[str]]:
    register, problems = parse_register(text, "subprocessors.yml", notice_days)
    return register, [p.render() for p in problems]


# --- Bad input: one golden message per defect -----------------------------------------------------


@pytest.mark.parametrize("case", BROKEN, ids=[c.name for c in BROKEN])
def test_each_broken_register_gets_its_exact_message_with_a_line_and_nothing_is_loaded(case: Path) -> None:
    register, problems = load_register(case / "subprocessors.yml", 30, case)
    output = render_problems(problems) + "\n"
    expected = case / "expected.txt"
    if UPDATE:
        expected.write_text(output, encoding="utf-8")
    assert register is None
    assert output == expected.read_text(encoding="utf-8")
    for line in output.splitlines():
        assert re.match(r"subprocessors\.yml:\d+: ", line), f"no file and line in {line!r}"


def test_every_class_of_bad_input_in_the_brief_has_a_golden_case() -> None:
    assert {c.name for c in BROKEN} >= {
        "yaml-syntax-error",
        "unknown-register-key",
        "unknown-subprocessor-key",
        "duplicate-subprocessor-key",
        "missing-subprocessor-keys",
        "loose-date",
        "impossible-date",
        "notice-too-short",
        "starts-before-announced",
        "ends-before-end-announced",
        "ends-not-after-starts",
        "duplicate-name",
        "replaced-by-unknown",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: T\nbaa_clause: c\nsubprocessors:\n", []),
        ("title: T\nbaa_clause: c\nsubprocessors: []\n", []),
        (
            "title: T\nbaa_clause: c\nsubprocessors:\n  - just a name\n",
            ["subprocessors.yml:4: each subprocessor is a set of 'key: value' lines starting '- name: …'"],
        ),
        (
            "title: T\nbaa_clause: c\nnotice: 30\nsubprocessors: []\n",
            ["subprocessors.yml:3: 'notice' must be a list of terms: '- from: YYYY-MM-DD' with notice_days"],
        ),
        (
            "title: T\nbaa_clause: c\nnotice:\n  - from: 2024-03-01\n    notice_days: 30\n    objection: 15\n"
            "subprocessors: []\n",
            ["subprocessors.yml:6: unknown notice key 'objection'; did you mean 'objection_days'?"],
        ),
        (
            "title: T\nbaa_clause: c\nnotice:\n  - from: 2024-03-01\n    notice_days: 30\n    objection_days: 0\n"
            "subprocessors: []\n",
            ["subprocessors.yml:6: 'objection_days' is '0'; it must be at least 1 day"],
        ),
        (
            "title: T\nbaa_clause: c\ntitle: U\nsubprocessors: []\n",
            ["subprocessors.yml:3: duplicate register key 'title' (first on line 1); keep one"],
        ),
        (
            "title: T\nbaa_clause: Subcontractors clause\nsubprocessors: []\n",
            [
                "subprocessors.yml:2: 'baa_clause' is 'Subcontractors clause', not a clause id; "
                "write the id in the clause heading's {#…}, e.g. 'subcontractors'"
            ],
        ),
        ("title:\nbaa_clause: c\nsubprocessors: []\n", ["subprocessors.yml:1: 'title' must be a line of text"]),
    ],
    ids=[
        "empty-list",
        "empty-flow-list",
        "entry-not-a-mapping",
        "notice-not-a-list",
        "unknown-notice-key",
        "zero-objection-days",
        "duplicate-top-level-key",
        "clause-id-with-spaces",
        "empty-title",
    ],
)
def test_register_shapes_and_their_messages(text: str, expected: list[str]) -> None:
    register, problems = parse(text)
    assert problems == expected
    assert (register is None) == bool(expected)


def test_values_are_read_as_written_never_as_yaml_guesses() -> None:
    text = (
        "title: T\nbaa_clause: c\nsubprocessors:\n"
        "  - name: Yes\n    purpose: >\n      Keeps backups,\n      encrypted.\n    location: NO\n"
        "    announced: '2024-03-01'\n    starts: 2024-03-01\n"
    )
    register, problems = parse(text)
    assert problems == [] and register is not None
    entry = register.subprocessors[0]
    assert (entry.name, entry.purpose, entry.location) == ("Yes", "Keeps backups, encrypted.", "NO")
    assert entry.announced == entry.starts == date(2024, 3, 1)
    assert entry.lines == {"name": 4, "purpose": 5, "location": 8, "announced": 9, "starts": 10}


def test_a_missing_file_is_no_register_and_no_problem(tmp_path: Path) -> None:
    assert load_register(tmp_path / "subprocessors.yml", 30, tmp_path) == (None, [])


def test_a_file_that_is_not_utf8_is_a_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "subprocessors.yml"
    path.write_bytes(b"title: T\nbaa_clause: c\nsubprocessors:\n  - name: Caf\xe9\n")
    register, problems = load_register(path, 30, tmp_path)
    assert register is None
    assert [p.render() for p in problems] == ["subprocessors.yml:4: the file is not UTF-8 text; save it as UTF-8"]


def test_all_problems_of_a_file_are_reported_in_one_run() -> None:
    text = (
        SAMPLE.read_text(encoding="utf-8")
        .replace("purpose: Hosts", "purpse: Hosts")
        .replace("starts: 2025-12-08", "starts: 2025-12-01")
        .replace("replaced_by: Delta Messaging, Inc.", "replaced_by: Delta Mesaging, Inc.")
    )
    _, problems = parse(text)
    assert [p.split(": ", 1)[1] for p in problems] == [
        "unknown subprocessor key 'purpse'; did you mean 'purpose'?",
        "'replaced_by' names 'Delta Mesaging, Inc.', which is not in the register; did you mean 'Delta Messaging, "
        "Inc.'?",
    ]  # the notice rule runs once every entry parses: a register is checked whole or not published


# --- Rules -----------------------------------------------------------------------------------------


def entry(name: str, announced: str, starts: str, **extra: str) -> str:
    lines = [
        f"  - name: {name}",
        "    purpose: Processes PHI.",
        "    location: United States",
        f"    announced: {announced}",
        f"    starts: {starts}",
    ]
    lines += [f"    {key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


HEAD = "title: T\nbaa_clause: subcontractors\nsubprocessors:\n"
FIRST = entry("Alpha", "2024-03-01", "2024-03-01")


@pytest.mark.parametrize(
    ("entries", "notice_days", "expected"),
    [
        (FIRST + entry("Beta", "2025-01-01", "2025-01-31"), 30, []),
        (
            FIRST + entry("Beta", "2025-01-01", "2025-01-30"),
            30,
            [
                "notice window is 29 days (announced 2025-01-01, starts 2025-01-30); it must be at least 30: "
                "set starts to 2025-01-31 or later"
            ],
        ),
        (FIRST + entry("Beta", "2025-01-01", "2025-01-30"), 29, []),
        (FIRST + entry("Beta", "2024-03-01", "2024-03-05"), 30, []),  # the initial list needs no notice
        (entry("Beta", "2024-03-01", "2024-03-01") + FIRST, 30, []),  # the first day is the earliest, not the first
        (FIRST + entry("Beta", "2025-01-01", "2025-02-15", withdrawn="2025-01-01"), 30, []),
        (
            FIRST + entry("Beta", "2025-01-01", "2025-02-15", withdrawn="2024-12-31"),
            30,
            ["withdrawn 2024-12-31 is before announced 2025-01-01; an addition is withdrawn after it was announced"],
        ),
        (entry("Alpha", "2024-03-01", "2024-03-01", end_announced="2024-03-01", ends="2024-03-02"), 30, []),
    ],
    ids=[
        "thirty-days",
        "twenty-nine-days",
        "site-setting-29",
        "initial-list-starting-later",
        "initial-list-in-any-order",
        "withdrawn-on-its-announcement-day",
        "withdrawn-before-announced",
        "removal-needs-no-notice",
    ],
)
def test_the_notice_rule_and_date_order(entries: str, notice_days: int, expected: list[str]) -> None:
    register, problems = parse(HEAD + entries, notice_days)
    if register is not None:
        from amend.register import check_register

        problems = [p.render() for p in check_register(register)]
    assert [p.split(": ", 1)[1] for p in problems] == expected


def test_the_notice_term_in_force_on_the_announcement_day_decides() -> None:
    text = HEAD.replace(
        "subprocessors:\n",
        "notice:\n  - from: 2024-03-01\n    notice_days: 30\n    objection_days: 15\n"
        "  - from: 2026-12-17\n    notice_days: 45\n    objection_days: 30\nsubprocessors:\n",
    )
    register, problems = parse(text + FIRST)
    assert problems == [] and register is not None
    assert register.term(date(2020, 1, 1)) == (30, None)  # before every term: the site's setting
    assert register.term(date(2024, 3, 1)) == (30, 15)
    assert register.term(date(2026, 12, 16)) == (30, 15)
    assert register.term(date(2026, 12, 17)) == (45, 30)


def test_check_baa_clause_names_the_newest_revision_and_suggests_the_id() -> None:
    revisions = load_revisions(REVISIONS).revisions
    assert check_baa_clause(sample(), revisions) == []
    wrong = replace(sample(), baa_clause="subcontractor")
    assert [p.render() for p in check_baa_clause(wrong, revisions)] == [
        "subprocessors.yml:4: 'baa_clause' is 'subcontractor', which is not a clause of BAA revision 2025-10-17; "
        "did you mean 'subcontractors'?"
    ]


# --- The project's own register ---------------------------------------------------------------------


def test_the_sample_register_is_valid_and_links_to_a_clause_of_every_baa_revision() -> None:
    register, problems = load_register(ROOT / "subprocessors.yml", 30, ROOT)
    assert problems == [] and register is not None
    loaded = load_revisions(ROOT / "baa_versions")
    assert check_baa_clause(register, loaded.revisions) == []
    for revision in loaded.revisions:
        assert register.baa_clause in {c.id for c in revision.document.walk()}, revision.id


WORDS = {"fifteen": 15, "thirty": 30, "forty-five": 45}


def test_the_sample_register_s_notice_terms_are_what_each_baa_revision_s_subcontractor_clause_promises() -> None:
    register, _ = load_register(ROOT / "subprocessors.yml", 30, ROOT)
    assert register is not None
    for revision in load_revisions(ROOT / "baa_versions").revisions:
        clause = next(c for c in revision.document.walk() if c.id == register.baa_clause)
        text = " ".join(c.text for c in clause.walk())
        notice = re.search(r"at least ([a-z-]+) \((\d+)\) days' prior notice", text)
        objection = re.search(r"within ([a-z-]+) \((\d+)\) days after", text)
        assert notice and objection, revision.id
        assert WORDS[notice[1]] == int(notice[2]) and WORDS[objection[1]] == int(objection[2])
        assert register.term(revision.effective) == (int(notice[2]), int(objection[2])), revision.id


def test_the_sample_register_has_a_pending_addition_inside_its_objection_window_on_the_sample_day() -> None:
    register, _ = load_register(ROOT / "subprocessors.yml", 30, ROOT)
    assert register is not None
    as_of = date(2026, 12, 1)  # tests/conftest.py SAMPLE_AS_OF
    pending = [e for e in register_timeline(register, as_of).pending if e.change.starts]
    assert pending and all(e.objection_open(as_of) for e in pending)
    html = render_register_page(register, as_of, **HREFS)
    # Northbeam was announced on 2026-11-18 under the 15-day term, but starts after the 30-day term of
    # 2026-12-17 took effect: the stricter term applies, so its window runs to 2026-12-18, not 2026-12-03.
    assert "The objection window closes on" in html and "(18 days left)" in html
    assert "It starts after the terms of <time" in html


# --- Statuses as of a date ------------------------------------------------------------------------


STATUS_CASES = {
    # before the 2025-09-01 announcements: they are drafts, shown nowhere
    "before": (
        date(2025, 8, 31),
        {"gamma-search-co-added": "draft", "delta-messaging-inc-added": "draft", "beta-mail-inc-removed": "draft"},
    ),
    # inside the objection window (closes 2025-09-16)
    "inside": (
        date(2025, 9, 10),
        {
            "gamma-search-co-added": "pending",
            "delta-messaging-inc-added": "pending",
            "beta-mail-inc-removed": "pending",
        },
    ),
    # the window's last day
    "last-day": (date(2025, 9, 16), {"gamma-search-co-added": "pending"}),
    # window closed, not yet started (starts 2025-10-06)
    "closed": (date(2025, 9, 20), {"gamma-search-co-added": "pending", "delta-messaging-inc-added": "pending"}),
    # started; Beta still runs until 2025-10-20
    "started": (date(2025, 10, 6), {"gamma-search-co-added": "done", "beta-mail-inc-removed": "pending"}),
    "after": (
        date(2025, 10, 25),
        {
            "gamma-search-co-added": "done",
            "delta-messaging-inc-added": "done",
            "beta-mail-inc-removed": "done",
            "zeta-transcription-llc-added": "draft",
        },
    ),
}


@pytest.mark.parametrize("case", STATUS_CASES)
def test_statuses_at_pinned_dates(case: str) -> None:
    as_of, expected = STATUS_CASES[case]
    timeline = register_timeline(sample(), as_of)
    got = {e.id: e.status.value for e in timeline.entries}
    assert {k: got[k] for k in expected} == expected
    assert got["epsilon-analytics-inc-added"] == "withdrawn"
    assert got["alpha-hosting-llc-added"] == "done"


@pytest.mark.parametrize(
    ("as_of", "open_", "left", "list_"),
    [
        (date(2025, 8, 31), False, 0, ["Alpha Hosting, LLC", "Beta Mail, Inc."]),
        (date(2025, 9, 1), True, 16, ["Alpha Hosting, LLC", "Beta Mail, Inc."]),
        (date(2025, 9, 10), True, 7, ["Alpha Hosting, LLC", "Beta Mail, Inc."]),
        (date(2025, 9, 16), True, 1, ["Alpha Hosting, LLC", "Beta Mail, Inc."]),
        (date(2025, 9, 17), False, 0, ["Alpha Hosting, LLC", "Beta Mail, Inc."]),
        (
            date(2025, 10, 6),
            False,
            0,
            ["Alpha Hosting, LLC", "Beta Mail, Inc.", "Gamma Search Co.", "Delta Messaging, Inc."],
        ),
        (date(2025, 10, 20), False, 0, ["Alpha Hosting, LLC", "Gamma Search Co.", "Delta Messaging, Inc."]),
    ],
)
def test_the_objection_window_counts_today_and_closes_after_its_last_day(
    as_of: date, open_: bool, left: int, list_: list[str]
) -> None:
    timeline = register_timeline(sample(), as_of)
    gamma = timeline.entry("gamma-search-co-added")
    assert gamma is not None
    assert gamma.change.objection_closes == date(2025, 9, 16)
    assert (gamma.objection_open(as_of), gamma.objection_days_left(as_of)) == (open_, left)
    assert [s.name for s in timeline.current] == list_


def test_changes_know_their_kind_and_who_they_replace() -> None:
    timeline = register_timeline(sample(), date(2025, 9, 10))
    delta = timeline.entry("delta-messaging-inc-added")
    beta_end = timeline.entry("beta-mail-inc-removed")
    assert delta is not None and beta_end is not None
    assert delta.change.kind is ChangeKind.REPLACEMENT
    assert [s.name for s in delta.change.replaces] == ["Beta Mail, Inc."]
    assert beta_end.change.kind is ChangeKind.REMOVAL and beta_end.change.objection_closes is None
    assert beta_end.change.replaced_by is not None and beta_end.change.replaced_by.name == "Delta Messaging, Inc."
    assert timeline.pending_end(beta_end.change.subprocessor) == beta_end
    assert [e.change.kind for e in timeline.entries if e.change.subprocessor.name.startswith("Epsilon")] == [
        ChangeKind.ADDITION,
        ChangeKind.WITHDRAWAL,
    ]


# --- The redline of the list between two dates --------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (date(2025, 1, 1), date(2025, 8, 1), []),
        (date(2025, 9, 1), date(2025, 10, 6), [("added", "Gamma Search Co."), ("added", "Delta Messaging, Inc.")]),
        (date(2025, 9, 1), date(2025, 10, 25), [("changed", "Delta Messaging, Inc."), ("added", "Gamma Search Co.")]),
        (date(2025, 10, 25), date(2025, 9, 1), [("removed", "Gamma Search Co."), ("changed", "Beta Mail, Inc.")]),
        (date(2025, 10, 6), date(2025, 10, 25), [("removed", "Beta Mail, Inc.")]),
        (date(2025, 3, 1), date(2025, 5, 1), []),  # a withdrawn addition never joins the list
    ],
)
def test_the_redline_has_added_removed_and_changed_rows(old: date, new: date, expected: list[tuple[str, str]]) -> None:
    diff = diff_register(sample(), old, new)
    assert [(r.status.value, r.name) for r in diff.rows if r.status is not RowStatus.UNCHANGED] == expected


def test_a_replacement_is_one_changed_row_with_each_field_old_and_new() -> None:
    diff = diff_register(sample(), date(2025, 9, 1), date(2025, 10, 25))
    assert render_register_diff_text(diff) == (
        "Subprocessors on 2025-09-01 → 2025-10-25: 1 added, 0 removed, 1 changed\n"
        "~ Delta Messaging, Inc.: name 'Beta Mail, Inc.' → 'Delta Messaging, Inc.'; "
        "purpose 'Sends appointment reminders, which may contain PHI, by email.' → "
        "'Sends appointment reminders, which may contain PHI, by email and text message.'; "
        "location 'United States' → 'United States and Canada'\n"
        "+ Gamma Search Co.: Indexes stored documents so that they can be searched; the index holds PHI. "
        "(United States (Virginia))\n"
    )


def test_the_register_as_known_on_a_day_has_no_later_announcement() -> None:
    known = known_on(sample(), date(2025, 8, 31))
    names = [s.name for s in known.subprocessors]
    assert "Gamma Search Co." not in names and "Zeta Transcription, LLC" not in names
    beta = known.find("beta mail, inc.")
    assert beta is not None and (beta.ends, beta.replaced_by) == (None, None)
    epsilon = known_on(sample(), date(2025, 3, 5)).find("Epsilon Analytics, Inc.")
    assert epsilon is not None and epsilon.withdrawn is None


# --- Provenance's comparison (free of git) --------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "published_by", "expected"),
    [
        (lambda t: t, date(2025, 12, 1), []),
        (
            lambda t: t.replace("location: United States (Virginia)", "location: Ireland"),
            date(2025, 12, 1),
            [
                "subprocessors.yml:34: 'location' of subprocessor 'Gamma Search Co.' changed from 'United States "
                "(Virginia)' to 'Ireland' after it was announced; announcements are kept as published: announce a new "
                "change instead"
            ],
        ),
        (lambda t: t.replace("location: United States (Virginia)", "location: Ireland"), date(2025, 8, 31), []),
        (
            lambda t: t.replace("    starts: 2025-12-08\n", "    starts: 2025-12-08\n    withdrawn: 2025-11-20\n"),
            date(2025, 12, 1),
            [],
        ),
        (
            lambda t: t.replace("ends: 2025-10-20", "ends: 2025-11-20"),
            date(2025, 12, 1),
            [
                "subprocessors.yml:22: 'ends' of subprocessor 'Beta Mail, Inc.' changed from '2025-10-20' to "
                "'2025-11-20' after it was announced; "
                "announcements are kept as published: announce a new change instead"
            ],
        ),
    ],
    ids=[
        "unchanged",
        "announced-entry-edited",
        "edited-before-announcement",
        "withdrawal-added-later",
        "announced-end-moved",
    ],
)
def test_announcements_are_kept_as_published(edit, published_by: date, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    after, problems = parse(edit(SAMPLE.read_text(encoding="utf-8")))
    assert problems == [] and after is not None
    assert [p.render() for p in check_announcements_kept(sample(), after, published_by)] == expected


def test_deleting_an_announced_entry_is_reported() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index("  - name: Zeta")
    after, _ = parse(text[:start])
    assert after is not None
    assert [p.message for p in check_announcements_kept(sample(), after, date(2025, 12, 1))] == [
        "subprocessor 'Zeta Transcription, LLC', announced 2025-11-03, was removed from the register; an announced "
        "entry stays: end it with 'end_announced' and 'ends' (or 'withdrawn')"
    ]


# --- The page -----------------------------------------------------------------------------------------


VOID_TAGS = frozenset({"br", "img", "input", "meta", "link", "hr"})


class _Balance(HTMLParser):
    """Checks that every element of a fragment is closed in order, and collects its ids."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids += [v for k, v in attrs if k == "id" and v]
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"


def balanced(html: str) -> list[str]:
    parser = _Balance()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    assert len(parser.ids) == len(set(parser.ids)), "duplicate ids"
    return parser.ids


def test_the_page_inside_the_objection_window_shows_the_days_left_and_its_links() -> None:
    html = render_register_page(sample(), date(2025, 9, 10), **HREFS)
    balanced(html)
    assert 'The objection window closes on <time datetime="2025-09-16">September 16, 2025</time> (7 days left).' in html
    assert "Replacing <strong>Beta Mail, Inc.</strong> with <strong>Delta Messaging, Inc.</strong>" in html
    assert 'data-amend-effective="2025-09-17"' in html  # a stale build says the window has closed
    assert 'href="../baa/#subcontractors"' in html
    assert 'href="../baa/feed.xml"' in html and 'href="../baa/calendar.ics"' in html
    assert "Removing <strong>Beta Mail, Inc.</strong>" in html
    assert "Zeta" not in html  # a draft appears nowhere
    assert "at least 30 days before it starts" in html and "within 15 days after the announcement" in html


def test_the_page_after_the_window_closed_counts_the_days_until_the_start() -> None:
    html = render_register_page(sample(), date(2025, 9, 20), **HREFS)
    assert "The objection window closed on <time" in html
    assert "16 days until it starts." in html
    assert "days left)" not in html.split('id="history"')[0]


@pytest.mark.parametrize(
    ("as_of", "pending", "rows"),
    [
        (date(2025, 8, 31), False, ["alpha-hosting-llc", "beta-mail-inc"]),
        (date(2025, 9, 10), True, ["alpha-hosting-llc", "beta-mail-inc"]),
        (date(2025, 10, 25), False, ["alpha-hosting-llc", "gamma-search-co", "delta-messaging-inc"]),
    ],
)
def test_the_current_list_and_the_pending_section_follow_the_date(as_of: date, pending: bool, rows: list[str]) -> None:
    html = render_register_page(sample(), as_of, **HREFS)
    ids = balanced(html)
    assert ("pending-changes" in ids) is pending
    table = html.split('id="current-list"')[1].split("</table>")[0]
    assert re.findall(r'<tr id="([a-z0-9-]+)"', table) == rows


def test_the_history_lists_every_published_change_with_an_anchor_newest_first() -> None:
    html = render_register_page(sample(), date(2025, 10, 25), **HREFS)
    history = html.split('id="history"')[1]
    assert re.findall(r'<tr id="change-([a-z0-9-]+)"', history) == [
        "beta-mail-inc-removed",
        "gamma-search-co-added",
        "delta-messaging-inc-added",
        "epsilon-analytics-inc-withdrawn",
        "epsilon-analytics-inc-added",
        "alpha-hosting-llc-added",
        "beta-mail-inc-added",
    ]
    assert "Withdrew the addition of <strong>Epsilon Analytics, Inc.</strong>" in history
    assert '<span class="amend-badge amend-badge--superseded">Withdrawn</span>' in history


def test_the_page_shows_the_list_once_pending_changes_take_effect_as_a_redline() -> None:
    html = render_register_page(sample(), date(2025, 9, 10), **HREFS)
    redline = html.split('id="after-pending-changes"')[1].split("</table>")[0]
    assert "1 added, 0 removed, 1 changed" in redline
    assert '<del class="amend-rl-del"><span class="amend-rl-sr">[removed: </span>Beta Mail, Inc.' in redline
    assert '<ins class="amend-rl-ins"><span class="amend-rl-sr">[added: </span>Delta Messaging, Inc.' in redline


def test_register_text_is_escaped_everywhere_on_the_page() -> None:
    text = (
        SAMPLE.read_text(encoding="utf-8")
        .replace("name: Gamma Search Co.", "name: \"Gamma <script>alert('x')</script> & Co\"")
        .replace("location: United States (Virginia)", 'location: "<img src=x onerror=alert(1)>"')
    )
    register, problems = parse(text)
    assert problems == [] and register is not None
    hrefs = {**HREFS, "feed_href": 'feed.xml"><script>'}
    html = render_register_page(register, date(2025, 9, 10), **hrefs)
    balanced(html)
    assert "<script" not in html and "<img" not in html
    assert "Gamma &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in html
    assert 'href="feed.xml&quot;&gt;&lt;script&gt;"' in html


def test_a_register_with_nobody_on_it_says_so() -> None:
    register, _ = parse("title: T\nbaa_clause: c\nsubprocessors: []\n")
    assert register is not None
    html = render_register_page(register, date(2025, 1, 1), **HREFS)
    balanced(html)
    assert "No subprocessor has access to PHI on this date." in html
    assert "No change has been announced yet." in html


# --- The feed and the calendar ------------------------------------------------------------------------


FEED_CASES = {
    "before-announcement-2025-08-31": date(2025, 8, 31),
    "inside-objection-window-2025-09-10": date(2025, 9, 10),
    "after-objection-window-2025-09-20": date(2025, 9, 20),
    "after-start-2025-10-25": date(2025, 10, 25),
}


def feed_of(as_of: date, site: str = SITE) -> bytes:
    return render_atom(revisions_timeline(as_of), site, register=sample())


def calendar_of(as_of: date, site: str = SITE) -> bytes:
    return render_ics(revisions_timeline(as_of), site, register=sample())


def parsed(data: bytes, location: str = "") -> feedparser.FeedParserDict:
    headers = {"content-type": "application/atom+xml", **({"content-location": location} if location else {})}
    feed = feedparser.parse(data, response_headers=headers)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def events(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)]


@pytest.mark.parametrize("case", FEED_CASES)
def test_the_feed_and_calendar_with_the_register_match_their_golden_files(case: str) -> None:
    check_golden(GOLDEN / "feeds" / case / "feed.xml", feed_of(FEED_CASES[case]))
    check_golden(GOLDEN / "feeds" / case / "calendar.ics", calendar_of(FEED_CASES[case]))


REG = "urn:amend:security/subprocessors/{}:{}"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "before-announcement-2025-08-31",
            [
                REG.format("epsilon-analytics-inc-added", "announced"),
                REG.format("epsilon-analytics-inc-withdrawn", "announced"),
            ],
        ),
        (
            "inside-objection-window-2025-09-10",
            [
                REG.format("gamma-search-co-added", "announced"),
                REG.format("delta-messaging-inc-added", "announced"),
                REG.format("beta-mail-inc-removed", "announced"),
            ],
        ),
        (
            "after-objection-window-2025-09-20",
            [
                REG.format("gamma-search-co-added", "objection-window-closed"),
                REG.format("delta-messaging-inc-added", "objection-window-closed"),
                REG.format("gamma-search-co-added", "announced"),
            ],
        ),
    ],
)
def test_the_feed_has_an_entry_per_announced_change_and_per_end_of_an_objection_window(
    case: str, expected: list[str]
) -> None:
    feed = parsed((GOLDEN / "feeds" / case / "feed.xml").read_bytes())
    ids = [e.id for e in feed.entries if "subprocessors" in e.id]
    assert set(expected) <= set(ids)
    assert not any("zeta" in i for i in ids)  # the draft
    assert not any("epsilon-analytics-inc-added/objection" in i for i in ids)  # withdrawn before its window closed


def test_a_register_entry_in_the_feed_says_when_the_window_closes_and_links_the_change() -> None:
    feed = parsed(feed_of(date(2025, 9, 10)))
    entry = next(e for e in feed.entries if e.id.endswith("gamma-search-co-added:announced"))
    assert entry.title == "New subprocessor: Gamma Search Co. may process PHI from 2025-10-06"
    assert entry.summary.startswith(
        "Announced 2025-09-01; may start on 2025-10-06 (35 days of notice). Objection window closes on 2025-09-16."
    )
    assert entry.updated == "2025-09-01T00:00:00+00:00"
    assert [link.href for link in entry.links] == [
        "https://trust.example.com/security/subprocessors/#change-gamma-search-co-added",
        "https://trust.example.com/security/baa/#subcontractors",
    ]
    replacement = next(e for e in feed.entries if e.id.endswith("delta-messaging-inc-added:announced"))
    assert replacement.title == (
        "Subprocessor replacement: Delta Messaging, Inc. replaces Beta Mail, Inc. from 2025-10-06"
    )


def test_register_entries_never_change_once_published() -> None:
    seen: dict[str, tuple[str, str, str]] = {}
    for as_of in [*FEED_CASES.values(), date(2026, 6, 1)]:
        for entry in parsed(feed_of(as_of)).entries:
            value = (entry.title, entry.summary, entry.updated)
            assert seen.setdefault(entry.id, value) == value


def test_without_a_site_url_register_links_are_relative_to_the_feed() -> None:
    feed = parsed(feed_of(date(2025, 9, 10), ""), location="https://mirror.example.org/legal/security/baa/feed.xml")
    entry = next(e for e in feed.entries if e.id == "urn:amend:security/subprocessors/gamma-search-co-added:announced")
    assert (
        entry.links[0].href == "https://mirror.example.org/legal/security/subprocessors/#change-gamma-search-co-added"
    )
    assert entry.links[1].href == "https://mirror.example.org/legal/security/baa/#subcontractors"


def test_the_feed_is_updated_by_its_newest_entry_of_either_kind() -> None:
    feed = parsed(feed_of(date(2025, 9, 10)))
    assert feed.feed.updated == "2025-09-01T00:00:00+00:00"
    assert "subprocessors" in feed.feed.subtitle


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2025, 8, 31), []),
        (
            date(2025, 9, 10),
            [
                ("delta-messaging-inc-added:objection-window-end", date(2025, 9, 16)),
                ("gamma-search-co-added:objection-window-end", date(2025, 9, 16)),
                ("delta-messaging-inc-added:starts", date(2025, 10, 6)),
                ("gamma-search-co-added:starts", date(2025, 10, 6)),
                ("beta-mail-inc-removed:ends", date(2025, 10, 20)),
            ],
        ),
        (
            date(2025, 9, 20),
            [
                ("delta-messaging-inc-added:starts", date(2025, 10, 6)),
                ("gamma-search-co-added:starts", date(2025, 10, 6)),
                ("beta-mail-inc-removed:ends", date(2025, 10, 20)),
            ],
        ),
    ],
)
def test_the_calendar_has_starts_ends_and_each_open_objection_window_s_last_day(
    as_of: date, expected: list[tuple[str, date]]
) -> None:
    found = [
        (str(e["UID"]).removeprefix("urn:amend:security/subprocessors/"), e.decoded("DTSTART"))
        for e in events(calendar_of(as_of))
        if str(e["UID"]).startswith("urn:amend:security/subprocessors/") and e.decoded("DTSTART") >= date(2025, 9, 1)
    ]
    assert [f for f in found if "epsilon" not in f[0]] == expected
    # Epsilon's addition was withdrawn: its events are sent cancelled (so subscribed calendars drop them).
    withdrawn = [e for e in events(calendar_of(as_of)) if "epsilon" in str(e["UID"])]
    assert all((str(e["STATUS"]), e["SEQUENCE"]) == ("CANCELLED", 1) for e in withdrawn)


def test_the_objection_event_is_a_whole_day_stamped_with_the_announcement() -> None:
    event = next(
        e
        for e in events(calendar_of(date(2025, 9, 10)))
        if str(e["UID"]) == "urn:amend:security/subprocessors/gamma-search-co-added:objection-window-end"
    )
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(days=1)
    assert str(event["SUMMARY"]) == "Objection window ends: Gamma Search Co. (subprocessor)"
    assert str(event["URL"]) == "https://trust.example.com/security/subprocessors/#change-gamma-search-co-added"
    assert event.decoded("DTSTAMP").date() == date(2025, 9, 1)
    assert str(event["DESCRIPTION"]).splitlines()[0] == (
        "Last day to object to Gamma Search Co., announced on 2025-09-01 (15 days after the announcement)."
    )


def test_without_a_register_the_feed_and_calendar_are_the_revisions_alone() -> None:
    timeline = revisions_timeline(date(2025, 9, 30))
    golden = Path(__file__).parent / "golden" / "feeds" / "inside-notice-2025-09-30"
    assert render_atom(timeline, SITE, register=None) == (golden / "feed.xml").read_bytes()
    assert render_ics(timeline, SITE, register=None) == (golden / "calendar.ics").read_bytes()


# --- Properties -----------------------------------------------------------------------------------------


@st.composite
def registers(draw: st.DrawFn) -> Register:
    first = date(2024, 1, 1)
    count = draw(st.integers(min_value=1, max_value=6))
    subs: list[Subprocessor] = []
    for index in range(count):
        announced = first if index == 0 else first + timedelta(days=draw(st.integers(0, 400)))
        starts = announced + timedelta(days=draw(st.integers(0 if announced == first else 30, 90)))
        fate = draw(st.sampled_from(["stays", "ends", "withdrawn"]))
        end_announced = ends = withdrawn = None
        if fate == "ends":
            end_announced = starts + timedelta(days=draw(st.integers(0, 200)))
            ends = end_announced + timedelta(days=draw(st.integers(1, 60)))
        elif fate == "withdrawn" and starts > announced:
            withdrawn = announced + timedelta(days=draw(st.integers(0, (starts - announced).days - 1)))
        subs.append(Subprocessor(f"Sub {index}", "p", "l", announced, starts, end_announced, ends, None, withdrawn))
    return Register("subprocessors.yml", "T", "c", tuple(subs), 30)


@given(registers(), st.integers(min_value=-10, max_value=900))
def test_the_list_on_a_day_is_what_the_done_changes_made_it(register: Register, offset: int) -> None:
    from amend.register import check_register

    assert check_register(register) == []
    as_of = date(2024, 1, 1) + timedelta(days=offset)
    timeline = register_timeline(register, as_of)
    done = {(e.change.subprocessor.name, e.change.starts) for e in timeline.entries if e.status is ChangeStatus.DONE}
    expected = [s.name for s in register.subprocessors if (s.name, True) in done and (s.name, False) not in done]
    assert [s.name for s in list_on(register, as_of)] == expected
    for entry in timeline.entries:
        assert (entry.status is ChangeStatus.DRAFT) == (entry.change.announced > as_of)
        if entry.objection_open(as_of):
            assert entry.status is ChangeStatus.PENDING and entry.objection_days_left(as_of) >= 1


def test_an_announcement_straddling_a_stricter_term_gets_its_notice_and_objection_window() -> None:
    """Decided: the strictest term in force on any day from the announcement to the start applies."""
    text = (GOLDEN / "broken" / "notice-too-short-straddling-a-stricter-term" / "subprocessors.yml").read_text(
        encoding="utf-8"
    )
    register, problems = parse_register(text.replace("starts: 2027-01-05", "starts: 2027-01-15"), "s.yml", 30)
    assert register is not None and check_register(register) == [], problems
    gamma = register.find("Gamma Search Co.")
    assert gamma is not None
    assert register.window_term(gamma.announced, gamma.starts)[:2] == (45, 30)
    assert register.objection_closes(gamma) == date(2026, 12, 31)  # 30 days, not the 15 of the announcement day
    # Announced and started under the old term alone: the old term.
    assert register.window_term(date(2026, 11, 1), date(2026, 12, 16))[:2] == (30, 15)
