"""Fixtures shared by the orbit tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import shared_file
from tests.orbit.test_screening import CATALOG, CSS, SHENZHOU_13


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docked Chinese station plus 600 other objects, as 3-line TLE."""
    lines = shared_file(CATALOG).read_text().splitlines()
    keep: list[str] = []
    for k in range(0, len(lines) - 2, 3):
        number = lines[k + 1][2:7].strip()
        if k < 1800 or number in {str(CSS), str(SHENZHOU_13)}:
            keep += lines[k : k + 3]
    path = tmp_path_factory.mktemp("screen") / "small.tle"
    path.write_text("\n".join(keep) + "\n")
    return path
