"""What changed between two versions of a scenario: every input, matched by id.

:func:`diff_scenarios` compares two :class:`~accord.scenario.Scenario` objects field by field
and returns one :class:`Change` per difference: metadata, sources, issues (question, scale,
labelled points, status quo), actors (name, party, capability, no-deal terms), every stance
(position, salience, red line, capability on the issue), the war's dynamics and the free-form
``extensions`` (process settings, shocks, ...). Actors, issues, sources, stances and labelled
points are matched by their ids (or points), never by their place in a list, so reordering a
file changes nothing. Something present in only one version is one ``added`` or ``removed``
change, never an error.

Each number that changed carries the evidence attached to it in each version, so a reader sees
why it moved: ``Russia · territory · red line: 70 → 55`` with the old and the new quote. Pure
data: nothing here runs a model (the answers are compared in :mod:`accord.report.diff`).

>>> import accord
>>> a = accord.load_scenario("eu-emissions-1994")
>>> b = a.model_copy(deep=True)
>>> b.actors[0].stances["year"].salience.value = 0.5
>>> d = diff_scenarios(a, b)
>>> [(c.place, c.old, c.new) for c in d.changes]
[('Netherlands · year · salience', 0.8, 0.5)]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .model import Actor, Evidence, Issue, NoDeal, Quantity, Scenario, Source, Stance
from .procedure import Procedure

__all__ = ["Change", "ChangeKind", "ScenarioDiff", "diff_scenarios", "evidence_dict"]

#: ``changed``: a value differs; ``added`` / ``removed``: present in one version only;
#: ``evidence``: the same value with other evidence behind it.
ChangeKind = Literal["changed", "added", "removed", "evidence"]

#: The separator of the human-readable places (``Russia · territory · red line``).
SEP = " · "

#: Human-readable names of the fields, where they differ from the field's own name.
FIELD_NAMES = {
    "red_line": "red line",
    "status_quo": "status quo",
    "cost_per_month": "cost per month",
    "cost_growth_per_month": "cost growth per month",
    "capability_trend_per_month": "capability trend per month",
    "drift_per_month": "drift per month",
    "discount_rate_per_month": "discount rate per month",
    "no_deal": "no deal",
}

#: Readable names of the ``procedure:`` fields (:class:`~accord.scenario.Procedure`).
PROCEDURE_NAMES = {
    "legislative": "legislative procedure",
    "council": "Council voting rule",
    "commission": "Commission",
    "parliament": "Parliament",
    "council_members": "Council members",
}


@dataclass(frozen=True)
class Change:
    """One input that differs between version A (``old``) and version B (``new``).

    ``key`` is a machine path (``actors.russia.stances.territory.red_line``), ``place`` the
    same for a reader (``Russia · territory · red line``). ``old`` / ``new`` are None on the
    side where the input is absent. ``old_evidence`` / ``new_evidence`` are the evidence of
    the quantity in each version (:func:`evidence_dict`), where the schema has one.
    """

    key: str
    place: str
    kind: ChangeKind
    old: Any = None
    new: Any = None
    old_evidence: dict[str, str] | None = None
    new_evidence: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "place": self.place,
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
            "old_evidence": self.old_evidence,
            "new_evidence": self.new_evidence,
        }


@dataclass(frozen=True)
class ScenarioDiff:
    """Every input change from scenario ``a`` to scenario ``b``, in the order of the file."""

    a_title: str
    b_title: str
    changes: tuple[Change, ...]

    @property
    def empty(self) -> bool:
        return not self.changes

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a_title,
            "b": self.b_title,
            "changes": [c.to_dict() for c in self.changes],
        }


def evidence_dict(ev: Evidence | None) -> dict[str, str] | None:
    """The evidence as plain data: its ``kind`` and the fields it has (source, quote, ...)."""
    if ev is None:
        return None
    out: dict[str, str] = {"kind": ev.kind}
    out.update({k: v for k, v in ev.model_dump().items() if v is not None})
    return out


def diff_scenarios(a: Scenario, b: Scenario) -> ScenarioDiff:
    """Every input that differs from ``a`` (the old version) to ``b`` (the new one).

    Steps: metadata; sources by id; issues by id (name, question, scale bounds and type,
    labelled points by point, status quo); actors by id (name, description, party, capability,
    stances by issue, no-deal terms); the war's drift per issue and discount rate; the
    procedure (added or removed whole, else field by field); the ``extensions`` key by key.
    Quantities are compared on their value, their uncertainty range and their evidence.
    """
    names = {x.id: x.name for x in a.actors} | {x.id: x.name for x in b.actors}
    changes = [
        *_metadata(a, b),
        *_sources(a.sources, b.sources),
        *_issues(a.issues, b.issues),
        *_actors(a.actors, b.actors, names),
        *_war(a, b),
        *_procedure(a.procedure, b.procedure),
        *_plain(a.extensions, b.extensions, "extensions", "extensions"),
    ]
    return ScenarioDiff(a.metadata.title, b.metadata.title, tuple(changes))


# -- helpers -------------------------------------------------------------------------------------


def _name(field: str) -> str:
    return FIELD_NAMES.get(field, field)


def _union(old: Mapping[Any, Any], new: Mapping[Any, Any]) -> list[Any]:
    """Keys of ``new`` in its order, then the keys only ``old`` has."""
    return [*new, *(k for k in old if k not in new)]


def _scalar(key: str, place: str, old: Any, new: Any) -> Iterator[Change]:
    if old == new:
        return
    kind: ChangeKind = "added" if old is None else "removed" if new is None else "changed"
    yield Change(key, place, kind, old, new)


def _range(u: Any) -> dict[str, Any] | None:
    return None if u is None else u.model_dump(exclude_none=True)


def _quantity(key: str, place: str, old: Quantity | None, new: Quantity | None) -> Iterator[Change]:
    """A quantity's value, uncertainty range and evidence, each compared on its own."""
    if old is None and new is None:
        return
    ev_old = evidence_dict(old.evidence) if old is not None else None
    ev_new = evidence_dict(new.evidence) if new is not None else None
    if old is None or new is None:
        kind: ChangeKind = "added" if old is None else "removed"
        yield Change(
            key,
            place,
            kind,
            None if old is None else old.value,
            None if new is None else new.value,
            ev_old,
            ev_new,
        )
        return
    if old.value != new.value:
        yield Change(key, place, "changed", old.value, new.value, ev_old, ev_new)
    if old.uncertainty != new.uncertainty:
        yield Change(
            f"{key}.uncertainty",
            f"{place}{SEP}range",
            "changed",
            _range(old.uncertainty),
            _range(new.uncertainty),
            ev_old,
            ev_new,
        )
    if old.value == new.value and ev_old != ev_new:
        yield Change(
            f"{key}.evidence",
            f"{place}{SEP}evidence",
            "evidence",
            old.value,
            new.value,
            ev_old,
            ev_new,
        )


