"""KTAB's Spatial Model of Politics (accord.models.smp).

Reference tests replay KTAB's own program: ``../shared/data/ktab/reference/*.history.txt`` is
the output of KTAB's ``smpc`` (built from KAPSARC's public source, default options,
deterministic) on KTAB's example inputs; it prints every actor's position on every dimension
at every turn (0..100, one decimal), the winning probability of every actor's position at
every turn (4 decimals) and the number of states. accord must give the same number of turns,
every position within 0.5 and every probability within 1e-3.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import shared_file
from hypothesis import given, settings
from hypothesis import strategies as st

import accord
from accord.models.registry import MODELS
from accord.models.smp import (
    KTAB_DEFAULTS,
    OPTIONS,
    SMP,
    big_r,
    coalitions,
    estimated_r,
    interpolate,
    pce,
    run_smp,
    scalar_pce,
    smp_inputs,
    victory_matrix,
    victory_weights,
    vote,
)
from accord.scenario import scenario_from_dict

EXAMPLES = [
    "dummyData_3Dim",
    "SOE-Policy",
    "SOE-Competitive",
    "SOE-Pol-Comp",
    "dummyData_6Dim",
    "dummyData-a040",
]


def parse_history(path, n_actors: int, n_dims: int):
    """KTAB ``showVPHistory`` output: positions (states × actors × dims), probabilities, state
    count.
    """
    lines = path.read_text().splitlines()
    names, pos = [], []
    for line in lines[: n_actors * n_dims]:
        head, values = line.split(":", 1)
        names.append(head.split(",")[0].strip())
        pos.append([float(v) for v in values.split()])
    assert lines[n_actors * n_dims].startswith("History of actors' winning probabilities")
    prob = [
        [float(v) for v in ln.split(":", 1)[1].split()]
        for ln in lines[n_actors * n_dims + 1 :][:n_actors]
    ]
    states = int(re.search(r"There were (\d+) states", lines[-1]).group(1))
    p = np.array(pos).reshape(n_actors, n_dims, -1).transpose(2, 0, 1)
    return names[::n_dims], p, np.array(prob).T, states


@pytest.mark.reference
@pytest.mark.parametrize("name", EXAMPLES)
def test_reproduces_ktab_smpc_output(name):
    """[KTAB] smpc with default options: same turns, every position within 0.5, probabilities within
    1e-3.
    """
    scn = accord.load_scenario(shared_file("ktab", f"{name}.csv"))
    history = shared_file("ktab", "reference", f"{name}.history.txt")
    run, inp = SMP().run(scn)
    names, ref_pos, ref_prob, states = parse_history(history, len(scn.actors), len(scn.issues))
    assert [scn.actor(a).name for a in inp.actor_ids] == names
    assert run.positions.shape[0] == states == ref_pos.shape[0]
    ours = run.positions * 100.0
    assert np.abs(ours - ref_pos).max() <= 0.5
    assert (
        np.abs(ours - ref_pos).max() <= 0.05 + 1e-9
    )  # in fact: equal up to KTAB's printing to 0.1
    assert np.abs(run.win_probability - ref_prob).max() <= 1e-3


@pytest.mark.reference
def test_forecast_trace_matches_ktab_positions():
    """The forecast's trace is the same run in the issue's units, in the scenario's actor order."""
    scn = accord.load_scenario(shared_file("ktab", "dummyData_3Dim.csv"))
    _, ref_pos, _, _ = parse_history(
        shared_file("ktab", "reference", "dummyData_3Dim.history.txt"), 7, 3
    )
    fc = SMP().forecast(scn)
    for k, issue in enumerate(scn.issues):
        tr = fc.issues[issue.id].trace
        assert tr.actor_ids == tuple(scn.actor_ids)
        np.testing.assert_allclose(tr.positions, ref_pos[:, :, k], atol=0.05 + 1e-9)
        assert tr.rounds == 10 and fc.issues[issue.id].details["turns"] == 10
        assert tr.forecast[-1] == pytest.approx(fc.issues[issue.id].value)


