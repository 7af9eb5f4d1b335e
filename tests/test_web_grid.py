"""The actor × issue grid editor, in Debian's Chromium: one cell per actor and issue for the
field chosen, the evidence behind a number on focus, an edit that moves the what-if forecast
without saving, an invalid value's message under its cell, and the shipped file untouched."""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_web import CHROMIUM, server  # noqa: F401  (the live server fixture)

import accord
from accord.scenario import shipped_scenarios

SHOTS = Path(os.environ.get("ACCORD_SHOTS", "/tmp/accord_grid_shots"))
DEFAULT = "ukraine-2025-07"


@contextmanager
def _dashboard(url: str, width: int = 1280):
    """A page of the dashboard in Debian's Chromium, opened on the default scenario; yields the
    page and the list its uncaught errors collect into."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url + "/?token=browser-test-token")
            page.wait_for_selector(f'#scenarios li.active[data-name="{DEFAULT}"]')
            yield page, errors
        finally:
            browser.close()


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
@pytest.mark.parametrize("width", [1280, 800])
def test_grid_edits_a_cell_and_the_what_if_follows(server, width):  # noqa: F811
    shipped = Path(shipped_scenarios()[DEFAULT])
    before_bytes = shipped.read_bytes()
    scn = accord.load_scenario(DEFAULT)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with _dashboard(server, width) as (page, errors):
        page.wait_for_selector("table.grid input")
        # one row per actor, one column per issue (and the row headers)
        rows = page.locator("table.grid tr")
        assert rows.count() == len(scn.actors) + 1
        assert page.locator("table.grid tr").first.locator("th").count() == len(scn.issues) + 1
        page.screenshot(path=str(SHOTS / f"grid-position-{width}.png"), full_page=False)
        # salience: Russia on NATO, with its quote on focus
        page.select_option("#grid-field", "salience")
        russia = next(i for i, a in enumerate(scn.actors) if a.id == "russia")
        cell = page.locator(
            f'table.grid input[data-path="actors[{russia}].stances.nato.salience.value"]'
        )
        cell.focus()
        quote = scn.actors[russia].stances["nato"].salience.evidence
        expected = getattr(quote, "quote", None) or getattr(quote, "judgement", "")
        assert expected[:30] in page.locator("#grid-evidence").inner_text()
        page.check("#whatif-on")  # the what-if runs after each valid edit
        cell.fill("0.8")  # from 0.9
        cell.dispatch_event("change")
        page.locator("#whatif p.status", has_text="nothing saved").wait_for(timeout=60_000)
        first = page.locator("#whatif table").inner_text()
        cell.fill("0.05")
        cell.dispatch_event("change")
        # the page's CSP forbids eval (no wait_for_function): poll the table's text
        for _ in range(120):
            page.wait_for_timeout(500)
            now = page.locator("#whatif table").inner_text()
            if now != first:
                break
        assert now != first, "a salience edited in the grid must move the what-if forecast"
        # the form below shows the same number
        form_box = page.locator(
            f'#form input[data-path="actors[{russia}].stances.nato.salience.value"]'
        )
        if form_box.count():
            assert float(form_box.input_value()) == pytest.approx(0.05)
        # an invalid salience: its message appears under the grid's cell
        cell.fill("1.5")
        cell.dispatch_event("change")
        page.locator("table.grid .err").first.wait_for(timeout=30_000)
        assert (
            "salience" in page.locator("table.grid .err").first.inner_text()
            or page.locator("table.grid .bad").count()
        )
        message = page.locator("table.grid .err").first.inner_text()
        assert message.startswith("must be"), message  # no data path under the cell
        listed = page.locator("#problems ul.problem-links a").first.inner_text()
        assert listed.startswith("Russia (Putin) · NATO"), listed  # the list names the cell
        # the problem list links to the cell: scroll away, follow the link, the cell has focus
        page.locator("#problems ul.problem-links a").first.wait_for()
        page.locator("#form fieldset").last.scroll_into_view_if_needed()  # far from the grid
        page.locator("#problems ul.problem-links a").first.click()
        assert page.locator("table.grid input:focus").get_attribute("data-path") == (
            f"actors[{russia}].stances.nato.salience.value"
        )
        page.screenshot(path=str(SHOTS / f"grid-salience-invalid-{width}.png"), full_page=False)
        page.select_option("#grid-field", "capability")
        assert page.locator("table.grid input").count() == len(scn.actors)
        assert not errors, errors
    assert shipped.read_bytes() == before_bytes  # nothing was saved


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
def test_analysis_parameters_are_a_form_with_their_ranges_in_words(server):  # noqa: F811
    """Every numeric or text parameter of the chosen analysis is a field built from its schema:
    a value outside its range is said under the field (with the parameter's description) and
    Run waits; a valid value is what the request sends."""
    from accord.web.params import PARAMS

    with _dashboard(server, 1280) as (page, errors):
        page.click("nav.tabs button[data-tab=results]")
        page.select_option("#analysis", "simulate")
        draws = page.locator('#param-form input[data-param="draws"]')
        draws.wait_for()
        spec = PARAMS["simulate"].model_json_schema()["properties"]
        assert draws.get_attribute("max") == str(spec["draws"]["maximum"])
        assert draws.input_value() == str(spec["draws"]["default"])
        draws.fill("-5")
        note = page.locator("#param-form .err").first
        note.wait_for()
        assert "Monte Carlo draws" in note.inner_text()
        assert page.locator("#run").is_disabled()
        draws.fill("40")
        assert not page.locator("#run").is_disabled()
        assert json.loads(page.locator("#params").input_value())["draws"] == 40
        page.screenshot(path=str(SHOTS / "analysis-form-1280.png"), full_page=False)
        page.click("#run")
        page.locator("#job-status", has_text=re.compile(r"^done")).wait_for(timeout=120_000)
        assert not errors, errors


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
@pytest.mark.parametrize("width", [1280, 800])
def test_the_evidence_panel_edits_the_focused_numbers_evidence(server, width):  # noqa: F811
    """Focus a cell: its evidence is editable beside the grid. Turning a quote into a judgement
    and writing it changes the same data as the form; a quote without its source is named in the
    problem list; nothing is saved."""
    shipped = Path(shipped_scenarios()[DEFAULT])
    before_bytes = shipped.read_bytes()
    scn = accord.load_scenario(DEFAULT)
    russia = next(i for i, a in enumerate(scn.actors) if a.id == "russia")
    base = f"actors[{russia}].stances.nato.salience"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with _dashboard(server, width) as (page, errors):
        page.select_option("#grid-field", "salience")
        page.locator(f'table.grid input[data-path="{base}.value"]').focus()
        kind = page.locator("#evidence-kind")
        kind.wait_for()
        ev = scn.actors[russia].stances["nato"].salience.evidence
        assert kind.input_value() == ("quote" if ev.quote else "judgement")
        if ev.quote:
            assert page.locator("#evidence-quote").input_value() == ev.quote
            assert page.locator("#evidence-source").input_value() == ev.source
        kind.select_option("judgement")
        page.locator("#evidence-judgement").fill("Moscow calls NATO's enlargement existential")
        # the scenario data holds it: another cell, then this one again, reads it back
        page.locator("table.grid input").first.focus()
        page.locator(f'table.grid input[data-path="{base}.value"]').focus()
        assert page.locator("#evidence-kind").input_value() == "judgement"
        text = page.locator("#evidence-judgement").input_value()
        assert text == "Moscow calls NATO's enlargement existential"
        assert page.locator("#save-status").inner_text() == "unsaved changes"
        page.screenshot(path=str(SHOTS / f"evidence-panel-{width}.png"), full_page=False)
        # back to a quote, with no source chosen: the check names what is missing
        kind.select_option("quote")
        page.select_option("#evidence-source", "")
        page.locator("#evidence-quote").fill("a passage")
        note = page.locator("#grid-evidence .err").first  # under the panel's source field
        note.wait_for(timeout=30_000)
        assert "must name an entry in `sources`" in note.inner_text()
        page.screenshot(path=str(SHOTS / f"evidence-panel-problem-{width}.png"), full_page=False)
        assert not errors, errors
    assert shipped.read_bytes() == before_bytes


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
@pytest.mark.parametrize("width", [1280, 800])
def test_sheets_for_sources_no_deal_terms_and_the_war(server, width):  # noqa: F811
    """The sheets beside the grid: a no-deal cost and a war drift written there are the
    scenario's (read back after switching sheets, the evidence panel beside them); a source
    renamed leaves the numbers that cite it dangling, and the problems say so."""
    shipped = Path(shipped_scenarios()[DEFAULT])
    before_bytes = shipped.read_bytes()
    scn = accord.load_scenario(DEFAULT)
    russia = next(i for i, a in enumerate(scn.actors) if a.id == "russia")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with _dashboard(server, width) as (page, errors):
        page.select_option("#grid-field", "no_deal")
        rows = page.locator("table.sheet tr")
        assert rows.count() == len(scn.actors) + 1
        cost = page.locator(
            f'table.sheet input[data-path="actors[{russia}].no_deal.cost_per_month.value"]'
        )
        want = scn.actors[russia].no_deal.cost_per_month.value
        assert float(cost.input_value()) == pytest.approx(want)
        cost.focus()
        page.locator("#evidence-kind").wait_for()
        cost.fill("0.02")
        cost.dispatch_event("change")
        page.screenshot(path=str(SHOTS / f"sheet-no-deal-{width}.png"), full_page=False)
        page.select_option("#grid-field", "war")
        drift = page.locator('table.sheet input[data-path="war.drift_per_month.territory.value"]')
        drift.fill("0.5")
        drift.dispatch_event("change")
        page.screenshot(path=str(SHOTS / f"sheet-war-{width}.png"), full_page=False)
        page.select_option("#grid-field", "no_deal")
        assert float(cost.input_value()) == pytest.approx(0.02)
        page.select_option("#grid-field", "war")
        assert float(drift.input_value()) == pytest.approx(0.5)
        page.select_option("#grid-field", "sources")
        assert page.locator("table.sheet tr").count() == len(scn.sources) + 1
        first = page.locator('table.sheet input[data-path="sources[0].id"]')
        first.fill("renamed")
        first.dispatch_event("change")
        page.locator("#problems", has_text=scn.sources[0].id).wait_for(timeout=30_000)
        page.click("#add-source")
        assert page.locator("table.sheet tr").count() == len(scn.sources) + 2
        page.screenshot(path=str(SHOTS / f"sheet-sources-{width}.png"), full_page=False)
        assert page.locator("#save-status").inner_text() != "valid"
        assert not errors, errors
    assert shipped.read_bytes() == before_bytes


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
@pytest.mark.parametrize("width", [1280, 800])
def test_sobol_of_any_model_from_the_form(server, width):  # noqa: F811
    """The sensitivity form offers the method and the Sobol base size as choices; Sobol of the
    exchange model draws one chart per issue the inputs move, with no page error."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    with _dashboard(server, width) as (page, errors):
        page.click("nav.tabs button[data-tab=results]")
        page.select_option("#analysis", "sensitivity")
        method = page.locator('#param-form select[data-param="method"]')
        method.wait_for()
        assert method.locator("option").all_inner_texts() == ["tornado", "sobol", "both"]
        method.select_option("sobol")
        page.select_option('#param-form select[data-param="n"]', "64")
        page.fill('#param-form input[data-param="model"]', "exchange")
        sent = json.loads(page.locator("#params").input_value())
        assert sent["method"] == "sobol" and sent["n"] == 64 and sent["model"] == "exchange"
        page.click("#run")
        page.locator("#job-status", has_text=re.compile(r"^done")).wait_for(timeout=180_000)
        charts = page.locator('#results [data-chart="sobol"]')
        charts.first.wait_for()
        page.wait_for_function(
            "() => [...document.querySelectorAll('#results [data-chart=sobol]')]"
            ".every((b) => b.dataset.drawn === '1')"
        )
        assert charts.count() >= 3
        page.screenshot(path=str(SHOTS / f"sobol-{width}.png"), full_page=True)
        assert not errors, errors


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
def test_new_scenario_wizard_creates_a_valid_scenario_and_opens_its_grid(server, tmp_path):  # noqa: F811
    """New scenario: a name, the actors and the issues; the file is created in the folder (a
    valid scenario whose every number says it is a placeholder), listed, and opened with its
    grid; a taken name or too few actors are refused in words."""
    with _dashboard(server, 1280) as (page, errors):
        page.click("#new-scenario")
        page.fill("#new-name", DEFAULT)
        page.fill("#new-actors", "United States")
        page.click("#new-create")
        status = page.locator("#new-status").inner_text()
        assert "exists" in status and "two actors" in status and "one issue" in status
        page.fill("#new-name", "talks-2026")
        page.fill("#new-title", "Talks of 2026")
        page.fill("#new-actors", "United States, Iran, E3")
        page.fill("#new-issues", "enrichment, sanctions relief")
        page.click("#new-create")
        page.wait_for_selector('#scenarios li.active[data-name="talks-2026"]')
        page.wait_for_selector("table.grid input")
        assert page.locator("table.grid tr").count() == 4  # header + three actors
        assert page.locator("table.grid tr").first.locator("th").count() == 3
        page.screenshot(path=str(SHOTS / "new-scenario-1280.png"), full_page=False)
        assert not errors, errors
    saved = accord.load_scenario(tmp_path / "scn" / "talks-2026.yaml")
    assert [a.name for a in saved.actors] == ["United States", "Iran", "E3"]
    assert all(
        "placeholder" in a.stances["enrichment"].position.evidence.judgement for a in saved.actors
    )
