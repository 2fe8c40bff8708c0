"""Mixed load on PostgreSQL: State officers and reviewers working at once, then the books checked.

50 concurrent clients (by default) for 60 s on loopback against `spacereg serve --workers 2` over
the demo register: State officers read the register, create drafts, edit and submit them and
propose amendments; reviewers claim, accept and publish. Afterwards:

* no 5xx and no transport error;
* no lost write: every acknowledged write is in the database (each submission at least at the
  version and status last acknowledged) and the audit chain verifies;
* 412 only for real edit conflicts: every 412 names a current version newer than the one sent;
* throughput and p95 per kind of request, and the ratio to /health measured in the same run.

Rate limits stay on (one UPSERT per request) with a per-key limit above what the run reaches.

    python bench/load.py [--clients 50] [--seconds 60] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._serve import database, server

STATES = ("FRA", "DEU", "JPN", "ITA", "GBR", "IND", "LUX", "ESP")
PIECES = "ABCDEFGHJKLMNPQRSTUVWXYZ"
REVIEWER_SHARE = 0.2


@dataclass
class Books:
    """What the clients were told, to be checked against the database afterwards."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    server_errors: list[str] = field(default_factory=list)
    transport_errors: list[str] = field(default_factory=list)
    #: submission id -> (highest acknowledged version, status acknowledged with it)
    acknowledged: dict[int, tuple[int, str]] = field(default_factory=dict)
    conflicts_real: int = 0
    conflicts_false: list[str] = field(default_factory=list)
    published: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    designators: int = 0

    def ack(self, body: dict[str, Any]) -> None:
        version, status = body["version"], body["status"]
        known = self.acknowledged.get(body["id"])
        if known is None or version >= known[0]:
            self.acknowledged[body["id"]] = (version, status)

    def next_designator(self) -> str:
        n = self.designators
        self.designators += 1
        return f"2026-{500 + n // len(PIECES):03d}{PIECES[n % len(PIECES)]}"


