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


HANDLERS: dict[str, Handler] = {
    "fetch-celestrak": fetch_celestrak,
    "fetch-satcat": fetch_satcat,
    JOB_KIND: delivery_job,
}
