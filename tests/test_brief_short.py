"""Page one of the brief and `accord report --short` (issue 17): the question, one overview
figure, three to five key judgements with their probabilities, what would change them; the short
brief adds only the deal and the process."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

import accord
from accord.report import analyses
from accord.report.brief import BriefContext, build_brief, section_bargaining
from accord.report.overview import KEY_MAX, KEY_MIN, label_lines
from accord.report.sections import input_label, section_process
from accord.simulation.sampling import uncertain_inputs

DRAWS, RUNS, SEED = 40, 8, 1
LEFT_OUT = ("trajectories", "montecarlo", "sensitivity", "inputs", "assumptions", "evidence")


def _page_one(html: str) -> str:
    return html[html.index("<section id=page-one") : html.index("</section>")]


def _no_svg(html: str) -> str:
    return re.sub(r"<svg.*?</svg>", "", html, flags=re.S)


def _ids(html: str) -> list[str]:
    return re.findall(r'<h2 id="?([a-z-]+)', html)


@pytest.fixture(scope="module")
def ukraine():
    return accord.load_scenario("ukraine-2025-07")


@pytest.fixture(scope="module")
def short(ukraine):
    return build_brief(ukraine, seed=SEED, draws=DRAWS, runs=RUNS, short=True)


@pytest.fixture(scope="module")
def full(ukraine):
    return build_brief(ukraine, seed=SEED, draws=DRAWS, runs=RUNS)


def test_short_brief_has_page_one_then_only_the_deal_and_the_process(short):
    page = _page_one(short)
    assert page.count("<svg") == 1  # the one overview figure
    assert "The question" in page and "Key judgements" in page
    assert _ids(short) == ["question", "key", "bargaining", "process"]
    for sid in LEFT_OUT:
        assert f'id="{sid}"' not in short and f"id={sid}>" not in short


def test_key_judgements_are_three_to_five_with_probabilities(short):
    page = _page_one(short)
    key = page[page.index("id=key>") : page.index("id=change>")]
    items = re.findall(r"<li>(.*?)</li>", key, flags=re.S)
    assert KEY_MIN <= len(items) <= KEY_MAX
    # the Monte Carlo's P(zone of agreement now / by 12, 24, 48 months) comes first
    assert re.search(r"exists today in \d+% of them, and by 12 / 24 / 48 months in", items[0])
    assert sum(bool(re.search(r"\d+%", j)) for j in items) >= 2


def test_what_would_change_them_names_the_scenarios_inputs(short, ukraine):
    page = _page_one(short)
    change = page[page.index("id=change>") :]
    items = re.findall(r"<li>(.*?)</li>", change, flags=re.S)
    assert 3 <= len(items) <= 6
    names = {a.id: a.name for a in ukraine.actors}
    labels = {input_label(x, names).replace("'", "&#x27;") for x in uncertain_inputs(ukraine)}
    for item in items:
        named = re.match(r"<b>(.*?)</b> \(([-\d.e]+) to ([-\d.e]+)\)", item)
        assert named is not None and named[1] in labels, item
    assert any("zone of agreement opens" in i for i in items)
    assert any("moves the consensus on" in i for i in items)


def test_full_brief_starts_with_the_same_page_one_and_keeps_everything(short, full):
    assert _no_svg(_page_one(full)) == _no_svg(_page_one(short))
    ids = _ids(full)
    assert ids[:2] == ["question", "key"]
    assert full.index("<section id=page-one") < full.index("<nav>")
    for sid in ("forecasts", "trajectories", "bargaining", "process", "montecarlo", "sensitivity"):
        assert sid in ids
    assert "evidence" in ids and "assumptions" in ids


@pytest.mark.parametrize("short_flag", [True, False])
def test_no_war_in_a_scenario_without_one(short_flag):
    html = build_brief(
        accord.load_scenario("eu-emissions-1994"), draws=DRAWS, runs=RUNS, short=short_flag
    )
    assert "page-one" in html
    assert not re.search(r"\bwar\b", html, flags=re.I)


def test_deal_and_process_say_no_deal_when_the_scenario_has_no_war(ukraine):
    """The bargaining and process sections speak of war only when the scenario has war
    dynamics: the same negotiation without them says "no deal"."""
    peace = ukraine.model_copy(update={"war": None})
    ctx = BriefContext(peace, seed=SEED, runs=RUNS)
    text = ""
    for fn in (section_bargaining, section_process):
        sec = fn(ctx)
        assert sec is not None
        text += sec.body + " ".join(sec.judgements)
    assert not re.search(r"\bwar\b", text, flags=re.I)
    assert "no deal" in text


def test_deal_term_labels_never_overlap():
    lines = label_lines([0.0, 0.02, 0.04, 0.5, 0.52, 1.0])
    assert lines == [0, 1, None, 0, 1, 0]


def test_cli_short_writes_atomically(tmp_path):
    from accord.cli import cli

    out = tmp_path / "short.html"
    args = ["report", "eu-emissions-1994", "-o", str(out), "--short", "--no-save"]
    res = CliRunner().invoke(cli, [*args, "--draws", "20", "--runs", "0"])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert html.startswith("<!doctype html>") and "page-one" in html
    assert "Evidence for every input number" not in html
    assert [p.name for p in tmp_path.iterdir()] == ["short.html"]  # no temporary file left
    out.write_text("keep me")
    res = CliRunner().invoke(cli, [*args, "--model-param", "bdm.rounds=zz"])
    assert res.exit_code != 0 and out.read_text() == "keep me"


def test_short_brief_draws_no_chart_it_does_not_print(ukraine, monkeypatch):
    """The unprinted sections give page one their judgements without drawing their charts."""
    from accord.report import charts

    def refuse(*args, **kwargs):
        raise AssertionError("the short brief drew a chart it does not print")

    for name in ("forecast_chart", "trajectory_chart", "interval_chart", "fan_chart"):
        monkeypatch.setattr(charts, name, refuse)
    monkeypatch.setattr(charts, "tornado_chart", refuse)
    html = build_brief(ukraine, seed=SEED, draws=DRAWS, runs=RUNS, short=True)
    assert "page-one" in html


def test_short_process_is_the_judgements_one_chart_and_one_table(short, full):
    def process(html: str) -> str:
        start = html.index('<h2 id="process"')
        end = html.find("<h2 ", start + 1)
        return html[start : end if end > 0 else len(html)]

    short_p, full_p = process(short), process(full)
    assert short_p.count("<svg") == 1 and short_p.count("<th>P(deal)</th>") == 1
    assert "expected gain over no deal" not in short_p
    assert full_p.count("<svg") == full_p.count("<th>P(deal)</th>") == 3  # three settings
    said = re.findall(r"<li>(Process, .*?)</li>", short_p, flags=re.S)
    assert len(said) == 2  # talks now and when the zone opens; early concessions: full brief only
    for j in said:
        assert j in full  # as the full brief says it


@pytest.mark.parametrize("short_flag", [True, False])
def test_workers_change_nothing_in_the_brief(ukraine, short_flag):
    one = build_brief(ukraine, seed=SEED, draws=DRAWS, runs=RUNS, short=short_flag)
    two = build_brief(ukraine, seed=SEED, draws=DRAWS, runs=RUNS, short=short_flag, workers=2)

    def text(html: str) -> str:
        return re.sub(r"Made by accord .*? UTC\.", "", _no_svg(html))

    assert text(one) == text(two) and one.count("<svg") == two.count("<svg")


def test_the_background_lane_changes_nothing_in_the_brief(ukraine, monkeypatch):
    """With one worker the process comparisons and the tornado run in a thread beside the
    Monte Carlo; the brief is the one they give run one after the other."""
    lane = build_brief(ukraine, seed=SEED, draws=DRAWS, runs=RUNS, short=True)
    monkeypatch.setattr(analyses, "_start_lane", lambda ctx: None)
    alone = build_brief(ukraine, seed=SEED, draws=DRAWS, runs=RUNS, short=True)

    def text(html: str) -> str:
        return re.sub(r"Made by accord .*? UTC\.", "", html)

    assert text(lane) == text(alone)


# -- printed to PDF
# ----------------------------------------------------------------------------------------


def _pdf(html: str, tmp_path, paper: str = "a4") -> bytes:
    from accord.cli.report import html_to_pdf

    src, pdf = tmp_path / "brief.html", tmp_path / "brief.pdf"
    src.write_text(html)
    html_to_pdf(src, pdf, paper)
    return pdf.read_bytes()


def _pages(html: str, tmp_path, paper: str = "a4") -> int:
    """Printed pages of ``html`` (Chromium's print to PDF; pages counted in the PDF)."""
    return len(re.findall(rb"/Type\s*/Page[^s]", _pdf(html, tmp_path, paper)))


def _media_boxes(pdf: bytes) -> set[tuple[float, float]]:
    """The (width, height) in points of every page's MediaBox."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return {(round(float(w)), round(float(h))) for w, h in boxes}


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)


@needs_chromium
def test_short_brief_prints_on_six_pages_at_most_and_page_one_on_one(tmp_path):
    scn = accord.load_scenario("ukraine-2025")  # the default scenario, seven issues
    html = build_brief(scn, seed=SEED, draws=DRAWS, runs=RUNS, short=True, workers=2)
    assert _pages(html, tmp_path) <= 6
    first = html[: html.index("</section>") + len("</section>")] + "</body></html>"
    assert _pages(first, tmp_path) == 1


@needs_chromium
def test_the_pdf_prints_on_a4_or_letter_and_the_short_brief_fits_both(tmp_path):
    """``--paper letter`` prints on US letter (612 × 792 pt), the default on A4 (595 × 842 pt);
    the short brief stays within six pages and page one on one page on both."""
    scn = accord.load_scenario("ukraine-2025")
    html = build_brief(scn, seed=SEED, draws=DRAWS, runs=RUNS, short=True, workers=2)
    first = html[: html.index("</section>") + len("</section>")] + "</body></html>"
    assert _media_boxes(_pdf(first, tmp_path)) == {(595, 842)}
    assert _media_boxes(_pdf(first, tmp_path, "letter")) == {(612, 792)}
    assert _pages(html, tmp_path, "letter") <= 6
    assert _pages(first, tmp_path, "letter") == 1
    assert "</head>" in (tmp_path / "brief.html").read_text()  # the written HTML is untouched
    assert "size:letter" not in (tmp_path / "brief.html").read_text()


def test_the_brief_states_the_package_grid_it_searched(short, ukraine):
    """The grid is bounded by a documented rule (fine unless it would exceed MAX_PACKAGES,
    then the labelled terms, red lines, status quo and ends): the brief says which rule applied
    and how many values each issue had, so a reader knows the resolution behind the deal."""
    from markupsafe import escape

    from accord.bargaining.space import MAX_PACKAGES, build_space

    space = build_space(ukraine)
    assert space.coarse  # seven issues: the fine grid would be far above the budget
    with pytest.raises(ValueError, match="exceed max_packages"):
        build_space(ukraine, coarse=False, max_packages=MAX_PACKAGES)
    text = space.grid_text()
    assert f"{len(space.packages):,} packages searched" in text
    assert ("more than" in text) == space.coarse
    assert escape(text) in short
