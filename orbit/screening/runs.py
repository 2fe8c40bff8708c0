"""Runs: consecutive screening steps at which one pair was detected close.

A detection says "at step ``k`` the straight-line relative motion of objects
``a`` and ``b`` comes within the detection distance inside the half step
around the sample". A fast pass makes a run of one or two steps; co-orbiting
objects make runs hours long. Runs are what the screen hands to refinement.

>>> import numpy as np
>>> runs = Runs.from_detections(
...     a=np.array([3, 1, 1, 1, 1]), b=np.array([4, 2, 2, 2, 2]),
...     k=np.array([7, 10, 11, 12, 20]), t=np.array([70.0, 101.0, 110.0, 121.0, 199.0]),
...     d=np.array([1.0, 4.0, 2.0, 3.0, 0.5]), v=np.array([9.0, 0.1, 0.1, 0.1, 12.0]))
>>> runs.a.tolist(), runs.b.tolist(), runs.k_first.tolist(), runs.k_last.tolist()
([1, 1, 3], [2, 2, 4], [10, 20, 7], [12, 20, 7])
>>> runs.t_best.tolist(), runs.d_best.tolist()
([110.0, 199.0, 70.0], [2.0, 0.5, 1.0])
>>> split = Runs.from_detections(
...     a=np.array([1, 1]), b=np.array([2, 2]), k=np.array([12, 13]),
...     t=np.array([121.0, 130.0]), d=np.array([3.0, 1.5]), v=np.array([0.1, 0.1]))
>>> merged = Runs.merge([runs.take(np.array([0])), split])
>>> merged.k_first.tolist(), merged.k_last.tolist(), merged.d_best.tolist()
([10], [13], [1.5])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Runs:
    """Per run: objects ``a < b`` (catalog indices), first and last step, and the step
    detection with the smallest straight-line miss: its time ``t_best`` (window
    seconds), miss ``d_best`` (km) and relative speed ``v_best`` (km/s)."""

    a: NDArray[np.int64]
    b: NDArray[np.int64]
    k_first: NDArray[np.int64]
    k_last: NDArray[np.int64]
    t_best: NDArray[np.float64]
    d_best: NDArray[np.float64]
    v_best: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.a.shape[0])

    @classmethod
    def empty(cls) -> Runs:
        i, f = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return cls(i, i.copy(), i.copy(), i.copy(), f, f.copy(), f.copy())

    def take(self, index: NDArray[np.integer]) -> Runs:
        return Runs(*(getattr(self, f.name)[index] for f in fields(self)))

    @property
    def length(self) -> NDArray[np.int64]:
        """Number of steps in each run."""
        return np.asarray(self.k_last - self.k_first + 1, dtype=np.int64)

    @classmethod
    def from_detections(
        cls,
        a: NDArray[np.integer],
        b: NDArray[np.integer],
        k: NDArray[np.integer],
        t: NDArray[np.float64],
        d: NDArray[np.float64],
        v: NDArray[np.float64],
    ) -> Runs:
        """Group single-step detections (any order, one per pair and step) into runs."""
        if len(a) == 0:
            return cls.empty()
        single = cls(
            np.asarray(a, dtype=np.int64),
            np.asarray(b, dtype=np.int64),
            np.asarray(k, dtype=np.int64),
            np.asarray(k, dtype=np.int64),
            np.asarray(t, dtype=np.float64),
            np.asarray(d, dtype=np.float64),
            np.asarray(v, dtype=np.float64),
        )
        return cls.merge([single])

    @classmethod
    def merge(cls, parts: Sequence[Runs]) -> Runs:
        """Join runs of the same pair that touch (one ends at step k, the next starts at k+1)."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        cat = cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))
        order = np.lexsort((cat.k_first, cat.b, cat.a))
        cat = cat.take(order)
        same_pair = (cat.a[1:] == cat.a[:-1]) & (cat.b[1:] == cat.b[:-1])
        touching = cat.k_first[1:] <= cat.k_last[:-1] + 1
        starts = np.flatnonzero(np.concatenate(([True], ~(same_pair & touching))))
        group = np.cumsum(np.concatenate(([True], ~(same_pair & touching)))) - 1
        # Best detection per group: the smallest d_best, found by sorting within groups.
        best_order = np.lexsort((cat.d_best, group))
        best = best_order[np.searchsorted(group[best_order], np.arange(len(starts)))]
        return cls(
            cat.a[starts],
            cat.b[starts],
            cat.k_first[starts],
            np.maximum.reduceat(cat.k_last, starts),
            cat.t_best[best],
            cat.d_best[best],
            cat.v_best[best],
        )
