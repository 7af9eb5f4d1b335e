"""Bueno de Mesquita's expected-utility model, as reconstructed by Scholz, Calbert & Smith (2011).

Actors challenge one another's positions on one issue; each weighs the expected utility of
challenging against the status quo, the challenged actor compares what it expects from a
contest with what the challenger expects, and gives way (conflict), meets it part way
(compromise) or capitulates. All move at once; the forecast each round is the weighted median
([BDM1985]; [BDM1994]; [BDM1997]; equations as reconstructed in [Scholz2011]).

Notation (docs/expected-utility.md): positions x, capabilities c, saliences
s, Δ the range that scales distances, r the risk exponents. Every function works on a leading
batch axis: arrays shaped (..., n), so thousands of Monte Carlo draws run at once.

Where the public versions disagree, keyword options choose (defaults reproduce the Python port
of Scholz's own code, which gives the EU emissions medians 8.416, 9.611, 9.962, 9.962, 9.962,
7.472, 8.825, 9.671; the published Table 2 differs only in round 2):

``probability``
    ``"scholz"`` (default): Σ_k max(0, v_k(i, j)) over Σ_k Σ_a Σ_b |v_k(a, b)|, the all-pairs
    denominator of Scholz's code; ``"bdm"``: Σ_{k: v>0} v_k / Σ_k |v_k| for the pair
    ([BDM1985]); ``"dmasad"``: max(Σ_k v_k, 0) / Σ_k |v_k|.
``delta``
    ``"initial"`` (default): max − min of the initial positions, fixed for all rounds;
    ``"scale"``: the issue's scale width.
``vote_risk``
    ``"own"`` (default): each voter's vote uses its own risk exponent; ``"one"``: r = 1.
``capitulation``
    ``"replication"`` (default): the port's test never fires (``eu_ji < abs(eu_ji)``);
    ``"corrected"``: i capitulates when |EU_i| > EU_j > 0 > EU_i ([Scholz2011], sec. 3).
``offer_rule``
    ``"scholz"`` (default): conflicts first (closest proposer), then compromises (smallest
    |EU|-weighted mean of the two positions), then capitulations; ``"closest"``: among all
    credible offers the one needing the least move ([BDM1997]).
``rounds`` and ``stop_after``
    a fixed number of rounds (default 10), or stop once the median has not changed for
    ``stop_after`` rounds ([BDM1994] gives no threshold; [Scholz2011] ran 8).
"""

from .kernel import (
    EUResult,
    Schedule,
    expected_utilities,
    risk_exponents,
    run_expected_utility,
    success_probability,
)
from .model import ExpectedUtility

__all__ = [
    "ExpectedUtility",
    "run_expected_utility",
    "EUResult",
    "Schedule",
    "risk_exponents",
    "success_probability",
    "expected_utilities",
]
