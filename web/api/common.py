"""Response helpers shared by the API controllers."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from typing import Any

from litestar import Response
from litestar.response import Stream

from registry.versioning import etag


def with_etag(body: Any, version: int, status_code: int = 200) -> Response[Any]:
    return Response(body, status_code=status_code, headers={"ETag": etag(version)})


def page_body(total: int, page: int, page_size: int, items: list[Any]) -> dict[str, Any]:
    return {"total": total, "page": page, "page_size": page_size, "items": items}


async def csv_stream(
    columns: Iterable[str], rows: AsyncIterator[dict[str, Any]]
) -> AsyncIterator[str]:
    header = list(columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    yield buffer.getvalue()
    async for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def csv_response(
    columns: Iterable[str], rows: AsyncIterator[dict[str, Any]], filename: str
) -> Stream:
    return Stream(
        csv_stream(columns, rows),
        # Litestar appends "; charset=utf-8" to text types itself.
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
