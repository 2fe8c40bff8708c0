"""The validator, applied to submissions with what the register knows.

The rules themselves are pure and live in :mod:`registry.validation`; this module gathers their
context from the database (known States, who already registered what) and turns errors into a
rejection naming every offending field.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from registry import validation
from registry.errors import N_, ValidationFailed, field_error, model_errors
from registry.objects.models import Registration, SpaceObject
from registry.objects.records import REGISTRATION_FIELDS
from registry.objects.schemas import ObjectIn
from registry.states.models import State
from registry.submissions.schemas import AmendmentCreate

#: Codes about registering an object anew; an amendment changes a registration that exists.
REGISTRATION_ONLY_CODES = frozenset({"registration.duplicate", "registration.other_state"})


def is_legacy_designator(designator: str) -> bool:
    return validation.designator_kind(designator) == "legacy"


async def known_states(session: AsyncSession) -> frozenset[str]:
    return frozenset((await session.execute(sa.select(State.code))).scalars())


async def registered_by(session: AsyncSession, designators: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for start in range(0, len(designators), 500):
        chunk = designators[start : start + 500]
        rows = await session.execute(
            sa.select(SpaceObject.international_designator, Registration.state_code)
            .join(Registration, Registration.object_id == SpaceObject.id)
            .where(SpaceObject.international_designator.in_(chunk))
        )
        for designator, state in rows:
            found.setdefault(designator, set()).add(state)
    return found


async def context(
    session: AsyncSession, state_code: str, designators: list[str]
) -> validation.ValidationContext:
    holders = await registered_by(session, designators)
    return validation.ValidationContext(
        state=state_code,
        known_states=await known_states(session),
        today=datetime.now(UTC).date(),
        registered_by=lambda designator: holders.get(designator, set()),
    )


def _as_dicts(findings: list[validation.Finding]) -> list[dict[str, Any]]:
    return [f.as_dict() for f in findings]


async def object_findings(
    session: AsyncSession, state_code: str, objects: list[ObjectIn]
) -> list[list[dict[str, Any]]]:
    """Every finding per object, errors and warnings, rejecting nothing.

    Forms and bulk-upload previews show these before anything is written; the workflow goes
    through :func:`validate_objects`, which applies the same checks and rejects on errors.
    """
    ctx = await context(session, state_code, [o.international_designator for o in objects])
    per_object = [_as_dicts(validation.validate_object(o, ctx)) for o in objects]
    seen: dict[str, int] = {}
    for i, obj in enumerate(objects):
        if obj.international_designator in seen:
            per_object[i].append(
                field_error(
                    "international_designator",
                    "designator.duplicate_in_submission",
                    N_("%(designator)s appears already as object %(position)s"),
                    designator=obj.international_designator,
                    position=str(seen[obj.international_designator] + 1),
                )
            )
        seen.setdefault(obj.international_designator, i)
    return per_object


async def validate_objects(
    session: AsyncSession, state_code: str, objects: list[ObjectIn]
) -> list[list[dict[str, Any]]]:
    """Findings per object; raises ValidationFailed (nothing written) when any is an error."""
    per_object = await object_findings(session, state_code, objects)
    errors = [
        {**f, "field": f"objects[{i}].{f['field']}"}
        for i, found in enumerate(per_object)
        for f in found
        if f["severity"] == "error"
    ]
    if errors:
        raise ValidationFailed(
            f"{len(errors)} error(s) in {len({e['field'].split('.')[0] for e in errors})} object(s)",
            errors,
        )
    return per_object


def parsed_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """The amendment's changes as typed values, through the same strict object model."""
    model = ObjectIn.model_validate_json(
        json.dumps({"international_designator": "2000-001A", **changes})
    )
    return {name: getattr(model, name) for name in changes}


async def validate_amendment(
    session: AsyncSession, obj: SpaceObject, registration: Registration, body: AmendmentCreate
) -> list[dict[str, Any]]:
    unknown = sorted(
        set(body.changes) - set(ObjectIn.model_fields)
        | ({"international_designator"} & set(body.changes))
    )
    if unknown:
        raise ValidationFailed(
            "unknown or unchangeable fields",
            [
                field_error(
                    f"changes.{name}",
                    "amendment.field_unknown",
                    N_("%(field)s cannot be amended"),
                    field=name,
                )
                for name in unknown
            ],
        )
    current = {
        name: getattr(registration, name)
        for name in REGISTRATION_FIELDS
        if name in ObjectIn.model_fields
    }
    current.update(
        {
            name: getattr(obj, name)
            for name in (
                "norad_id",
                "name",
                "launch_date",
                "launch_site",
                "launch_territory",
                "launch_vehicle",
                "status",
                "status_date",
                "status_body",
            )
        }
    )
    merged = {k: v for k, v in current.items() if v is not None}
    merged = ObjectIn.model_validate(
        {"international_designator": obj.international_designator, **merged}, strict=False
    ).model_dump(mode="json")
    try:
        amended = ObjectIn.model_validate_json(json.dumps({**merged, **body.changes}))
    except ValidationError as exc:
        raise ValidationFailed(
            "invalid changes",
            model_errors(exc, prefix="changes."),
        ) from exc
    if body.amendment_type == "transfer" and not body.new_state_of_registry:
        raise ValidationFailed(
            "transfer needs the new State",
            [
                field_error(
                    "new_state_of_registry",
                    "transfer.state_required",
                    N_("name the new State of registry"),
                )
            ],
        )
    ctx = await context(session, registration.state_code, [])
    found = [
        f
        for f in _as_dicts(validation.validate_object(amended, ctx))
        if f["code"] not in REGISTRATION_ONLY_CODES
    ]
    errors = [{**f, "field": f"changes.{f['field']}"} for f in found if f["severity"] == "error"]
    if errors:
        raise ValidationFailed(f"{len(errors)} error(s) in the amended record", errors)
    return found
