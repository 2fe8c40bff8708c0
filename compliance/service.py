"""Compliance for callers (CLI, API): score on demand or from the store, store scores, and the
questionnaire workflow (a State's officers answer, the secretariat reviews, like a submission).

Scoring reads through one reader session, so it works while a server writes the same database
(SQLite WAL readers never wait for the writer).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from compliance.declared import ANSWER_FACTOR, grade_of, load_questionnaire
from compliance.engine import ScoredRegister, score_register
from compliance.inputs import data_stamps, load_frames
from compliance.methodology import Methodology, load_methodology
from compliance.report import object_report, state_report, state_rows
from registry.accounts.principal import Principal
from registry.audit import chain
from registry.changes import ChangeWatch
from registry.compliance_store.models import ComplianceScore, QuestionnaireAnswer
from registry.db import Database
from registry.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed, field_error
from registry.types import utcnow

# Table columns, typed loosely: SQLModel declares the attributes as Python values.
_CS: Any = ComplianceScore.__table__.c  # type: ignore[attr-defined]
_QA: Any = QuestionnaireAnswer.__table__.c  # type: ignore[attr-defined]

_URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$")


@dataclass
class _Cached:
    key: tuple[Any, ...]
    scored: ScoredRegister
    answers: pl.DataFrame
    #: The change watch and generation under which ``key`` and ``answers`` were last read: while
    #: that generation is current nothing was committed anywhere, so neither needs reading again
    #: (the data stamps alone cost tens of milliseconds: they count whole tables).
    watch: ChangeWatch
    generation: int


_cache: _Cached | None = None


async def _answers(session: AsyncSession) -> pl.DataFrame:
    rows = await session.execute(
        sa.select(
            _QA.state_code,
            _QA.item_id,
            _QA.answer,
            _QA.evidence_url,
            _QA.status,
        ).order_by(_QA.id)
    )
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "state_code": pl.String,
            "item_id": pl.String,
            "answer": pl.String,
            "evidence_url": pl.String,
            "status": pl.String,
        },
        orient="row",
    )


async def scored_register(
    db: Database, m: Methodology | None = None
) -> tuple[ScoredRegister, pl.DataFrame]:
    """The whole register scored now (reused within a process while the data is unchanged)."""
    global _cache
    m = m or load_methodology()
    watch, generation = db.changes, db.changes.generation
    cached = _cache
    if (
        cached is not None
        and watch.watching
        and cached.watch is watch
        and cached.generation == generation
        and cached.key[0] == m.version
    ):
        return cached.scored, cached.answers
    async with db.reader() as session:
        key = (m.version, str(db.engine.url), await data_stamps(session))
        answers = await _answers(session)
        if cached is not None and cached.key == key:
            _cache = _Cached(key, cached.scored, answers, watch, generation)
            return cached.scored, answers
        frames = await load_frames(session)
    # A second of polars work: off the event loop, so other requests go on meanwhile.
    scored = await asyncio.to_thread(score_register, frames, m)
    _cache = _Cached(key, scored, answers, watch, generation)
    return scored, answers


async def state_compliance(db: Database, state: str) -> dict[str, Any]:
    m = load_methodology()
    scored, answers = await scored_register(db, m)
    try:
        return state_report(scored, state, m, answers)
    except LookupError as exc:
        raise NotFound(str(exc)) from None


async def object_compliance(db: Database, designator: str) -> dict[str, Any]:
    m = load_methodology()
    scored, _ = await scored_register(db, m)
    try:
        return object_report(scored, designator, m)
    except LookupError as exc:
        raise NotFound(str(exc)) from None


async def all_states(db: Database) -> pl.DataFrame:
    m = load_methodology()
    scored, answers = await scored_register(db, m)
    return state_rows(scored, m, answers)


async def store_state_scores(db: Database) -> int:
    """Compute every State's report and store it (with methodology version and data times)."""
    m = load_methodology()
    scored, answers = await scored_register(db, m)
    now = utcnow()
    rows = []
    for state in scored.state_scores["state"].to_list():
        report = state_report(scored, state, m, answers)
        rows.append(
            {
                "subject_kind": "state",
                "subject": state,
                "methodology_version": m.version,
                "data_as_of": report["data_as_of"],
                "score": report["verified"]["score"],
                "coverage": report["verified"]["coverage"] or 0.0,
                "label": report["verified"]["label"],
                "result": report,
                "computed_at": now,
            }
        )
    async with db.writer() as session:
        for start in range(0, len(rows), 200):
            await session.execute(sa.insert(ComplianceScore), rows[start : start + 200])
    return len(rows)


async def stored_state_score(db: Database, state: str) -> dict[str, Any] | None:
    """The newest stored report of a State under the current methodology, if any."""
    m = load_methodology()
    async with db.reader() as session:
        row = await session.scalar(
            sa.select(ComplianceScore)
            .where(
                _CS.subject_kind == "state",
                _CS.subject == state,
                _CS.methodology_version == m.version,
            )
            .order_by(_CS.computed_at.desc())
            .limit(1)
        )
    if row is None:
        return None
    return {**row.result, "stored_at": row.computed_at.isoformat().replace("+00:00", "Z")}


# --- questionnaire -------------------------------------------------------------------------


