"""Local worker processes that can always be ended at once.

The Monte Carlo's local workers (:func:`accord.simulation.montecarlo.simulate` with
``workers > 1``) run here rather than in :class:`concurrent.futures.ProcessPoolExecutor`,
whose manager and queue-feeder threads are joined when Python exits: once a Ctrl-C has ended
the workers in the middle of a message, such a thread can wait forever, and the Python API
never returns to the shell (issue 18). This pool has no thread at all:

1. each worker process gets its own pipe (no lock shared between processes, so a worker ended
   at any moment leaves nothing held);
2. the calling thread sends one task to each idle worker and waits for answers with
   :func:`multiprocessing.connection.wait` (a Ctrl-C interrupts that wait at once);
3. :meth:`WorkerPool.terminate` kills every worker and closes every pipe; nothing is left to
   join.

Which worker computes a task never changes its result: each task carries everything it
needs, so results are the same for any number of workers.
"""

from __future__ import annotations

import logging
import signal
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from multiprocessing import connection, get_context
from typing import Any, Generic, TypeVar

__all__ = ["WorkerDied", "WorkerPool", "serve"]

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: Seconds a worker gets to leave after SIGTERM (a normal close, or an interrupt) before it is
#: killed; a worker busy in numpy dies at once on SIGTERM, so this is rarely waited for.
TERMINATE_GRACE_S = 1.0


class WorkerDied(RuntimeError):
    """A worker process ended without answering (killed from outside, out of memory, ...)."""


class RemoteTraceback(Exception):
    """The traceback of an error raised in a worker, as text (the error's ``__cause__``)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def serve(conn: connection.Connection, fn: Callable[[Any], Any]) -> None:
    """A worker's loop: answer ``(number, task)`` with ``("ok", number, fn(task))`` or
    ``("error", number, exception, traceback text)`` until told ``None`` or the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        number, task = msg
        try:
            answer: tuple[Any, ...] = ("ok", number, fn(task))
        except Exception as exc:
            answer = ("error", number, exc, traceback.format_exc())
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return
        except Exception:  # an error that does not pickle: send its text instead
            conn.send(("error", number, RuntimeError(repr(answer[2])), answer[-1]))


class WorkerPool(Generic[T, R]):
    """``workers`` processes computing ``fn`` on tasks; see the module docstring.

    Use as a context manager: leaving the block normally closes the workers, leaving it by an
    exception (a Ctrl-C included) kills them at once.
    """

    def __init__(
        self,
        fn: Callable[[T], R],
        workers: int,
        *,
        context: str = "forkserver",
        preload: Sequence[str] = (),
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.fn = fn
        self.workers = workers
        self._ctx: Any = get_context(context)  # a concrete context: it has .Process
        if preload and context == "forkserver":
            self._ctx.set_forkserver_preload(list(preload))
        self._procs: list[Any] = []
        self._conns: list[connection.Connection] = []

    def __enter__(self) -> WorkerPool[T, R]:
        try:
            for _ in range(self.workers):
                here, there = self._ctx.Pipe(duplex=True)
                proc = self._ctx.Process(target=serve, args=(there, self.fn), daemon=True)
                self._procs.append(proc)
                self._conns.append(here)
                proc.start()
                there.close()
        except BaseException:
            self.terminate()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.close()
        else:
            self.terminate()

    def imap_unordered(self, tasks: Sequence[T]) -> Iterator[tuple[int, R]]:
        """Yield ``(task number, result)`` as tasks finish, in any order; an error in a task
        is raised here (with the worker's traceback as its cause)."""
        todo = deque(enumerate(tasks))
        idle = deque(self._conns)
        busy: dict[connection.Connection, int] = {}
        while todo or busy:
            while todo and idle:
                conn = idle.popleft()
                number, task = todo.popleft()
                busy[conn] = number
                self._send(conn, (number, task))
            for ready in connection.wait(list(busy)):
                assert isinstance(ready, connection.Connection)
                number = busy.pop(ready)
                answer = self._receive(ready, number)
                idle.append(ready)
                if answer[0] == "error":
                    exc, text = answer[2], answer[3]
                    raise exc from RemoteTraceback(text)
                yield answer[1], answer[2]

    def _send(self, conn: connection.Connection, msg: Any) -> None:
        try:
            conn.send(msg)
        except (BrokenPipeError, ConnectionError, EOFError) as exc:
            raise WorkerDied(self._died(conn)) from exc

    def _receive(self, conn: connection.Connection, number: int) -> tuple[Any, ...]:
        try:
            answer: tuple[Any, ...] = conn.recv()
        except (EOFError, ConnectionError) as exc:
            raise WorkerDied(self._died(conn, number)) from exc
        return answer

    def _died(self, conn: connection.Connection, number: int | None = None) -> str:
        proc = self._procs[self._conns.index(conn)]
        proc.join(TERMINATE_GRACE_S)
        what = "" if number is None else f" while computing task {number}"
        return f"a worker process ended{what} (exit code {proc.exitcode})"

    def close(self) -> None:
        """Tell every worker to leave, and wait for them briefly (then end them)."""
        for conn in self._conns:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        self._finish(kill=False)

    def terminate(self) -> None:
        """End every worker now, whatever it is doing; nothing is left to wait for."""
        self._finish(kill=True)

    def _finish(self, *, kill: bool) -> None:
        if kill:
            for proc in self._procs:
                if proc.pid is not None and proc.exitcode is None:
                    proc.terminate()
        for proc in self._procs:
            if proc.pid is None:
                continue
            proc.join(TERMINATE_GRACE_S)
            if proc.exitcode is None:
                log.warning(
                    "worker %d did not end within %.1f s: killed", proc.pid, TERMINATE_GRACE_S
                )
                proc.kill()
                proc.join(TERMINATE_GRACE_S)
        for conn in self._conns:
            conn.close()
        for proc in self._procs:
            if proc.exitcode is not None:
                proc.close()
        self._procs.clear()
        self._conns.clear()
