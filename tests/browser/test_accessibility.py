"""axe-core on every page type, light and dark: zero violations at WCAG 2.1 AA.

axe-core comes from npm (package.json pins it) and is injected into each page
served from the built sample. Dark mode is material's "slate" scheme, chosen
the way a reader's system chooses it (prefers-color-scheme) and, once, through
the palette toggle. Views that start hidden (the side-by-side redline, folded
clauses, a highlighted clause) are checked opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")

from playwright.sync_api import Page, expect

from .conftest import OpenPage, SampleDates, Scheme

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; the violations, each with up to five offending elements."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
        # Colours are judged at rest: a fade caught half-way (the header's title) is not the page.
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important }")
    result: list[dict[str, Any]] = page.evaluate(
        """async tags => {
             const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
             return r.violations.map(v => ({
               id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
               count: v.nodes.length,
             }));
           }""",
        WCAG_21_AA,
    )
    return result


def explain(where: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{where}: {len(violations)} axe violation(s) at WCAG 2.1 AA"]
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation['impact']}, {violation['count']} elements): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join(str(node["summary"]).split())
            lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


def assert_scheme(page: Page, scheme: Scheme) -> None:
    expected = "slate" if scheme == "dark" else "default"
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", expected)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    "name",
    [
        "home",
        "current",
        "revision",
        "upcoming-revision",
        "history",
        "compare-index",
        "compare",
        "verify",
        "clause-index",
        "clause",
        "legal-team",
        "subprocessors",
        "notices",
        "revision-notice",
        "announcement-notice",
    ],
)
def test_every_page_type_has_no_axe_violations(
    open_page: OpenPage, page_types: dict[str, str], axe_source: str, name: str, scheme: Scheme
) -> None:
    if name not in page_types:
        pytest.skip(f"the sample site has no {name} page")
    page = open_page(page_types[name], scheme=scheme)
    assert_scheme(page, scheme)
    violations = axe_violations(page, axe_source)
    assert violations == [], explain(f"{name} ({scheme})", violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_side_by_side_redline_and_opened_clauses_have_no_axe_violations(
    open_page: OpenPage, page_types: dict[str, str], axe_source: str, scheme: Scheme
) -> None:
    page = open_page(page_types["compare"], scheme=scheme)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    violations = axe_violations(page, axe_source)
    assert violations == [], explain(f"compare, every clause open ({scheme})", violations)
    page.get_by_label("Side by side").check()
    violations = axe_violations(page, axe_source)
    assert violations == [], explain(f"compare, side by side ({scheme})", violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_highlighted_clause_keeps_its_contrast(
    open_page: OpenPage, sample: SampleDates, axe_source: str, scheme: Scheme
) -> None:
    page = open_page(f"security/baa/{sample.in_force}/", scheme=scheme)
    target = page.locator("article.amend-document section.amend-clause").nth(3).get_attribute("id")
    page.goto(f"security/baa/{sample.in_force}/#{target}")
    page.wait_for_function(
        "id => { const e = document.getElementById(id); return e !== null && e.matches(':target'); }", arg=target
    )
    violations = axe_violations(page, axe_source)
    assert violations == [], explain(f"revision with #{target} highlighted ({scheme})", violations)


def test_the_palette_toggle_switches_to_dark_mode_without_violations(
    open_page: OpenPage, page_types: dict[str, str], axe_source: str
) -> None:
    page = open_page(page_types["current"], scheme="light")
    assert_scheme(page, "light")
    page.locator("label.md-header__button[title='Switch to dark mode']").click()
    assert_scheme(page, "dark")
    violations = axe_violations(page, axe_source)
    assert violations == [], explain("current, dark through the toggle", violations)
    page.reload()
    assert_scheme(page, "dark")  # the choice is remembered
    stored: str = page.evaluate("() => JSON.stringify(Object.entries(localStorage))")
    assert "slate" in stored


def test_every_page_has_a_language_its_own_title_one_main_heading_and_a_main_landmark(
    open_page: OpenPage, page_types: dict[str, str]
) -> None:
    page = open_page(None)
    titles: set[str] = set()
    for name, path in page_types.items():
        page.goto(path)
        assert page.evaluate("() => document.documentElement.lang") == "en", name
        titles.add(page.title())
        expect(page.locator("h1"), f"{name}: one h1").to_have_count(1)
        expect(page.get_by_role("main"), f"{name}: one main landmark").to_have_count(1)
    assert len(titles) == len(page_types), "every page has its own title"


def test_every_page_of_the_site_has_no_axe_violations(open_page: OpenPage, sample_site: Path, axe_source: str) -> None:
    """Beyond one page of each type: every page the build wrote, in the reader's default (light) scheme."""
    page = open_page(None)
    failures: list[str] = []
    paths = sorted(
        file.relative_to(sample_site).as_posix().removesuffix("index.html") for file in sample_site.rglob("index.html")
    )
    assert len(paths) >= 15
    for path in paths:
        page.goto(path)
        violations = axe_violations(page, axe_source)
        if violations:
            failures.append(explain(path or "/", violations))
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_verify_page_with_an_answer_shown_has_no_axe_violations(
    open_page: OpenPage, sample_site: Path, sample: SampleDates, axe_source: str, scheme: Scheme
) -> None:
    page = open_page("security/baa/verify/", scheme=scheme)
    page.get_by_label("Choose a file to check").set_input_files(
        str(sample_site / "security" / "baa" / f"{sample.in_force}.pdf")
    )
    expect(page.locator("output.amend-verify__answer")).to_contain_text("This is revision")
    violations = axe_violations(page, axe_source)
    assert violations == [], explain(f"verify, with an answer ({scheme})", violations)
