"""Registry API speed on the demo register, SQLite and PostgreSQL, with wrk on loopback.

Targets (issue "Registry core"): single-client p95 <= 5 ms for an object lookup and <= 20 ms for a
filtered list page of 50; at 32 connections, lookup throughput >= 50% and list throughput >= 25% of
the /health throughput measured in the same run; and a 100-object submission end to end.

    python bench/registry_api.py [--db sqlite|postgresql|both] [--seconds 10]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench._serve import cli, database, server, wrk


def sample_paths(base: str) -> tuple[list[str], list[str]]:
    rng = random.Random(7)
    designators: list[str] = []
    for page in rng.sample(range(1, 460), 20):
        items = httpx.get(
            f"{base}/api/v1/objects", params={"page": page, "page_size": 50}, timeout=30
        ).json()["items"]
        designators += [i["international_designator"] for i in items]
    lookups = [f"/api/v1/objects/{d.replace(' ', '%20')}" for d in designators]
    filters = [
        "state=USA&launched_from=2015-01-01",
        "state=RUS",
        "attributed_state=CHN&registered=false",
        "registered=true&launched_from=2000-01-01&launched_to=2010-12-31",
        "status=in_gso",
        "q=STARLINK",
        "state=FRA&sort=-launch_date",
    ]
    lists = [f"/api/v1/objects?{f}&page_size=50&page={p}" for f in filters for p in (1, 2, 3)]
    return lookups, lists


def submission_end_to_end(base: str, url: str) -> dict[str, float]:
    state_key = (
        cli(url, "keys", "create", "--role", "state", "--state", "LUX", "--name", "bench")
        .strip()
        .splitlines()[-1]
    )
    reviewer = (
        cli(url, "keys", "create", "--role", "secretariat", "--name", "bench-reviewer")
        .strip()
        .splitlines()[-1]
    )
    objects = [
        {
            "international_designator": f"2026-{900 + i // 20:03d}{'ABCDEFGHJKLMNPQRSTUVWXYZ'[i % 20]}",
            "name": f"BENCHSAT-{i}",
            "launching_states": [{"state": "LUX", "role": "procured"}],
            "launch_date": "2026-03-01T10:00:00Z",
            "launch_territory": "USA",
            "nodal_period_min": 95.6,
            "inclination_deg": 53.0,
            "apogee_km": 560.0,
            "perigee_km": 550.0,
            "function": "communications",
        }
        for i in range(100)
    ]
    times: dict[str, float] = {}
    with httpx.Client(base_url=base, timeout=120) as client:
        start = time.perf_counter()
        sub = client.post(
            "/api/v1/submissions",
            json={"objects": objects},
            headers={"Authorization": f"Bearer {state_key}"},
        )
        sub.raise_for_status()
        times["create"] = time.perf_counter() - start
        for action, key in (
            ("submit", state_key),
            ("claim", reviewer),
            ("accept", reviewer),
            ("publish", reviewer),
        ):
            t0 = time.perf_counter()
            body = sub.json()
            sub = client.post(
                f"/api/v1/submissions/{body['id']}/{action}",
                headers={"Authorization": f"Bearer {key}", "If-Match": f'"{body["version"]}"'},
            )
            sub.raise_for_status()
            times[action] = time.perf_counter() - t0
        times["total"] = time.perf_counter() - start
        assert sub.json()["document"], sub.text
    return times


def run(kind: str, seconds: float) -> bool:
    print(f"\n== {kind}: preparing the demo register ==", flush=True)
    ok = True
    with database(kind) as url, server(url) as base:
        lookups, lists = sample_paths(base)
        single_lookup = wrk(base, lookups, connections=1, seconds=seconds)
        single_list = wrk(base, lists, connections=1, seconds=seconds)
        health = wrk(base, ["/health"], connections=32, seconds=seconds)
        many_lookup = wrk(base, lookups, connections=32, seconds=seconds)
        many_list = wrk(base, lists, connections=32, seconds=seconds)
        e2e = submission_end_to_end(base, url)
    print(f"{'measure':38} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for label, r in (
        ("lookup, 1 connection", single_lookup),
        ("list page of 50, 1 connection", single_list),
        ("/health, 32 connections", health),
        ("lookup, 32 connections", many_lookup),
        ("list page of 50, 32 connections", many_list),
    ):
        print(f"{label:38} {r.rps:9.0f} {r.p50_ms:8.2f} {r.p95_ms:8.2f} {r.errors + r.non2xx:7d}")
        ok &= r.errors + r.non2xx == 0
    checks = [
        ("single-client lookup p95 <= 5 ms", single_lookup.p95_ms, single_lookup.p95_ms <= 5),
        ("single-client list p95 <= 20 ms", single_list.p95_ms, single_list.p95_ms <= 20),
        (
            "lookup / health throughput >= 0.50",
            many_lookup.rps / health.rps,
            many_lookup.rps / health.rps >= 0.5,
        ),
        (
            "list / health throughput >= 0.25",
            many_list.rps / health.rps,
            many_list.rps / health.rps >= 0.25,
        ),
    ]
    for label, value, passed in checks:
        print(f"{label:38} {value:9.3f}  {'PASS' if passed else 'FAIL'}")
        ok &= passed
    print(
        "100-object submission end to end: "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in e2e.items())
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [run(kind, args.seconds) for kind in kinds]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
