"""The accord workbook's layout: sheets, their columns and the help shown in the workbook."""

from __future__ import annotations

__all__ = [
    "HELP",
    "MAX_BYTES",
    "MAX_CELLS",
    "MAX_RATIO",
    "MAX_UNZIPPED",
    "META_KEYS",
    "EVIDENCE_PARTS",
    "NO_DEAL",
    "PROCEDURE_KEYS",
    "Q_PARTS",
    "README",
    "SHEETS",
]

MAX_BYTES = 20 * 1024 * 1024  # largest workbook file read
MAX_UNZIPPED = 200 * 1024 * 1024  # largest total size of its unpacked parts (zip-bomb guard)
MAX_RATIO = 200  # largest inflated/compressed ratio of a part above 1 MB
MAX_CELLS = 2_000_000  # most cells in all sheets together

#: Evidence fields of a number, and of its range (``range_``: the uncertainty's own evidence).
EVIDENCE_PARTS = ("source", "quote", "comment_by", "reason", "judgement", "note")
Q_PARTS = (
    *EVIDENCE_PARTS,
    "low",
    "high",
    "shape",
    "sd",
    "concentration",
    *(f"range_{p}" for p in EVIDENCE_PARTS),
)
NO_DEAL = ("cost_per_month", "cost_growth_per_month", "capability_trend_per_month", "utility")
#: Keys of the ``procedure`` sheet (the fields of :class:`accord.scenario.Procedure`);
#: ``council_members`` takes one row per member (an actor id may hold a comma).
PROCEDURE_KEYS = ("legislative", "council", "commission", "parliament", "council_members")


def _q(name: str) -> list[str]:
    return [name] + [f"{name}_{p}" for p in Q_PARTS]


SHEETS: dict[str, list[str]] = {
    "metadata": ["key", "value"],
    "sources": ["id", "title", "author", "publication", "date", "url"],
    "actors": [
        "id",
        "name",
        "description",
        "party",
        "ratifies",
        *_q("capability"),
        *_q("red_lines_move_together"),
        *[c for f in NO_DEAL for c in _q(f"no_deal_{f}")],
    ],
    "issues": ["id", "name", "question", "scale_min", "scale_max", "discrete", *_q("status_quo")],
    "scale_labels": ["issue_id", "point", "label"],
    "stances": [
        "actor_id",
        "issue_id",
        *_q("position"),
        *_q("salience"),
        *_q("red_line"),
        "red_line_follows_front",
        *_q("capability"),
    ],
    "war": ["item", "issue_id", *_q("value")],
    "procedure": ["key", "value"],
    "panels": [
        "place",
        "by",
        "value",
        "low",
        "high",
        "weight",
        *[f"evidence_{p}" for p in EVIDENCE_PARTS],
    ],
}
META_KEYS = ("accord", "title", "date", "author", "description", "extensions")
_TEXT_NUM = {"point", "scale_min", "scale_max"}
_BOOLS = {"party", "ratifies", "discrete", "red_line_follows_front"}

HELP = {
    "metadata": "one row per key: title (required), date, author, description; extensions holds "
    "YAML",
    "sources": "one row per source that evidence may cite by its id",
    "actors": "one row per actor: id (short, unique), name, capability (any number >= 0)",
    "issues": "one row per issue: id, question, the scale's min and max; discrete = only labelled "
    "points",
    "scale_labels": "the deal term each scale point stands for: issue_id, point, label",
    "stances": "one row per actor and issue: position on the issue's scale, salience 0..1, "
    "optional red "
    "line (worst acceptable value), whether it follows the front (TRUE: it moves with the "
    "issue's drift) and capability on this issue",
    "war": "optional: drift_per_month rows (issue_id, value) and one discount_rate_per_month row",
    "procedure": "optional, for EU legislation: key / value rows legislative (co-decision or "
    "consultation), council (qmv or unanimity), commission and parliament (their actor ids), "
    "and one council_members row per member state's actor id (none: every other actor)",
    "panels": "optional: one row per reviewer's view of a number whose Q_shape is panel: place "
    "(as accord names it, e.g. actors[1].stances.territory.red_line), by (the reviewer), value, "
    "low, high, weight (default 1) and the view's evidence",
}
README = [
    "accord scenario workbook",
    "",
    (
        "Fill one row per record in each sheet; keep the header rows. Read it with "
        "`accord validate FILE.xlsx` or `accord import FILE.xlsx -o scenario.yaml`."
    ),
    (
        "Every number column Q has companion columns: Q_source + Q_quote (a source id from the "
        "sources "
        "sheet and the verbatim passage), or Q_judgement (your reasoning); Q_note says how the "
        "quote "
        "became the number; Q_low, Q_high (and Q_shape: uniform, triangular, truncnorm or beta; "
        "Q_sd; "
        "Q_concentration) give its uncertainty range for the Monte Carlo; Q_shape panel "
        "pools the reviewers' views listed on the panels sheet."
    ),
    "Every problem is reported at once with its sheet and row.",
    "",
    *[f"{k}: {v}" for k, v in HELP.items()],
]
