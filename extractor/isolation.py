"""Each document in a worker process with a time and a memory budget: whatever happens inside one
(an exception, a parser stuck on a hostile file, memory running out, a crash in C code) is that
document's outcome, and the batch goes on. Outcomes come as documents finish."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Budget:
    """Per document: wall-clock seconds and memory in MB (None: unlimited)."""

    seconds: float | None = None
    memory_mb: float | None = None


def die_with_parent(sig: int) -> None:
    """In a child process: ask Linux to send `sig` to it when the thread that started it ends (the
    tool's own death included, however it dies). Linux only; elsewhere nothing happens."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, sig)


def _data_bytes() -> int | None:
    """This process's private writable memory now (VmData), which RLIMIT_DATA counts."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


_BUDGET_BYTES: int | None = None  # in a worker: what one document may take, beyond what it holds


def _worker_init(memory_mb: float | None) -> None:
    # Ctrl-C reaches the whole process group: the parent decides what stops, not each worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform != "linux":
        return
    die_with_parent(signal.SIGKILL)
    if memory_mb is not None:
        global _BUDGET_BYTES
        _BUDGET_BYTES = int(memory_mb * 2**20)


def _within_budget(task: Callable[..., T], item: Any, *args: Any) -> T:
    """`task(item, *args)` with RLIMIT_DATA at what the worker holds now plus the budget, lifted
    again before the result goes back. The pool pickles a result after the task returns; under the
    limit that copy failed, and the worker died (exit status 1) or never answered. Measured per
    document: memory an earlier document freed but the heap kept is not this one's."""
    if _BUDGET_BYTES is None or (base := _data_bytes()) is None:
        return task(item, *args)
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = base + _BUDGET_BYTES
    if hard != resource.RLIM_INFINITY:  # RLIM_INFINITY is -1: no min() with it
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ValueError, OSError):
        return task(item, *args)
    try:
        return task(item, *args)
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _context() -> Any:
    # fork: a worker starts in milliseconds with the package already imported, and dies with the
    # thread that forked it (see die_with_parent).
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def run_isolated(
    task: Callable[..., T], items: list[Any], args: tuple[Any, ...], workers: int, budget: Budget,
    failed: Callable[[Any, str], T],
) -> Iterator[T]:
    """`task(item, *args)` for every item in `workers` processes, yielded as each finishes. An
    overrun of the time budget, a dead worker or a task that raised becomes `failed(item, why)`.
    Closing the iterator (Ctrl-C, SIGTERM, the consumer giving up) cancels what is queued and
    stops the workers at once."""
    from pebble import ProcessExpired, ProcessPool

    pool = ProcessPool(max_workers=max(1, workers), initializer=_worker_init, initargs=(budget.memory_mb,),
                       context=_context())
    futures: dict[cf.Future[T], tuple[int, Any]] = {}
    try:
        for i, item in enumerate(items):
            futures[pool.schedule(_within_budget, args=(task, item, *args), timeout=budget.seconds)] = (i, item)
        pending = set(futures)
        while pending:
            # A short wait, so that a signal handler in this (main) thread runs promptly.
            done, pending = cf.wait(pending, timeout=0.5, return_when=cf.FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: futures[f][0]):
                item = futures[fut][1]
                try:
                    yield fut.result()
                except cf.TimeoutError:
                    yield failed(item, f"over the time budget of {budget.seconds:g} s for one document "
                                       "(--document-timeout)")
                except ProcessExpired as exc:
                    yield failed(item, _expired(exc, budget))
                except Exception as exc:  # noqa: BLE001 - whatever a task raised is its item's outcome
                    # A MemoryError raised where the task itself could not catch it is the budget's.
                    over = isinstance(exc, MemoryError) and budget.memory_mb is not None
                    yield failed(item, over_memory(budget.memory_mb) if over else f"{type(exc).__name__}: {str(exc)[:300]}")
    finally:
        for fut in futures:
            fut.cancel()
        pool.stop()
        pool.join(timeout=10)


# How a worker dies when memory runs out outside Python's reach: the kernel's OOM killer, abort(),
# or a crash on a null pointer from a failed allocation.
_MEMORY_DEATHS = {signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS}


def _expired(exc: Any, budget: Budget) -> str:
    code = getattr(exc, "exitcode", None)
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        why = f"the worker reading it was killed ({name})"
        # Code in C that cannot hand a failed allocation back to Python aborts or crashes instead
        # of raising MemoryError (CPython's own fatal "cannot recover from MemoryError" included).
        memory = -code in _MEMORY_DEATHS
    else:
        why = f"the worker reading it died (exit status {code})"
        # Status 1: an exception escaped the worker's own loop, not the task (whose exceptions come
        # back as its result); under a memory budget, a MemoryError while it sent its result back.
        memory = code == 1
    if memory and budget.memory_mb is not None:
        why += f", most likely {over_memory(budget.memory_mb)}"
    return why


def over_memory(memory_mb: float) -> str:
    """A document's outcome when it needed more than its memory budget."""
    return f"over the memory budget of {memory_mb:g} MB for one document (--document-memory-mb)"
