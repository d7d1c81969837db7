"""`manage.py backup` and `manage.py restore` with PostgreSQL's own tools: a backup of the test
database restores into a throwaway database with every row, a damaged file is refused before
anything is touched, and a failed backup leaves no file."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from catalog.tests.factories import ProductFactory
from pcadvisor.backup import BackupError, backup, check_dump

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees only committed rows


def _connect(dbname: str) -> psycopg.Connection:
    p = connection.settings_dict
    return psycopg.connect(
        dbname=dbname,
        host=p["HOST"],
        port=p["PORT"] or None,
        user=p["USER"],
        password=p["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.fixture
def scratch_db() -> str:
    name = f"test_restore_{uuid.uuid4().hex[:8]}"
    with _connect(connection.settings_dict["NAME"]) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _connect(connection.settings_dict["NAME"]) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_every_row_into_another_database(
    tmp_path: Path, scratch_db: str, capsys
) -> None:
    products = ProductFactory.create_batch(3)
    dump = tmp_path / "site.dump"
    call_command("backup", "--output", str(dump))
    assert "백업 완료" in capsys.readouterr().out
    assert dump.is_file() and not list(tmp_path.glob("*.partial"))
    assert check_dump(dump) > 10

    call_command("restore", str(dump), "--yes", "--database-name", scratch_db)
    assert "복원 완료" in capsys.readouterr().out
    with _connect(scratch_db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM catalog_product")}
        assert names == {p.name for p in products}
        # pgvector came back with the schema, and the migrations table with it
        assert conn.execute("SELECT 1 FROM pg_extension WHERE extname='vector'").fetchone()
        assert conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 20

    # restoring again over the restored copy replaces rather than duplicates
    call_command("restore", str(dump), "--yes", "--database-name", scratch_db)
    with _connect(scratch_db) as conn:
        assert conn.execute("SELECT count(*) FROM catalog_product").fetchone()[0] == 3


def test_a_damaged_or_foreign_file_is_refused_and_nothing_changes(
    tmp_path: Path, scratch_db: str
) -> None:
    ProductFactory()
    good = tmp_path / "good.dump"
    backup(good)
    call_command("restore", str(good), "--yes", "--database-name", scratch_db)
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    for bad in (truncated, text, tmp_path / "missing.dump"):
        with pytest.raises(CommandError) as raised:
            call_command("restore", str(bad), "--yes", "--database-name", scratch_db)
        assert "백업" in str(raised.value) or "복원" in str(raised.value)
    with _connect(scratch_db) as conn:  # the earlier restore is intact
        assert conn.execute("SELECT count(*) FROM catalog_product").fetchone()[0] == 1


def test_a_failed_backup_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "none.dump"
    with pytest.raises(BackupError):
        backup(out, database="no_such_database_here")
    assert list(tmp_path.iterdir()) == []


def test_restore_asks_before_replacing(tmp_path: Path, monkeypatch, scratch_db: str) -> None:
    dump = tmp_path / "a.dump"
    backup(dump)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(CommandError, match="취소"):
        call_command("restore", str(dump), "--database-name", scratch_db)
