"""Catalog propagation: many objects at many times through SGP4, chunked and on all cores.

:func:`propagate` returns one :class:`Ephemeris` for the whole request; :func:`iter_chunks`
yields it in time chunks for callers (conjunction screening) that cannot hold it all. Both
wrap :class:`CatalogPropagator`, which keeps its worker processes and their ``Satrec``
objects between calls.

How the hot path stays close to a bare ``SatrecArray.sgp4`` call:

* SGP4 runs in C++ over ``sgp4.api.SatrecArray`` into preallocated C-contiguous
  ``[objects, steps, 3]`` arrays (``SatrecArray._sgp4``, the routine its public ``sgp4``
  method calls after allocating), so no output is allocated or copied per call.
* The C++ loop holds the GIL, so parallel work runs in processes. A ``Satrec`` does not
  pickle: each worker rebuilds the catalog from the :class:`~orbit.elements.ElementSet`
  list once, at start-up. Workers write into a shared-memory output buffer (a file on
  ``/dev/shm`` mapped by every process and unlinked as soon as all have it open), so
  results are never pickled back; only (buffer, steps, block) task tuples cross the pipes.
* Work is cut into contiguous blocks of objects of roughly equal cost (deep-space
  objects cost ~1.5x near-Earth ones): a block of rows of a C-order ``[objects, steps, 3]``
  array is itself contiguous, which the C++ routine requires.
* :meth:`CatalogPropagator.iter_chunks` double-buffers: while the caller works on one
  chunk the workers fill the next.

Memory: :meth:`~CatalogPropagator.propagate` holds the whole result, 49 bytes per
satellite-epoch (r and v as float64, one error byte): 1.41 GB for 20,000 objects x 1,440
steps. :meth:`~CatalogPropagator.iter_chunks` holds ``buffers`` chunk buffers (default 2)
of at most ``max_chunk_bytes`` each (default 64 MiB, so 128 MiB in all), whatever the
length of the request; each process also holds its ``Satrec`` objects (~1.5 kB each).

Errors: SGP4 flags an object and time it cannot propagate with a code 1-6
(:data:`SGP4_ERRORS`); ``Ephemeris.error`` carries the code and ``r``/``v`` hold NaN there
(SGP4 itself returns a position with code 6, decayed: it is blanked). Mask with
``Ephemeris.ok`` (or ``error == 0``) before using positions.

>>> from datetime import datetime, timezone
>>> from orbit.elements import ElementSet
>>> iss = ElementSet(
...     norad_id=25544, designator="1998-067A", name="ISS (ZARYA)",
...     epoch=datetime(2019, 12, 9, 16, 38, 29, 363424, tzinfo=timezone.utc),
...     mean_motion=15.50103472, eccentricity=0.0007417, inclination_deg=51.6439,
...     raan_deg=211.2001, arg_perigee_deg=17.6667, mean_anomaly_deg=85.6398,
...     bstar=3.8792e-05, mean_motion_dot=1.764e-05)
>>> times = np.datetime64("2019-12-09T16:38") + np.arange(3) * np.timedelta64(1, "m")
>>> eph = propagate([iss], times)
>>> eph.r.shape, eph.error.tolist()
((1, 3, 3), [[0, 0, 0]])
>>> round(float(np.linalg.norm(eph.r[0, 0])))
6787
"""

from __future__ import annotations

import contextlib
import itertools
import math
import mmap
import multiprocessing
import os
import tempfile
import traceback
import weakref
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection, wait
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sgp4.api import SatrecArray

from orbit.elements import ElementSet

#: What the SGP4 error codes in ``Ephemeris.error`` mean (Vallado's SGP4, code 0 = no error).
SGP4_ERRORS: dict[int, str] = {
    1: "mean eccentricity outside 0 <= e < 1",
    2: "mean motion below zero",
    3: "perturbed eccentricity outside 0 <= e <= 1",
    4: "semi-latus rectum below zero",
    5: "epoch elements are sub-orbital",
    6: "orbit has decayed (radius below one Earth radius)",
}

#: Bytes per satellite-epoch in an output buffer: r and v as 3 float64 each, one error byte.
BYTES_PER_SATELLITE_EPOCH = 49
DEFAULT_MAX_CHUNK_BYTES = 64 * 1024 * 1024

