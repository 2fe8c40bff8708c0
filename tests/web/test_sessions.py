"""Password login, the signed session cookie, lockout after wrong passwords, CSRF, logout."""

from __future__ import annotations

import sqlalchemy as sa

from registry.accounts.models import User
from registry.db import Database
from tests.web.conftest import Client, csrf_token, sign_in
from tests.web.seed import Seeded
from web.sessions import COOKIE, MAX_FAILURES


async def test_login_sets_session_and_lands_on_the_role_home(
    client: Client, seeded: Seeded
) -> None:
    response = await sign_in(client, seeded.officer_fra)
    assert response.status_code == 303
    assert response.headers["location"] == "/portal"
    set_cookie = response.headers["set-cookie"]
    assert (
        COOKIE in set_cookie
        and "HttpOnly" in set_cookie
        and "SameSite=lax" in set_cookie.replace("Lax", "lax")
    )
    page = await client.get("/objects")
    assert seeded.officer_fra in page.text and "Sign out" in page.text


async def test_wrong_password_is_refused_without_saying_which(
    client: Client, seeded: Seeded
) -> None:
    wrong = await sign_in(client, seeded.officer_fra, "not the password")
    unknown = await sign_in(client, "nobody@test.org", "whatever")
    assert wrong.status_code == unknown.status_code == 401
    assert "not right" in wrong.text and "not right" in unknown.text


async def test_lockout_after_repeated_failures_holds_even_for_the_right_password(
    client: Client, seeded: Seeded, db: Database
) -> None:
    for _ in range(MAX_FAILURES):
        await sign_in(client, seeded.reviewer, "guess")
    locked = await sign_in(client, seeded.reviewer)
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 60
    async with db.reader() as session:
        user = await session.scalar(sa.select(User).where(User.email == seeded.reviewer))
    assert user is not None and user.locked_until is not None


async def test_form_post_without_csrf_token_is_refused(client: Client, seeded: Seeded) -> None:
    await client.get("/login")
    response = await client.post(
        "/login", data={"email": seeded.officer_fra, "password": "x"}, follow_redirects=False
    )
    assert response.status_code == 403


async def test_session_cookie_does_not_authenticate_the_api(client: Client, seeded: Seeded) -> None:
    await sign_in(client, seeded.officer_fra)
    response = await client.get("/api/v1/submissions")
    assert response.status_code == 401


async def test_tampered_cookie_is_ignored_and_logout_ends_the_session(
    client: Client, seeded: Seeded
) -> None:
    await sign_in(client, seeded.officer_fra)
    good = client.cookies.get(COOKIE)
    assert good
    client.cookies.set(COOKIE, good[:-3] + "abc")
    assert "Sign in" in (await client.get("/objects")).text
    client.cookies.clear()
    await sign_in(client, seeded.officer_fra)
    assert "Sign out" in (await client.get("/objects")).text
    token = await csrf_token(client, "/objects")
    out = await client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert "Sign in" in (await client.get("/objects")).text


async def test_next_parameter_never_leaves_the_site(client: Client, seeded: Seeded) -> None:
    token = await csrf_token(client)
    response = await client.post(
        "/login",
        data={
            "email": seeded.officer_fra,
            "password": "correct horse battery staple",
            "_csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/portal"
