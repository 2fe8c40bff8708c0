"""Close pairs at one step by a uniform grid hash, compiled with numba when it is installed.

This is the hot loop of the screen (a profile of the k-d tree version spent
three quarters of its time building trees and gathering pair states). Points go
into cubic cells as wide as the gate; a pair closer than the gate lies in the
same cell or in one of 13 "forward" neighbours, so each pair of cells is
visited once. For every pair inside the gate the straight-line closest approach
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

#: Cell coordinates are packed 21 bits each into one int64 key.
_BITS = 21
_OFFSET = 1 << (_BITS - 1)
_MASK = (1 << _BITS) - 1
#: Forward half of the 26 neighbour offsets: each unordered pair of cells once.
_FORWARD = np.array(
    [
        (dx, dy, dz)
        for dx in (-1, 0, 1)
        for dy in (-1, 0, 1)
        for dz in (-1, 0, 1)
        if (dx, dy, dz) > (0, 0, 0)
    ],
    dtype=np.int64,
)


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


def _slot(key: Any, size: int) -> int:
    """Table slot of a cell key: the key's bits mixed (the low bits alone hold only z)."""
    x = key ^ (key >> 29)
    x = x * 0x1CE4E5B9
    x = x ^ (x >> 32)
    return int(x & (size - 1))


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
    forward: NDArray[np.int64],
    out_i: NDArray[np.int64],
    out_j: NDArray[np.int64],
    out_f: NDArray[np.float64],
) -> tuple[int, int]:
    n = pos.shape[0]
    inv = 1.0 / gate
    gate2 = gate * gate
    size = 1
    while size < 2 * n + 2:
        size *= 2
    # Cells live in an open-addressing table (no sort: a counting pass, a prefix sum
    # and a scatter put the points of each cell next to each other).
    table_key = np.full(size, -1, dtype=np.int64)
    table_count = np.zeros(size, dtype=np.int64)
    slot_of = np.full(n, -1, dtype=np.int64)
    for p in range(n):
        if not active[p]:
            continue
        cx = np.int64(np.floor(pos[p, 0] * inv)) + _OFFSET
        cy = np.int64(np.floor(pos[p, 1] * inv)) + _OFFSET
        cz = np.int64(np.floor(pos[p, 2] * inv)) + _OFFSET
        key = (cx << (2 * _BITS)) | (cy << _BITS) | cz
        h = _slot(key, size)
        while table_key[h] != -1 and table_key[h] != key:
            h = (h + 1) & (size - 1)
        table_key[h] = key
        table_count[h] += 1
        slot_of[p] = h
    table_start = np.zeros(size, dtype=np.int64)
    total = 0
    for h in range(size):
        table_start[h] = total
        total += table_count[h]
    cursor = table_start.copy()
    order = np.empty(total, dtype=np.int64)
    for p in range(n):
        h = slot_of[p]
        if h >= 0:
            order[cursor[h]] = p
            cursor[h] += 1
    # Copies in cell order: the pair loops then read memory nearly sequentially.
    sp = np.empty((total, 3))
    sv = np.empty((total, 3))
    sa = np.empty(total)
    si = np.empty(total, dtype=np.int64)
    sq = np.empty(total, dtype=np.bool_)
    for q in range(total):
        p = order[q]
        sp[q, 0], sp[q, 1], sp[q, 2] = pos[p, 0], pos[p, 1], pos[p, 2]
        sv[q, 0], sv[q, 1], sv[q, 2] = vel[p, 0], vel[p, 1], vel[p, 2]
        sa[q] = allowance[p]
        si[q] = ident[p]
        sq[q] = primary[p]
    count = 0
    in_gate = 0
    capacity = out_i.shape[0]
    for c in range(size):
        if table_count[c] == 0:
            continue
        key = table_key[c]
        cx = (key >> (2 * _BITS)) & _MASK
        cy = (key >> _BITS) & _MASK
        cz = key & _MASK
        for nb in range(-1, forward.shape[0]):
            if nb < 0:
                d = c
            else:
                nx = cx + forward[nb, 0]
                ny = cy + forward[nb, 1]
                nz = cz + forward[nb, 2]
                nkey = (nx << (2 * _BITS)) | (ny << _BITS) | nz
                h = _slot(nkey, size)
                d = -1
                while table_key[h] != -1:
                    if table_key[h] == nkey:
                        d = h
                        break
                    h = (h + 1) & (size - 1)
                if d < 0:
                    continue
            end_a = table_start[c] + table_count[c]
            end_b = table_start[d] + table_count[d]
            for a in range(table_start[c], end_a):
                start_b = a + 1 if nb < 0 else table_start[d]
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
                            out_i[count] = min(order[a], order[b])
                            out_j[count] = max(order[a], order[b])
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
        global _slot
        _slot = _numba.njit(cache=True, inline="always")(_slot)
        _compiled = _numba.njit(cache=True, nogil=True, boundscheck=False)(_kernel)
    return _compiled


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
            _FORWARD,
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
