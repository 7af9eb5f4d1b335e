"""The paired bootstrap of a model's MAE against a reference, proposals resampled whole, and
the same bootstrap of interval coverage against its nominal level."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BootstrapDifference", "check_argument", "coverage_gaps", "paired_bootstrap"]


@dataclass(frozen=True)
class BootstrapDifference:
    """``difference`` = MAE(model) − MAE(reference) on the full sample; ``low``..``high`` its
    percentile interval at ``level`` over ``n_resamples`` resamples of ``n_groups`` groups."""

    difference: float
    low: float
    high: float
    level: float
    n_groups: int
    n_resamples: int


def check_argument(name: str, ok: bool, must: str, got: object) -> None:
    """Raise ``ValueError`` naming the argument, what it must be and what it was."""
    if not ok:
        raise ValueError(f"{name} must be {must}; got {got!r}")


def paired_bootstrap(
    loss: np.ndarray,
    reference: np.ndarray,
    groups: np.ndarray,
    *,
    n_resamples: int = 2000,
    level: float = 0.95,
    rng: np.random.Generator,
) -> BootstrapDifference:
    """Paired bootstrap of the difference in mean loss, resampling whole groups.

    The bootstrap percentile interval of [Efron1993], ch. 13, for a paired difference (both
    losses are taken on the same items, so one resample serves both); groups (here:
    proposals, whose issues share actors and a negotiation and so are not independent) are
    resampled whole, the bootstrap for hierarchical data of [Davison1997], sect. 3.8. Steps:

    1. per group g, the summed paired difference d_g = Σ_i (loss_i − reference_i) and the
       number of items n_g;
    2. draw G groups with replacement ``n_resamples`` times; each replicate is
       Σ d_g / Σ n_g over the drawn groups (the MAE difference on the resampled items);
    3. the interval is the (1 − level)/2 and (1 + level)/2 quantiles of the replicates.

    Two identical losses give exactly 0 and [0, 0]; a loss lower by c on every item gives −c.
    """
    loss = np.asarray(loss, dtype=float)
    reference = np.asarray(reference, dtype=float)
    groups = np.asarray(groups)
    check_argument("loss", loss.ndim == 1 and loss.size > 0, "a non-empty 1-d array", loss.shape)
    check_argument(
        "reference", reference.shape == loss.shape, f"of the loss's shape {loss.shape}", reference
    )
    check_argument(
        "groups", groups.shape == loss.shape, f"of the loss's shape {loss.shape}", groups
    )
    check_argument(
        "loss and reference",
        bool(np.isfinite(loss).all() and np.isfinite(reference).all()),
        "finite",
        "a NaN or infinite value",
    )
    check_argument("n_resamples", int(n_resamples) >= 1, "at least 1", n_resamples)
    check_argument("level", 0 < level < 1, "strictly between 0 and 1", level)
    _labels, inverse = np.unique(groups, return_inverse=True)
    diff_sum = np.bincount(inverse, weights=loss - reference)
    count = np.bincount(inverse).astype(float)
    n_groups = len(count)
    draws = rng.integers(0, n_groups, size=(int(n_resamples), n_groups))
    replicates = diff_sum[draws].sum(axis=1) / count[draws].sum(axis=1)
    low, high = np.quantile(replicates, [(1 - level) / 2, (1 + level) / 2])
    return BootstrapDifference(
        float(diff_sum.sum() / count.sum()),
        float(low),
        float(high),
        float(level),
        n_groups,
        int(n_resamples),
    )


def coverage_gaps(
    rows: pd.DataFrame,
    levels: Sequence[float],
    *,
    n_resamples: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """Per model and interval level q: the expected coverage of ``rows`` (columns model,
    proposal, ``expected50`` for q = 0.5: each row's probability of being covered over the
    tie-breaking draws), its gap to q with a percentile interval from resampling whole
    proposals (:func:`paired_bootstrap` against the constant q: [Efron1993], ch. 13;
    [Davison1997], sect. 3.8), whether the gap is within ±5 points and whether the interval
    holds q. The interval says whether a gap is more than the noise of clustered issues."""
    import pandas as pd

    out = []
    for model, grp in rows.groupby("model", sort=False):
        for q in levels:
            col = f"expected{int(q * 100)}"
            if grp.empty or col not in grp or grp[col].isna().any():
                continue
            res = paired_bootstrap(
                grp[col].to_numpy(dtype=float),
                np.full(len(grp), q),
                grp.proposal.to_numpy(),
                n_resamples=n_resamples,
                level=level,
                rng=np.random.default_rng(seed),
            )
            out.append(
                {
                    "model": model,
                    "level": q,
                    "coverage": q + res.difference,
                    "gap": res.difference,
                    "low": res.low,
                    "high": res.high,
                    "within_5_points": bool(abs(res.difference) <= 0.05 + 1e-12),
                    "nominal_inside": bool(res.low <= 0 <= res.high),
                }
            )
    return pd.DataFrame(out)
