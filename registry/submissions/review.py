"""What a reviewer (or the submitting State) sees of one submission before it is published.

For every object: the validator's findings split into errors and warnings; the States that already
hold a registration of the designator (double registration, Convention Art. II(2)); the declared
orbit against the observed one, from the element sets the register holds for the object (found by
designator, else by NORAD number); and for an amendment, each changed field's current value beside
the proposed one. Plus the submission's own audit trail and its issued document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from orbit import compare
from orbit.elements import ElementSet
from registry.accounts.principal import Principal
from registry.audit.models import AuditEntry
from registry.documents.models import Document
from registry.elementsets import service as elementsets
from registry.objects import service as objects
from registry.objects.models import Registration, SpaceObject
from registry.objects.schemas import ObjectIn, object_from_stored
from registry.submissions import checks, service
from registry.submissions.models import Submission, SubmissionItem


@dataclass(frozen=True)
class ObservedCheck:
    """Declared orbit against the register's element sets for the object."""

    #: The register object the declaration was matched to, if any.
    designator: str | None
    element_sets: int
    element_set: ElementSet | None
    comparison: compare.OrbitComparison | None

    @property
    def available(self) -> bool:
        return self.comparison is not None


@dataclass(frozen=True)
class Change:
    field: str
    current: Any
    proposed: Any


@dataclass
class ReviewItem:
    item: SubmissionItem
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    #: Other States holding a published registration of this designator.
    other_states: list[str]
    observed: ObservedCheck
    changes: list[Change] = field(default_factory=list)


@dataclass
class Review:
    submission: Submission
    items: list[ReviewItem]
    document: str | None
    history: list[AuditEntry]

    @property
    def double_registrations(self) -> list[ReviewItem]:
        return [i for i in self.items if i.other_states]


def _finding_groups(found: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], ...]:
    return (
        [f for f in found if f["severity"] == "error"],
        [f for f in found if f["severity"] != "error"],
    )


async def _object_for(
    session: AsyncSession, designator: str, norad_id: int | None
) -> SpaceObject | None:
    obj = await session.scalar(
        sa.select(SpaceObject).where(SpaceObject.international_designator == designator)
    )
    if obj is None and norad_id is not None:
        obj = await session.scalar(
            sa.select(SpaceObject)
            .where(SpaceObject.norad_id == norad_id)
            .order_by(SpaceObject.id)
            .limit(1)
        )
    return obj


async def observed_check(session: AsyncSession, declared: ObjectIn) -> ObservedCheck:
    """Compare a declared object's orbit with the observed one, when the register knows it."""
    obj = await _object_for(session, declared.international_designator, declared.norad_id)
    if obj is None:
        return ObservedCheck(None, 0, None, None)
    sets = await elementsets.for_object(session, obj.id or 0)
    chosen = compare.choose_element_set(
        sets, declared_epoch=declared.orbit_epoch, launch_date=declared.launch_date
    )
    if chosen is None:
        return ObservedCheck(obj.international_designator, len(sets), None, None)
    try:
        comparison = compare.compare_orbit(
            compare.DeclaredOrbit(
                period_min=declared.nodal_period_min,
                inclination_deg=declared.inclination_deg,
                apogee_km=declared.apogee_km,
                perigee_km=declared.perigee_km,
                epoch=declared.orbit_epoch,
                gso_longitude_deg=declared.gso_longitude_deg,
            ),
            chosen,
        )
    except ValueError:
        comparison = None  # an impossible declared value: the validator's findings say which
    return ObservedCheck(obj.international_designator, len(sets), chosen, comparison)


async def _amendment(
    session: AsyncSession, item: SubmissionItem
) -> tuple[list[Change], ObjectIn | None]:
    """Current against proposed values, and the amended object as it would read."""
    registration = (
        await session.get(Registration, item.registration_id) if item.registration_id else None
    )
    if registration is None:
        return [], None
    obj = await session.get(SpaceObject, registration.object_id)
    if obj is None:
        return [], None
    record = await objects.record_of(session, obj)
    reg_record: dict[str, Any] = next(
        (r for r in record["registrations"] if r["state"] == registration.state_code), {}
    )
    requested: dict[str, Any] = item.data.get("changes", {})
    changes = [
        Change(
            name,
            record.get(name) if name in service.OBJECT_LEVEL else reg_record.get(name),
            value,
        )
        for name, value in requested.items()
    ]
    new_state = item.data.get("new_state_of_registry")
    if new_state:
        changes.append(Change("state", registration.state_code, new_state))
    merged = {
        name: value
        for name, value in {**record, **reg_record}.items()
        if name in ObjectIn.model_fields and value not in (None, [])
    }
    try:
        amended = object_from_stored({**merged, **requested})
    except ValueError:
        amended = None
    return changes, amended


async def review(session: AsyncSession, principal: Principal, submission_id: int) -> Review:
    """Everything the review page shows; raises NotFound for a submission the caller may not see."""
    sub = await service.get(session, principal, submission_id)
    items = await service.items_of(session, submission_id)
    holders = await checks.registered_by(
        session, [i.international_designator for i in items if sub.kind == "registration"]
    )
    reviewed = []
    for item in items:
        errors, warnings = _finding_groups(item.findings or [])
        if sub.kind == "registration":
            declared: ObjectIn | None = object_from_stored(item.data)
            changes: list[Change] = []
            others = sorted(holders.get(item.international_designator, set()) - {sub.state_code})
        else:
            changes, declared = await _amendment(session, item)
            others = []
        observed = (
            await observed_check(session, declared)
            if declared is not None
            else ObservedCheck(None, 0, None, None)
        )
        reviewed.append(ReviewItem(item, errors, warnings, others, observed, changes))
    symbol = None
    if sub.document_id is not None:
        document = await session.get(Document, sub.document_id)
        symbol = document.symbol if document is not None else None
    history = await session.execute(
        sa.select(AuditEntry)
        .where(AuditEntry.entity == "submission", AuditEntry.entity_id == str(submission_id))
        .order_by(AuditEntry.seq)
    )
    return Review(sub, reviewed, symbol, list(history.scalars()))
