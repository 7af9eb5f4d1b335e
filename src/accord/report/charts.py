"""Charts for the brief and the dashboard, rendered without any download (matplotlib, Agg).

Every chart labels its axes in the issue's units and puts the scale's deal terms on the axis,
so a reader sees what a number means.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from accord.forecast import ForecastResult  # noqa: E402
from accord.models.base import IssueForecast  # noqa: E402
from accord.models.registry import MODELS  # noqa: E402
from accord.scenario import Issue, Scenario  # noqa: E402

from .style import MODEL_MARKERS, actor_colours, model_colour, wrap  # noqa: E402

__all__ = ["to_svg", "to_png", "forecast_chart", "trajectory_chart"]

#: Trajectories with at most this many rounds get a tick and a marker per round; longer ones
#: (KTAB's SMP runs up to 100 turns) get about ten integer ticks and plain lines.
TRAJECTORY_ROUNDS_MARKED = 25

plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.dpi": 100,
    }
)


def to_svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def to_png(fig, path) -> None:
    fig.savefig(path, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def _label_axis(ax, issue: Issue, axis: str = "x") -> None:
    scale = issue.scale
    pts = sorted(scale.labels)
    if pts:
        ticks, labels = pts, [f"{p:g}: " + wrap(scale.labels[p], 24, 3) for p in pts]
    else:
        ticks = list(np.linspace(scale.min, scale.max, 5))
        labels = [f"{t:g}" for t in ticks]
    if axis == "x":
        ax.set_xlim(
            scale.min - 0.03 * (scale.max - scale.min), scale.max + 0.03 * (scale.max - scale.min)
        )
        ax.set_xticks(ticks)
        ax.set_xticklabels(labels, fontsize=7, rotation=0)
        ax.set_xlabel(f"{issue.name or issue.id} (scale {scale.min:g}..{scale.max:g})")
    else:
        ax.set_ylim(
            scale.min - 0.03 * (scale.max - scale.min), scale.max + 0.03 * (scale.max - scale.min)
        )
        ax.set_yticks(ticks)
        ax.set_yticklabels(labels, fontsize=7)
        ax.set_ylabel(f"{issue.name or issue.id} (scale {scale.min:g}..{scale.max:g})")


def _zoom_axis(ax, issue: Issue, lo: float, hi: float, axis: str = "x") -> None:
    """Show only the part of the issue's scale the data use (plus a margin), with numeric ticks,
    and name the deal terms inside that window under the chart, so close labels never overlap."""
    ax.set_axisbelow(True)
    scale = issue.scale
    width = scale.max - scale.min
    pad = max(0.08 * (hi - lo), 0.03 * width)
    a, b = max(scale.min, lo - pad), min(scale.max, hi + pad)
    if b - a < 0.1 * width:  # keep at least a tenth of the scale in view
        mid = 0.5 * (a + b)
        a, b = max(scale.min, mid - 0.05 * width), min(scale.max, mid + 0.05 * width)
    inside = [p for p in sorted(scale.labels) if a <= p <= b]
    name = f"{issue.name or issue.id} (scale {scale.min:g}..{scale.max:g}; view {a:.0f}..{b:.0f})"
    if axis == "x":
        ax.set_xlim(a, b)
        ax.set_xlabel(name)
        for p in inside:
            ax.axvline(p, color="#777777", linewidth=0.8, linestyle=":", zorder=1.5)
    else:
        ax.set_ylim(a, b)
        ax.set_ylabel(name)
        for p in inside:
            ax.axhline(p, color="#777777", linewidth=0.8, linestyle=":", zorder=1.5)
    if inside:
        text = "\n".join(f"{p:g} = {wrap(scale.labels[p], 110, 1)}" for p in inside)
        ax.annotate(
            "dotted lines, deal terms:\n" + text,
            xy=(0, 0),
            xycoords="axes fraction",
            xytext=(0, -34 if axis == "x" else -30),
            textcoords="offset points",
            va="top",
            ha="left",
            fontsize=7,
            color="#444444",
        )


def forecast_chart(result: ForecastResult, issue_id: str):
    """Actors' positions (dot area ∝ capability × salience) and each model's forecast."""
    scn = result.scenario
    issue = scn.issue(issue_id)
    arr = scn.arrays(issue_id)
    colours = actor_colours(scn)
    names = {a.id: a.name for a in scn.actors}
    models = result.models
    fig, ax = plt.subplots(figsize=(8.5, 1.2 + 0.42 * (len(models) + 1)))
    w = arr.weight / arr.weight.max() if arr.weight.max() > 0 else np.ones(arr.n)
    rows = {m.model: i + 1 for i, m in enumerate(models)}
    # actors at (nearly) the same position are spread vertically so none hides another
    width = issue.scale.max - issue.scale.min
    offsets = np.zeros(arr.n)
    groups: dict[int, list[int]] = {}
    for k in range(arr.n):
        groups.setdefault(int(round((arr.position[k] - issue.scale.min) / width * 100)), []).append(
            k
        )
    for members in groups.values():
        if len(members) > 1:
            offsets[members] = np.linspace(-0.3, 0.3, len(members))
    for k, aid in enumerate(arr.actor_ids):
        ax.scatter(
            arr.position[k],
            offsets[k],
            s=40 + 260 * w[k],
            color=colours[aid],
            alpha=0.85,
            edgecolor="white",
            zorder=3,
            label=names[aid],
        )
    for m in models:
        v = m.issues[issue_id].value
        ax.scatter(
            v,
            rows[m.model],
            marker=MODEL_MARKERS.get(m.model, "o"),
            s=80,
            color=model_colour(m.model),
            zorder=4,
        )
        ax.annotate(
            f"{v:.1f}", (v, rows[m.model]), textcoords="offset points", xytext=(7, -3), fontsize=8
        )
    ax.set_yticks([0, *rows.values()])
    labels = {m.name: m.label for m in MODELS}
    ax.set_yticklabels(
        ["actors' positions", *[labels.get(m.model, m.model) for m in models]], fontsize=8
    )
    ax.set_ylim(-0.7, len(models) + 0.7)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    _label_axis(ax, issue, "x")
    leg = ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        frameon=False,
        title="actors",
        title_fontsize=8,
    )
    for handle in leg.legend_handles:
        if handle is not None and hasattr(handle, "set_sizes"):
            handle.set_sizes([40])
    ax.set_title(wrap(issue.question, 110, 2), fontsize=9, loc="left")
    return fig


def trajectory_chart(scenario: Scenario, fc: IssueForecast, title: str):
    """Each actor's position round by round (actor colours) and the model's forecast (black)."""
    issue = scenario.issue(fc.issue_id)
    tr = fc.trace
    assert tr is not None
    colours = actor_colours(scenario)
    names = {a.id: a.name for a in scenario.actors}
    rounds = np.arange(tr.positions.shape[0])
    many = len(rounds) > TRAJECTORY_ROUNDS_MARKED
    fig, ax = plt.subplots(figsize=(8.5, 3.6))
    for k, aid in enumerate(tr.actor_ids):
        ax.plot(
            rounds,
            tr.positions[:, k],
            color=colours.get(aid, "#888"),
            linewidth=1.4,
            alpha=0.85,
            marker=None if many else "o",
            markersize=2.5,
            label=names.get(aid, aid),
        )
    ax.plot(rounds, tr.forecast, color="black", linewidth=2.2, linestyle="--", label="forecast")
    ax.set_xlabel("round")
    if many:  # a tick and a marker per round would be unreadable (and slow to draw)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
    else:
        ax.set_xticks(rounds)
    _label_axis(ax, issue, "y")
    ax.grid(color="#eeeeee", linewidth=0.6)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    ax.set_title(title, fontsize=9, loc="left")
    return fig


def bar_chart(
    labels: Sequence[str], values: Sequence[float], *, xlabel: str, title: str, colours=None
):
    fig, ax = plt.subplots(figsize=(7.5, 0.5 + 0.32 * len(labels)))
    y = np.arange(len(labels))
    ax.barh(y, values, color=colours or "#4E79A7")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=9, loc="left")
    ax.grid(axis="x", color="#eeeeee")
    return fig


def ripeness_chart(result, title: str, xlabel: str = "months of continued war"):
    """Size of the zone of agreement month by month, and each party's no-deal utility."""
    from .style import actor_colours

    scn = result.scenario
    months = np.array([p.month for p in result.timeline])
    sizes = np.array([p.zopa_size for p in result.timeline])
    colours = actor_colours(scn)
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8.5, 5.0), sharex=True)
    ax1.step(months, sizes, where="post", color="#333333")
    ax1.set_ylabel("packages in the zone")
    ax1.set_ylim(0, max(1, int(sizes.max())) * 1.15)  # a count: never below 0
    if sizes.max() == 0:
        ax1.text(
            0.5,
            0.5,
            f"no zone of agreement within {int(months.max())} months",
            transform=ax1.transAxes,
            ha="center",
            va="center",
            color="#555555",
            fontsize=9,
        )
    if result.opens_at is not None:
        ax1.axvline(result.opens_at, color="#D55E00", linestyle="--")
        ax1.annotate(
            f"zone opens: month {result.opens_at}",
            (result.opens_at, max(sizes.max(), 1) * 0.8),
            xytext=(6, 0),
            textcoords="offset points",
            color="#D55E00",
            fontsize=8,
        )
    ax1.set_title(title, fontsize=9, loc="left")
    for a in scn.actors:
        if not a.party:
            continue
        ax2.plot(
            months, [p.no_deal[a.id] for p in result.timeline], color=colours[a.id], label=a.name
        )
    ax2.set_xlabel(xlabel)
    ax2.set_ylabel("no-deal utility (0..1)")
    ax2.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    for ax in (ax1, ax2):
        ax.grid(color="#eeeeee")
    return fig