def test_registered_and_cited():
    assert SMP in MODELS
    assert SMP.name == "smp" and SMP.citation == "[Wise2015]; [KTAB]"
    assert "[Wise2015]" in SMP.__doc__ and "[KTAB]" in SMP.__doc__


def test_defaults_are_ktabs():
    """KTAB's defaults (kmodel.h, smp.h): Linear, Conditional, Deterministic, Proportional,
    OneThird,
    Mid, SemiCommit, S2P2, InitOnlyInterp; 2..100 turns, ratio 0.02 (SMPModel::configExec)."""
    params = SMP().get_params()
    for key, value in KTAB_DEFAULTS.items():
        assert params[key] == value
    assert (params["min_turns"], params["max_turns"], params["stop_ratio"]) == (2, 100, 0.02)


# -- KTAB's kernel functions against the worked numbers in KTAB's own comments
# ----------------------
def test_victory_laws_as_kmodel_h_describes_them():
    """kmodel.h: 2:1 gives 2/3, 4/5, 16/17, 256/257; 11:10 gives 52.4 %, 54.8 %, 59.4 %, 68.2 %."""
    for law, two_to_one, eleven_to_ten in (
        ("Linear", 2 / 3, 0.524),
        ("Square", 4 / 5, 0.548),
        ("Quartic", 16 / 17, 0.594),
        ("Octic", 256 / 257, 0.682),
    ):
        x1, x2 = victory_weights(law, np.array(2.0), np.array(1.0))
        assert x1 / (x1 + x2) == pytest.approx(two_to_one)
        x1, x2 = victory_weights(law, np.array(1.1), np.array(1.0))
        assert x1 / (x1 + x2) == pytest.approx(eleven_to_ten, abs=5e-4)
    x1, x2 = victory_weights("Binary", np.array([1.2, 1.0, 1.05]), np.array([1.0, 1.2, 1.0]))
    p = x1 / (x1 + x2)
    assert p[0] > 0.999 and p[1] < 0.001 and 0.5 < p[2] < 1


def test_votes():
    du = np.array([-0.3, 0.0, 0.3])
    np.testing.assert_allclose(vote("Proportional", 2.0, du), [-0.6, 0, 0.6])
    np.testing.assert_allclose(vote("Binary", 2.0, du), [-2, 0, 2])
    np.testing.assert_allclose(vote("Cubic", 1.0, du), [-0.027, 0, 0.027])
    np.testing.assert_allclose(vote("PropCbc", 1.0, du), [-0.1635, 0, 0.1635])
    np.testing.assert_allclose(vote("PropBin", 1.0, du), [-0.44, 0, 0.44])
    np.testing.assert_allclose(vote("ASymProsp", 3.0, du), [-0.9, 0, 0.6])  # gains count 2/3
    with pytest.raises(ValueError, match="voting_rule"):
        vote("Majority", 1.0, du)


def test_big_r_and_its_estimates():
    p = np.array([0.1, 0.2, 0.7])
    np.testing.assert_allclose(big_r(p, "Mid"), [-0.5, -0.25, 1.0])  # most likely gets R = 1
    np.testing.assert_allclose(big_r(p, "Min"), [0, 1 / 6, 1])
    np.testing.assert_allclose(big_r(p, "Max"), [-1, -2 / 3, 1])
    np.testing.assert_allclose(big_r(np.full(3, 1 / 3), "Mid"), 0)  # KTAB divides by zero here
    r = np.array([1.0, -0.5])
    np.testing.assert_allclose(estimated_r(r, "OneThird"), [[1, 0.5], [0, -0.5]])
    np.testing.assert_allclose(estimated_r(r, "None"), [[1, 1], [-0.5, -0.5]])
    np.testing.assert_allclose(estimated_r(r, "Full"), [[1, -0.5], [1, -0.5]])


