"""On-disk cache of HTTP responses, one file per URL.

Each file holds a one-line JSON header (URL, when the body was downloaded,
when the server last confirmed it, its validators, its length and SHA-256)
followed by the body exactly as received. Files are replaced atomically, so a
reader in another process sees either the old or the new response, never a
mix; a file that fails its length or checksum test counts as absent.

>>> import tempfile
>>> from datetime import UTC, datetime
>>> cache = ResponseCache(Path(tempfile.mkdtemp()))
>>> t = datetime(2026, 7, 10, 12, 0, tzinfo=UTC)
>>> cache.store(CacheEntry("https://celestrak.org/pub/satcat.csv", b"OBJECT_NAME\\n", t, t,
...                        etag='"abc"'))
>>> cache.load("https://celestrak.org/pub/satcat.csv").etag
'"abc"'
>>> cache.load("https://celestrak.org/other") is None
True
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

_MAGIC = b"SPACEREG-HTTP-CACHE 1\n"


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One cached response body and what the server told us about it."""

    url: str
    content: bytes
    fetched_at: datetime  # when this body came from the server
    checked_at: datetime  # when the server last confirmed it (a 200 or a 304)
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None


class ResponseCache:
    """Response bodies under ``directory/<host>/<sha256 of URL>.http``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path_for(self, url: str) -> Path:
        host = urlsplit(url).hostname or "_"
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.directory / host / f"{digest}.http"

    def load(self, url: str) -> CacheEntry | None:
        """The cached entry for ``url``, or None if absent or unreadable."""
        path = self.path_for(url)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cache file %s unreadable (%s); treating as absent", path, exc)
            return None
        try:
            return _decode(raw, url)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("cache file %s is damaged (%s); treating as absent", path, exc)
            return None

    def store(self, entry: CacheEntry) -> None:
        path = self.path_for(entry.url)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {
            "url": entry.url,
            "fetched_at": entry.fetched_at.isoformat(),
            "checked_at": entry.checked_at.isoformat(),
            "etag": entry.etag,
            "last_modified": entry.last_modified,
            "content_type": entry.content_type,
            "length": len(entry.content),
            "sha256": hashlib.sha256(entry.content).hexdigest(),
        }
        blob = _MAGIC + json.dumps(header).encode("utf-8") + b"\n" + entry.content
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".http")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def confirm(
        self,
        entry: CacheEntry,
        checked_at: datetime,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> CacheEntry:
        """Record that the server confirmed ``entry`` unchanged at ``checked_at``."""
        updated = dataclasses.replace(
            entry,
            checked_at=checked_at,
            etag=etag or entry.etag,
            last_modified=last_modified or entry.last_modified,
        )
        self.store(updated)
        return updated


def _decode(raw: bytes, url: str) -> CacheEntry:
    if not raw.startswith(_MAGIC):
        raise ValueError("not a spacereg cache file")
    end = raw.index(b"\n", len(_MAGIC))
    header = json.loads(raw[len(_MAGIC) : end])
    content = raw[end + 1 :]
    if header["url"] != url:
        raise ValueError(f"holds {header['url']!r}, not {url!r}")
    if len(content) != header["length"]:
        raise ValueError(f"body is {len(content)} bytes, header says {header['length']}")
    if hashlib.sha256(content).hexdigest() != header["sha256"]:
        raise ValueError("body checksum mismatch")
    return CacheEntry(
        url=url,
        content=content,
        fetched_at=datetime.fromisoformat(header["fetched_at"]),
        checked_at=datetime.fromisoformat(header["checked_at"]),
        etag=header["etag"],
        last_modified=header["last_modified"],
        content_type=header["content_type"],
    )
