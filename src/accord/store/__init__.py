"""The run store: every analysis run saved with what is needed to reproduce it."""

from .db import DEFAULT_ENV, SCHEMA_VERSION, RunRecord, RunStore, default_url
from .diff import RunDiff, diff_runs
from .review import ReviewStatus, ReviewStore

__all__ = [
    "DEFAULT_ENV",
    "SCHEMA_VERSION",
    "RunDiff",
    "RunRecord",
    "ReviewStatus",
    "ReviewStore",
    "RunStore",
    "default_url",
    "diff_runs",
]
