"""Saved rehearsal runs: an SQLite database in the user data folder.

- The schema is versioned (`PRAGMA user_version`) and built by ordered migration functions.
- WAL journaling and a busy timeout let two runs save at the same moment; each run is saved
  in one transaction, recordings included (as BLOBs), so a crash or Ctrl-C leaves no half run.
- A database that is corrupt, or was written by a newer trainer, is never written to: the
  error says so and how to move it aside.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trainer import paths
from trainer.errors import InputError, StorageError

log = logging.getLogger("trainer.history.store")


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it commits first, and a migration must stay inside its transaction.
    for statement in script.split(";"):
        body = "\n".join(line.split("--")[0] for line in statement.splitlines()).strip()
        if body:
            db.execute(body)


def _m1_initial(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            kind TEXT NOT NULL,               -- practice, score, demo
            scenario TEXT NOT NULL,
            scenario_title TEXT NOT NULL,
            engine TEXT,
            total INTEGER NOT NULL,
            transcript TEXT NOT NULL,         -- JSON: text, words with timings
            metrics TEXT,                     -- JSON: delivery metrics
            conversation TEXT,                -- JSON: the session's lines, in order
            objection TEXT,
            notes TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE items (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            item TEXT NOT NULL,
            passed INTEGER NOT NULL,
            score REAL NOT NULL,
            evidence TEXT NOT NULL,           -- JSON list
            suggestion TEXT,
            heard TEXT,                       -- JSON list or NULL
            PRIMARY KEY (run_id, item)
        );
        CREATE TABLE recordings (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            turn INTEGER NOT NULL,
            offset_s REAL NOT NULL,           -- where the turn starts on the run's clock
            wav BLOB NOT NULL,
            PRIMARY KEY (run_id, turn)
        );
        CREATE INDEX runs_by_scenario ON runs(scenario, created_at);
        """,
    )


def _m2_interviewer(db: sqlite3.Connection) -> None:
    # The interviewer's temperament (neutral, warm, tough) of a practice session; NULL otherwise.
    db.execute("ALTER TABLE runs ADD COLUMN interviewer TEXT")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_m1_initial, _m2_interviewer]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass
class Recording:
    turn: int
    offset_s: float
    wav: bytes


@dataclass
class RunRecord:
    """A run as saved: everything needed to show the report again."""

    kind: str
    scenario: str
    scenario_title: str
    total: int
    items: list[dict[str, Any]]
    transcript: dict[str, Any]
    engine: str | None = None
    metrics: dict[str, Any] | None = None
    conversation: list[dict[str, Any]] | None = None
    objection: str | None = None  # the objections raised, one a line
    interviewer: str | None = None  # a practice session's temperament
    notes: str = ""
    recordings: list[Recording] = field(default_factory=list)
    id: int | None = None
    created_at: str | None = None

    def to_dict(self, with_recordings: bool = False) -> dict[str, Any]:
        d = {
            "id": self.id,
            "created_at": self.created_at,
            "kind": self.kind,
            "scenario": self.scenario,
            "scenario_title": self.scenario_title,
            "engine": self.engine,
            "total": self.total,
            "items": self.items,
            "transcript": self.transcript,
            "metrics": self.metrics,
            "conversation": self.conversation,
            "objection": self.objection,
            "interviewer": self.interviewer,
            "notes": self.notes,
        }
        if with_recordings:
            d["recordings"] = [{"turn": r.turn, "offset_s": r.offset_s, "bytes": len(r.wav)} for r in self.recordings]
        return d


