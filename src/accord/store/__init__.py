"""The run store: every analysis run saved with what is needed to reproduce it."""

from .db import DEFAULT_ENV, RunRecord, RunStore, default_url
from .diff import RunDiff, diff_runs

__all__ = ["RunStore", "RunRecord", "default_url", "DEFAULT_ENV", "RunDiff", "diff_runs"]