class Client:
    def __init__(self, http: httpx.AsyncClient, key: str, books: Books) -> None:
        self.http, self.books = http, books
        self.headers = {"Authorization": f"Bearer {key}"}

    async def call(
        self,
        kind: str,
        method: str,
        path: str,
        *,
        if_match: int | None = None,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> httpx.Response | None:
        headers = {**self.headers, **(headers or {})}
        if if_match is not None:
            headers["If-Match"] = f'"{if_match}"'
        started = time.perf_counter()
        try:
            response = await self.http.request(method, path, headers=headers, **kw)
        except httpx.HTTPError as exc:
            self.books.transport_errors.append(f"{method} {path}: {exc!r}")
            return None
        self.books.latencies[kind].append(time.perf_counter() - started)
        self.books.statuses[kind][response.status_code] += 1
        if response.status_code >= 500:
            self.books.server_errors.append(
                f"{method} {path}: {response.status_code} {response.text[:200]}"
            )
        if response.status_code == 412 and if_match is not None:
            current = response.json().get("current_version")
            if isinstance(current, int) and current > if_match:
                self.books.conflicts_real += 1
            else:
                self.books.conflicts_false.append(
                    f"{method} {path}: sent {if_match}, now {current}"
                )
        return response


def new_object(designator: str, state: str) -> dict[str, Any]:
    return {
        "international_designator": designator,
        "name": f"LOADSAT {designator}",
        "launching_states": [{"state": state, "role": "procured"}],
        "launch_date": "2026-03-01T10:00:00Z",
        "launch_territory": "USA",
        "nodal_period_min": 95.6,
        "inclination_deg": 53.0,
        "apogee_km": 560.0,
        "perigee_km": 550.0,
        "function": "communications",
        "function_detail": "load test",
        "owner_operator": "Bench Ltd",
        "web_link": "https://example.org/loadsat",
    }


async def _pick(client: Client, kind: str, query: str) -> dict[str, Any] | None:
    listed = await client.call(kind, "GET", f"/api/v1/submissions?{query}&page_size=20")
    if listed is None or listed.status_code != 200 or not listed.json()["items"]:
        return None
    return random.choice(listed.json()["items"])


async def officer(client: Client, state: str, reads: list[str], stop: float) -> None:
    books = client.books
    while time.monotonic() < stop:
        roll = random.random()
        if roll < 0.45:
            await client.call("public read", "GET", random.choice(reads))
        elif roll < 0.58:
            await client.call("own list", "GET", f"/api/v1/submissions?state={state}&page_size=20")
        elif roll < 0.73:
            objects = [
                new_object(books.next_designator(), state) for _ in range(random.randint(1, 3))
            ]
            response = await client.call(
                "create draft",
                "POST",
                "/api/v1/submissions",
                json={"objects": objects},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            if response is not None and response.status_code == 201:
                books.ack(response.json())
        elif roll < 0.95:
            draft = await _pick(client, "own list", "status=draft")
            if draft is None:
                continue
            if roll < 0.85:
                response = await client.call(
                    "edit draft",
                    "PATCH",
                    f"/api/v1/submissions/{draft['id']}",
                    if_match=draft["version"],
                    json={"note": f"edited {uuid.uuid4().hex[:8]}"},
                )
            else:
                response = await client.call(
                    "submit",
                    "POST",
                    f"/api/v1/submissions/{draft['id']}/submit",
                    if_match=draft["version"],
                )
            if response is not None and response.status_code == 200:
                books.ack(response.json())
        elif books.published[state]:
            designator = random.choice(books.published[state])
            response = await client.call(
                "create amendment",
                "POST",
                "/api/v1/amendments",
                json={
                    "international_designator": designator,
                    "amendment_type": "additional_information",
                    "changes": {"function_detail": f"update {uuid.uuid4().hex[:8]}"},
                },
            )
            if response is not None and response.status_code == 201:
                body = response.json()
                books.ack(body)
                submitted = await client.call(
                    "submit",
                    "POST",
                    f"/api/v1/submissions/{body['id']}/submit",
                    if_match=body["version"],
                )
                if submitted is not None and submitted.status_code == 200:
                    books.ack(submitted.json())


async def reviewer(client: Client, reads: list[str], stop: float) -> None:
    books = client.books
    while time.monotonic() < stop:
        if random.random() < 0.3:
            await client.call("public read", "GET", random.choice(reads))
            continue
        sub = await _pick(client, "review list", "status=submitted")
        if sub is None:
            await asyncio.sleep(0.05)
            continue
        for action in ("claim", "accept", "publish"):
            response = await client.call(
                action, "POST", f"/api/v1/submissions/{sub['id']}/{action}", if_match=sub["version"]
            )
            if response is None or response.status_code != 200:
                break
            sub = response.json()
            books.ack(sub)
        else:
            if sub["kind"] == "registration":
                full = await client.call("review list", "GET", f"/api/v1/submissions/{sub['id']}")
                if full is not None and full.status_code == 200:
                    books.published[sub["state"]] += [
                        o["international_designator"] for o in full.json()["objects"]
                    ]


async def health_rate(base: str, clients: int, seconds: float) -> tuple[float, float]:
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:

        async def one() -> None:
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                (await http.get("/health")).raise_for_status()
                latencies.append(time.perf_counter() - t0)

        started = time.monotonic()
        await asyncio.gather(*(one() for _ in range(clients)))
        elapsed = time.monotonic() - started
    return len(latencies) / elapsed, p95(latencies)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000 if ordered else 0.0


async def drive(
    base: str, keys: dict[str, list[str]], clients: int, seconds: float
) -> tuple[Books, float]:
    books = Books()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        objects = (await http.get("/api/v1/objects", params={"page": 7, "page_size": 50})).json()
        reads = [
            f"/api/v1/objects/{o['international_designator'].replace(' ', '%20')}"
            for o in objects["items"]
        ] + [f"/api/v1/objects?state={s}&page_size=50" for s in ("USA", "RUS", "FRA", "CHN")]
        reviewers = max(1, round(clients * REVIEWER_SHARE))
        stop = time.monotonic() + seconds
        tasks = [
            reviewer(Client(http, keys["secretariat"][i], books), reads, stop)
            for i in range(reviewers)
        ] + [
            officer(
                Client(http, keys[STATES[i % len(STATES)]][i], books),
                STATES[i % len(STATES)],
                reads,
                stop,
            )
            for i in range(clients - reviewers)
        ]
        started = time.monotonic()
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - started
    return books, elapsed


async def audit_books(url: str, books: Books) -> tuple[list[str], bool, int]:
    """Every acknowledged submission at least at its acknowledged version and status."""
    import sqlalchemy as sa

    from registry.audit import chain
    from registry.db import Database
    from registry.settings import Settings
    from registry.submissions.models import Submission

    db = Database(Settings(database_url=url))
    lost: list[str] = []
    try:
        async with db.reader() as session:
            rows = {
                r.id: (r.version, r.status)
                for r in (
                    await session.execute(
                        sa.select(Submission.id, Submission.version, Submission.status)
                    )
                ).all()
            }
            verification = await chain.verify(session)
    finally:
        await db.dispose()
    order = ("draft", "returned", "submitted", "under_review", "accepted", "published")
    for sub_id, (version, status) in books.acknowledged.items():
        stored = rows.get(sub_id)
        if stored is None:
            lost.append(f"submission {sub_id} acknowledged at v{version} is missing")
        elif stored[0] < version:
            lost.append(f"submission {sub_id}: acknowledged v{version}, stored v{stored[0]}")
        elif (
            status in order and stored[1] in order and order.index(stored[1]) < order.index(status)
        ):
            lost.append(f"submission {sub_id}: acknowledged {status}, stored {stored[1]}")
    return lost, verification.ok, verification.entries


def run(clients: int, seconds: float, workers: int) -> bool:
    # High enough never to refuse this run's keys, low enough that every request is counted.
    os.environ["SPACEREG_RATE_LIMIT_KEY_PER_MINUTE"] = "1000000"
    print("== preparing the demo register on PostgreSQL ==", flush=True)
    with database("postgresql") as url:
        keys = asyncio.run(make_keys(url, clients))
        with server(url, workers=workers) as base:
            health_rps, health_p95 = asyncio.run(health_rate(base, clients, 5))
            print(
                f"== {clients} clients for {seconds:.0f} s, {workers} server workers ==", flush=True
            )
            books, elapsed = asyncio.run(drive(base, keys, clients, seconds))
        lost, chain_ok, entries = asyncio.run(audit_books(url, books))
    total = sum(len(v) for v in books.latencies.values())
    every = [x for v in books.latencies.values() for x in v]
    print(f"{'request kind':20} {'count':>7} {'req/s':>8} {'p95 ms':>8}  statuses")
    for kind in sorted(books.latencies):
        lat = books.latencies[kind]
        codes = " ".join(f"{c}:{n}" for c, n in sorted(books.statuses[kind].items()))
        print(f"{kind:20} {len(lat):7d} {len(lat) / elapsed:8.1f} {p95(lat):8.1f}  {codes}")
    rps = total / elapsed
    print(f"{'all':20} {total:7d} {rps:8.1f} {p95(every):8.1f}")
    print(
        f"/health reference: {health_rps:.0f} req/s, p95 {health_p95:.1f} ms; mixed/health = {rps / health_rps:.3f}"
    )
    published = sum(1 for _, s in books.acknowledged.values() if s == "published")
    print(
        f"acknowledged submissions: {len(books.acknowledged)} ({published} published); "
        f"audit entries: {entries}"
    )
    checks = [
        ("no 5xx", len(books.server_errors) == 0, f"{len(books.server_errors)} 5xx"),
        ("no transport errors", not books.transport_errors, f"{len(books.transport_errors)}"),
        ("no lost write", not lost, f"{len(lost)} lost"),
        ("audit chain verifies", chain_ok, f"{entries} entries"),
        (
            "412 only for real conflicts",
            not books.conflicts_false,
            f"{books.conflicts_real} real, {len(books.conflicts_false)} false",
        ),
    ]
    ok = True
    for label, passed, detail in checks:
        print(f"{label:30} {'PASS' if passed else 'FAIL'}  ({detail})")
        ok &= passed
    for line in (books.server_errors + books.transport_errors + lost + books.conflicts_false)[:10]:
        print("  " + line)
    return ok


async def make_keys(url: str, clients: int) -> dict[str, list[str]]:
    """One key per client (officers of a State share its drafts), made in one transaction."""
    from registry.accounts import service as accounts
    from registry.accounts.principal import SYSTEM
    from registry.db import Database
    from registry.settings import Settings

    db = Database(Settings(database_url=url))
    keys: dict[str, list[str]] = defaultdict(list)
    try:
        async with db.writer() as session:
            for i in range(clients):
                for role, state in (("state", STATES[i % len(STATES)]), ("secretariat", None)):
                    new = await accounts.create_key(
                        session, SYSTEM, name=f"load-{role}-{i}", role=role, state_code=state
                    )
                    keys[state or "secretariat"].append(new.secret)
    finally:
        await db.dispose()
    # Indexed by client number.
    for state in STATES:
        keys[state] = (keys[state] * clients)[:clients]
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sys.exit(0 if run(args.clients, args.seconds, args.workers) else 1)


if __name__ == "__main__":
    main()
