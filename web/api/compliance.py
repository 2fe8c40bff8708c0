"""Compliance: State and object scores with reason cards, the per-year series, every State as a
table, and the Declared pillar's questionnaire (answered by a State's officers, reviewed by the
secretariat). Thin controllers over :mod:`compliance.service`."""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from compliance import service
from web.auth import require_login
from web.deps import RowId, database, principal_of, strict_body


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_id: str = Field(max_length=20)
    answer: Literal["yes", "partial", "no"]
    evidence_url: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, max_length=4000)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "return"]
    note: str | None = Field(default=None, max_length=4000)


class ComplianceController(Controller):
    """Register as ``ComplianceController`` in ``web/app.py``."""

    tags = ["compliance"]

    @get(
        "/api/v1/states/{code:str}/compliance",
        operation_id="get_state_compliance",
        summary="A State's Verified and Declared scores with reason cards",
    )
    async def state(self, request: Request[Any, Any, Any], code: FromPath[str]) -> dict[str, Any]:
        return await service.state_compliance(database(request), code.upper())

    @get(
        "/api/v1/states/{code:str}/compliance/series",
        operation_id="get_state_compliance_series",
        summary="Per-launch-year series of S1, S2 and S4, for charts",
    )
    async def series(self, request: Request[Any, Any, Any], code: FromPath[str]) -> dict[str, Any]:
        report = await service.state_compliance(database(request), code.upper())
        return {
            "state": report["state"],
            "methodology_version": report["methodology_version"],
            "data_as_of": report["data_as_of"],
            "series": report["series"],
        }

    @get(
        "/api/v1/objects/{designator:str}/compliance",
        operation_id="get_object_compliance",
        summary="An object's Verified score with reason cards",
    )
    async def object(
        self, request: Request[Any, Any, Any], designator: FromPath[str]
    ) -> dict[str, Any]:
        return await service.object_compliance(database(request), designator)

    @get(
        "/api/v1/compliance/states",
        operation_id="list_state_compliance",
        summary="Every State's scores, one row each (JSON or CSV)",
    )
    async def all_states(
        self,
        request: Request[Any, Any, Any],
        format: Annotated[Literal["json", "csv"], QueryParameter()] = "json",
    ) -> Response[Any]:
        table = await service.all_states(database(request))
        if format == "csv":
            buffer = io.StringIO()
            table.write_csv(buffer)
            return Response(
                buffer.getvalue(),
                media_type="text/csv",
                headers={"Content-Disposition": 'attachment; filename="compliance-states.csv"'},
            )
        return Response(table.to_dicts())

    @get(
        "/api/v1/compliance/questionnaire",
        operation_id="get_questionnaire",
        summary="The Declared pillar's questionnaire items (our wording)",
    )
    async def questionnaire(self) -> dict[str, Any]:
        return service.questionnaire_items()

    @get(
        "/api/v1/states/{code:str}/questionnaire",
        operation_id="list_questionnaire_answers",
        summary="A State's questionnaire answers (accepted ones for the public)",
    )
    async def answers(
        self, request: Request[Any, Any, Any], code: FromPath[str]
    ) -> list[dict[str, Any]]:
        async with database(request).reader() as session:
            return await service.list_answers(session, principal_of(request), code.upper())

    @post(
        "/api/v1/states/{code:str}/questionnaire",
        operation_id="submit_questionnaire_answer",
        summary="Answer one questionnaire item (the State's registry officers)",
    )
    async def submit(self, request: Request[Any, Any, Any], code: FromPath[str]) -> dict[str, Any]:
        principal = require_login(principal_of(request))
        body = await strict_body(request, AnswerIn)
        async with database(request).writer() as session:
            row = await service.submit_answer(
                session,
                principal,
                code.upper(),
                item_id=body.item_id,
                answer=body.answer,
                evidence_url=body.evidence_url,
                note=body.note,
            )
            return service.answer_view(row)

    @post(
        "/api/v1/questionnaire/answers/{answer_id:int}/review",
        operation_id="review_questionnaire_answer",
        summary="Accept or return a submitted answer (the secretariat)",
        status_code=200,
    )
    async def review(self, request: Request[Any, Any, Any], answer_id: RowId) -> dict[str, Any]:
        principal = require_login(principal_of(request))
        body = await strict_body(request, ReviewIn)
        async with database(request).writer() as session:
            row = await service.review_answer(
                session, principal, answer_id, decision=body.decision, note=body.note
            )
            return service.answer_view(row)

    @post(
        "/api/v1/questionnaire/answers/{answer_id:int}/withdraw",
        operation_id="withdraw_questionnaire_answer",
        summary="Withdraw an answer still waiting for review (its State's officers)",
        status_code=200,
    )
    async def withdraw(self, request: Request[Any, Any, Any], answer_id: RowId) -> dict[str, Any]:
        principal = require_login(principal_of(request))
        async with database(request).writer() as session:
            row = await service.withdraw_answer(session, principal, answer_id)
            return service.answer_view(row)
