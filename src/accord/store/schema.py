"""The run store's tables, its engine set-up and the one guarded step that creates the schema.

Several processes may open a fresh store at the same moment (parallel CLI runs, a dashboard's
jobs). The schema is therefore created in a single locked transaction: on SQLite under
``BEGIN IMMEDIATE`` (the write lock, waited for by the busy handler), on PostgreSQL under a
transaction-scoped advisory lock; inside it every ``CREATE`` checks first, and the schema
version is recorded in ``accord_schema``. "database is locked" is retried with a back-off.

A store made by an older accord is brought up to date in the same guarded step: each version
after the one recorded adds its columns (:data:`MIGRATIONS`, ``ALTER TABLE ... ADD COLUMN``,
skipping a column that is already there), then the new version is recorded. Old rows keep
every value they had; the new columns start empty. Version 3 adds tables only (the team
review: threads, their posts, the reviewers' own values, sign-offs and the activity log), which
the same step creates where they are missing (``CREATE TABLE`` with ``checkfirst``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ensure_schema",
    "open_engine",
    "redact_url",
    "retry_locked",
    "review_activity",
    "review_posts",
    "review_signoffs",
    "review_threads",
    "review_views",
    "runs",
    "schema_info",
]

#: bump when the tables change (and add the version's step to :data:`MIGRATIONS`)
SCHEMA_VERSION = 3
BUSY_TIMEOUT_S = 30.0
_PG_LOCK_KEY = 0x616363_6F7264  # "accord": one advisory lock for the schema step
_T = TypeVar("_T")

_meta = sa.MetaData()
runs = sa.Table(
    "accord_runs",
    _meta,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False, index=True),
    sa.Column("finished_at", sa.String(32)),
    sa.Column("scenario_title", sa.Text),
    sa.Column("scenario_hash", sa.String(64), index=True),
    sa.Column("scenario", sa.Text),
    sa.Column("params", sa.Text, nullable=False),
    sa.Column("seed", sa.BigInteger),
    sa.Column("version", sa.String(32), nullable=False),
    sa.Column("host", sa.String(255)),
    sa.Column("pid", sa.Integer),
    sa.Column("results", sa.Text),
    sa.Column("timings", sa.Text),
    sa.Column("error", sa.Text),
    # version 2: what the analyst wrote about a run, and the scenario's name in its folder
    sa.Column("label", sa.Text),
    sa.Column("note", sa.Text),
    sa.Column("scenario_name", sa.String(64), index=True),
)

#: version -> the columns of ``accord_runs`` that version added (nullable, so old rows fit)
MIGRATIONS: dict[int, tuple[str, ...]] = {2: ("label", "note", "scenario_name"), 3: ()}

# version 3: the team review (tables of their own; see accord.store.review)
review_threads = sa.Table(
    "accord_review_threads",
    _meta,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("scenario_name", sa.String(64), nullable=False, index=True),
    sa.Column("address", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # open | resolved
    sa.Column("created_by", sa.String(32), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("scenario_hash", sa.String(64), nullable=False),
    sa.Column("value", sa.Text),  # JSON: the number (or text) when the thread was started
    sa.Column("resolved_by", sa.String(32)),
    sa.Column("resolved_at", sa.String(32)),
)
review_posts = sa.Table(
    "accord_review_posts",
    _meta,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("thread_id", sa.String(32), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("author", sa.String(32), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("proposed", sa.Float),
    sa.Column("evidence", sa.Text),  # JSON: {"source", "quote"} or {"judgement"}
    sa.Column("scenario_hash", sa.String(64), nullable=False),
    sa.Column("value", sa.Text),  # JSON: the number when this was posted
)
review_views = sa.Table(
    "accord_review_views",
    _meta,
    sa.Column("scenario_name", sa.String(64), primary_key=True),
    sa.Column("address", sa.String(200), primary_key=True),
    sa.Column("reviewer", sa.String(32), primary_key=True),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("low", sa.Float, nullable=False),
    sa.Column("high", sa.Float, nullable=False),
    sa.Column("evidence", sa.Text),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("scenario_hash", sa.String(64), nullable=False),
)
review_signoffs = sa.Table(
    "accord_review_signoffs",
    _meta,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("scenario_name", sa.String(64), nullable=False, index=True),
    sa.Column("scenario_hash", sa.String(64), nullable=False),
    sa.Column("by", sa.String(32), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("note", sa.Text),
)
review_activity = sa.Table(
    "accord_review_activity",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(32), nullable=False, index=True),
    sa.Column("user", sa.String(32), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("scenario_name", sa.String(64), index=True),
    sa.Column("detail", sa.Text, nullable=False),
)
schema_info = sa.Table(
    "accord_schema",
    _meta,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("accord_version", sa.String(32), nullable=False),
)


def redact_url(url: str) -> str:
    """``url`` with its password masked (``***``); an unparsable URL is not shown at all."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a message must never fail
        return "(an unparsable store URL)"


