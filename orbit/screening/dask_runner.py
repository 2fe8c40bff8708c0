"""Running screening pieces on a Dask distributed cluster.

The pieces are pure top-level functions of picklable inputs, so a cluster runs them exactly as
local worker processes do: the results, and so the events, are identical. Start a scheduler and
workers on several hosts (see the README), then ``spacereg screen FILE --cluster tcp://host:8786``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

P = TypeVar("P")
R = TypeVar("R")


class DaskRunner:
    """A :class:`~orbit.screening.PieceRunner` that maps pieces over a Dask cluster."""

    def __init__(self, address: str | Any) -> None:
        from distributed import Client

        # An address string connects to a running scheduler; a LocalCluster object works too.
        self.client = Client(address)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, function: Callable[[P], R], pieces: Sequence[P]) -> Iterator[R]:
        from distributed import as_completed

        futures = self.client.map(function, list(pieces), pure=False)
        for future in as_completed(futures):
            yield future.result()

    def close(self) -> None:
        self.client.close()
