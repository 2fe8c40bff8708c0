"""Backup and restore: every table round-trips, on and across SQLite and PostgreSQL; bad archives
and non-empty targets are refused with nothing written."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from registry.audit import chain
from registry.backup import BackupError, export_archive, import_archive
from registry.db import Database
from registry.models import metadata
from tests.production.conftest import (
    PostgresCluster,
    new_pg_database,
    populate,
    settings_for,
    spacereg,
    table_contents,
)

#: What the issue lists: each must come back.
NAMED_TABLES = (
    "states",
    "space_objects",
    "registrations",
    "object_versions",
    "documents",
    "submissions",
    "submission_items",
    "attachments",
    "users",
    "api_keys",
    "element_sets",
    "jobs",
    "screening_runs",
    "conjunction_events",
    "object_lifetimes",
    "compliance_scores",
    "questionnaire_answers",
    "satcat",
    "audit_log",
)


@pytest.fixture
def make_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Callable[[str, bool], str]:
    """A new database of the given kind: migrated and seeded, or with no schema at all."""
    counter = iter(range(100))

    def make(kind: str, migrated: bool = True) -> str:
        if kind == "sqlite":
            path = tmp_path / f"register-{next(counter)}.db"
            if migrated:
                shutil.copy(sqlite_template, path)
            return f"sqlite:///{path}"
        cluster: PostgresCluster = request.getfixturevalue("private_postgres")
        template = request.getfixturevalue("pg_template") if migrated else None
        return new_pg_database(cluster, template)

    return make


async def export_to(url: str, path: Path) -> Any:
    db = Database(settings_for(url))
    try:
        return await export_archive(db, path)
    finally:
        await db.dispose()


async def import_from(url: str, path: Path) -> Any:
    db = Database(settings_for(url))
    try:
        return await import_archive(db, path)
    finally:
        await db.dispose()


async def row_total(url: str) -> int:
    db = Database(settings_for(url))
    try:
        async with db.reader() as session:
            total = 0
            for table in metadata.sorted_tables:
                if table.name != "states":
                    total += (
                        await session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
                    )
            return total
    finally:
        await db.dispose()


@pytest.mark.parametrize(
    ("source", "target", "target_migrated"),
    [
        ("sqlite", "sqlite", False),
        ("sqlite", "postgresql", True),
        ("postgresql", "postgresql", False),
        ("postgresql", "sqlite", True),
    ],
)
async def test_round_trip_restores_every_row_and_the_audit_chain(
    make_url: Callable[[str, bool], str],
    tmp_path: Path,
    source: str,
    target: str,
    target_migrated: bool,
) -> None:
    source_url = make_url(source, True)
    counts = await populate(source_url)
    assert [name for name in NAMED_TABLES if not counts[name]] == []
    archive = tmp_path / "backup.zip"
    manifest = await export_to(source_url, archive)

    target_url = make_url(target, target_migrated)
    await import_from(target_url, archive)

    before, after = await table_contents(source_url), await table_contents(target_url)
    for name in before:
        assert after[name] == before[name], f"table {name} differs after the round trip"
    assert manifest.audit_entries == counts["audit_log"]

    db = Database(settings_for(target_url))
    try:
        async with db.reader() as session:
            verification = await chain.verify(session, expected_head=manifest.audit_head)
        assert verification.ok and verification.head == manifest.audit_head
        # The restored register takes new writes: ids continue after the restored ones (on
        # PostgreSQL only because the sequences were reset) and the chain grows from its head.
        from registry.accounts import service as accounts
        from registry.accounts.principal import SYSTEM

        async with db.writer() as session:
            user = await accounts.create_user(
                session,
                SYSTEM,
                email="after@example.org",
                role="admin",
                state_code=None,
                password=None,
            )
        assert user.id == counts["users"] + 1
        async with db.reader() as session:
            grown = await chain.verify(session, expected_head=manifest.audit_head)
        assert grown.ok and grown.entries == manifest.audit_entries + 1
    finally:
        await db.dispose()


async def test_archive_is_portable_json_lines_with_a_manifest(
    make_url: Callable[[str, bool], str], tmp_path: Path
) -> None:
    url = make_url("sqlite", True)
    counts = await populate(url)
    archive = tmp_path / "backup.zip"
    await export_to(url, archive)

    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == "spacereg-backup" and manifest["format_version"] == 1
        assert manifest["spacereg_version"] and manifest["schema_revision"]
        assert {t["name"] for t in manifest["tables"]} == set(metadata.tables)
        for table in manifest["tables"]:
            data = zf.read(table["member"])
            assert hashlib.sha256(data).hexdigest() == table["sha256"]
            assert table["rows"] == counts[table["name"]] == data.count(b"\n")
        assert manifest["audit_entries"] == counts["audit_log"]
        last = json.loads(zf.read("tables/audit_log.jsonl").splitlines()[-1])
        assert manifest["audit_head"] == last["hash"]

        attachment = json.loads(zf.read("tables/attachments.jsonl").splitlines()[0])
        assert attachment["content"] == "JVBERgD/AQoN"  # base64 of b"%PDF\x00\xff\x01\n\r"
        assert attachment["created_at"] == "2026-07-10T12:00:00.123456Z"
        lifetime = json.loads(zf.read("tables/object_lifetimes.jsonl"))
        assert lifetime["p50"] == "inf" and lifetime["p25"] is None
        satcat = json.loads(zf.read("tables/satcat.jsonl"))
        assert satcat["launch_date"] == "1998-11-20"
        score = json.loads(zf.read("tables/compliance_scores.jsonl"))
        assert score["result"] == {"criteria": [{"id": "B.1", "met": True, "w": 0.25}]}
        key = json.loads(zf.read("tables/api_keys.jsonl").splitlines()[0])
        assert len(key["key_hash"]) == 64 and "secret" not in key


async def test_export_never_leaves_a_partial_file_and_never_overwrites(
    make_url: Callable[[str, bool], str], tmp_path: Path
) -> None:
    url = make_url("sqlite", True)
    archive = tmp_path / "backup.zip"
    archive.write_bytes(b"an earlier backup")
    with pytest.raises(BackupError, match="exists"):
        await export_to(url, archive)
    assert archive.read_bytes() == b"an earlier backup"
    with pytest.raises(BackupError, match="not a directory"):
        await export_to(url, tmp_path / "missing" / "backup.zip")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.zip", url.rsplit("/", 1)[1]]


def rewrite(
    source: Path, target: Path, edit: Callable[[str, bytes], bytes], *, fix_manifest: bool
) -> None:
    """Copy an archive, editing members; optionally make the manifest agree with the edits."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        manifest = json.loads(zin.read("manifest.json"))
        for table in manifest["tables"]:
            data = edit(table["member"], zin.read(table["member"]))
            zout.writestr(table["member"], data)
            if fix_manifest:
                table["sha256"] = hashlib.sha256(data).hexdigest()
                table["rows"] = data.count(b"\n")
        zout.writestr("manifest.json", json.dumps(manifest))