class Store:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.database_path()
        self._db: sqlite3.Connection | None = None

    # -- opening ---------------------------------------------------------------------------

    def _fail(self, problem: str) -> StorageError:
        return StorageError(
            f"{self.path}: {problem}; it was left untouched. To start a new history, move it aside: "
            f"mv '{self.path}' '{self.path}.bak'"
        )

    def _full(self, exc: sqlite3.Error) -> bool:
        """SQLite reports a full disk as SQLITE_FULL, or as an I/O error when the WAL files
        cannot grow: tell the two apart by what is free."""
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL" or "full" in str(exc):
            return True
        try:
            return shutil.disk_usage(self.path.parent).free < 1 << 20
        except OSError:
            return False

    def connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        try:
            paths.private_dir(self.path.parent)
            # The database holds recordings: 0600 before SQLite writes a byte (its -wal and -shm
            # files take the database's mode), and narrowed if an older trainer left it wider.
            for p in (
                self.path,
                self.path.with_name(self.path.name + "-wal"),
                self.path.with_name(self.path.name + "-shm"),
            ):
                if p == self.path or p.exists():
                    paths.private_file(p)
        except OSError as exc:
            raise StorageError(
                f"{self.path}: cannot be created ({exc.strerror}); check the folder's permissions"
            ) from None
        try:
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA secure_delete = ON")  # a deleted run's audio is overwritten, not left in free pages
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                db.close()
                raise self._fail(
                    f"written by a newer trainer (schema {version}, this one knows {SCHEMA_VERSION}); upgrade trainer"
                )
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                db.close()
                raise self._fail(f"the database is damaged ({check})")
            db.execute("PRAGMA journal_mode = WAL")
            self._migrate(db, version)
        except sqlite3.DatabaseError as exc:
            if self._full(exc):
                raise StorageError(f"{self.path}: the disk is full ({exc}); free some space and run it again") from None
            raise self._fail(f"not a readable run database ({exc})") from None
        self._db = db
        return db

    def _migrate(self, db: sqlite3.Connection, version: int) -> None:
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            db.execute("BEGIN IMMEDIATE")
            try:
                migration(db)
                db.execute(f"PRAGMA user_version = {number}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- writing -----------------------------------------------------------------------------

    def save(self, run: RunRecord) -> int:
        """Save a whole run in one transaction; returns its id."""
        created = run.created_at or datetime.now(UTC).isoformat(timespec="seconds")
        log.debug("saving the run in %s (waits while another process holds the database)", self.path)
        try:
            with self._transaction() as db:
                cur = db.execute(
                    "INSERT INTO runs (created_at, kind, scenario, scenario_title, engine, total, transcript,"
                    " metrics, conversation, objection, notes, interviewer) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        created,
                        run.kind,
                        run.scenario,
                        run.scenario_title,
                        run.engine,
                        run.total,
                        json.dumps(run.transcript),
                        json.dumps(run.metrics) if run.metrics is not None else None,
                        json.dumps(run.conversation) if run.conversation is not None else None,
                        run.objection,
                        run.notes,
                        run.interviewer,
                    ),
                )
                run_id = int(cur.lastrowid or 0)
                db.executemany(
                    "INSERT INTO items VALUES (?,?,?,?,?,?,?,?)",
                    [
                        (
                            run_id,
                            k,
                            i["id"],
                            int(i["passed"]),
                            float(i["score"]),
                            json.dumps(i["evidence"]),
                            i.get("suggestion"),
                            json.dumps(i["heard"]) if i.get("heard") is not None else None,
                        )
                        for k, i in enumerate(run.items)
                    ],
                )
                db.executemany(
                    "INSERT INTO recordings VALUES (?,?,?,?)",
                    [(run_id, r.turn, r.offset_s, sqlite3.Binary(r.wav)) for r in run.recordings],
                )
        except sqlite3.OperationalError as exc:
            if self._full(exc):
                raise StorageError(f"{self.path}: the disk is full; the run was not saved ({exc})") from None
            raise StorageError(f"{self.path}: the run could not be saved ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise self._fail(f"the run could not be saved ({exc})") from None
        run.id, run.created_at = run_id, created
        return run_id

    def set_notes(self, run_id: int, notes: str) -> None:
        with self._transaction() as db:
            if db.execute("UPDATE runs SET notes = ? WHERE id = ?", (notes, run_id)).rowcount == 0:
                raise InputError(f"run {run_id}: no such run; see `trainer history`")

    def delete(self, run_id: int) -> None:
        """Remove a run for good: secure_delete zeroes its pages, and the checkpoint empties the
        write-ahead log, which would otherwise still hold copies of them."""
        with self._transaction() as db:
            if db.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount == 0:
                raise InputError(f"run {run_id}: no such run; see `trainer history`")
        self.connect().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- reading -----------------------------------------------------------------------------

    def _record(self, row: sqlite3.Row, db: sqlite3.Connection, with_recordings: bool) -> RunRecord:
        items = [
            {
                "id": r["item"],
                "passed": bool(r["passed"]),
                "score": r["score"],
                "evidence": json.loads(r["evidence"]),
                "suggestion": r["suggestion"],
                **({"heard": json.loads(r["heard"])} if r["heard"] is not None else {}),
            }
            for r in db.execute("SELECT * FROM items WHERE run_id = ? ORDER BY position", (row["id"],))
        ]
        recordings = []
        if with_recordings:
            recordings = [
                Recording(r["turn"], r["offset_s"], bytes(r["wav"]))
                for r in db.execute("SELECT * FROM recordings WHERE run_id = ? ORDER BY turn", (row["id"],))
            ]
        return RunRecord(
            kind=row["kind"],
            scenario=row["scenario"],
            scenario_title=row["scenario_title"],
            total=row["total"],
            items=items,
            transcript=json.loads(row["transcript"]),
            engine=row["engine"],
            metrics=json.loads(row["metrics"]) if row["metrics"] else None,
            conversation=json.loads(row["conversation"]) if row["conversation"] else None,
            objection=row["objection"],
            interviewer=row["interviewer"],
            notes=row["notes"],
            recordings=recordings,
            id=row["id"],
            created_at=row["created_at"],
        )

    def runs(
        self, scenario: str | None = None, limit: int | None = None, drills: bool | None = None
    ) -> list[RunRecord]:
        """Runs oldest first (the last `limit` of them); `drills` True: only drills, False: no drills."""
        db = self.connect()
        db.row_factory = sqlite3.Row
        where, args_list = [], []
        if scenario:
            where.append("scenario = ?")
            args_list.append(scenario)
        if drills is not None:
            where.append("kind = 'drill'" if drills else "kind != 'drill'")
        query = (
            "SELECT * FROM runs"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY created_at DESC, id DESC"
        )
        args: tuple[Any, ...] = tuple(args_list)
        if limit:
            query += f" LIMIT {int(limit)}"
        rows = db.execute(query, args).fetchall()
        return [self._record(r, db, False) for r in reversed(rows)]

    def get(self, run_id: int, with_recordings: bool = False) -> RunRecord:
        db = self.connect()
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise InputError(f"run {run_id}: no such run; see `trainer history`")
        return self._record(row, db, with_recordings)
