"""The team review's routes, under ``/api/review``: threads on a scenario's numbers, the
reviewers' own values (and adopting them as the number's uncertainty), sign-off, the activity
view and the review record.

Who may do what is the user's role (:data:`accord.web.users.RIGHTS`); a request without the
right gets 403 with a plain message. Every write is attributed to the signed-in user and timed
(the run store's activity log).

Adopting the panel writes the reviewers' views into the scenario file itself, as the number's
``uncertainty`` with ``shape: panel`` (the linear opinion pool, :mod:`accord.scenario.uncertainty`):
the YAML stays the single source of truth, so a run stored with the scenario's snapshot, the
scenario hash in the brief and the command line all see the same distribution. An overlay kept
in the store and applied at run time would make a run depend on something its snapshot lacks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam

from accord.scenario import Scenario
from accord.scenario.address import place_of, quantity_at, value_at, with_panel
from accord.scenario.fields import Evidence, PanelView
from accord.store.review import ReviewStore, Thread, View

from .files import NAME_RE, ScenarioFolder
from .review_schemas import (
    ActivityOut,
    AddressIn,
    DisputeOut,
    MeOut,
    NewPost,
    NewThread,
    PanelOut,
    PostOut,
    RecordOut,
    SignOffIn,
    SignOffOut,
    StatusOut,
    ThreadOut,
    ViewIn,
    ViewOut,
)
from .security import user_of
from .users import RIGHTS, User

__all__ = ["KIND_RIGHT", "add_review_routes", "require"]

#: the right each kind of post needs
KIND_RIGHT = {
    "comment": "comment",
    "propose": "comment",
    "agree": "review",
    "object": "review",
    "resolve": "resolve",
    "reopen": "resolve",
}
RIGHT_WORDS = {
    "edit": "edit scenarios",
    "comment": "comment or propose values",
    "review": "agree, object or give their own values",
    "resolve": "resolve threads",
    "sign_off": "sign off a scenario version",
}
ScenarioName = Annotated[
    str, PathParam(pattern=f"^{NAME_RE.pattern}$", description="a scenario's name")
]
ThreadId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{12}$", description="a thread's id")]


def require(user: User, right: str) -> None:
    """403 with a plain message unless ``user``'s role gives ``right``."""
    if not user.may(right):
        who = [r for r, rights in RIGHTS.items() if right in rights]
        raise HTTPException(
            403,
            f"{user.name} is {'an' if user.role[0] in 'aeiou' else 'a'} {user.role}: only "
            f"{' and '.join(who)} users may {RIGHT_WORDS.get(right, right)}",
        )


def _fmt(v: float | str | None) -> str:
    return "(gone)" if v is None else (f"{v:g}" if isinstance(v, float) else repr(v))


def thread_out(t: Thread, scn: Scenario | None) -> ThreadOut:
    """A thread as the API shows it, with its number now and whether it changed under it."""
    now = None if scn is None else value_at(scn, t.address)
    changed = scn is not None and now != t.value
    note = None
    if changed and now is None:
        note = "the number is no longer in the scenario"
    elif changed:
        note = f"the number changed from {_fmt(t.value)} to {_fmt(now)} since this was posted"
    return ThreadOut(
        id=t.id,
        scenario=t.scenario_name,
        address=t.address,
        place=None if scn is None else place_of(scn, t.address),
        status=t.status,
        created_by=t.created_by,
        created_at=t.created_at,
        version=t.scenario_hash[:12],
        value_then=t.value,
        value_now=now,
        changed=changed,
        change_note=note,
        resolved_by=t.resolved_by,
        resolved_at=t.resolved_at,
        posts=[
            PostOut(
                id=p.id,
                kind=p.kind,
                author=p.author,
                at=p.created_at,
                text=p.text,
                proposed=p.proposed,
                evidence=p.evidence,
                version=p.scenario_hash[:12],
                value_then=p.value,
            )
            for p in t.posts
        ],
    )


def _view_out(v: View) -> ViewOut:
    return ViewOut(
        address=v.address,
        reviewer=v.reviewer,
        value=v.value,
        low=v.low,
        high=v.high,
        evidence=v.evidence,
        at=v.created_at,
        version=v.scenario_hash[:12],
    )


