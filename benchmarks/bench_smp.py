"""Benchmark of KTAB's Spatial Model of Politics in accord (run by hand; never a timed test).

    .venv/bin/python benchmarks/bench_smp.py            # KTAB examples, kernels, the actors ×
    dimensions curve
    .venv/bin/python benchmarks/bench_smp.py --quick    # smaller curve

Prints (1) accord on KTAB's own 40/80/160-actor examples (``../shared/data/ktab``) against the
times of KTAB's ``smpc`` quoted in issue 6 (7.2 s, 67 s and about 13 minutes on a 2-core machine
like CI's, minimal logging), with the number of turns; (2) the default "blocked" challenge kernel
against the straightforward "pairs" kernel (one evaluation per (i, j) pair, as KTAB's
``probEduChlg``) in the same process, with a check that both give the same positions; (3) the
time of one run against the number of actors and dimensions on random inputs (medians); (4) the
Monte Carlo path on the default scenario: one run per draw against all draws in lock-step
(``SMP.forecast_arrays``), same process, with a check that both give the same forecasts; (5) the
Monte Carlo path with options other than KTAB's defaults (run one draw at a time before the
subpackage ``accord.models.smp``, all draws in lock-step since); (6) the 320 actors × 3
dimensions case of issue 20 (random inputs as in (3), target under 15 s); (7) the 160-actor
example as a whole process (interpreter start, imports, loading and the run), against KTAB's
model-only ``smpc`` (issue 20: about 10× accord's 2.4 s in-process time then, so about 24 s;
target at least 20×).

    .venv/bin/python benchmarks/bench_smp.py --only 6 7     # just the issue-20 targets
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import timed  # noqa: E402

import accord  # noqa: E402
from accord.models.smp import SMP, run_smp  # noqa: E402

KTAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "ktab"
SMPC_SECONDS = {
    "dummyData-a040": 7.2,
    "dummyData-a080": 67.0,
    "dummyData-a160": 13 * 60.0,
}  # issue 6
SMPC_MODEL_ONLY_A160 = 24.0  # issue 20: KTAB without its logging, about 10× accord's 2.4 s
WHOLE_A160 = """
import accord
from accord.models.smp import SMP
SMP().run(accord.load_scenario({path!r}))
"""


def random_case(n: int, m: int, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (n, m))
    sal = rng.uniform(0.1, 1, (n, m))
    sal = (
        sal / sal.sum(axis=1, keepdims=True) * rng.uniform(0.5, 1.0, (n, 1))
    )  # rows sum to at most 1
    cap = rng.uniform(1, 100, n)
    return x, sal, cap


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", type=int, nargs="+", help="run only these issue-20 sections (6, 7)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of sections 6 and 7 (median)")
    args = ap.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    if args.only:
        for section in args.only:
            {6: issue20_case, 7: whole_process}[section](args.repeat)
        return

    print("\n1. KTAB's examples (default options, deterministic)")
    print(
        f"{'example':<18}{'actors':>7}{'dims':>6}{'turns':>7}"
        f"{'accord s':>10}{'smpc s':>9}{'ratio':>8}"
    )
    if KTAB.is_dir():
        for name, smpc in SMPC_SECONDS.items():
            scn = accord.load_scenario(KTAB / f"{name}.csv")
            t, (run, _) = timed(lambda scn=scn: SMP().run(scn), 3 if len(scn.actors) < 160 else 1)
            print(
                f"{name:<18}{len(scn.actors):>7}{len(scn.issues):>6}{run.turns:>7}{t:>10.2f}{smpc:>9.0f}"
                f"{smpc / t:>8.0f}"
            )
    else:
        print(f"  (skipped: {KTAB} is absent)")

    print("\n2. challenge kernels, same process (random inputs, 3 dimensions)")
    print(f"{'actors':>7}{'blocked s':>11}{'pairs s':>10}{'ratio':>8}  same positions")
    for n in (20, 40) if args.quick else (20, 40, 80):
        x, sal, cap = random_case(n, 3, seed=n)
        tb, rb = timed(lambda x=x, sal=sal, cap=cap: run_smp(x, sal, cap), 3)
        tp, rp = timed(lambda x=x, sal=sal, cap=cap: run_smp(x, sal, cap, kernel="pairs"), 1)
        same = rb.positions.shape == rp.positions.shape and np.allclose(
            rb.positions, rp.positions, atol=1e-12
        )
        print(f"{n:>7}{tb:>11.3f}{tp:>10.3f}{tp / tb:>8.1f}  {same}")

    print("\n3. one run against actors and dimensions (random inputs; median seconds, turns)")
    actors = (10, 20, 40, 80) if args.quick else (10, 20, 40, 80, 160)
    dims = (1, 3, 6)
    print(f"{'actors':>7}" + "".join(f"{f'{m} dim s':>12}{'turns':>7}" for m in dims))
    for n in actors:
        row = f"{n:>7}"
        for m in dims:
            x, sal, cap = random_case(n, m, seed=1000 * n + m)
            t, run = timed(lambda x=x, sal=sal, cap=cap: run_smp(x, sal, cap), 3 if n <= 40 else 1)
            row += f"{t:>12.3f}{run.turns:>7}"
        print(row)

    print("\n4. Monte Carlo draws of ukraine-2025: one run per draw vs the batch (ms per draw)")
    from accord.simulation.sampling import sample

    scn = accord.load_scenario("ukraine-2025")
    model = SMP()
    loop_n = 100 if args.quick else 300
    d = sample(scn, loop_n, seed=0)
    t_loop, ref = timed(
        lambda: np.array(
            [
                [model.forecast(d.scenario_at(i)).issues[x.id].value for x in scn.issues]
                for i in range(d.n_draws)
            ]
        ),
        1,
    )
    same = np.allclose(model.forecast_arrays(d), ref, atol=1e-9, rtol=0)
    print(
        f"{'draws':>7}{'loop ms':>10}{'batch ms':>10}{'ratio':>8}  same forecasts ({loop_n} "
        f"draws): {same}"
    )
    for n in (1000,) if args.quick else (1000, 10000):
        dn = sample(scn, n, seed=0)
        t_b, _ = timed(lambda dn=dn: model.forecast_arrays(dn), 3 if n <= 1000 else 1)
        per_loop, per_b = t_loop / loop_n * 1e3, t_b / n * 1e3
        print(f"{n:>7}{per_loop:>10.2f}{per_b:>10.3f}{per_loop / per_b:>8.0f}")

    print(
        "\n5. Monte Carlo draws of ukraine-2025 with other options (SMP.forecast_arrays, ms per "
        "draw)"
    )
    n_opt = 100 if args.quick else 500
    d5 = sample(scn, n_opt, seed=1)
    print(f"{'options':<40}{'draws':>7}{'ms/draw':>10}")
    for kw in (
        {"forecast_rule": "weighted_mean"},
        {"state_transitions": "Stochastic"},
        {"victory_model": "Square"},
        {"pce_model": "MarkovUniform"},
        {"bargain_model": "InitRcvrInterp"},
    ):
        t5, _ = timed(lambda kw=kw: SMP(**kw).forecast_arrays(d5), 1)
        label = ", ".join(f"{k}={v}" for k, v in kw.items())
        print(f"{label:<40}{n_opt:>7}{t5 / n_opt * 1e3:>10.3f}")
    issue20_case(args.repeat)
    whole_process(args.repeat)


def issue20_case(repeat: int) -> None:
    """(6) One traced run of 320 actors × 3 dimensions (random inputs, seed as in (3))."""
    print("\n6. 320 actors x 3 dimensions, one run (random inputs; median seconds)")
    x, sal, cap = random_case(320, 3, seed=1000 * 320 + 3)
    t, run = timed(lambda: run_smp(x, sal, cap), repeat)
    print(f"{'actors':>7}{'dims':>6}{'turns':>7}{'s':>9}  target < 15 s: {t < 15}")
    print(f"{320:>7}{3:>6}{run.turns:>7}{t:>9.2f}")


def whole_process(repeat: int) -> None:
    """(7) KTAB's 160-actor example in a fresh interpreter, start-up included."""
    print("\n7. dummyData-a160 as a whole process (start-up, imports, loading, run; median)")
    path = KTAB / "dummyData-a160.csv"
    if not path.is_file():
        print(f"  (skipped: {path} is absent)")
        return
    cmd = [sys.executable, "-c", WHOLE_A160.format(path=str(path))]
    t, _ = timed(lambda: subprocess.run(cmd, check=True), repeat)
    ratio = SMPC_MODEL_ONLY_A160 / t
    print(f"{'accord s':>9}{'smpc model-only s':>19}{'ratio':>7}  (issue 20's smpc figure)")
    print(f"{t:>9.2f}{SMPC_MODEL_ONLY_A160:>19.0f}{ratio:>7.1f}")


if __name__ == "__main__":
    main()