def bargaining_map(result, title: str):
    """Packages in the utility plane of two parties: all, the zone, the frontier, no deal,
    solutions.
    """
    scn = result.scenario
    parties = [i for i, a in enumerate(scn.actors) if a.party][:2]
    if len(parties) < 2:
        return None
    i, j = parties
    sp = result.space
    u = sp.utility
    d = sp.no_deal
    fig, ax = plt.subplots(figsize=(6.5, 5.2))
    ax.scatter(u[:, i], u[:, j], s=3, color="#cccccc", label="all packages", rasterized=True)
    ax.scatter(
        u[sp.feasible, i],
        u[sp.feasible, j],
        s=4,
        color="#8da0cb",
        label="within every party's red lines",
        rasterized=True,
    )
    z = sp.zopa
    if z.any():
        ax.scatter(
            u[z, i], u[z, j], s=6, color="#1b9e77", label="zone of agreement", rasterized=True
        )
    ax.axvline(d[i], color="#999999", linestyle=":")
    ax.axhline(d[j], color="#999999", linestyle=":")
    ax.scatter([d[i]], [d[j]], marker="X", s=90, color="black", label="no deal (now)", zorder=5)
    marks = {"nash": ("*", "Nash"), "kalai_smorodinsky": ("P", "Kalai–Smorodinsky")}
    for key, (mk, lab) in marks.items():
        pkg = result.solutions.get(key)
        if pkg is not None:
            ax.scatter(
                [pkg.utility[scn.actor_ids[i]]],
                [pkg.utility[scn.actor_ids[j]]],
                marker=mk,
                s=160,
                color="#D55E00",
                label=lab,
                zorder=6,
            )
    if result.package_at_opening is not None:
        p = result.package_at_opening
        ax.scatter(
            [p.utility[scn.actor_ids[i]]],
            [p.utility[scn.actor_ids[j]]],
            marker="*",
            s=180,
            color="#E69F00",
            label=f"Nash when the zone opens (month {result.opens_at})",
            zorder=6,
        )
    ax.set_xlabel(f"utility of {scn.actors[i].name} (0..1)")
    ax.set_ylabel(f"utility of {scn.actors[j].name} (0..1)")
    ax.set_title(title, fontsize=9, loc="left")
    ax.legend(fontsize=7, loc="lower left", frameon=True)
    ax.grid(color="#eeeeee")
    return fig


