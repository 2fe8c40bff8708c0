"""Signing in and out of the browser interface (password login, signed-cookie session)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from web.deps import database
from web.pages.rendering import principal, render
from web.sessions import COOKIE, SESSION_SECONDS, SessionCodec, attempt_login, new_session

FormBody = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site: never an absolute or protocol-relative URL (open redirect).

    >>> safe_next("/portal?x=1", "/"), safe_next("//evil.example/", "/"), safe_next("https://e.x", "/")
    ('/portal?x=1', '/', '/')
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target


def home_of(role: str) -> str:
    return {"state": "/portal", "secretariat": "/workspace", "admin": "/workspace"}.get(role, "/")


def session_cookie(request: Request[Any, Any, Any], value: str, max_age: int) -> Cookie:
    return Cookie(
        key=COOKIE,
        value=value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


class AccountPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/login")
    async def login_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        who = principal(request)
        if who.kind == "user":
            return Redirect(safe_next(request.query_params.get("next"), home_of(who.role)))
        return render(
            request, "accounts/login.html", next=request.query_params.get("next") or "", error=None
        )

    @post("/login", status_code=200)
    async def login(self, request: Request[Any, Any, Any], data: FormBody) -> Template | Redirect:
        email = (data.get("email") or "").strip()[:254]
        password = (data.get("password") or "")[:1024]
        target = data.get("next") or ""
        async with database(request).writer() as session:
            outcome = await attempt_login(session, email, password)
        if outcome.user is None:
            ui_error = "locked" if outcome.result == "locked" else "invalid"
            return render(
                request,
                "accounts/login.html",
                status_code=429 if ui_error == "locked" else 401,
                headers={"Retry-After": str(outcome.retry_after_s)}
                if ui_error == "locked"
                else None,
                next=target,
                error=ui_error,
                email=email,
                minutes=max(1, outcome.retry_after_s // 60),
            )
        codec = SessionCodec(database(request).settings.secret_key)
        cookie = session_cookie(request, codec.encode(new_session(outcome.user)), SESSION_SECONDS)
        return Redirect(
            safe_next(target, home_of(outcome.user.role)), status_code=303, cookies=[cookie]
        )

    @post("/logout", status_code=303)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        return Redirect("/", status_code=303, cookies=[session_cookie(request, "", 0)])
