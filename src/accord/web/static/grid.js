// accord dashboard: the actor × issue grid editor. One field at a time (position, salience, red
// line, or each actor's capability); each cell edits the same scenario data as the form below
// it, so validation, the what-if and saving work unchanged. A cell's evidence (quote or
// judgement) is its tooltip and shows, editable, in the panel beside the grid when the cell is
// focused.
"use strict";
const GRID_FIELDS = [["position", "position"], ["salience", "salience"], ["red_line", "red line"], ["capability", "capability"]];
const G = {field: "position"};
// sheets for what is not one cell per actor and issue (sheets.js): key -> {label, draw, note}
const SHEETS = {};

function gridPath(a, issue, field) {
  return field === "capability" ? `actors[${a}].capability.value` : `actors[${a}].stances.${issue}.${field}.value`;
}
function gridQuantity(actor, issue, field) {
  if (field === "capability") return actor.capability;
  const st = (actor.stances || {})[issue];
  return st ? st[field] : undefined;
}
function gridScale(issue, field) {
  if (field === "salience") return {min: 0, max: 1, step: 0.05};
  const sc = issue.scale || {}; return {min: sc.min ?? 0, max: sc.max ?? 100, step: "any"};
}
function gridSet(a, issueId, field, text) {
  const actor = S.data.actors[a];
  if (field === "capability") { actor.capability = {...(actor.capability || {}), value: Number(text)}; return; }
  const st = actor.stances[issueId];
  if (text === "" && field === "red_line") { delete st.red_line; return; }
  const old = st[field];
  st[field] = old ? {...old, value: Number(text)} : {value: Number(text), evidence: {judgement: ""}};
}
function gridEvidence(q) { return q && q.evidence ? evidenceText(q.evidence) : ""; }
function gridPanel(text, where) {
  const p = $("grid-evidence"); if (!p) return;
  p.replaceChildren(el("strong", {text: where}), el("div", {class: "quote", text: text || "no evidence recorded for this number yet"}));
}
// the panel edits the focused number's evidence: a source's own words, a reader comment under
// it, or the analyst's judgement (the scenario keeps the three apart); each keystroke writes the
// scenario data, so validation names what is missing (a quote needs its source) under the panel
const EVIDENCE_KINDS = [["quote", "quote from a source"], ["comment", "reader comment under a source"], ["judgement", "analyst's judgement"]];
function evidenceKind(e) { return !e ? "judgement" : e.comment_by != null ? "comment" : e.quote != null || e.source != null ? "quote" : "judgement"; }
function evidenceOf(kind, old, form) {
  if (kind === "judgement") return {judgement: form.judgement ?? old.judgement ?? ""};
  const e = {source: form.source ?? old.source ?? "", quote: form.quote ?? old.quote ?? ""};
  if (kind === "comment") { e.comment_by = form.comment_by ?? old.comment_by ?? ""; const r = form.reason ?? old.reason; if (r) e.reason = r; }
  return e;
}
function gridEvidencePanel(a, id, field, where) {
  evidencePanel(() => gridQuantity(S.data.actors[a], id, field), gridPath(a, id, field).replace(/\.value$/, ".evidence"), where);
}
// the panel for any number: ``getQ()`` its quantity (mutated in place), ``at`` its evidence's path
function evidencePanel(getQ, at, where) {
  const p = $("grid-evidence"); if (!p) return;
  const q = getQ();
  if (!q) { gridPanel("", where); p.append(el("p", {class: "status", text: "set a value first; its evidence can then be written here"})); return; }
  const e = q.evidence || {}, kind = evidenceKind(q.evidence);
  const cited = el("div", {class: "quote", text: gridEvidence(q) || "no evidence recorded for this number yet"});
  const write = (form) => {
    q.evidence = evidenceOf(pick.value, q.evidence || {}, form); formOnly(); changed();
    cited.textContent = gridEvidence(q) || "no evidence recorded for this number yet";
  };
  const pick = el("select", {id: "evidence-kind", "aria-label": "kind of evidence"}, ...EVIDENCE_KINDS.map(([k, t]) => el("option", {value: k, text: t})));
  pick.value = kind;
  pick.onchange = () => { write({}); evidencePanel(getQ, at, where); };
  const rows = [el("strong", {text: where}), cited, el("label", {class: "param"}, el("span", {text: "evidence"}), pick)];
  const area = (key, label, value) => {
    const box = el("textarea", {id: `evidence-${key}`, "data-path": `${at}.${key}`, rows: key === "judgement" || key === "quote" ? "4" : "2", "aria-label": `${where} · evidence · ${key.replace("_", " ")}`});
    box.value = value || ""; box.addEventListener("input", () => write({[key]: box.value}));
    return el("label", {class: "param"}, el("span", {text: label}), box);
  };
  if (kind === "judgement") rows.push(area("judgement", "the analyst's reasoning", e.judgement));
  else {
    const sources = (S.data.sources || []).map((s) => s.id);
    const src = el("select", {id: "evidence-source", "data-path": `${at}.source`, "aria-label": `${where} · evidence · source`}, el("option", {value: "", text: "choose a source"}), ...sources.map((s) => el("option", {value: s, text: s})));
    src.value = e.source || ""; src.onchange = () => write({source: src.value});
    rows.push(el("label", {class: "param"}, el("span", {text: "source (from the scenario's sources)"}), src), area("quote", "the passage, word for word", e.quote));
    if (kind === "comment") rows.push(area("comment_by", "the reader who wrote it", e.comment_by), area("reason", "why a comment may set this value (not only its range)", e.reason));
  }
  p.replaceChildren(...rows);
}
function gridCell(a, issue, field) {
  const actor = S.data.actors[a];
  if (field !== "capability" && !(actor.stances || {})[issue.id]) return el("td", {class: "nostance", text: "no stance"});
  const id = issue ? issue.id : null;
  const q = gridQuantity(actor, id, field), sc = issue ? gridScale(issue, field) : {step: "any"}, ev = gridEvidence(q);
  const where = `${actor.name || actor.id} · ${field === "capability" ? "capability" : (issue.name || issue.id) + " · " + field.replace("_", " ")}`;
  const input = el("input", {type: "number", step: String(sc.step), "data-path": gridPath(a, id, field), "aria-label": where, title: ev || where});
  if (field !== "capability") { input.min = sc.min; input.max = sc.max; }
  input.value = q && q.value != null ? q.value : "";
  if (field === "red_line") input.placeholder = "none";
  input.addEventListener("focus", () => gridEvidencePanel(a, id, field, where));
  input.addEventListener("change", () => {
    if (input.value === "" && field !== "red_line") return;  // a required number stays
    const now = gridQuantity(S.data.actors[a], id, field);
    const same = input.value === "" ? now === undefined : now && now.value === Number(input.value);
    if (same) return;  // a second change event for the same value (blur) redraws nothing
    gridSet(a, id, field, input.value); formOnly(); changed();
  });
  return el("td", {}, input);
}
function gridDraw() {
  const box = $("grid"); if (!box || !S.data) return;
  const field = G.field, issues = S.data.issues || [], actors = S.data.actors || [];
  const choices = [...GRID_FIELDS, ...Object.entries(SHEETS).map(([k, s]) => [k, s.label])];
  const pick = el("select", {id: "grid-field", "aria-label": "field shown in the grid"}, ...choices.map(([k, t]) => el("option", {value: k, text: t})));
  pick.value = field; pick.onchange = () => { G.field = pick.value; gridDraw(); };
  if (SHEETS[field]) {
    box.replaceChildren(el("div", {class: "toolbar"}, el("label", {}, "Grid: ", pick), el("span", {class: "status", text: SHEETS[field].note})),
      el("div", {class: "grid-wrap"}, el("div", {class: "grid-scroll"}, ...SHEETS[field].draw()), el("aside", {id: "grid-evidence", class: "evidence-panel"})));
    gridPanel("", "focus a number to see, and edit, the quote or judgement behind it");
    return;
  }
  const head = el("tr", {}, el("th", {text: "actor"}), ...(field === "capability" ? [el("th", {text: "capability"})]
    : issues.map((i) => el("th", {title: i.question || "", text: i.name || i.id}))));
  const t = el("table", {class: "grid"}, head);
  actors.forEach((actor, a) => {
    const cells = field === "capability" ? [gridCell(a, null, field)] : issues.map((i) => gridCell(a, i, field));
    t.append(el("tr", {}, el("th", {scope: "row", text: actor.name || actor.id}), ...cells));
  });
  box.replaceChildren(el("div", {class: "toolbar"}, el("label", {}, "Grid: ", pick),
    el("span", {class: "status", text: "one cell per actor and issue; problems appear under the cell, the evidence beside the grid"})),
    el("div", {class: "grid-wrap"}, el("div", {class: "grid-scroll"}, t), el("aside", {id: "grid-evidence", class: "evidence-panel"})));
  gridPanel("", "focus a cell to see, and edit, the quote or judgement behind its number");
}
// every problem once in the list above the editor, each a link to its cell or field; under a
// grid cell the message drops the data path (its row and column name the actor and issue)
const rawShowProblems = showProblems;
function problemTarget(place) {
  return document.querySelector(`[data-path="${CSS.escape(place)}"]`) || document.querySelector(`[data-path="${CSS.escape(place + ".value")}"]`);
}
showProblems = function (problems) {
  rawShowProblems(problems);
  document.querySelectorAll("table.grid .err, #grid-evidence .err").forEach((span) => {  // the cell or panel says where
    span.textContent = span.textContent.replace(/^\S+\s/, "");
  });
  const links = problems.map((p) => ({p, target: problemTarget(p.place)})).filter((x) => x.target);
  if (!links.length) return;
  const list = el("ul", {class: "problem-links"}, ...links.map(({p, target}) => el("li", {},
    el("a", {href: "#", onclick: (e) => { e.preventDefault(); target.scrollIntoView({block: "center"}); setTimeout(() => target.focus({preventScroll: true}), 0); }},
      (target.getAttribute("aria-label") || p.place) + ": " + p.rule + (p.fix ? `; ${p.fix}` : "")))));
  $("problems").prepend(list);
};
// the form and the grid show the same data: the grid is redrawn with the form, the form alone
// after a grid edit (so the cell being edited keeps its focus)
const formOnly = draw;
draw = function () { formOnly(); gridDraw(); };
(function gridInit() {
  const form = $("form"); if (!form || $("grid")) return;
  form.before(el("div", {id: "grid"}));
  const css = document.createElement("style");
  css.textContent = `table.grid input{width:4.6em} table.grid thead th,table.grid tr:first-child th{font-size:.8em;max-width:8em;vertical-align:bottom} table.grid td.nostance{color:#999;font-size:.8em}
.grid-wrap{display:flex;gap:1em;align-items:flex-start;flex-wrap:wrap} .grid-scroll{overflow-x:auto;max-width:100%}
.evidence-panel{flex:1;min-width:14em;max-width:28em;font-size:.85em;background:#f7f8fa;border:1px solid #ddd;border-radius:4px;padding:.5em .7em}
table.grid th[scope=row]{white-space:nowrap;font-weight:600} table.sheet input[type=text]{width:8em} table.sheet input.wide{width:16em} .evidence-panel label.param{display:flex;margin-top:.4em} .evidence-panel textarea{width:100%;font:inherit} #whatif{overflow-x:auto} ul.problem-links{margin:.3em 0;padding-left:1.2em}`;
  document.head.append(css);
  if (S.data) gridDraw();  // the first scenario may have opened before this script loaded
})();