def status_out(store: ReviewStore, name: str, scn: Scenario) -> StatusOut:
    digest = scn.content_hash()
    st = store.status(name, digest)

    def signoff(s) -> SignOffOut:
        return SignOffOut(
            id=s.id,
            version=s.scenario_hash[:12],
            scenario_hash=s.scenario_hash,
            by=s.by,
            at=s.at,
            note=s.note,
        )

    return StatusOut(
        scenario=name,
        version=digest[:12],
        scenario_hash=digest,
        signed_off=[signoff(s) for s in st.signoffs],
        earlier_signoffs=[signoff(s) for s in st.earlier],
        disputes=[
            DisputeOut(
                thread_id=d.thread_id,
                address=d.address,
                who=d.who,
                proposed=d.proposed,
                text=d.text,
                value_now=value_at(scn, d.address),
            )
            for d in st.disputes
        ],
        open_threads=sum(t.status == "open" for t in st.threads),
    )


def _known_address(scn: Scenario, address: str) -> None:
    if value_at(scn, address) is None:
        raise HTTPException(
            404,
            f"the scenario has nothing at {address!r}; an address reads like "
            "actor:ID/issue:ID/salience, actor:ID/capability, issue:ID/label:POINT or actor:ID",
        )


def _evidence(body: NewPost | ViewIn) -> dict[str, str] | None:
    if body.evidence is None:
        return None
    return body.evidence.model_dump(exclude_none=True)


def _panel_evidence(view: View, sources: set[str]) -> Evidence | None:
    """A view's evidence as the scenario can hold it: a quote from one of its sources stays a
    quote; a quote from elsewhere becomes a judgement that cites it."""
    ev = view.evidence
    if not ev:
        return None
    if "quote" in ev and ev.get("source") not in sources:
        return Evidence(judgement=f"{view.reviewer} quotes {ev.get('source')}: “{ev['quote']}”")
    return Evidence(**ev)