# SDP4 (period >= 225 min) costs ~1.5x SGP4 per call (measured on the 2022-01-22 catalog);
# blocks are cut to equal cost so that no worker waits on one full of GEO objects.
_DEEP_SPACE_COST = 1.5
_DEEP_SPACE_PERIOD_MIN = 225.0
_JD_UNIX_EPOCH = 2440587.5
_NS_PER_DAY = 86_400_000_000_000
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

JulianDates = tuple[NDArray[np.float64], NDArray[np.float64]]
TimesLike = NDArray[np.datetime64] | Sequence[datetime] | tuple[Any, Any]


@dataclass(frozen=True, slots=True)
class Ephemeris:
    """Positions and velocities of many objects at many times (TEME, km and km/s).

    ``r[i, j]`` is object ``i`` (in the order of the element sets given) at time
    ``start + j`` of the request; ``error[i, j]`` is 0 where that state is valid and an
    SGP4 error code (:data:`SGP4_ERRORS`) where it is not (``r``/``v`` are NaN there).
    """

    r: NDArray[np.float64]  # [objects, steps, 3] km, TEME
    v: NDArray[np.float64]  # [objects, steps, 3] km/s, TEME
    error: NDArray[np.uint8]  # [objects, steps]
    jd: NDArray[np.float64]  # [steps] whole part of the UTC Julian dates
    fr: NDArray[np.float64]  # [steps] fractional part
    start: int = 0  # index of the first step within the whole request (chunks)

    @property
    def ok(self) -> NDArray[np.bool_]:
        """True where the state is valid."""
        return self.error == 0

    @property
    def steps(self) -> int:
        return int(self.jd.shape[0])


def julian_dates(times: TimesLike) -> JulianDates:
    """UTC times as (whole, fraction) Julian date arrays, the form SGP4 takes.

    Accepts a numpy ``datetime64`` array (UTC), a sequence of timezone-aware datetimes,
    or a ``(jd, fr)`` pair of arrays.

    >>> jd, fr = julian_dates(np.array(["2000-01-01T12:00"], dtype="datetime64[ns]"))
    >>> float(jd[0] + fr[0])
    2451545.0
    """
    if isinstance(times, tuple) and len(times) == 2:
        jd = np.ascontiguousarray(times[0], dtype=np.float64).reshape(-1)
        fr = np.ascontiguousarray(times[1], dtype=np.float64).reshape(-1)
        if jd.shape != fr.shape:
            raise ValueError(f"times: jd has {jd.shape[0]} values but fr has {fr.shape[0]}")
        return jd, fr
    if isinstance(times, np.ndarray) and np.issubdtype(times.dtype, np.datetime64):
        stamps = times.reshape(-1)
    else:
        stamps = np.array([_utc_datetime64(t, i) for i, t in enumerate(times)], "datetime64[ns]")
    if np.isnat(stamps).any():
        raise ValueError(f"times: NaT at index {int(np.flatnonzero(np.isnat(stamps))[0])}")
    ns = stamps.astype("datetime64[ns]").astype(np.int64)
    days, rest = np.divmod(ns, _NS_PER_DAY)
    return (days + _JD_UNIX_EPOCH).astype(np.float64), rest / _NS_PER_DAY


