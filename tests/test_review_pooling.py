"""Elicitation that feeds the model: three reviewers' ranges on a salience become its
uncertainty, and the Monte Carlo spread follows the linear opinion pool ([Stone1961]): each
reviewer's view a triangular distribution on their range with its mode at their value, pooled
with equal weights, F(x) = (F_1(x) + F_2(x) + F_3(x)) / 3 (docs/review.md)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

pytest.importorskip("fastapi", reason="the web extra is not installed")
from fastapi.testclient import TestClient  # noqa: E402
from scipy import optimize, stats  # noqa: E402

import accord  # noqa: E402
from accord.simulation import simulate  # noqa: E402
from accord.simulation.sampling import sample  # noqa: E402
from accord.web.app import create_app  # noqa: E402
from accord.web.users import Team, User, hash_secret  # noqa: E402

ADDRESS = "actor:a/issue:x/salience"
#: (reviewer, value, low, high) of the salience of A on x
VIEWS = [("rita", 0.2, 0.1, 0.4), ("sam", 0.5, 0.3, 0.6), ("tove", 0.8, 0.6, 0.95)]
SCENARIO = {
    "accord": 1,
    "metadata": {"title": "pooling"},
    "issues": [{"id": "x", "question": "?", "scale": {"min": 0, "max": 100}}],
    "actors": [
        {
            "id": "a",
            "name": "A",
            "capability": 1,
            "stances": {"x": {"position": 30, "salience": 0.5}},
        },
        {
            "id": "b",
            "name": "B",
            "capability": 1,
            "stances": {"x": {"position": 90, "salience": 1}},
        },
    ],
}
QS = np.array([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95])
DRAWS = 6000


def pool_quantiles(views, qs):
    """The equal-weight pool's quantiles, computed apart from accord: scipy's triangular CDFs
    averaged, inverted with Brent's method."""

    def cdf(x):
        return np.mean(
            [
                stats.triang.cdf(x, (m - lo) / (hi - lo), loc=lo, scale=hi - lo)
                for _, m, lo, hi in views
            ]
        )

    lo, hi = min(v[2] for v in views), max(v[3] for v in views)
    return np.array([optimize.brentq(lambda x, q=q: cdf(x) - q, lo, hi, xtol=1e-12) for q in qs])


@pytest.fixture
def client(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "pool.yaml").write_text(yaml.safe_dump(SCENARIO, sort_keys=False), encoding="utf-8")
    users = [User("ana", "analyst", hash_secret("ana-secret"))]
    users += [User(name, "reviewer", hash_secret(f"{name}-secret")) for name, *_ in VIEWS]
    app = create_app(folder, db=f"sqlite:///{tmp_path / 'runs.sqlite'}", team=Team(users))
    with TestClient(app, base_url="http://127.0.0.1") as c:
        c.folder = folder
        yield c


def _as(name):
    return {"Authorization": f"Bearer {name}:{name}-secret"}


def test_three_reviewers_ranges_become_the_salience_uncertainty(client):
    before = accord.load_scenario(client.folder / "pool.yaml")
    spread_before = simulate(before, DRAWS, seed=3, models=["compromise"]).forecasts[:, 0, 0]
    assert np.ptp(spread_before) == 0  # a number without a range: no spread at all

    for name, value, low, high in VIEWS:
        r = client.put(
            "/api/review/pool/views",
            json={
                "address": ADDRESS,
                "value": value,
                "low": low,
                "high": high,
                "evidence": {"source": "an-op-ed", "quote": "they will not budge"}
                if name == "rita"
                else {"judgement": f"{name}'s reading of the talks"},
            },
            headers=_as(name),
        )
        assert r.status_code == 200, r.text
    r = client.post("/api/review/pool/adopt-panel", json={"address": ADDRESS}, headers=_as("ana"))
    assert r.status_code == 200, r.text
    assert r.json()["reviewers"] == ["rita", "sam", "tove"]
    assert (r.json()["low"], r.json()["high"]) == (0.1, 0.95)

    # the YAML is the single source of truth: the file itself now carries the panel
    after = accord.load_scenario(client.folder / "pool.yaml")
    unc = after.actors[0].stances["x"].salience.uncertainty
    assert unc.shape == "panel" and [v.by for v in unc.panel] == ["rita", "sam", "tove"]
    assert after.actors[0].stances["x"].salience.value == 0.5  # the analyst's value stays
    # a quote from a source the scenario does not list is kept as a judgement citing it
    assert unc.panel[0].evidence.judgement == "rita quotes an-op-ed: “they will not budge”"

    # the draws of the salience follow the pool's quantiles
    want = pool_quantiles([(n, v, lo, hi) for n, v, lo, hi in VIEWS], QS)
    drawn = sample(after, DRAWS, seed=3).salience[:, 0, 0]
    np.testing.assert_allclose(np.quantile(drawn, QS), want, atol=0.02)

    # and so does the Monte Carlo spread of the forecast: the compromise of A (salience s,
    # position 30) and B (salience 1, position 90), equal capabilities, is (30 s + 90)/(s + 1),
    # falling in s, so its q-quantile is that of the salience's (1 - q)-quantile
    fc = simulate(after, DRAWS, seed=3, models=["compromise"]).forecasts[:, 0, 0]
    s = pool_quantiles([(n, v, lo, hi) for n, v, lo, hi in VIEWS], 1 - QS)
    np.testing.assert_allclose(np.quantile(fc, QS), (30 * s + 90) / (s + 1), atol=0.3)
    assert np.quantile(fc, 0.95) - np.quantile(fc, 0.05) > 5  # a real spread now


def test_adopting_needs_views_and_the_edit_right(client):
    r = client.post("/api/review/pool/adopt-panel", json={"address": ADDRESS}, headers=_as("ana"))
    assert r.status_code == 404 and "no reviewer gave a value" in r.json()["detail"]
    r = client.post("/api/review/pool/adopt-panel", json={"address": ADDRESS}, headers=_as("sam"))
    assert r.status_code == 403
