"""Properties: damaged real records never crash the readers, and TLE writing round-trips."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orbit.elements import ElementSet
from orbit.issues import ParseIssue
from orbit.read import read_elements
from orbit.tle import format_tle, parse_tle
from tests.conftest import shared_file

DATA = Path(__file__).parent / "data"
_SOURCES = (
    "catalog/full-catalog-3le-2019-03-19.txt",  # blank padding, leading zeros, "+" signs
    "catalog/full-catalog-3le-2022-01-22.txt",
    "catalog/alpha5/alpha5-A-last-30-days-snapshot.tle",
    "catalog/alpha5/alpha5-T-analyst-27xxxx-snapshot.tle",
)
_PIECE = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_ISSUE_KINDS = {
    "layout",
    "checksum",
    "mismatch",
    "range",
    "value",
    "missing",
    "structure",
    "encoding",
    "unsupported",
}
_SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def _real_records() -> list[tuple[str, str, str]]:
    """A spread of real 3-line records (name, line 1, line 2) from every layout."""
    records = []
    for relative in _SOURCES:
        lines = shared_file(relative).read_text(encoding="ascii").splitlines()
        for start in range(0, len(lines) - 2, 3 * 61):
            records.append((lines[start], lines[start + 1], lines[start + 2]))
    return records


def _assert_sane(es: ElementSet) -> None:
    assert 0 <= es.eccentricity < 1
    assert 0 <= es.inclination_deg <= 180
    assert all(0 <= a <= 360 for a in (es.raan_deg, es.arg_perigee_deg, es.mean_anomaly_deg))
    assert es.mean_motion > 0
    assert all(math.isfinite(x) for x in (es.bstar, es.mean_motion_dot, es.mean_motion_ddot))
    assert es.epoch.tzinfo is not None
    assert 0 <= es.norad_id <= 999_999_999


def _assert_result_sane(source: str | bytes, line_count: int) -> None:
    result = read_elements(source, name="m.txt")
    for es in result.elements:
        _assert_sane(es)
    for issue in result.issues:
        assert isinstance(issue, ParseIssue)
        assert issue.kind in _ISSUE_KINDS
        assert issue.source == "m.txt"
        assert issue.line is None or 1 <= issue.line <= line_count + 1
        assert issue.reason


# ---------------------------------------------------------------------- damaged input


@st.composite
def damaged_tle(draw: st.DrawFn) -> str:
    lines = list(draw(st.sampled_from(_real_records())))
    for _ in range(draw(st.integers(1, 3))):
        which = draw(st.integers(0, len(lines) - 1))
        line = lines[which]
        position = draw(st.integers(0, len(line)))
        action = draw(
            st.sampled_from(["replace", "insert", "delete", "truncate", "swap", "drop", "copy"])
        )
        if action == "replace":
            lines[which] = line[:position] + draw(st.characters()) + line[position + 1 :]
        elif action == "insert":
            lines[which] = line[:position] + draw(st.text(max_size=3)) + line[position:]
        elif action == "delete":
            lines[which] = line[:position] + line[position + 1 :]
        elif action == "truncate":
            lines[which] = line[:position]
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[which], lines[other] = lines[other], lines[which]
        elif action == "drop" and len(lines) > 1:
            del lines[which]
        else:
            lines.insert(which, line)
    return "\n".join(lines)


@_SETTINGS
@given(damaged_tle())
def test_damaged_tle_records_give_element_sets_or_issues(text: str) -> None:
    _assert_result_sane(text, text.count("\n") + 1)


@_SETTINGS
@given(st.data())
def test_damaged_bytes_never_crash(data: st.DataObject) -> None:
    name, line1, line2 = data.draw(st.sampled_from(_real_records()))
    raw = bytearray(f"{name}\n{line1}\n{line2}\n".encode("ascii"))
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    _assert_result_sane(bytes(raw), raw.count(b"\n") + 1)


@_SETTINGS
@given(st.data())
def test_a_changed_digit_is_always_caught_by_the_checksum(data: st.DataObject) -> None:
    name, line1, line2 = data.draw(st.sampled_from(_real_records()))
    which = data.draw(st.sampled_from([1, 2]))
    line = line1 if which == 1 else line2
    digits = [i for i, c in enumerate(line) if c.isdigit() and i > 0]
    position = data.draw(st.sampled_from(digits))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != line[position]]))
    damaged = line[:position] + new + line[position + 1 :]
    lines = [name, damaged, line2] if which == 1 else [name, line1, damaged]
    result = read_elements("\n".join(lines), name="m.txt")
    assert result.elements == []
    [issue] = result.issues
    assert (issue.kind, issue.line) == ("checksum", which + 1)


@_SETTINGS
@given(form=st.sampled_from(["csv", "json", "xml", "kvn"]), data=st.data())
def test_damaged_omm_never_crashes(form: str, data: st.DataObject) -> None:
    text = (DATA / f"omm-sample.{form}").read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text) - 1))
        text = text[:position] + data.draw(st.text(max_size=2)) + text[position + 1 :]
    _assert_result_sane(text, text.count("\n") + 1)


# ---------------------------------------------------------------------- TLE round trip

_designators = st.one_of(
    st.none(),
    st.builds(
        lambda year, launch, piece: f"{year}-{launch:03d}{piece}",
        st.integers(1957, 2056),
        st.integers(1, 999),
        st.text(alphabet=_PIECE, min_size=1, max_size=3),
    ),
)
_epochs = st.datetimes(
    min_value=datetime(1957, 1, 1), max_value=datetime(2056, 12, 31, 23), timezones=st.just(UTC)
)
_exponential = st.floats(-1e5, 1e5, allow_nan=False, allow_subnormal=False)


@st.composite
def element_sets(draw: st.DrawFn) -> ElementSet:
    def angle(high: float) -> float:
        return draw(st.floats(0.0, high, allow_subnormal=False))

    return ElementSet(
        norad_id=draw(st.integers(0, 339_999)),
        designator=draw(_designators),
        name=draw(st.none() | st.just("OBJECT")),
        epoch=draw(_epochs),
        mean_motion=draw(st.floats(0.001, 20.0)),
        eccentricity=draw(st.floats(0.0, 1.0, exclude_max=True, allow_subnormal=False)),
        inclination_deg=angle(180.0),
        raan_deg=angle(360.0),
        arg_perigee_deg=angle(360.0),
        mean_anomaly_deg=angle(360.0),
        bstar=draw(_exponential),
        mean_motion_dot=draw(st.floats(-0.99, 0.99, allow_subnormal=False)),
        mean_motion_ddot=draw(_exponential),
        classification=draw(st.sampled_from("UCS")),
        element_set_no=draw(st.integers(0, 9999)),
        rev_at_epoch=draw(st.integers(0, 99_999)),
        ephemeris_type=draw(st.sampled_from([0, 2, 3])),
    )


def _close_exponential(parsed: float, original: float) -> bool:
    # 5 mantissa digits: half a unit is at most 5e-5 of the value; below 1e-10 the
    # exponent stops at -9 and the error is at most half of 1e-14.
    return abs(parsed - original) <= max(5e-5 * abs(original), 5e-15) * (1 + 1e-9)


@settings(max_examples=400, deadline=None)
@given(element_sets())
def test_written_tle_reads_back_within_format_precision(es: ElementSet) -> None:
    line1, line2 = format_tle(es)
    assert len(line1) == len(line2) == 69
    back = parse_tle(line1, line2, name=es.name)
    exact = ("norad_id", "designator", "name", "classification", "ephemeris_type")
    assert [getattr(back, f) for f in exact] == [getattr(es, f) for f in exact]
    assert (back.element_set_no, back.rev_at_epoch) == (es.element_set_no, es.rev_at_epoch)
    assert abs(back.epoch - es.epoch) <= timedelta(microseconds=432)  # half of 1e-8 day
    for field in ("inclination_deg", "raan_deg", "arg_perigee_deg", "mean_anomaly_deg"):
        assert abs(getattr(back, field) - getattr(es, field)) <= 5e-5 + 1e-12
    assert abs(back.mean_motion - es.mean_motion) <= 5e-9 + 1e-14
    assert abs(back.mean_motion_dot - es.mean_motion_dot) <= 5e-9 + 1e-15
    assert -1e-15 <= es.eccentricity - back.eccentricity < 1e-7  # cut, not rounded
    assert _close_exponential(back.bstar, es.bstar)
    assert _close_exponential(back.mean_motion_ddot, es.mean_motion_ddot)
    # Once at format precision, writing again changes nothing.
    assert format_tle(back) == (line1, line2)
