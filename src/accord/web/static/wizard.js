// accord dashboard: "New scenario", a short wizard. A name, a title, the actors and the issues
// (each issue gets a 0..100 scale with its two ends as deal terms to rename); every number
// starts as a placeholder judgement that says so, then the grid opens for the real numbers.
"use strict";
const NEW_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function slug(text, taken) {
  let id = text.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40) || "item";
  if (/^[0-9]/.test(id)) id = "x_" + id;
  let out = id, k = 2; while (taken.has(out)) out = `${id}_${k++}`; taken.add(out); return out;
}
function placeholder(value, what) {
  return {value, evidence: {judgement: `placeholder from the new-scenario wizard: replace with the quote or judgement behind ${what}`}};
}
function template(title, actorNames, issueNames) {
  const aid = new Set(), iid = new Set();
  const issues = issueNames.map((name) => ({id: slug(name, iid), name, question: `What is agreed on ${name}?`,
    scale: {min: 0, max: 100, labels: {0: `one side's demand on ${name}`, 100: `the other side's demand on ${name}`}},
    status_quo: placeholder(50, `the status quo of ${name}`)}));
  const actors = actorNames.map((name, k) => ({id: slug(name, aid), name, capability: placeholder(50, `${name}'s capability`),
    stances: Object.fromEntries(issues.map((i) => [i.id, {position: placeholder(k % 2 ? 100 : 0, `${name}'s position on ${i.name}`),
      salience: placeholder(0.5, `${name}'s salience on ${i.name}`)}]))}));
  return {accord: 1, metadata: {title}, issues, actors};
}
function splitList(text) { return text.split(/[,\n]/).map((x) => x.trim()).filter(Boolean); }
function wizardOpen() {
  const box = $("wizard"); box.hidden = !box.hidden; if (box.hidden) return;
  const field = (id, label, attrs) => el("label", {class: "param"}, el("span", {text: label}), el("input", {id, type: "text", ...attrs}));
  box.replaceChildren(
    el("p", {class: "status", text: "A new scenario: name it, list the actors and the issues; every number starts as a placeholder that says so, and the grid opens to set them."}),
    el("div", {class: "toolbar"}, field("new-name", "file name", {placeholder: "e.g. jcpoa-2015", pattern: NEW_NAME.source.slice(1, -1)}),
      field("new-title", "title", {placeholder: "what is negotiated, and when", style: "width:22em"})),
    el("div", {class: "toolbar"}, field("new-actors", "actors (comma-separated, at least two)", {placeholder: "United States, Iran, E3", style: "width:22em"}),
      field("new-issues", "issues (comma-separated, at least one)", {placeholder: "enrichment, sanctions relief", style: "width:22em"})),
    el("div", {class: "toolbar"}, el("button", {id: "new-create", type: "button", text: "Create", onclick: wizardCreate}), el("span", {id: "new-status", class: "status"})));
}
async function wizardCreate() {
  const name = $("new-name").value.trim(), title = $("new-title").value.trim() || name;
  const actors = splitList($("new-actors").value), issues = splitList($("new-issues").value), bad = [];
  if (!NEW_NAME.test(name)) bad.push("the file name: letters, digits, - and _ only, starting with a letter or digit");
  if ((S.list || []).some((s) => s.name === name)) bad.push(`the file name: a scenario named ${name} exists`);
  if (actors.length < 2) bad.push("at least two actors");
  if (!issues.length) bad.push("at least one issue");
  if (bad.length) { $("new-status").textContent = "needed: " + bad.join("; "); return; }
  const r = await api(`/api/scenarios/${enc(name)}/new`, {method: "POST", body: JSON.stringify(template(title, actors, issues))});
  if (!r.ok) { $("new-status").textContent = r.body.problems ? r.body.problems.map((p) => `${p.place} ${p.rule}`).join("; ") : String(r.body.detail); return; }
  $("wizard").hidden = true;
  await loadList(name);
  if (typeof G !== "undefined") { G.field = "position"; gridDraw(); }
  $("save-status").textContent = `created ${name}: set each number in the grid, with its evidence`;
}
(function wizardInit() {
  const bar = $("save") && $("save").parentElement; if (!bar || $("new-scenario")) return;
  bar.prepend(el("button", {id: "new-scenario", type: "button", title: "start a new scenario from a short wizard", text: "New scenario", onclick: wizardOpen}));
  const box = el("div", {id: "wizard", class: "note"}); box.hidden = true; bar.after(box);
})();
