"""State and object compliance reports in the public JSON shape, and the one-row-per-State CSV.

Shape: ``{"state", "methodology_version", "data_as_of", "verified": {"score", "coverage",
"label", "criteria": [card...]}, "declared": {...}, "critical_flags": [...], ...}``. Scores are
in [0, 1]; a criterion without data has ``"score": null`` and ``"assessed": false``.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from compliance.cards import jsonable, object_card, state_card
from compliance.declared import declared_pillar, load_questionnaire
from compliance.engine import ScoredRegister
from compliance.guidelines import load_guidelines
from compliance.methodology import OBJECT_CRITERIA, STATE_CRITERIA, Methodology

CSV_COLUMNS = (
    "state",
    "verified_score",
    "verified_low",
    "verified_high",
    "coverage",
    "label",
    *(f"{c}_score" for c in STATE_CRITERIA),
    "registered",
    "attributed",
    "n",
    "registration_share",
    "registration_wilson_lower",
    "critical_unregistered_over_365_days",
    "declared_score",
    "declared_coverage",
    "methodology_version",
    "as_of",
)


class UnknownSubject(LookupError):
    """No such State or object in the scored register."""


def _one(frame: pl.DataFrame, column: str, value: Any) -> dict[str, Any] | None:
    rows = frame.filter(pl.col(column) == value).head(1).to_dicts()
    return rows[0] if rows else None


def _data_as_of(scored: ScoredRegister) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in scored.data_as_of.items()}


def _state_flags(scored: ScoredRegister, state: str, limit: int = 20) -> list[dict[str, Any]]:
    members = scored.members.filter(pl.col("state") == state).select("object_id")
    flagged = (
        scored.flags.join(members, on="object_id")
        .join(scored.evidence.select("object_id", "designator", "launch_date"), on="object_id")
        .sort("launch_date")
    )
    out = []
    for flag, group in flagged.group_by("flag", maintain_order=True):
        out.append(
            {
                "flag": flag[0],
                "count": group.height,
                "objects": [jsonable(d) for d in group["designator"].head(limit).to_list()],
            }
        )
    return out


def _lost_points(criteria: list[dict[str, Any]], weight_assessed: float) -> list[dict[str, Any]]:
    lost = [
        {
            "criterion": c["id"],
            "lost_points": round(
                100.0 * (c["max_points"] - (c["points"] or 0.0)) / weight_assessed, 1
            ),
            "sentence": c["sentence"],
        }
        for c in criteria
        if c["assessed"] and weight_assessed > 0 and c["max_points"] > (c["points"] or 0.0)
    ]
    return sorted(lost, key=lambda x: -x["lost_points"])[:3]


def _coverage_by_group(criteria: list[dict[str, Any]]) -> dict[str, float | None]:
    catalog = load_guidelines()
    weights: dict[str, list[float]] = {}
    for c in criteria:
        if not c["applicable"]:
            continue
        for g in {catalog.guideline(gid).group for gid in c["guidelines"]}:
            pair = weights.setdefault(g, [0.0, 0.0])
            pair[1] += c["max_points"]
            if c["assessed"]:
                pair[0] += c["max_points"]
    return {g: round(a / t, 4) if t else None for g, (a, t) in sorted(weights.items())}


def _series(scored: ScoredRegister, state: str) -> dict[str, list[dict[str, Any]]]:
    return {
        cid: [
            {k: jsonable(v) for k, v in row.items() if k != "state"}
            for row in frame.filter(pl.col("state") == state).iter_rows(named=True)
        ]
        for cid, frame in scored.series.items()
    }


def state_report(
    scored: ScoredRegister, state: str, m: Methodology, answers: pl.DataFrame | None = None
) -> dict[str, Any]:
    summary = _one(scored.state_scores, "state", state)
    if summary is None:
        raise UnknownSubject(f"no State {state!r} in the register (no object counts for it)")
    as_of = scored.data_as_of
    criteria = []
    for cid in STATE_CRITERIA:
        row = _one(scored.state_criteria[cid], "state", state) or {"applicable": False}
        criteria.append(state_card(cid, row, weight=m.state_weights[cid], data_as_of=as_of))
    gap = scored.gap.filter(pl.col("state") == state)
    double = scored.double.join(
        scored.evidence.select("object_id", "designator"), on="object_id"
    ).filter(pl.col("states").list.contains(state))
    s1 = _one(scored.state_criteria["S1"], "state", state) or {}
    answers = answers if answers is not None else _no_answers()
    return {
        "state": state,
        "methodology_version": scored.methodology_version,
        "as_of": jsonable(scored.as_of),
        "data_as_of": _data_as_of(scored),
        "verified": {
            "score": jsonable(summary["score"]),
            "range": [jsonable(summary["low"]), jsonable(summary["high"])],
            "coverage": jsonable(summary["coverage"]),
            "label": summary["label"]
            or ("insufficient evidence" if summary["score"] is not None else None),
            "provisional": bool(summary["provisional"]),
            "criteria": criteria,
            "coverage_by_group": _coverage_by_group(criteria),
            "lost_points": _lost_points(criteria, float(summary["weight_assessed"] or 0.0)),
        },
        "declared": declared_pillar(state, answers, load_questionnaire(), m),
        "critical_flags": _state_flags(scored, state),
        "registration": {
            "registered": s1.get("registered"),
            "attributed": s1.get("attributed"),
            "n": s1.get("n"),
            "not_yet_due": s1.get("not_due"),
            "share": jsonable(s1.get("share")),
            "wilson_lower": jsonable(s1.get("score")),
            "gap": {
                "count": gap.height,
                "objects": [
                    {k: jsonable(v) for k, v in r.items() if k not in ("state", "object_id")}
                    for r in gap.head(200).iter_rows(named=True)
                ],
            },
            "registered_by_more_than_one_state": [
                {"designator": r["designator"], "states": r["states"], "documents": r["documents"]}
                for r in double.iter_rows(named=True)
            ],
        },
        "series": _series(scored, state),
    }


def object_report(scored: ScoredRegister, designator: str, m: Methodology) -> dict[str, Any]:
    ev = _one(scored.evidence, "designator", designator)
    if ev is None:
        raise UnknownSubject(f"no object with designator {designator}")
    oid = ev["object_id"]
    summary = _one(scored.object_scores, "object_id", oid) or {}
    criteria = []
    for cid in OBJECT_CRITERIA:
        row = _one(scored.object_criteria[cid], "object_id", oid) or {"applicable": False}
        criteria.append(
            object_card(cid, row, weight=m.object_weights[cid], data_as_of=scored.data_as_of)
        )
    flags = scored.flags.filter(pl.col("object_id") == oid)["flag"].to_list()
    states = scored.members.filter(pl.col("object_id") == oid)
    return {
        "designator": designator,
        "norad_id": ev.get("norad_id"),
        "name": ev.get("name"),
        "state": ev.get("reg_state") or ev.get("attributed_state"),
        "attributed": not ev.get("registered"),
        "methodology_version": scored.methodology_version,
        "as_of": jsonable(scored.as_of),
        "data_as_of": _data_as_of(scored),
        "verified": {
            "score": jsonable(summary.get("score")),
            "range": [jsonable(summary.get("low")), jsonable(summary.get("high"))],
            "coverage": jsonable(summary.get("coverage")),
            "label": summary.get("label")
            or ("insufficient evidence" if summary.get("score") is not None else None),
            "provisional": bool(summary.get("provisional")),
            "criteria": [c for c in criteria if c["applicable"]],
            "not_applicable": [
                {"id": c["id"], "sentence": c["sentence"]} for c in criteria if not c["applicable"]
            ],
        },
        "declared": {
            "note": "Declared items belong to the State of registry: see the State's questionnaire.",
        },
        "critical_flags": [{"flag": f} for f in flags],
        "in_state_cohort": states["state"].to_list(),
    }


def state_rows(
    scored: ScoredRegister, m: Methodology, answers: pl.DataFrame | None = None
) -> pl.DataFrame:
    """One row per State (the ``--all --format csv`` table), columns :data:`CSV_COLUMNS`."""
    wide = scored.state_scores.select(
        "state",
        pl.col("score").alias("verified_score"),
        pl.col("low").alias("verified_low"),
        pl.col("high").alias("verified_high"),
        "coverage",
        "label",
    )
    for cid in STATE_CRITERIA:
        wide = wide.join(
            scored.state_criteria[cid].select("state", pl.col("score").alias(f"{cid}_score")),
            on="state",
            how="left",
        )
    s1 = scored.state_criteria["S1"].select(
        "state",
        "registered",
        "attributed",
        "n",
        pl.col("share").alias("registration_share"),
        pl.col("score").alias("registration_wilson_lower"),
    )
    late = (
        scored.flags.filter(pl.col("flag") == "unregistered_over_365_days")
        .join(scored.members.select("object_id", "state"), on="object_id")
        .group_by("state")
        .agg(pl.len().cast(pl.Int64).alias("critical_unregistered_over_365_days"))
    )
    answers = answers if answers is not None else _no_answers()
    q = load_questionnaire()
    answered_states = (
        answers.filter(pl.col("status") == "accepted")["state_code"].unique().to_list()
    )
    declared = pl.DataFrame(
        [
            (s, d["score"], d["coverage"])
            for s in answered_states
            for d in [declared_pillar(s, answers, q, m)]
        ],
        schema={"state": pl.String, "declared_score": pl.Float64, "declared_coverage": pl.Float64},
        orient="row",
    )
    return (
        wide.join(s1, on="state", how="left")
        .join(late, on="state", how="left")
        .join(declared, on="state", how="left")
        .with_columns(
            pl.col("critical_unregistered_over_365_days").fill_null(0),
            pl.col("declared_score").fill_null(0.0),
            pl.col("declared_coverage").fill_null(0.0),
            pl.lit(scored.methodology_version).alias("methodology_version"),
            pl.lit(jsonable(scored.as_of)).alias("as_of"),
        )
        .select(CSV_COLUMNS)
        .sort("state")
    )


def _no_answers() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "state_code": pl.String,
            "item_id": pl.String,
            "answer": pl.String,
            "evidence_url": pl.String,
            "status": pl.String,
        }
    )
