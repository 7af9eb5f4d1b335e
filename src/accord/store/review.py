"""The team review in the run store: threads on a scenario's numbers, the reviewers' own values,
sign-offs, and the log of who did what.

A thread is anchored to a scenario's name and a number's stable address
(:mod:`accord.scenario.address`: ``actor:russia/issue:nato/salience``), never to a list index, so
it stays with its number when actors or issues are added, removed or reordered. Each thread and
each post keeps the scenario's hash and the number's value when it was written, so a thread can
say that the number changed under it. Every write is one transaction that also appends a line
to the activity log (who, when, what).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa

from .schema import (
    ensure_schema,
    open_engine,
    retry_locked,
    review_activity,
    review_posts,
    review_signoffs,
    review_threads,
    review_views,
)

__all__ = [
    "POST_KINDS",
    "Activity",
    "Dispute",
    "Post",
    "ReviewStatus",
    "ReviewStore",
    "SignOff",
    "Thread",
    "View",
]

PostKind = Literal["comment", "propose", "agree", "object", "resolve", "reopen"]
POST_KINDS: tuple[PostKind, ...] = ("comment", "propose", "agree", "object", "resolve", "reopen")
Value = float | str | None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _dump(obj: Any) -> str | None:
    return None if obj is None else json.dumps(obj, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Post:
    id: str
    thread_id: str
    kind: str
    author: str
    created_at: str
    text: str
    proposed: float | None
    evidence: dict[str, str] | None
    scenario_hash: str
    value: Value


@dataclass(frozen=True)
class Thread:
    id: str
    scenario_name: str
    address: str
    status: str
    created_by: str
    created_at: str
    scenario_hash: str
    value: Value  # the number when the thread was started
    resolved_by: str | None
    resolved_at: str | None
    posts: tuple[Post, ...] = ()

    @property
    def proposal(self) -> Post | None:
        """The latest post that proposes another value (a proposal or an objection with one)."""
        return next((p for p in reversed(self.posts) if p.proposed is not None), None)

    @property
    def disputed(self) -> bool:
        """Open, and someone proposed another value or objected."""
        return self.status == "open" and any(p.kind in ("propose", "object") for p in self.posts)


@dataclass(frozen=True)
class View:
    """One reviewer's own value and range for a number (elicitation)."""

    scenario_name: str
    address: str
    reviewer: str
    value: float
    low: float
    high: float
    evidence: dict[str, str] | None
    created_at: str
    scenario_hash: str


@dataclass(frozen=True)
class SignOff:
    id: str
    scenario_name: str
    scenario_hash: str
    by: str
    at: str
    note: str | None


@dataclass(frozen=True)
class Activity:
    at: str
    user: str
    action: str
    scenario_name: str | None
    detail: str


@dataclass(frozen=True)
class Dispute:
    """An open thread with a proposal or an objection: the number, who, and what they propose."""

    thread_id: str
    address: str
    who: str
    proposed: float | None
    text: str


@dataclass(frozen=True)
class ReviewStatus:
    """What the brief says about a scenario version's review."""

    scenario_name: str
    scenario_hash: str
    signoffs: tuple[SignOff, ...]  # of this version
    earlier: tuple[SignOff, ...]  # of other versions
    disputes: tuple[Dispute, ...]
    threads: tuple[Thread, ...]


