"""Every page type of the BAA section, read in headless Chromium the way a reader would.

The sample is built as of 2026-12-01 (tests/conftest.py): one revision is in
force, an older one is superseded and one is upcoming with days left in its
notice window. Which revision plays which part comes from the built
versions.json, so the tests follow the sample when it grows.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")

from playwright.sync_api import Browser, Page, expect

from .conftest import DESKTOP, PHONE, OpenPage, SampleDates, Scheme, Watch, guard

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


# --- the current agreement and its banner ---------------------------------------------------------


def test_the_current_page_shows_the_agreement_in_force_and_every_revision(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page("security/baa/")
    latest = page.locator(".amend-latest")
    expect(latest).to_contain_text(f"Latest revision: {long_date(sample.effective[sample.in_force])}")
    expect(latest.get_by_role("link", name="Download PDF")).to_be_visible()
    header = page.locator(".amend-revision-header")
    expect(header).to_contain_text(f"Revision {sample.in_force}")
    expect(header.locator(".amend-badge")).to_have_text(re.compile(r"^In force"))
    clauses = page.locator("article.amend-document section.amend-clause")
    assert clauses.count() >= 10, "the agreement's clauses are on the page"
    expect(clauses.first.locator(".amend-number")).to_have_text(re.compile(r"^1\.?$"))
    listed = page.locator(".amend-revision-list > li")
    expect(listed).to_have_count(len(sample.ids))
    expect(listed.first).to_contain_text(f"Revision {sample.upcoming}")
    expect(listed.first.locator(".amend-badge")).to_have_text(re.compile(r"^Upcoming"))
    page.get_by_role("link", name=f"revision {sample.in_force}", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/security/baa/{sample.in_force}/$"))


def test_the_upcoming_banner_gives_the_effective_date_the_days_left_and_the_redline(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page("security/baa/")
    banner = page.get_by_role("note", name="Upcoming revision")
    expect(banner).to_be_visible()
    effective = sample.effective[sample.upcoming]
    # The sample agreement's time zone is America/New_York (mkdocs.yml): a day starts at 00:00 there.
    expect(banner).to_contain_text(f"takes effect at 00:00 Eastern Time on {long_date(effective)}")
    left = (effective - sample.as_of).days
    expect(banner).to_contain_text(f"{days(left)} left in the notice window")
    expect(banner).to_contain_text(f"posted on {long_date(sample.posted[sample.upcoming])}")
    expect(banner.get_by_role("link", name="Download PDF")).to_have_attribute("href", f"{sample.upcoming}.pdf")
    banner.get_by_role("link", name="See what changes").click()
    expect(page).to_have_url(re.compile(rf"/security/baa/compare/{sample.in_force}\.\.\.{sample.upcoming}/$"))
    expect(page.locator("h1")).to_contain_text(f"changes from {sample.in_force} to {sample.upcoming}")
    page.go_back()
    banner = page.get_by_role("note", name="Upcoming revision")
    banner.get_by_role("link", name=f"Read revision {sample.upcoming}").click()
    expect(page).to_have_url(re.compile(rf"/security/baa/{sample.upcoming}/$"))


def test_the_banner_shows_on_the_history_page_and_older_revisions_but_not_on_the_upcoming_one(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page("security/baa/history/")
    expect(page.locator(".amend-banner")).to_have_count(1)
    page = open_page(f"security/baa/{sample.superseded}/")
    expect(page.locator(".amend-banner")).to_have_count(1)
    page = open_page(f"security/baa/{sample.upcoming}/")
    expect(page.locator(".amend-banner")).to_have_count(0)


def test_on_a_stale_build_the_banner_says_the_revision_has_taken_effect(
    open_page: OpenPage, sample: SampleDates
) -> None:
    effective = sample.effective[sample.upcoming]
    page = open_page(None)
    page.clock.set_fixed_time(f"{(effective + timedelta(days=2)).isoformat()}T12:00:00")
    page.goto("security/baa/")
    banner = page.locator(".amend-banner")
    expect(banner).to_have_class(re.compile(r"\bamend-banner--stale\b"))
    expect(banner).to_contain_text(f"took effect on {long_date(effective)}")
    expect(banner).to_contain_text(f"built on {long_date(sample.as_of)}")
    expect(banner).not_to_contain_text("left in the notice window")


def test_before_the_effective_date_the_script_leaves_the_banner_as_built(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page(None)
    page.clock.set_fixed_time(f"{sample.as_of.isoformat()}T12:00:00")
    page.goto("security/baa/")
    banner = page.locator(".amend-banner")
    expect(banner).not_to_have_class(re.compile(r"stale"))
    expect(banner).to_contain_text("left in the notice window")


# --- revision pages --------------------------------------------------------------------------------


def test_a_superseded_revision_says_which_revision_replaced_it_and_when(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page(f"security/baa/{sample.superseded}/")
    expect(page.locator("h1")).to_contain_text(f"revision {sample.superseded}")
    header = page.locator(".amend-revision-header")
    expect(header.locator(".amend-badge")).to_have_text(re.compile(r"^Superseded"))
    expect(header).to_contain_text(f"Posted {long_date(sample.posted[sample.superseded])}")
    replaced_on = long_date(sample.effective[sample.in_force])
    expect(header).to_contain_text(f"Superseded by revision {sample.in_force} on {replaced_on}")
    header.get_by_role("link", name=f"revision {sample.in_force}").click()
    expect(page).to_have_url(re.compile(rf"/security/baa/{sample.in_force}/$"))
    expect(page.locator(".amend-revision-header .amend-badge")).to_have_text(re.compile(r"^In force"))


def test_an_upcoming_revision_says_when_it_takes_effect(open_page: OpenPage, sample: SampleDates) -> None:
    page = open_page(f"security/baa/{sample.upcoming}/")
    header = page.locator(".amend-revision-header")
    expect(header.locator(".amend-badge")).to_have_text(re.compile(r"^Upcoming"))
    effective = sample.effective[sample.upcoming]
    left = days((effective - sample.as_of).days)
    expect(header).to_contain_text(f"Takes effect at 00:00 Eastern Time on {long_date(effective)}, in {left}.")
    header.get_by_role("link", name=f"Changes from {sample.in_force}").click()
    expect(page).to_have_url(re.compile(rf"/compare/{sample.in_force}\.\.\.{sample.upcoming}/$"))


def test_every_heading_clause_has_a_permalink_to_itself(open_page: OpenPage, sample: SampleDates) -> None:
    page = open_page(f"security/baa/{sample.in_force}/")
    sections = page.locator("article.amend-document section.amend-clause")
    ids = sections.evaluate_all("els => els.map(e => e.id)")
    links = sections.evaluate_all(
        "els => els.map(e => e.querySelector(':scope > .amend-heading a.amend-permalink')?.getAttribute('href'))"
    )
    assert ids and links == [f"#{i}" for i in ids]
    assert len(set(ids)) == len(ids)


def test_a_clause_permalink_scrolls_to_the_clause_and_highlights_it(open_page: OpenPage, sample: SampleDates) -> None:
    page = open_page(None, height=800)
    ids = _clause_ids(page, f"security/baa/{sample.in_force}/")
    target, other = ids[len(ids) // 2], ids[1]
    page.goto(f"security/baa/{sample.in_force}/#{target}")
    clause = page.locator(f"section#{target}")
    _assert_in_view_and_highlighted(page, target)
    assert not _highlighted(page, other)
    # Following a clause's own permalink moves the highlight to it.
    page.locator(f"section#{other} > .amend-heading a.amend-permalink").click(force=True)
    expect(page).to_have_url(re.compile(rf"#{other}$"))
    _assert_in_view_and_highlighted(page, other)
    assert not _highlighted(page, target)
    expect(clause).to_be_attached()


def test_a_sub_clause_permalink_highlights_the_sub_clause(open_page: OpenPage, sample: SampleDates) -> None:
    page = open_page(f"security/baa/{sample.in_force}/")
    sub = page.locator("article.amend-document p[id], article.amend-document li[id]").first
    sub_id = sub.get_attribute("id")
    assert sub_id
    page.goto(f"security/baa/{sample.in_force}/#{sub_id}")
    _assert_in_view_and_highlighted(page, sub_id)


def _clause_ids(page: Page, path: str) -> list[str]:
    page.goto(path)
    ids: list[str] = page.locator("article.amend-document section.amend-clause").evaluate_all(
        "els => els.map(e => e.id)"
    )
    assert len(ids) >= 4
    return ids


def _highlighted(page: Page, element_id: str) -> bool:
    style: dict[str, str] = page.evaluate(
        """id => { const s = getComputedStyle(document.getElementById(id));
                   return {outline: s.outlineStyle, background: s.backgroundColor}; }""",
        element_id,
    )
    return style["outline"] != "none" and style["background"] not in ("rgba(0, 0, 0, 0)", "transparent")


def _assert_in_view_and_highlighted(page: Page, element_id: str) -> None:
    # Null-safe: right after a navigation the new document may not have parsed the element yet.
    page.wait_for_function(
        "id => { const e = document.getElementById(id); return e !== null && e.matches(':target'); }", arg=element_id
    )
    box = page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", element_id)
    height = page.evaluate("() => window.innerHeight")
    header = page.evaluate("() => document.querySelector('.md-header').getBoundingClientRect().bottom")
    assert header - 1 <= box < height / 2, f"#{element_id} is at {box}px, not just below the header ({header}px)"
    assert _highlighted(page, element_id), f"#{element_id} is the target but shows no highlight"


# --- history ---------------------------------------------------------------------------------------


def test_the_history_page_lists_every_revision_with_dates_notice_summary_and_links(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page("security/baa/history/")
    items = page.locator(".amend-timeline > li")
    expect(items).to_have_count(len(sample.ids))
    for item, rev in zip(items.all(), reversed(sample.ids), strict=True):
        expect(item.locator("h2")).to_contain_text(f"Revision {rev}")
        for day in (sample.posted[rev], sample.effective[rev]):
            expect(item.locator(f"time[datetime='{day.isoformat()}']").first).to_have_text(long_date(day))
        expect(item).to_contain_text("Notice given")
        expect(item.get_by_role("link", name="PDF", exact=True)).to_have_attribute("href", f"../{rev}.pdf")
        expect(item.get_by_role("link", name=f"Read revision {rev}")).to_have_attribute("href", f"../{rev}/")
    statuses = [item.locator(".amend-badge").inner_text() for item in items.all()]
    assert sum(s.startswith("In force") for s in statuses) == 1
    assert sum(s.startswith("Upcoming") for s in statuses) == 1
    expect(items.last.get_by_role("link", name=re.compile("^Changes from"))).to_have_count(0)  # the first has none
    items.first.get_by_role("link", name=f"Changes from {sample.in_force}").click()
    expect(page).to_have_url(re.compile(rf"/compare/{sample.in_force}\.\.\.{sample.upcoming}/$"))


def test_the_date_form_opens_the_revision_in_force_on_that_day(open_page: OpenPage, sample: SampleDates) -> None:
    page = open_page("security/baa/history/")
    form = page.locator("form.amend-on-date__form")
    day = sample.effective[sample.in_force] - timedelta(days=1)  # the last day of the one before
    form.get_by_label("Date").fill(day.isoformat())
    form.get_by_role("button", name="Show the revision").click()
    expect(page).to_have_url(re.compile(rf"/security/baa/{sample.superseded}/$"))
    page.go_back()
    form = page.locator("form.amend-on-date__form")
    form.get_by_label("Date").fill(sample.effective[sample.upcoming].isoformat())
    form.get_by_role("button", name="Show the revision").click()
    expect(page).to_have_url(re.compile(rf"/security/baa/{sample.upcoming}/$"))


def test_a_date_before_the_first_revision_is_answered_in_place(open_page: OpenPage, sample: SampleDates) -> None:
    page = open_page("security/baa/history/")
    form = page.locator("form.amend-on-date__form")
    form.get_by_label("Date").evaluate(
        "(e, day) => { e.removeAttribute('min'); e.value = day; }",
        (sample.effective[sample.first] - timedelta(days=1)).isoformat(),
    )
    form.get_by_role("button", name="Show the revision").click()
    expect(form.locator("output")).to_contain_text("No revision was in force on")
    expect(page).to_have_url(re.compile(r"/security/baa/history/$"))


def test_without_javascript_the_date_form_leads_to_the_table_of_days_in_force(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page("security/baa/history/", javascript=False)
    form = page.locator("form.amend-on-date__form")
    form.get_by_label("Date").fill(sample.effective[sample.in_force].isoformat())
    form.get_by_role("button", name="Show the revision").click()
    expect(page).to_have_url(re.compile(r"/security/baa/history/\?on=[\d-]+#amend-periods$"))
    rows = page.locator("table.amend-periods tbody tr")
    expect(rows).to_have_count(len(sample.ids))
    row = rows.filter(has=page.get_by_role("link", name=sample.in_force, exact=True))
    expect(row.locator("td").first).to_have_text(long_date(sample.effective[sample.in_force]))
    expect(row.locator("td").nth(1)).to_have_text(long_date(sample.effective[sample.upcoming] - timedelta(days=1)))


# --- clause histories ------------------------------------------------------------------------------


def test_a_clause_heading_leads_to_the_clause_in_every_revision_that_has_it(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page(f"security/baa/{sample.in_force}/")
    heading = page.locator("article.amend-document section.amend-clause h2").filter(has_text="Incident")
    heading.get_by_role("link", name=re.compile("^History of clause")).click()
    expect(page).to_have_url(re.compile(r"/security/baa/clauses/incident-breach-reporting/$"))
    sections = page.locator("section.amend-clause-history")
    expect(sections).to_have_count(len(sample.ids))
    expect(sections.first.locator("h2")).to_contain_text(f"Revision {sample.upcoming}")
    # The clause was renumbered (6 → 7) when it changed: one history follows it, with the redline of that change.
    changed = sections.filter(has=page.locator(".amend-clause-history__step", has_text=re.compile("^Changed from")))
    assert changed.count() >= 1
    expect(changed.first.locator("del.amend-rl-del:visible").first).to_be_visible()
    expect(changed.first.locator("ins.amend-rl-ins:visible").first).to_be_visible()
    numbers = {s.locator("h2").inner_text().split(": ", 1)[1].split(".")[0] for s in sections.all()}
    assert len(numbers) >= 2, f"the history spans more than one clause number: {numbers}"


def test_the_clause_index_counts_changes_and_a_compare_page_links_each_clause_history(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page("security/baa/clauses/")
    rows = page.locator("table.amend-clause-index tbody tr")
    assert rows.count() >= 10
    expect(rows.filter(has_text="Incident & Breach Reporting").locator("td").first).to_have_text(
        re.compile(r"^[1-9]\d* changes?$")
    )
    page.goto(f"security/baa/compare/{sample.superseded}...{sample.in_force}/")
    links = page.locator(".amend-rl-inline a.amend-history-link")
    assert links.count() >= 10
    page.locator(".amend-rl-inline section.amend-rl-clause").first.locator("a.amend-history-link").click()
    expect(page).to_have_url(re.compile(r"/security/baa/clauses/[\w-]+/$"))


# --- verify your copy -----------------------------------------------------------------------------


def test_the_verify_page_names_a_published_pdf_or_word_file_and_refuses_a_modified_one(
    open_page: OpenPage, sample: SampleDates, sample_site: Path, tmp_path: Path, watch: Watch
) -> None:
    page = open_page("security/baa/verify/")
    methods: list[str] = []
    page.on("request", lambda request: methods.append(f"{request.method} {request.url}"))
    chooser = page.get_by_label("Choose a file to check")
    answer = page.locator("output.amend-verify__answer")
    published = sample_site / "security" / "baa" / f"{sample.superseded}.pdf"
    chooser.set_input_files(str(published))
    expect(answer).to_contain_text(f"This is revision {sample.superseded}.")
    expect(answer).to_contain_text(f"effective {long_date(sample.effective[sample.superseded])}")
    expect(answer).to_have_attribute("data-amend-result", "published")
    answer.get_by_role("link", name="Open it").click()
    expect(page).to_have_url(re.compile(rf"/security/baa/{sample.superseded}/$"))
    page.go_back()

    modified = tmp_path / f"{sample.superseded}.pdf"
    data = bytearray(published.read_bytes())
    data[len(data) // 2] ^= 0x20
    modified.write_bytes(bytes(data))
    chooser = page.get_by_label("Choose a file to check")
    chooser.set_input_files(str(modified))
    answer = page.locator("output.amend-verify__answer")
    expect(answer).to_contain_text("This file is not one we published.")
    expect(answer).to_have_attribute("data-amend-result", "unknown")

    redline = sorted((sample_site / "security" / "baa" / "compare").glob("*.pdf"))[0]
    chooser.set_input_files(str(redline))
    expect(answer).to_contain_text("This is the redline from revision")
    word = sample_site / "security" / "baa" / f"{sample.superseded}.docx"
    chooser.set_input_files(str(word))
    expect(answer).to_contain_text(f"This is revision {sample.superseded}, as a Word file.")
    # Nothing was sent: every request the page made was a GET for a file of the site.
    assert methods and all(m.startswith("GET ") for m in methods), methods
    assert not any(m.endswith((".pdf", ".docx")) for m in methods), "the page never fetches the file it checks"


def test_without_javascript_the_verify_page_explains_the_check_by_hand(open_page: OpenPage) -> None:
    page = open_page("security/baa/verify/", javascript=False)
    expect(page.locator("form.amend-verify")).to_be_hidden()
    expect(page.locator(".amend-verify__noscript")).to_be_visible()
    expect(page.get_by_role("link", name="SHA256SUMS")).to_have_attribute("href", "../SHA256SUMS")


# --- compare ---------------------------------------------------------------------------------------


def test_picking_a_pair_in_the_picker_lands_on_its_compare_page(open_page: OpenPage, sample: SampleDates) -> None:
    page = open_page("security/baa/compare/")
    picker = page.locator("form.amend-picker")
    picker.locator("select[name=from]").select_option(sample.first)
    picker.locator("select[name=to]").select_option(sample.in_force)
    picker.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(rf"/security/baa/compare/{sample.first}\.\.\.{sample.in_force}/$"))
    expect(page.locator("h1")).to_contain_text(f"changes from {sample.first} to {sample.in_force}")
    # On a compare page the picker shows the pair and picks the next one; a reversed pair is put in order.
    picker = page.locator("form.amend-picker")
    expect(picker.locator("select[name=from]")).to_have_value(sample.first)
    expect(picker.locator("select[name=to]")).to_have_value(sample.in_force)
    picker.locator("select[name=from]").select_option(sample.upcoming)
    picker.locator("select[name=to]").select_option(sample.superseded)
    picker.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(rf"/compare/{sample.superseded}\.\.\.{sample.upcoming}/$"))


def test_without_javascript_the_picker_leads_to_the_list_of_every_pair(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page(f"security/baa/compare/{sample.superseded}...{sample.in_force}/", javascript=False)
    page.locator("form.amend-picker").get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"/security/baa/compare/\?from="))
    pairs = page.locator(".amend-pair-list a")
    expect(pairs).to_have_count(len(sample.ids) * (len(sample.ids) - 1) // 2)
    page.locator(".amend-pair-list li", has_text=f"Revision {sample.in_force}").get_by_role(
        "link", name=f"from {sample.first}"
    ).click()
    expect(page).to_have_url(re.compile(rf"/compare/{sample.first}\.\.\.{sample.in_force}/$"))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-script", "without-script"])
def test_the_compare_page_switches_between_inline_and_side_by_side(
    open_page: OpenPage, sample: SampleDates, javascript: bool
) -> None:
    page = open_page(f"security/baa/compare/{sample.superseded}...{sample.in_force}/", javascript=javascript)
    inline, side = page.locator(".amend-rl-inline"), page.locator(".amend-rl-side")
    expect(inline).to_be_visible()
    expect(side).to_be_hidden()
    page.get_by_label("Side by side").check()
    expect(side).to_be_visible()
    expect(inline).to_be_hidden()
    expect(side.locator(".amend-rl-old del").first).to_be_visible()
    expect(side.locator(".amend-rl-new ins").first).to_be_visible()
    page.get_by_label("Inline").check()
    expect(inline).to_be_visible()
    expect(side).to_be_hidden()


def test_the_redline_marks_deletions_and_insertions_for_eyes_and_screen_readers(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page(f"security/baa/compare/{sample.superseded}...{sample.in_force}/")
    deleted = page.locator(".amend-rl-inline del.amend-rl-del").first
    inserted = page.locator(".amend-rl-inline ins.amend-rl-ins").first
    expect(deleted).to_be_visible()
    expect(inserted).to_be_visible()
    # Struck through and underlined, so the marks read without colour.
    assert "line-through" in deleted.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "underline" in inserted.evaluate("e => getComputedStyle(e).textDecorationLine")
    # The words "deleted"/"added" are in the text for screen readers, but not drawn on screen.
    assert deleted.text_content().startswith("[deleted: ")  # type: ignore[union-attr]
    label = deleted.locator(".amend-rl-sr").first
    size = label.evaluate("e => { const r = e.getBoundingClientRect(); return r.width * r.height; }")
    assert size <= 1, "the screen-reader label is visually hidden"
    # Every clause heading links to the clause in both revisions, and the links land on it.
    modified = page.locator(".amend-rl-inline section.amend-rl-clause--modified").first
    new_link = modified.get_by_role("link", name=f"in {sample.in_force}").first
    href = new_link.get_attribute("href")
    assert href and "#" in href
    new_link.click()
    expect(page).to_have_url(re.compile(rf"/security/baa/{sample.in_force}/#{re.escape(href.split('#')[1])}$"))
    _assert_in_view_and_highlighted(page, href.split("#")[1])


def test_unchanged_clauses_are_folded_and_open_on_request(open_page: OpenPage, sample: SampleDates) -> None:
    page = open_page(f"security/baa/compare/{sample.superseded}...{sample.in_force}/")
    folded = page.locator(".amend-rl-inline details.amend-rl-clause--unchanged").first
    expect(folded).not_to_have_attribute("open", "")
    body = folded.locator(":scope > .amend-rl-text")
    expect(body).to_be_hidden()
    folded.locator(":scope > summary").click(position={"x": 4, "y": 4})
    expect(folded).to_have_attribute("open", "")
    expect(body).to_be_visible()


# --- downloads ---------------------------------------------------------------------------------------


def test_every_pdf_link_on_every_page_type_returns_a_pdf(
    open_page: OpenPage, page_types: dict[str, str], sample: SampleDates
) -> None:
    page = open_page(None)
    checked: set[str] = set()
    download_buttons = 0
    for name, path in page_types.items():
        page.goto(path)
        links = page.locator("a[href$='.pdf']")
        for link in links.all():
            url = link.evaluate("a => a.href")
            download_buttons += "Download" in link.inner_text()
            if url in checked:
                continue
            checked.add(url)
            response = page.request.get(url)
            assert response.status == 200, f"{name}: {url} → HTTP {response.status}"
            assert response.headers["content-type"] == "application/pdf", f"{name}: {url}"
            assert response.body().startswith(b"%PDF-"), f"{name}: {url} is not a PDF"
    expected = {f"security/baa/{rev}.pdf" for rev in sample.ids}
    expected.add(f"security/baa/compare/{sample.superseded}...{sample.in_force}.pdf")
    assert expected <= {url.split("/", 3)[3] for url in checked}
    assert download_buttons >= 4


@pytest.mark.parametrize("where", ["current", "revision", "compare"])
def test_clicking_download_pdf_saves_a_pdf(open_page: OpenPage, page_types: dict[str, str], where: str) -> None:
    page = open_page(page_types[where])
    button = page.locator("main a[download]", has_text="Download").first
    with page.expect_download() as download:
        button.click()
    saved = download.value.path()
    assert saved.read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename.endswith(".pdf")


# --- nothing from elsewhere, and no surprises without a script ----------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_asks_any_other_host_for_anything(
    open_page: OpenPage, page_types: dict[str, str], watch: Watch, scheme: Scheme
) -> None:
    page = open_page(None, scheme=scheme)
    for path in page_types.values():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.mouse.wheel(0, 20000)
    page.goto(page_types["current"])
    page.keyboard.press("/")  # opens search, which loads its index and worker
    page.keyboard.type("breach")
    page.wait_for_load_state("networkidle")
    assert len(watch.requests) > 2 * len(page_types), "the pages and their assets were all requested"
    assert watch.foreign == []


def test_the_guard_catches_a_request_to_another_host(browser: Browser, site_url: str) -> None:
    """The check above is not vacuous: a page that reaches out is caught and stopped."""
    watch = Watch()
    context = browser.new_context(base_url=site_url)
    try:
        guard(context, watch)
        page = context.new_page()
        page.goto("security/baa/")
        page.evaluate(
            "() => new Promise(done => { const i = new Image(); i.onerror = i.onload = done;"
            " i.src = 'http://fonts.example.invalid/x.woff2'; })"
        )
    finally:
        context.close()
    assert watch.foreign == ["http://fonts.example.invalid/x.woff2"]


def test_every_page_type_reads_right_without_javascript(
    open_page: OpenPage, page_types: dict[str, str], sample: SampleDates
) -> None:
    page = open_page(None, javascript=False)
    for name, path in page_types.items():
        page.goto(path)
        expect(page.locator("h1").first, f"{name} has a heading").to_be_visible()
        expect(page.locator("article.md-content__inner")).to_be_visible()
    page.goto("security/baa/")
    expect(page.locator(".amend-banner")).to_contain_text("left in the notice window")
    expect(page.locator("article.amend-document section.amend-clause").first).to_be_visible()


def test_a_keyboard_reader_can_reach_and_see_a_clause_permalink(open_page: OpenPage, sample: SampleDates) -> None:
    page = open_page(f"security/baa/{sample.in_force}/")
    link = page.locator("a.amend-permalink").first
    link.focus()
    expect(link).to_be_focused()
    assert float(link.evaluate("e => getComputedStyle(e).opacity")) == 1.0
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#[\w-]+$"))


# --- screenshots, looked at by a person -----------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_screenshots_of_every_page_type_and_no_sideways_scrolling(
    open_page: OpenPage, page_types: dict[str, str], sample: SampleDates, artifacts: Path, width: int, scheme: Scheme
) -> None:
    page = open_page(None, width=width, scheme=scheme)
    too_wide: list[str] = []

    def shoot(name: str, *, full_page: bool = True) -> None:
        page.wait_for_load_state("networkidle")
        if full_page:
            page.evaluate("() => window.scrollTo(0, 0)")  # else the sticky header is drawn mid-page
        page.screenshot(path=artifacts / f"{name}-{width}-{scheme}.png", full_page=full_page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide.append(f"{name} ({overflow}px)")

    for name, path in page_types.items():
        page.goto(path)
        shoot(name)
    page.goto(page_types["compare"])
    page.get_by_label("Side by side").check()
    shoot("compare-side-by-side")
    ids = _clause_ids(page, page_types["current"])
    page.goto(f"{page_types['current']}#{ids[len(ids) // 2]}")
    shoot("permalink-target", full_page=False)
    assert too_wide == [], f"pages scroll sideways at {width}px: {too_wide}"


# --- notices to customers --------------------------------------------------------------------------------


def test_a_revision_links_its_notice_and_the_notice_links_each_flag_to_its_clause_in_the_redline(
    open_page: OpenPage, sample: SampleDates
) -> None:
    page = open_page(f"security/baa/{sample.upcoming}/")
    page.get_by_role("link", name="Notice to customers").click()
    expect(page).to_have_url(re.compile(rf"/security/baa/notices/{sample.upcoming}/$"))
    expect(page.locator("h1")).to_contain_text("takes effect on")
    expect(page.locator(".amend-notice__record")).to_contain_text("No email of this notice is recorded")
    flag = page.locator(".amend-notice__flags a").first
    flag.click()
    expect(page).to_have_url(re.compile(rf"/security/baa/compare/{sample.in_force}...{sample.upcoming}/#rl-[\w-]+$"))
    anchor = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"#{anchor}")).to_be_attached()


def test_the_notices_index_lists_each_notice_and_an_announcement_offers_a_prefilled_objection(
    open_page: OpenPage, page_types: dict[str, str]
) -> None:
    page = open_page("security/baa/history/")
    page.get_by_role("link", name="Notice to customers").first.click()
    page.get_by_role("link", name="Every notice").click()
    expect(page).to_have_url(re.compile(r"/security/baa/notices/$"))
    rows = page.locator("table.amend-notices tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2  # the upcoming revision and the pending subprocessor addition
    if "announcement-notice" not in page_types:
        return
    page.goto(page_types["announcement-notice"])
    expect(page.get_by_role("heading", name="How to object")).to_be_visible()
    objection = page.locator("a[href^='mailto:']").first
    expect(objection).to_have_attribute("href", re.compile(r"\?subject=Objection%20to%20subprocessor%20"))
