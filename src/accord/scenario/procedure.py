"""The decision rule of a scenario decided by EU legislation: the legislative procedure, the
Council's voting rule, and which actor plays which institution.

An optional top-level ``procedure:`` of a scenario, read by the procedure-aware compromise
(:class:`accord.models.procedure.ProcedureCompromise`)::

    procedure:
      legislative: co-decision    # or consultation (DEU's proc column: COD, CNS)
      council: qmv                # or unanimity (DEU's counvte column: QMV, Unan)
      commission: COM             # the Commission's actor id (optional)
      parliament: EP              # the Parliament's actor id (optional)
      council_members: [DE, FR]   # optional: by default every other actor

The two procedures are the ones DEU codes and the EU-power literature compares
([ThomsonHosli2006]; [Thomson2011]): under consultation the Parliament gives an opinion only,
under co-decision (the ordinary legislative procedure since Lisbon) it co-legislates. The
checks across fields (the ids name actors, no actor has two roles) are
:func:`check_procedure`'s, run with the scenario's other checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import Field, field_validator

from .fields import StrictModel, rule_error

__all__ = ["COUNCIL_RULES", "LEGISLATIVE", "Procedure", "check_procedure"]

#: Legislative procedures and their DEU codes ([Thomson2006]; [Arregui2021]).
LEGISLATIVE = {"co-decision": "COD", "consultation": "CNS"}
#: The Council's voting rules: qualified majority (weighted votes) or unanimity (each a veto).
COUNCIL_RULES = ("qmv", "unanimity")
#: Other spellings read as a procedure or a rule (DEU's own codes, the Lisbon name).
_ALIASES = {
    "cod": "co-decision",
    "codecision": "co-decision",
    "ordinary": "co-decision",
    "ordinary legislative procedure": "co-decision",
    "cns": "consultation",
    "unan": "unanimity",
}
_FIX_LEGISLATIVE = (
    "write `co-decision` (the ordinary legislative procedure) or `consultation`; the "
    "cooperation and assent procedures have no fitted shares"
)


def _canonical(v: Any) -> Any:
    if not isinstance(v, str):
        return v
    key = v.strip().lower()
    return _ALIASES.get(key, key)


class Procedure(StrictModel):
    """The EU decision rule of a scenario and the actors' institutional roles."""

    legislative: str = Field(
        description="legislative procedure: co-decision (the Parliament co-legislates) or "
        "consultation (it gives an opinion)"
    )
    council: str = Field(
        description="the Council's voting rule: qmv (members weighted by their capability, "
        "their votes) or unanimity (every member alike)"
    )
    commission: str | None = Field(None, description="the actor id of the Commission")
    parliament: str | None = Field(None, description="the actor id of the European Parliament")
    council_members: list[str] | None = Field(
        None, description="the actor ids of the Council's members (default: every other actor)"
    )

    @field_validator("legislative", mode="before")
    @classmethod
    def _legislative(cls, v: Any) -> Any:
        v = _canonical(v)
        if v not in LEGISLATIVE:
            raise rule_error(
                "must be one of " + ", ".join(repr(p) for p in LEGISLATIVE), _FIX_LEGISLATIVE
            )
        return v

    @field_validator("council", mode="before")
    @classmethod
    def _council(cls, v: Any) -> Any:
        v = _canonical(v)
        if v not in COUNCIL_RULES:
            raise rule_error(
                "must be one of " + ", ".join(repr(r) for r in COUNCIL_RULES),
                "write `qmv` (qualified majority) or `unanimity`",
            )
        return v

    @property
    def code(self) -> str:
        """The procedure's DEU code: COD or CNS."""
        return LEGISLATIVE[self.legislative]

    def roles(self, actor_ids: list[str]) -> dict[str, str]:
        """Each actor's role: ``commission``, ``parliament``, ``council`` or ``none`` (an actor
        outside the institutions, when ``council_members`` is given and does not list it)."""
        out = {}
        members = None if self.council_members is None else set(self.council_members)
        for a in actor_ids:
            if a == self.commission:
                out[a] = "commission"
            elif a == self.parliament:
                out[a] = "parliament"
            elif members is None or a in members:
                out[a] = "council"
            else:
                out[a] = "none"
        return out


def check_procedure(add: Callable[..., None], procedure: Any, actor_ids: set[str]) -> None:
    """The checks across fields of a ``procedure:`` mapping: the Commission, the Parliament and
    the Council's members name actors, no actor has two roles, the Council has a member."""
    if not isinstance(procedure, dict):
        return
    known = sorted(actor_ids)
    roles: dict[str, str] = {}
    for key in ("commission", "parliament"):
        aid = procedure.get(key)
        if aid is None:
            continue
        if aid not in actor_ids:
            add(f"procedure.{key}", "must name an actor", aid, f"use one of {known}")
        else:
            roles[aid] = key
    members = procedure.get("council_members")
    if isinstance(members, list):
        for k, aid in enumerate(members):
            if aid not in actor_ids:
                add(
                    f"procedure.council_members[{k}]",
                    "must name an actor",
                    aid,
                    f"use one of {known}",
                )
            elif aid in roles:
                add(
                    f"procedure.council_members[{k}]",
                    f"is already the {roles[aid]}",
                    aid,
                    "an actor has one role: remove it from council_members",
                )
        council = [a for a in members if a in actor_ids and a not in roles]
    else:
        council = [a for a in actor_ids if a not in roles]
    if procedure.get("commission") is not None and procedure.get("commission") == procedure.get(
        "parliament"
    ):
        add(
            "procedure.parliament",
            "must not be the Commission too",
            procedure.get("parliament"),
            "give the Parliament its own actor, or leave `parliament` out",
        )
    if not council:
        add(
            "procedure",
            "leaves the Council without a member",
            fix="list the member states in `council_members`, or leave it out (every actor "
            "but the Commission and the Parliament is then a member)",
        )