class ReviewStore:
    """Threads, reviewers' values, sign-offs and the activity log of one run store."""

    def __init__(self, url: str):
        self.engine = open_engine(url)
        self._writer = self.engine.execution_options(accord_immediate=True)
        ensure_schema(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def _write(self, statements: list[sa.Executable]) -> None:
        """``statements`` in one write transaction, retried while SQLite reports a lock."""

        def step() -> None:
            with self._writer.begin() as conn:
                for stmt in statements:
                    conn.execute(stmt)

        retry_locked(step)

    @staticmethod
    def _log(user: str, action: str, scenario: str | None, detail: str) -> sa.Executable:
        return review_activity.insert().values(
            at=_now(), user=user, action=action, scenario_name=scenario, detail=detail[:2000]
        )

    def record(self, user: str, action: str, scenario: str | None, detail: str) -> None:
        """Append a line to the activity log (a write made outside the review: a save, a run)."""
        self._write([self._log(user, action, scenario, detail)])

    # -- threads ---------------------------------------------------------------------------
    def start_thread(
        self,
        scenario: str,
        address: str,
        *,
        user: str,
        scenario_hash: str,
        value: Value,
        kind: PostKind,
        text: str,
        proposed: float | None = None,
        evidence: dict[str, str] | None = None,
    ) -> Thread:
        """Open a thread on the number at ``address`` with its first post."""
        thread_id = uuid.uuid4().hex[:12]
        at = _now()
        row = review_threads.insert().values(
            id=thread_id,
            scenario_name=scenario,
            address=address,
            status="open",
            created_by=user,
            created_at=at,
            scenario_hash=scenario_hash,
            value=_dump(value),
        )
        post = self._post_row(thread_id, kind, user, text, proposed, evidence, scenario_hash, value)
        log = self._log(user, kind, scenario, f"{address}: {text}")
        self._write([row, post, log])
        return self.thread(thread_id)

    @staticmethod
    def _post_row(
        thread_id: str,
        kind: str,
        user: str,
        text: str,
        proposed: float | None,
        evidence: dict[str, str] | None,
        scenario_hash: str,
        value: Value,
    ) -> sa.Executable:
        return review_posts.insert().values(
            id=uuid.uuid4().hex[:12],
            thread_id=thread_id,
            kind=kind,
            author=user,
            created_at=_now(),
            text=text,
            proposed=proposed,
            evidence=_dump(evidence),
            scenario_hash=scenario_hash,
            value=_dump(value),
        )

    def post(
        self,
        thread_id: str,
        *,
        user: str,
        kind: PostKind,
        text: str,
        scenario_hash: str,
        value: Value,
        proposed: float | None = None,
        evidence: dict[str, str] | None = None,
    ) -> Thread:
        """Add a post; ``resolve`` closes the thread, ``reopen`` opens it again."""
        thread = self.thread(thread_id)
        stmts = [
            self._post_row(thread_id, kind, user, text, proposed, evidence, scenario_hash, value)
        ]
        where = review_threads.c.id == thread_id
        if kind == "resolve":
            stmts.append(
                review_threads.update()
                .where(where)
                .values(status="resolved", resolved_by=user, resolved_at=_now())
            )
        elif kind == "reopen":
            stmts.append(
                review_threads.update()
                .where(where)
                .values(status="open", resolved_by=None, resolved_at=None)
            )
        detail = f"{thread.address}: {text}" + ("" if proposed is None else f" (→ {proposed:g})")
        stmts.append(self._log(user, kind, thread.scenario_name, detail))
        self._write(stmts)
        return self.thread(thread_id)

    def thread(self, thread_id: str) -> Thread:
        found = self._threads(review_threads.c.id == thread_id)
        if not found:
            raise KeyError(f"no thread {thread_id!r}")
        return found[0]

    def threads(self, scenario: str, *, status: str | None = None) -> list[Thread]:
        """The scenario's threads, oldest first (``status``: only open or resolved ones)."""
        cond = review_threads.c.scenario_name == scenario
        if status is not None:
            cond = sa.and_(cond, review_threads.c.status == status)
        return self._threads(cond)

    def _threads(self, cond: Any) -> list[Thread]:
        with self.engine.connect() as conn:
            rows = list(
                conn.execute(
                    sa.select(review_threads).where(cond).order_by(review_threads.c.created_at)
                ).mappings()
            )
            ids = [r["id"] for r in rows]
            posts: dict[str, list[Post]] = {i: [] for i in ids}
            if ids:
                q = (
                    sa.select(review_posts)
                    .where(review_posts.c.thread_id.in_(ids))
                    .order_by(review_posts.c.created_at, review_posts.c.id)
                )
                for p in conn.execute(q).mappings():
                    posts[p["thread_id"]].append(
                        Post(
                            p["id"],
                            p["thread_id"],
                            p["kind"],
                            p["author"],
                            p["created_at"],
                            p["text"],
                            p["proposed"],
                            _load(p["evidence"]),
                            p["scenario_hash"],
                            _load(p["value"]),
                        )
                    )
        return [
            Thread(
                r["id"],
                r["scenario_name"],
                r["address"],
                r["status"],
                r["created_by"],
                r["created_at"],
                r["scenario_hash"],
                _load(r["value"]),
                r["resolved_by"],
                r["resolved_at"],
                tuple(posts[r["id"]]),
            )
            for r in rows
        ]

    # -- the reviewers' own values ---------------------------------------------------------
    def set_view(self, view: View) -> None:
        """Give (or replace) a reviewer's own value and range for a number."""
        keys = (
            (review_views.c.scenario_name == view.scenario_name)
            & (review_views.c.address == view.address)
            & (review_views.c.reviewer == view.reviewer)
        )
        values = {
            "value": view.value,
            "low": view.low,
            "high": view.high,
            "evidence": _dump(view.evidence),
            "created_at": view.created_at,
            "scenario_hash": view.scenario_hash,
        }
        detail = f"{view.address}: {view.value:g} in [{view.low:g}, {view.high:g}]"
        self._write(
            [
                review_views.delete().where(keys),
                review_views.insert().values(
                    scenario_name=view.scenario_name,
                    address=view.address,
                    reviewer=view.reviewer,
                    **values,
                ),
                self._log(view.reviewer, "elicit", view.scenario_name, detail),
            ]
        )

    def views(self, scenario: str, address: str | None = None) -> list[View]:
        cond = review_views.c.scenario_name == scenario
        if address is not None:
            cond = sa.and_(cond, review_views.c.address == address)
        q = (
            sa.select(review_views)
            .where(cond)
            .order_by(review_views.c.address, review_views.c.reviewer)
        )
        with self.engine.connect() as conn:
            return [
                View(
                    r["scenario_name"],
                    r["address"],
                    r["reviewer"],
                    r["value"],
                    r["low"],
                    r["high"],
                    _load(r["evidence"]),
                    r["created_at"],
                    r["scenario_hash"],
                )
                for r in conn.execute(q).mappings()
            ]

    # -- sign-off --------------------------------------------------------------------------
    def sign_off(self, scenario: str, scenario_hash: str, *, by: str, note: str | None) -> SignOff:
        so = SignOff(uuid.uuid4().hex[:12], scenario, scenario_hash, by, _now(), note or None)
        self._write(
            [
                review_signoffs.insert().values(**so.__dict__),
                self._log(by, "sign_off", scenario, f"version {scenario_hash[:12]}"),
            ]
        )
        return so

    def signoffs(self, scenario: str) -> list[SignOff]:
        q = (
            sa.select(review_signoffs)
            .where(review_signoffs.c.scenario_name == scenario)
            .order_by(review_signoffs.c.at)
        )
        with self.engine.connect() as conn:
            return [SignOff(**dict(r)) for r in conn.execute(q).mappings()]

    # -- reading the whole review ------------------------------------------------------------
    def activity(self, scenario: str | None = None, *, limit: int = 200) -> list[Activity]:
        """The newest lines of the activity log first (of one scenario, or of everything)."""
        q = sa.select(review_activity).order_by(review_activity.c.id.desc()).limit(limit)
        if scenario is not None:
            q = q.where(review_activity.c.scenario_name == scenario)
        with self.engine.connect() as conn:
            return [
                Activity(r["at"], r["user"], r["action"], r["scenario_name"], r["detail"])
                for r in conn.execute(q).mappings()
            ]

    def status(self, scenario: str, scenario_hash: str) -> ReviewStatus:
        """The review of the version ``scenario_hash`` of ``scenario``: its sign-offs, the
        sign-offs of other versions, and the numbers still disputed."""
        threads = self.threads(scenario)
        disputes = []
        for t in threads:
            if not t.disputed:
                continue
            last = t.proposal or next(
                p for p in reversed(t.posts) if p.kind in ("propose", "object")
            )
            disputes.append(Dispute(t.id, t.address, last.author, last.proposed, last.text))
        signed = self.signoffs(scenario)
        return ReviewStatus(
            scenario,
            scenario_hash,
            tuple(s for s in signed if s.scenario_hash == scenario_hash),
            tuple(s for s in signed if s.scenario_hash != scenario_hash),
            tuple(disputes),
            tuple(threads),
        )
