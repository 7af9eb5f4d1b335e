"""The brief's helper lane: a call handed on but not started is run by the thread that needs
it (it would only wait), a started one is waited for; either way the same result."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from accord.report import analyses
from accord.threads import Lanes


def test_a_queued_call_is_taken_back_and_a_running_one_is_waited_for():
    gate, started = threading.Event(), threading.Event()
    lane = Lanes(1, "test-brief")
    try:
        ctx = SimpleNamespace(pending={})
        ctx.pending["busy"] = lane.submit(lambda: started.set() or (gate.wait(10) and "lane"))
        assert started.wait(10)
        ctx.pending["queued"] = lane.submit(lambda: "from the lane")
        where = []
        call = (lambda: where.append(threading.current_thread().name) or "here", (), {})
        assert analyses._result(ctx, "queued", call) == "here"
        assert where == [threading.current_thread().name]
        gate.set()
        assert analyses._result(ctx, "busy", call) == "lane"
        assert where == [threading.current_thread().name]  # the running call was not redone
        assert ctx.pending == {}
    finally:
        gate.set()
        lane.shutdown()
