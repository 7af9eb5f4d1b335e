"""Benchmark: a batch of bilateral alternating-offer negotiations, vectorised across runs.

Run: .venv/bin/python benchmarks/bench_process.py [--negotiations 10000] [--outcomes 1000] [--rounds
100]

Goal (issue 5): 10,000 bilateral negotiations over 1,000 outcomes and 100 rounds at least 20×
faster per negotiation than NegMAS's SAO mechanism (20.7 ms per negotiation on a 2-core
machine), i.e. at most about 1 ms per negotiation.

Each negotiation has its own random 3-issue linear-additive domain (10 × 10 × 10 outcomes,
weights and value tables drawn per run), its own reserved values and its own concession
exponents (Boulware against Conceder-like curves, drawn so that many talks run long), so the
batch is 10,000 different negotiations, not one repeated. Reported: the median wall time of
the batch over repeats, per negotiation, and the share that agreed and the mean step.
NegMAS itself is not imported here (it is AGPL and not a dependency); time it in a separate
environment with the same domain recipe to get a same-machine ratio.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import timed

from accord.process import OutcomeSpace, TimeDependent, alternating_offers

NEGMAS_MS = 20.7  # NegMAS SAO, per negotiation, 2-core machine (issue 5)


def domains(runs: int, values: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(R, values**3, 2) utilities of random linear-additive 3-issue domains and (R, 2) reserved
    values.
    """
    w = rng.dirichlet(np.ones(3), size=(runs, 2))  # (R, 2, 3) weights
    tables = rng.random((runs, 2, 3, values))  # value of each issue value
    tables[:, 1] = tables[:, 1, :, ::-1] * 0.6 + 0.4 * tables[:, 1]  # opposed, not mirror images
    a, b, c = np.meshgrid(np.arange(values), np.arange(values), np.arange(values), indexing="ij")
    u = (
        w[:, :, 0, None] * tables[:, :, 0][:, :, a.ravel()]
        + w[:, :, 1, None] * tables[:, :, 1][:, :, b.ravel()]
        + w[:, :, 2, None] * tables[:, :, 2][:, :, c.ravel()]
    )  # (R, 2, P)
    return np.ascontiguousarray(u.transpose(0, 2, 1)), rng.uniform(0.0, 0.5, (runs, 2))


class PerRunCurve(TimeDependent):
    """A time-dependent tactic whose β differs per run (a column of betas), for the batch."""

    def __init__(self, betas: np.ndarray):
        object.__setattr__(self, "beta", 1.0)
        object.__setattr__(self, "kappa", 0.0)
        object.__setattr__(self, "curve", "polynomial")
        object.__setattr__(self, "_betas", np.asarray(betas, dtype=float))

    def targets(self, turn):
        u = turn.lo + (1.0 - turn.t ** (1.0 / self._betas)) * (turn.hi - turn.lo)  # [Faratin1998]
        return u, u


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--negotiations", type=int, default=10_000)
    ap.add_argument("--values", type=int, default=10, help="values per issue (3 issues)")
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    R = args.negotiations
    u, reserved = domains(R, args.values, rng)
    space = OutcomeSpace(u, reserved)
    boulware = PerRunCurve(rng.uniform(0.1, 0.5, R))
    conceder = PerRunCurve(rng.uniform(1.0, 4.0, R))

    def run():
        return alternating_offers(space, [boulware, conceder], rounds=args.rounds)

    t, res = timed(run, args.repeat)
    per = t / R * 1e3
    steps = res.round[res.agreed] + 1
    print(
        f"{R:,} bilateral negotiations, {u.shape[1]:,} outcomes, {args.rounds} rounds (domains "
        "built once, "
        f"{u.nbytes / 1e6:.0f} MB)"
    )
    print(f"batch: {t:.3f} s (median of {args.repeat}); per negotiation: {per:.4f} ms")
    print(
        f"agreed: {res.agreed.mean():.1%}; mean step of agreement: {steps.mean():.1f}; "
        f"no agreement after {args.rounds} rounds: {(~res.agreed).sum():,}"
    )
    print(
        f"NegMAS SAO (issue figure): {NEGMAS_MS} ms per negotiation -> speed-up "
        f"{NEGMAS_MS / per:,.0f}x "
        f"(goal: >= 20x, i.e. <= {NEGMAS_MS / 20:.2f} ms)"
    )


if __name__ == "__main__":
    main()