def answer_view(a: QuestionnaireAnswer) -> dict[str, Any]:
    return {
        "id": a.id,
        "state": a.state_code,
        "item_id": a.item_id,
        "questionnaire_version": a.questionnaire_version,
        "answer": a.answer,
        "evidence_url": a.evidence_url,
        "evidence_grade": grade_of(a.evidence_url),
        "note": a.note,
        "status": a.status,
        "submitted_by": a.submitted_by,
        "submitted_at": a.submitted_at.isoformat().replace("+00:00", "Z"),
        "reviewed_by": a.reviewed_by,
        "reviewed_at": a.reviewed_at.isoformat().replace("+00:00", "Z") if a.reviewed_at else None,
        "review_note": a.review_note,
    }


async def submit_answer(
    session: AsyncSession,
    principal: Principal,
    state: str,
    *,
    item_id: str,
    answer: str,
    evidence_url: str | None = None,
    note: str | None = None,
) -> QuestionnaireAnswer:
    """A State's officer answers one item for their own State; it waits for review."""
    if not (principal.is_state and principal.state_code == state):
        raise Forbidden(f"only {state}'s registry officers answer {state}'s questionnaire")
    q = load_questionnaire()
    errors = []
    if item_id not in {i.id for i in q.items}:
        errors.append(field_error("item_id", "item.unknown", f"no questionnaire item {item_id!r}"))
    if answer not in ANSWER_FACTOR:
        errors.append(
            field_error(
                "answer", "answer.invalid", f"answer must be one of {sorted(ANSWER_FACTOR)}"
            )
        )
    if evidence_url is not None and (len(evidence_url) > 500 or not _URL.match(evidence_url)):
        errors.append(
            field_error(
                "evidence_url",
                "url.invalid",
                "evidence_url must be an http(s) URL of at most 500 characters",
            )
        )
    if note is not None and len(note) > 4000:
        errors.append(field_error("note", "note.too_long", "note is longer than 4000 characters"))
    if errors:
        raise ValidationFailed(f"{len(errors)} invalid field(s)", errors)
    row = QuestionnaireAnswer(
        state_code=state,
        item_id=item_id,
        questionnaire_version=q.version,
        answer=answer,
        evidence_url=evidence_url,
        note=note,
        submitted_by=principal.ref,
    )
    session.add(row)
    await session.flush()
    await chain.append(
        session,
        actor=principal.ref,
        role=principal.role,
        action="questionnaire.submit",
        entity="questionnaire_answer",
        entity_id=row.id or 0,
        state_code=state,
        details={"item_id": item_id, "answer": answer, "evidence_url": evidence_url},
    )
    return row


async def review_answer(
    session: AsyncSession,
    principal: Principal,
    answer_id: int,
    *,
    decision: str,
    note: str | None = None,
) -> QuestionnaireAnswer:
    """The secretariat accepts or returns a submitted answer (never its own)."""
    if not principal.is_secretariat:
        raise Forbidden("only the secretariat reviews questionnaire answers")
    row = await session.get(QuestionnaireAnswer, answer_id)
    if row is None:
        raise NotFound(f"no questionnaire answer {answer_id}")
    if row.submitted_by == principal.ref:
        raise Forbidden("a reviewer never reviews their own answer")
    if decision not in ("accept", "return"):
        raise ValidationFailed(
            "1 invalid field(s)",
            [field_error("decision", "decision.invalid", "decision must be accept or return")],
        )
    if row.status != "submitted":
        raise InvalidTransition(f"answer {answer_id} is {row.status}, not submitted")
    row.status = "accepted" if decision == "accept" else "returned"
    row.reviewed_by, row.reviewed_at, row.review_note = principal.ref, utcnow(), note
    await session.flush()
    await chain.append(
        session,
        actor=principal.ref,
        role=principal.role,
        action=f"questionnaire.{decision}",
        entity="questionnaire_answer",
        entity_id=answer_id,
        state_code=row.state_code,
        details={"note": note},
    )
    return row


async def withdraw_answer(
    session: AsyncSession, principal: Principal, answer_id: int
) -> QuestionnaireAnswer:
    """The State takes back an answer still waiting for review (like a submission it withdraws).

    A returned answer is corrected by submitting a new one for the same item: the newest
    accepted answer per item is the one that counts.
    """
    row = await session.get(QuestionnaireAnswer, answer_id)
    # Another State's answer is reported as absent, as its drafts are.
    if row is None or not (principal.is_state and principal.state_code == row.state_code):
        raise NotFound(f"no questionnaire answer {answer_id}")
    if row.status != "submitted":
        raise InvalidTransition(
            f"answer {answer_id} is {row.status}: only a submitted answer is withdrawn"
        )
    row.status = "withdrawn"
    await session.flush()
    await chain.append(
        session,
        actor=principal.ref,
        role=principal.role,
        action="questionnaire.withdraw",
        entity="questionnaire_answer",
        entity_id=answer_id,
        state_code=row.state_code,
        details={"item_id": row.item_id},
    )
    return row


async def list_answers(
    session: AsyncSession, principal: Principal, state: str
) -> list[dict[str, Any]]:
    """A State's answers: everyone sees accepted ones; its officers and the secretariat all."""
    query = sa.select(QuestionnaireAnswer).where(_QA.state_code == state)
    insider = (
        principal.is_secretariat
        or principal.is_admin
        or (principal.is_state and principal.state_code == state)
    )
    if not insider:
        query = query.where(_QA.status == "accepted")
    rows = await session.execute(query.order_by(_QA.id))
    return [answer_view(a) for a in rows.scalars()]


def questionnaire_items() -> dict[str, Any]:
    q = load_questionnaire()
    return {
        "version": q.version,
        "note": "Item texts are spacereg's own wording.",
        "items": [
            {"id": i.id, "guideline": i.guideline, "group": i.group, "text": i.text}
            for i in q.items
        ],
    }


def as_of_text(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")
