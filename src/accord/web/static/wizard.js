// accord dashboard: "New scenario", a short wizard in steps: the name and title, the sources,
// the actors, the issues with their deal terms (a scale and its labelled points), then Create.
// Next checks the step and lists every problem at once, each also beside its field; nothing
// is sent before Create, and the server's problems (it checks again) are shown on that step.
// Every number starts as a placeholder judgement that says so; the grid opens to set them.
"use strict";
const NEW_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, SOURCE_ID = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;
const SOURCE_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const WIZ_STEPS = ["Name", "Sources", "Actors", "Issues and deal terms", "Create"];
let W = null;  // the wizard's state: what was typed, kept across Back and Next

const wizSource = () => ({id: "", title: "", author: "", date: "", url: ""});
const wizIssue = () => ({name: "", min: "0", max: "100", minLabel: "", maxLabel: "", terms: []});
const wizFresh = () => ({step: 0, name: "", title: "", sources: [wizSource()], actors: ["", ""], issues: [wizIssue()], problems: []});
const wizBlank = (row) => Object.values(row).every((v) => typeof v !== "string" || !v.trim());
const wizNum = (text) => (String(text).trim() === "" ? NaN : Number(text));

function slug(text, taken) {
  let id = text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40) || "item";
  if (/^[0-9]/.test(id)) id = "x_" + id;
  let out = id, k = 2; while (taken.has(out)) out = `${id}_${k++}`; taken.add(out); return out;
}
function placeholder(value, what) {
  return {value, evidence: {judgement: `placeholder from the new-scenario wizard: replace with the quote or judgement behind ${what}`}};
}
function wizTerms(i) {  // the issue's labelled points, ends first: [[value, label], ...]
  return [[wizNum(i.min), i.minLabel.trim()], [wizNum(i.max), i.maxLabel.trim()], ...i.terms.map((t) => [wizNum(t.value), t.label.trim()])];
}
function template() {
  const aid = new Set(), iid = new Set(), names = W.actors.map((a) => a.trim()).filter(Boolean);
  const sources = W.sources.filter((s) => !wizBlank(s)).map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v)));
  const issues = W.issues.map((i) => ({id: slug(i.name.trim(), iid), name: i.name.trim(), question: `What is agreed on ${i.name.trim()}?`,
    scale: {min: wizNum(i.min), max: wizNum(i.max), labels: Object.fromEntries(wizTerms(i).sort((a, b) => a[0] - b[0]))},
    status_quo: placeholder((wizNum(i.min) + wizNum(i.max)) / 2, `the status quo of ${i.name.trim()}`)}));
  const actors = names.map((name, k) => ({id: slug(name, aid), name, capability: placeholder(50, `${name}'s capability`),
    stances: Object.fromEntries(issues.map((i) => [i.id, {position: placeholder(k % 2 ? i.scale.max : i.scale.min, `${name}'s position on ${i.name}`),
      salience: placeholder(0.5, `${name}'s salience on ${i.name}`)}]))}));
  return {accord: 1, metadata: {title: W.title.trim() || W.name.trim()}, sources, issues, actors};
}
// ---- checks: one per step, each problem [field, message, where] ---------------------------
const WIZ_CHECKS = [
  () => {
    const name = W.name.trim();
    if (!NEW_NAME.test(name)) return [["name", "letters, digits, - and _ only, starting with a letter or digit", "the file name"]];
    return (S.list || []).some((s) => s.name === name) ? [["name", `a scenario named ${name} exists: choose another name`, "the file name"]] : [];
  },
  () => {
    const bad = [], seen = new Set(), rows = W.sources.map((s, k) => [s, k]).filter(([s]) => !wizBlank(s));
    if (!rows.length) bad.push(["", "add at least one source (what the numbers will quote)", "sources"]);
    for (const [s, k] of rows) {
      const at = (f) => `sources.${k}.${f}`, where = `source ${k + 1}`, id = s.id.trim();
      if (!SOURCE_ID.test(id)) bad.push([at("id"), "a letter first, then letters, digits, . - or _", where]);
      else if (seen.has(id)) bad.push([at("id"), `the id ${id} is used by another source`, where]);
      seen.add(id);
      if (!s.title.trim()) bad.push([at("title"), "a title is needed", where]);
      if (s.date.trim() && !SOURCE_DATE.test(s.date.trim())) bad.push([at("date"), "a date as YYYY, YYYY-MM or YYYY-MM-DD", where]);
      if (s.url.trim() && !/^https?:\/\/\S+$/.test(s.url.trim())) bad.push([at("url"), "an address starting with http:// or https://", where]);
    }
    return bad;
  },
  () => {
    const bad = [], seen = new Set();
    W.actors.forEach((a, k) => { const name = a.trim(); if (!name) return;
      if (seen.has(name.toLowerCase())) bad.push([`actors.${k}`, `${name} is listed twice`, `actor ${k + 1}`]); seen.add(name.toLowerCase()); });
    if (seen.size < 2) bad.push(["", "name at least two actors", "actors"]);
    return bad;
  },
  () => {
    const bad = [], seen = new Set();
    W.issues.forEach((i, k) => {
      const at = (f) => `issues.${k}.${f}`, where = `issue ${k + 1}${i.name.trim() ? ` (${i.name.trim()})` : ""}`;
      const lo = wizNum(i.min), hi = wizNum(i.max), name = i.name.trim().toLowerCase();
      if (!name) bad.push([at("name"), "a name is needed", where]);
      else if (seen.has(name)) bad.push([at("name"), "another issue has this name", where]);
      seen.add(name);
      if (!Number.isFinite(lo)) bad.push([at("min"), "a number is needed", where]);
      if (!Number.isFinite(hi)) bad.push([at("max"), "a number is needed", where]);
      else if (Number.isFinite(lo) && !(lo < hi)) bad.push([at("max"), `must be above the minimum (${lo})`, where]);
      if (!i.minLabel.trim()) bad.push([at("minLabel"), `the deal term at ${i.min || "the minimum"} needs a label`, where]);
      if (!i.maxLabel.trim()) bad.push([at("maxLabel"), `the deal term at ${i.max || "the maximum"} needs a label`, where]);
      const taken = new Set([lo, hi]);
      i.terms.forEach((t, j) => {
        const v = wizNum(t.value), tat = (f) => at(`terms.${j}.${f}`), twhere = `${where}, term ${j + 3}`;
        if (!Number.isFinite(v)) bad.push([tat("value"), "a number is needed", twhere]);
        else if (Number.isFinite(lo) && Number.isFinite(hi) && !(lo <= v && v <= hi)) bad.push([tat("value"), `must lie on the scale ${lo}..${hi}`, twhere]);
        else if (taken.has(v)) bad.push([tat("value"), `${v} has a term already: each value once`, twhere]);
        taken.add(v);
        if (!t.label.trim()) bad.push([tat("label"), "a label is needed (the deal term at this value)", twhere]);
      });
    });
    return bad;
  },
  () => [],
];
// ---- drawing ---------------------------------------------------------------------------------
function wizInput(obj, key, at, label, attrs = {}, extra = null) {  // extra: a button beside the box
  const input = el("input", {type: "text", "data-w": at, "aria-label": label, ...attrs, oninput: (e) => { obj[key] = e.target.value; wizFixed(at); }});
  input.value = obj[key];
  return el("label", {class: "param"}, el("span", {text: label}), extra ? el("span", {class: "wiz-line"}, input, extra) : input);
}
function wizFixed(at) {  // typing in a field clears its problem until the next check
  const box = $("wizard"); W.problems = W.problems.filter(([a]) => a !== at);
  for (const x of box.querySelectorAll(`[data-w="${at}"].bad, [data-err="${at}"]`)) if (x.matches(".bad")) x.classList.remove("bad"); else x.remove();
}
const wizButton = (text, onclick, attrs = {}) => el("button", {type: "button", text, onclick, ...attrs});
const wizRedraw = (change) => () => { change(); wizardDraw(); };
function wizStep() {
  const s = W.step;
  if (s === 0) return [el("p", {class: "status", text: "The file name (in the folder) and the title of what is negotiated."}),
    el("div", {class: "toolbar"}, wizInput(W, "name", "name", "file name", {id: "new-name", placeholder: "e.g. jcpoa-2015"}),
      wizInput(W, "title", "title", "title (the file name when empty)", {id: "new-title", placeholder: "what is negotiated, and when", class: "wide"}))];
  if (s === 1) return [el("p", {class: "status", text: "The articles, statements or reports the numbers will quote; evidence names a source by its id. The author, date and address are optional."}),
    ...W.sources.map((src, k) => el("fieldset", {"data-source": k},
      el("legend", {}, `source ${k + 1}`, wizButton("Remove", wizRedraw(() => W.sources.splice(k, 1)), {class: "small"})),
      el("div", {class: "wiz-row"}, wizInput(src, "id", `sources.${k}.id`, "id", {placeholder: "e.g. lieven2024", class: "id"}),
        wizInput(src, "title", `sources.${k}.title`, "title", {class: "wide"}), wizInput(src, "author", `sources.${k}.author`, "author (optional)"),
        wizInput(src, "date", `sources.${k}.date`, "date (optional)", {placeholder: "YYYY-MM-DD", class: "short"}),
        wizInput(src, "url", `sources.${k}.url`, "address (URL, optional)", {placeholder: "https://…"})))),
    wizButton("Add a source", wizRedraw(() => W.sources.push(wizSource())), {id: "new-add-source"})];
  if (s === 2) return [el("p", {class: "status", text: "The actors (at least two): each gets a stance on every issue, placeholders until the grid."}),
    el("div", {class: "wiz-row"}, ...W.actors.map((a, k) => wizInput(W.actors, k, `actors.${k}`, `actor ${k + 1}`, {},
      wizButton("×", wizRedraw(() => W.actors.splice(k, 1)), {class: "small", title: "remove this actor"})))),
    wizButton("Add an actor", wizRedraw(() => W.actors.push("")), {id: "new-add-actor"})];
  if (s === 3) return [el("p", {class: "status", text: "Each issue: its scale and the deal terms it runs between (a label at each end), and any terms between them."}),
    ...W.issues.map((i, k) => el("fieldset", {"data-issue": k},
      el("legend", {}, `issue ${k + 1}`, W.issues.length > 1 ? wizButton("Remove", wizRedraw(() => W.issues.splice(k, 1)), {class: "small"}) : null),
      el("div", {class: "wiz-row"}, wizInput(i, "name", `issues.${k}.name`, "name", {class: "wide"})),
      el("div", {class: "wiz-row"}, wizInput(i, "min", `issues.${k}.min`, "scale min", {class: "short", inputmode: "decimal"}),
        wizInput(i, "minLabel", `issues.${k}.minLabel`, "deal term at the min", {class: "wide"})),
      el("div", {class: "wiz-row"}, wizInput(i, "max", `issues.${k}.max`, "scale max", {class: "short", inputmode: "decimal"}),
        wizInput(i, "maxLabel", `issues.${k}.maxLabel`, "deal term at the max", {class: "wide"})),
      ...i.terms.map((t, j) => el("div", {class: "wiz-row"}, wizInput(t, "value", `issues.${k}.terms.${j}.value`, "value", {class: "short", inputmode: "decimal"}),
        wizInput(t, "label", `issues.${k}.terms.${j}.label`, "deal term", {class: "wide"},
          wizButton("×", wizRedraw(() => i.terms.splice(j, 1)), {class: "small", title: "remove this term"})))),
      wizButton("Add a term", wizRedraw(() => i.terms.push({value: "", label: ""})), {class: "small new-add-term"}))),
    wizButton("Add an issue", wizRedraw(() => W.issues.push(wizIssue())), {id: "new-add-issue"})];
  const t = template();
  return [el("p", {class: "status", text: `${W.name.trim()}: "${t.metadata.title}", ${t.sources.length} source(s), ${t.actors.length} actors, ${t.issues.length} issue(s). Every number starts as a placeholder; the grid opens to set them.`}),
    el("ul", {class: "wiz-summary"}, el("li", {text: "sources: " + t.sources.map((x) => `${x.id} (${[x.author, x.title, x.date].filter(Boolean).join(", ")})`).join("; ")}),
      el("li", {text: "actors: " + t.actors.map((a) => a.name).join(", ")}), ...t.issues.map((i) => el("li", {text: `${i.name} (${i.scale.min}..${i.scale.max}): ` +
      Object.entries(i.scale.labels).sort((a, b) => a[0] - b[0]).map(([v, label]) => `${v} “${label}”`).join(" · ")})))];
}
function wizardDraw() {
  const box = $("wizard"), last = W.step === WIZ_STEPS.length - 1;
  const steps = el("ol", {class: "wiz-steps"}, ...WIZ_STEPS.map((s, k) => el("li", {class: k === W.step ? "on" : k < W.step ? "done" : "", text: `${k + 1} ${s}`})));
  const list = W.problems.length ? el("ul", {id: "new-problems", class: "refused"}, ...W.problems.map(([at, m, where]) => el("li", {"data-err": at, text: `${where}: ${m}`}))) : "";
  box.replaceChildren(steps, ...wizStep(), list, el("div", {class: "toolbar"},
    wizButton("Back", () => wizGo(-1), {id: "new-back", ...(W.step ? {} : {disabled: ""})}),
    last ? wizButton("Create", wizardCreate, {id: "new-create"}) : wizButton("Next", () => wizGo(1), {id: "new-next"}),
    wizButton("Cancel", () => { box.hidden = true; W = null; }, {id: "new-cancel", class: "small"}), el("span", {id: "new-status", class: "status"})));
  for (const [at, m] of W.problems) {
    const input = at && box.querySelector(`[data-w="${at}"]`); if (!input) continue;
    input.classList.add("bad"); input.closest("label").append(el("span", {class: "err", "data-err": at, text: m}));
  }
}
function wizGo(by) {
  W.problems = by > 0 ? WIZ_CHECKS[W.step]() : [];
  if (!W.problems.length) W.step += by;
  wizardDraw();
  const first = $("wizard").querySelector(".bad") || $("wizard").querySelector("input"); if (first) first.focus();
}
function wizardOpen() {
  const box = $("wizard"); box.hidden = !box.hidden; if (box.hidden) return;
  if (!W) W = wizFresh();
  wizardDraw();
}
async function wizardCreate() {
  for (let k = 0; k < WIZ_CHECKS.length; k++) {  // a step may have changed since its Next
    const bad = WIZ_CHECKS[k](); if (bad.length) { W.step = k; W.problems = bad; wizardDraw(); return; }
  }
  const name = W.name.trim();
  $("new-status").textContent = "creating…";
  const r = await api(`/api/scenarios/${enc(name)}/new`, {method: "POST", body: JSON.stringify(template())});
  if (!r.ok) {
    W.problems = r.body.problems ? r.body.problems.map((p) => ["", `${p.rule}${p.fix ? ` (${p.fix})` : ""}`, `the server: ${p.place}`])
      : [["", String(typeof r.body.detail === "string" ? r.body.detail : JSON.stringify(r.body.detail || r.body)), `the server refused (${r.status})`]];
    wizardDraw(); return;
  }
  $("wizard").hidden = true; W = null;
  await loadList(name);
  if (typeof G !== "undefined") { G.field = "position"; gridDraw(); }
  $("save-status").textContent = `created ${name}: set each number in the grid, with its evidence`;
}
(function wizardInit() {
  const bar = $("save") && $("save").parentElement; if (!bar || $("new-scenario")) return;
  bar.prepend(el("button", {id: "new-scenario", type: "button", title: "start a new scenario from a short wizard", text: "New scenario", onclick: wizardOpen}));
  const box = el("div", {id: "wizard", class: "note"}); box.hidden = true; bar.after(box);
  const css = document.createElement("style");
  css.textContent = `#wizard .wiz-steps{display:flex;flex-wrap:wrap;gap:.2em 1.4em;list-style:none;padding:0;margin:.2em 0 .6em}
#wizard .wiz-steps li{color:#777} #wizard .wiz-steps li.on{color:#0072B2;font-weight:600} #wizard .wiz-steps li.done{color:#375}
#wizard .wiz-row{display:flex;flex-wrap:wrap;gap:.4em .8em;align-items:flex-start;margin:.3em 0} #wizard .wiz-line{display:flex;gap:.3em;align-items:center}
#wizard label.param input.short{width:7em} #wizard label.param input.id{width:10em} #wizard label.param input.wide{width:20em;max-width:60vw} #wizard label.param .err{font-size:1em;width:0;min-width:100%}
#wizard button.new-add-term{margin-left:0}
#wizard fieldset{background:#fffdf5} #wizard legend button{margin-left:.6em} #new-problems{margin:.4em 0;padding-left:1.2em}`;
  document.head.append(css);
})();
