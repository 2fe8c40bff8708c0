"""Catalog propagation throughput: orbit.propagate against a bare SatrecArray call.

Workload (issue "Orbit engine", part "Catalog propagation"): the first 20,000 objects of the
2022-01-22 full-catalog 3LE snapshot, one step per minute over a day from 2022-01-22 00:00
UTC (1,440 steps, 28.8 M satellite-epochs). Targets: >= 0.95x the bare throughput in one
process, >= 1.7x with two.

Reference, measured in the same run: one ``sgp4.api.SatrecArray`` of all the objects (built
from the same element sets, construction not timed) called as
``array.sgp4(jd[s:s + C], fr[s:s + C])`` for consecutive chunks of C steps, C being the
chunk length our chunked iterator picks (64 MiB buffers), so that its output allocation
stays small and warm; each chunk's output is dropped.

Ours (setup, i.e. building the Satrec objects and, with processes, starting the workers and
sending them the catalog, is timed once and printed separately):
- ``iter_chunks``: ``CatalogPropagator.iter_chunks(slice)``, consuming nothing, so the
  figure is the propagation itself (with processes the workers fill one buffer while the
  caller holds the other).
- ``propagate``: ``CatalogPropagator.propagate(slice)``, one result array for the slice.

Interleaving: the machine is shared, so the day is cut into rounds of ``--round-chunks``
chunks (4 x 68 = 272 steps by default) and every method runs each round in turn, the order
rotating from round to round; a method's figure is its total over all rounds. Load that
comes and goes then hits every method alike. CPU time (this process and its workers) is
printed beside wall time: on a machine shared with other work it shows the overhead that
wall time cannot. ``--whole`` also times one whole-day
``propagate`` per mode (1.41 GB result) for the memory figures.

Memory: peak resident set of this process (``ru_maxrss``) and of each worker (VmHWM). The
chunk buffers and whole-result buffers of the worker modes are shared mappings, counted in
every process that touched them.

Also printed first: vectorised orbit facts (``orbit.facts.catalog_facts``) over the
15,985-object active catalog against a per-object loop building each ``Satrec`` and reading
its altitudes and nodal period (target: milliseconds).

Run: ``.venv/bin/python bench/propagation.py`` (about 1.5 min on 2 free cores);
``--objects 2000 --steps 300`` for a quick look. The Space-Track snapshot is read here
only, never shipped.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sgp4.api import SatrecArray  # noqa: E402

from orbit.elements import ElementSet  # noqa: E402
from orbit.facts import catalog_facts, mean_element_facts  # noqa: E402
from orbit.propagate import (  # noqa: E402
    BYTES_PER_SATELLITE_EPOCH,
    DEFAULT_MAX_CHUNK_BYTES,
    CatalogPropagator,
    julian_dates,
)
from orbit.read import read_elements  # noqa: E402

SHARED = Path(os.environ.get("SPACEREG_SHARED_DATA", ROOT.parent / "shared" / "data"))
CATALOG = SHARED / "catalog" / "full-catalog-3le-2022-01-22.txt"
ACTIVE = SHARED / "catalog" / "celestrak-gp-active-2026-07-10.csv"
START = np.datetime64("2022-01-22T00:00", "ns")
MB = 1024 * 1024


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def best_of(repeat: int, function: Callable[[], object]) -> float:
    return min(timed(function) for _ in range(repeat))


def bare(array: SatrecArray, jd: np.ndarray, fr: np.ndarray, chunk: int) -> None:
    for s in range(0, jd.shape[0], chunk):
        e, r, v = array.sgp4(jd[s : s + chunk], fr[s : s + chunk])
        del e, r, v


def drain_chunks(propagator: CatalogPropagator, times: np.ndarray, chunk: int) -> None:
    for _ in propagator.iter_chunks(times, chunk_steps=chunk):
        pass


def check_against_bare(
    propagator: CatalogPropagator, array: SatrecArray, times: np.ndarray, chunk: int
) -> None:
    """Our first chunk must equal the bare call bit for bit (ours is NaN where SGP4 failed)."""
    jd, fr = julian_dates(times[:chunk])
    e_ref, r_ref, v_ref = array.sgp4(jd, fr)
    first = next(iter(propagator.iter_chunks(times[:chunk], chunk_steps=chunk)))
    ok = e_ref == 0
    same = (
        np.array_equal(first.error, e_ref)
        and np.array_equal(first.r[ok], r_ref[ok])
        and np.array_equal(first.v[ok], v_ref[ok])
        and bool(np.isnan(first.r[~ok]).all())
    )
    if not same:
        raise SystemExit("our first chunk differs from the bare SatrecArray call")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of this process and of the given live workers."""
    own = os.times()
    total = own.user + own.system
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a live process (a spawned child's ru_maxrss keeps its pre-exec peak)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def facts_figures() -> None:
    """Vectorised orbit facts over the active catalog, against a per-object Satrec loop."""
    elements = read_elements(ACTIVE).elements
    columns = [
        np.array([es.mean_motion for es in elements]),
        np.array([es.eccentricity for es in elements]),
        np.array([es.inclination_deg for es in elements]),
    ]

    def per_object() -> None:
        for es in elements:
            sat = es.to_satrec()
            _ = (sat.alta, sat.altp, 2 * np.pi / (sat.mdot + sat.argpdot))

    ours = best_of(5, lambda: catalog_facts(elements))
    arrays_only = best_of(5, lambda: mean_element_facts(*columns))
    reference = best_of(5, per_object)
    print(
        f"orbit facts, {len(elements)} active objects: catalog_facts {ours * 1e3:.1f} ms "
        f"(from arrays {arrays_only * 1e3:.1f} ms); reference, a Satrec per object "
        f"(sgp4init, altitudes, nodal period) {reference * 1e3:.0f} ms: {reference / ours:.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--objects", type=int, default=20_000)
    parser.add_argument("--steps", type=int, default=1_440)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--chunk-steps", type=int, default=None)
    parser.add_argument("--round-chunks", type=int, default=4, help="chunks per round")
    parser.add_argument("--whole", action="store_true", help="also one whole-day propagate")
    args = parser.parse_args()

    facts_figures()
    elements: list[ElementSet] = read_elements(CATALOG).elements[: args.objects]
    n_obj, n_t, p = len(elements), args.steps, args.processes
    times = START + np.arange(n_t) * np.timedelta64(60, "s")
    jd, fr = julian_dates(times)
    chunk = args.chunk_steps or DEFAULT_MAX_CHUNK_BYTES // (BYTES_PER_SATELLITE_EPOCH * n_obj)
    chunk = max(1, min(chunk, n_t))
    round_steps = chunk * max(1, args.round_chunks)
    rounds = [slice(s, min(s + round_steps, n_t)) for s in range(0, n_t, round_steps)]
    epochs = n_obj * n_t
    print(
        f"{n_obj} objects x {n_t} steps = {epochs / 1e6:.1f} M satellite-epochs; chunks of "
        f"{chunk} steps ({BYTES_PER_SATELLITE_EPOCH * n_obj * chunk / MB:.0f} MiB each), "
        f"{len(rounds)} interleaved rounds; {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} at start"
    )
    array = SatrecArray([es.to_satrec() for es in elements])
    setup_1 = time.perf_counter()
    one = CatalogPropagator(elements, processes=1)
    setup_1 = time.perf_counter() - setup_1
    setup_p = time.perf_counter()
    many = CatalogPropagator(elements, processes=p)
    setup_p = time.perf_counter() - setup_p
    check_against_bare(one, array, times, chunk)
    check_against_bare(many, array, times, chunk)

    methods: list[tuple[str, Callable[[slice], object], float]] = [
        ("bare SatrecArray.sgp4", lambda s: bare(array, jd[s], fr[s], chunk), 0.0),
        ("ours, 1 process, iter_chunks", lambda s: drain_chunks(one, times[s], chunk), setup_1),
        ("ours, 1 process, propagate", lambda s: one.propagate(times[s]), setup_1),
        (f"ours, {p} processes, iter_chunks", lambda s: drain_chunks(many, times[s], chunk), setup_p),
        (f"ours, {p} processes, propagate", lambda s: many.propagate(times[s]), setup_p),
    ]  # fmt: skip
    totals = [0.0] * len(methods)
    cpu = [0.0] * len(methods)
    pids = many.worker_pids
    for k, steps in enumerate(rounds):
        for m in np.roll(np.arange(len(methods)), -k):
            before = cpu_seconds(pids)
            totals[m] += timed(partial(methods[m][1], steps))
            cpu[m] += cpu_seconds(pids) - before
    rss_rounds = maxrss_mb()

    whole: list[tuple[str, float]] = []
    if args.whole:
        whole.append(("ours, 1 process, propagate, whole day", timed(lambda: one.propagate(times))))
        rss_whole = maxrss_mb()
        whole.append((f"ours, {p} processes, propagate, whole day", timed(lambda: many.propagate(times))))  # fmt: skip
    rss_workers = [peak_rss_mb(pid) for pid in many.worker_pids]
    many.close()
    one.close()

    ref_rate = epochs / totals[0]
    print(
        f"\n{'run':36} {'seconds':>8} {'M sat-epochs/s':>15} {'ratio':>6} {'CPU s':>7} "
        f"{'CPU ratio':>9}   incl. setup"
    )
    for (label, _, setup), seconds, used in zip(methods, totals, cpu, strict=True):
        rate = epochs / seconds
        line = (
            f"{label:36} {seconds:8.2f} {rate / 1e6:15.2f} {rate / ref_rate:6.3f} "
            f"{used:7.2f} {cpu[0] / used:9.3f}"
        )
        if setup:
            with_setup = epochs / (seconds + setup)
            line += f"   {with_setup / ref_rate:.3f}x (setup {setup:.2f} s)"
        print(line)
    for label, seconds in whole:
        rate = epochs / seconds
        print(f"{label:42} {seconds:8.2f} {rate / 1e6:15.2f} {rate / ref_rate:6.3f}   (alone)")
    print(f"\nreference: bare, {ref_rate / 1e6:.2f} M satellite-epochs/s over the same rounds")
    print(
        "CPU s: CPU time of this process and its workers over the rounds; CPU ratio = bare "
        "CPU / ours (work overhead, insensitive to other load: with p free cores the wall "
        "ratio tends to p x CPU ratio, less load imbalance)"
    )
    print("targets: >= 0.95x in one process, >= 1.7x with two")
    memory = f"peak RSS: this process {rss_rounds:.0f} MB after the rounds"
    if args.whole:
        memory += f", {rss_whole:.0f} MB after the 1-process whole-day run"
    print(
        memory
        + "; workers "
        + ", ".join(f"{mb:.0f}" for mb in rss_workers)
        + " MB (shared buffers count in every process that touched them)"
    )
    print(
        f"buffers: chunked {2 * BYTES_PER_SATELLITE_EPOCH * n_obj * chunk / MB:.0f} MiB "
        f"(two chunk buffers), whole day {BYTES_PER_SATELLITE_EPOCH * epochs / MB:.0f} MiB"
    )
    print(f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
