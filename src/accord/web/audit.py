"""Who may change a scenario, and a line in the activity log for every write outside the review.

:class:`Attribution` sits inside the token check (it reads the signed-in user that
:class:`~accord.web.security.TokenAuth` set). A request that changes the scenario folder (save,
save as, restore, create, upload) needs the ``edit`` right (analysts and admins; 403
otherwise). Every write that succeeds (those, and starting a run or a brief, labelling a run,
cancelling a job) is logged with the user and the time; a save also lists the numbers it
changed, by their stable addresses, with the old and the new value. The review's own routes
log themselves.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import anyio
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accord.scenario import Scenario
from accord.scenario.address import address_of_place
from accord.store.review import ReviewStore

from .files import ScenarioFolder
from .security import user_of

__all__ = ["EDITS", "WRITES", "Attribution", "changed_numbers"]

log = logging.getLogger(__name__)

_NAME = r"(?P<name>[A-Za-z0-9][A-Za-z0-9_-]{0,63})"
#: (method, path, action) of the writes that change the scenario folder: they need ``edit``
EDITS = (
    ("PUT", re.compile(rf"/api/scenarios/{_NAME}"), "save"),
    ("POST", re.compile(rf"/api/scenarios/[^/]+/save-as/{_NAME}"), "save_as"),
    ("POST", re.compile(rf"/api/scenarios/{_NAME}/restore/[^/]+"), "restore"),
    ("POST", re.compile(rf"/api/scenarios/{_NAME}/new"), "create"),
    ("POST", re.compile(r"/api/upload"), "upload"),
)
#: the other writes, logged but open to every user
WRITES = (
    ("POST", re.compile(rf"/api/scenarios/{_NAME}/run/(?P<what>[a-z_]+)"), "run"),
    ("POST", re.compile(rf"/api/scenarios/{_NAME}/brief"), "brief"),
    ("PATCH", re.compile(r"/api/runs/(?P<what>[0-9a-f]+)"), "label_run"),
    ("POST", re.compile(r"/api/jobs/(?P<what>[0-9a-f]+)/cancel"), "cancel"),
)


def _numbers(scn: Scenario | None) -> dict[str, float]:
    if scn is None:
        return {}
    out = {}
    for place, q in scn.quantities():
        address = address_of_place(scn, place)
        if address is not None:
            out[address] = float(q.value)
    return out


def changed_numbers(old: Scenario | None, new: Scenario | None) -> list[tuple[str, Any, Any]]:
    """(address, old value, new value) of every number that differs (None: absent)."""
    a, b = _numbers(old), _numbers(new)
    return [(k, a.get(k), b.get(k)) for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]


def _said(changes: list[tuple[str, Any, Any]]) -> str:
    if not changes:
        return "no number changed"
    shown = "; ".join(
        f"{k} {'—' if o is None else f'{o:g}'} → {'—' if n is None else f'{n:g}'}"
        for k, o, n in changes[:20]
    )
    more = f"; and {len(changes) - 20} more" if len(changes) > 20 else ""
    return f"changed {shown}{more}"


def _match(method: str, path: str) -> tuple[str, re.Match[str], bool] | None:
    for rules, edit in ((EDITS, True), (WRITES, False)):
        for verb, pattern, action in rules:
            m = pattern.fullmatch(path)
            if verb == method and m:
                return action, m, edit
    return None


class Attribution:
    """Refuses folder writes without the ``edit`` right; logs every write that succeeded."""

    def __init__(self, app: ASGIApp, folder: ScenarioFolder, store: ReviewStore):
        self.app, self.folder, self.store = app, folder, store

    def _load(self, name: str | None) -> Scenario | None:
        if name is None:
            return None
        try:
            return self.folder.load(name) if self.folder.path_of(name).exists() else None
        except HTTPException:
            return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = (
            _match(scope.get("method", ""), scope.get("path", ""))
            if scope["type"] == "http"
            else None
        )
        if found is None:
            await self.app(scope, receive, send)
            return
        action, m, edit = found
        user = user_of(scope)
        if edit and not user.may("edit"):
            body = json.dumps(
                {
                    "detail": f"{user.name} is a {user.role}: only analyst and admin users may "
                    "edit scenarios"
                }
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        groups = m.groupdict()
        name = groups.get("name")
        before = await anyio.to_thread.run_sync(self._load, name) if edit else None
        status, chunks = [500], []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            elif message["type"] == "http.response.body" and action == "upload":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, watch)
        if status[0] >= 400:
            return
        if action == "upload":
            try:
                name = json.loads(b"".join(chunks))["name"]
            except (ValueError, KeyError, TypeError):
                name = None
        await anyio.to_thread.run_sync(
            self._record, user.name, action, name, groups.get("what"), before, edit
        )

    def _record(
        self,
        user: str,
        action: str,
        name: str | None,
        what: str | None,
        before: Scenario | None,
        edit: bool,
    ) -> None:
        detail = {
            "run": f"started the {what} analysis",
            "brief": "started the brief",
            "label_run": f"labelled run {what}",
            "cancel": f"cancelled job {what}",
        }.get(action, what or "")
        if edit:
            detail = _said(changed_numbers(before, self._load(name)))
        try:
            self.store.record(user, action, name, detail)
        except Exception:  # noqa: BLE001 - a write that succeeded is never failed by its log
            log.exception("could not log %s by %s", action, user)
