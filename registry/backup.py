"""Backup and restore: the whole register as one portable archive, restorable on either database.

The archive is a zip holding one JSON-lines file per table (``tables/<name>.jsonl``, one object per
row, rows in primary-key order) and ``manifest.json``: the format version, the spacereg version and
schema revision that wrote it, each member's row count, columns and SHA-256, and the audit chain's
length and head. Tables come from the model metadata, never from a list kept here, so a table added
by a later migration is backed up without a change to this module.

Values are written so that SQLite and PostgreSQL read them back identically: datetimes as ISO 8601
UTC with a ``Z``, dates as ISO dates, bytes as base64, JSON columns as JSON, non-finite floats as
the strings ``"inf"``, ``"-inf"`` and ``"nan"``.

>>> from datetime import UTC, datetime
>>> encode_value("datetime", datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=UTC))
'2026-03-04T05:06:07.000890Z'
>>> decode_value("datetime", "2026-03-04T05:06:07.000890Z")
datetime.datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=datetime.timezone.utc)
>>> encode_value("bytes", b"%PDF-1.7"), decode_value("bytes", "JVBERi0xLjc=")
('JVBERi0xLjc=', b'%PDF-1.7')
>>> encode_value("float", float("inf")), decode_value("float", "-inf")
('inf', -inf)
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import io
import json
import math
import os
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator

from registry.audit import chain
from registry.db import Database
from registry.errors import RegistryError
from registry.models import metadata

FORMAT = "spacereg-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: Reference tables that ``spacereg db upgrade`` fills by itself: an otherwise empty database may
#: hold them, and the archive's rows replace them.
RESEEDED_TABLES = frozenset({"states"})
_BATCH = 1000

Progress = Callable[[str], None]


class BackupError(RegistryError):
    title = "Backup failed"


# --- values --------------------------------------------------------------------------------


def column_kind(column: sa.Column[Any]) -> str:
    """The portable kind of a column, from its SQL type (custom types by what they wrap).

    >>> column_kind(sa.Column("x", sa.BigInteger()))
    'int'
    >>> column_kind(sa.Column("x", sa.LargeBinary()))
    'bytes'
    """
    sql_type: Any = column.type
    while isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    # Order matters: DateTime is not a Date, but Float is a Numeric and Boolean is no Integer.
    checks: tuple[tuple[type[Any], str], ...] = (
        (sa.JSON, "json"),
        (sa.DateTime, "datetime"),
        (sa.Date, "date"),
        (sa.LargeBinary, "bytes"),
        (sa.Boolean, "bool"),
        (sa.Integer, "int"),
        (sa.Float, "float"),
        (sa.Numeric, "decimal"),
        (sa.String, "str"),
    )
    for sql_class, kind in checks:
        if isinstance(sql_type, sql_class):
            return kind
    raise BackupError(
        f"column {column.table.name}.{column.name} has type {sql_type!r}, "
        "which the backup format cannot carry yet"
    )


def encode_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if kind == "date":
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    if kind == "float":
        value = float(value)
        return value if math.isfinite(value) else str(value)
    if kind == "decimal":
        return str(value)
    return value


def decode_value(kind: str, value: Any) -> Any:
    """The inverse of :func:`encode_value`; raises ValueError naming what was wrong."""
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(_expect(value, str, kind))
    if kind == "date":
        return date.fromisoformat(_expect(value, str, kind))
    if kind == "bytes":
        return base64.b64decode(_expect(value, str, kind), validate=True)
    if kind == "float":
        if isinstance(value, str) and value in ("inf", "-inf", "nan"):
            return float(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {value!r}")
        return float(value)
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected an integer, got {value!r}")
        return value
    if kind == "bool":
        return _expect(value, bool, kind)
    if kind == "decimal":
        return Decimal(_expect(value, str, kind))
    if kind == "str":
        return _expect(value, str, kind)
    return value  # json: any JSON value


def _expect(value: Any, expected: type[Any], kind: str) -> Any:
    if not isinstance(value, expected):
        raise ValueError(f"expected {kind} as {expected.__name__}, got {value!r}")
    return value


# --- the manifest --------------------------------------------------------------------------


@dataclass(frozen=True)
class TableEntry:
    name: str
    member: str
    rows: int
    sha256: str
    #: (column name, portable kind) in table order.
    columns: list[tuple[str, str]]


@dataclass(frozen=True)
class Manifest:
    spacereg_version: str
    schema_revision: str
    source_dialect: str
    created_at: str
    audit_entries: int
    audit_head: str
    tables: list[TableEntry] = field(default_factory=list)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def table(self, name: str) -> TableEntry | None:
        return next((t for t in self.tables if t.name == name), None)

    def to_json(self) -> str:
        body = asdict(self)
        for table in body["tables"]:
            table["columns"] = [list(c) for c in table["columns"]]
        return json.dumps(body, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, origin: str) -> Manifest:
        try:
            body = json.loads(text)
            if not isinstance(body, dict) or body.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} manifest")
            version = body.get("format_version")
            if version != FORMAT_VERSION:
                raise ValueError(
                    f"format version {version!r}; this spacereg reads version {FORMAT_VERSION}"
                )
            tables = [
                TableEntry(
                    name=str(t["name"]),
                    member=str(t["member"]),
                    rows=int(t["rows"]),
                    sha256=str(t["sha256"]),
                    columns=[(str(name), str(kind)) for name, kind in t["columns"]],
                )
                for t in body["tables"]
            ]
            return cls(
                spacereg_version=str(body["spacereg_version"]),
                schema_revision=str(body["schema_revision"]),
                source_dialect=str(body["source_dialect"]),
                created_at=str(body["created_at"]),
                audit_entries=int(body["audit_entries"]),
                audit_head=str(body["audit_head"]),
                tables=tables,
            )
        except (ValueError, KeyError, TypeError) as exc:
            detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            raise BackupError(f"{origin}: {MANIFEST}: {detail}") from exc


def _spacereg_version() -> str:
    try:
        return package_metadata.version("spacereg")
    except package_metadata.PackageNotFoundError:
        return "unknown"


# --- schema revision -----------------------------------------------------------------------


def code_revision(db: Database) -> str:
    """The newest migration this spacereg ships: the schema its models describe."""
    from alembic.script import ScriptDirectory

    from registry.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(db.settings)).get_current_head()
    if head is None:
        raise BackupError("this spacereg ships no migrations")
    return head


async def database_revision(session: AsyncSession) -> str | None:
    """The database's schema revision, or None when it has no schema at all."""
    tables = await session.run_sync(lambda s: sa.inspect(s.connection()).get_table_names())
    if "alembic_version" not in tables:
        if set(tables) & set(metadata.tables):
            raise BackupError(
                "the database has spacereg tables but no alembic_version: it was not created by "
                "spacereg db upgrade"
            )
        return None
    return await session.scalar(sa.text("SELECT version_num FROM alembic_version"))


