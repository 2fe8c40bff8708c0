"""Rendering pages: one Jinja environment, the request's language, and who is signed in.

Templates live beside their controllers (``web/pages/<area>/templates/``) and are named
``<area>/<file>``; the layout and shared partials live in ``web/templates/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, pass_context
from jinja2.runtime import Context
from litestar import MediaType, Request, Response
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Stream, Template
from litestar.template.config import TemplateConfig

from registry.accounts.principal import PUBLIC, Principal
from registry.errors import NotFound
from web.charts import Figure
from web.i18n import LANGUAGES, Localizer, negotiate
from web.pages import labels
from web.pages.messages import in_language

WEB_DIR = Path(__file__).resolve().parents[1]
PAGES_DIR = WEB_DIR / "pages"
LANG_COOKIE = "lang"
ONE_YEAR_S = 365 * 24 * 3600


@pass_context
def _gettext(context: Context, message: str) -> str:
    return str(context["ui"].gettext(message))


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return str(context["ui"].ngettext(singular, plural, n))


@pass_context
def _in_language(context: Context, message: str) -> str:
    return in_language(context["ui"], message)


def _launching_state(ui: Localizer, entry: dict[str, Any]) -> str:
    role = str(entry.get("role", "launched"))
    return f"{entry['state']} ({ui.gettext(labels.LAUNCHING_ROLE.get(role, role))})"


@pass_context
def _show(context: Context, value: Any) -> str:
    """A stored value in words: lists joined, booleans as yes/no, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(context["ui"].gettext("yes" if value else "no"))
    if isinstance(value, list):
        return ", ".join(
            _launching_state(context["ui"], v) if isinstance(v, dict) and "state" in v else str(v)
            for v in value
        )
    if isinstance(value, float):
        return str(context["ui"].number(value, 3 if abs(value) < 10 else 1))
    return str(value)


def environment() -> Environment:
    areas = {
        folder.name: FileSystemLoader(folder / "templates")
        for folder in sorted(PAGES_DIR.iterdir())
        if (folder / "templates").is_dir()
    }
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(WEB_DIR / "templates"), PrefixLoader(areas)]),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["show"] = _show
    env.filters["in_language"] = _in_language
    env.globals["labels"] = labels
    env.globals["LANGUAGES"] = LANGUAGES
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment()))


def principal(request: Request[Any, Any, Any]) -> Principal:
    user = request.scope.get("user")
    return user if isinstance(user, Principal) else PUBLIC


def language(request: Request[Any, Any, Any]) -> str:
    lang = request.scope.get("state", {}).get("lang")
    if lang is None:
        lang = negotiate(
            request.query_params.get("lang"),
            request.cookies.get(LANG_COOKIE),
            request.headers.get("accept-language"),
        )
        request.scope.setdefault("state", {})["lang"] = lang
    return str(lang)


def localizer(request: Request[Any, Any, Any]) -> Localizer:
    return Localizer(language(request))


def url_with(request: Request[Any, Any, Any], **changes: Any) -> str:
    """The current URL with some query parameters replaced (None removes one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v is not None and v != ""]
    query = urlencode(params)
    return request.url.path + ("?" + query if query else "")


def render(
    request: Request[Any, Any, Any],
    name: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """A page in the request's language; ``?lang=`` also remembers the choice in a cookie."""
    ui = localizer(request)
    cookies = []
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES and chosen != request.cookies.get(LANG_COOKIE):
        cookies.append(Cookie(key=LANG_COOKIE, value=chosen, max_age=ONE_YEAR_S, samesite="lax"))
    return Template(
        template_name=name,
        context={
            "ui": ui,
            "user": principal(request),
            "path": request.url.path,
            "url_with": lambda **changes: url_with(request, **changes),
            "htmx": request.headers.get("hx-request") == "true",
            **context,
        },
        status_code=status_code,
        media_type=MediaType.HTML,
        headers={"Vary": "Accept-Language, Cookie", "Cache-Control": "no-cache", **(headers or {})},
        cookies=cookies,
    )


def chart_src(request: Request[Any, Any, Any], path: str) -> str:
    """Where a page links one of its charts (``path`` under ``/charts/<language>/``): the
    language is in the path, so the image never sets the language cookie."""
    return f"/charts/{language(request)}/{path}"


def chart_localizer(lang: str) -> Localizer:
    if lang not in LANGUAGES:
        raise NotFound(f"no language {lang}")
    return Localizer(lang)


def svg_response(figure: Figure | None) -> Response[str]:
    """A chart as an image; 404 when the page shows none (no data to draw)."""
    if figure is None:
        raise NotFound("no chart to draw")
    return Response(
        str(figure.svg),
        media_type="image/svg+xml",
        headers={"Cache-Control": "no-cache"},
    )


class Export(Stream):
    """A streamed export whose own media type wins over the page handler's (HTML) one."""

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["media_type"] = self.media_type
        return super().to_asgi_response(*args, **kwargs)


def login_redirect(request: Request[Any, Any, Any]) -> Redirect:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(path="/login?" + urlencode({"next": target}), status_code=303)
