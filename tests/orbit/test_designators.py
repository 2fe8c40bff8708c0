"""International designators: every spelling the sources use, and what is refused."""

from __future__ import annotations

import pytest

from orbit.designators import (
    MODERN_DESIGNATOR,
    Designator,
    DesignatorError,
    designator_from_tle,
    designator_to_tle,
    is_modern_designator,
    normalise_designator,
    parse_designator,
)
from tests.conftest import shared_file


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("98067A  ", "1998-067A"),
        ("57001B  ", "1957-001B"),  # 57 is the first year read as 19xx
        ("56001A  ", "2056-001A"),  # 56 is the last year read as 20xx
        ("00001A  ", "2000-001A"),
        ("85108AA ", "1985-108AA"),
        ("26192ABC", "2026-192ABC"),
        ("83075   ", "1983-075"),  # tied to a launch, piece not yet known
        ("        ", None),
    ],
)
def test_tle_field_is_normalised(field: str, expected: str | None) -> None:
    assert designator_from_tle(field) == expected


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("98067I  ", "not capital letters other than I and O"),
        ("98067O  ", "not capital letters other than I and O"),
        ("98000A  ", "launch number 000"),
        ("9806 7A ", "is not YYNNNP"),
        ("98067A1 ", "is not YYNNNP"),
        ("9806    ", "is not YYNNNP"),
        ("98067\u0101  ", "is not YYNNNP"),
    ],
)
def test_bad_tle_field_is_refused_with_reason(field: str, message: str) -> None:
    with pytest.raises(DesignatorError, match=message):
        designator_from_tle(field)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1998-067A", Designator(1998, 67, "A")),
        ("1998-067a", Designator(1998, 67, "A")),
        ("  98067A ", Designator(1998, 67, "A")),
        ("1998067A", Designator(1998, 67, "A")),
        ("1998-067", Designator(1998, 67, "")),
        ("1957 ALP 2", Designator(1957, None, "", legacy="1957 ALP 2")),
        ("1957 Alpha 2", Designator(1957, None, "", legacy="1957 ALP 2")),
        ("1958  alp", Designator(1958, None, "", legacy="1958 ALP")),
        ("1961 A OMEGA 3", Designator(1961, None, "", legacy="1961 A OME 3")),
        ("1962 B mu 1", Designator(1962, None, "", legacy="1962 B MU 1")),
    ],
)
def test_parse_accepts_every_spelling(text: str, expected: Designator) -> None:
    assert parse_designator(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "1998-67A", "1956-001A", "2100-001A", "1963 ALP 1", "1957 ALF 1", "2024-199*"],
)
def test_parse_refuses_what_is_no_designator(text: str) -> None:
    with pytest.raises(DesignatorError):
        parse_designator(text)


def test_modern_check_follows_the_registry_regex_and_launch_history() -> None:
    assert MODERN_DESIGNATOR.pattern == r"^(19[5-9]\d|20\d\d)-\d{3}[A-HJ-NP-Z]{1,3}$"
    good = ["1957-001B", "1998-067A", "2026-192ABC", "2099-999Z"]
    bad = ["1956-001A", "1998-000A", "1998-067", "98067A", "1998-067I", "1998-067ABCD"]
    assert [is_modern_designator(text) for text in good] == [True] * len(good)
    assert [is_modern_designator(text) for text in bad] == [False] * len(bad)


def test_is_modern_rejects_non_ascii_digits() -> None:
    assert not is_modern_designator("199\u0668-067A")  # Arabic-Indic eight


def test_properties_of_parsed_designators() -> None:
    launch_only = parse_designator("1983-075")
    legacy = parse_designator("1957 ALP 2")
    assert (launch_only.is_complete, launch_only.is_legacy) == (False, False)
    assert (legacy.is_complete, legacy.is_legacy) == (True, True)
    assert str(launch_only) == "1983-075"


def test_normalise_is_idempotent_and_keeps_blank_as_none() -> None:
    for text in ["98067A", "1961 a alp 1", "1983-075", "2026-192ABC"]:
        once = normalise_designator(text)
        assert once is not None
        assert normalise_designator(once) == once
    assert normalise_designator(None) is None
    assert normalise_designator("  ") is None


@pytest.mark.parametrize(
    ("designator", "field"),
    [("1998-067A", "98067A  "), ("2026-192ABC", "26192ABC"), ("1983-075", "83075   ")],
)
def test_tle_field_round_trip(designator: str, field: str) -> None:
    assert designator_to_tle(designator) == field
    assert designator_from_tle(field) == designator


def test_designators_a_tle_cannot_hold_are_refused() -> None:
    assert designator_to_tle(None) == " " * 8
    with pytest.raises(DesignatorError, match="legacy designator"):
        designator_to_tle("1957 ALP 2")
    with pytest.raises(DesignatorError, match="1957-2056"):
        designator_to_tle("2057-001A")


def test_every_gcat_piece_designator_parses() -> None:
    """GCAT's payload catalog spells 23,191 designators: modern ones and 1957-62 legacy ones."""
    path = shared_file("registry/gcat-psatcat-2025-07-30.tsv")
    pieces = [
        line.split("\t")[1].strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    parsed = [parse_designator(piece) for piece in pieces]
    legacy = [d for d in parsed if d.is_legacy]
    modern = [p for p, d in zip(pieces, parsed, strict=True) if not d.is_legacy]
    assert len(pieces) == 23_191
    assert len(legacy) == 171
    assert {d.year for d in legacy} == {1957, 1958, 1959, 1960, 1961, 1962}
    # GCAT already writes modern designators canonically: parsing changes nothing.
    assert all(is_modern_designator(p) and str(parse_designator(p)) == p for p in modern)
    # Legacy spellings come back as GCAT wrote them.
    assert [str(d) for d in legacy] == [p for p, d in zip(pieces, parsed, strict=True) if d.legacy]