# --- export --------------------------------------------------------------------------------


async def export_archive(
    db: Database, path: Path, *, overwrite: bool = False, progress: Progress | None = None
) -> Manifest:
    """Write every table to a new archive at ``path``, from one consistent snapshot.

    The file appears only when complete: it is written beside ``path`` and renamed at the end.
    """
    say = progress or (lambda _: None)
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} exists; choose another name or allow overwriting")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a directory")
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    expected_revision = code_revision(db)
    try:
        async with db.reader() as session:
            if not db.is_sqlite:
                # One snapshot for every table while the service keeps writing (pg_dump does the
                # same); SQLite's read transaction in WAL mode is already a snapshot.
                await session.connection(
                    execution_options={
                        "isolation_level": "REPEATABLE READ",
                        "postgresql_readonly": True,
                    }
                )
            revision = await database_revision(session)
            if revision != expected_revision:
                raise BackupError(
                    f"the database schema is at revision {revision or '(none)'} but this spacereg "
                    f"expects {expected_revision}: run spacereg db upgrade first"
                )
            verification = await chain.verify(session)
            if not verification.ok:
                raise BackupError(
                    f"the audit chain is broken at entry {verification.first_broken} "
                    f"({verification.reason}); an archive of it could not be restored"
                )
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                entries = []
                for table in metadata.sorted_tables:
                    entry = await _export_table(session, archive, table)
                    say(f"{table.name}: {entry.rows} rows")
                    entries.append(entry)
                manifest = Manifest(
                    spacereg_version=_spacereg_version(),
                    schema_revision=revision,
                    source_dialect=db.engine.dialect.name,
                    created_at=encode_value("datetime", datetime.now(UTC)),
                    audit_entries=verification.entries,
                    audit_head=verification.head,
                    tables=entries,
                )
                archive.writestr(MANIFEST, manifest.to_json())
        os.replace(partial, path)
    except OSError as exc:
        raise BackupError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return manifest