def _utc_datetime64(value: object, index: int) -> np.datetime64:
    if not isinstance(value, datetime):
        raise TypeError(f"times[{index}]: expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None:
        raise ValueError(f"times[{index}]: naive datetime {value.isoformat()}; give it a timezone")
    delta = value - _UNIX_EPOCH
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return np.datetime64(micros * 1000, "ns")


def propagate(
    elements: Sequence[ElementSet],
    times: TimesLike,
    *,
    processes: int = 1,
) -> Ephemeris:
    """Every object at every time, in one :class:`Ephemeris` (49 bytes per object-step)."""
    with CatalogPropagator(elements, processes=processes) as propagator:
        return propagator.propagate(times)


def iter_chunks(
    elements: Sequence[ElementSet],
    times: TimesLike,
    *,
    processes: int = 1,
    chunk_steps: int | None = None,
    max_chunk_bytes: int = DEFAULT_MAX_CHUNK_BYTES,
) -> Iterator[Ephemeris]:
    """Every object at every time, as consecutive time chunks (see :meth:`CatalogPropagator.iter_chunks`).

    The arrays of a chunk are reused for a later chunk: copy what you keep.
    """
    with CatalogPropagator(elements, processes=processes) as propagator:
        yield from propagator.iter_chunks(
            times, chunk_steps=chunk_steps, max_chunk_bytes=max_chunk_bytes
        )


class CatalogPropagator:
    """A catalog ready to propagate, in this process or in ``processes`` worker processes.

    Build it once and call :meth:`propagate` or :meth:`iter_chunks` as often as needed;
    close it (or use it as a context manager) to stop the workers. One call at a time.
    Workers start with ``spawn`` by default: ``fork`` starts faster but is unsafe in a
    process that already runs threads (a web server, polars' thread pool).
    """

    def __init__(
        self,
        elements: Sequence[ElementSet],
        *,
        processes: int = 1,
        blocks_per_process: int = 4,
        start_method: str = "spawn",
    ) -> None:
        if processes < 1:
            raise ValueError(f"processes: must be at least 1, got {processes}")
        self.elements = list(elements)
        self.processes = processes
        self.norad_ids = np.array([es.norad_id for es in self.elements], dtype=np.int64)
        self._busy = False
        self._array: SatrecArray | None = None
        self._pool: _WorkerPool | None = None
        if processes == 1 or len(self.elements) < 2:
            self._array = SatrecArray([es.to_satrec() for es in self.elements])
        else:
            bounds = block_bounds(self.elements, processes * blocks_per_process)
            self._pool = _WorkerPool(self.elements, bounds, processes, start_method)

    def __enter__(self) -> CatalogPropagator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self.elements)

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the workers (empty when propagating in this process)."""
        return [] if self._pool is None else [proc.pid for proc in self._pool.procs]

    def close(self) -> None:
        """Stop the worker processes (idempotent)."""
        if self._pool is not None:
            self._pool.close()

    def propagate(self, times: TimesLike) -> Ephemeris:
        """All objects at all ``times`` (49 bytes per object-step, see the module notes)."""
        jd, fr = julian_dates(times)
        n_obj, n_t = len(self.elements), jd.shape[0]
        self._enter_call()
        try:
            if self._pool is None or n_t == 0:
                r = np.empty((n_obj, n_t, 3))
                v = np.empty((n_obj, n_t, 3))
                e = np.empty((n_obj, n_t), dtype=np.uint8)
                if self._array is not None and n_obj and n_t:
                    _sgp4_into(self._array, jd, fr, e, r, v)
                return Ephemeris(r, v, e, jd, fr)
            buffer = _SharedBuffer(n_obj, n_t)
            try:
                self._pool.attach(buffer, jd, fr)
                buffer.unlink()
                # Whole-length blocks are few and long: hand them out as workers free up.
                self._pool.run(buffer.key, 0, n_t, max_outstanding=2)
                self._pool.wait(buffer.key)
            finally:
                self._pool.drain()
                self._pool.detach(buffer.key)
                buffer.unlink()
            r, v, e = buffer.views(n_t)
            return Ephemeris(r, v, e, jd, fr)
        finally:
            self._busy = False

    def iter_chunks(
        self,
        times: TimesLike,
        *,
        chunk_steps: int | None = None,
        max_chunk_bytes: int = DEFAULT_MAX_CHUNK_BYTES,
        buffers: int = 2,
    ) -> Iterator[Ephemeris]:
        """All objects at ``times``, as consecutive chunks of at most ``chunk_steps`` steps.

        ``chunk_steps`` defaults to what fits in ``max_chunk_bytes`` per buffer. A yielded
        chunk's arrays are valid until the next chunk is requested (the buffer is then
        refilled): copy what you keep. Peak memory is ``buffers`` chunk buffers.
        """
        jd, fr = julian_dates(times)
        n_obj, n_t = len(self.elements), jd.shape[0]
        if chunk_steps is None:
            chunk_steps = max(1, max_chunk_bytes // max(1, BYTES_PER_SATELLITE_EPOCH * n_obj))
        if chunk_steps < 1:
            raise ValueError(f"chunk_steps: must be at least 1, got {chunk_steps}")
        if buffers < 1:
            raise ValueError(f"buffers: must be at least 1, got {buffers}")
        if n_t == 0:
            return
        chunk_steps = min(chunk_steps, n_t)
        starts = list(range(0, n_t, chunk_steps))
        self._enter_call()
        try:
            if self._pool is None:
                yield from self._iter_chunks_here(jd, fr, starts, chunk_steps)
            else:
                yield from self._iter_chunks_pooled(jd, fr, starts, chunk_steps, buffers)
        finally:
            self._busy = False

    def _enter_call(self) -> None:
        if self._pool is not None and self._pool.closed:
            raise RuntimeError("CatalogPropagator: closed (or a worker failed); build a new one")
        if self._busy:
            raise RuntimeError("CatalogPropagator: a chunked iteration is still running")
        self._busy = True

    def _iter_chunks_here(
        self, jd: NDArray[np.float64], fr: NDArray[np.float64], starts: list[int], size: int
    ) -> Iterator[Ephemeris]:
        n_obj, n_t = len(self.elements), jd.shape[0]
        r_all = np.empty(n_obj * size * 3)
        v_all = np.empty(n_obj * size * 3)
        e_all = np.empty(n_obj * size, dtype=np.uint8)
        for t0 in starts:
            t1 = min(t0 + size, n_t)
            steps = t1 - t0
            r = r_all[: n_obj * steps * 3].reshape(n_obj, steps, 3)
            v = v_all[: n_obj * steps * 3].reshape(n_obj, steps, 3)
            e = e_all[: n_obj * steps].reshape(n_obj, steps)
            if self._array is not None and n_obj:
                _sgp4_into(self._array, jd[t0:t1], fr[t0:t1], e, r, v)
            yield Ephemeris(r, v, e, jd[t0:t1], fr[t0:t1], start=t0)

    def _iter_chunks_pooled(
        self,
        jd: NDArray[np.float64],
        fr: NDArray[np.float64],
        starts: list[int],
        size: int,
        n_buffers: int,
    ) -> Iterator[Ephemeris]:
        assert self._pool is not None
        pool, n_t = self._pool, jd.shape[0]
        ring = [_SharedBuffer(len(self.elements), size) for _ in starts[:n_buffers]]
        try:
            for buffer in ring:
                pool.attach(buffer, jd, fr)
                buffer.unlink()
            for k, t0 in enumerate(starts[: len(ring)]):
                pool.run(ring[k].key, t0, min(t0 + size, n_t))
            for k, t0 in enumerate(starts):
                buffer = ring[k % len(ring)]
                t1 = min(t0 + size, n_t)
                pool.wait(buffer.key)
                r, v, e = buffer.views(t1 - t0)
                yield Ephemeris(r, v, e, jd[t0:t1], fr[t0:t1], start=t0)
                # The caller is done with this buffer: queue the chunk that reuses it.
                ahead = k + len(ring)
                if ahead < len(starts):
                    a0 = starts[ahead]
                    pool.run(buffer.key, a0, min(a0 + size, n_t))
        finally:
            # Abandoned part-way: let queued tasks finish before the buffers go away.
            pool.drain()
            for buffer in ring:
                pool.detach(buffer.key)
                buffer.unlink()


def block_bounds(elements: Sequence[ElementSet], blocks: int) -> list[tuple[int, int]]:
    """Split the catalog into up to ``blocks`` contiguous runs of about equal SGP4 cost.

    >>> from datetime import datetime, timezone
    >>> from orbit.elements import ElementSet
    >>> t = datetime(2022, 1, 1, tzinfo=timezone.utc)
    >>> leo = ElementSet(1, None, None, t, 15.0, 0.001, 50.0, 0.0, 0.0, 0.0, 0.0)
    >>> geo = ElementSet(2, None, None, t, 1.0, 0.001, 0.1, 0.0, 0.0, 0.0, 0.0)
    >>> block_bounds([leo, leo, leo, geo, geo], 2)
    [(0, 3), (3, 5)]
    """
    n = len(elements)
    if n == 0:
        return []
    blocks = max(1, min(blocks, n))
    cost = np.array(
        [
            _DEEP_SPACE_COST
            if es.mean_motion <= 0 or 1440.0 / es.mean_motion >= _DEEP_SPACE_PERIOD_MIN
            else 1.0
            for es in elements
        ]
    )
    cumulative = np.cumsum(cost)
    targets = cumulative[-1] * np.arange(1, blocks) / blocks
    cuts = np.searchsorted(cumulative, targets, side="left") + 1
    edges = np.unique(np.concatenate(([0], np.clip(cuts, 1, n - 1), [n])))
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges)]


def _sgp4_into(
    array: SatrecArray,
    jd: NDArray[np.float64],
    fr: NDArray[np.float64],
    e: NDArray[np.uint8],
    r: NDArray[np.float64],
    v: NDArray[np.float64],
) -> None:
    """Run SatrecArray's C++ loop straight into the given C-contiguous outputs; NaN where it fails."""
    into = getattr(array, "_sgp4", None)
    if into is not None:
        into(jd, fr, e, r, v)
    else:  # a future sgp4 without the private entry point: correct, one extra copy
        e[...], r[...], v[...] = array.sgp4(jd, fr)
    # SGP4 still returns a position with some codes (6, decayed): blank it, so that a
    # caller who forgets the mask gets NaN rather than a plausible wrong position.
    if e.any():
        failed = e != 0
        r[failed] = np.nan
        v[failed] = np.nan


