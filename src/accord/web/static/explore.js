// accord dashboard: the Explore tab (KTAB-style). A round-based model's positions at the round a
// slider picks (or play steps through), on one issue and on two issues at once. The charts are
// the server's Vega-Lite specs (accord.charts.explore); each carries every round and shows the
// one its "round" signal names, so moving the slider sets that signal and redraws in place.
// Uses app.js's S, el, api, enc, embedInto and addExports.
"use strict";
(() => {
  const X = {name: null, data: null, views: [], timer: null, seq: 0};
  const $x = (id) => document.getElementById(id);
  const tab = () => $x("tab-explore");
  const pick = (id, label, options, value) => { const s = el("select", {id, "aria-label": label});
    for (const [v, t] of options) s.append(el("option", {value: v, text: t})); if (value != null) s.value = value; return s; };
  async function setRound(r) {
    const d = X.data; if (!d) return; const last = d.rounds;
    r = Math.max(0, Math.min(last, r)); $x("ex-round").value = String(r);
    $x("ex-round-label").textContent = r === 0 ? `round 0 of ${last} (the scenario's inputs)` : `round ${r} of ${last}`;
    for (const box of X.views) { const v = await box.ready; if (v) await v.signal("round", r).runAsync(); }
    tab().dataset.round = String(r);
  }
  function stop() { if (X.timer) { clearInterval(X.timer); X.timer = null; } const b = $x("ex-play"); if (b) b.textContent = "Play"; }
  function play() {
    if (X.timer) { stop(); return; }
    const d = X.data; if (!d) return; const step = Math.max(1, Math.ceil(d.rounds / 25));
    if (+$x("ex-round").value >= d.rounds) setRound(0);
    $x("ex-play").textContent = "Pause";
    X.timer = setInterval(() => { const r = +$x("ex-round").value + step; setRound(r); if (r >= d.rounds) stop(); }, 350);
  }
  async function load(choice = {}) {
    stop(); const seq = ++X.seq, box = tab(); X.name = S.name;
    const q = new URLSearchParams(Object.entries(choice).filter(([, v]) => v));
    // the model options chosen on the Analyses tab (its model_params), so Explore shows those runs
    let opts = []; try { opts = JSON.parse(($x("params") || {}).value || "{}").model_params || []; } catch (e) { opts = []; }
    for (const o of opts) q.append("model_param", o);
    $x("ex-status") ? ($x("ex-status").textContent = "computing the models") : box.replaceChildren(el("p", {class: "status", id: "ex-status", text: "computing the models"}));
    const r = await api(`/api/scenarios/${enc(S.name)}/explore?${q}`);
    if (seq !== X.seq) return;  // a newer choice was made meanwhile
    if (!r.ok) { const msg = typeof r.body.detail === "string" ? r.body.detail : JSON.stringify(r.body.detail);
      if ($x("ex-status")) $x("ex-status").textContent = msg; else box.replaceChildren(el("p", {class: "refused", text: msg})); return; }
    show(r.body);
  }
  function show(d) {
    const c = d.choice, m = d.models.find((x) => x.model === c.model);
    const keep = X.data ? +$x("ex-round").value : 0; d.rounds = m.rounds; X.data = d;
    const issueName = Object.fromEntries(d.issues.map((i) => [i.id, i.name]));
    const issues = m.issues.map((i) => [i, issueName[i] || i]);
    const model = pick("ex-model", "model", d.models.map((x) => [x.model, x.label]), c.model);
    const issue = pick("ex-issue", "issue", issues, c.issue);
    const ix = pick("ex-x", "issue on the horizontal axis", issues, c.x), iy = pick("ex-y", "issue on the vertical axis", issues, c.y);
    const slider = el("input", {type: "range", id: "ex-round", min: "0", max: String(m.rounds), step: "1", value: "0", "aria-label": "round"});
    const choose = () => load({model: model.value, issue: issue.value, x: ix.value, y: iy.value});
    model.onchange = () => {  // the issues chosen are kept when the new model has them
      const has = new Set((d.models.find((x) => x.model === model.value) || {issues: []}).issues);
      const kept = (v) => has.has(v) ? v : null;
      load({model: model.value, issue: kept(issue.value), x: kept(ix.value), y: ix.value === iy.value ? null : kept(iy.value)});
    };
    issue.onchange = choose;
    const pair = () => { if (ix.value === iy.value) { $x("ex-pair-status").textContent = "choose two different issues"; return; } choose(); };
    ix.onchange = pair; iy.onchange = pair;
    slider.addEventListener("input", () => { stop(); setRound(+slider.value); });
    const turnBox = el("div", {class: "vega-chart", "data-chart": "turn", id: "ex-turn"});
    const pairBox = el("div", {class: "vega-chart", "data-chart": "pair", id: "ex-pair"});
    tab().replaceChildren(
      el("div", {class: "toolbar"}, el("label", {}, "model ", model), el("label", {}, "issue ", issue),
        el("button", {type: "button", id: "ex-play", onclick: play, text: "Play"}), slider,
        el("span", {class: "status", id: "ex-round-label"}), el("span", {class: "status", id: "ex-status"})),
      el("p", {class: "status", text: `${m.label} runs in rounds: round 0 is the scenario's inputs, each later round the positions the model records after it. Only models that run in rounds are offered.`}),
      turnBox,
      el("div", {class: "toolbar"}, el("label", {}, "two issues: horizontal ", ix), el("label", {}, "vertical ", iy), el("span", {class: "status", id: "ex-pair-status"})),
      pairBox);
    embedInto(turnBox, d.turn_spec); embedInto(pairBox, d.pair_spec); X.views = [turnBox, pairBox];
    addExports(tab(), `explore-${c.model}`);  // SVG and PNG of each chart, at the round shown
    Promise.all(X.views.map((b) => b.ready)).then(() => setRound(keep));
  }
  function refresh() { if (!tab() || !tab().classList.contains("on") || !S.name) return; if (X.name !== S.name || !X.data) load(); }
  function init() {
    const button = document.querySelector('nav.tabs button[data-tab="explore"]'); if (!button) return;
    button.addEventListener("click", () => setTimeout(refresh, 0));
    // another scenario opened: the panel reloads when it is shown (now, if it is)
    new MutationObserver(() => { if (X.name !== S.name) { X.data = null; stop(); refresh(); } }).observe($x("title"), {childList: true, characterData: true, subtree: true});
  }
  init();
})();