async def _export_table(
    session: AsyncSession, archive: zipfile.ZipFile, table: sa.Table
) -> TableEntry:
    columns = [(column.name, column_kind(column)) for column in table.columns]
    member = f"tables/{table.name}.jsonl"
    digest = hashlib.sha256()
    rows = 0
    # JSON columns come out as the stored JSON text and go into the line as they are: parsing
    # and re-serialising them was most of the export's time.
    plain = [(i, name, kind) for i, (name, kind) in enumerate(columns) if kind != "json"]
    as_text = [(i, json.dumps(name)) for i, (name, kind) in enumerate(columns) if kind == "json"]
    selected = [
        sa.cast(column, sa.Text).label(column.name) if kind == "json" else column
        for column, (_, kind) in zip(table.columns, columns, strict=True)
    ]
    order = list(table.primary_key.columns) or list(table.columns)
    result = await session.stream(
        sa.select(*selected).order_by(*order).execution_options(yield_per=2000)
    )
    with archive.open(member, "w", force_zip64=True) as out:
        async for partition in result.partitions():
            chunk = io.StringIO()
            for row in partition:
                try:
                    line = json.dumps(
                        {name: encode_value(kind, row[i]) for i, name, kind in plain},
                        ensure_ascii=False,
                        separators=(",", ":"),
                        allow_nan=False,
                    )
                except ValueError as exc:
                    key = {c.name: row._mapping[c.name] for c in table.primary_key.columns}
                    raise BackupError(f"{table.name} row {key}: {exc}") from exc
                chunk.write(line[:-1])
                separator = "," if plain else ""
                for i, name in as_text:
                    chunk.write(f"{separator}{name}:{_json_text(row[i])}")
                    separator = ","
                chunk.write("}\n")
                rows += 1
            data = chunk.getvalue().encode()
            digest.update(data)
            out.write(data)
    return TableEntry(table.name, member, rows, digest.hexdigest(), columns)


def _json_text(stored: str | None) -> str:
    """Stored JSON text as one line of standard JSON (SQLite may hold any text it was given)."""
    if stored is None:
        return "null"
    if "\n" in stored:
        return json.dumps(json.loads(stored), ensure_ascii=False, separators=(",", ":"))
    return stored


# --- import --------------------------------------------------------------------------------