def test_interpolation_rounds_to_four_decimals_and_favours_the_likely_winner():
    t_i, t_j = np.array([[0.2]]), np.array([[0.8]])
    s = np.array([[0.5]])
    b_i, b_j = interpolate(t_i, s, np.array([0.75]), t_j, s, np.array([0.25]), "S2P2")
    # w = (s p)^2: 0.140625 vs 0.015625 -> 0.2 + 0.6 * 0.015625 / 0.15625... = 0.26
    assert b_i[0, 0] == pytest.approx(0.26, abs=1e-4) and b_i[0, 0] * 1e4 == pytest.approx(
        round(b_i[0, 0] * 1e4)
    )
    assert abs(b_i[0, 0] - b_j[0, 0]) < 1e-4
    b_i, b_j = interpolate(t_i, s, np.array([0.5]), t_j, s, np.array([0.5]), "S2PMax")
    np.testing.assert_allclose([b_i[0, 0], b_j[0, 0]], [0.2, 0.8])  # equal chances: nobody moves


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(2, 6),
    st.integers(2, 7),
    st.sampled_from(OPTIONS["voting_rule"]),
    st.sampled_from(OPTIONS["victory_model"]),
    st.sampled_from(OPTIONS["pce_model"]),
)
def test_pce_is_a_distribution(seed, n_act, n_opt, rule, law, model):
    rng = np.random.default_rng(seed)
    u = rng.uniform(0, 1, (n_act, n_opt))
    w = rng.uniform(0.1, 10, n_act)
    c = coalitions(u, w, rule)
    assert np.all(c > 0)
    pv = victory_matrix(c, law)
    np.testing.assert_allclose(pv + pv.T, 1.0, atol=1e-12)
    p = pce(c, law, model)
    assert np.all(p >= 0) and p.sum() == pytest.approx(1.0)
    # a batch of problems gives the same as one at a time
    pb = scalar_pce(np.stack([u, u[:, ::-1]]), np.stack([w, w]), rule, law, model)
    np.testing.assert_allclose(pb[0], p, atol=1e-12)


# -- options, randomness, inputs
# ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def three_dim():
    return accord.load_scenario(shared_file("ktab", "dummyData_3Dim.csv"))


@pytest.mark.parametrize("option", [k for k in OPTIONS if k != "forecast_rule"])
def test_every_alternative_option_runs(three_dim, option):
    for value in OPTIONS[option][1:]:
        fc = SMP(**{option: value}, max_turns=12).forecast(three_dim, rng=np.random.default_rng(1))
        for issue in three_dim.issues:
            tr = fc.issues[issue.id].trace
            assert np.all((tr.positions >= -1e-9) & (tr.positions <= 100 + 1e-9)), (option, value)
            assert 0 <= fc.value(issue.id) <= 100


def test_alternatives_change_the_run(three_dim):
    base = SMP().run(three_dim)[0].positions
    for kw in (
        {"third_party": "FullCommit"},
        {"big_r_adjust": "Full"},
        {"victory_model": "Square"},
        {"bargain_model": "PWCompInterp"},
    ):
        other = SMP(**kw).run(three_dim)[0].positions
        assert other.shape != base.shape or not np.array_equal(other, base), kw


def test_unknown_option_is_named(three_dim):
    with pytest.raises(ValueError, match="pce_model must be one of"):
        SMP(pce_model="Markov").forecast(three_dim)
    with pytest.raises(ValueError, match="forecast_rule"):
        SMP(forecast_rule="median").forecast(three_dim)
    with pytest.raises(ValueError, match="min_turns"):
        SMP(min_turns=5, max_turns=3).forecast(three_dim)