# -- uncertainty and process charts -------------------------------------------------------------


def interval_chart(issue: Issue, rows: Sequence[dict], title: str):
    """Monte Carlo spread per model on one issue: 5–95 % whisker, 25–75 % box, median dot.

    ``rows``: dicts with ``label``, ``colour`` and the quantiles ``q05 q25 q50 q75 q95``.
    """
    fig, ax = plt.subplots(figsize=(8.5, 1.2 + 0.38 * len(rows)))
    for y, r in enumerate(rows):
        ax.plot([r["q05"], r["q95"]], [y, y], color=r["colour"], linewidth=1.2)
        ax.add_patch(
            plt.Rectangle(
                (r["q25"], y - 0.22),
                r["q75"] - r["q25"],
                0.44,
                facecolor=r["colour"],
                alpha=0.35,
                edgecolor=r["colour"],
            )
        )
        ax.plot([r["q50"]], [y], marker="o", color=r["colour"], markersize=5)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r["label"] for r in rows], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    _zoom_axis(ax, issue, min(r["q05"] for r in rows), max(r["q95"] for r in rows), "x")
    ax.set_title(title, fontsize=9, loc="left")
    ax.grid(axis="x", color="#eeeeee")
    return fig


def fan_chart(issue: Issue, medians: np.ndarray, title: str, colour: str = "#7570b3"):
    """A round-by-round forecast across Monte Carlo draws: median line, 50 % and 90 % bands.

    ``medians``: (rounds + 1, draws) the model's forecast after each round in every draw.
    """
    q = np.nanquantile(medians, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
    t = np.arange(medians.shape[0])
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    ax.fill_between(t, q[0], q[4], color=colour, alpha=0.18, linewidth=0, label="90 % of draws")
    ax.fill_between(t, q[1], q[3], color=colour, alpha=0.35, linewidth=0, label="50 % of draws")
    ax.plot(t, q[2], color=colour, linewidth=2, label="median draw")
    ax.set_xlabel("round")
    ax.set_xticks(t)
    _zoom_axis(ax, issue, float(np.nanmin(q[0])), float(np.nanmax(q[4])), "y")
    ax.set_title(title, fontsize=9, loc="left")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(color="#eeeeee")
    return fig


def tornado_chart(issue: Issue, rows: Sequence[dict], base: float, title: str):
    """One-at-a-time sensitivity: for each input the forecast at its low and high end.

    ``rows`` (widest swing first): ``label``, ``at_low``, ``at_high``, ``low``, ``high``,
    ``colour``.
    """
    fig, ax = plt.subplots(figsize=(8.5, 1.3 + 0.36 * len(rows)))
    for y, r in enumerate(rows):
        lo, hi = min(r["at_low"], r["at_high"]), max(r["at_low"], r["at_high"])
        ax.barh(y, hi - lo, left=lo, color=r["colour"], alpha=0.8, height=0.6)
        ax.annotate(
            f"{r['low']:g}",
            (r["at_low"], y),
            xytext=(-3 if r["at_low"] <= r["at_high"] else 3, 0),
            textcoords="offset points",
            ha="right" if r["at_low"] <= r["at_high"] else "left",
            va="center",
            fontsize=6.5,
            color="#333333",
        )
        ax.annotate(
            f"{r['high']:g}",
            (r["at_high"], y),
            xytext=(3 if r["at_high"] >= r["at_low"] else -3, 0),
            textcoords="offset points",
            ha="left" if r["at_high"] >= r["at_low"] else "right",
            va="center",
            fontsize=6.5,
            color="#333333",
        )
    ax.axvline(base, color="black", linewidth=1, linestyle="--")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r["label"] for r in rows], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ends = [v for r in rows for v in (r["at_low"], r["at_high"])] + [base]
    _zoom_axis(ax, issue, min(ends), max(ends), "x")
    ax.set_title(title, fontsize=9, loc="left")
    ax.grid(axis="x", color="#eeeeee")
    return fig


def process_chart(
    names: Sequence[str],
    deal: Sequence[float],
    breakdown: Sequence[float],
    escalation: Sequence[float],
    title: str,
    breakdown_label: str = "breakdown (talks end, war goes on)",
):
    """Stacked bars per process: P(deal), P(breakdown), P(escalation) (they sum to one)."""
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.45 * len(names)))
    y = np.arange(len(names))
    p_deal, p_break, p_esc = (np.asarray(v, dtype=float) for v in (deal, breakdown, escalation))
    ax.barh(y, p_deal, color="#009E73", label="deal")
    ax.barh(y, p_break, left=p_deal, color="#BBBBBB", label=breakdown_label)
    ax.barh(y, p_esc, left=p_deal + p_break, color="#D55E00", label="escalation")
    for k in range(len(names)):
        ax.annotate(
            f"{deal[k]:.0%}",
            (0.005, y[k]),
            va="center",
            fontsize=7,
            color="white" if deal[k] > 0.08 else "black",
            xytext=(2, 0),
            textcoords="offset points",
        )
    ax.set_yticks(y)
    ax.set_yticklabels(list(names), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of simulated runs")
    ax.set_title(title, fontsize=9, loc="left")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
