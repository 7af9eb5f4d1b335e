"""Attacks on the dashboard that must be refused (and the guards that refuse them)."""

from __future__ import annotations

import asyncio
import http.client
import socket
import threading
import time
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient

import accord
from accord.web import app as app_module
from accord.web.app import create_app
from accord.web.jobs import JobQueue, QueueFull

DEFAULT = "ukraine-2025"
BASE = "http://127.0.0.1:8765"
SCENARIO_TEXT = Path(accord.scenario.shipped_scenarios()["eu-emissions-1994"]).read_text()


@pytest.fixture
def app(tmp_path):
    return create_app(
        tmp_path / "scenarios",
        db=f"sqlite:///{tmp_path / 'secret-store.sqlite'}",
        max_upload=64 * 1024,
    )


@pytest.fixture
def anon(app):
    """A client with no token and no cookie."""
    with TestClient(app, base_url=BASE) as c:
        yield c


@pytest.fixture
def client(app):
    """A client that exchanged the token for the session cookie, as a browser does."""
    with TestClient(app, base_url=BASE) as c:
        r = c.get(f"/?token={app.state.token}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/"
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert app.state.token not in r.headers["set-cookie"]  # the cookie is not the token
        yield c


def _wait(client, job_id, states=("done", "failed", "cancelled"), timeout=60.0):
    t0 = time.time()
    while time.time() - t0 < timeout:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in states:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job did not reach {states}")


# -- the token ---------------------------------------------------------------------------------
def test_requests_without_token_or_cookie_are_refused(anon):
    for method, path in (
        ("GET", "/"),
        ("GET", "/api/scenarios"),
        ("GET", "/static/app.js"),
        ("GET", "/openapi.json"),
        ("POST", "/api/validate"),
        ("PUT", "/api/scenarios/x"),
        ("POST", f"/api/scenarios/{DEFAULT}/run/forecast"),
    ):
        r = anon.request(method, path, json={})
        assert r.status_code in (401, 403), (method, path, r.status_code)


def test_token_is_required_even_on_loopback(tmp_path):
    app = create_app(tmp_path)
    assert len(app.state.token) >= 32
    with TestClient(app, base_url="http://localhost") as c:
        assert c.get("/api/scenarios").status_code == 401
        auth = {"Authorization": f"Bearer {app.state.token}"}
        assert c.get("/api/scenarios", headers=auth).status_code == 200


def test_wrong_and_non_ascii_tokens_give_401_not_500(anon, app):
    for bad in ("wrong", "tökén-ü", "\u2603" * 40, app.state.token + "x", ""):
        r = anon.get("/api/scenarios", headers={"Authorization": f"Bearer {bad}".encode()})
        assert r.status_code == 401, bad
        r = anon.get("/", params={"token": bad})
        assert r.status_code == 401, bad
        r = anon.get("/api/scenarios", headers={"Cookie": b"accord_session=" + bad.encode()})
        assert r.status_code == 401, bad
    r = anon.get("/api/scenarios", headers={"Cookie": b'accord_session=\xff\xfe; bad="\\'})
    assert r.status_code == 401


def test_token_in_query_string_is_refused_after_the_exchange(client, app):
    assert client.get("/api/scenarios").status_code == 200  # the cookie works
    token = app.state.token
    # with the cookie, a query-string token is refused on the API ...
    assert client.get(f"/api/scenarios?token={token}").status_code == 401
    assert client.post(f"/api/validate?token={token}", json={}).status_code == 401
    # ... and it is not taken again on the page: the page just drops it
    r = client.get(f"/?token={token}", follow_redirects=False)
    assert r.status_code == 303 and "set-cookie" not in r.headers
    # without the cookie, a query-string token works nowhere but the exchange on "/"
    with TestClient(app, base_url=BASE) as fresh:
        assert fresh.get(f"/api/scenarios?token={token}").status_code == 401
        assert fresh.get(f"/api/runs?token={token}").status_code == 401


def test_bearer_header_works_without_cookie(anon, app):
    auth = {"Authorization": f"Bearer {app.state.token}"}
    assert anon.post("/api/validate", json={}, headers=auth).status_code == 200


# -- cross-site and cross-origin requests -------------------------------------------------------
def test_cross_origin_post_is_refused(client):
    for origin in ("http://127.0.0.1:9999", "http://evil.example", "null", "http://localhost:8765"):
        r = client.post("/api/validate", json={}, headers={"Origin": origin})
        assert r.status_code == 403, origin
    r = client.put("/api/scenarios/x", json={}, headers={"Origin": "http://127.0.0.1:1"})
    assert r.status_code == 403
    r = client.post("/api/validate", json={}, headers={"Origin": BASE})
    assert r.status_code == 200  # the dashboard's own origin


def test_sec_fetch_site_cross_site_is_refused(client):
    for site in ("cross-site", "same-site"):  # same-site: another port on the same host
        r = client.post("/api/validate", json={}, headers={"Sec-Fetch-Site": site})
        assert r.status_code == 403, site
        r = client.post(f"/api/scenarios/{DEFAULT}/run/forecast", headers={"Sec-Fetch-Site": site})
        assert r.status_code == 403, site
    r = client.post("/api/validate", json={}, headers={"Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 200


def test_foreign_host_header_is_refused(client, app):
    auth = {"Authorization": f"Bearer {app.state.token}"}
    for host in ("evil.example", "attacker.com:8765", "127.0.0.1.evil.example"):
        r = client.get("/api/scenarios", headers={"Host": host, **auth})
        assert r.status_code == 400, host
    for host in ("localhost:8765", "127.0.0.1", "[::1]:8765"):
        assert client.get("/api/scenarios", headers={"Host": host, **auth}).status_code == 200, host


def test_security_headers_on_every_response(client, anon):
    for r in (
        client.get("/"),
        client.get("/api/scenarios"),
        anon.get("/api/scenarios"),
        client.get("/api/scenarios", headers={"Host": "evil.example"}),
        client.get("/api/scenarios/nope"),
    ):
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
    page = client.get("/").text
    assert "<script src=" in page and "<script>" not in page  # the page needs no inline script
    assert client.get("/docs").status_code == 404  # the CDN-loading API docs page is off


# -- bounded work ------------------------------------------------------------------------------
def test_oversized_parameters_get_422_with_a_message(client):
    r = client.post(f"/api/scenarios/{DEFAULT}/run/simulate", json={"draws": 1e9})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail[0]["loc"][-1] == "draws" and "less than or equal to 20000" in detail[0]["msg"]
    for kind, params in (
        ("process", {"runs": 10**7}),
        ("process", {"month": -1}),
        ("bargain", {"resolution": 10**6}),
        ("bargain", {"months": 0}),
        ("sensitivity", {"top": 10**6}),
        ("forecast", {"seed": -1}),
        ("simulate", {"models": ["x"] * 1000}),
        ("forecast", {"nope": 1}),
    ):
        r = client.post(f"/api/scenarios/{DEFAULT}/run/{kind}", json=params)
        assert r.status_code == 422, (kind, params)
        assert r.json()["detail"][0]["msg"], (kind, params)
    schema = client.get("/api/analyses/schema").json()
    assert schema["simulate"]["properties"]["draws"]["maximum"] == 20000


def test_negative_seed_on_the_brief_gives_422(client):
    r = client.get(f"/api/scenarios/{DEFAULT}/brief", params={"seed": -1})
    assert r.status_code == 422 and "greater than or equal to 0" in r.text
    assert client.get(f"/api/scenarios/{DEFAULT}/brief", params={"seed": 2**40}).status_code == 422
    assert client.get("/api/runs", params={"limit": -5}).status_code == 422


def test_100_mb_json_body_is_refused_before_it_is_read(client):
    body = b"[" + b"1," * (50 * 1024 * 1024) + b"1]"
    t0 = time.perf_counter()
    r = client.post("/api/validate", content=body, headers={"content-type": "application/json"})
    elapsed = time.perf_counter() - t0
    assert r.status_code == 413 and "limited to" in r.json()["detail"]
    assert elapsed < 3.0, f"took {elapsed:.2f} s: the body was read"


def test_chunked_body_without_content_length_is_cut_off(client):
    def chunks():
        for _ in range(40):
            yield b"x" * 16 * 1024

    r = client.post(
        "/api/upload",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=zz"},
    )
    assert r.status_code == 413 and "request bodies are limited" in r.json()["detail"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_chunked_upload_to_a_real_server_gets_413(tmp_path):
    """Over a real socket (uvicorn): a chunked body with no Content-Length, over the limit."""
    uvicorn = pytest.importorskip("uvicorn")
    app = create_app(tmp_path / "scn", db=f"sqlite:///{tmp_path / 'r.sqlite'}", max_upload=4096)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.putrequest("POST", "/api/upload")
        conn.putheader("Authorization", f"Bearer {app.state.token}")
        conn.putheader("Content-Type", "multipart/form-data; boundary=zz")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        head = b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.yaml"\r\n\r\n'
        try:
            for piece in [head] + [b"#" * 8192] * 64:
                conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
            conn.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole body was sent
        r = conn.getresponse()
        assert r.status == 413 and b"request bodies are limited" in r.read()
        conn.close()
    finally:
        server.should_exit = True
        thread.join(10)


def test_upload_parsing_runs_off_the_event_loop(client, monkeypatch):
    seen = []

    def spy(data, filename):
        try:
            asyncio.get_running_loop()
            seen.append("on the event loop")
        except RuntimeError:
            seen.append("in a worker thread")
        return original(data, filename)

    original = app_module.parse_upload
    monkeypatch.setattr(app_module, "parse_upload", spy)
    files = {"file": ("eu.yaml", SCENARIO_TEXT.encode(), "application/x-yaml")}
    r = client.post("/api/upload", files=files)
    assert r.status_code == 200 and seen == ["in a worker thread"]


def test_job_pool_is_bounded():
    release = threading.Event()
    running, peak, lock = [0], [0], threading.Lock()

    def work(job):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(10)
        with lock:
            running[0] -= 1
        return 1

    q = JobQueue(2, max_queued=2, time_limit=None)
    jobs = [q.submit("t", "s", work) for _ in range(4)]
    with pytest.raises(QueueFull):
        q.submit("t", "s", work)
    time.sleep(0.2)
    assert [j.status for j in jobs].count("running") == 2
    release.set()
    for _ in range(100):
        if all(j.status == "done" for j in jobs):
            break
        time.sleep(0.05)
    assert all(j.status == "done" for j in jobs) and peak[0] == 2
    q.shutdown()


def test_job_time_limit_stops_a_job():
    def work(job):
        while True:
            job.report(0.5, "working")
            time.sleep(0.01)

    q = JobQueue(1, time_limit=0.2)
    job = q.submit("t", "s", work)
    for _ in range(100):
        if job.status == "failed":
            break
        time.sleep(0.05)
    assert job.status == "failed" and "time limit" in job.error
    q.shutdown()


def test_queue_full_gives_429(tmp_path):
    app = create_app(
        tmp_path / "s", db=f"sqlite:///{tmp_path / 'r.sqlite'}", workers=1, max_queued=0
    )
    with TestClient(
        app, base_url=BASE, headers={"Authorization": f"Bearer {app.state.token}"}
    ) as c:
        first = c.post(f"/api/scenarios/{DEFAULT}/run/simulate", json={"draws": 20000}).json()
        r = c.post(f"/api/scenarios/{DEFAULT}/run/forecast")
        assert r.status_code == 429 and "waiting" in r.json()["detail"]
        c.post(f"/api/jobs/{first['id']}/cancel")
        assert _wait(c, first["id"])["status"] == "cancelled"


def test_job_cancel_works(client):
    job = client.post(f"/api/scenarios/{DEFAULT}/run/simulate", json={"draws": 20000}).json()
    _wait(client, job["id"], states=("running",))
    t0 = time.time()
    r = client.post(f"/api/jobs/{job['id']}/cancel")
    assert r.status_code == 200
    done = _wait(client, job["id"], timeout=30)
    assert done["status"] == "cancelled" and done["result"] is None
    assert time.time() - t0 < 30
    runs = {r["id"]: r for r in client.get("/api/runs").json()}
    assert runs[done["run_id"]]["status"] == "failed"  # recorded, never as a finished run
    assert client.post("/api/jobs/nosuchjob/cancel").status_code == 404


# -- no leaks ----------------------------------------------------------------------------------
def test_unknown_run_404_does_not_show_the_store_url(client):
    r = client.get("/api/runs/abcdef/diff/abcdef0")
    assert r.status_code == 404
    assert "secret-store" not in r.text and "sqlite" not in r.text


def test_like_wildcards_in_run_ids_match_nothing(client):
    job = _wait(client, client.post(f"/api/scenarios/{DEFAULT}/run/forecast").json()["id"])
    assert job["status"] == "done"
    for prefix in ("%25", "_", "%25%25", "a%25"):
        r = client.get(f"/api/runs/{prefix}/diff/{prefix}")
        assert r.status_code in (404, 422), prefix
    assert client.get(f"/api/runs/{job['run_id']}/diff/{job['run_id'][:6]}").status_code == 200


# -- uploads and saves never lose a scenario ---------------------------------------------------
def test_upload_does_not_overwrite_without_the_flag_and_keeps_a_backup(client, app, tmp_path):
    folder = tmp_path / "scenarios"
    files = {"file": ("eu.yaml", SCENARIO_TEXT.encode(), "application/x-yaml")}
    assert client.post("/api/upload", files=files).status_code == 200
    first = (folder / "eu.yaml").read_text()
    changed = yaml.safe_load(SCENARIO_TEXT)
    changed["metadata"]["title"] = "Changed"
    files2 = {"file": ("eu.yaml", yaml.safe_dump(changed).encode(), "application/x-yaml")}
    r = client.post("/api/upload", files=files2)
    assert r.status_code == 409 and "overwrite=true" in r.json()["detail"]
    assert (folder / "eu.yaml").read_text() == first
    r = client.post("/api/upload", params={"overwrite": "true"}, files=files2)
    assert r.status_code == 200 and r.json()["title"] == "Changed"
    backups = sorted(folder.glob("eu.yaml.*.bak"))
    assert len(backups) == 1 and backups[0].read_text() == first
    # a save from the editor replaces the file too, and keeps the version before it
    scn = client.get("/api/scenarios/eu").json()
    assert client.put("/api/scenarios/eu", json=scn).json()["valid"] is True
    assert len(sorted(folder.glob("eu.yaml.*.bak"))) == 2
    assert [s["name"] for s in client.get("/api/scenarios").json()].count("eu") == 1


def test_yaml_alias_bomb_and_zip_bomb_uploads_are_refused(client):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 20)]
    bomb = ("\n".join(lines) + "\n").encode()
    t0 = time.perf_counter()
    r = client.post("/api/upload", files={"file": ("bomb.yaml", bomb, "application/x-yaml")})
    assert r.status_code == 422 and "aliases" in r.json()["detail"]
    assert time.perf_counter() - t0 < 5
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_BZIP2) as z:
        z.writestr("xl/big.xml", b"\0" * (80 * 1024 * 1024))
    assert len(buf.getvalue()) < 64 * 1024
    files = {"file": ("zip.xlsx", buf.getvalue(), "application/octet-stream")}
    r = client.post("/api/upload", files=files)
    assert r.status_code == 413 and "unpacks" in r.json()["detail"]


def test_a_real_workbook_still_uploads(client):
    from accord.io.xlsx import scenario_to_xlsx_bytes

    data = scenario_to_xlsx_bytes(accord.load_scenario("eu-emissions-1994"))
    files = {"file": ("eu-book.xlsx", data, "application/octet-stream")}
    r = client.post("/api/upload", files=files)
    assert r.status_code == 200 and r.json()["name"] == "eu-book"