def test_stochastic_runs_are_reproducible_from_their_seed():
    scn = accord.load_scenario(shared_file("ktab", "SOE-Pol-Comp.csv"))
    model = SMP(state_transitions="Stochastic")
    a = model.run(scn, rng=np.random.default_rng(42))[0].positions
    b = model.run(scn, rng=np.random.default_rng(42))[0].positions
    assert np.array_equal(a, b)
    others = [model.run(scn, rng=np.random.default_rng(s))[0].positions for s in range(5)]
    assert any(o.shape != a.shape or not np.array_equal(o, a) for o in others)  # seeds matter
    det = SMP().run(scn, rng=np.random.default_rng(1))[0].positions
    assert np.array_equal(det, SMP().run(scn, rng=np.random.default_rng(2))[0].positions)


def test_listing_order_does_not_matter_for_ktab_files(three_dim):
    """KTAB breaks ties by file order; the importer records it, so reordering the list changes
    nothing.
    """
    data = three_dim.model_dump()
    data["actors"] = data["actors"][::-1]
    rev = scenario_from_dict(data)
    a, b = SMP().forecast(three_dim), SMP().forecast(rev)
    for issue in three_dim.issues:
        assert a.value(issue.id) == b.value(issue.id)
        ta, tb = a.issues[issue.id].trace, b.issues[issue.id].trace
        np.testing.assert_array_equal(ta.positions[:, ::-1], tb.positions)


def test_bargain_events_explain_every_move(three_dim):
    fc = SMP().forecast(three_dim)
    for issue in three_dim.issues:
        tr = fc.issues[issue.id].trace
        moves = {
            (t, a)
            for t in range(1, tr.positions.shape[0])
            for a, aid in enumerate(tr.actor_ids)
            if tr.positions[t, a] != tr.positions[t - 1, a]
        }
        events = {(e.round, tr.actor_ids.index(e.actor)) for e in tr.events}
        assert moves == events
        for e in tr.events:
            assert e.kind == "bargain" and e.other != e.actor
            a = tr.actor_ids.index(e.actor)
            assert e.before == tr.positions[e.round - 1, a] and e.after == tr.positions[e.round, a]


def test_scales_and_saliences_are_mapped_like_ktab():
    scn = scenario_from_dict(
        {
            "metadata": {"title": "t"},
            "issues": [
                {"id": "a", "question": "a?", "scale": {"min": 4, "max": 10}},
                {"id": "b", "question": "b?", "scale": {"min": 0, "max": 1}},
            ],
            "actors": [
                {
                    "id": "x",
                    "name": "X",
                    "capability": 2,
                    "stances": {
                        "a": {"position": 4, "salience": 0.9},
                        "b": {"position": 1, "salience": 0.9},
                    },
                },
                {
                    "id": "y",
                    "name": "Y",
                    "capability": 1,
                    "stances": {"a": {"position": 10, "salience": 0.3}},
                },
                {
                    "id": "z",
                    "name": "Z",
                    "capability": 1,
                    "stances": {
                        "a": {"position": 7, "salience": 0.2},
                        "b": {"position": 0, "salience": 0.1},
                    },
                },
            ],
        }
    )
    inp = smp_inputs(scn)
    np.testing.assert_allclose(inp.positions[:, 0], [0, 1, 0.5])
    np.testing.assert_allclose(inp.saliences[0], [0.5, 0.5])  # total 1.8 > 1: divided by it
    np.testing.assert_allclose(inp.saliences[2], [0.2, 0.1])  # total <= 1: kept (KTAB's numbers)
    assert inp.saliences[1, 1] == 0 and inp.positions[1, 1] == pytest.approx(
        2 / 3
    )  # no stance: weighted mean
    fc = SMP().forecast(scn)
    assert 4 <= fc.value("a") <= 10 and 0 <= fc.value("b") <= 1
    assert fc.issues["b"].trace.actor_ids == ("x", "z")


