"""The history of recorded runs: an SQLite database of every judgement, finding and figure.

One run per authority, period and pack: recording the same again replaces it. Each
recording is one transaction (BEGIN IMMEDIATE), so a failure or Ctrl-C part-way leaves
the database as it was; the database runs in WAL mode with a busy timeout, so scheduled
runs writing to it at the same time all land.
"""

from __future__ import annotations

import datetime
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import periods
from .model import Earlier, InputError, Location, Problem

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    authority TEXT NOT NULL,
    code TEXT,
    period TEXT NOT NULL,
    pack_id TEXT NOT NULL,
    pack_version TEXT NOT NULL,
    pack_sha256 TEXT NOT NULL,
    metrics_file TEXT NOT NULL,
    metrics_sha256 TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    comply_version TEXT NOT NULL,
    UNIQUE (authority, period, pack_id)
);
CREATE TABLE IF NOT EXISTS judgements (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    judgement TEXT NOT NULL,
    section TEXT NOT NULL,
    title TEXT NOT NULL,
    grade TEXT,
    label TEXT,
    score INTEGER,
    kind TEXT,
    agreement TEXT,
    PRIMARY KEY (run_id, judgement)
);
CREATE TABLE IF NOT EXISTS findings (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    judgement TEXT NOT NULL,
    metric TEXT NOT NULL,
    status TEXT NOT NULL,
    grade TEXT,
    score INTEGER,
    evidence TEXT NOT NULL,
    PRIMARY KEY (run_id, rule)
);
CREATE TABLE IF NOT EXISTS figures (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    value REAL NOT NULL,
    is_boolean INTEGER NOT NULL,
    PRIMARY KEY (run_id, metric)
);
CREATE INDEX IF NOT EXISTS runs_by_authority ON runs (authority, pack_id, period);
"""

BUSY_SECONDS = 60
TABLES = {"runs", "judgements", "findings", "figures"}
#: columns added since the first release, as (table, column, type): a database without them gains them when
#: next recorded into, and is read as if they were empty until then
ADDED = [("judgements", "kind", "TEXT"), ("judgements", "agreement", "TEXT")]


class History:
    """A history database, opened (and created if need be) at ``path``.

    A database that is not a comply history (another application's SQLite file) is
    refused before anything in it is changed, whether it is opened to record or to read.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            self.connection.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
            self._check_is_ours()
            self.connection.execute("PRAGMA foreign_keys = ON")
            self._write_ahead()
            with self.transaction():
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        self.connection.execute(statement)
                for table, column, kind in ADDED:
                    if column not in self._columns(table):
                        self.connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        except sqlite3.Error as error:
            raise self.failure(error) from None

    def _write_ahead(self) -> None:
        """Switch the database to WAL. The switch needs the database to itself, and SQLite does not wait for that
        as it waits for a lock: when several runs open a new database at once, all but one are told it is locked.
        So wait here, as the busy timeout would, for the others to finish the switch (or their first writes)."""
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                if self.connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.connection.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # SQLITE_BUSY_RECOVERY is BUSY too
                busy = code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    @classmethod
    def reader(cls, path: str | Path) -> History | None:
        """The database opened for reading only, or None when there is none yet.

        Nothing in it changes, not even its journal mode. In a folder we cannot write, where
        SQLite cannot make the shared-memory file a reader of a WAL database needs, it is
        read as an immutable file: no one can be recording into it there.
        """
        if not Path(path).is_file():
            return None
        history = cls.__new__(cls)
        history.path = str(path)
        uri = f"{Path(path).resolve().as_uri()}?mode=ro"
        try:
            try:
                history.connection = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS)
                history.connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opening is lazy
            except sqlite3.OperationalError:
                if os.access(Path(path).resolve().parent, os.W_OK):
                    raise
                history.connection = sqlite3.connect(uri + "&immutable=1", uri=True)
            history.connection.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
            tables = history._check_is_ours()
        except sqlite3.Error as error:
            raise history.failure(error) from None
        except InputError:
            history.connection.close()
            raise
        if not tables:  # created a moment ago by a run still writing its tables: no history yet
            history.connection.close()
            return None
        return history

    def _check_is_ours(self) -> set[str]:
        """The database's tables: none (a new database) or comply's; InputError for anything else."""
        tables = {row[0] for row in self.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if not row[0].startswith("sqlite_")}
        if tables and not tables >= TABLES:
            self.connection.close()
            raise InputError([Problem(Location(self.path), "not a comply history database: its tables are "
                                      + ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else ""))])
        return tables

    def _columns(self, table: str) -> set[str]:
        return {row[1] for row in self.connection.execute(f"PRAGMA table_info({table})")}

    def failure(self, error: sqlite3.Error) -> InputError:
        message = str(error)
        if "file is not a database" in message:
            message = "not a comply history database (nor SQLite)"
        elif "malformed" in message:
            message = f"the database is damaged ({message}); record into a new one, or restore a copy"
        return InputError([Problem(Location(self.path), f"history database: {message}")])

    @contextmanager
    def reading(self) -> Iterator[History]:
        """Read from the database: a damaged or unexpected one is an InputError naming it, not a crash."""
        try:
            yield self
        except sqlite3.Error as error:
            raise self.failure(error) from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: BEGIN IMMEDIATE takes the write lock up front, so writers queue."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()

    def record(self, documents: Iterable[dict[str, Any]]) -> int:
        """Store result documents, all or none; how many replaced an earlier run of the same key."""
        try:
            with self.transaction() as db:
                return sum(_record_one(db, document) for document in documents)
        except sqlite3.Error as error:
            raise self.failure(error) from None

    def earlier(self, authority: str, pack_id: str, period: str) -> Earlier:
        """What was recorded for this authority and pack in the periods before ``period`` of its series.

        A quarter's earlier periods are quarters, a year's are years (see periods.py).
        """
        try:
            recorded = dict(self.connection.execute(
                "SELECT period, id FROM runs WHERE authority = ? AND pack_id = ?", (authority, pack_id)).fetchall())
            runs = [(recorded[earlier], earlier) for earlier in periods.before(period, recorded)]
            judgements: dict[str, dict[str, str | None]] = {}
            values: dict[str, dict[str, float | bool]] = {}
            for run_id, run_period in runs:
                for judgement, label in self.connection.execute(
                        "SELECT judgement, label FROM judgements WHERE run_id = ? ORDER BY position", (run_id,)):
                    judgements.setdefault(judgement, {})[run_period] = label
                for metric, value, is_boolean in self.connection.execute(
                        "SELECT metric, value, is_boolean FROM figures WHERE run_id = ?", (run_id,)):
                    values.setdefault(metric, {})[run_period] = bool(value) if is_boolean else value
        except sqlite3.Error as error:
            raise self.failure(error) from None
        return Earlier(judgements, values)

    def runs(self, authority: str | None = None) -> list[dict[str, Any]]:
        """Recorded runs, by authority then pack then period; ``authority`` matches a name or code."""
        query = "SELECT id, authority, code, period, pack_id, pack_version, recorded_at FROM runs"
        arguments: tuple[str, ...] = ()
        if authority:
            query += " WHERE lower(authority) = lower(?) OR lower(coalesce(code, '')) = lower(?)"
            arguments = (authority, authority)
        rows = self.connection.execute(query, arguments).fetchall()
        names = ("id", "authority", "code", "period", "pack_id", "pack_version", "recorded_at")
        runs = [dict(zip(names, row, strict=True)) for row in rows]
        return sorted(runs, key=lambda run: (run["authority"], run["pack_id"], periods.order(run["period"])))

    def judgements_of(self, run_id: int) -> list[tuple[str, str, str, str | None, int | None, str | None,
                                                       str | None]]:
        """Each judgement of a run: id, section, title, label, score, kind (judged, estimated, not_estimable;
        empty when recorded before kinds were) and, for an estimate, how often such estimates agreed."""
        present = self._columns("judgements")
        added = ", ".join(column if column in present else "NULL" for column in ("kind", "agreement"))
        return self.connection.execute(
            f"SELECT judgement, section, title, label, score, {added} FROM judgements WHERE run_id = ? "
            "ORDER BY position", (run_id,)).fetchall()

    def trends(self, authority: str | None = None, metrics: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """What ``comply history`` shows, as rows: one entry per authority and pack, with its periods
        in order, each judgement's grades by period ({label, score}) and each metric's values by period."""
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for run in self.runs(authority):
            groups.setdefault((run["authority"], run["pack_id"]), []).append(run)
        entries = []
        for (name, pack_id), runs in groups.items():
            judgements: dict[str, dict[str, Any]] = {}
            for run in runs:
                for judgement, section, title, label, score, kind, agreement in self.judgements_of(run["id"]):
                    row = judgements.setdefault(judgement, {"id": judgement, "section": section, "title": title,
                                                            "grades": {}})
                    row["grades"][run["period"]] = {"label": label, "score": score, "kind": kind,
                                                    "agreement": agreement}
            values = [{"metric": metric, "values": {run["period"]: {"value": self.figure(run["id"], metric)}
                                                    for run in runs}} for metric in metrics]
            entries.append({"authority": name, "code": runs[-1]["code"], "pack": pack_id,
                            "periods": [run["period"] for run in runs], "judgements": list(judgements.values()),
                            "metrics": values})
        return entries

    def figure(self, run_id: int, metric: str) -> float | bool | None:
        row = self.connection.execute("SELECT value, is_boolean FROM figures WHERE run_id = ? AND metric = ?",
                                      (run_id, metric)).fetchone()
        if row is None:
            return None
        return bool(row[0]) if row[1] else row[0]


def _record_one(db: sqlite3.Connection, document: dict[str, Any]) -> bool:
    """Store one result document in the open transaction; whether it replaced a run of the same key."""
    authority, period, pack_id = document["authority"], document["period"], document["pack"]["id"]
    values = document["values"]
    replaced = db.execute("DELETE FROM runs WHERE authority = ? AND period = ? AND pack_id = ?",
                          (authority, period, pack_id)).rowcount > 0
    run_id = db.execute(
        "INSERT INTO runs (authority, code, period, pack_id, pack_version, pack_sha256, metrics_file,"
        " metrics_sha256, recorded_at, comply_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (authority, document["code"], period, pack_id, document["pack"]["version"],
         document["pack"].get("sha256", ""), document["metrics_file"], document["metrics_sha256"],
         datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
         document["run"]["comply_version"]),
    ).lastrowid
    db.executemany(
        "INSERT INTO judgements (run_id, position, judgement, section, title, grade, label, score, kind, agreement)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (run_id, position, j["id"], j["section"], j["title"], j["grade"], j["label"], j["score"],
             j.get("kind"), (j.get("estimate") or {}).get("agreement"))
            for position, j in enumerate(document["judgements"])])
    db.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
        (run_id, f["rule"], f["judgement"], f["metric"], f["status"], f["grade"], f["score"],
         f["evidence"]) for f in document["findings"]])
    db.executemany("INSERT INTO figures VALUES (?, ?, ?, ?)", [
        (run_id, metric, float(value), isinstance(value, bool)) for metric, value in values.items()])
    return replaced
