"""Optional compiled kernels: numba, where a hot loop earns it (issue 20's rule: at least 3×).

The numpy code stays the reference. A compiled kernel is an exact transcription of one numpy
loop, written in the subset of Python that numba compiles and tested bit-for-bit equal to the
reference (same operations in the same order, no ``fastmath``), so which path ran never shows
in a number: a case gives the same result alone (numpy) or in a batch (compiled).

``ACCORD_JIT=0`` turns every compiled kernel off; without numba (``pip install accord[fast]``)
they are off too. A kernel is compiled on its first call and cached on disk by numba
(``cache=True``), so later processes, and the Monte Carlo's workers, load it instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from importlib.util import find_spec
from typing import Any, TypeVar

__all__ = ["MIN_CASES", "compiled", "enabled", "inner"]

F = TypeVar("F", bound=Callable[..., Any])

#: A batch of fewer cases than this runs the numpy reference: importing numba (≈ 0.3 s) and
#: loading a kernel costs more than it saves on a single forecast.
MIN_CASES = 32

_KERNELS: dict[Callable[..., Any], Callable[..., Any]] = {}


@cache
def enabled() -> bool:
    """Whether compiled kernels run: numba is installed and ``ACCORD_JIT`` is not ``0``."""
    if os.environ.get("ACCORD_JIT", "1").strip().lower() in {"0", "false", "no", "off"}:
        return False
    return find_spec("numba") is not None


def compiled(fn: F) -> F | None:
    """numba's ``njit`` of ``fn`` (compiled on first call, cached on disk), or None when
    compiled kernels are off (:func:`enabled`)."""
    if not enabled():
        return None
    kernel = _KERNELS.get(fn)
    if kernel is None:
        import numba

        kernel = numba.njit(cache=True, nogil=True, error_model="numpy")(fn)
        _KERNELS[fn] = kernel
    return kernel  # type: ignore[return-value]


def inner(fn: F) -> F:
    """Decorator for a function that a compiled kernel calls: its ``njit`` when compiled
    kernels are on (numba compiles it into the kernel), else ``fn`` unchanged. It imports
    numba, so only modules loaded on the compiled path use it."""
    if not enabled():
        return fn
    import numba

    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)  # type: ignore[return-value]