def test_impossible_inputs_are_refused():
    base = {"metadata": {"title": "t"}, "issues": [{"id": "a", "question": "a?"}]}
    zero_sal = dict(
        base,
        actors=[
            {
                "id": f"a{i}",
                "name": "A",
                "capability": 1,
                "stances": {"a": {"position": 10 * i, "salience": 0.0 if i < 2 else 0.5}},
            }
            for i in range(3)
        ],
    )  # only one actor cares about anything: no run (one left-out actor is fine, see below)
    with pytest.raises(ValueError, match="positive salience"):
        SMP().forecast(scenario_from_dict(zero_sal))
    zero_cap = dict(
        base,
        actors=[
            {
                "id": f"a{i}",
                "name": "A",
                "capability": max(0, i - 1),
                "stances": {"a": {"position": 10 * i, "salience": 0.5}},
            }
            for i in range(3)
        ],
    )  # two of three without capability: no run (one is left out, like one without salience)
    with pytest.raises(ValueError, match="positive capability"):
        SMP().forecast(scenario_from_dict(zero_cap))


def test_ideal_adjustment_from_ktab_xml_moves_ideals(tmp_path):
    """An accommodation matrix below the identity keeps ideals behind positions ([KTAB]
    newIdeals)."""
    actors = "".join(
        f"<Actor><name>{n}</name><description>d</description><capability>{c}</capability>"
        f"<Position><dCoord>{p}</dCoord></Position><Salience><dSal>{s}</dSal></Salience></Actor>"
        for n, c, p, s in (
            ("A", 100, 10, 80),
            ("B", 60, 60, 70),
            ("C", 40, 90, 90),
            ("D", 30, 40, 50),
        )
    )
    pairs = "".join(
        f"<iaPair><adjustingIdeal>{n}</adjustingIdeal><referencePos>{n}</referencePos>"
        f"<adjust>0.5</adjust></iaPair>"
        for n in "ABCD"
    )
    path = tmp_path / "s.xml"
    path.write_text(
        f"<Scenario><name>T</name><desc>d</desc><prngSeed>7</prngSeed><Dimensions><dName>X</dName>"
        f"</Dimensions><Actors>{actors}</Actors><IdealAdjustment>{pairs}</IdealAdjustment></Scenario>"
    )
    scn = accord.load_scenario(path)
    run, inp = SMP().run(scn)
    np.testing.assert_allclose(inp.accommodation, 0.5 * np.eye(4))
    np.testing.assert_allclose(run.ideals[1], 0.5 * run.positions[1] + 0.5 * run.ideals[0])
    plain = SMP().run(scenario_from_dict({**scn.model_dump(), "extensions": {}}))[0]
    assert np.array_equal(plain.ideals, plain.positions)


def test_from_ktab_parameters():
    m = SMP.from_ktab_parameters(
        {
            "VictoryProbModel": "Square",
            "VotingRule": "Prop",
            "BigRAdjust": "No",
            "StateTransitions": "Stochastic",
        },
        max_turns=5,
    )
    assert (m.victory_model, m.voting_rule, m.big_r_adjust, m.state_transitions, m.max_turns) == (
        "Square",
        "Proportional",
        "None",
        "Stochastic",
        5,
    )


def test_run_smp_checks_its_arrays():
    x = np.array([[0.1], [0.5], [0.9]])
    s = np.full((3, 1), 0.5)
    c = np.ones(3)
    run = run_smp(x, s, c)
    assert run.positions.shape[1:] == (3, 1) and run.turns >= 2
    with pytest.raises(ValueError, match="0..1"):
        run_smp(x * 2, s, c)
    with pytest.raises(ValueError, match="row sums"):
        run_smp(x, s * 3, c)
    with pytest.raises(ValueError, match="accommodation"):
        run_smp(x, s, c, accommodation=np.full((3, 3), 0.5))


