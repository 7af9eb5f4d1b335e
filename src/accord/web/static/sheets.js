// accord dashboard: sheets beside the actor × issue grid for what is not one cell per actor and
// issue: the sources the evidence cites, each actor's no-deal terms (what continued conflict
// costs it a month), and the war's dynamics (how each issue's status quo drifts, the discount
// rate). Each sheet edits the same scenario data as the form, so validation, the what-if and
// saving work unchanged; a number's evidence is edited in the panel beside it, as in the grid.
"use strict";
const NO_DEAL_FIELDS = [["cost_per_month", "cost per month"], ["cost_growth_per_month", "growth of that cost per month"], ["capability_trend_per_month", "capability trend per month"], ["utility", "fixed no-deal utility"]];
const SOURCE_FIELDS = ["id", "title", "author", "publication", "date", "url"];

function sheetQuantity(old, v) { return v === undefined ? undefined : old ? {...old, value: v} : {value: v, evidence: {judgement: ""}}; }
// a number cell bound to an optional quantity: ``getQ()`` reads it, ``setQ(q)`` writes it (undefined: remove)
function sheetNumber(getQ, setQ, at, where) {
  const q = getQ();
  const input = el("input", {type: "number", step: "any", "data-path": `${at}.value`, "aria-label": where, title: q && q.evidence ? evidenceText(q.evidence) : where, placeholder: "none"});
  input.value = q && q.value != null ? q.value : "";
  input.addEventListener("focus", () => evidencePanel(getQ, `${at}.evidence`, where));
  input.addEventListener("change", () => {
    const now = getQ(), v = input.value === "" ? undefined : Number(input.value);
    if (v === undefined ? now === undefined : now && now.value === v) return;
    setQ(sheetQuantity(now, v)); formOnly(); changed(); evidencePanel(getQ, `${at}.evidence`, where);
  });
  return el("td", {}, input);
}
function sheetHead(...names) { return el("tr", {}, ...names.map((n) => el("th", {text: n}))); }

function sourcesSheet() {
  const sources = S.data.sources = S.data.sources || [];
  const t = el("table", {class: "grid sheet"}, sheetHead(...SOURCE_FIELDS, ""));
  sources.forEach((src, i) => {
    const cells = SOURCE_FIELDS.map((k) => {
      const input = el("input", {type: "text", "data-path": `sources[${i}].${k}`, "aria-label": `source ${src.id || i + 1} · ${k}`, class: k === "title" || k === "url" ? "wide" : ""});
      input.value = src[k] ?? "";
      input.addEventListener("change", () => { if (input.value === "" && k !== "id" && k !== "title") delete src[k]; else src[k] = input.value; formOnly(); changed(); });
      return el("td", {}, input);
    });
    const drop = el("button", {class: "small", text: "remove", title: "remove this source (numbers that cite it are then named in the problems)", onclick: () => { sources.splice(i, 1); changed(); draw(); }});
    t.append(el("tr", {}, ...cells, el("td", {}, drop)));
  });
  const add = el("button", {class: "small", id: "add-source", text: "add source", onclick: () => {
    let k = sources.length + 1; while (sources.some((s) => s.id === `source${k}`)) k++;
    sources.push({id: `source${k}`, title: ""}); changed(); draw();
  }});
  return [t, add];
}
function noDealSheet() {
  const t = el("table", {class: "grid sheet"}, sheetHead("actor", ...NO_DEAL_FIELDS.map(([, n]) => n)));
  (S.data.actors || []).forEach((actor, a) => {
    const cells = NO_DEAL_FIELDS.map(([k, n]) => sheetNumber(
      () => (S.data.actors[a].no_deal || {})[k],
      (q) => { const act = S.data.actors[a], nd = act.no_deal || {}; if (q === undefined) delete nd[k]; else nd[k] = q;
        if (Object.keys(nd).length) act.no_deal = nd; else delete act.no_deal; },
      `actors[${a}].no_deal.${k}`, `${actor.name || actor.id} · no deal · ${n}`));
    t.append(el("tr", {}, el("th", {scope: "row", text: actor.name || actor.id}), ...cells));
  });
  return [t];
}
function warSheet() {
  const war = () => S.data.war || {};
  const setWar = (fn) => { const w = S.data.war || {drift_per_month: {}}; w.drift_per_month = w.drift_per_month || {}; fn(w); S.data.war = w; };
  const t = el("table", {class: "grid sheet"}, sheetHead("issue", "status quo drift, scale points per month"));
  for (const issue of S.data.issues || []) {
    const cell = sheetNumber(() => (war().drift_per_month || {})[issue.id],
      (q) => setWar((w) => { if (q === undefined) delete w.drift_per_month[issue.id]; else w.drift_per_month[issue.id] = q; }),
      `war.drift_per_month.${issue.id}`, `war · ${issue.name || issue.id} · drift per month`);
    t.append(el("tr", {}, el("th", {scope: "row", text: issue.name || issue.id}), cell));
  }
  const rate = sheetNumber(() => war().discount_rate_per_month,
    (q) => setWar((w) => { if (q === undefined) delete w.discount_rate_per_month; else w.discount_rate_per_month = q; }),
    "war.discount_rate_per_month", "war · discount rate per month");
  t.append(el("tr", {}, el("th", {scope: "row", text: "discount rate per month (every issue)"}), rate));
  return [t];
}
SHEETS.sources = {label: "sources (sheet)", draw: sourcesSheet, note: "one row per source the evidence cites; an id that no longer exists is named in the problems"};
SHEETS.no_deal = {label: "no deal, per actor (sheet)", draw: noDealSheet, note: "what continued conflict costs each actor; empty: not set"};
SHEETS.war = {label: "war, per issue (sheet)", draw: warSheet, note: "how each issue's status quo drifts while there is no deal; empty: not set"};
if (S.data && $("grid")) gridDraw();
