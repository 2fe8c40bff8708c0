"""The scoring methodology file: thresholds, weights and labels, with its version.

Every number a criterion uses is read from ``compliance/data/methodology.toml`` through
:class:`Methodology`, so that a stored score can name the version it was computed with and a
reviewer can change a threshold in one place.

>>> m = load_methodology()
>>> m.version
'0.1.0'
>>> m.number("o2", "full_within_days")
90.0
>>> sum(m.state_weights.values())
100.0
>>> m.label(86.0, coverage=0.9), m.label(86.0, coverage=0.5)
('Leading', None)
>>> m.number("o2", "nonsense")
Traceback (most recent call last):
...
compliance.methodology.MethodologyError: methodology.toml: [o2] nonsense: missing
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

METHODOLOGY_FILE = Path(__file__).with_name("data") / "methodology.toml"

#: Object criteria in display order; ``O6G`` is the brief's O6' (GEO disposal, replaces O6 in GEO).
OBJECT_CRITERIA: tuple[str, ...] = (
    "O1",
    "O2",
    "O3",
    "O4",
    "O5",
    "O6",
    "O6G",
    "O7",
    "O8",
    "O9",
    "O10",
)
STATE_CRITERIA: tuple[str, ...] = ("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9")


class MethodologyError(ValueError):
    """The methodology file is unreadable or lacks a value; the message names file and field."""


@dataclass(frozen=True)
class Methodology:
    """A parsed methodology file."""

    version: str
    path: Path
    raw: Mapping[str, Any]
    object_weights: Mapping[str, float]
    state_weights: Mapping[str, float]

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.raw.get(name)
        if not isinstance(value, Mapping):
            raise MethodologyError(f"{self.path.name}: [{name}]: missing section")
        return value

    def value(self, section: str, key: str) -> Any:
        table = self.section(section)
        if key not in table:
            raise MethodologyError(f"{self.path.name}: [{section}] {key}: missing")
        return table[key]

    def number(self, section: str, key: str) -> float:
        value = self.value(section, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MethodologyError(
                f"{self.path.name}: [{section}] {key}: {value!r} is not a number"
            )
        return float(value)

    def strings(self, section: str, key: str) -> tuple[str, ...]:
        value = self.value(section, key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise MethodologyError(
                f"{self.path.name}: [{section}] {key}: expected a list of strings"
            )
        return tuple(value)

    @property
    def min_coverage(self) -> float:
        return self.number("scoring", "min_coverage")

    @property
    def wilson_z(self) -> float:
        return self.number("scoring", "wilson_z")

    def label(self, score_percent: float | None, *, coverage: float) -> str | None:
        """The label of a Verified score (0-100), or None when coverage is below the minimum."""
        if score_percent is None or coverage < self.min_coverage:
            return None
        for bound, name in self.value("scoring", "labels"):
            if score_percent >= bound:
                return str(name)
        return None


def _weights(
    path: Path, raw: Mapping[str, Any], section: str, ids: tuple[str, ...]
) -> dict[str, float]:
    table = raw.get(section)
    if not isinstance(table, Mapping):
        raise MethodologyError(f"{path.name}: [{section}]: missing section")
    out: dict[str, float] = {}
    for cid in ids:
        value = table.get(cid)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise MethodologyError(
                f"{path.name}: [{section}] {cid}: {value!r} is not a non-negative number"
            )
        out[cid] = float(value)
    extra = set(table) - set(ids)
    if extra:
        raise MethodologyError(f"{path.name}: [{section}]: unknown criteria {sorted(extra)}")
    return out


def parse_methodology(path: Path) -> Methodology:
    """Read and check a methodology file (weights complete, version present)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise MethodologyError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise MethodologyError(f"{path.name}: {exc}") from None
    version = raw.get("version")
    if not isinstance(version, str) or not version:
        raise MethodologyError(f"{path.name}: version: missing or not a string")
    return Methodology(
        version=version,
        path=path,
        raw=raw,
        object_weights=_weights(path, raw, "object_weights", OBJECT_CRITERIA),
        state_weights=_weights(path, raw, "state_weights", STATE_CRITERIA),
    )


@lru_cache(maxsize=4)
def load_methodology(path: Path = METHODOLOGY_FILE) -> Methodology:
    """The methodology (the shipped file unless another is named), parsed once per process."""
    return parse_methodology(path)
