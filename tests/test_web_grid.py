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
@pytest.mark.parametrize("width", [1280, 800])
def test_new_scenario_wizard_walks_its_steps_and_opens_the_grid(server, tmp_path, width):  # noqa: F811
    """New scenario in steps: name, sources, actors, issues with their deal terms, Create. Next
    lists a step's problems beside their fields (a taken name, a term off its scale); nothing
    is sent before Create; the server's refusal is shown; the file has the sources and the
    labelled terms, every number a placeholder, and its grid opens."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(step: str) -> None:  # the page down to the wizard's end
        box, top = page.locator("#wizard").bounding_box(), page.locator("body").bounding_box()
        clip = {"x": 0, "y": 0, "width": width, "height": box["y"] - top["y"] + box["height"] + 16}
        path = SHOTS / f"new-scenario-{step}-{width}.png"
        page.screenshot(path=str(path), clip=clip, full_page=True)

    def err(at: str) -> str:
        return page.locator(f'#wizard .err[data-err="{at}"]').inner_text()

    with _dashboard(server, width) as (page, errors):
        page.click("#new-scenario")
        page.fill("#new-name", DEFAULT)
        page.click("#new-next")
        assert "exists" in err("name") and "exists" in page.locator("#new-problems").inner_text()
        page.fill("#new-name", "talks-2026")
        page.fill("#new-title", "Talks of 2026")
        shot("1-name")
        page.click("#new-next")
        # sources: every problem of the step at once, then two sources
        page.fill('[data-w="sources.0.id"]', "9 bad")
        page.fill('[data-w="sources.0.date"]', "July")
        page.click("#new-next")
        assert page.locator("#new-problems li").count() == 3  # id, title, date
        assert "title is needed" in err("sources.0.title")
        shot("2-sources-invalid")
        page.fill('[data-w="sources.0.id"]', "lieven2024")  # typing clears that field's problem
        assert page.locator("#new-problems li").count() == 2
        page.fill('[data-w="sources.0.id"]', "lieven2024")
        page.fill('[data-w="sources.0.title"]', "Putin won't get any guarantees")
        page.fill('[data-w="sources.0.author"]', "Anatol Lieven")
        page.fill('[data-w="sources.0.date"]', "2024-11-10")
        page.click("#new-add-source")
        page.fill('[data-w="sources.1.id"]', "memo")
        page.fill('[data-w="sources.1.title"]', "Negotiators' memo")
        page.fill('[data-w="sources.1.url"]', "https://example.org/memo")
        shot("2-sources")
        page.click("#new-next")
        # actors
        page.fill('[data-w="actors.0"]', "United States")
        page.fill('[data-w="actors.1"]', "Iran")
        page.click("#new-add-actor")
        page.fill('[data-w="actors.2"]', "E3")
        shot("3-actors")
        page.click("#new-next")
        # issues and their deal terms: a term off the scale is refused beside its field
        page.fill('[data-w="issues.0.name"]', "enrichment")
        page.fill('[data-w="issues.0.minLabel"]', "no enrichment at all")
        page.fill('[data-w="issues.0.maxLabel"]', "enrichment without limits")
        page.locator("#wizard .new-add-term").first.click()
        page.fill('[data-w="issues.0.terms.0.value"]', "120")
        page.fill('[data-w="issues.0.terms.0.label"]', "3.67 % under inspection")
        page.click("#new-add-issue")
        page.fill('[data-w="issues.1.name"]', "sanctions relief")
        page.fill('[data-w="issues.1.max"]', "10")
        page.fill('[data-w="issues.1.minLabel"]', "every sanction stays")
        page.fill('[data-w="issues.1.maxLabel"]', "every sanction lifted")
        page.click("#new-next")
        assert err("issues.0.terms.0.value") == "must lie on the scale 0..100"
        assert page.locator("#new-problems li").count() == 1
        shot("4-terms-invalid")
        page.fill('[data-w="issues.0.terms.0.value"]', "50")
        shot("4-terms")
        page.click("#new-next")
        summary = page.locator("#wizard .wiz-summary").inner_text()
        assert "0 “no enrichment at all” · 50 “3.67 % under inspection”" in summary
        assert "lieven2024 (Anatol Lieven" in summary
        assert "actors: United States, Iran, E3" in summary
        shot("5-create")
        page.click("#new-back")  # what was typed stays
        assert page.locator('[data-w="issues.1.max"]').input_value() == "10"
        page.click("#new-next")
        assert not (tmp_path / "scn" / "talks-2026.yaml").exists()  # nothing sent yet
        # the server checks again: a file of that name made meanwhile is refused in words
        (tmp_path / "scn").mkdir(exist_ok=True)
        taken = tmp_path / "scn" / "talks-2026.yaml"
        taken.write_text(Path(shipped_scenarios()[DEFAULT]).read_text())
        page.click("#new-create")
        page.locator("#new-problems", has_text="exists").wait_for()
        shot("5-create-refused")
        taken.unlink()
        page.click("#new-create")
        page.wait_for_selector('#scenarios li.active[data-name="talks-2026"]')
        page.wait_for_selector("table.grid input")
        assert page.locator("#wizard").is_hidden()
        assert page.locator("table.grid tr").count() == 4  # header + three actors
        assert page.locator("table.grid tr").first.locator("th").count() == 3
        page.screenshot(path=str(SHOTS / f"new-scenario-grid-{width}.png"), full_page=False)
        assert not errors, errors
    saved = accord.load_scenario(tmp_path / "scn" / "talks-2026.yaml")
    assert saved.metadata.title == "Talks of 2026"
    assert [(s.id, s.author, s.date, s.url) for s in saved.sources] == [
        ("lieven2024", "Anatol Lieven", "2024-11-10", None),
        ("memo", None, None, "https://example.org/memo"),
    ]
    assert [a.name for a in saved.actors] == ["United States", "Iran", "E3"]
    enrichment, sanctions = saved.issues
    assert enrichment.scale.labels == {
        0: "no enrichment at all",
        50: "3.67 % under inspection",
        100: "enrichment without limits",
    }
    assert (sanctions.scale.min, sanctions.scale.max) == (0, 10)
    assert sanctions.scale.labels == {0: "every sanction stays", 10: "every sanction lifted"}
    assert sanctions.status_quo.value == 5
    assert all(
        "placeholder" in a.stances["enrichment"].position.evidence.judgement for a in saved.actors
    )
    text = (tmp_path / "scn" / "talks-2026.yaml").read_text()
    assert "lieven2024" in text and "3.67 % under inspection" in text


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
@pytest.mark.parametrize("width", [1280, 800])
def test_the_run_history_fits_the_page(server, width):  # noqa: F811
    """Runs in the store, then the run-history panel: its table stays within the page (its
    label and note boxes shrink; a narrow page scrolls the table, not the page)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    with _dashboard(server, width) as (page, errors):
        page.click("nav.tabs button[data-tab=results]")
        for kind, params in (
            ("forecast", None),
            ("simulate", '{"draws": 10, "seed": 0, "models": ["compromise"]}'),
            ("forecast", '{"model_params": ["bdm.rounds=1"]}'),
        ):
            page.select_option("#analysis", kind)
            if params:
                page.fill("#params", params)
            page.click("#run")
            page.locator("#job-status", has_text=re.compile(r"^done")).wait_for(timeout=120_000)
        page.click("nav.tabs button[data-tab=runs]")
        rows = page.locator("#runs tr[data-kind]")
        rows.nth(2).wait_for()
        first = rows.first.locator("input.run-label")
        first.fill("baseline, as in the July talks")
        first.dispatch_event("change")
        page.locator("#diff-out", has_text="label saved").wait_for()
        rows.nth(0).locator("input.pick").check()
        rows.nth(2).locator("input.pick").check()
        page.click("#diff")
        page.locator("#diff-out h3", has_text="forecast: run").wait_for()
        page.screenshot(path=str(SHOTS / f"run-history-{width}.png"), full_page=True)
        runs = page.locator("#runs").bounding_box()
        assert runs["x"] >= 0 and runs["x"] + runs["width"] <= width + 1
        for button in page.locator("#runs button.reopen").all():
            box = button.bounding_box()
            assert box["x"] + box["width"] <= runs["x"] + runs["width"] + 1, "a button is cut off"
        assert not errors, errors
