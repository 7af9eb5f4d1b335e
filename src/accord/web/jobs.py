"""Background analysis jobs for the dashboard: a bounded pool with a queue limit, cancellation
and a time limit.

At most ``workers`` jobs run at once (threads of one ``ThreadPoolExecutor``) and at most
``max_queued`` more wait; beyond that :meth:`JobQueue.submit` raises :class:`QueueFull`.
Cancellation and the time limit are cooperative: every progress report (between the stages
of an analysis, between chunks of Monte Carlo draws) checks them and stops the job with
:class:`JobCancelled` / :class:`JobTimedOut`; a queued job that is cancelled never starts.
"""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FINISHED", "Job", "JobCancelled", "JobQueue", "JobTimedOut", "QueueFull"]

FINISHED = frozenset({"done", "failed", "cancelled"})


class JobCancelled(Exception):
    """Raised inside a job at its next check after it was cancelled."""


class JobTimedOut(JobCancelled):
    """Raised inside a job at its next check after its time limit passed."""


class QueueFull(Exception):
    """Too many jobs are running or waiting."""


@dataclass
class Job:
    id: str
    kind: str
    scenario: str
    status: str = "queued"  # queued, running, done, failed, cancelled
    progress: float = 0.0
    message: str = ""
    result: Any = None
    error: str | None = None
    run_id: str | None = None
    time_limit: float | None = None
    started: float | None = None
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _future: Future[Any] | None = field(default=None, repr=False)

    def check(self) -> None:
        """Stop here if the job was cancelled or ran out of time."""
        if self._cancel.is_set():
            raise JobCancelled("cancelled")
        if (
            self.time_limit is not None
            and self.started is not None
            and time.monotonic() - self.started > self.time_limit
        ):
            raise JobTimedOut(f"stopped after its time limit of {self.time_limit:g} s")

    def report(self, fraction: float, message: str = "") -> None:
        self.check()
        with self._lock:
            self.progress = max(0.0, min(1.0, fraction))
            self.message = message

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "scenario": self.scenario,
            "status": self.status,
            "progress": self.progress,
            "message": self.message,
            "result": self.result,
            "error": self.error,
            "run_id": self.run_id,
        }


class JobQueue:
    """The dashboard's jobs: ``workers`` at a time, ``max_queued`` waiting, ``time_limit`` each."""

    def __init__(
        self,
        workers: int = 2,
        *,
        max_queued: int = 8,
        time_limit: float | None = 600.0,
        max_jobs: int = 200,
    ):
        if workers < 1 or max_queued < 0:
            raise ValueError("workers must be at least 1 and max_queued at least 0")
        self.workers, self.max_queued, self.time_limit = workers, max_queued, time_limit
        self.jobs: dict[str, Job] = {}
        self.max_jobs = max_jobs
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="accord-job")

    def active(self) -> int:
        return sum(1 for j in self.jobs.values() if j.status not in FINISHED)

    def _forget_finished(self) -> None:
        if len(self.jobs) < self.max_jobs:
            return
        old = [j.id for j in self.jobs.values() if j.status in FINISHED][: self.max_jobs // 2]
        for jid in old:
            self.jobs.pop(jid, None)

    def submit(self, kind: str, scenario: str, work: Callable[[Job], Any]) -> Job:
        job = Job(uuid.uuid4().hex[:12], kind, scenario, time_limit=self.time_limit)
        with self._lock:
            if self.active() >= self.workers + self.max_queued:
                raise QueueFull(
                    f"{self.workers} jobs are running and {self.max_queued} are "
                    "waiting; try again when one has finished (or cancel one)"
                )
            self._forget_finished()
            self.jobs[job.id] = job
            job._future = self._pool.submit(self._run, job, work)
        return job

    @staticmethod
    def _run(job: Job, work: Callable[[Job], Any]) -> None:
        if job.cancel_requested:
            job.status = "cancelled"
            return
        job.started = time.monotonic()
        job.status = "running"
        try:
            job.check()
            result = work(job)
            job.check()
            job.result, job.progress, job.status = result, 1.0, "done"
        except JobTimedOut as exc:
            job.error, job.status = f"JobTimedOut: {exc}", "failed"
        except JobCancelled:
            job.error, job.status, job.message = "cancelled", "cancelled", "cancelled"
        except Exception as exc:  # noqa: BLE001 - reported to the page, never crashes the server
            job.error = f"{type(exc).__name__}: {exc}"
            job.status = "failed"
            job.message = traceback.format_exc(limit=2)

    def cancel(self, job_id: str) -> Job | None:
        """Ask a job to stop: a queued job never starts, a running one stops at its next check."""
        job = self.jobs.get(job_id)
        if job is None or job.status in FINISHED:
            return job
        job._cancel.set()
        if job._future is not None and job._future.cancel():
            job.status, job.error, job.message = "cancelled", "cancelled", "cancelled"
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def shutdown(self) -> None:
        """Cancel every job and stop the pool (the server is stopping)."""
        for job_id in list(self.jobs):
            self.cancel(job_id)
        self._pool.shutdown(wait=False, cancel_futures=True)