def _is_locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text or "busy" in text


def retry_locked(fn: Callable[[], _T], *, attempts: int = 8, first_wait: float = 0.05) -> _T:
    """Call ``fn``; on SQLite's "database is locked" wait (doubling) and call it again."""
    wait = first_wait
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as exc:
            if attempt == attempts - 1 or not _is_locked(exc):
                raise
            time.sleep(wait)
            wait = min(wait * 2, 2.0)
    raise AssertionError("unreachable")  # pragma: no cover


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    """Per connection: our own transaction control, a busy timeout, WAL and durable commits."""
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" hook below emits BEGIN itself
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        # switching a fresh file to WAL needs a moment's exclusive lock: retried, never fatal
        for attempt in range(20):
            try:
                cur.execute("PRAGMA journal_mode=WAL")
                break
            except Exception as exc:
                if not _is_locked(exc) or attempt == 19:
                    raise
                time.sleep(0.05 * (attempt + 1))
        cur.execute("PRAGMA synchronous=FULL")
    finally:
        cur.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    immediate = conn.get_execution_options().get("accord_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def open_engine(url: str) -> sa.Engine:
    """An engine for ``url``; on SQLite with a busy timeout, WAL and explicit transactions."""
    kwargs: dict[str, Any] = {}
    sqlite = url.startswith("sqlite")
    if sqlite:
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
    engine = sa.create_engine(url, **kwargs)
    if sqlite:
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def _current_version(engine: sa.Engine) -> int | None:
    """The recorded schema version, or None when the store has not been set up (cheap read)."""
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(schema_info.c.version))).scalar()
    except sa.exc.DBAPIError:
        return None


def _create(conn: sa.Connection) -> None:
    from datetime import UTC, datetime

    import accord

    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    _meta.create_all(conn, checkfirst=True)
    found = conn.execute(sa.select(sa.func.max(schema_info.c.version))).scalar()
    if found is None:
        conn.execute(
            schema_info.insert().values(
                version=SCHEMA_VERSION,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                accord_version=accord.__version__,
            )
        )
    elif found > SCHEMA_VERSION:
        raise RuntimeError(
            f"the run store has schema version {found}; this accord knows "
            f"{SCHEMA_VERSION}: upgrade accord"
        )
    elif found < SCHEMA_VERSION:
        _migrate(conn, found)


def _migrate(conn: sa.Connection, found: int) -> None:
    """Add the columns of every version after ``found`` and record each version."""
    from datetime import UTC, datetime

    import accord

    have = {c["name"] for c in sa.inspect(conn).get_columns(runs.name)}
    prep = conn.dialect.identifier_preparer
    for version in range(found + 1, SCHEMA_VERSION + 1):
        for name in MIGRATIONS.get(version, ()):
            if name in have:
                continue
            col = runs.c[name]
            kind = col.type.compile(dialect=conn.dialect)
            conn.execute(
                sa.text(f"ALTER TABLE {prep.quote(runs.name)} ADD COLUMN {prep.quote(name)} {kind}")
            )
            for index in runs.indexes:
                if name in index.columns:
                    index.create(conn, checkfirst=True)
            have.add(name)
        conn.execute(
            schema_info.insert().values(
                version=version,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                accord_version=accord.__version__,
            )
        )


def ensure_schema(engine: sa.Engine) -> int:
    """Create the tables once, safely under concurrency; returns the schema version."""
    found = _current_version(engine)
    if found == SCHEMA_VERSION:
        return found
    if found is not None and found > SCHEMA_VERSION:
        raise RuntimeError(
            f"the run store has schema version {found}; this accord knows "
            f"{SCHEMA_VERSION}: upgrade accord"
        )
    writer = engine.execution_options(accord_immediate=True)

    def step() -> None:
        with writer.begin() as conn:
            _create(conn)

    retry_locked(step)
    return SCHEMA_VERSION
