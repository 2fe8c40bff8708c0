"""Browser forms of the portal and the workspace: reading posted fields, and answering with pages.

Every action is a plain form post answered with a redirect (post/redirect/get), so everything works
without JavaScript; the redirect carries ``?done=<what>`` so the next page can say what happened
without any state kept on the server.

>>> by_field([{"field": "objects[0].apogee_km", "severity": "error", "code": "x", "message": "m"},
...           {"field": "perigee_km", "severity": "warning", "code": "y", "message": "n"}])
{'apogee_km': [{'field': 'objects[0].apogee_km', 'severity': 'error', 'code': 'x', 'message': 'm'}], 'perigee_km': [{'field': 'perigee_km', 'severity': 'warning', 'code': 'y', 'message': 'n'}]}
>>> if_match({"version": "3"}), if_match({"version": "x"})
('"3"', None)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Response

from registry.submissions.models import Attachment

#: Uploads (a 20 MB note verbale plus element sets) need more than Litestar's 10 MB default body.
UPLOAD_BODY_LIMIT = 48 * 1024 * 1024


def by_field(findings: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Findings grouped by the object field they name (``objects[i].`` and ``changes.`` dropped)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        path = str(f.get("field", ""))
        if path.startswith("objects[") and "." in path:
            path = path.split(".", 1)[1]
        if path.startswith("changes."):
            path = path[len("changes.") :]
        leaf = path.split("[", 1)[0].split(".", 1)[0]
        grouped.setdefault(leaf, []).append(f)
    return grouped


def if_match(form: Mapping[str, Any]) -> str | None:
    """The version the form was rendered from, as the services' If-Match value."""
    version = str(form.get("version") or "")
    return f'"{version}"' if version.isdigit() else None


async def form_of(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The posted form, one value per name (files as UploadFile, text stripped of NULs)."""
    form = await request.form()
    out: dict[str, Any] = {}
    for name, value in form.items():
        out[name] = value if isinstance(value, UploadFile) else str(value).replace("\x00", "")
    return out


async def upload(form: Mapping[str, Any], name: str) -> tuple[bytes, str] | None:
    """An uploaded file's content and name, or None when the field was left empty."""
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    return await value.read(), value.filename


def done(path: str, what: str) -> Redirect:
    return Redirect(f"{path}?done={what}", status_code=303)


def content_disposition(filename: str) -> str:
    """An attachment header that survives any file name (RFC 6266: ASCII fallback and UTF-8).

    >>> print(content_disposition("NV été.pdf"))
    attachment; filename="NV _t_.pdf"; filename*=UTF-8''NV%20%C3%A9t%C3%A9.pdf
    """
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def attachment_response(attachment: Attachment) -> Response[bytes]:
    """A stored PDF, served as a download (never rendered in the site's origin)."""
    return Response(
        attachment.content,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": content_disposition(attachment.filename),
            "Cache-Control": "private, no-store",
            "X-Content-SHA256": attachment.sha256,
        },
    )
