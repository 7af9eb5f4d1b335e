// accord dashboard: forms built from the scenario JSON Schema; charts drawn as SVG. Shipped
// scenarios are read-only (Save as); past runs reopen with the same renderers as fresh ones.
"use strict";
const ACTOR_PALETTE = ["#0072B2","#D55E00","#009E73","#CC79A7","#E69F00","#56B4E9","#F0E442","#000000",
  "#4E79A7","#F28E2B","#E15759","#76B7B2","#59A14F","#EDC948","#B07AA1","#FF9DA7","#9C755F","#BAB0AC"];
const MODEL_COLOURS = {compromise:"#1b9e77", median:"#d95f02", bdm:"#7570b3", smp:"#e7298a", exchange:"#66a61e", ensemble:"#444444"};
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
// ---- charts (SVG, interactive tooltips) ----------------------------------------------------
const NS = "http://www.w3.org/2000/svg";
const sv = (tag, attrs={}, text) => { const e = document.createElementNS(NS, tag); for (const [k,v] of Object.entries(attrs)) e.setAttribute(k, v); if (text != null) e.textContent = text; return e; };
function wrapText(text, width, lines) {
  const words = text.split(/\s+/), out = [""];
  for (const w of words) { if ((out.at(-1) + " " + w).trim().length > width && out.at(-1)) out.push(w); else out[out.length - 1] = (out.at(-1) + " " + w).trim(); }
  if (out.length > lines) { out.length = lines; out[lines - 1] = out[lines - 1].slice(0, width - 1) + "…"; }
  return out;
}
function actorColour(id) { const i = S.actors.findIndex((a) => a.id === id); return ACTOR_PALETTE[(i < 0 ? 0 : i) % ACTOR_PALETTE.length]; }
function forecastChart(c, labels) {
  const W = 900, left = 150, right = 70, models = Object.keys(c.forecasts), H = 70 + 34 * (models.length + 1);
  const x = (v) => left + 24 + (v - c.min) / (c.max - c.min) * (W - left - right - 48);
  const g = sv("svg", {width:W, height:H + 60, viewBox:`0 0 ${W} ${H + 60}`, class:"chart", "data-issue":c.issue});
  g.append(sv("text", {x:4, y:14, "font-size":12, "font-weight":600}, `${c.name}: ${c.question}`));
  const axisY = H - 20; g.append(sv("line", {x1:left, x2:W - right, y1:axisY, y2:axisY, stroke:"#333"}));
  const gap = c.labels.length > 1 ? Math.min(...c.labels.slice(1).map(([p], i) => x(p) - x(c.labels[i][0]))) : W;
  const chars = Math.max(12, Math.floor(gap / 6.4));
  for (const [p, t] of c.labels) { g.append(sv("line", {x1:x(p), x2:x(p), y1:30, y2:axisY + 4, stroke:"#ddd"}));
    const frac = (p - c.min) / (c.max - c.min), anchor = frac > 0.85 ? "end" : frac < 0.15 ? "start" : "middle";
    const ax = anchor === "end" ? x(p) + 20 : anchor === "start" ? x(p) - 20 : x(p);
    const tx = sv("text", {x:ax, y:axisY + 14, "font-size":10, "text-anchor":anchor});
    wrapText(`${p}: ${t}`, anchor === "middle" ? chars : Math.max(12, Math.floor(chars / 2)), 4).forEach((line, i) => tx.append(sv("tspan", {x:ax, dy: i ? 12 : 0}, line)));
    tx.append(sv("title", {}, t)); g.append(tx); }
  g.append(sv("text", {x:(left + W) / 2, y:axisY + 66, "font-size":11, "text-anchor":"middle"}, `${c.name} (scale ${c.min}..${c.max})`));
  const rowY = (i) => axisY - 26 - 34 * i;
  g.append(sv("text", {x:left - 8, y:rowY(0) + 4, "font-size":11, "text-anchor":"end"}, "actors' positions"));
  const wmax = Math.max(...c.actors.map((a) => a.weight), 1e-9);
  c.actors.forEach((a, k) => { const dot = sv("circle", {cx:x(a.position), cy:rowY(0) + ((k % 3) - 1) * 6, r:4 + 9 * Math.sqrt(a.weight / wmax), fill:actorColour(a.id), "fill-opacity":0.8, stroke:"#fff"});
    const name = (S.actors.find((b) => b.id === a.id) || {name:a.id}).name; dot.append(sv("title", {}, `${name}: position ${a.position}, capability × salience ${a.weight.toFixed(3)}`)); g.append(dot); });
  models.forEach((m, i) => { const v = c.forecasts[m], y = rowY(i + 1);
    g.append(sv("text", {x:left - 8, y:y + 4, "font-size":11, "text-anchor":"end"}, labels[m] || m));
    const mk = sv("rect", {x:x(v) - 6, y:y - 6, width:12, height:12, fill:MODEL_COLOURS[m] || "#666", class:"forecast", "data-model":m, "data-value":v.toFixed(3)});
    mk.append(sv("title", {}, `${labels[m] || m}: ${v.toFixed(2)}`)); g.append(mk);
    g.append(sv("text", {x:x(v) + 10, y:y + 4, "font-size":11}, v.toFixed(1))); });
  return g;
}
function renderForecast(res) {
  const out = $("results"); out.replaceChildren();
  S.actors = res.actors;
  for (const c of res.charts) { out.append(forecastChart(c, res.model_labels));
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
      for (const [m, tr] of traces) det.append(trajectoryChart(c, m, tr, res.model_labels[m] || m)); out.append(det); } }
  out.append(el("p", {class:"status", text:`evidence: ${res.evidence.quoted} of ${res.evidence.numbers} numbers quoted, ${res.evidence.judgement} judgement`}));
}
function renderGeneric(kind, res) { $("results").replaceChildren(el("pre", {style:"white-space:pre-wrap;font-size:.85em", text:JSON.stringify(res, null, 2)})); }
function ensureActors() { if (!S.actors || !S.actors.length) S.actors = ((S.data && S.data.actors) || []).map((a) => ({id:a.id, name:a.name || a.id})); }
// rows: [{label, colour, lo, hi, boxLo, boxHi, mid, tip}] drawn on the part of the issue's scale they use
function rangeChart(c, rows, title, base) {
  const W = 940, left = 330, right = 40, rowH = 30, H = 46 + rowH * rows.length;
  const vals = rows.flatMap((r) => [r.lo, r.hi]).concat(base == null ? [] : [base]).filter((v) => v != null);
  const width = c.max - c.min; let a = Math.min(...vals), b = Math.max(...vals); const pad = Math.max(0.08 * (b - a), 0.03 * width);
  a = Math.max(c.min, a - pad); b = Math.min(c.max, b + pad); if (b - a < 0.1 * width) { const m = (a + b) / 2; a = Math.max(c.min, m - 0.05 * width); b = Math.min(c.max, m + 0.05 * width); }
  const x = (v) => left + (v - a) / (b - a) * (W - left - right);
  const inside = c.labels.filter(([p]) => p >= a && p <= b);
  const g = sv("svg", {width:W, height:H + 40 + 14 * inside.length, viewBox:`0 0 ${W} ${H + 40 + 14 * inside.length}`, class:"chart", "data-issue":c.issue});
  g.append(sv("text", {x:4, y:14, "font-size":12, "font-weight":600}, title));
  const axisY = H - 6; g.append(sv("line", {x1:left, x2:W - right, y1:axisY, y2:axisY, stroke:"#333"}));
  for (let k = 0; k <= 5; k++) { const v = a + (b - a) * k / 5; g.append(sv("line", {x1:x(v), x2:x(v), y1:axisY, y2:axisY + 4, stroke:"#333"})); g.append(sv("text", {x:x(v), y:axisY + 16, "font-size":10, "text-anchor":"middle"}, v.toFixed(1))); }
  for (const [p, t] of inside) { const ln = sv("line", {x1:x(p), x2:x(p), y1:24, y2:axisY, stroke:"#777", "stroke-dasharray":"2,3"}); ln.append(sv("title", {}, `${p}: ${t}`)); g.append(ln); }
  g.append(sv("text", {x:(left + W - right) / 2, y:axisY + 32, "font-size":11, "text-anchor":"middle"}, `${c.name} (scale ${c.min}..${c.max}; view ${a.toFixed(0)}..${b.toFixed(0)})`));
  inside.forEach(([p, t], i) => g.append(sv("text", {x:left, y:axisY + 48 + 14 * i, "font-size":10, fill:"#444"}, `dotted ${p} = ${t}`)));
  if (base != null) g.append(sv("line", {x1:x(base), x2:x(base), y1:24, y2:axisY, stroke:"#000", "stroke-dasharray":"5,3"}));
  rows.forEach((r, i) => { const y = 36 + rowH * i, grp = sv("g", {class:"range", "data-label":r.label});
    grp.append(sv("text", {x:left - 8, y:y + 4, "font-size":11, "text-anchor":"end"}, r.label));
    grp.append(sv("line", {x1:x(r.lo), x2:x(r.hi), y1:y, y2:y, stroke:r.colour, "stroke-width":2}));
    if (r.boxLo != null) grp.append(sv("rect", {x:Math.min(x(r.boxLo), x(r.boxHi)), y:y - 8, width:Math.max(1, Math.abs(x(r.boxHi) - x(r.boxLo))), height:16, fill:r.colour, "fill-opacity":0.35, stroke:r.colour}));
    if (r.mid != null) grp.append(sv("circle", {cx:x(r.mid), cy:y, r:5, fill:r.colour}));
    grp.append(sv("title", {}, r.tip)); g.append(grp); });
  return g;
}
function renderSimulate(res) {
  const out = $("results"); out.replaceChildren(); ensureActors();
  out.append(el("p", {class:"status", text:`${res.draws} draws; P(zone of agreement today) = ${res.p_zone == null ? "–" : Math.round(100 * res.p_zone) + "%"}; models: ${res.models.join(", ")}`}));
  for (const c of res.issues) { if (!c.rows.length) continue;
    const rows = c.rows.map((r) => ({label:r.label, colour:r.model === "nash" ? "#000" : (MODEL_COLOURS[r.model] || "#666"), lo:r.q05, hi:r.q95, boxLo:r.q25, boxHi:r.q75, mid:r.q50,
      tip:`${r.label}: median ${r.q50.toFixed(1)}; middle 50% ${r.q25.toFixed(1)}–${r.q75.toFixed(1)}; 90% ${r.q05.toFixed(1)}–${r.q95.toFixed(1)}`}));
    out.append(rangeChart(c, rows, `Spread over draws: ${c.name}`)); }
}
function renderSensitivity(res) {
  const out = $("results"); out.replaceChildren(); ensureActors();
  out.append(el("p", {class:"status", text:`one input at a time at its low and high end; model ${res.model}; bar colour: the input's actor`}));
  for (const c of res.issues) { if (!c.rows.length) { out.append(el("p", {text:`${c.name}: no single input moves this forecast.`})); continue; }
    const rows = c.rows.map((r) => ({label:r.label, colour:r.actor ? actorColour(r.actor) : "#666", lo:Math.min(r.at_low, r.at_high), hi:Math.max(r.at_low, r.at_high), boxLo:r.at_low, boxHi:r.at_high,
      tip:`${r.label}: at ${r.low} the forecast is ${r.at_low.toFixed(1)}, at ${r.high} it is ${r.at_high.toFixed(1)} (swing ${r.swing.toFixed(1)})`}));
    out.append(rangeChart(c, rows, `What moves the forecast on ${c.name}`, c.base)); }
}
function renderProcess(res) {
  const out = $("results"); out.replaceChildren();
  const W = 900, left = 120, rowH = 30, H = 40 + rowH * res.processes.length, g = sv("svg", {width:W, height:H + 30, viewBox:`0 0 ${W} ${H + 30}`, class:"chart"});
  g.append(sv("text", {x:4, y:14, "font-size":12, "font-weight":600}, `How the talks end (${res.runs} runs per process)`));
  const x = (v) => left + v * (W - left - 180);
  res.processes.forEach((p, i) => { const y = 28 + rowH * i; let at = 0;
    g.append(sv("text", {x:left - 8, y:y + 14, "font-size":11, "text-anchor":"end"}, p.process));
    for (const [key, colour, name] of [["p_deal", "#009E73", "deal"], ["p_breakdown", "#BBBBBB", "breakdown"], ["p_escalation", "#D55E00", "escalation"]]) {
      const r = sv("rect", {x:x(at), y, width:Math.max(0, x(at + p[key]) - x(at)), height:20, fill:colour, class:"outcome", "data-process":p.process, "data-outcome":name, "data-value":p[key]});
      r.append(sv("title", {}, `${p.process}: ${name} in ${Math.round(100 * p[key])}% of runs`)); g.append(r); at += p[key]; }
    g.append(sv("text", {x:x(1) + 6, y:y + 14, "font-size":11}, `deal ${Math.round(100 * p.p_deal)}%`)); });
  g.append(sv("text", {x:x(0.5), y:H + 20, "font-size":11, "text-anchor":"middle"}, "share of simulated runs: deal (green), breakdown (grey), escalation (red)"));
  out.append(g);
  const t = el("table", {}, el("tr", {}, ...["process", "P(deal)", "P(breakdown)", "P(escalation)", "months to deal (median)", "most common deal"].map((h) => el("th", {text:h}))));
  for (const p of res.processes) t.append(el("tr", {}, ...[p.process, `${Math.round(100 * p.p_deal)}%`, `${Math.round(100 * p.p_breakdown)}%`, `${Math.round(100 * p.p_escalation)}%`,
    p.months_to_deal ? String(p.months_to_deal.median) : "–", p.most_common_deal ? Object.entries(p.most_common_deal.values).map(([k, v]) => `${k} ${v}`).join("; ") : "–"].map((v) => el("td", {text:v}))));
  out.append(t);
  for (const n of res.notes || []) out.append(el("p", {class:"status", text:n}));
}
function axes(g, x, y, xs, ys, xlab, ylab, L, T, W, H) {
  g.append(sv("line", {x1:L, x2:W, y1:H, y2:H, stroke:"#333"})); g.append(sv("line", {x1:L, x2:L, y1:T, y2:H, stroke:"#333"}));
  for (const v of xs) { g.append(sv("line", {x1:x(v), x2:x(v), y1:H, y2:H + 4, stroke:"#333"})); g.append(sv("text", {x:x(v), y:H + 16, "font-size":10, "text-anchor":"middle"}, String(v))); }
  for (const v of ys) { g.append(sv("line", {x1:L - 4, x2:L, y1:y(v), y2:y(v), stroke:"#333"})); g.append(sv("text", {x:L - 6, y:y(v) + 3, "font-size":10, "text-anchor":"end"}, String(v))); }
  g.append(sv("text", {x:(L + W) / 2, y:H + 32, "font-size":11, "text-anchor":"middle"}, xlab));
  g.append(sv("text", {x:14, y:(T + H) / 2, "font-size":11, "text-anchor":"middle", transform:`rotate(-90 14 ${(T + H) / 2})`}, ylab));
}
function ripenessChart(res) {
  const all = res.ripeness.timeline, tl = all.filter((p) => p.max_min_gain != null), W = 880, L = 70, T = 30, H = 250, R = W - 20;
  const gmin = Math.min(...tl.map((p) => p.max_min_gain), 0), gmax = Math.max(...tl.map((p) => p.max_min_gain), 0.01);
  const mmax = all.at(-1).month, x = (m) => L + (m / mmax) * (R - L), y = (v) => H - (v - gmin) / (gmax - gmin) * (H - T);
  const g = sv("svg", {width:W, height:H + 50, viewBox:`0 0 ${W} ${H + 50}`, class:"chart", id:"ripeness"});
  g.append(sv("text", {x:4, y:14, "font-size":12, "font-weight":600}, "Ripeness: the worst-off party's best gain over no deal, as the war goes on"));
  axes(g, x, y, [0, 24, 48, 72, 96, 120].filter((m) => m <= mmax), [gmin, gmin / 2, 0].map((v) => +v.toFixed(3)), "months of continued war", "gain of the worst-off party", L, T, R, H);
  g.append(sv("line", {x1:L, x2:R, y1:y(0), y2:y(0), stroke:"#999", "stroke-dasharray":"4,3"}));
  g.append(sv("polyline", {points:tl.map((p) => `${x(p.month)},${y(p.max_min_gain)}`).join(" "), fill:"none", stroke:"#0072B2", "stroke-width":2}));
  for (const p of tl) { const c = sv("circle", {cx:x(p.month), cy:y(p.max_min_gain), r:3, fill:p.zopa_size > 0 ? "#009E73" : "#0072B2", class:"month"});
    c.append(sv("title", {}, `month ${p.month}: worst-off party's best gain ${p.max_min_gain.toFixed(3)}; ${p.zopa_size} grid packages in the zone`)); g.append(c); }
  for (const [m, lab, col] of [[res.ripeness.opens_at_month_continuous, "zone opens (continuous scales)", "#D55E00"], [res.ripeness.opens_at_month, "zone opens (grid)", "#E69F00"]]) {
    if (m == null) continue; g.append(sv("line", {x1:x(m), x2:x(m), y1:T, y2:H, stroke:col, "stroke-dasharray":"5,3"}));
    g.append(sv("text", {x:x(m) + 4, y:T + 12 + (col === "#E69F00" ? 14 : 0), "font-size":10, fill:col}, `${lab}: month ${m}`)); }
  return g;
}
function mapChart(mp, names) {
  const W = 620, L = 60, T = 30, H = 470, R = W - 20, x = (v) => L + v * (R - L), y = (v) => H - v * (H - T);
  const g = sv("svg", {width:W, height:H + 50, viewBox:`0 0 ${W} ${H + 50}`, class:"chart", id:"bargaining-map"});
  g.append(sv("text", {x:4, y:14, "font-size":12, "font-weight":600}, `Bargaining map: ${mp.shown} of ${mp.packages} packages`));
  axes(g, x, y, [0, 0.25, 0.5, 0.75, 1], [0, 0.25, 0.5, 0.75, 1], `utility of ${names[mp.x] || mp.x}`, `utility of ${names[mp.y] || mp.y}`, L, T, R, H);
  const col = ["#cccccc", "#8da0cb", "#1b9e77"];
  for (const [u, v, c] of mp.points) g.append(sv("circle", {cx:x(u), cy:y(v), r:c === 2 ? 3 : 1.6, fill:col[c]}));
  const nd = sv("path", {d:`M${x(mp.no_deal[0]) - 6},${y(mp.no_deal[1]) - 6}l12,12m0,-12l-12,12`, stroke:"#000", "stroke-width":3}); nd.append(sv("title", {}, `no deal now: ${mp.no_deal.map((v) => v.toFixed(3)).join(", ")}`)); g.append(nd);
  for (const [k, [u, v]] of Object.entries(mp.solutions)) { const s = sv("rect", {x:x(u) - 5, y:y(v) - 5, width:10, height:10, fill:"#D55E00", class:"solution"}); s.append(sv("title", {}, `${k}: ${u.toFixed(3)}, ${v.toFixed(3)}`)); g.append(s); }
  g.append(sv("text", {x:L + 8, y:T + 10, "font-size":10, fill:"#555"}, "grey: all packages; blue: within every red line; green: the zone; X: no deal; squares: solutions (hover)"));
  return g;
}
function renderBargain(res) {
  const out = $("results"); out.replaceChildren(); ensureActors();
  const names = res.names || {};
  out.append(el("p", {class:"status", text:res.zone_exists ? `A zone of agreement exists now: ${res.zopa_size} packages.` : "No package beats continued war for every party now."}));
  out.append(ripenessChart(res));
  if (res.map) out.append(mapChart(res.map, names));
  const pk = res.ripeness.package || (res.solutions && res.solutions.nash);
  if (pk) { const t = el("table", {}, el("tr", {}, el("th", {text:"issue"}), el("th", {text:"value"}), el("th", {text:"deal term"})));
    for (const [k, v] of Object.entries(pk.values)) t.append(el("tr", {}, el("td", {text:k}), el("td", {text:String(v)}), el("td", {text:pk.labels[k]})));
    out.append(el("h3", {text:res.zone_exists ? "Nash package now" : `Nash package when the zone opens (month ${res.ripeness.opens_at_month})`}), t); }
  for (const n of res.notes || []) out.append(el("p", {class:"status", text:n}));
}
function trajectoryChart(c, model, tr, label) {
  const W = 880, L = 300, T = 30, H = 200, R = W - 140, n = tr.positions.length - 1;
  const x = (t) => L + (n ? t / n : 0) * (R - L), y = (v) => H - (v - c.min) / (c.max - c.min) * (H - T);
  const g = sv("svg", {width:W, height:H + 46, viewBox:`0 0 ${W} ${H + 46}`, class:"chart trajectory", "data-issue":c.issue, "data-model":model});
  g.append(sv("text", {x:4, y:14, "font-size":12, "font-weight":600}, `${label}: positions round by round on ${c.name}`));
  axes(g, x, y, [...Array(n + 1).keys()], [], "round", "", L, T, R, H);
  c.labels.forEach(([p, t]) => { const tx = sv("text", {x:L - 8, y:y(p) + 3, "font-size":9, "text-anchor":"end", fill:"#555"}, `${p}: ${wrapText(t, 44, 1)[0]}`); tx.append(sv("title", {}, t)); g.append(tx); });
  tr.actors.forEach((a, k) => { const name = (S.actors.find((b) => b.id === a) || {name:a}).name;
    const ln = sv("polyline", {points:tr.positions.map((row, t) => `${x(t)},${y(row[k])}`).join(" "), fill:"none", stroke:actorColour(a), "stroke-width":2});
    ln.append(sv("title", {}, `${name}: ${tr.positions.map((row) => row[k].toFixed(1)).join(" → ")}`)); g.append(ln); });
  const ends = new Map();   // actors ending at the same place share one label
  tr.actors.forEach((a, k) => { const v = tr.positions.at(-1)[k].toFixed(1); ends.set(v, [...(ends.get(v) || []), a]); });
  for (const [v, ids] of ends) { const tx = sv("text", {x:R + 6, y:y(+v) + 3, "font-size":9, fill:ids.length > 1 ? "#333" : actorColour(ids[0])},
      ids.length > 1 ? `${ids.length} actors at ${v}` : (S.actors.find((b) => b.id === ids[0]) || {name:ids[0]}).name.slice(0, 22));
    tx.append(sv("title", {}, ids.map((a) => (S.actors.find((b) => b.id === a) || {name:a}).name).join(", "))); g.append(tx); }
  g.append(sv("polyline", {points:tr.forecast.map((v, t) => `${x(t)},${y(v)}`).join(" "), fill:"none", stroke:"#000", "stroke-dasharray":"5,3", "stroke-width":1.5}));
  return g;
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
function svgText(svg) { const c = svg.cloneNode(true); c.setAttribute("xmlns", "http://www.w3.org/2000/svg"); return new XMLSerializer().serializeToString(c); }
function svgData(svg) { return "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText(svg)); }
function pngOf(svg, name) {
  const box = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width ? svg.viewBox.baseVal : svg.getBoundingClientRect();
  const img = new Image(); img.onload = () => { const k = 2, cv = document.createElement("canvas"); cv.width = box.width * k; cv.height = box.height * k;
    const g = cv.getContext("2d"); g.fillStyle = "#fff"; g.fillRect(0, 0, cv.width, cv.height); g.drawImage(img, 0, 0, cv.width, cv.height); download(name, cv.toDataURL("image/png")); };
  img.src = svgData(svg);
}
function csvCell(t) { return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : (/^[=+@-]/.test(t) && isNaN(+t) ? `'${t}` : t); }
function tableCsv(t) { return [...t.rows].map((r) => [...r.cells].map((c) => csvCell(c.innerText.trim())).join(",")).join("\n") + "\n"; }
function addExports(root, kind) {
  root.querySelectorAll("svg.chart").forEach((svg, i) => { const name = `${S.name}-${kind}-chart${i + 1}`;
    svg.after(el("div", {class:"exports"}, el("button", {class:"small export-svg", onclick:() => download(name + ".svg", svgData(svg)), text:"SVG"}), el("button", {class:"small export-png", onclick:() => pngOf(svg, name + ".png"), text:"PNG"}))); });
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
    const text = (field) => { const i = el("input", {type:"text", class:`run-${field}`, "aria-label":`${field} of run ${x.id}`, onchange:(e) => annotate(x.id, field, e.target.value)}); i.value = x[field] || ""; return i; };
    t.append(el("tr", {"data-run":x.id, "data-kind":x.kind}, el("td", {}, el("input", {type:"checkbox", class:"pick", value:x.id, "aria-label":`select run ${x.id}`})),
      ...[x.id, x.kind, x.status, x.created_at.slice(0, 19).replace("T", " "), x.scenario_name || x.scenario || ""].map((v) => el("td", {text:v})),
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
