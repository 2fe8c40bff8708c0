"""The object JSON: one space object as a State declares it (API, bulk upload, demo import).

Field names here are the public contract: the API's submission bodies, the CSV template's columns and
the read models use them. Input is strict: a string is never coerced into a number or a bool.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: Status values (Online Index vocabulary, plus the disposal and other-body cases).
STATUSES: tuple[str, ...] = (
    "in_orbit",
    "in_gso",
    "in_disposal_orbit",
    "decayed",
    "recovered",
    "deorbited",
    "landed",
    "orbiting_other_body",
    "beyond_earth_orbit",
)
Status = Literal[
    "in_orbit",
    "in_gso",
    "in_disposal_orbit",
    "decayed",
    "recovered",
    "deorbited",
    "landed",
    "orbiting_other_body",
    "beyond_earth_orbit",
]

#: Roles a launching State can play (Convention Art. I(a)).
LaunchingRole = Literal["launched", "procured", "territory", "facility"]

# Printable text only: PostgreSQL rejects NUL and control characters make no sense in a register.
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=120, pattern=r"^[^\x00-\x1f\x7f]*$")
]
StateCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=2, max_length=20, pattern=r"^[A-Z][A-Z0-9-]*$"
    ),
]


class StrictModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)


class LaunchingState(StrictModel):
    state: StateCode
    role: LaunchingRole = "launched"


class ObjectIn(StrictModel):
    """One object of a submission: Art. IV fields, then the GA res. 62/101 items."""

    # Art. IV(1)(b): designator (COSPAR international designator, or legacy form such as "1957 ALP 2")
    international_designator: ShortText
    national_registration_number: ShortText | None = None
    norad_id: Annotated[int, Field(ge=1, le=999_999_999)] | None = None
    name: ShortText | None = None
    # Art. IV(1)(a): launching States
    launching_states: list[LaunchingState] = Field(default_factory=list, max_length=20)
    # Art. IV(1)(c): date and territory or location of launch
    launch_date: datetime | None = None
    launch_site: ShortText | None = None
    launch_territory: StateCode | None = None
    launch_vehicle: ShortText | None = None
    # Art. IV(1)(d): basic orbital parameters
    nodal_period_min: Annotated[float, Field(gt=0, lt=1e7)] | None = None
    inclination_deg: Annotated[float, Field(ge=-360, le=360)] | None = None
    apogee_km: Annotated[float, Field(gt=-7000, lt=1e9)] | None = None
    perigee_km: Annotated[float, Field(gt=-7000, lt=1e9)] | None = None
    orbit_epoch: datetime | None = None
    # Art. IV(1)(e): general function; res. 62/101 detail
    function: Text | None = None
    function_detail: Text | None = None
    # GA res. 62/101 para 2
    gso_longitude_deg: Annotated[float, Field(ge=-180, le=360)] | None = None
    owner_operator: ShortText | None = None
    web_link: (
        Annotated[str, StringConstraints(max_length=500, pattern=r"^https?://[^\s\x00-\x1f]+$")]
        | None
    ) = None
    status: Status = "in_orbit"
    status_date: datetime | None = None
    status_body: ShortText | None = None  # the body orbited or landed on, where relevant


def object_from_stored(data: dict[str, object]) -> ObjectIn:
    """Rebuild an ObjectIn from its stored JSON form (strict mode reads dates only from JSON text)."""
    return ObjectIn.model_validate_json(json.dumps(data))