def _shared_directory() -> str | None:
    # tmpfs keeps the pages in memory; a disk-backed temp dir would write them out.
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


class _SharedBuffer:
    """r, v and error arrays for up to ``n_obj`` x ``capacity`` steps, in one shared mapping.

    Each section is packed from its start for the step count of the current chunk, so
    that a chunk shorter than ``capacity`` is still C-contiguous.
    """

    def __init__(self, n_obj: int, capacity: int) -> None:
        self.n_obj, self.capacity = n_obj, capacity
        size = max(1, BYTES_PER_SATELLITE_EPOCH * n_obj * capacity)
        directory = _shared_directory() or tempfile.gettempdir()
        # A mapped file on a full tmpfs kills the writer with SIGBUS: refuse up front instead.
        stats = os.statvfs(directory)
        free = stats.f_bavail * stats.f_frsize
        if size > free:
            raise MemoryError(
                f"an ephemeris buffer of {size / 2**20:.0f} MiB does not fit in {directory} "
                f"({free / 2**20:.0f} MiB free): use iter_chunks or fewer objects or steps"
            )
        fd, self.path = tempfile.mkstemp(prefix="spacereg-ephemeris-", dir=directory)
        try:
            os.ftruncate(fd, size)
            self.mm = mmap.mmap(fd, size)
        except BaseException:
            os.unlink(self.path)
            raise
        finally:
            os.close(fd)
        self.key = self.path
        self._unlinked = False
        weakref.finalize(self, _unlink_quietly, self.path)

    def unlink(self) -> None:
        if not self._unlinked:
            _unlink_quietly(self.path)
            self._unlinked = True

    def views(
        self, steps: int
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.uint8]]:
        return _buffer_views(self.mm, self.n_obj, self.capacity, steps)


