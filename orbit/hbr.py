"""Hard-body radius (HBR) of catalogued objects, from NASA CARA's HBR/mass estimates.

The shipped table ``orbit/data/nasa-cara-hbr-20260601.csv.gz`` is derived by
:func:`build_hbr_table` from CARA's ``HBR_Mass_Estimates_20260601`` file
(NASA Open Source Agreement 1.3; notice in ``orbit/data/NOTICE-nasa-cara-hbr.txt``).
It keeps, per NORAD id, the HBR, its 1-sigma and the source CARA gives, in
CARA's priority order: CARA protected primary, CARA override, ESA DISCOS,
Space Fence (Kwajalein) RCS estimate, default.

CARA cannot distribute the DISCOS values, so objects whose source is DISCOS
carry no HBR in the table; like CARA's ``GetHBRMassEstimate.m`` we then use
CARA's default for an unknown object, :data:`DEFAULT_HBR_M` = 1.1 m, and say
so in the estimate's ``source``. The same default applies to an id the table
does not list.

Two objects combine as in Baars & Hall (2022), eq. 8:
``sqrt((R1 + R2)**2 + sigma1**2 + sigma2**2)``.

>>> table = load_hbr_table()
>>> table.lookup(25544)
HbrEstimate(norad_id=25544, hbr_m=66.1, hbr_sigma_m=0.0, source='CARA Protected Primary')
>>> table.lookup(999_999_999).source
'Default (not in the CARA table)'
>>> round(combined_hbr_m(table.lookup(25544), table.lookup(999_999_999)), 2)
67.2
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "DEFAULT_HBR_M",
    "HBR_TABLE_RESOURCE",
    "HbrEstimate",
    "HbrTable",
    "build_hbr_table",
    "combined_hbr_m",
    "load_hbr_table",
]

#: CARA's default HBR for an object of unknown size (GetHBRMassEstimate.m, "unknown" defaults).
DEFAULT_HBR_M = 1.1
#: File name of the shipped table inside the ``orbit.data`` package folder.
HBR_TABLE_RESOURCE = "nasa-cara-hbr-20260601.csv.gz"

#: One-letter codes the shipped table uses for CARA's HBRSource values.
_SOURCE_CODES = {
    "CARA Protected Primary": "P",
    "CARA Override": "O",
    "DISCOS DB": "D",
    "SFK RCS Estimate": "R",
    "Default": "F",
}
_SOURCE_NAMES = {code: name for name, code in _SOURCE_CODES.items()}
_HEADER = ("norad_id", "hbr_m", "hbr_sigma_m", "source")


@dataclass(frozen=True, slots=True)
class HbrEstimate:
    """One object's hard-body radius (m), its 1-sigma (m) and where it comes from."""

    norad_id: int
    hbr_m: float
    hbr_sigma_m: float
    source: str


def combined_hbr_m(first: HbrEstimate, second: HbrEstimate) -> float:
    """Effective combined HBR of two objects (Baars & Hall 2022, eq. 8), metres."""
    return math.hypot(first.hbr_m + second.hbr_m, first.hbr_sigma_m, second.hbr_sigma_m)


class HbrTable:
    """HBR look-up by NORAD id over the shipped (or any derived) table."""

    def __init__(self, ids: np.ndarray, hbr: np.ndarray, sigma: np.ndarray, codes: list[str]):
        order = np.argsort(ids, kind="stable")
        self._ids = ids[order]
        self._hbr = hbr[order]
        self._sigma = sigma[order]
        self._codes = [codes[i] for i in order]

    def __len__(self) -> int:
        return len(self._ids)

    @classmethod
    def from_file(cls, path: str | Path) -> HbrTable:
        """Read a table written by :func:`build_hbr_table` (gzip CSV)."""
        with gzip.open(path, "rt", encoding="ascii", newline="") as handle:
            return cls._from_rows(csv.reader(handle), str(path))

    @classmethod
    def _from_rows(cls, rows: Iterable[list[str]], source: str) -> HbrTable:
        reader = iter(rows)
        header = tuple(next(reader, ()))
        if header != _HEADER:
            raise ValueError(f"{source}, line 1: header {header!r}, expected {_HEADER!r}")
        ids: list[int] = []
        hbr: list[float] = []
        sigma: list[float] = []
        codes: list[str] = []
        for line, row in enumerate(reader, start=2):
            try:
                norad, value, spread, code = row
                ids.append(int(norad))
                hbr.append(float(value) if value else math.nan)
                sigma.append(float(spread) if spread else 0.0)
            except ValueError as error:
                raise ValueError(f"{source}, line {line}: {error}") from None
            if code not in _SOURCE_NAMES:
                raise ValueError(f"{source}, line {line}: unknown source code {code!r}")
            codes.append(code)
        return cls(np.array(ids, dtype=np.int64), np.array(hbr), np.array(sigma), codes)

    def lookup(self, norad_id: int) -> HbrEstimate:
        """The HBR estimate for one object; CARA's default when the table has no value."""
        index = int(np.searchsorted(self._ids, norad_id))
        if index >= len(self._ids) or self._ids[index] != norad_id:
            return HbrEstimate(norad_id, DEFAULT_HBR_M, 0.0, "Default (not in the CARA table)")
        source = _SOURCE_NAMES[self._codes[index]]
        value = float(self._hbr[index])
        if math.isnan(value):
            return HbrEstimate(
                norad_id, DEFAULT_HBR_M, 0.0, f"Default ({source} value not distributed)"
            )
        return HbrEstimate(norad_id, value, float(self._sigma[index]), source)


@lru_cache(maxsize=1)
def load_hbr_table() -> HbrTable:
    """The table shipped with spacereg (read once per process)."""
    resource = resources.files("orbit") / "data" / HBR_TABLE_RESOURCE
    with resource.open("rb") as raw, gzip.open(raw, "rt", encoding="ascii", newline="") as text:
        return HbrTable._from_rows(csv.reader(text), f"orbit/data/{HBR_TABLE_RESOURCE}")


def build_hbr_table(cara_csv: str | Path, out_path: str | Path) -> int:
    """Derive the shipped table from CARA's ``HBR_Mass_Estimates_*.csv``; returns the row count.

    Keeps ObjectID, HBR, HBRSigma and HBRSource (as a one-letter code), values
    copied as text so nothing is rounded; the gzip header carries no time stamp,
    so the same input gives the same bytes.
    """
    source = Path(cara_csv)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_HEADER)
    count = 0
    with source.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        needed = {"ObjectID", "HBR", "HBRSigma", "HBRSource"}
        missing = needed - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{source}, line 1: missing columns {sorted(missing)}")
        for line, row in enumerate(reader, start=2):
            code = _SOURCE_CODES.get(row["HBRSource"])
            if code is None:
                raise ValueError(f"{source}, line {line}: unknown HBRSource {row['HBRSource']!r}")
            try:
                norad = int(row["ObjectID"])
                for column in ("HBR", "HBRSigma"):
                    if row[column]:
                        float(row[column])
            except ValueError as error:
                raise ValueError(f"{source}, line {line}: {error}") from None
            writer.writerow((norad, row["HBR"], row["HBRSigma"], code))
            count += 1
    with (
        open(out_path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as packed,
    ):
        packed.write(out.getvalue().encode("ascii"))
    return count
