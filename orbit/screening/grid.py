"""Close pairs at one step on a uniform grid, compiled with numba when it is installed.

This is the hot loop of the screen (a profile of the k-d tree version spent
three quarters of its time building trees and gathering pair states). Points go
into cubic cells as wide as the gate, numbered x-major so that cells sorted by
number run along z within a (x, y) column. A pair closer than the gate lies in
the same cell or in one of its 13 "forward" neighbours, and those form five runs
of consecutive numbers: (x, y, z+1), (x, y+1, z-1..z+1) and (x+1, y-1..y+1,
z-1..z+1). Sorting the points by cell (a radix sort) therefore lets one sweep
find every neighbour run with pointers that only move forward: no search, no
hashing. For every pair inside the gate the straight-line closest approach
within the half step is computed on the spot, and only pairs within their
detection limit are written out.

Without numba, :data:`AVAILABLE` is ``False`` and the screen uses the k-d tree
path in :mod:`orbit.screening.candidates` instead (same results, slower).

>>> import numpy as np
>>> pos = np.array([[7000.0, 0.0, 0.0], [7000.0, 100.0, 0.0], [7000.0, 500.0, 0.0]])
>>> vel = np.array([[0.0, 7.5, 0.0], [0.0, -7.5, 0.0], [0.0, 7.5, 0.0]])
>>> found = close_pairs(pos, vel, None, np.zeros(3), np.arange(3), None, 270.0, 5.0, 15.0)
>>> found.i.tolist(), found.j.tolist(), found.tau.round(3).tolist(), found.in_gate
([0], [1], [6.667], 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

try:
    import numba as _numba
except ImportError:  # pragma: no cover - exercised only where numba is absent
    _numba = None  # type: ignore[assignment]

#: Whether the compiled kernel can be used (numba is installed).
AVAILABLE = _numba is not None

#: Radix-sort digit width (bits): three passes cover any catalog out to lunar distance.
_DIGIT = 12


@dataclass(frozen=True, slots=True)
class ClosePairs:
    """Rows ``i < j`` detected, straight-line offset ``tau`` (s) of their closest
    approach from the step, its distance ``dmin`` (km) and the relative speed ``vrel``
    (km/s); ``in_gate`` counts the pairs that were inside the gate."""

    i: NDArray[np.int64]
    j: NDArray[np.int64]
    tau: NDArray[np.float64]
    dmin: NDArray[np.float64]
    vrel: NDArray[np.float64]
    in_gate: int


def _radix_order(keys: NDArray[np.int64], largest: int) -> NDArray[np.int64]:
    """Indices that sort non-negative ``keys`` (stable LSD radix sort)."""
    n = keys.shape[0]
    order = np.arange(n)
    spare = np.empty(n, dtype=np.int64)
    width = 1 << _DIGIT
    shift = 0
    while (largest >> shift) > 0:
        count = np.zeros(width + 1, dtype=np.int64)
        for q in range(n):
            count[((keys[order[q]] >> shift) & (width - 1)) + 1] += 1
        for d in range(width):
            count[d + 1] += count[d]
        for q in range(n):
            d = (keys[order[q]] >> shift) & (width - 1)
            spare[count[d]] = order[q]
            count[d] += 1
        order, spare = spare, order
        shift += _DIGIT
    return order


def _kernel(
    pos: NDArray[np.float64],
    vel: NDArray[np.float64],
    active: NDArray[np.bool_],
    allowance: NDArray[np.float64],
    ident: NDArray[np.int64],
    primary: NDArray[np.bool_],
    use_primary: bool,
    gate: float,
    limit: float,
    half: float,
    out_i: NDArray[np.int64],
    out_j: NDArray[np.int64],
    out_f: NDArray[np.float64],
) -> tuple[int, int]:
    n = pos.shape[0]
    inv = 1.0 / gate
    gate2 = gate * gate
    rows = np.empty(n, dtype=np.int64)
    m = 0
    for p in range(n):
        if active[p]:
            rows[m] = p
            m += 1
    if m < 2:
        return 0, 0
    cell = np.empty((m, 3), dtype=np.int64)
    lo = np.full(3, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(3, np.iinfo(np.int64).min, dtype=np.int64)
    for q in range(m):
        for axis in range(3):
            coord = np.int64(np.floor(pos[rows[q], axis] * inv))
            cell[q, axis] = coord
            lo[axis] = min(lo[axis], coord)
            hi[axis] = max(hi[axis], coord)
    # One empty cell of padding on every side: neighbour numbers never wrap to another column.
    ny = hi[1] - lo[1] + 3
    nz = hi[2] - lo[2] + 3
    keys = np.empty(m, dtype=np.int64)
    for q in range(m):
        keys[q] = ((cell[q, 0] - lo[0] + 1) * ny + (cell[q, 1] - lo[1] + 1)) * nz + (
            cell[q, 2] - lo[2] + 1
        )
    largest = (hi[0] - lo[0] + 3) * ny * nz
    order = _radix_order(keys, largest)
    # Copies in cell order: the pair loops then read memory sequentially.
    sp = np.empty((m, 3))
    sv = np.empty((m, 3))
    sa = np.empty(m)
    si = np.empty(m, dtype=np.int64)
    sq = np.empty(m, dtype=np.bool_)
    sk = np.empty(m, dtype=np.int64)
    for q in range(m):
        p = rows[order[q]]
        for axis in range(3):
            sp[q, axis] = pos[p, axis]
            sv[q, axis] = vel[p, axis]
        sa[q] = allowance[p]
        si[q] = ident[p]
        sq[q] = primary[p]
        sk[q] = keys[order[q]]
    # Cells: runs of equal keys; cell_start has a sentinel at the end.
    cells = 1
    for q in range(1, m):
        if sk[q] != sk[q - 1]:
            cells += 1
    cell_key = np.empty(cells + 1, dtype=np.int64)
    cell_start = np.empty(cells + 1, dtype=np.int64)
    c = 0
    for q in range(m):
        if q == 0 or sk[q] != sk[q - 1]:
            cell_key[c] = sk[q]
            cell_start[c] = q
            c += 1
    cell_key[cells] = np.iinfo(np.int64).max
    cell_start[cells] = m
    plane = ny * nz
    # First key of each forward run, relative to the cell's own key; each run is 3 long
    # except the first, (x, y, z+1), which is 1 long.
    run_first = np.array([1, nz - 1, plane - nz - 1, plane - 1, plane + nz - 1])
    run_length = np.array([1, 3, 3, 3, 3])
    pointer = np.zeros(5, dtype=np.int64)
    count = 0
    in_gate = 0
    capacity = out_i.shape[0]
    for c in range(cells):
        key = cell_key[c]
        for r in range(-1, 5):
            if r < 0:
                first_b, end_b = -1, cell_start[c + 1]
            else:
                target = key + run_first[r]
                while cell_key[pointer[r]] < target:
                    pointer[r] += 1
                stop = pointer[r]
                while cell_key[stop] < target + run_length[r]:
                    stop += 1
                if stop == pointer[r]:
                    continue
                first_b, end_b = cell_start[pointer[r]], cell_start[stop]
            for a in range(cell_start[c], cell_start[c + 1]):
                start_b = a + 1 if r < 0 else first_b
                for b in range(start_b, end_b):
                    if use_primary and not (sq[a] or sq[b]):
                        continue
                    rx = sp[b, 0] - sp[a, 0]
                    ry = sp[b, 1] - sp[a, 1]
                    rz = sp[b, 2] - sp[a, 2]
                    r2 = rx * rx + ry * ry + rz * rz
                    if r2 > gate2 or si[a] == si[b]:
                        continue
                    in_gate += 1
                    vx = sv[b, 0] - sv[a, 0]
                    vy = sv[b, 1] - sv[a, 1]
                    vz = sv[b, 2] - sv[a, 2]
                    vv = vx * vx + vy * vy + vz * vz
                    tau = 0.0
                    if vv > 0.0:
                        tau = -(rx * vx + ry * vy + rz * vz) / vv
                        tau = min(max(tau, -half), half)
                    qx = rx + tau * vx
                    qy = ry + tau * vy
                    qz = rz + tau * vz
                    dmin = np.sqrt(qx * qx + qy * qy + qz * qz)
                    if dmin <= limit + sa[a] + sa[b]:
                        if count < capacity:
                            pa, pb = rows[order[a]], rows[order[b]]
                            out_i[count] = min(pa, pb)
                            out_j[count] = max(pa, pb)
                            out_f[count, 0] = tau
                            out_f[count, 1] = dmin
                            out_f[count, 2] = np.sqrt(vv)
                        count += 1
    return count, in_gate


_compiled: Any = None


def _compiled_kernel() -> Any:
    global _compiled
    if _compiled is None:
        if _numba is None:  # pragma: no cover - plain Python: correct, only slow
            return _kernel
        # cache=True keeps the machine code next to this file: later processes load
        # it in a fraction of a second instead of compiling for several seconds.
        global _radix_order
        _radix_order = _numba.njit(cache=True)(_radix_order)
        _compiled = _numba.njit(cache=True, nogil=True, boundscheck=False)(_kernel)
    return _compiled


def warm_up() -> None:
    """Compile the kernel now (or load it from numba's cache), e.g. before starting
    worker processes, so that they load the cached code instead of each compiling it."""
    two = np.zeros((2, 3))
    close_pairs(two, two, None, np.zeros(2), np.arange(2), None, 1.0, 1.0, 1.0)


def close_pairs(
    pos: NDArray[np.float64],
    vel: NDArray[np.float64],
    active: NDArray[np.bool_] | None,
    allowance: NDArray[np.float64],
    ident: NDArray[np.int64],
    primary: NDArray[np.bool_] | None,
    gate_km: float,
    limit_km: float,
    half_step_s: float,
    capacity: int = 4096,
) -> ClosePairs:
    """Pairs of rows inside ``gate_km`` whose straight-line approach within
    ``+-half_step_s`` comes within ``limit_km + allowance[i] + allowance[j]``.

    Rows with equal ``ident`` (the same NORAD id) are never paired; with
    ``primary`` given, only pairs with at least one primary row are considered.
    """
    n = pos.shape[0]
    act = np.ones(n, dtype=np.bool_) if active is None else active
    prim = np.zeros(n, dtype=np.bool_) if primary is None else primary
    kernel = _compiled_kernel()
    while True:
        out_i = np.empty(capacity, dtype=np.int64)
        out_j = np.empty(capacity, dtype=np.int64)
        out_f = np.empty((capacity, 3), dtype=np.float64)
        count, in_gate = kernel(
            pos,
            vel,
            act,
            allowance,
            ident,
            prim,
            primary is not None,
            gate_km,
            limit_km,
            half_step_s,
            out_i,
            out_j,
            out_f,
        )
        if count <= capacity:
            break
        capacity = 2 * count
    return ClosePairs(
        out_i[:count].copy(),
        out_j[:count].copy(),
        out_f[:count, 0].copy(),
        out_f[:count, 1].copy(),
        out_f[:count, 2].copy(),
        int(in_gate),
    )
