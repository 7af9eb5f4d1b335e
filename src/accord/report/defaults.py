"""The brief's defaults, in a module of their own so that the command line can show them
without importing the brief (and its charting libraries) at start-up."""

from __future__ import annotations

__all__ = ["DEFAULT_DRAWS", "DEFAULT_RUNS"]

#: The brief's Monte Carlo draws and process runs per process by default (`accord report` and
#: the dashboard's brief alike).
DEFAULT_DRAWS = 1000
DEFAULT_RUNS = 200
