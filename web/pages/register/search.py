"""The register search: query parameters in, a validated query out.

The URL holds the whole query (``/objects?state=FRA&registered=false``), so it is a permalink;
the same parameters drive the CSV and JSON exports. A bad parameter never fails the page: it is
reported by name and left out of the query.

>>> form = SearchForm.parse({"state": "fra", "registered": "false", "from_year": "1999x"})
>>> form.query.state, form.query.registered, form.errors
('FRA', False, {'from_year': 'a year (e.g. 1990) is expected'})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from registry.elementsets.regime import REGIMES
from registry.objects import service
from registry.objects.schemas import STATUSES

SORTS = tuple(s for name in service.SORTS for s in (name, f"-{name}"))
PAGE_SIZES = (25, 50, 100, 200)
MAX_TEXT = 200


@dataclass(frozen=True)
class SearchForm:
    query: service.ObjectQuery
    from_year: int | None = None
    to_year: int | None = None
    fmt: str = "html"
    #: parameter name -> what was wrong with it (shown beside the filters).
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> SearchForm:
        errors: dict[str, str] = {}

        def text(name: str, upper: bool = False) -> str | None:
            value = (params.get(name) or "").strip()
            if not value:
                return None
            if len(value) > MAX_TEXT or any(ord(c) < 32 for c in value):
                errors[name] = f"at most {MAX_TEXT} printable characters"
                return None
            return value.upper() if upper else value

        def year(name: str) -> int | None:
            value = text(name)
            if value is None:
                return None
            if not value.isdigit() or not 1957 <= int(value) <= 2100:
                errors[name] = "a year (e.g. 1990) is expected"
                return None
            return int(value)

        def choice(name: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
            value = text(name)
            if value is None:
                return default
            if value not in allowed:
                errors[name] = "one of: " + ", ".join(allowed)
                return default
            return value

        registered_text = choice("registered", ("true", "false"))
        from_year, to_year = year("from_year"), year("to_year")
        if from_year and to_year and from_year > to_year:
            errors["to_year"] = "must not be before the first year"
            to_year = None
        page_text = text("page") or "1"
        page = int(page_text) if page_text.isdigit() and 0 < int(page_text) <= 100_000 else 1
        if page_text != str(page):
            errors["page"] = "a page number from 1 is expected"
        size_text = choice("page_size", tuple(str(s) for s in PAGE_SIZES), "50")
        query = service.ObjectQuery(
            state=text("state", upper=True),
            status=choice("status", STATUSES),
            function=text("function"),
            launched_from=date(from_year, 1, 1) if from_year else None,
            launched_to=date(to_year, 12, 31) if to_year else None,
            registered=None if registered_text is None else registered_text == "true",
            q=text("q"),
            regime=choice("regime", REGIMES),
            sort=choice("sort", SORTS, "designator") or "designator",
            page=page,
            page_size=int(size_text or 50),
        )
        return cls(
            query=query,
            from_year=from_year,
            to_year=to_year,
            fmt=choice("format", ("html", "csv", "json"), "html") or "html",
            errors=errors,
        )

    def with_page(self, page: int) -> SearchForm:
        return replace(self, query=replace(self.query, page=page))
