"""The team review in a real browser, two people on one team server: an analyst edits a number,
a reviewer objects with another value and a quote, the analyst answers, the reviewer resolves
and signs off; the brief shows the sign-off and the remaining dispute; the thread stays with its
number when the number is edited again. Screenshots of each step go to /tmp/review_shots."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import accord
from accord.scenario import shipped_scenarios

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NAME = "team-ukraine"
SAL = "actor:russia/issue:nato/salience"
CAP = "actor:russia/capability"
SHOTS = Path("/tmp/review_shots")
SECRETS = {"ana": "ana-secret-1", "rob": "rob-secret-1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def team_server(tmp_path):
    folder = tmp_path / "scn"
    folder.mkdir()
    shutil.copy(shipped_scenarios()["ukraine-2025-07"], folder / f"{NAME}.yaml")
    users = tmp_path / "team.toml"
    users.write_text(
        f'[[user]]\nname = "ana"\nrole = "analyst"\nsecret = "{SECRETS["ana"]}"\n'
        f'[[user]]\nname = "rob"\nrole = "reviewer"\nsecret = "{SECRETS["rob"]}"\n',
        encoding="utf-8",
    )
    port = _free_port()
    env = {**os.environ, "ACCORD_DB": f"sqlite:///{tmp_path / 'runs.sqlite'}"}
    cmd = [sys.executable, "-m", "accord", "serve", "--port", str(port), "--folder", str(folder)]
    proc = subprocess.Popen(
        [*cmd, "--users", str(users)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", folder
    proc.terminate()
    proc.wait(10)


def _sign_in(browser, url: str, name: str):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    if name == "rob":  # the sign-in form
        page.goto(url + "/")
        page.fill("input[name=user]", name)
        page.fill("input[name=token]", SECRETS[name])
        page.click("form button")
    else:  # the URL an admin may hand out
        page.goto(f"{url}/?user={name}&token={SECRETS[name]}")
    page.locator(f'#scenarios li[data-name="{NAME}"]').click()
    page.wait_for_selector(f'#scenarios li.active[data-name="{NAME}"]')
    page.wait_for_selector(f'button.discuss[data-address="{SAL}"]')
    return page, errors


def _shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _thread(page, address: str):
    return page.locator(f'.rv-thread[data-address="{address}"]')


def _review_tab(page) -> None:
    page.click('nav.tabs button[data-tab="review"]')
    page.wait_for_selector("#tab-review .rv-statusbox")


def _start_thread(page, address, kind, text, proposed, **evidence) -> None:
    page.click('nav.tabs button[data-tab="editor"]')
    page.locator(f'button.discuss[data-address="{address}"]').click()
    form = page.locator(".rv-new .rv-form")
    form.wait_for()
    form.locator(".rv-kind").select_option(kind)
    form.locator(".rv-text").fill(text)
    form.locator(".rv-proposed").fill(str(proposed))
    for k, v in evidence.items():
        form.locator(f".rv-{k}").fill(v)
    form.locator(".rv-send").click()
    _thread(page, address).wait_for()


def _answer(page, address, kind, text) -> None:
    box = _thread(page, address)
    n = box.locator(".rv-post").count()
    box.locator(".rv-kind").select_option(kind)
    box.locator(".rv-text").fill(text)
    box.locator(".rv-send").click()
    _thread(page, address).locator(".rv-post").nth(n).wait_for()


def _set_number(page, place: str, value: str) -> None:
    page.click('nav.tabs button[data-tab="editor"]')
    box = page.locator(f'input[data-path="{place}"]')
    box.fill(value)
    box.dispatch_event("change")
    # the status line flips from "saved" to "valid" once the debounced check returns: wait for
    # the save itself
    with page.expect_response(
        lambda r: r.request.method == "PUT" and "/api/scenarios/" in r.url
    ) as got:
        page.click("#save")
    assert got.value.ok


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_two_people_review_a_number_and_sign_off(team_server):
    url, folder = team_server
    SHOTS.mkdir(exist_ok=True)
    scn = accord.load_scenario(folder / f"{NAME}.yaml")
    russia = scn.actor_ids.index("russia")
    place = f"actors[{russia}].stances.nato.salience.value"
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        ana, ana_errors = _sign_in(browser, url, "ana")
        rob, rob_errors = _sign_in(browser, url, "rob")
        # 1. the analyst edits a number
        _set_number(ana, place, "0.85")
        _shot(ana, "1-analyst-edits")
        # 2. the reviewer objects with another value and a quote; and disputes a second number
        rob.reload()
        rob.locator(f'#scenarios li[data-name="{NAME}"]').click()
        rob.wait_for_selector(f'button.discuss[data-address="{SAL}"]')
        _start_thread(
            rob,
            SAL,
            "object",
            "Keeping NATO out is the war aim: 0.85 understates it",
            0.95,
            source="secondround2025",
            quote="the establishment of a buffer zone to impede NATO expansion",
        )
        _shot(rob, "2-reviewer-objects")
        _start_thread(rob, CAP, "object", "Attrition has cut this", 75, judgement="losses")
        # the analyst may not sign off, and is offered no button for it
        _review_tab(ana)
        assert ana.locator("#rv-sign-off").count() == 0
        # 3. the analyst answers
        _answer(ana, SAL, "comment", "0.85 because Istanbul 2022 left room on NATO")
        _shot(ana, "3-analyst-answers")
        # 4. the reviewer resolves and signs off
        _review_tab(rob)
        _answer(rob, SAL, "resolve", "Fair: the Istanbul draft is the evidence")
        _thread(rob, SAL).locator(".rv-status", has_text="resolved by rob").wait_for()
        rob.click("#rv-sign-off")
        rob.locator(".rv-version", has_text="signed off by rob").wait_for()
        assert CAP in rob.locator(".rv-disputes").inner_text()
        assert SAL not in rob.locator(".rv-disputes").inner_text()
        _shot(rob, "4-reviewer-signs-off")
        # a reviewer runs analyses on the scenario as it is (nothing to save, nothing refused)
        rob.click('nav.tabs button[data-tab="results"]')
        rob.select_option("#analysis", "forecast")
        rob.click("#run")
        rob.locator("#job-status", has_text="done").wait_for(timeout=60_000)
        _review_tab(rob)
        # 5. the brief shows the sign-off and the remaining dispute, with its effect
        with rob.expect_popup() as popup:
            rob.click("#rv-brief")
        brief = popup.value
        deadline = time.time() + 180
        while True:  # the waiting page reloads itself until the brief is built
            try:
                if "Review status" in brief.content():
                    break
            except sync_api.Error:
                pass
            assert time.time() < deadline, "the brief did not arrive"
            time.sleep(0.5)
        brief.set_viewport_size({"width": 1280, "height": 900})
        section = brief.locator("h2#review + p")
        assert "Signed off by rob" in section.inner_text()
        disputes = brief.locator("table.disputes")
        assert disputes.locator("tr").count() == 2  # the head and the one open dispute
        row = disputes.locator("tr").nth(1).inner_text()
        assert CAP in row and "75" in row and "rob" in row and "swing" in row
        brief.locator("h2#review").scroll_into_view_if_needed()
        brief.screenshot(path=str(SHOTS / "5-brief-review-status.png"))
        # 6. the analyst edits the number again: the thread stays with it and says so
        _set_number(ana, place, "0.7")
        _review_tab(ana)
        note = _thread(ana, SAL).locator(".rv-changed")
        assert note.inner_text() == "the number changed from 0.85 to 0.7 since this was posted"
        assert "earlier version was signed off by rob" in ana.locator(".rv-version").inner_text()
        _shot(ana, "6-thread-after-edit")
        ana.click('nav.tabs button[data-tab="editor"]')
        button = ana.locator(f'button.discuss[data-address="{SAL}"]')
        assert button.inner_text() == "discuss · 1"  # one thread, resolved
        assert (
            ana.locator(f'button.discuss[data-address="{CAP}"]').inner_text() == "discuss · 1 open"
        )
        button.scroll_into_view_if_needed()
        _shot(ana, "6b-editor-discuss-buttons")
        # the activity view says who did what
        _review_tab(ana)
        acts = ana.locator(".rv-activity").inner_text()
        for who, what in (("ana", "save"), ("rob", "object"), ("ana", "comment")):
            assert f"{who}\t{what}" in acts
        assert "rob\tsign_off" in acts and "rob\tresolve" in acts
        ana.locator(".rv-activity").scroll_into_view_if_needed()
        _shot(ana, "7-activity")
        # 7. the reviewer gives their own value and range; the analyst makes it the uncertainty
        rob.click('nav.tabs button[data-tab="editor"]')
        rob.locator(f'button.discuss[data-address="{SAL}"]').click()
        rob.locator(".rv-v-value").fill("0.9")
        rob.locator(".rv-v-low").fill("0.75")
        rob.locator(".rv-v-high").fill("1")
        rob.click(".rv-give")
        rob.locator(f'.rv-views tr[data-address="{SAL}"]').wait_for()
        _review_tab(ana)
        version = ana.locator(".rv-version").inner_text().split(":")[0]
        ana.locator(f'.rv-views tr[data-address="{SAL}"] .rv-adopt').click()
        ana.locator("#rv-say", has_text="is now its uncertainty").wait_for()
        # the adopted panel is a new version of the scenario, and the tab says so
        assert ana.locator(".rv-version").inner_text().split(":")[0] != version
        ana.locator(".rv-views").scroll_into_view_if_needed()
        _shot(ana, "8-panel-adopted")
        browser.close()
    unc = accord.load_scenario(folder / f"{NAME}.yaml").actor("russia").stances["nato"]
    assert unc.salience.uncertainty.shape == "panel"
    assert [(v.by, v.value, v.low, v.high) for v in unc.salience.uncertainty.panel] == [
        ("rob", 0.9, 0.75, 1.0)
    ]
    assert not ana_errors and not rob_errors, ana_errors + rob_errors
