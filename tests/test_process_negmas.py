"""Boulware against Conceder agrees with NegMAS's SAO mechanism, offer for offer.

The fixture was generated once with NegMAS (named with its version in the file) in a
throw-away environment outside the project; NegMAS is AGPL and is neither imported nor a
dependency. The fixture spells out the 3-issue, 1000-outcome domain (weights and value tables
as exact floats) and NegMAS's conventions, so this test rebuilds the same domain.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import FIXTURES

from accord.process import CURVES, OutcomeSpace, TimeDependent, alternating_offers

FIX = json.loads((FIXTURES / "negmas_sao_boulware_conceder.json").read_text())


def _utility(spec: dict) -> np.ndarray:
    w, v = np.array(spec["weights"]), np.array(spec["tables"])
    a, b, c = np.meshgrid(range(10), range(10), range(10), indexing="ij")  # index = 100a + 10b + c
    return (w[0] * v[0][a] + w[1] * v[1][b] + w[2] * v[2][c]).ravel()


U = np.stack([_utility(FIX["domain"]["boulware"]), _utility(FIX["domain"]["conceder"])], axis=1)


def _index(outcome) -> int:
    return 100 * outcome[0] + 10 * outcome[1] + outcome[2]


@pytest.mark.reference
def test_fixture_names_negmas_and_its_domain():
    assert FIX["negmas_version"] and "NegMAS" in FIX["source"]
    assert U.shape == (1000, 2)
    assert len(np.unique(U[:, 0])) == 1000 and len(np.unique(U[:, 1])) == 1000  # no ties


@pytest.mark.reference
@pytest.mark.parametrize(
    "case",
    FIX["cases"],
    ids=lambda c: f"{c['first']}-first-{c['n_steps']}steps-rv{c['reserved_value']['boulware']}",
)
def test_boulware_against_conceder_matches_negmas(case):
    names = [case["first"], "conceder" if case["first"] == "boulware" else "boulware"]
    cols = [0 if nm == "boulware" else 1 for nm in names]
    space = OutcomeSpace(U[:, cols], np.array([case["reserved_value"][nm] for nm in names]))
    res = alternating_offers(
        space,
        [TimeDependent(beta=CURVES[nm]) for nm in names],
        rounds=case["n_steps"],
        tolerance=FIX["conventions"]["tolerance"],
        trace=True,
    )
    # agreement reached, agreed outcome, step
    assert bool(res.agreed[0]) == (case["agreement"] is not None)
    if case["agreement"] is not None:
        assert int(res.package[0]) == case["agreement_index"] == _index(case["agreement"])
        assert int(res.round[0]) == case["agreement_step"]
        for nm, col in (("boulware", 0), ("conceder", 1)):
            assert U[res.package[0], col] == pytest.approx(case["agreement_utility"][nm], abs=1e-12)
    else:
        assert case["timedout"] and res.package[0] == -1
    # offer for offer (NegMAS's trace lists the agreed offer at the agreement's step and omits
    # the last offer after a timeout; see the fixture's conventions)
    ours = [(t.round, names[t.actor], int(t.offer[0])) for t in res.trace if t.offer[0] >= 0]
    theirs = [(e["step"], e["proposer"], _index(e["outcome"])) for e in case["trace"]]
    assert [(a, o) for _, a, o in ours[: len(theirs)]] == [(a, o) for _, a, o in theirs]
    assert [s for s, _, _ in ours[: len(theirs) - 1]] == [s for s, _, _ in theirs[:-1]]
    if case["agreement"] is not None:
        assert len(ours) == len(theirs) and theirs[-1][0] == case["agreement_step"]
    else:
        assert len(ours) == len(theirs) + 1


@pytest.mark.reference
def test_batch_of_runs_reproduces_each_single_negotiation():
    """The same fixture cases as one batch with a utility matrix per run (lock-step arrays)."""
    cases = [c for c in FIX["cases"] if c["first"] == "boulware"]
    steps = {c["n_steps"] for c in cases}
    for n_steps in steps:
        group = [c for c in cases if c["n_steps"] == n_steps]
        u = np.stack([U] * len(group))
        rv = np.array(
            [[c["reserved_value"]["boulware"], c["reserved_value"]["conceder"]] for c in group]
        )
        res = alternating_offers(
            OutcomeSpace(u, rv),
            [TimeDependent(beta=0.25), TimeDependent(beta=4.0)],
            rounds=n_steps,
            tolerance=FIX["conventions"]["tolerance"],
        )
        for r, c in enumerate(group):
            assert (int(res.package[r]) if res.agreed[r] else None) == c["agreement_index"]
            assert (int(res.round[r]) if res.agreed[r] else None) == c["agreement_step"]
