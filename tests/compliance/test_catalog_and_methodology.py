"""The guideline catalog and the methodology file: complete, versioned, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.declared import load_questionnaire
from compliance.guidelines import CatalogError, load_guidelines, parse_guidelines
from compliance.methodology import (
    METHODOLOGY_FILE,
    OBJECT_CRITERIA,
    MethodologyError,
    load_methodology,
    parse_methodology,
)


def test_catalog_holds_21_lts_and_7_sdmg() -> None:
    catalog = load_guidelines()
    lts = catalog.by_family("lts")
    assert len(lts) == 21 and len(catalog.by_family("sdmg")) == 7
    data = sorted(g.id for g in lts if g.assessable != "Q")
    assert data == ["A.3", "A.5", "B.1", "B.2", "B.4", "B.8", "B.9"]
    assert len([g for g in lts if g.assessable == "Q"]) == 14
    assert catalog.version


def test_questionnaire_covers_every_declared_guideline() -> None:
    catalog = load_guidelines()
    covered = {i.guideline for i in load_questionnaire().items}
    assert covered == {g.id for g in catalog.by_family("lts")}


def test_default_weights_sum_to_100() -> None:
    m = load_methodology()
    assert sum(m.state_weights.values()) == 100
    # O6 and O6' are alternatives: one of them applies to an object.
    assert sum(w for c, w in m.object_weights.items() if c != "O6G") == 100
    assert set(m.object_weights) == set(OBJECT_CRITERIA)


def test_bad_methodology_names_file_and_field(tmp_path: Path) -> None:
    text = METHODOLOGY_FILE.read_text().replace("S4 = 20", 'S4 = "twenty"')
    bad = tmp_path / "methodology.toml"
    bad.write_text(text)
    with pytest.raises(MethodologyError, match=r"methodology.toml: \[state_weights\] S4"):
        parse_methodology(bad)
    bad.write_text("version = ")
    with pytest.raises(MethodologyError, match=r"methodology\.toml"):
        parse_methodology(bad)


def test_bad_catalog_names_entry(tmp_path: Path) -> None:
    bad = tmp_path / "guidelines.toml"
    bad.write_text(
        'version = "x"\n[sources]\nlts = "L"\n[[guideline]]\nid = "A.1"\nfamily = "lts"\n'
    )
    with pytest.raises(CatalogError, match="guideline #1: group"):
        parse_guidelines(bad)
