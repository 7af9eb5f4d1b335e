"""Small texts about the input syntax, importable without loading the scenario models."""

__all__ = ["SHOCK_SYNTAX"]

#: How a shock is written on the command line (parsed by
#: :func:`accord.scenario.shocks.parse_shock`).
SHOCK_SYNTAX = (
    "ACTOR:KIND[.ISSUE][=VALUE|*FACTOR][@ROUND], e.g. US:leave@3, RU:salience.territory=0.4@2"
)
