"""Request bodies for submissions and amendments (strict input models, never table models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from registry.objects.schemas import ObjectIn, ShortText, StateCode, StrictModel

NoteText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=4000, pattern=r"^[^\x00\x7f]*$")
]
MAX_OBJECTS = 1000


class SubmissionCreate(StrictModel):
    objects: list[ObjectIn] = Field(min_length=1, max_length=MAX_OBJECTS)
    #: Required when the secretariat enters a submission on a State's behalf; a State officer's
    #: submissions are always for the officer's own State.
    state: StateCode | None = None
    note_verbale_date: date | None = None
    received_at: datetime | None = None
    note: NoteText | None = None


class SubmissionUpdate(StrictModel):
    objects: list[ObjectIn] | None = Field(default=None, min_length=1, max_length=MAX_OBJECTS)
    note_verbale_date: date | None = None
    received_at: datetime | None = None
    note: NoteText | None = None


AmendmentType = Literal[
    "additional_information", "change_of_status", "correction", "change_of_supervision", "transfer"
]


class AmendmentCreate(StrictModel):
    international_designator: ShortText
    amendment_type: AmendmentType
    #: Fields of the object JSON with their new values (only those that change).
    changes: dict[str, Any] = Field(min_length=1, max_length=40)
    #: For a transfer: the new State of registry.
    new_state_of_registry: StateCode | None = None
    #: Secretariat entering an amendment on a State's behalf.
    state: StateCode | None = None
    note_verbale_date: date | None = None
    note: NoteText | None = None


class ReturnBody(StrictModel):
    note: NoteText = Field(min_length=1)


class PublishBody(StrictModel):
    #: The reviewer may override the series or number the register would choose.
    symbol: ShortText | None = None
