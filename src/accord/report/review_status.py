"""The brief's "Review status" section: which version this is, who signed it off, which numbers
are still disputed and what each moves, and the review record.

The version is the scenario's content hash. A disputed number is one with an open thread in
which someone proposed another value or objected (:class:`accord.store.review.ReviewStatus`).
Its effect on the headline is read from the sensitivity analysis of the same brief (the tornado:
the number at either end of its range, everything else at its value): the consensus forecast of
each issue at the two ends. A number without a range has no row there, and the section says so.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from accord.forecast import CONSENSUS_MODEL
from accord.scenario.address import place_of, value_at
from accord.store.review import ReviewStatus, Thread

from .analyses import ensure_tornado
from .html import BriefContext, Section, escape, table

__all__ = ["headline_effects", "section_review"]


def _num(v: Any) -> str:
    if v is None:
        return "—"
    return f"{v:g}" if isinstance(v, float | int) else escape(v)


def address_label(scn, address: str) -> str:
    """A number's address in words: "Russia (Putin) · NATO membership or neutrality · salience"
    for ``actor:russia/issue:nato/salience`` (ids the scenario no longer has stay as they are)."""
    actors = {a.id: a.name or a.id for a in scn.actors}
    issues = {i.id: i.name or i.id for i in scn.issues}
    words = []
    for part in address.split("/"):
        kind, _, ident = part.partition(":")
        if kind == "actor" and ident:
            words.append(actors.get(ident, ident))
        elif kind == "issue" and ident:
            words.append(issues.get(ident, ident))
        else:
            words.append(part.replace("_", " ").replace(":", " "))
    return " · ".join(words)


def headline_effects(ctx: BriefContext, address: str) -> str | None:
    """The consensus forecasts at the two ends of the number's range, from the brief's
    tornado (HTML: one escaped line per issue); None when the sensitivity analysis has no row
    for the number."""
    if ctx.draws <= 0:
        return None
    place = place_of(ctx.scenario, address)
    res = ensure_tornado(ctx)
    if place is None or res is None:
        return None
    rows = res.frame[res.frame["input"] == place]
    if rows.empty:
        return None
    head = rows[rows["output"].str.startswith(f"{CONSENSUS_MODEL}:")]
    if head.empty:
        head = rows.sort_values("swing", ascending=False).head(1)
    parts = []
    for row in head.itertuples(index=False):  # each part escaped: the cell is markup
        what = str(row.output).split(":", 1)[-1]
        parts.append(
            escape(
                f"{what}: {row.at_low:.1f} at {row.low:g}, {row.at_high:.1f} at {row.high:g} "
                f"(swing {row.swing:.2g})"
            )
        )
    return "<br>".join(parts)


def _signoff_text(review: ReviewStatus) -> str:
    if review.signoffs:
        return "Signed off by " + ", ".join(
            f"<b>{escape(s.by)}</b> on {escape(s.at[:16].replace('T', ' '))} UTC"
            + (f" (“{escape(s.note)}”)" if s.note else "")
            for s in review.signoffs
        )
    text = "<b>Not signed off.</b>"
    if review.earlier:
        last = review.earlier[-1]
        text += (
            f" An earlier version ({escape(last.scenario_hash[:12])}) was signed off by "
            f"{escape(last.by)} on {escape(last.at[:16].replace('T', ' '))} UTC; the scenario "
            "has changed since."
        )
    return text


def _record(threads: tuple[Thread, ...]) -> str:
    items = []
    for t in threads:
        posts = "".join(
            f"<li>{escape(p.author)} ({escape(p.kind)}, "
            f"{escape(p.created_at[:16].replace('T', ' '))}): {escape(p.text)}"
            + ("" if p.proposed is None else f" — proposes {p.proposed:g}")
            + (
                ""
                if not p.evidence
                else " — "
                + escape(
                    f"“{p.evidence['quote']}” ({p.evidence.get('source', '')})"
                    if "quote" in p.evidence
                    else f"judgement: {p.evidence.get('judgement', '')}"
                )
            )
            + "</li>"
            for p in t.posts
        )
        items.append(
            f"<li><code>{escape(t.address)}</code> ({escape(t.status)}"
            + (f" by {escape(t.resolved_by)}" if t.resolved_by else "")
            + f"; started on version {escape(t.scenario_hash[:12])} at {_num(t.value)})"
            f"<ul>{posts}</ul></li>"
        )
    return f"<ul class=record>{''.join(items)}</ul>"


def section_review(ctx: BriefContext) -> Section | None:
    """Review status: the version, the sign-off, the open disputes with their effect on the
    headline, and the review record (every thread with its posts). None without a review."""
    review: ReviewStatus | None = ctx.review
    if review is None:
        return None
    version = ctx.scenario.content_hash()[:12]
    parts = [f"<p>Version {escape(version)}. {_signoff_text(review)}</p>"]
    judgements = []
    if review.disputes:
        rows = []
        for d in review.disputes:
            effect = headline_effects(ctx, d.address)
            if effect is None:
                effect = escape(
                    "no row in the sensitivity analysis (the number has no range)"
                    if ctx.draws > 0
                    else "the sensitivity analysis is not part of this brief"
                )
            rows.append(
                [
                    f"{escape(address_label(ctx.scenario, d.address))}<br>"
                    f"<code>{escape(d.address)}</code>",
                    _num(value_at(ctx.scenario, d.address)),
                    escape(d.who),
                    _num(d.proposed),
                    escape(d.text),
                    effect,
                ]
            )
        parts.append(f"<p>{len(rows)} number(s) still disputed:</p>")
        parts.append(
            table(
                [
                    "number",
                    "value",
                    "disputed by",
                    "proposed",
                    "why",
                    "effect on the headline (the consensus forecast with the number at "
                    "either end of its range)",
                ],
                rows,
                "disputes",
            )
        )
        judgements.append(
            f"Review: {len(rows)} number(s) still disputed"
            + ("; this version is signed off." if review.signoffs else "; not signed off.")
        )
    else:
        parts.append("<p>No number is disputed.</p>")
    if review.threads:
        parts.append("<h3>Review record</h3>" + _record(review.threads))
    return Section("review", "Review status", Markup("".join(parts)), judgements)