# -- the vectorised challenge kernel against a literal loop transcription of KTAB's probEduChlg ----
def _loop_prob_edu(h, k, i, j, d, rhat, s_sum, cap, rule, tpc, unit):
    """SMPState::probEduChlg written out with scalar loops, as KTAB does it."""

    def u(a, b):  # aUtil[h](a, b)
        dd, r = d[a, b], rhat[h, a]
        return (1 - dd) * (1 + dd * r)

    def v(w, x, y):
        return float(vote(rule, w, np.array(x - y)))

    uii, uij, uji, ujj = u(i, i), u(i, j), u(j, i), u(j, j)
    ci, cj = v(s_sum[i] * cap[i], uii, uij), v(s_sum[j] * cap[j], uji, ujj)
    chij = chji = 1e-10 * unit
    chij, chji = (chij + ci, chji) if ci > 0 else (chij, chji - ci if ci < 0 else chji)
    chij, chji = (chij + cj, chji) if cj > 0 else (chij, chji - cj if cj < 0 else chji)
    c_i, c_j = chij, chji
    for n in range(len(cap)):
        if n in (i, j):
            continue
        wn = s_sum[n] * cap[n]
        uni, unj, unn = u(n, i), u(n, j), u(n, n)
        cn = v(wn, uni, unj)
        cni = c_i + cn if cn > 0 else c_i
        cnj = c_j - cn if cn < 0 else c_j
        pin = cni / (cni + cnj)
        pjn = 1 - pin
        a1, a2, a3, a4 = {
            "SemiCommit": (2 * uni + unn, 3 * unj, 3 * uni, 2 * unj + unn),
            "FullCommit": (3 * uni, 3 * unj, 3 * uni, 3 * unj),
            "NoCommit": (2 * uni + unn, 2 * unj + unn, 2 * uni + unn, 2 * unj + unn),
        }[tpc]
        vn = v(wn, pin * a1 + pjn * a2, pin * a3 + pjn * a4)
        chij = chij + vn if vn > 0 else chij
        chji = chji - vn if vn < 0 else chji
    p = chij / (chij + chji)
    uki, ukj = u(k, i), u(k, j)
    sj = s_sum[j]
    return p, (1 - sj) * 2 * uki + sj * (p * 2 * uki + (1 - p) * 2 * ukj) - (uki + ukj)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(3, 7),
    st.integers(1, 3),
    st.sampled_from(OPTIONS["voting_rule"]),
    st.sampled_from(OPTIONS["third_party"]),
)
def test_challenge_kernels_match_a_loop_transcription(seed, n, m, rule, tpc):
    from accord.models.smp import SMPOptions, best_challenges, pair_challenges, utilities

    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, m))
    sal = rng.uniform(0.05, 1, (n, m))
    sal /= sal.sum(axis=1, keepdims=True) * rng.uniform(1, 1.5, (n, 1))
    cap = rng.uniform(1, 200, n)
    unit = np.array([cap.mean() / 100])
    act = np.ones((1, n), dtype=bool)
    o = SMPOptions(voting_rule=rule, third_party=tpc)
    d, r, rhat = utilities(x[None], x[None], sal[None], cap[None], act, unit, o)
    s_sum = sal.sum(axis=1)
    # tiny blocks: several per call
    prob, gain = best_challenges(d, rhat, s_sum[None], cap[None], act, unit, rule, tpc, chunk=7)
    d, rhat, prob, gain = d[0], rhat[0], prob[0], gain[0]
    for i in range(n):
        for j in range(n):
            if i == j:
                assert gain[i, j] == -np.inf
                continue
            p, g = _loop_prob_edu(i, i, i, j, d, rhat, s_sum, cap, rule, tpc, unit[0])
            assert prob[i, j] == pytest.approx(p, rel=1e-9, abs=1e-12)
            assert gain[i, j] == pytest.approx(g, rel=1e-7, abs=1e-12)
    h, k = rng.integers(0, n, 2)
    ii, jj = np.array([0, n - 1]), np.array([n - 1, 1])
    p2, g2 = pair_challenges(
        np.full((1, 2), h),
        np.full((1, 2), k),
        ii[None],
        jj[None],
        d[None],
        rhat[None],
        s_sum[None],
        cap[None],
        act,
        unit,
        rule,
        tpc,
    )
    for q in range(2):
        p, g = _loop_prob_edu(h, k, ii[q], jj[q], d, rhat, s_sum, cap, rule, tpc, unit[0])
        assert p2[0, q] == pytest.approx(p, rel=1e-9, abs=1e-12)
        assert g2[0, q] == pytest.approx(g, rel=1e-7, abs=1e-12)