def _buffer_views(
    mm: mmap.mmap, n_obj: int, capacity: int, steps: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.uint8]]:
    vector_bytes = 24 * n_obj * capacity
    count = n_obj * steps * 3
    r = np.frombuffer(mm, np.float64, count, 0).reshape(n_obj, steps, 3)
    v = np.frombuffer(mm, np.float64, count, vector_bytes).reshape(n_obj, steps, 3)
    e = np.frombuffer(mm, np.uint8, n_obj * steps, 2 * vector_bytes).reshape(n_obj, steps)
    return r, v, e


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


class _WorkerPool:
    """Worker processes, each holding the whole catalog as one SatrecArray per block.

    Tasks go to a chosen worker over its own pipe; any worker can run any block, so a
    worker slowed by other load simply gets fewer blocks.
    """

    def __init__(
        self,
        elements: list[ElementSet],
        bounds: list[tuple[int, int]],
        processes: int,
        start_method: str,
    ) -> None:
        context: Any = multiprocessing.get_context(start_method)
        self.bounds = bounds
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        for _ in range(processes):
            parent_end, child_end = context.Pipe(duplex=True)
            # The catalog goes over our own pipe, not in the start-up payload: the stdlib's
            # spawn hangs writing a payload above 64 kB to a child that died reading it.
            proc = context.Process(
                target=_worker_main, args=(child_end,), name="spacereg-sgp4", daemon=True
            )
            proc.start()
            child_end.close()
            self.conns.append(parent_end)
            self.procs.append(proc)
        self.outstanding = {id(c): 0 for c in self.conns}
        self.pending: deque[tuple[str, int, int, int]] = deque()
        self.remaining: dict[str, int] = {}
        self.max_outstanding = math.inf
        self._finalizer = weakref.finalize(self, _stop_workers, self.conns, self.procs)
        for conn in self.conns:
            self._send(conn, ("init", elements, bounds))
        for conn in self.conns:
            self._expect(conn, "ready")

    def close(self) -> None:
        self._finalizer()

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def attach(
        self, buffer: _SharedBuffer, jd: NDArray[np.float64], fr: NDArray[np.float64]
    ) -> None:
        """Have every worker map ``buffer`` (so that its file can be unlinked at once)."""
        message = ("attach", buffer.key, buffer.path, buffer.n_obj, buffer.capacity, jd, fr)
        for conn in self.conns:
            self._send(conn, message)
        for conn in self.conns:
            self._expect(conn, "attached")

    def detach(self, key: str) -> None:
        for conn in self.conns:
            with contextlib.suppress(OSError):  # a dead worker holds no mapping
                conn.send(("detach", key))

    def run(self, key: str, t0: int, t1: int, max_outstanding: float = math.inf) -> None:
        """Queue every block of steps ``t0:t1`` into buffer ``key``."""
        self.max_outstanding = max_outstanding
        self.remaining[key] = len(self.bounds)
        self.pending.extend((key, t0, t1, b) for b in range(len(self.bounds)))
        self._dispatch()

    def wait(self, key: str) -> None:
        while self.remaining.get(key, 0) > 0:
            self._receive()
        self.remaining.pop(key, None)

    def drain(self) -> None:
        """Drop queued tasks and wait for those already sent (no-op once closed)."""
        self.pending.clear()
        if self.closed:
            self.remaining.clear()
            return
        while any(self.outstanding.values()):
            self._receive()
        self.remaining.clear()

    def _dispatch(self) -> None:
        while self.pending:
            conn = min(self.conns, key=lambda c: self.outstanding[id(c)])
            if self.outstanding[id(conn)] >= self.max_outstanding:
                return
            self._send(conn, ("run", *self.pending.popleft()))
            self.outstanding[id(conn)] += 1

    def _receive(self) -> None:
        for conn in wait(self.conns):
            assert isinstance(conn, Connection)
            message = self._recv(conn)
            if message[0] != "done":
                raise RuntimeError(f"propagation worker sent {message[0]!r} unexpectedly")
            self.outstanding[id(conn)] -= 1
            key = message[1]
            if key in self.remaining:
                self.remaining[key] -= 1
        self._dispatch()

    def _died(self) -> RuntimeError:
        self.close()
        codes = [p.exitcode for p in self.procs]
        return RuntimeError(
            f"a propagation worker process died (exit codes {codes}); with the 'spawn' start"
            " method the main script must be importable (guard it with"
            " if __name__ == '__main__')"
        )

    def _send(self, conn: Connection, message: tuple[Any, ...]) -> None:
        try:
            conn.send(message)
        except OSError:
            raise self._died() from None

    def _expect(self, conn: Connection, kind: str) -> None:
        message = self._recv(conn)
        if message[0] != kind:
            raise RuntimeError(f"propagation worker sent {message[0]!r}, expected {kind!r}")

    def _recv(self, conn: Connection) -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = conn.recv()
        except (EOFError, OSError):
            raise self._died() from None
        if message[0] == "failed":
            self.close()
            raise RuntimeError(f"propagation worker failed:\n{message[1]}")
        return message


