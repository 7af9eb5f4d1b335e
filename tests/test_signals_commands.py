"""One Ctrl-C stops every long command within a second, at whatever stage it is, with exit
code 130 and nothing half-written (issue 18; `simulate` has its own, finer tests in
test_montecarlo.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEU = ROOT / "tests" / "data" / "deu3" / "deu3.tsv"

#: each runs well past the later signal (tens of seconds), so the signal always finds it working
COMMANDS = {
    "report": ["report", "ukraine-2025", "-o", "{out}", "--no-save"],
    "process": ["process", "ukraine-2025", "--runs", "8000", "--no-save"],
    "sensitivity": ["sensitivity", "ukraine-2025", "--method", "both"],
    "diff": ["diff", "ukraine-2024-11", "ukraine-2025-07", "--draws", "4000", "--runs", "400"],
    "backtest": ["backtest", str(DEU), "--scheme", "rolling"],
}


def _restore_sigint() -> None:  # a background job may have inherited SIGINT ignored
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [1.5, 3.0], ids=["early", "later"])
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_one_ctrl_c_stops_the_command_within_a_second(tmp_path, name, delay):
    out = tmp_path / "brief.html"
    args = [a.format(out=out) for a in COMMANDS[name]]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "accord", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
        preexec_fn=_restore_sigint,
    )
    time.sleep(delay)
    # each command is sized to run for tens of seconds: one that is done already was not
    # interrupted, and the test would prove nothing, so that is a failure (lengthen it)
    assert proc.poll() is None, f"{name} finished within {delay} s, before the signal"
    t0 = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    took = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    assert proc.returncode == 130, (proc.returncode, f"{took:.2f} s", err[-400:])
    # measured: 0.02-0.07 s; the bound leaves room for a loaded machine
    assert took < 2.0, f"{name} took {took:.2f} s to stop"
    assert "Traceback" not in err
    assert not out.exists()  # the brief is written at the end, in one step, or not at all
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def test_an_interrupt_lost_in_a_weakref_callback_is_delivered_again(monkeypatch):
    """Python prints "Exception ignored" for a KeyboardInterrupt raised in a finaliser or a
    weak-reference callback and runs on; the CLI hands it back to the main thread."""
    import weakref

    from accord.cli import _redeliver_lost_interrupts

    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)  # restored afterwards
    _redeliver_lost_interrupts()

    class Thing:
        pass

    def callback(_ref):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        thing = Thing()
        ref = weakref.ref(thing, callback)
        del thing  # the callback runs here, its interrupt "ignored"
        for _ in range(2000):  # the redelivered interrupt arrives within a few instructions
            time.sleep(0.0005)
    assert ref() is None


def test_an_interrupt_wrapped_in_another_error_still_counts_as_one():
    from accord.entry import interrupted as _interrupted

    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise RuntimeError("Error calling __set_name__") from exc
    except RuntimeError as wrapped:
        assert _interrupted(wrapped)
    assert not _interrupted(ValueError("a bug"))


#: Run in a fresh interpreter: a Ctrl-C (KeyboardInterrupt) raised while the command line's
#: libraries are being imported, the window a timed signal cannot aim at reliably.
_INTERRUPT_DURING_IMPORT = """
import sys
import accord.entry

class Interrupting:
    def find_spec(self, name, path=None, target=None):
        if name == "{module}":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupting())
accord.entry.main(["forecast", "ukraine-2025", "--no-save"])
"""


@pytest.mark.parametrize("module", ["click", "rich.table", "accord.cli.report"])
def test_a_ctrl_c_while_the_command_line_is_still_importing_exits_130_quietly(module):
    """`accord` and `python -m accord` enter through accord.entry, which imports the command line
    inside its own guard: an interrupt there exits 130 with one line, never a traceback. (What
    it cannot guard is Python's own start-up and `import accord` itself, the first ~0.2 s.)"""
    proc = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_DURING_IMPORT.format(module=module)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
        timeout=120,
    )
    assert proc.returncode == 130, (proc.returncode, proc.stderr[-600:])
    assert proc.stderr.strip() == "interrupted.", proc.stderr[-600:]
