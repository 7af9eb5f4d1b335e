"""Background analysis jobs with progress, for the dashboard (one worker thread per job)."""

from __future__ import annotations

import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Job", "JobQueue"]


@dataclass
class Job:
    id: str
    kind: str
    scenario: str
    status: str = "queued"  # queued, running, done, failed
    progress: float = 0.0
    message: str = ""
    result: Any = None
    error: str | None = None
    run_id: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def report(self, fraction: float, message: str = "") -> None:
        with self._lock:
            self.progress = max(0.0, min(1.0, fraction))
            self.message = message

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "scenario": self.scenario, "status": self.status,
                "progress": self.progress, "message": self.message, "result": self.result,
                "error": self.error, "run_id": self.run_id}


class JobQueue:
    def __init__(self, max_jobs: int = 200):
        self.jobs: dict[str, Job] = {}
        self.max_jobs = max_jobs
        self._lock = threading.Lock()

    def submit(self, kind: str, scenario: str, work: Callable[[Job], Any]) -> Job:
        job = Job(uuid.uuid4().hex[:12], kind, scenario)
        with self._lock:
            if len(self.jobs) >= self.max_jobs:  # forget the oldest finished jobs
                for jid in [j.id for j in self.jobs.values() if j.status in ("done", "failed")][: self.max_jobs // 2]:
                    self.jobs.pop(jid, None)
            self.jobs[job.id] = job

        def run() -> None:
            job.status = "running"
            try:
                job.result = work(job)
                job.progress = 1.0
                job.status = "done"
            except Exception as exc:  # reported to the page, never crashes the server
                job.error = f"{type(exc).__name__}: {exc}"
                job.status = "failed"
                job.message = traceback.format_exc(limit=2)

        threading.Thread(target=run, name=f"accord-job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)