@pytest.fixture
async def populated_archive(make_url: Callable[[str, bool], str], tmp_path: Path) -> Path:
    url = make_url("sqlite", True)
    await populate(url)
    archive = tmp_path / "good.zip"
    await export_to(url, archive)
    return archive


def replace_in(member: str, old: bytes, new: bytes) -> Callable[[str, bytes], bytes]:
    def edit(name: str, data: bytes) -> bytes:
        if name != member:
            return data
        assert old in data
        return data.replace(old, new, 1)

    return edit


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
async def test_edited_audit_entry_fails_the_chain_and_rolls_back(
    make_url: Callable[[str, bool], str], populated_archive: Path, tmp_path: Path, kind: str
) -> None:
    forged = tmp_path / "forged.zip"
    # A consistent archive (sha256s recomputed) whose history was rewritten: only the chain sees it.
    rewrite(
        populated_archive,
        forged,
        replace_in("tables/audit_log.jsonl", b'"action":"user.create"', b'"action":"user.delete"'),
        fix_manifest=True,
    )
    url = make_url(kind, True)
    with pytest.raises(BackupError, match="audit chain does not verify: entry 1"):
        await import_from(url, forged)
    assert await row_total(url) == 0


async def test_damaged_member_is_refused_before_anything_is_written(
    make_url: Callable[[str, bool], str], populated_archive: Path, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.zip"
    rewrite(
        populated_archive,
        damaged,
        replace_in("tables/users.jsonl", b"admin@example.org", b"admin@example.com"),
        fix_manifest=False,
    )
    url = make_url("sqlite", False)
    with pytest.raises(BackupError, match=r"tables/users\.jsonl does not match its SHA-256"):
        await import_from(url, damaged)
    # Refused before the schema was even created.
    db = Database(settings_for(url))
    try:
        async with db.reader() as session:
            names = await session.run_sync(lambda s: sa.inspect(s.connection()).get_table_names())
        assert names == []
    finally:
        await db.dispose()


async def test_bad_line_is_named_by_member_line_and_column(
    make_url: Callable[[str, bool], str], populated_archive: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.zip"
    rewrite(
        populated_archive,
        bad,
        replace_in(
            "tables/satcat.jsonl", b'"launch_date":"1998-11-20"', b'"launch_date":"1998-13-20"'
        ),
        fix_manifest=True,
    )
    url = make_url("sqlite", True)
    with pytest.raises(BackupError, match=r"tables/satcat.jsonl line 1: column launch_date: month"):
        await import_from(url, bad)
    assert await row_total(url) == 0

    rewrite(
        populated_archive,
        bad,
        lambda name, data: data + b"{not json\n" if name == "tables/jobs.jsonl" else data,
        fix_manifest=True,
    )
    with pytest.raises(BackupError, match=r"tables/jobs.jsonl line 2: not JSON"):
        await import_from(url, bad)
    assert await row_total(url) == 0


async def test_constraint_violation_rolls_back_every_table(
    make_url: Callable[[str, bool], str], populated_archive: Path, tmp_path: Path
) -> None:
    # A registration pointing at an object that is not in the archive: found late, after many
    # tables went in; all of them must come out again.
    bad = tmp_path / "dangling.zip"
    with zipfile.ZipFile(populated_archive) as zf:
        line = json.loads(zf.read("tables/registrations.jsonl").splitlines()[0])
    old = f'"object_id":{line["object_id"]}'.encode()
    rewrite(
        populated_archive,
        bad,
        replace_in("tables/registrations.jsonl", old, b'"object_id":999999'),
        fix_manifest=True,
    )
    url = make_url("sqlite", True)
    with pytest.raises(BackupError, match="table registrations does not restore: FOREIGN KEY"):
        await import_from(url, bad)
    assert await row_total(url) == 0


async def test_non_empty_database_is_refused(
    make_url: Callable[[str, bool], str], populated_archive: Path
) -> None:
    url = make_url("sqlite", True)
    await populate(url)
    before = await table_contents(url)
    with pytest.raises(BackupError, match="not empty"):
        await import_from(url, populated_archive)
    assert await table_contents(url) == before


async def test_other_schema_revision_is_refused(
    make_url: Callable[[str, bool], str], populated_archive: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.zip"
    with zipfile.ZipFile(populated_archive) as zin, zipfile.ZipFile(old, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["schema_revision"] = "0001"
                data = json.dumps(manifest).encode()
            zout.writestr(item, data)
    url = make_url("sqlite", True)
    with pytest.raises(BackupError, match="schema revision is 0001"):
        await import_from(url, old)


async def test_not_an_archive(make_url: Callable[[str, bool], str], tmp_path: Path) -> None:
    text = tmp_path / "notes.zip"
    text.write_text("hello")
    with pytest.raises(BackupError, match="not a zip archive"):
        await import_from(make_url("sqlite", True), text)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "spacereg-backup", "format_version": 9}))
    with pytest.raises(BackupError, match="format version 9"):
        await import_from(make_url("sqlite", True), other)


def test_command_line_export_and_import(
    make_url: Callable[[str, bool], str], tmp_path: Path
) -> None:
    import asyncio

    source = make_url("sqlite", True)
    asyncio.run(populate(source))
    archive = tmp_path / "cli.zip"
    done = spacereg(source, "export", str(archive))
    assert done.returncode == 0, done.stderr
    assert "audit head" in done.stdout and archive.exists()

    again = spacereg(source, "export", str(archive))
    assert again.returncode == 1
    assert again.stderr.strip().splitlines()[-1].startswith(f"error: {archive} exists")

    target = make_url("sqlite", False)
    done = spacereg(target, "import", str(archive))
    assert done.returncode == 0, done.stderr
    assert asyncio.run(table_contents(target)) == asyncio.run(table_contents(source))

    refused = spacereg(target, "import", str(archive))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr.strip().splitlines()[-1]


async def test_broken_chain_is_not_exported_and_leaves_no_file(
    make_url: Callable[[str, bool], str], tmp_path: Path
) -> None:
    url = make_url("sqlite", True)
    await populate(url)
    db = Database(settings_for(url))
    try:
        async with db.writer() as session:
            await session.execute(sa.text("UPDATE audit_log SET actor = 'someone' WHERE seq = 3"))
        with pytest.raises(BackupError, match="audit chain is broken at entry 3"):
            await export_archive(db, tmp_path / "backup.zip")
    finally:
        await db.dispose()
    assert not [p for p in tmp_path.iterdir() if "backup.zip" in p.name]
