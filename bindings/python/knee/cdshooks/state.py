"""Short-lived state that every worker of the service shares: the JWT ids seen (replay
protection), the SMART launches in progress, and the feedback received.

:class:`SqliteState` keeps it in one SQLite file in WAL mode in the configured folder, so
gunicorn's workers (separate processes) and a restarted service see the same jti: a token is
accepted once per host. Several hosts need a store they all reach (docs/cds-hooks.md,
"Several hosts"). :class:`MemoryState` is for a single-process local trial.
Nothing here holds patient data: jti, issuer, launch records (the FHIR base, the token
endpoint, the PKCE verifier), feedback outcomes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from typing import Any, Dict, List, Optional

FILENAME = "cds-state.sqlite3"
_PRUNE_EVERY = 60.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jti (iss TEXT NOT NULL, jti TEXT NOT NULL, expires REAL NOT NULL,
                                PRIMARY KEY (iss, jti)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS launch (state TEXT PRIMARY KEY, expires REAL NOT NULL,
                                   record TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS feedback (received REAL NOT NULL, service TEXT NOT NULL,
                                     card TEXT NOT NULL, outcome TEXT NOT NULL,
                                     reason_system TEXT, reason_code TEXT,
                                     comment_given INTEGER NOT NULL,
                                     suggestions_accepted INTEGER NOT NULL,
                                     outcome_time TEXT NOT NULL, issuer TEXT,
                                     request_id TEXT NOT NULL);
"""


class StateFull(Exception):
    """The in-memory store holds as many live entries as it may."""


class SqliteState:
    """The shared state in ``folder``/cds-state.sqlite3 (created if needed). Safe for threads
    and processes: one connection per thread of each process, opened on first use (so a
    connection is never inherited across fork), WAL so readers and the one writer at a time do
    not block each other, a 5 s busy timeout. ``synchronous=NORMAL``: a power cut may lose the
    last commits (jtis of tokens that expire within minutes), an application crash loses
    nothing."""

    def __init__(self, folder: str) -> None:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        self.path = os.path.join(folder, FILENAME)
        self._local = threading.local()
        self._next_prune = 0.0
        db = self._db()
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            conn = sqlite3.connect(self.path, timeout=5.0, isolation_level=None,
                                   check_same_thread=True)
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _prune(self, now: float) -> None:
        if now < self._next_prune:
            return
        self._next_prune = now + _PRUNE_EVERY
        db = self._db()
        db.execute("DELETE FROM jti WHERE expires < ?", (now,))
        db.execute("DELETE FROM launch WHERE expires < ?", (now,))

    def add_jti(self, iss: str, jti: str, expires: float, now: float) -> bool:
        """Record (iss, jti) until ``expires``; False if it was recorded and has not expired
        (a replay). One statement, so two workers racing with the same token cannot both win."""
        self._prune(now)
        cur = self._db().execute(
            "INSERT INTO jti (iss, jti, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (iss, jti) DO UPDATE SET expires = excluded.expires "
            "WHERE jti.expires < ?", (iss, jti, expires, now))
        return cur.rowcount == 1

    def put_launch(self, state: str, record: Dict[str, Any], expires: float) -> None:
        self._db().execute("INSERT INTO launch (state, expires, record) VALUES (?, ?, ?)",
                           (state, expires, json.dumps(record)))

    def take_launch(self, state: str, now: float) -> Optional[Dict[str, Any]]:
        """The launch record for ``state``, removed (a state is used once); None if unknown
        or expired."""
        self._prune(now)
        row = self._db().execute("DELETE FROM launch WHERE state = ? RETURNING expires, record",
                                 (state,)).fetchone()
        if row is None or row[0] < now:
            return None
        return dict(json.loads(row[1]))

    def add_feedback(self, row: Dict[str, Any]) -> None:
        self._db().execute(
            "INSERT INTO feedback (received, service, card, outcome, reason_system, "
            "reason_code, comment_given, suggestions_accepted, outcome_time, issuer, "
            "request_id) VALUES (:received, :service, :card, :outcome, :reason_system, "
            ":reason_code, :comment_given, :suggestions_accepted, :outcome_time, :issuer, "
            ":request_id)", row)

    def feedback(self) -> List[Dict[str, Any]]:
        cur = self._db().execute("SELECT * FROM feedback ORDER BY received")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def check(self) -> None:
        """Raises if the store cannot be read (for /health)."""
        self._db().execute("SELECT count(*) FROM jti").fetchone()


class MemoryState:
    """The same, in this process's memory: for one process only (the local trial server).
    Bounded: at ``max_entries`` live jtis new tokens are refused (StateFull)."""

    def __init__(self, max_entries: int = 100000) -> None:
        self._jti: Dict[tuple, float] = {}
        self._launch: Dict[str, tuple] = {}
        self._feedback: List[Dict[str, Any]] = []
        self._lock = threading.Lock()
        self._max = max_entries
        self._next_prune = 0.0

    def _prune(self, now: float) -> None:
        if now >= self._next_prune or len(self._jti) >= self._max:
            self._jti = {k: v for k, v in self._jti.items() if v >= now}
            self._launch = {k: v for k, v in self._launch.items() if v[0] >= now}
            self._next_prune = now + _PRUNE_EVERY

    def add_jti(self, iss: str, jti: str, expires: float, now: float) -> bool:
        with self._lock:
            self._prune(now)
            key = (iss, jti)
            if self._jti.get(key, -1.0) >= now:
                return False
            if len(self._jti) >= self._max:
                raise StateFull("too many live tokens")
            self._jti[key] = expires
            return True

    def put_launch(self, state: str, record: Dict[str, Any], expires: float) -> None:
        with self._lock:
            self._launch[state] = (expires, dict(record))

    def take_launch(self, state: str, now: float) -> Optional[Dict[str, Any]]:
        with self._lock:
            self._prune(now)
            item = self._launch.pop(state, None)
        return None if item is None or item[0] < now else item[1]

    def add_feedback(self, row: Dict[str, Any]) -> None:
        with self._lock:
            self._feedback.append(dict(row))
            del self._feedback[:-10000]

    def feedback(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._feedback]

    def check(self) -> None:
        pass
