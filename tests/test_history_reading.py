"""Reading a history never changes it: comply history opens the database read-only, refuses
what is not a comply history without touching it, reports a damaged one cleanly, and works
in a folder it cannot write."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import main

from .conftest import MINI

GOOD = MINI / "good.yaml"


def comply(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def recorded(folder: Path) -> Path:
    database = folder / "history.db"
    assert comply("check", GOOD, "--pack", MINI, "-q", "--record", database).exit_code == 0
    return database


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def foreign(folder: Path, journal: str = "delete") -> Path:
    path = folder / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA journal_mode = {journal}")
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
        db.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    db.close()
    return path


def truncated(folder: Path) -> Path:
    path = recorded(folder)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    return path


def scribbled(folder: Path) -> Path:
    path = recorded(folder)
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # the second page, the runs table's, is garbage now
    path.write_bytes(bytes(data))
    return path


def header_only(folder: Path) -> Path:
    path = folder / "h.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"junk" * 100)
    return path


def text_file(folder: Path) -> Path:
    path = folder / "h.db"
    path.write_text("authority,period\nStoke,2010-11\n")
    return path


def runs_without_columns(folder: Path) -> Path:
    path = folder / "h.db"
    with sqlite3.connect(path) as db:
        for table in ("runs", "judgements", "findings", "figures"):
            db.execute(f"CREATE TABLE {table} (x)")
    db.close()
    return path


# a database that is not one comply can read -> what comply history says about it
REFUSED = {
    "another-applications-database": (foreign, "not a comply history database: its tables are invoices"),
    "another-applications-wal-database": (lambda folder: foreign(folder, "wal"),
                                          "not a comply history database: its tables are invoices"),
    "truncated": (truncated, "history database: the database is damaged (database disk image is malformed); "
                             "record into a new one, or restore a copy"),
    "a-page-overwritten": (scribbled, "history database: the database is damaged (database disk image is "
                                      "malformed); record into a new one, or restore a copy"),
    "sqlite-header-then-junk": (header_only, "history database: not a comply history database (nor SQLite)"),
    "a-text-file": (text_file, "history database: not a comply history database (nor SQLite)"),
    "comply-tables-of-another-shape": (runs_without_columns, "history database: no such column: id"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_history_refuses_what_it_cannot_read_and_changes_nothing(tmp_path, case):
    make, message = REFUSED[case]
    path = make(tmp_path)
    before = digest(path)
    result = comply("history", "--db", path)
    assert (result.exit_code, result.stderr) == (2, f"{path}: {message}\n"), result.stderr
    assert "Traceback" not in result.stderr
    assert digest(path) == before


@pytest.mark.parametrize("case", ["another-applications-database", "another-applications-wal-database"])
def test_recording_into_another_applications_database_is_refused_before_anything_changes(tmp_path, case):
    make, message = REFUSED[case]
    path = make(tmp_path)
    with sqlite3.connect(path) as db:
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    db.close()
    before = digest(path)
    result = comply("check", GOOD, "--pack", MINI, "-q", "--record", path)
    assert (result.exit_code, result.stderr) == (2, f"{path}: {message}\n")
    assert digest(path) == before
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == mode
        assert [row[0] for row in db.execute("SELECT name FROM sqlite_master")] == ["invoices"]
    db.close()


def test_history_reads_without_writing_to_the_database(tmp_path):
    path = recorded(tmp_path)
    before = digest(path)
    result = comply("history", "--db", path)
    assert result.exit_code == 0 and "Testshire" in result.stdout
    assert digest(path) == before


def test_history_of_an_empty_database_says_so(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    result = comply("history", "--db", path)
    assert (result.exit_code, result.stderr) == (2, f"{path}: no recorded runs\n")
    assert path.read_bytes() == b""


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in a read-only folder")
def test_history_reads_from_a_read_only_folder(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    path = recorded(folder)
    folder.chmod(0o555)
    try:
        result = comply("history", "--db", path)
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 0, result.stderr
    assert "Testshire" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["history.db"]


def test_history_reads_a_database_it_may_only_read_as_an_immutable_file(tmp_path, monkeypatch):
    """What the read-only folder does, for a root who can write anywhere: the shared-memory file cannot be made."""
    path = recorded(tmp_path)
    real_connect = sqlite3.connect

    def no_shared_memory(target, *args, **kwargs):
        if "immutable=1" not in str(target):
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", no_shared_memory)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK and real_access(path, mode))
    result = comply("history", "--db", path)
    assert result.exit_code == 0, result.stderr
    assert "Testshire" in result.stdout
