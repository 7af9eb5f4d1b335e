"""Issue 18, first proof: a page served on another port, opened in a real Chromium that holds
the dashboard's session cookie, tries to overwrite a scenario and start jobs; nothing happens.

Another port on 127.0.0.1 is *same-site* for the browser, so the ``SameSite=Strict`` cookie
does go along: what refuses these requests is the ``Sec-Fetch-Site`` / ``Origin`` check.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from accord.scenario import shipped_scenarios

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOKEN = "cross-origin-test-token"
SCENARIO = Path(shipped_scenarios()["eu-emissions-1994"]).read_text()

EVIL = """<!doctype html><title>loading</title><script>
const A = "{dashboard}";
const forged = {forged};
async function attack() {{
  const opts = {{mode: "no-cors", credentials: "include"}};
  const tries = [];
  const fd = new FormData();
  fd.append("file", new Blob([forged]), "victim.yaml");
  tries.push(fetch(A + "/api/upload?overwrite=true", {{...opts, method: "POST", body: fd}}));
  for (const kind of ["forecast", "simulate", "bargain", "process", "sensitivity"]) {{
    tries.push(fetch(A + "/api/scenarios/victim/run/" + kind, {{...opts, method: "POST"}}));
  }}
  tries.push(fetch(A + "/api/scenarios/victim/run/forecast", {{
    ...opts, method: "POST", headers: {{"Content-Type": "text/plain"}}, body: "{{}}"}}));
  await Promise.allSettled(tries);
  document.title = "sent";
}}
attack();
</script>"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int) -> None:
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port}")


@pytest.fixture
def dashboard(tmp_path):
    folder = tmp_path / "scn"
    folder.mkdir()
    (folder / "victim.yaml").write_text(SCENARIO)
    port = _free_port()
    env = {
        **os.environ,
        "ACCORD_DB": f"sqlite:///{tmp_path / 'runs.sqlite'}",
        "ACCORD_TOKEN": TOKEN,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "accord", "serve", "--port", str(port), "--folder", str(folder)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_port(port)
        yield f"http://127.0.0.1:{port}", folder
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def evil_site(tmp_path, dashboard):
    url, _ = dashboard
    root = tmp_path / "evil"
    root.mkdir()
    forged = SCENARIO.replace("title:", "title: Hijacked", 1)  # a valid scenario, retitled
    (root / "index.html").write_text(EVIL.format(dashboard=url, forged=json.dumps(forged)))
    handler = lambda *a, **kw: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *a, directory=str(root), **kw
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_page_on_another_port_cannot_overwrite_or_start_jobs(dashboard, evil_site):
    sync_api = pytest.importorskip("playwright.sync_api")
    url, folder = dashboard
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/?token={TOKEN}")  # the analyst's own visit: the session cookie is set
        assert any(c["name"].startswith("accord") for c in context.cookies(url))
        attacker = context.new_page()
        attacker.goto(evil_site)
        attacker.wait_for_function("document.title === 'sent'", timeout=20_000)
        browser.close()
    time.sleep(1.0)  # a job that had been accepted would have recorded its run by now
    assert (folder / "victim.yaml").read_text() == SCENARIO
    assert not list(folder.glob("*.bak"))
    req = urllib.request.Request(f"{url}/api/runs", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.read() == b"[]", "a forged request started a job"
