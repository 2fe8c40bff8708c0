"""UN document symbols of the Register: parsing and formatting.

>>> parse_symbol("ST/SG/SER.E/1131/Add.2")
Symbol(series='ST/SG/SER.E', number=1131, suffixes=(('Add', 2),))
>>> parse_symbol("A/AC.105/INF/423").text
'A/AC.105/INF.423'
>>> parse_symbol("ST/SG/SER,E/1143") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SYMBOL_RE = re.compile(r"^(ST/SG/SER\.E/(\d+)|A/AC\.105/INF[./](\d+))((?:/(?:Add|Corr)\.\d+)*)$")
_SUFFIX_RE = re.compile(r"/(Add|Corr)\.(\d+)")


@dataclass(frozen=True)
class Symbol:
    series: str  # "ST/SG/SER.E" (Convention) or "A/AC.105/INF" (res. 1721 B)
    number: int
    suffixes: tuple[tuple[str, int], ...] = ()

    @property
    def text(self) -> str:
        base = (
            f"ST/SG/SER.E/{self.number}"
            if self.series == "ST/SG/SER.E"
            else f"A/AC.105/INF.{self.number}"
        )
        return base + "".join(f"/{kind}.{n}" for kind, n in self.suffixes)


def parse_symbol(symbol: str) -> Symbol | None:
    match = SYMBOL_RE.match(symbol.strip())
    if match is None:
        return None
    series = "ST/SG/SER.E" if match.group(2) else "A/AC.105/INF"
    number = int(match.group(2) or match.group(3))
    suffixes = tuple((kind, int(n)) for kind, n in _SUFFIX_RE.findall(match.group(4)))
    return Symbol(series, number, suffixes)


def is_well_formed(symbol: str) -> bool:
    return SYMBOL_RE.match(symbol) is not None
