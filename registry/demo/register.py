"""The shipped demo register (``registry/data/demo/gcat-register.csv.gz``) as typed records.

The file is GCAT's payload catalogue (GCAT, J. McDowell, planet4589.org/space/gcat, CC BY 4.0),
reduced by :mod:`registry.demo.derive_gcat` to one row per payload. A record carries the object
as GCAT catalogues it and, where GCAT found a UN document symbol, the registration as the State
declared it (State, symbol, nodal period, perigee, apogee, inclination). Fields psatcat does not
carry are listed per record in ``not_in_source`` ("not in source", never "missing").

>>> records = load_demo_register()
>>> sputnik = next(r for r in records if r.norad_id == 2)
>>> sputnik.international_designator, sputnik.designator_legacy, sputnik.state_code
('1957 ALP 2', True, 'SUN')
>>> sputnik.document_symbol, sputnik.perigee_km, sputnik.apogee_km
('A/AC.105/INF.002', 227.0, 947.0)
>>> "launch_site" in sputnik.not_in_source
True
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Set
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from registry.objects.schemas import ObjectIn
from registry.validation import ValidationContext

#: The shipped file.
DEMO_REGISTER = Path(__file__).resolve().parents[1] / "data" / "demo" / "gcat-register.csv.gz"

CREDIT = "GCAT, J. McDowell, planet4589.org/space/gcat (CC BY 4.0)"

#: Object fields GCAT's psatcat never carries; every record lists them in ``not_in_source``.
GCAT_NOT_IN_SOURCE: tuple[str, ...] = (
    "national_registration_number",
    "launching_states",
    "launch_site",
    "launch_territory",
    "launch_vehicle",
    "orbit_epoch",
    "gso_longitude_deg",
    "owner_operator",
    "web_link",
    "status_body",
)

#: Columns of the derived file, in order.
COLUMNS: tuple[str, ...] = (
    "gcat_id",  # GCAT JCAT identifier (S00002)
    "international_designator",  # as GCAT writes it; pre-1963 Greek-letter form kept
    "designator_legacy",  # 1 for a pre-1963 designator
    "norad_id",  # from an S-catalogue JCAT; empty otherwise
    "name",  # GCAT's name; empty where GCAT has none
    "launch_date",  # UTC date
    "gcat_state",  # UNState as written: "US", "[CN]", "US*", "-"
    "gcat_state_code",  # the bare GCAT code: "US", "CN"; empty for "-"
    "state_code",  # our code (states.csv); empty when GCAT names none
    "state_bracketed",  # 1 when GCAT brackets the State: its expectation, not a registration
    "registered",  # 1 when UNReg holds a document symbol
    "document_symbol",  # as GCAT copied it (19 are malformed)
    "nodal_period_min",  # declared values, as GCAT copied them from the UN document
    "perigee_km",
    "apogee_km",
    "inclination_deg",
    "status",  # derived where psatcat says it (derive_gcat.status_of); else empty
    "status_date",
    "function",  # from GCAT Category and Class (derive_gcat.function_of)
    "function_detail",  # GCAT programme and comment
    "gcat_class",  # raw GCAT columns kept for reference
    "gcat_category",
    "gcat_result",
    "gcat_tlast",
    "gcat_top",
    "gcat_tdate",
    "gcat_tf",
    "not_in_source",  # space-separated object fields the source does not carry
)


class DemoRegisterError(ValueError):
    """The demo register file is malformed; the message names file, line and field."""


@dataclass(frozen=True, slots=True)
class DemoRecord:
    """One payload of the demo register."""

    gcat_id: str
    international_designator: str
    designator_legacy: bool
    norad_id: int | None
    name: str | None
    launch_date: datetime
    gcat_state: str
    gcat_state_code: str | None
    state_code: str | None
    state_bracketed: bool
    registered: bool
    document_symbol: str | None
    nodal_period_min: float | None
    perigee_km: float | None
    apogee_km: float | None
    inclination_deg: float | None
    status: str | None
    status_date: datetime | None
    function: str | None
    function_detail: str | None
    gcat_class: str | None
    gcat_category: str | None
    gcat_result: str | None
    gcat_tlast: str | None
    gcat_top: str | None
    gcat_tdate: str | None
    gcat_tf: str | None
    not_in_source: tuple[str, ...]

    @property
    def attributed_state(self) -> str | None:
        """The State GCAT expects to register the object (bracketed in GCAT), else None."""
        return self.state_code if self.state_bracketed else None

    def to_object_in(self) -> ObjectIn:
        """The record as the object JSON, for the validator and the loader.

        Text fields go through the schema's checks. The declared orbital values are carried
        exactly as declared, even where the API would refuse them (two GCAT registrations give
        a nodal period of 0), so that the validator reports them instead of losing them.
        """
        obj = ObjectIn(
            international_designator=self.international_designator,
            norad_id=self.norad_id,
            name=self.name,
            launch_date=self.launch_date,
            function=self.function,
            function_detail=self.function_detail,
            # ObjectIn has no "unknown" status; not_in_source says when this default is not GCAT's.
            status=self.status or "in_orbit",  # type: ignore[arg-type]
            status_date=self.status_date,
        )
        return obj.model_copy(
            update={
                "nodal_period_min": self.nodal_period_min,
                "perigee_km": self.perigee_km,
                "apogee_km": self.apogee_km,
                "inclination_deg": self.inclination_deg,
            }
        )

    def validation_context(
        self,
        known_states: frozenset[str],
        today: date,
        registered_by: Callable[[str], Set[str]] | None = None,
    ) -> ValidationContext:
        """The context for validating this record as a historical import.

        The State is the registering State for a registered record and GCAT's attributed State
        for an unregistered one; fields psatcat does not carry are not reported as missing.
        """
        ctx = ValidationContext(
            state=self.state_code,
            known_states=known_states,
            today=today,
            historical=True,
            not_in_source=frozenset(self.not_in_source),
        )
        return ctx if registered_by is None else replace(ctx, registered_by=registered_by)


def _utc_day(text: str) -> datetime:
    return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)


def _record(values: list[str], path: Path, line: int) -> DemoRecord:
    row = dict(zip(COLUMNS, values, strict=True))
    current = ""

    def text(name: str) -> str | None:
        nonlocal current
        current = name
        return row[name] or None

    def number(name: str) -> float | None:
        value = text(name)
        return None if value is None else float(value)

    def flag(name: str) -> bool:
        value = text(name)
        if value not in ("0", "1"):
            raise ValueError(f"{value!r} is not 0 or 1")
        return value == "1"

    try:
        launch = text("launch_date")
        if launch is None:
            raise ValueError("empty")
        launch_date = _utc_day(launch)
        norad = text("norad_id")
        norad_id = None if norad is None else int(norad)
        status_text = text("status_date")
        status_date = None if status_text is None else _utc_day(status_text)
        return DemoRecord(
            gcat_id=row["gcat_id"],
            international_designator=row["international_designator"],
            designator_legacy=flag("designator_legacy"),
            norad_id=norad_id,
            name=text("name"),
            launch_date=launch_date,
            gcat_state=row["gcat_state"],
            gcat_state_code=text("gcat_state_code"),
            state_code=text("state_code"),
            state_bracketed=flag("state_bracketed"),
            registered=flag("registered"),
            document_symbol=text("document_symbol"),
            nodal_period_min=number("nodal_period_min"),
            perigee_km=number("perigee_km"),
            apogee_km=number("apogee_km"),
            inclination_deg=number("inclination_deg"),
            status=text("status"),
            status_date=status_date,
            function=text("function"),
            function_detail=text("function_detail"),
            gcat_class=text("gcat_class"),
            gcat_category=text("gcat_category"),
            gcat_result=text("gcat_result"),
            gcat_tlast=text("gcat_tlast"),
            gcat_top=text("gcat_top"),
            gcat_tdate=text("gcat_tdate"),
            gcat_tf=text("gcat_tf"),
            not_in_source=tuple(row["not_in_source"].split()),
        )
    except ValueError as exc:
        raise DemoRegisterError(f"{path}:{line}: field {current!r}: {exc}") from None


def load_demo_register(path: Path = DEMO_REGISTER) -> list[DemoRecord]:
    """Every record of a demo register file (gzip CSV; ``#`` lines at the top are comments)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            lines = fh.read().splitlines()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DemoRegisterError(f"{path}: cannot read: {exc}") from None
    first = 0
    while first < len(lines) and lines[first].startswith("#"):
        first += 1
    if first == len(lines) or tuple(next(csv.reader([lines[first]]))) != COLUMNS:
        raise DemoRegisterError(f"{path}:{first + 1}: header is not the demo register's columns")
    records: list[DemoRecord] = []
    # No field contains a line break (derive_gcat writes GCAT's single-line values), so one
    # physical line is one record and the reported line number is exact.
    for number, values in enumerate(csv.reader(lines[first + 1 :]), start=first + 2):
        if len(values) != len(COLUMNS):
            raise DemoRegisterError(
                f"{path}:{number}: expected {len(COLUMNS)} fields, got {len(values)}"
            )
        records.append(_record(values, path, number))
    return records