def read_manifest(path: Path) -> Manifest:
    """The archive's manifest, after checking that every member is there and intact."""
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                text = archive.read(MANIFEST).decode("utf-8")
            except KeyError:
                raise BackupError(f"{path}: no {MANIFEST}: not a spacereg archive") from None
            manifest = Manifest.from_json(text, str(path))
            for entry in manifest.tables:
                _check_member(archive, entry, path)
            return manifest
    except zipfile.BadZipFile as exc:
        raise BackupError(f"{path}: not a zip archive ({exc})") from exc
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _check_member(archive: zipfile.ZipFile, entry: TableEntry, path: Path) -> None:
    digest = hashlib.sha256()
    lines = 0
    try:
        with archive.open(entry.member) as member:
            for block in iter(lambda: member.read(1 << 20), b""):
                digest.update(block)
                lines += block.count(b"\n")
    except KeyError:
        raise BackupError(f"{path}: member {entry.member} is missing") from None
    except (zipfile.BadZipFile, EOFError) as exc:
        raise BackupError(f"{path}: member {entry.member} is damaged ({exc})") from exc
    if digest.hexdigest() != entry.sha256:
        raise BackupError(f"{path}: member {entry.member} does not match its SHA-256")
    if lines != entry.rows:
        raise BackupError(
            f"{path}: member {entry.member} holds {lines} rows, the manifest says {entry.rows}"
        )


async def import_archive(db: Database, path: Path, *, progress: Progress | None = None) -> Manifest:
    """Restore an archive into an empty database, in one transaction.

    Creates the schema when the database has none. Refuses a database holding anything but the
    reseeded reference tables, an archive whose schema revision differs from this spacereg's, and
    an archive whose audit chain does not verify up to its recorded head once restored; in every
    refusal nothing is written.
    """
    say = progress or (lambda _: None)
    path = Path(path)
    manifest = read_manifest(path)
    say(
        f"archive checked: {sum(t.rows for t in manifest.tables)} rows in {len(manifest.tables)} tables"
    )
    expected_revision = code_revision(db)
    if manifest.schema_revision != expected_revision:
        raise BackupError(
            f"{path}: the archive's schema revision is {manifest.schema_revision} but this "
            f"spacereg's is {expected_revision}: restore it with spacereg "
            f"{manifest.spacereg_version}, then run spacereg db upgrade"
        )
    _check_tables(manifest, path)

    async with db.reader() as session:
        revision = await database_revision(session)
    if revision is None:
        say(f"creating the schema at revision {expected_revision}")
        await asyncio.to_thread(_create_schema, db, expected_revision)
    elif revision != expected_revision:
        raise BackupError(
            f"the database schema is at revision {revision}, the archive's at "
            f"{expected_revision}: import into an empty database"
        )

    async with db.writer() as session:
        await _require_empty(session)
        for name in RESEEDED_TABLES:
            await session.execute(sa.delete(metadata.tables[name]))
        with zipfile.ZipFile(path) as archive:
            for table in metadata.sorted_tables:
                entry = manifest.table(table.name)
                assert entry is not None  # _check_tables
                await _import_table(session, archive, table, entry, path)
                say(f"{table.name}: {entry.rows} rows")
        if not db.is_sqlite:
            await _reset_sequences(session)
        await _verify_restored(session, manifest)
    return manifest


def _create_schema(db: Database, revision: str) -> None:
    # Runs in a thread: Alembic's environment starts an event loop of its own.
    from alembic import command

    from registry.migrate import alembic_config

    command.upgrade(alembic_config(db.settings), revision)


def _check_tables(manifest: Manifest, path: Path) -> None:
    ours = {t.name: t for t in metadata.sorted_tables}
    theirs = {t.name for t in manifest.tables}
    if missing := sorted(set(ours) - theirs):
        raise BackupError(f"{path}: the archive has no table {', '.join(missing)}")
    if extra := sorted(theirs - set(ours)):
        raise BackupError(f"{path}: the archive has tables this spacereg lacks: {', '.join(extra)}")
    for entry in manifest.tables:
        here = [(c.name, column_kind(c)) for c in ours[entry.name].columns]
        if sorted(here) != sorted(entry.columns):
            raise BackupError(
                f"{path}: table {entry.name} has columns {entry.columns} in the archive but "
                f"{here} here"
            )


