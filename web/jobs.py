"""The job kinds this installation runs, assembled from every layer for the worker."""

from __future__ import annotations

from registry.elementsets import fetch
from registry.jobs.worker import Handler, JobContext, Outcome
from registry.settings import get_settings
from registry.webhooks.delivery import delivery_job
from registry.webhooks.service import JOB_KIND


async def fetch_celestrak(ctx: JobContext) -> Outcome:
    group = str(ctx.params.get("group", "active"))
    await ctx.progress(0.1, f"fetching CelesTrak group {group}")
    summary = await fetch.fetch_group(ctx.db, get_settings().cache_dir, group)
    return Outcome({"summary": summary.describe(), "stored": summary.stored}, summary.data_as_of)


async def fetch_satcat(ctx: JobContext) -> Outcome:
    await ctx.progress(0.1, "fetching CelesTrak SATCAT")
    summary = await fetch.fetch_satcat(ctx.db, get_settings().cache_dir)
    return Outcome({"summary": summary.describe(), "stored": summary.stored}, summary.data_as_of)


async def screening(ctx: JobContext) -> Outcome:
    """All-vs-all (or primaries) screening of the register's current catalog; the run is stored."""
    import asyncio

    from orbit.screening import ProcessRunner, ScreeningConfig, screen
    from registry.elementsets import service as elementsets
    from registry.jobs.screenings import store_run

    hours = float(ctx.params.get("hours", 24.0))
    threshold = float(ctx.params.get("threshold_km", 5.0))
    primaries = [int(p) for p in ctx.params.get("primaries", [])] or None
    async with ctx.db.reader() as session:
        elements = await elementsets.latest_per_object(session)
    if not elements:
        raise ValueError("the register holds no element sets to screen")
    await ctx.progress(
        0.05, f"screening {len(elements)} objects for {hours:g} h at {threshold:g} km"
    )

    def run() -> tuple[object, list[dict[str, object]]]:
        with ProcessRunner() as runner:
            result = screen(
                elements,
                ScreeningConfig(threshold_km=threshold),
                hours=hours,
                primaries=primaries,
                runner=runner,
            )
        return result, result.records()

    result, records = await asyncio.to_thread(run)
    newest = max(e.epoch for e in elements)
    async with ctx.db.writer() as session:
        stored = await store_run(
            session,
            records,
            start=result.window.start,  # type: ignore[attr-defined]
            hours=hours,
            threshold_km=threshold,
            objects=len(elements),
            capture_kms=result.capture_speed_kms,  # type: ignore[attr-defined]
            data_as_of=newest,
            source="register: newest element set per object",
            job_id=ctx.job_id,
        )
    return Outcome({"run_id": stored.id, "events": len(records), "objects": len(elements)}, newest)


async def reentry(ctx: JobContext) -> Outcome:
    """Re-entry predictions for the register's current catalog; the run is stored."""
    import asyncio
    from datetime import timedelta

    from orbit.reentry import group_by_object, predict_catalog
    from registry.elementsets import service as elementsets
    from registry.jobs.reentries import store_run

    horizon = float(ctx.params.get("horizon_days", 365.0))
    async with ctx.db.reader() as session:
        elements = await elementsets.latest_per_object(session)
    if not elements:
        raise ValueError("the register holds no element sets to predict from")
    newest = max(e.epoch for e in elements)
    await ctx.progress(
        0.05, f"predicting re-entries of {len(elements)} objects over {horizon:g} days"
    )
    outcomes = await asyncio.to_thread(
        predict_catalog, group_by_object(elements), horizon_end=newest + timedelta(days=horizon)
    )
    predictions = [o.prediction for o in outcomes if o.prediction is not None]
    async with ctx.db.writer() as session:
        run = await store_run(
            session,
            predictions,
            horizon_days=horizon,
            objects=len(outcomes),
            data_as_of=newest,
            source="register: newest element set per object",
            job_id=ctx.job_id,
        )
    return Outcome(
        {"run_id": run.id, "predicted": len(predictions), "objects": len(outcomes)}, newest
    )


HANDLERS: dict[str, Handler] = {
    "reentry": reentry,
    "screening": screening,
    "fetch-celestrak": fetch_celestrak,
    "fetch-satcat": fetch_satcat,
    JOB_KIND: delivery_job,
}