def test_straightforward_kernel_gives_the_same_run():
    scn = accord.load_scenario(shared_file("ktab", "SOE-Pol-Comp.csv"))
    inp = smp_inputs(scn)
    a = run_smp(inp.positions, inp.saliences, inp.capabilities)
    b = run_smp(inp.positions, inp.saliences, inp.capabilities, kernel="pairs")
    assert np.array_equal(a.positions, b.positions) and np.array_equal(
        a.win_probability, b.win_probability
    )


def test_positions_ten_grid_steps_apart_are_distinct_in_both_orientations():
    """Bargains lie on KTAB's 1e-4 grid, so positions exactly 1e-3 apart are common; their
    computed distance falls either side of the tolerance depending on the orientation
    (0.3944 − 0.3934 < 1e-3 < 0.6066 − 0.6056). Both orientations must see two positions (the
    clean-clone CI run's hypothesis found a forecast that moved by 0.3 points on a flip)."""
    from accord.models.smp import unique_positions

    for x in ([0.3934, 0.3944, 0.9], [0.6066, 0.6056, 0.1]):
        uniq, _ = unique_positions(np.array(x)[None, :, None], np.ones((1, 3), dtype=bool))
        assert uniq.tolist() == [[True, True, True]]
    uniq, last = unique_positions(
        np.array([0.5, 0.5004, 0.9])[None, :, None], np.ones((1, 3), bool)
    )
    assert uniq.tolist() == [[True, False, True]] and last.tolist() == [[0, 0, 2]]


@pytest.mark.parametrize("rule", ["Binary", "PropBin"])
def test_binary_votes_ignore_rounding_noise_but_not_real_differences(rule):
    """A utility difference of a few ulps (equal utilities summed in another order) casts no
    vote; from 1e-12 on, KTAB's rule: du / 1e-8 clipped to ±1 ([KTAB] ``Model::vote``)."""
    du = np.array([0.0, 3e-16, -3e-16, 5e-9, -5e-9, 1e-6])
    v = vote(rule, 2.0, du)
    step = np.array([0.0, 0.0, 0.0, 0.5, -0.5, 1.0])
    expected = 2.0 * step if rule == "Binary" else 2.0 * (0.8 * du + 0.2 * step)
    np.testing.assert_allclose(v, expected, rtol=1e-12, atol=0)


def test_an_actor_with_no_salience_anywhere_is_left_out_and_said_so():
    """KTAB's distance is 0/0 for an actor that cares about nothing (``bvDiff``); the DEU data
    has such actors on 17 proposals, where the SMP used to fail. It is left out of the run: the
    forecast equals the one without it, and the details name it."""

    def case(with_idle: bool):
        actors = [
            {"id": a, "name": a, "capability": {"value": c},
             "stances": {"x": {"position": {"value": p}, "salience": {"value": s}}}}
            for a, c, p, s in (("a", 1, 10, 0.9), ("b", 2, 60, 0.5), ("c", 1.5, 90, 0.7))
        ]  # fmt: skip
        if with_idle:
            actors.append(
                {"id": "idle", "name": "idle", "capability": {"value": 3},
                 "stances": {"x": {"position": {"value": 40}, "salience": {"value": 0}}}}
            )  # fmt: skip
        return scenario_from_dict(
            {"metadata": {"title": "t"}, "issues": [{"id": "x", "question": "?"}], "actors": actors}
        )

    with_idle, without = SMP().forecast(case(True)), SMP().forecast(case(False))
    assert with_idle.issues["x"].value == pytest.approx(without.issues["x"].value, abs=1e-12)
    assert with_idle.issues["x"].details["left_out"] == ["idle"]
    assert "idle" not in with_idle.issues["x"].trace.actor_ids
