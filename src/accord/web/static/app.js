// accord dashboard: forms built from the scenario JSON Schema; charts are the brief's Vega-Lite
// specs, drawn by vega-embed (/static/vega.js). Shipped
// scenarios are read-only (Save as); past runs reopen with the same renderers as fresh ones.
"use strict";
const S = {schema:null, name:null, data:null, timer:null};
const $ = (id) => document.getElementById(id);
const el = (tag, attrs={}, ...kids) => { const e = document.createElement(tag);
  for (const [k,v] of Object.entries(attrs)) { if (k === "text") e.textContent = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v); }
  for (const k of kids) if (k != null) e.append(k); return e; };
async function api(path, opts={}) {
  const r = await fetch(path, {headers:{"content-type":"application/json"}, ...opts});
  const body = r.headers.get("content-type")?.includes("json") ? await r.json() : await r.text();
  return {ok:r.ok, status:r.status, body};
}
// ---- paths ---------------------------------------------------------------------------------
function placeOf(path) { return path.map((p) => typeof p === "number" ? `[${p}]` : "." + p).join("").replace(/^\./, ""); }
function setIn(obj, path, value) { let o = obj; for (let i = 0; i < path.length - 1; i++) o = o[path[i]]; 
  if (value === undefined) delete o[path.at(-1)]; else o[path.at(-1)] = value; }
function resolve(s) { while (s && s.$ref) s = S.schema.$defs[s.$ref.split("/").pop()]; return s || {}; }
function optional(s) { if (s.anyOf) { const non = s.anyOf.filter((x) => x.type !== "null"); if (non.length === 1) return [resolve(non[0]), true]; } return [resolve(s), false]; }
function blank(s) { s = optional(s)[0]; if (s.default !== undefined) return structuredClone(s.default);
  if (s.title === "Quantity") return {value:0}; if (s.type === "object") { const o = {}; for (const r of s.required || []) o[r] = blank(s.properties[r]); return o; }
  if (s.type === "array") return []; if (s.type === "number" || s.type === "integer") return 0; if (s.type === "boolean") return false; return ""; }