def _plain(old: Any, new: Any, key: str, place: str) -> Iterator[Change]:
    """Plain data (mappings recursed key by key; anything else compared whole)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for k in _union(old, new):
            yield from _plain(old.get(k), new.get(k), f"{key}.{k}", f"{place}{SEP}{k}")
        return
    yield from _scalar(key, place, old, new)


# -- the parts of a scenario ---------------------------------------------------------------------


def _metadata(a: Scenario, b: Scenario) -> Iterator[Change]:
    for field in ("title", "date", "author", "description"):
        yield from _scalar(
            f"metadata.{field}",
            f"metadata{SEP}{field}",
            getattr(a.metadata, field),
            getattr(b.metadata, field),
        )


def _sources(old: list[Source], new: list[Source]) -> Iterator[Change]:
    o, n = {s.id: s for s in old}, {s.id: s for s in new}
    for sid in _union(o, n):
        key, place = f"sources.{sid}", f"source {sid}"
        if sid not in o or sid not in n:
            yield from _scalar(
                key,
                place,
                o[sid].model_dump(exclude_none=True) if sid in o else None,
                n[sid].model_dump(exclude_none=True) if sid in n else None,
            )
            continue
        for field in ("title", "author", "publication", "date", "url"):
            yield from _scalar(
                f"{key}.{field}",
                f"{place}{SEP}{field}",
                getattr(o[sid], field),
                getattr(n[sid], field),
            )


def _issue_summary(issue: Issue) -> dict[str, Any]:
    return {
        "id": issue.id,
        "name": issue.name,
        "question": issue.question,
        "scale": {"min": issue.scale.min, "max": issue.scale.max, "discrete": issue.scale.discrete},
    }


def _issues(old: list[Issue], new: list[Issue]) -> Iterator[Change]:
    o, n = {i.id: i for i in old}, {i.id: i for i in new}
    for iid in _union(o, n):
        key, place = f"issues.{iid}", iid
        if iid not in o or iid not in n:
            yield Change(
                key,
                f"issue {iid}",
                "added" if iid not in o else "removed",
                _issue_summary(o[iid]) if iid in o else None,
                _issue_summary(n[iid]) if iid in n else None,
            )
            continue
        a, b = o[iid], n[iid]
        for field in ("name", "question"):
            yield from _scalar(
                f"{key}.{field}", f"{place}{SEP}{field}", getattr(a, field), getattr(b, field)
            )
        for field in ("min", "max", "discrete"):
            yield from _scalar(
                f"{key}.scale.{field}",
                f"{place}{SEP}scale {field}",
                getattr(a.scale, field),
                getattr(b.scale, field),
            )
        for point in _union(a.scale.labels, b.scale.labels):
            yield from _scalar(
                f"{key}.scale.labels.{point:g}",
                f"{place}{SEP}label {point:g}",
                a.scale.labels.get(point),
                b.scale.labels.get(point),
            )
        yield from _quantity(
            f"{key}.status_quo", f"{place}{SEP}status quo", a.status_quo, b.status_quo
        )


def _actor_summary(actor: Actor) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "capability": actor.capability.value,
        "party": actor.party,
        "ratifies": actor.ratifies,
        "stances": list(actor.stances),
    }


def _stance_summary(st: Stance) -> dict[str, float | None]:
    return {
        "position": st.position.value,
        "salience": st.salience.value,
        "red_line": None if st.red_line is None else st.red_line.value,
    }


def _actors(old: list[Actor], new: list[Actor], names: dict[str, str]) -> Iterator[Change]:
    o, n = {x.id: x for x in old}, {x.id: x for x in new}
    for aid in _union(o, n):
        key, who = f"actors.{aid}", names[aid]
        if aid not in o or aid not in n:
            gone = aid not in n
            actor = o[aid] if gone else n[aid]
            ev = evidence_dict(actor.capability.evidence)
            yield Change(
                key,
                f"actor {who}",
                "removed" if gone else "added",
                _actor_summary(actor) if gone else None,
                None if gone else _actor_summary(actor),
                ev if gone else None,
                None if gone else ev,
            )
            continue
        a, b = o[aid], n[aid]
        for field in ("name", "description", "party", "ratifies"):
            yield from _scalar(
                f"{key}.{field}", f"{who}{SEP}{field}", getattr(a, field), getattr(b, field)
            )
        yield from _quantity(
            f"{key}.capability", f"{who}{SEP}capability", a.capability, b.capability
        )
        yield from _stances(a, b, key, who)
        yield from _no_deal(a.no_deal, b.no_deal, f"{key}.no_deal", f"{who}{SEP}no deal")


def _stances(a: Actor, b: Actor, key: str, who: str) -> Iterator[Change]:
    for iid in _union(a.stances, b.stances):
        k, place = f"{key}.stances.{iid}", f"{who}{SEP}{iid}"
        sa, sb = a.stances.get(iid), b.stances.get(iid)
        if sa is None or sb is None:
            st = sa if sb is None else sb
            assert st is not None  # the key came from one of the two
            ev = evidence_dict(st.position.evidence)
            yield Change(
                k,
                f"{place}{SEP}stance",
                "removed" if sb is None else "added",
                None if sa is None else _stance_summary(sa),
                None if sb is None else _stance_summary(sb),
                None if sa is None else ev,
                None if sb is None else ev,
            )
            continue
        for field in ("position", "salience", "red_line"):
            yield from _quantity(
                f"{k}.{field}",
                f"{place}{SEP}{_name(field)}",
                getattr(sa, field),
                getattr(sb, field),
            )
        yield from _quantity(
            f"{k}.capability", f"{place}{SEP}capability", sa.capability, sb.capability
        )


def _no_deal(old: NoDeal | None, new: NoDeal | None, key: str, place: str) -> Iterator[Change]:
    for field in NoDeal.model_fields:
        yield from _quantity(
            f"{key}.{field}",
            f"{place}{SEP}{_name(field)}",
            None if old is None else getattr(old, field),
            None if new is None else getattr(new, field),
        )


def _war(a: Scenario, b: Scenario) -> Iterator[Change]:
    drift_a = a.war.drift_per_month if a.war is not None else {}
    drift_b = b.war.drift_per_month if b.war is not None else {}
    for iid in _union(drift_a, drift_b):
        yield from _quantity(
            f"war.drift_per_month.{iid}",
            f"war{SEP}drift per month{SEP}{iid}",
            drift_a.get(iid),
            drift_b.get(iid),
        )
    yield from _quantity(
        "war.discount_rate_per_month",
        f"war{SEP}discount rate per month",
        a.war.discount_rate_per_month if a.war is not None else None,
        b.war.discount_rate_per_month if b.war is not None else None,
    )


def _procedure_summary(proc: Procedure) -> dict[str, Any]:
    return proc.model_dump(exclude_none=True)


def _procedure(old: Procedure | None, new: Procedure | None) -> Iterator[Change]:
    """The EU decision rule: one ``added`` / ``removed`` change when only one version has it,
    else one change per field that differs (the Council's members compared as one list)."""
    if old is None or new is None:
        yield from _scalar(
            "procedure",
            "procedure",
            None if old is None else _procedure_summary(old),
            None if new is None else _procedure_summary(new),
        )
        return
    for field, name in PROCEDURE_NAMES.items():
        yield from _scalar(
            f"procedure.{field}",
            f"procedure{SEP}{name}",
            getattr(old, field),
            getattr(new, field),
        )
