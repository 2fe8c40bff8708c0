"""Methodology: the validator's rules and the guideline catalog with its sources and version."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from compliance.guidelines import GuidelineCatalog, load_guidelines
from compliance.methodology import Methodology, load_methodology
from registry import validation
from web.pages.rendering import render


@lru_cache(maxsize=1)
def _catalogs() -> tuple[GuidelineCatalog, Methodology]:
    return load_guidelines(), load_methodology()


class MethodologyPage(Controller):
    path = "/"
    include_in_schema = False

    @get("/methodology")
    async def methodology(self, request: Request[Any, Any, Any]) -> Template:
        guidelines, method = _catalogs()
        return render(
            request,
            "methodology/methodology.html",
            codes=validation.CODES,
            guidelines=guidelines,
            method=method,
        )
