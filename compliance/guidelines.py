"""The guideline catalog: the 21 LTS guidelines, the 7 COPUOS debris-mitigation guidelines and
the numeric rules, read from ``compliance/data/guidelines.toml`` (one place to correct a title).

>>> catalog = load_guidelines()
>>> len(catalog.by_family("lts")), len(catalog.by_family("sdmg"))
(21, 7)
>>> catalog.guideline("A.5").title
'Enhance the practice of registering space objects'
>>> catalog.rule("leo-25-year").source_text.startswith("IADC")
True
>>> [g.id for g in catalog.by_family("lts") if g.assessable == "Q"][:3]
['A.1', 'A.2', 'A.4']
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

GUIDELINES_FILE = Path(__file__).with_name("data") / "guidelines.toml"


class CatalogError(ValueError):
    """The guideline catalog is malformed; the message names the file and entry."""


@dataclass(frozen=True, slots=True)
class Guideline:
    id: str
    family: str  # "lts" or "sdmg"
    group: str  # A, B, C, D or SDMG
    title: str
    assessable: str  # letters R, O, Q joined by "+"
    source_text: str


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    text: str
    source: str
    source_text: str


@dataclass(frozen=True)
class GuidelineCatalog:
    version: str
    note: str
    guidelines: tuple[Guideline, ...]
    rules: Mapping[str, Rule]

    def guideline(self, gid: str) -> Guideline:
        for g in self.guidelines:
            if g.id == gid:
                return g
        raise KeyError(f"no guideline {gid!r} in the catalog")

    def rule(self, rid: str) -> Rule:
        try:
            return self.rules[rid]
        except KeyError:
            raise KeyError(f"no rule {rid!r} in the catalog") from None

    def by_family(self, family: str) -> list[Guideline]:
        return [g for g in self.guidelines if g.family == family]


def _text(path: Path, where: str, entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise CatalogError(f"{path.name}: {where}: {key}: missing or not text")
    return value


def parse_guidelines(path: Path) -> GuidelineCatalog:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path.name}: {exc}") from None
    sources = raw.get("sources", {})
    guidelines: list[Guideline] = []
    for n, entry in enumerate(raw.get("guideline", []), start=1):
        where = f"guideline #{n}"
        family = _text(path, where, entry, "family")
        if family not in sources:
            raise CatalogError(f"{path.name}: {where}: family {family!r} has no [sources] entry")
        guidelines.append(
            Guideline(
                id=_text(path, where, entry, "id"),
                family=family,
                group=_text(path, where, entry, "group"),
                title=_text(path, where, entry, "title"),
                assessable=_text(path, where, entry, "assessable"),
                source_text=sources[family],
            )
        )
    rules: dict[str, Rule] = {}
    for n, entry in enumerate(raw.get("rule", []), start=1):
        where = f"rule #{n}"
        source = _text(path, where, entry, "source")
        if source not in sources:
            raise CatalogError(f"{path.name}: {where}: source {source!r} has no [sources] entry")
        rid = _text(path, where, entry, "id")
        rules[rid] = Rule(rid, _text(path, where, entry, "text"), source, sources[source])
    ids = [g.id for g in guidelines]
    if len(set(ids)) != len(ids):
        raise CatalogError(f"{path.name}: duplicate guideline ids")
    return GuidelineCatalog(
        version=_text(path, "top level", raw, "version"),
        note=str(raw.get("note", "")),
        guidelines=tuple(guidelines),
        rules=rules,
    )


@lru_cache(maxsize=2)
def load_guidelines(path: Path = GUIDELINES_FILE) -> GuidelineCatalog:
    return parse_guidelines(path)