def _stop_workers(conns: list[Connection], procs: list[Any]) -> None:
    for conn in conns:
        with contextlib.suppress(OSError):
            conn.send(("stop",))
    for proc in procs:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=5)
    for conn in conns:
        conn.close()


def _worker_main(conn: Connection) -> None:
    """Worker loop: rebuild the Satrec blocks once, then fill buffers on request."""
    try:
        try:
            _, elements, bounds = conn.recv()
        except EOFError:
            return
        arrays = [SatrecArray([es.to_satrec() for es in elements[a:b]]) for a, b in bounds]
        del elements
        mapped: dict[str, tuple[mmap.mmap, int, int, NDArray[np.float64], NDArray[np.float64]]] = {}
        conn.send(("ready",))
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return  # the parent has gone
            kind = message[0]
            if kind == "run":
                _, key, t0, t1, block = message
                mm, n_obj, capacity, jd, fr = mapped[key]
                r, v, e = _buffer_views(mm, n_obj, capacity, t1 - t0)
                a, b = bounds[block]
                _sgp4_into(arrays[block], jd[t0:t1], fr[t0:t1], e[a:b], r[a:b], v[a:b])
                del r, v, e
                conn.send(("done", key, block))
            elif kind == "attach":
                _, key, path, n_obj, capacity, jd, fr = message
                with open(path, "r+b") as handle:
                    mm = mmap.mmap(handle.fileno(), 0)
                mapped[key] = (mm, n_obj, capacity, jd, fr)
                conn.send(("attached", key))
            elif kind == "detach":
                entry = mapped.pop(message[1], None)
                if entry is not None:
                    entry[0].close()
            elif kind == "stop":
                return
    except Exception:
        with contextlib.suppress(OSError):
            conn.send(("failed", traceback.format_exc()))
