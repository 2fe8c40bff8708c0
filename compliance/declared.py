"""The Declared pillar: a State's questionnaire answers, scored apart from the Verified score.

Items live in ``compliance/data/questionnaire.toml`` (our wording). Each accepted answer scores
its evidence-grade points (E3 with an evidence link = 1, E4 declared only = 0.5) times 1 for
"yes", 0.5 for "partial", 0 for "no"; an item without an accepted answer is E0 = 0. Group
scores (A policy and supervision, B safety practice, C cooperation, D research) are item means,
combined with the group weights of the methodology (25/35/20/20).

>>> import polars as pl
>>> q = load_questionnaire()
>>> len(q.items), q.items[0].group
(22, 'A')
>>> answers = pl.LazyFrame({"state_code": ["FRA", "FRA"], "item_id": ["A1.1", "B4.1"],
...     "answer": ["yes", "partial"], "evidence_url": ["https://example.org/law", None],
...     "status": ["accepted", "accepted"]})
>>> from compliance.methodology import load_methodology
>>> d = declared_pillar("FRA", answers.collect(), q, load_methodology())
>>> d["score"], d["coverage"]
(0.058, 0.0909)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from compliance.guidelines import load_guidelines
from compliance.methodology import Methodology

QUESTIONNAIRE_FILE = Path(__file__).with_name("data") / "questionnaire.toml"
ANSWER_FACTOR = {"yes": 1.0, "partial": 0.5, "no": 0.0}


class QuestionnaireError(ValueError):
    """The questionnaire file is malformed; the message names file and item."""


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    guideline: str
    group: str
    text: str


@dataclass(frozen=True)
class Questionnaire:
    version: str
    items: tuple[Item, ...]

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)


@lru_cache(maxsize=2)
def load_questionnaire(path: Path = QUESTIONNAIRE_FILE) -> Questionnaire:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise QuestionnaireError(f"{path.name}: {exc}") from None
    catalog = load_guidelines()
    items: list[Item] = []
    for n, entry in enumerate(raw.get("item", []), start=1):
        try:
            guideline = catalog.guideline(str(entry["guideline"]))
            items.append(Item(str(entry["id"]), guideline.id, guideline.group, str(entry["text"])))
        except KeyError as exc:
            raise QuestionnaireError(f"{path.name}: item #{n}: {exc}") from None
    return Questionnaire(str(raw.get("version", "")), tuple(items))


def grade_of(evidence_url: str | None) -> str:
    return "E3" if evidence_url else "E4"


def declared_pillar(
    state: str, answers: pl.DataFrame, q: Questionnaire, m: Methodology
) -> dict[str, Any]:
    """The Declared pillar of one State from its answers (columns state_code, item_id, answer,
    evidence_url, status); only accepted answers count, the newest per item."""
    grade_points = m.value("declared", "grade_points")
    group_weights = m.value("declared", "group_weights")
    items = pl.DataFrame(
        {
            "item_id": [i.id for i in q.items],
            "group": [i.group for i in q.items],
            "guideline": [i.guideline for i in q.items],
            "text": [i.text for i in q.items],
        }
    )
    accepted = (
        answers.filter((pl.col("state_code") == state) & (pl.col("status") == "accepted"))
        .group_by("item_id", maintain_order=True)
        .last()
        .select("item_id", "answer", "evidence_url")
    )
    rows = (
        items.join(accepted, on="item_id", how="left")
        .with_columns(
            pl.when(pl.col("answer").is_null())
            .then(pl.lit("E0"))
            .when(pl.col("evidence_url").is_not_null())
            .then(pl.lit("E3"))
            .otherwise(pl.lit("E4"))
            .alias("evidence_grade"),
        )
        .with_columns(
            (
                pl.col("evidence_grade").replace_strict(
                    grade_points, default=0.0, return_dtype=pl.Float64
                )
                * pl.col("answer").replace_strict(
                    ANSWER_FACTOR, default=0.0, return_dtype=pl.Float64
                )
            ).alias("points")
        )
    )
    groups = (
        rows.group_by("group")
        .agg(
            pl.col("points").mean().alias("score"),
            pl.len().alias("items"),
            pl.col("answer").is_not_null().sum().alias("answered"),
        )
        .sort("group")
    )
    total_w = sum(float(w) for w in group_weights.values())
    score = (
        sum(float(group_weights[g]) * s for g, s in groups.select("group", "score").iter_rows())
        / total_w
    )
    answered = rows["answer"].is_not_null().sum()
    return {
        "questionnaire_version": q.version,
        "score": round(score, 4),
        "coverage": round(answered / rows.height, 4),
        "note": "Self-declared; never mixed into the Verified score. Item texts are spacereg's own.",
        "groups": [
            {
                "group": g,
                "weight": float(group_weights[g]),
                "score": round(s, 4),
                "items": n,
                "answered": a,
            }
            for g, s, n, a in groups.select("group", "score", "items", "answered").iter_rows()
        ],
        "items": [
            {
                "id": r["item_id"],
                "guideline": r["guideline"],
                "text": r["text"],
                "answer": r["answer"],
                "evidence_url": r["evidence_url"],
                "evidence_grade": r["evidence_grade"],
                "points": r["points"],
            }
            for r in rows.iter_rows(named=True)
        ],
    }