function changed() { clearTimeout(S.timer); S.timer = setTimeout(validate, 350); S.dirty = true; $("save-status").textContent = "unsaved changes"; }
// ---- the form ------------------------------------------------------------------------------
function render(schema, value, path, label) {
  const [s, isOpt] = optional(schema);
  const place = placeOf(path);
  if (isOpt && (value === null || value === undefined)) {
    return el("div", {class:"field"}, el("label", {text:label}), el("button", {class:"small", text:"add", onclick:() => { setIn(S.data, path, blank(s)); changed(); draw(); }}));
  }
  const wrapOpt = (node) => isOpt ? el("div", {}, node, el("button", {class:"small", text:"remove " + label, onclick:() => { setIn(S.data, path, undefined); changed(); draw(); }})) : node;
  if (s.title === "Quantity") return wrapOpt(quantity(s, value, path, label));
  if (s.enum || s.const) {
    const sel = el("select", {"data-path":place, onchange:(e) => { setIn(S.data, path, e.target.value); changed(); }});
    for (const o of s.enum || [s.const]) sel.append(el("option", {value:o, text:o}));
    sel.value = value; return el("div", {class:"field"}, el("label", {text:label}), sel);
  }
  if (s.type === "object" && s.properties) {
    const fs = el("fieldset", {"data-path":place}, el("legend", {text:label}));
    for (const [k, sub] of Object.entries(s.properties)) fs.append(render(sub, value[k], [...path, k], k));
    return wrapOpt(fs);
  }
  if (s.type === "object") {  // a mapping: keys chosen by the analyst
    const fs = el("fieldset", {"data-path":place}, el("legend", {text:label}));
    for (const k of Object.keys(value || {})) {
      fs.append(el("div", {}, render(s.additionalProperties || {}, value[k], [...path, k], k),
        el("button", {class:"small", text:"remove " + k, onclick:() => { delete value[k]; changed(); draw(); }})));
    }
    fs.append(el("button", {class:"small", text:"add entry", onclick:() => { const k = prompt("key"); if (k) { value[k] = blank(s.additionalProperties || {}); changed(); draw(); } }}));
    return wrapOpt(fs);
  }
  if (s.type === "array") {
    const fs = el("fieldset", {"data-path":place}, el("legend", {text:`${label} (${value.length})`}));
    value.forEach((item, i) => fs.append(el("div", {}, render(s.items, item, [...path, i], `${label}[${i}]` + (item && item.id ? ` ${item.id}` : "")),
      el("button", {class:"small", text:"remove", onclick:() => { value.splice(i, 1); changed(); draw(); }}))));
    fs.append(el("button", {class:"small", text:"add", onclick:() => { value.push(blank(s.items)); changed(); draw(); }}));
    return wrapOpt(fs);
  }
  let input;
  if (s.type === "boolean") input = el("input", {type:"checkbox", "data-path":place, onchange:(e) => { setIn(S.data, path, e.target.checked); changed(); }});
  else if (s.type === "number" || s.type === "integer") input = el("input", {type:"number", step:"any", "data-path":place, onchange:(e) => { setIn(S.data, path, e.target.value === "" ? null : Number(e.target.value)); changed(); }});
  else { const long = /quote|judgement|description|question|note/.test(label);
    input = el(long ? "textarea" : "input", {type:"text", "data-path":place, onchange:(e) => { setIn(S.data, path, e.target.value); changed(); }}); }
  if (s.type === "boolean") input.checked = !!value; else input.value = value ?? "";
  if (s.description) input.title = s.description;
  return wrapOpt(el("div", {class:"field"}, el("label", {text:label}), input));
}
function quantity(s, value, path, label) {
  const place = placeOf(path);
  const num = el("input", {type:"number", step:"any", "data-path":place + ".value", name:place,
    onchange:(e) => { value.value = Number(e.target.value); changed(); }});
  num.value = value.value;
  const ev = value.evidence;
  const summary = ev ? (ev.quote ? `“${ev.quote}” (${ev.source})` : `judgement: ${ev.judgement}`) : "no evidence";
  const det = el("details", {class:"ev"}, el("summary", {}, el("span", {class: ev && ev.quote ? "quote" : "", text:summary})));
  det.addEventListener("toggle", () => { if (det.open && det.childElementCount === 1) {
    det.append(render(s.properties.evidence, value.evidence, [...path, "evidence"], "evidence"),
               render(s.properties.uncertainty, value.uncertainty, [...path, "uncertainty"], "uncertainty")); } });
  return el("div", {class:"field"}, el("label", {text:label}), el("div", {}, num, det));
}
function draw() { const f = $("form"); f.replaceChildren(); for (const [k, sub] of Object.entries(S.schema.properties)) { if (S.data[k] !== undefined || sub.anyOf || sub.default !== undefined) f.append(render(sub, S.data[k] ?? null, [k], k)); } }
async function validate() {
  const r = await api("/api/validate", {method:"POST", body:JSON.stringify(S.data)});
  showProblems(r.body.problems || []);
  if (r.body.valid && $("whatif-on").checked) whatif();
  return r.body.valid;
}
async function whatif() {
  const box = $("whatif"); box.hidden = false; const t0 = performance.now();
  const r = await api("/api/whatif/forecast", {method:"POST", body:JSON.stringify(S.data)});
  if (!r.ok) { box.replaceChildren(el("p", {class:"status", text:typeof r.body.detail === "string" ? r.body.detail : "the what-if did not run"})); return; }
  const t = el("table", {class:"whatif"}, el("tr", {}, el("th", {text:"issue"}), ...r.body.models.map((m) => el("th", {text:r.body.model_labels[m] || m}))));
  for (const item of r.body.issues) t.append(el("tr", {}, el("td", {text:item.issue}), ...r.body.models.map((m) => el("td", {class:"value", "data-model":m, text:item.forecasts[m] ? item.forecasts[m].value.toFixed(1) : "—"}))));
  box.replaceChildren(el("p", {class:"status", text:`what-if on the unsaved scenario: every model in ${Math.round(performance.now() - t0)} ms (nothing saved)`}), t);
}
function showProblems(problems) {
  document.querySelectorAll(".err").forEach((e) => e.remove()); document.querySelectorAll(".bad").forEach((e) => e.classList.remove("bad"));
  const loose = [];
  for (const p of problems) {
    const target = document.querySelector(`[data-path="${CSS.escape(p.place)}"]`) || document.querySelector(`[data-path="${CSS.escape(p.place + ".value")}"]`);
    const msg = `${p.place} ${p.rule}` + (p.value != null ? `, got ${p.value}` : "") + (p.fix ? `; ${p.fix}` : "");
    if (target) { target.classList.add("bad"); target.after(el("span", {class:"err", text:msg})); } else loose.push(msg);
  }
  $("problems").replaceChildren(...loose.map((m) => el("div", {text:m})));
  $("save-status").textContent = problems.length ? `${problems.length} problem(s)` : ($("save-status").textContent === "unsaved changes" ? "unsaved changes" : "valid");
}
// ---- charts: the brief's own Vega-Lite specs (built on the server), drawn by vega-embed --------
// ast: Vega's expression interpreter instead of compiled code, so the page's CSP needs no eval
const EMBED = {renderer:"svg", actions:false, ast:true};
function embedInto(box, spec) {
  box.replaceChildren();
  box.ready = vegaEmbed(box, spec, EMBED).then((r) => { box.view = r.view; box.dataset.drawn = "1"; return r.view; })
    .catch((e) => { box.append(el("p", {class:"refused", text:`the chart was not drawn: ${e.message}`})); return null; });
  return box.ready;
}
function vegaChart(spec, kind, attrs={}) {
  const box = el("div", {class:"vega-chart", "data-chart":kind, ...attrs});
  if (!spec) box.append(el("p", {class:"status", text:"this run was stored without its chart: run the analysis again to draw it"}));
  else if (!window.vegaEmbed) box.append(el("p", {class:"status", text:"the charts need the Vega runtime (/static/vega.js; install accord's plot extra)"}));
  else embedInto(box, spec);
  return box;
}
function renderForecast(res) {
  const out = $("results"); out.replaceChildren();
  S.actors = res.actors;
  for (const c of res.charts) { out.append(vegaChart(c.spec, "forecast", {"data-issue":c.issue}));
    const t = el("table", {}, el("tr", {}, el("th", {text:"model"}), el("th", {text:"forecast"}), el("th", {text:"nearest deal term"}), el("th", {text:"said next to the number"})));
    const item = res.issues.find((i) => i.issue === c.issue);
    for (const [m, f] of Object.entries(item.forecasts)) {
      const name = (res.model_labels[m] || m) + (m === res.consensus_model ? " (consensus)" : "");
      t.append(el("tr", {}, el("td", {text:name}), el("td", {text:f.value.toFixed(1), class:"value", "data-model":m}), el("td", {text:f.label}), el("td", {text:(f.notes || []).join("; "), class:"notes"})));
    }
    out.append(t);
    if (item.agreement) out.append(el("p", {class:"status", text:item.agreement}));
    const traces = Object.entries(c.traces || {});
    if (traces.length) { const det = el("details", {}, el("summary", {text:`Trajectories on ${c.name} (${traces.length} round-based models)`}));
      for (const [m, tr] of traces) det.append(vegaChart(tr.spec, "trajectory", {"data-issue":c.issue, "data-model":m})); out.append(det); } }
  out.append(el("p", {class:"status", text:`evidence: ${res.evidence.quoted} of ${res.evidence.numbers} numbers quoted, ${res.evidence.judgement} judgement`}));
}
function renderGeneric(kind, res) { $("results").replaceChildren(el("pre", {style:"white-space:pre-wrap;font-size:.85em", text:JSON.stringify(res, null, 2)})); }
function ensureActors() { if (!S.actors || !S.actors.length) S.actors = ((S.data && S.data.actors) || []).map((a) => ({id:a.id, name:a.name || a.id})); }
function renderSimulate(res) {
  const out = $("results"); out.replaceChildren(); ensureActors();
  out.append(el("p", {class:"status", text:`${res.draws} draws; P(zone of agreement today) = ${res.p_zone == null ? "–" : Math.round(100 * res.p_zone) + "%"}; models: ${res.models.join(", ")}`}));
  for (const c of res.issues) if (c.rows.length) out.append(vegaChart(c.spec, "interval", {"data-issue":c.issue}));
}
function renderSensitivity(res) {
  const out = $("results"); out.replaceChildren(); ensureActors();
  if ((res.method || "tornado") !== "sobol") {
    out.append(el("p", {class:"status", text:`tornado: one input at a time at its low and high end; model ${res.model}; bar colour: the input's actor`}));
    for (const c of res.issues) { if (!c.rows.length) { out.append(el("p", {text:`${c.name}: no single input moves this forecast.`})); continue; }
      out.append(vegaChart(c.spec, "tornado", {"data-issue":c.issue})); }
  }
  if (res.sobol) {
    out.append(el("p", {class:"status", text:`Sobol indices of model ${res.model}: every input over its whole range at once, n = ${res.sobol.n} (${res.sobol.evaluations.toLocaleString()} runs); light bar: total index (alone and with others), dark bar: first order (alone), lines: bootstrap 95 % intervals; inputs with a total index of at least 1 %`}));
    for (const c of res.sobol.issues) { if (!c.spec) { out.append(el("p", {text:`${c.name}: the forecast does not vary over the inputs' ranges.`})); continue; }
      out.append(vegaChart(c.spec, "sobol", {"data-issue":c.issue})); }
  }
}
function renderProcess(res) {
  const out = $("results"); out.replaceChildren();
  out.append(vegaChart((res.specs || [])[0], "process"));
  const t = el("table", {}, el("tr", {}, ...["process", "P(deal)", "P(breakdown)", "P(escalation)", "months to deal (median)", "most common deal"].map((h) => el("th", {text:h}))));
  for (const p of res.processes) t.append(el("tr", {}, ...[p.process, `${Math.round(100 * p.p_deal)}%`, `${Math.round(100 * p.p_breakdown)}%`, `${Math.round(100 * p.p_escalation)}%`,
    p.months_to_deal ? String(p.months_to_deal.median) : "–", p.most_common_deal ? Object.entries(p.most_common_deal.values).map(([k, v]) => `${k} ${v}`).join("; ") : "–"].map((v) => el("td", {text:v}))));
  out.append(t);
  for (const n of res.notes || []) out.append(el("p", {class:"status", text:n}));
}
// the bargaining map of any two parties: the result keeps every party's utilities (res.map),
// the server draws the chosen pair with the brief's own chart function; the default pair is the
// two parties whose utilities run most against each other
function mapPicker(frame, box) {
  const names = frame.names || {}, status = el("span", {class:"status", id:"map-status"});
  const pick = (id, label, value) => { const s = el("select", {id, "aria-label":label});
    for (const a of frame.parties) s.append(el("option", {value:a, text:names[a] || a})); s.value = value; return s; };
  const sx = pick("map-x", "party on the horizontal axis", frame.opposed[0]), sy = pick("map-y", "party on the vertical axis", frame.opposed[1]);
  const redraw = async () => {
    if (sx.value === sy.value) { status.textContent = "choose two different parties"; return; }
    status.textContent = "drawing";
    const r = await api("/api/charts/bargaining-map", {method:"POST", body:JSON.stringify({frame, x:sx.value, y:sy.value})});
    if (!r.ok) { status.textContent = typeof r.body.detail === "string" ? r.body.detail : JSON.stringify(r.body.detail); return; }
    await embedInto(box, r.body);
    const same = sx.value === frame.opposed[0] && sy.value === frame.opposed[1];
    status.textContent = same ? "the two most opposed parties" : `${names[sx.value] || sx.value} and ${names[sy.value] || sy.value}`;
  };
  sx.onchange = redraw; sy.onchange = redraw; status.textContent = "the two most opposed parties";
  return el("div", {class:"toolbar map-picker"}, el("label", {}, "map: horizontal ", sx), el("label", {}, "vertical ", sy), status);
}
function renderBargain(res) {
  const out = $("results"); out.replaceChildren(); ensureActors();
  const specs = res.specs || {};
  out.append(el("p", {class:"status", text:res.zone_exists ? `A zone of agreement exists now: ${res.zopa_size} packages.` : "No package beats continued war for every party now."}));
  out.append(vegaChart(specs.ripeness, "ripeness", {id:"ripeness"}));
  if (res.map) { const box = vegaChart(specs.map, "map", {id:"bargaining-map"});
    if (res.map.parties && specs.map && window.vegaEmbed) out.append(mapPicker(res.map, box));
    out.append(box); }
  const pk = res.ripeness.package || (res.solutions && res.solutions.nash);
  if (pk) { const t = el("table", {}, el("tr", {}, el("th", {text:"issue"}), el("th", {text:"value"}), el("th", {text:"deal term"})));
    for (const [k, v] of Object.entries(pk.values)) t.append(el("tr", {}, el("td", {text:k}), el("td", {text:String(v)}), el("td", {text:pk.labels[k]})));
    out.append(el("h3", {text:res.zone_exists ? "Nash package now" : `Nash package when the zone opens (month ${res.ripeness.opens_at_month})`}), t); }
  for (const n of res.notes || []) out.append(el("p", {class:"status", text:n}));
}
function shown(v) { return v === null || v === undefined ? "—" : (typeof v === "object" ? JSON.stringify(v) : String(v)); }
function evidenceText(e) { if (!e) return ""; if (e.quote) return `“${e.quote}” (${e.source}${e.comment_by ? ", reader comment by " + e.comment_by : ""})`; return e.judgement ? "judgement: " + e.judgement : ""; }
function renderCompare(res) {
  const box = $("results"); box.replaceChildren(el("h3", {text:`${res.a} → ${res.b}`}));
  const head = (...hs) => el("tr", {}, ...hs.map((h) => el("th", {text:h})));
  const inputs = el("table", {}, head("input", "change", "A", "B", "evidence in A", "evidence in B"));
  for (const c of res.inputs) inputs.append(el("tr", {}, el("td", {text:c.place}), el("td", {text:c.kind}), el("td", {text:shown(c.old)}), el("td", {text:shown(c.new)}), el("td", {class:"quote", text:evidenceText(c.old_evidence)}), el("td", {class:"quote", text:evidenceText(c.new_evidence)})));
  const answers = el("table", {}, head("answer", "", "A", "B", "B − A"));
  for (const m of res.answers) answers.append(el("tr", {}, el("td", {text:m.place}), el("td", {text:m.group}), el("td", {text:shown(m.old)}), el("td", {text:shown(m.new)}), el("td", {text:m.delta === null ? "" : (+m.delta).toFixed(3)})));
  box.append(el("h4", {text:`${res.inputs.length} inputs changed`}), inputs, el("h4", {text:`${res.answers.length} answers moved (${res.unmoved} did not)`}), answers);
  for (const n of res.notes || []) box.append(el("p", {class:"status", text:n}));
}
const RENDERERS = {forecast: renderForecast, simulate: renderSimulate, sensitivity: renderSensitivity, process: renderProcess, bargain: renderBargain, compare: renderCompare};
// ---- actions -------------------------------------------------------------------------------
const enc = encodeURIComponent;
function badges(s) {
  if (s.origin === "shipped") return [el("span", {class:"badge", text:"shipped · read-only"})];
  const out = [el("span", {class:"badge", text:"yours"})];
  if (s.derived_from) out.push(el("span", {class:"badge" + (s.modified ? " mod" : ""), "data-derived":s.derived_from,
    text:s.modified ? `modified from ${s.derived_from}` : `copy of ${s.derived_from}`}));
  return out;
}
async function loadList(select) {
  const r = await api("/api/scenarios"); const ul = $("scenarios"); ul.replaceChildren(); S.list = r.body;
  for (const s of r.body) ul.append(el("li", {"data-name":s.name, "data-origin":s.origin, class: s.name === S.name ? "active" : "", onclick:() => openScenario(s.name)},
    s.name, ...badges(s), el("small", {text:`${s.title} (${s.actors} actors, ${s.issues} issues)`})));
  const sel = $("runs-scenario"), keep = sel.value; sel.replaceChildren(el("option", {value:"", text:"all"}), ...r.body.map((s) => el("option", {value:s.name, text:s.name}))); sel.value = keep;
  if (select) await openScenario(select); else showReadOnly();
}
function info() { return (S.list || []).find((s) => s.name === S.name) || {}; }
function showReadOnly() {
  const i = info(), ro = !!i.read_only; $("save").disabled = ro; $("show-history").disabled = ro;
  $("save").title = ro ? "a shipped scenario is read-only: use Save as" : "save (only the values you changed are rewritten; the previous version is kept)";
  $("read-only").hidden = !ro;
  $("read-only").textContent = ro ? `${S.name} ships with accord and is read-only. Edit it freely, then "Save as" under a new name: the shipped file stays as it is, and your copy keeps its comments and is marked "modified from ${S.name}".` : "";
}
async function openScenario(name) {
  S.name = name; S.dirty = false; const r = await api(`/api/scenarios/${enc(name)}`);
  document.querySelectorAll("#scenarios li").forEach((li) => li.classList.toggle("active", li.dataset.name === name));
  if (!r.ok) { $("problems").textContent = JSON.stringify(r.body.detail); return; }
  S.data = r.body; S.actors = S.data.actors.map((a) => ({id:a.id, name:a.name}));
  $("title").textContent = S.data.metadata.title; $("history").hidden = true;
  $("save-status").textContent = ""; $("results").replaceChildren(); showReadOnly(); draw(); await validate();
}
async function save() {
  if (info().read_only) { $("save-status").textContent = "read-only: save your edits as a new scenario"; return false; }
  const r = await api(`/api/scenarios/${enc(S.name)}`, {method:"PUT", body:JSON.stringify(S.data)});
  if (r.ok) { $("save-status").textContent = "saved"; S.dirty = false; await loadList(); }
  else if (r.status === 422) showProblems(r.body.problems || []); else $("save-status").textContent = r.body.detail || `not saved (${r.status})`;
  return r.ok;
}
async function saveAs() {
  const name = $("save-as-name").value.trim();
  if (!name) { $("save-status").textContent = "type a new name first"; $("save-as-name").focus(); return false; }
  const r = await api(`/api/scenarios/${enc(S.name)}/save-as/${enc(name)}`, {method:"POST", body:JSON.stringify(S.data)});
  if (r.status === 422 && r.body.problems) { showProblems(r.body.problems); return false; }
  if (!r.ok) { $("save-status").textContent = typeof r.body.detail === "string" ? r.body.detail : JSON.stringify(r.body.detail); return false; }
  $("save-as-name").value = ""; await loadList(name); $("save-status").textContent = `saved as ${name}`; return true;
}
async function showHistory() {
  const box = $("history"); if (!box.hidden) { box.hidden = true; return; }
  const r = await api(`/api/scenarios/${enc(S.name)}/history`); box.hidden = false;
  if (!r.ok || !r.body.length) { box.replaceChildren(el("p", {class:"status", text:r.ok ? "No earlier versions yet: each save keeps the one it replaces." : String(r.body.detail)})); return; }
  const t = el("table", {}, el("tr", {}, ...["replaced at (UTC)", "title", "size", ""].map((h) => el("th", {text:h}))));
  for (const v of r.body) t.append(el("tr", {"data-version":v.version}, el("td", {text:v.saved_at.replace("T", " ").slice(0, 19)}), el("td", {text:v.title || "(untitled)"}), el("td", {text:`${v.size} bytes`}),
    el("td", {}, el("button", {class:"small restore", text:"Restore", onclick:() => restore(v.version)}))));
  box.replaceChildren(el("p", {class:"status", text:"Earlier versions, newest first. Restoring one keeps the current version here too."}), t);
}
async function restore(version) {
  const r = await api(`/api/scenarios/${enc(S.name)}/restore/${enc(version)}`, {method:"POST"});
  if (!r.ok) { $("save-status").textContent = String(r.body.detail); return; }
  await loadList(S.name); $("save-status").textContent = `restored the version replaced at ${version}`;
}
async function poll(id, kind, onDone) {
  S.job = id; $("cancel").disabled = false;
  try {
    for (;;) { const j = (await api(`/api/jobs/${id}`)).body; $("bar").style.width = `${Math.round(j.progress * 100)}%`;
      $("job-status").textContent = `${j.status} ${j.message || ""}`;
      if (j.status === "done") { onDone(j); return; }
      if (j.status === "failed") { $("job-status").textContent = `failed: ${j.error}`; return; }
      if (j.status === "cancelled") { $("job-status").textContent = "cancelled"; return; }
      await new Promise((ok) => setTimeout(ok, 250)); }
  } finally { if (S.job === id) { S.job = null; $("cancel").disabled = true; } }
}
function renderResult(kind, result) { (RENDERERS[kind] || ((x) => renderGeneric(kind, x)))(result); addExports($("results"), kind); }
// ---- export: every chart as SVG and PNG, every table as CSV ----------------------------------
function download(name, href) { const a = el("a", {href, download:name}); document.body.append(a); a.click(); a.remove(); }
function csvCell(t) { return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : (/^[=+@-]/.test(t) && isNaN(+t) ? `'${t}` : t); }
function tableCsv(t) { return [...t.rows].map((r) => [...r.cells].map((c) => csvCell(c.innerText.trim())).join(",")).join("\n") + "\n"; }
function addExports(root, kind) {
  // every chart as SVG and PNG, from its Vega view (view.toSVG, view.toImageURL)
  root.querySelectorAll(".vega-chart").forEach((box, i) => { if (!box.ready) return; const name = `${S.name}-${kind}-chart${i + 1}`;
    const svg = async () => { const v = await box.ready; if (v) download(name + ".svg", "data:image/svg+xml;charset=utf-8," + encodeURIComponent(await v.toSVG())); };
    const png = async () => { const v = await box.ready; if (v) download(name + ".png", await v.toImageURL("png", 2)); };
    box.after(el("div", {class:"exports"}, el("button", {class:"small export-svg", onclick:svg, text:"SVG"}), el("button", {class:"small export-png", onclick:png, text:"PNG"}))); });
  root.querySelectorAll("table").forEach((t, i) => { const name = `${S.name}-${kind}-table${i + 1}.csv`;
    t.after(el("div", {class:"exports"}, el("button", {class:"small export-csv", onclick:() => download(name, "data:text/csv;charset=utf-8," + encodeURIComponent(tableCsv(t))), text:"CSV"}))); });
}
async function run() {
  $("bar").style.width = "0%"; $("results").replaceChildren();
  if (info().read_only) { if (S.dirty) { $("job-status").textContent = "a shipped scenario is read-only: save your edits as a new scenario (Save as) to run them"; return; } }
  else if (S.dirty) { $("job-status").textContent = "saving"; if (!(await save())) { $("job-status").textContent = $("save-status").textContent.includes("only analyst") ? $("save-status").textContent : "fix the problems in the editor first"; return; } }
  const kind = $("analysis").value;
  let params = null;
  try { params = $("params").value.trim() ? JSON.parse($("params").value) : null; } catch (e) { $("job-status").textContent = `parameters are not valid JSON: ${e.message}`; return; }
  const r = await api(`/api/scenarios/${enc(S.name)}/run/${kind}`, {method:"POST", body:JSON.stringify(params)});
  if (!r.ok) { $("job-status").textContent = JSON.stringify(r.body.detail); return; }
  ensureActors();
  await poll(r.body.id, kind, (j) => { renderResult(kind, j.result); $("job-status").textContent = `done (run ${j.run_id})`; });
}
async function openBrief(e) {
  e.preventDefault();
  const w = window.open("", "_blank");  // opened now, while the click still counts as the analyst's
  const r = await api(`/api/scenarios/${enc(S.name)}/brief`, {method:"POST"});
  if (!r.ok) { if (w) w.close(); $("job-status").textContent = String(r.body.detail); return; }
  const url = `/api/briefs/${r.body.id}`; if (w) w.location.href = url; else window.location.href = url;
  await poll(r.body.id, "brief", () => { $("job-status").textContent = "the brief is ready (in its tab)"; });
}
async function cancelJob() {
  if (S.job) await api(`/api/jobs/${S.job}/cancel`, {method:"POST"});
}
async function annotate(id, field, value) {
  const r = await api(`/api/runs/${id}`, {method:"PATCH", body:JSON.stringify({[field]:value})});
  $("diff-out").replaceChildren(el("p", {class:r.ok ? "status" : "refused", text:r.ok ? `run ${id}: ${field} saved` : String(JSON.stringify(r.body.detail))}));
}
async function loadRuns() {
  const q = new URLSearchParams({limit:"100"}); if ($("runs-scenario").value) q.set("scenario", $("runs-scenario").value); if ($("runs-kind").value) q.set("kind", $("runs-kind").value);
  const seq = S.runsSeq = (S.runsSeq || 0) + 1; const r = await api(`/api/runs?${q}`);
  if (seq !== S.runsSeq) return;  // a newer filter was chosen meanwhile
  const t = el("table", {}, el("tr", {}, ...["", "id", "kind", "status", "created (UTC)", "scenario", "label", "note", ""].map((h) => el("th", {text:h}))));
  for (const x of r.body) {
    const text = (field) => { const i = el("input", {type:"text", class:`run-${field}`, "aria-label":`${field} of run ${x.id}`, onchange:(e) => { e.target.title = e.target.value; annotate(x.id, field, e.target.value); }}); i.value = i.title = x[field] || ""; return i; };
    t.append(el("tr", {"data-run":x.id, "data-kind":x.kind}, el("td", {}, el("input", {type:"checkbox", class:"pick", value:x.id, "aria-label":`select run ${x.id}`})),
      ...[x.id, x.kind, x.status].map((v) => el("td", {text:v})), el("td", {class:"when"}, ...x.created_at.slice(0, 19).split("T").flatMap((v) => [el("span", {text:v}), " "])),
      el("td", {text:x.scenario_name || x.scenario || ""}),
      el("td", {}, text("label")), el("td", {}, text("note")),
      el("td", {}, x.status === "done" ? el("button", {class:"small reopen", text:"Open", onclick:() => reopen(x.id)}) : null)));
  }
  $("runs").replaceChildren(t);
}
async function reopen(id) {
  const r = await api(`/api/runs/${id}`);
  if (!r.ok) { $("diff-out").replaceChildren(el("p", {class:"refused", text:String(r.body.detail)})); return; }
  const run = r.body; S.actors = run.actors && run.actors.length ? run.actors : S.actors;
  document.querySelector("nav.tabs button[data-tab=results]").click();
  renderResult(run.kind, run.results); $("bar").style.width = "100%";
  $("job-status").textContent = `run ${run.id} (${run.kind} of ${run.scenario_name || run.scenario || "?"}${run.label ? `, “${run.label}”` : ""}) as stored on ${run.created_at.slice(0, 19).replace("T", " ")} UTC`;
}
function changesTable(title, head, rows, sizeOf) {
  if (!rows.length) return null;
  const max = Math.max(...rows.map(sizeOf).filter((v) => v > 0), 1e-12);
  const t = el("table", {class:"changes"}, el("tr", {}, ...head.map((h) => el("th", {text:h})), el("th", {text:"size"})));
  for (const row of rows) { const size = sizeOf(row);
    t.append(el("tr", {}, ...row.map((v) => el("td", {text:typeof v === "number" ? (+v.toFixed(4)).toString() : shown(v)})),
      el("td", {class:"bar-cell", title:size >= 0 ? (+size.toFixed(4)).toString() : "not a number"}, el("div", {style:`width:${size >= 0 ? Math.max(2, 100 * size / max) : 0}%`})))); }
  return el("div", {}, el("h4", {text:title}), t);
}
async function diff() {
  const ids = [...document.querySelectorAll(".pick:checked")].map((c) => c.value), out = $("diff-out");
  if (ids.length !== 2) { out.replaceChildren(el("p", {class:"refused", text:"select exactly two runs"})); return; }
  const r = await api(`/api/runs/${ids[1]}/diff/${ids[0]}`);
  if (!r.ok) { out.replaceChildren(el("p", {class:"refused", text:typeof r.body.detail === "string" ? r.body.detail : JSON.stringify(r.body.detail)})); return; }
  const d = r.body, num = (o, n) => (typeof o === "number" && typeof n === "number") ? Math.abs(n - o) : -1;
  const parse = (s) => { const v = Number(s); return Number.isFinite(v) && String(s).trim() !== "" ? v : s; };
  const parts = [
    changesTable(`forecasts that moved (${d.counts.forecasts}), largest first`, ["issue", "model", `run ${d.a}`, `run ${d.b}`], d.forecasts, (x) => num(x[2], x[3])),
    changesTable(`results that moved (${d.counts.results}), largest first`, ["result", `run ${d.a}`, `run ${d.b}`], d.results, (x) => num(x[1], x[2])),
    changesTable(`inputs that changed (${d.counts.inputs}), largest first`, ["input", `run ${d.a}`, `run ${d.b}`], d.inputs, (x) => num(parse(x[1]), parse(x[2]))),
    changesTable(`parameters that changed (${d.counts.params})`, ["parameter", `run ${d.a}`, `run ${d.b}`], d.params, (x) => num(parse(x[1]), parse(x[2])))].filter((x) => x);
  out.replaceChildren(el("h3", {text:`${d.kind}: run ${d.a} → run ${d.b}`}), ...(parts.length ? parts : [el("p", {text:"no differences in inputs, parameters or results"})]));
}
async function upload(e) {
  const f = e.target.files[0]; if (!f) return; const fd = new FormData(); fd.append("file", f);
  let r = await fetch("/api/upload", {method:"POST", body:fd}); let b = await r.json();
  if (r.status === 409 && String(b.detail).includes("overwrite=true") && confirm(`${b.detail}\n\nReplace it? The current version is kept as a backup.`)) {
    r = await fetch("/api/upload?overwrite=true", {method:"POST", body:fd}); b = await r.json(); }
  e.target.value = "";
  if (r.ok) loadList(b.name); else $("problems").textContent = JSON.stringify(b.detail);
}
function modelOptions(models) {
  // the model-options form: pick a model, one of its options and a value from its table; "Add
  // option" writes MODEL.OPTION=VALUE into the parameters' model_params (the server checks it)
  const byName = Object.fromEntries(models.map((m) => [m.name, m]));
  for (const m of models) if (m.params.length) $("mp-model").append(el("option", {value:m.name, text:m.label}));
  const value = () => $("mp-value-box").firstChild;
  const showValue = () => {
    const m = byName[$("mp-model").value]; const p = m && m.params.find((q) => q.name === $("mp-option").value);
    $("mp-value-box").textContent = ""; if (!p) return;
    let input;
    if (p.choices) { input = el("select", {"aria-label":"value"}); for (const c of p.choices) input.append(el("option", {value:String(c), text:String(c)})); input.value = String(p.default); }
    else { input = el("input", {size:"8", "aria-label":"value", title:p.help || ""}); input.value = p.default == null ? "" : String(p.default); }
    $("mp-value-box").append(input);
  };
  const showOptions = () => {
    const m = byName[$("mp-model").value]; $("mp-option").textContent = "";
    for (const p of (m ? m.params : [])) $("mp-option").append(el("option", {value:p.name, text:p.name, title:p.help || ""}));
    showValue();
  };
  $("mp-model").addEventListener("change", showOptions); $("mp-option").addEventListener("change", showValue); showOptions();
  $("mp-add").onclick = () => {
    let params = {}; try { params = $("params").value.trim() ? JSON.parse($("params").value) : {}; } catch (e) { $("job-status").textContent = `parameters are not valid JSON: ${e.message}`; return; }
    if (!("model_params" in params)) { $("job-status").textContent = `the ${$("analysis").value} analysis takes no model options`; return; }
    const spec = `${$("mp-model").value}.${$("mp-option").value}=${value() ? value().value : ""}`;
    params.model_params = params.model_params.filter((x) => !x.startsWith(`${$("mp-model").value}.${$("mp-option").value}=`)).concat([spec]);
    $("params").value = JSON.stringify(params);
  };
}
async function init() {
  S.schema = (await api("/api/schema")).body;
  const an = (await api("/api/analyses")).body; for (const k of Object.keys(an)) { $("analysis").append(el("option", {value:k, text:k})); $("runs-kind").append(el("option", {value:k, text:k})); }
  const showParams = () => { $("params").value = JSON.stringify(an[$("analysis").value] || {}); };
  $("analysis").addEventListener("change", showParams); showParams();
  modelOptions((await api("/api/models")).body);
  document.querySelectorAll("nav.tabs button").forEach((b) => b.addEventListener("click", () => {
    document.querySelectorAll("nav.tabs button").forEach((x) => x.classList.toggle("on", x === b));
    document.querySelectorAll("section.tab").forEach((s) => s.classList.toggle("on", s.id === "tab-" + b.dataset.tab));
    if (b.dataset.tab === "runs") loadRuns(); }));
  $("save").onclick = save; $("save-as").onclick = saveAs; $("show-history").onclick = showHistory; $("run").onclick = run; $("cancel").onclick = cancelJob;
  $("refresh-runs").onclick = loadRuns; $("runs-scenario").onchange = loadRuns; $("runs-kind").onchange = loadRuns; $("diff").onclick = diff; $("upload").onchange = upload;
  $("brief-link").addEventListener("click", openBrief);
  const first = (await api("/api/scenarios")).body[0];
  await loadList(first && first.name);
}
init();