def add_review_routes(app: FastAPI, folder: ScenarioFolder, store: ReviewStore) -> None:
    @app.get("/api/review/me", response_model=MeOut, summary="Who is signed in, and their role")
    def me(request: Request) -> MeOut:
        user = user_of(request.scope)
        team = app.state.security.team is not None
        return MeOut(name=user.name, role=user.role, rights=sorted(RIGHTS[user.role]), team=team)

    @app.get(
        "/api/review/{name}/threads",
        response_model=list[ThreadOut],
        summary="A scenario's review threads, oldest first, each with its number now",
    )
    def threads(
        name: ScenarioName, status: Annotated[str | None, Query(pattern="^(open|resolved)$")] = None
    ) -> list[ThreadOut]:
        scn = folder.load(name)
        return [thread_out(t, scn) for t in store.threads(name, status=status)]

    @app.post(
        "/api/review/{name}/threads",
        response_model=ThreadOut,
        summary="Start a thread on a number (or a label, an actor, an issue)",
        description="403 without the right for the first post's kind; 404 for an address the "
        "scenario does not have.",
    )
    def start(name: ScenarioName, body: NewThread, request: Request) -> ThreadOut:
        user = user_of(request.scope)
        require(user, KIND_RIGHT[body.kind])
        scn = folder.load(name)
        _known_address(scn, body.address)
        t = store.start_thread(
            name,
            body.address,
            user=user.name,
            scenario_hash=scn.content_hash(),
            value=value_at(scn, body.address),
            kind=body.kind,
            text=body.text,
            proposed=body.proposed,
            evidence=_evidence(body),
        )
        return thread_out(t, scn)

    @app.post(
        "/api/review/threads/{thread_id}/posts",
        response_model=ThreadOut,
        summary="Answer in a thread: comment, propose, agree, object, resolve or reopen",
    )
    def post(thread_id: ThreadId, body: NewPost, request: Request) -> ThreadOut:
        user = user_of(request.scope)
        require(user, KIND_RIGHT[body.kind])
        try:
            t = store.thread(thread_id)
        except KeyError:
            raise HTTPException(404, "no such thread") from None
        if body.kind == "resolve" and t.status == "resolved":
            raise HTTPException(409, "the thread is resolved already")
        if body.kind == "reopen" and t.status == "open":
            raise HTTPException(409, "the thread is open")
        scn = folder.load(t.scenario_name)
        t = store.post(
            thread_id,
            user=user.name,
            kind=body.kind,
            text=body.text,
            scenario_hash=scn.content_hash(),
            value=value_at(scn, t.address),
            proposed=body.proposed,
            evidence=_evidence(body),
        )
        return thread_out(t, scn)

    @app.get(
        "/api/review/{name}/views",
        response_model=list[ViewOut],
        summary="The reviewers' own values and ranges for a scenario's numbers",
    )
    def views(name: ScenarioName) -> list[ViewOut]:
        folder.path_of(name)
        return [_view_out(v) for v in store.views(name)]

    @app.put(
        "/api/review/{name}/views",
        response_model=ViewOut,
        summary="Give (or replace) your own value and range for a number (reviewers)",
    )
    def give_view(name: ScenarioName, body: ViewIn, request: Request) -> ViewOut:
        user = user_of(request.scope)
        require(user, "review")
        scn = folder.load(name)
        if not isinstance(value_at(scn, body.address), float):
            raise HTTPException(404, f"the scenario has no number at {body.address!r}")
        view = View(
            name,
            body.address,
            user.name,
            body.value,
            body.low,
            body.high,
            _evidence(body),
            datetime.now(UTC).isoformat(timespec="milliseconds"),
            scn.content_hash(),
        )
        store.set_view(view)
        return _view_out(view)

    @app.post(
        "/api/review/{name}/adopt-panel",
        response_model=PanelOut,
        summary="Make the reviewers' values a number's uncertainty (shape: panel), in the file",
        description="Writes the linear opinion pool of every reviewer's view into the scenario "
        "(only that number's uncertainty changes; comments stay; the previous version is kept). "
        "404 when nobody gave a view; 409 for a shipped scenario.",
    )
    def adopt(name: ScenarioName, body: AddressIn, request: Request) -> PanelOut:
        from accord.scenario import ScenarioError

        from .files import problems_detail

        user = user_of(request.scope)
        require(user, "edit")
        folder.refuse_shipped(name)
        scn = folder.load(name)
        given = store.views(name, body.address)
        if not given:
            raise HTTPException(404, f"no reviewer gave a value for {body.address!r}")
        sources = {src.id for src in scn.sources}
        panel = [
            PanelView(
                by=v.reviewer,
                value=v.value,
                low=v.low,
                high=v.high,
                evidence=_panel_evidence(v, sources),
            )
            for v in given
        ]
        why = (
            f"the review panel's own values ({', '.join(v.reviewer for v in given)}), pooled "
            f"with equal weights; adopted by {user.name}"
        )
        try:
            new = with_panel(scn, body.address, panel, why=why)
        except KeyError:
            raise HTTPException(404, f"the scenario has no number at {body.address!r}") from None
        except ScenarioError as exc:
            raise HTTPException(422, problems_detail(exc)) from None
        folder.save(name, new, overwrite=True, derived_from=folder.derived_from(name))
        q = quantity_at(new, body.address)
        place = place_of(new, body.address)
        assert q is not None and q.uncertainty is not None and place is not None
        u = q.uncertainty
        store.record(
            user.name,
            "adopt_panel",
            name,
            f"{body.address}: the pool of {len(panel)} views, range {u.low:g}..{u.high:g}",
        )
        return PanelOut(
            address=body.address,
            place=place,
            reviewers=[v.by for v in panel],
            low=u.low,
            high=u.high,
        )

    @app.post(
        "/api/review/{name}/sign-off",
        response_model=SignOffOut,
        summary="Sign off the scenario's current version (reviewers)",
    )
    def sign_off(name: ScenarioName, body: SignOffIn, request: Request) -> SignOffOut:
        user = user_of(request.scope)
        require(user, "sign_off")
        scn = folder.load(name)
        digest = scn.content_hash()
        s = store.sign_off(name, digest, by=user.name, note=body.note)
        return SignOffOut(
            id=s.id, version=digest[:12], scenario_hash=digest, by=s.by, at=s.at, note=s.note
        )

    @app.get(
        "/api/review/{name}/status",
        response_model=StatusOut,
        summary="The current version's review: who signed it off, which numbers are disputed",
    )
    def status(name: ScenarioName) -> StatusOut:
        return status_out(store, name, folder.load(name))

    @app.get(
        "/api/review/{name}/activity",
        response_model=list[ActivityOut],
        summary="What changed, what was said, by whom and when: newest first",
    )
    def activity(
        name: ScenarioName, limit: Annotated[int, Query(ge=1, le=1000)] = 200
    ) -> list[ActivityOut]:
        folder.path_of(name)
        return [
            ActivityOut(
                at=a.at, user=a.user, action=a.action, scenario=a.scenario_name, detail=a.detail
            )
            for a in store.activity(name, limit=limit)
        ]

    @app.get(
        "/api/review/{name}/record",
        response_model=RecordOut,
        summary="A scenario's whole review record (threads, values, sign-offs, activity)",
    )
    def record(name: ScenarioName) -> RecordOut:
        scn = folder.load(name)
        st = status_out(store, name, scn)
        return RecordOut(
            scenario=name,
            version=st.version,
            status=st,
            threads=[thread_out(t, scn) for t in store.threads(name)],
            views=[_view_out(v) for v in store.views(name)],
            activity=activity(name, limit=1000),
        )
