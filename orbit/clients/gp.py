"""GP (element set) responses from CelesTrak or Space-Track, parsed into ElementSets.

The format (TLE, 3LE, OMM CSV/JSON/XML/KVN) is recognised from the content by
:func:`orbit.read.read_elements`; every element set and every issue names the
URL it came from.

>>> from datetime import UTC, datetime
>>> from orbit.clients.http import Origin
>>> url = "https://celestrak.org/NORAD/elements/gp.php?CATNR=25544&FORMAT=TLE"
>>> body = (b"ISS (ZARYA)\\r\\n"
...         b"1 25544U 98067A   19343.69339541  .00001764  00000-0  38792-4 0  9991\\r\\n"
...         b"2 25544  51.6439 211.2001 0007417  17.6667  85.6398 15.50103472202482\\r\\n")
>>> now = datetime(2019, 12, 9, 18, 0, tzinfo=UTC)
>>> parsed = parse_gp(FetchResult(url, body, now, now, Origin.NETWORK))
>>> [(es.norad_id, es.name, es.source == url) for es in parsed.elements]
[(25544, 'ISS (ZARYA)', True)]
"""

from __future__ import annotations

from typing import Literal

from orbit.clients.http import FetchResult
from orbit.read import ParseResult, read_elements


def parse_gp(result: FetchResult, *, on_error: Literal["skip", "raise"] = "skip") -> ParseResult:
    """Parse a fetched GP response; bad records are skipped and listed in ``issues``."""
    return read_elements(result.content, on_error=on_error, name=result.url)