async def _require_empty(session: AsyncSession) -> None:
    for table in metadata.sorted_tables:
        if table.name in RESEEDED_TABLES:
            continue
        if await session.scalar(sa.select(sa.literal(1)).select_from(table).limit(1)):
            raise BackupError(
                f"the database is not empty (table {table.name} has rows): import restores into "
                "an empty database only"
            )


def _rows(archive: zipfile.ZipFile, entry: TableEntry, path: Path) -> Iterator[dict[str, Any]]:
    kinds = dict(entry.columns)
    with archive.open(entry.member) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8")
        for number, line in enumerate(text, start=1):
            where = f"{path}: {entry.member} line {number}"
            try:
                body = json.loads(line)
            except ValueError as exc:
                raise BackupError(f"{where}: not JSON ({exc})") from exc
            if not isinstance(body, dict) or set(body) != set(kinds):
                raise BackupError(f"{where}: expected an object with the columns {sorted(kinds)}")
            row = {}
            for name, value in body.items():
                try:
                    row[name] = decode_value(kinds[name], value)
                except ValueError as exc:
                    raise BackupError(f"{where}: column {name}: {exc}") from exc
            yield row


def _parents_first(table: sa.Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order a self-referencing table's rows so that each row's parent is inserted before it."""
    links = [
        (fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table
    ]
    if not links:
        return rows
    ordered: list[dict[str, Any]] = []
    present: dict[str, set[Any]] = {target: set() for _, target in links}
    pending = rows
    while pending:
        waiting = []
        for row in pending:
            if all(row[own] is None or row[own] in present[target] for own, target in links):
                ordered.append(row)
                for _, target in links:
                    present[target].add(row[target])
            else:
                waiting.append(row)
        if len(waiting) == len(pending):
            # A cycle or a dangling parent: let the database name the broken reference.
            return ordered + waiting
        pending = waiting
    return ordered


async def _import_table(
    session: AsyncSession,
    archive: zipfile.ZipFile,
    table: sa.Table,
    entry: TableEntry,
    path: Path,
) -> None:
    rows: Iterator[dict[str, Any]] | list[dict[str, Any]] = _rows(archive, entry, path)
    if any(fk.column.table is table for fk in table.foreign_keys):
        rows = _parents_first(table, list(rows))
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            await _insert(session, table, batch)
            batch = []
    if batch:
        await _insert(session, table, batch)


async def _insert(
    session: AsyncSession, table: sa.Table, batch: Sequence[Mapping[str, Any]]
) -> None:
    try:
        await session.execute(table.insert(), list(batch))
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise BackupError(f"table {table.name} does not restore: {reason}") from exc


async def _reset_sequences(session: AsyncSession) -> None:
    # Rows came with their ids; without this the next insert would be given id 1 again.
    for table in metadata.sorted_tables:
        for column in table.primary_key.columns:
            if column_kind(column) != "int":
                continue
            sequence = await session.scalar(
                sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            )
            if sequence is None:
                continue
            await session.execute(
                sa.text(
                    f"SELECT setval(:sequence, COALESCE((SELECT MAX({column.name}) "
                    f"FROM {table.name}), 0) + 1, false)"
                ),
                {"sequence": sequence},
            )


async def _verify_restored(session: AsyncSession, manifest: Manifest) -> None:
    for entry in manifest.tables:
        table = metadata.tables[entry.name]
        count = await session.scalar(sa.select(sa.func.count()).select_from(table))
        if count != entry.rows:
            raise BackupError(f"table {entry.name}: {count} rows restored, {entry.rows} expected")
    result = await chain.verify(session, expected_head=manifest.audit_head)
    if not result.ok:
        raise BackupError(
            f"the restored audit chain does not verify: entry {result.first_broken}: {result.reason}"
        )
    if result.entries != manifest.audit_entries or result.head != manifest.audit_head:
        raise BackupError(
            f"the restored audit chain has {result.entries} entries ending in {result.head}; the "
            f"archive recorded {manifest.audit_entries} ending in {manifest.audit_head}"
        )
