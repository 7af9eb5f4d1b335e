// accord dashboard: the team review (threads on numbers, reviewers' own values, sign-off,
// activity). Reads the open scenario from app.js's state S (S.name, S.data) and nothing else;
// every number field of the editor gets a "discuss" button with its count of threads.
"use strict";
(() => {
  const R = {me: null, name: null, threads: [], views: [], address: null};
  const $r = (id) => document.getElementById(id);
  const mk = (tag, attrs = {}, ...kids) => { const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) { if (v == null) continue; if (k === "text") e.textContent = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v); }
    for (const k of kids) if (k != null) e.append(k); return e; };
  async function call(path, opts = {}) {
    const r = await fetch(path, {headers: {"content-type": "application/json"}, ...opts});
    const body = r.headers.get("content-type")?.includes("json") ? await r.json() : await r.text();
    return {ok: r.ok, status: r.status, body};
  }
  const said = (b) => typeof b.detail === "string" ? b.detail : JSON.stringify(b.detail || b);
  const may = (right) => !!R.me && R.me.rights.includes(right);
  const fmt = (v) => v === null || v === undefined ? "—" : (typeof v === "number" ? String(+v.toFixed(6)) : String(v));
  const when = (t) => t.slice(0, 16).replace("T", " ");
  const base = () => `/api/review/${encodeURIComponent(S.name)}`;

  // ---- a field's stable address (actor:ID/issue:ID/salience), from its place in the form ----
  function addressOf(place) {
    const d = S.data; if (!d) return null; let m;
    if ((m = /^actors\[(\d+)\](?:\.(.+))?$/.exec(place))) {
      const a = d.actors[+m[1]]; if (!a) return null; const rest = m[2];
      if (!rest) return `actor:${a.id}`;
      if ((m = /^stances\.([^.]+)\.(position|salience|red_line|capability)\.value$/.exec(rest))) return `actor:${a.id}/issue:${m[1]}/${m[2]}`;
      if ((m = /^(capability|red_lines_move_together)\.value$/.exec(rest))) return `actor:${a.id}/${m[1]}`;
      if ((m = /^no_deal\.([a-z_]+)\.value$/.exec(rest))) return `actor:${a.id}/no_deal/${m[1]}`;
      return null;
    }
    if ((m = /^issues\[(\d+)\](?:\.(.+))?$/.exec(place))) {
      const i = d.issues[+m[1]]; if (!i) return null; const rest = m[2];
      if (!rest) return `issue:${i.id}`;
      if (rest === "status_quo.value") return `issue:${i.id}/status_quo`;
      if ((m = /^scale\.labels\.(.+)$/.exec(rest))) return `issue:${i.id}/label:${+m[1]}`;
      return null;
    }
    if ((m = /^war\.drift_per_month\.([^.]+)\.value$/.exec(place))) return `war/drift:${m[1]}`;
    return place === "war.discount_rate_per_month.value" ? "war/discount_rate" : null;
  }
  function decorate() {
    const form = $r("form"); if (!form || !S.data) return;
    const count = {}; for (const t of R.threads) if (t.status === "open") count[t.address] = (count[t.address] || 0) + 1;
    const all = {}; for (const t of R.threads) all[t.address] = (all[t.address] || 0) + 1;
    const fields = [...form.querySelectorAll('input[data-path$=".value"], input[data-path*=".scale.labels."]')].map((e) => [e, e.dataset.path]);
    const sets = [...form.querySelectorAll("fieldset[data-path]")].filter((f) => /^(actors|issues)\[\d+\]$/.test(f.dataset.path)).map((f) => [f.querySelector("legend"), f.dataset.path]);
    for (const [anchor, place] of [...fields, ...sets]) {
      const address = addressOf(place); if (!address || !anchor) continue;
      let b = anchor.parentElement.querySelector(`:scope > button.discuss[data-address="${CSS.escape(address)}"]`);
      if (!b) { b = mk("button", {class: "small discuss", type: "button", "data-address": address, title: `discuss ${address}`, onclick: (e) => { e.preventDefault(); openReview(address); }});
        anchor.after(b); }
      const n = all[address] || 0, open = count[address] || 0;
      const text = n ? `discuss · ${open ? open + " open" : n}` : "discuss";
      if (b.textContent !== text) b.textContent = text;
      if (b.classList.contains("open-threads") !== open > 0) b.classList.toggle("open-threads", open > 0);
    }
  }
  let pending = false;
  async function refresh() {
    if (!S.name) return; R.name = S.name;
    const [t, v] = await Promise.all([call(`${base()}/threads`), call(`${base()}/views`)]);
    if (R.name !== S.name) return;
    R.threads = t.ok ? t.body : []; R.views = v.ok ? v.body : [];
    decorate(); if ($r("tab-review")?.classList.contains("on")) await show();
  }
  function observe() {
    const form = $r("form"); if (!form) return;
    new MutationObserver(() => { if (pending) return; pending = true;
      setTimeout(() => { pending = false; if (S.name !== R.name) refresh(); else decorate(); }, 50); }).observe(form, {childList: true, subtree: true});
  }
  function openReview(address) {  // the tab's click handler refreshes and shows it
    R.address = address; document.querySelector('nav.tabs button[data-tab="review"]')?.click();
  }

  // ---- the Review tab ------------------------------------------------------------------------
  function evidenceFields(prefix) {
    return mk("div", {class: "rv-evidence"},
      mk("input", {type: "text", class: `${prefix}-source`, placeholder: "source (id or title)", "aria-label": "source", size: "16"}),
      mk("input", {type: "text", class: `${prefix}-quote`, placeholder: "quote (verbatim)", "aria-label": "quote"}),
      mk("input", {type: "text", class: `${prefix}-judgement`, placeholder: "or: your judgement", "aria-label": "judgement"}));
  }
  function evidenceOf(box, prefix) {
    const get = (k) => box.querySelector(`.${prefix}-${k}`).value.trim();
    const source = get("source"), quote = get("quote"), judgement = get("judgement");
    if (quote || source) return {source, quote};
    return judgement ? {judgement} : null;
  }
  function postForm(thread) {
    const kinds = [["comment", "comment"], ["propose", "comment"], ["agree", "review"], ["object", "review"],
      [thread && thread.status === "resolved" ? "reopen" : "resolve", "resolve"]].filter(([, right]) => may(right)).map(([k]) => k);
    if (!thread) { const first = new Set(["comment", "propose", "object"]); kinds.splice(0, kinds.length, ...kinds.filter((k) => first.has(k))); }
    if (!kinds.length) return mk("p", {class: "status", text: `${R.me ? R.me.name : "you"} may not post here`});
    const box = mk("div", {class: "rv-form"});
    const kind = mk("select", {class: "rv-kind", "aria-label": "kind of post"}, ...kinds.map((k) => mk("option", {value: k, text: k})));
    const text = mk("textarea", {class: "rv-text", placeholder: thread ? "your answer" : "what is the question or the objection?", "aria-label": "text"});
    const proposed = mk("input", {type: "number", step: "any", class: "rv-proposed", placeholder: "other value", "aria-label": "proposed value"});
    const msg = mk("span", {class: "status rv-msg"});
    const send = mk("button", {type: "button", class: "rv-send", text: thread ? "Post" : "Start thread", onclick: async () => {
      const body = {kind: kind.value, text: text.value.trim()};
      if (proposed.value !== "" && ["propose", "object"].includes(kind.value)) body.proposed = Number(proposed.value);
      const ev = evidenceOf(box, "rv"); if (ev && ["propose", "object"].includes(kind.value)) body.evidence = ev;
      if (!thread) body.address = R.address;
      const r = await call(thread ? `/api/review/threads/${thread.id}/posts` : `${base()}/threads`, {method: "POST", body: JSON.stringify(body)});
      if (!r.ok) { msg.textContent = said(r.body); msg.classList.add("refused"); return; }
      await refresh(); }});
    box.append(mk("div", {class: "toolbar"}, kind, proposed, send, msg), text, evidenceFields("rv"));
    return box;
  }
  function threadBox(t) {
    const posts = t.posts.map((p) => mk("li", {class: `rv-post rv-${p.kind}`},
      mk("b", {text: p.author}), ` ${p.kind} · ${when(p.at)} UTC: `, p.text,
      p.proposed != null ? mk("span", {class: "rv-proposed-value", text: ` → proposes ${fmt(p.proposed)}`}) : null,
      p.evidence ? mk("div", {class: p.evidence.quote ? "quote" : "status", text: p.evidence.quote ? `“${p.evidence.quote}” (${p.evidence.source})` : `judgement: ${p.evidence.judgement}`}) : null));
    return mk("div", {class: `rv-thread ${t.status}`, "data-thread": t.id, "data-address": t.address},
      mk("div", {class: "rv-head"}, mk("code", {text: t.address}), mk("span", {class: `badge rv-status`, text: t.status + (t.resolved_by ? ` by ${t.resolved_by}` : "")}),
        mk("span", {class: "status", text: ` value ${fmt(t.value_now)} · started by ${t.created_by} on version ${t.version}`})),
      t.change_note ? mk("div", {class: "note rv-changed", text: t.change_note}) : null,
      mk("ul", {}, ...posts), postForm(t));
  }
  function viewsBox() {
    const box = mk("div", {class: "rv-views"}, mk("h3", {text: "Reviewers' own values"}));
    const byAddr = {}; for (const v of R.views) (byAddr[v.address] = byAddr[v.address] || []).push(v);
    const t = mk("table", {}, mk("tr", {}, ...["number", "reviewer", "value", "range", "evidence", ""].map((h) => mk("th", {text: h}))));
    for (const [address, vs] of Object.entries(byAddr)) vs.forEach((v, i) => t.append(mk("tr", {"data-address": address},
      mk("td", {}, mk("code", {text: address})), mk("td", {text: v.reviewer}), mk("td", {text: fmt(v.value)}), mk("td", {text: `${fmt(v.low)} – ${fmt(v.high)}`}),
      mk("td", {text: v.evidence ? (v.evidence.quote || v.evidence.judgement || "") : ""}),
      mk("td", {}, i === 0 && may("edit") ? mk("button", {class: "small rv-adopt", type: "button", text: `use ${vs.length === 1 ? "this view" : `these ${vs.length} views`} as its uncertainty`, onclick: async () => {
        const r = await call(`${base()}/adopt-panel`, {method: "POST", body: JSON.stringify({address})});
        const msg = r.ok ? `${address}: the pool of ${r.body.reviewers.join(", ")} (range ${r.body.low}–${r.body.high}) is now its uncertainty (saved in the scenario)` : said(r.body);
        if (r.ok && typeof openScenario === "function") { await openScenario(S.name); await refresh(); }
        $r("rv-say").textContent = msg; }}) : null))));
    if (R.views.length) box.append(t); else box.append(mk("p", {class: "status", text: "No reviewer has given their own value yet."}));
    if (may("review") && R.address) {
      const val = mk("input", {type: "number", step: "any", class: "rv-v-value", "aria-label": "your value", placeholder: "value"});
      const lo = mk("input", {type: "number", step: "any", class: "rv-v-low", "aria-label": "low", placeholder: "low"});
      const hi = mk("input", {type: "number", step: "any", class: "rv-v-high", "aria-label": "high", placeholder: "high"});
      const f = mk("div", {class: "toolbar"}, mk("span", {text: `your value for ${R.address}:`}), val, lo, hi);
      f.append(mk("button", {type: "button", class: "rv-give", text: "Give", onclick: async () => {
        const body = {address: R.address, value: Number(val.value), low: Number(lo.value), high: Number(hi.value)};
        const r = await call(`${base()}/views`, {method: "PUT", body: JSON.stringify(body)});
        if (!r.ok) { $r("rv-say").textContent = said(r.body); return; } await refresh(); }}));
      box.append(f);
    }
    return box;
  }
  async function statusBox() {
    const r = await call(`${base()}/status`); if (!r.ok) return mk("p", {class: "refused", text: said(r.body)});
    const s = r.body, box = mk("div", {class: "rv-statusbox note"});
    box.append(mk("div", {class: "rv-version", text: `Version ${s.version}: ` + (s.signed_off.length ? `signed off by ${s.signed_off.map((x) => `${x.by} (${when(x.at)} UTC)`).join(", ")}` : "not signed off")
      + (!s.signed_off.length && s.earlier_signoffs.length ? `; an earlier version was signed off by ${s.earlier_signoffs.at(-1).by}` : "")}));
    box.append(mk("div", {class: "rv-disputes", text: s.disputes.length ? `${s.disputes.length} disputed: ` + s.disputes.map((d) => `${d.address} (${d.who}${d.proposed != null ? " proposes " + fmt(d.proposed) : ""})`).join("; ") : "no number is disputed"}));
    const tools = mk("div", {class: "toolbar"});
    if (may("sign_off")) tools.append(mk("button", {type: "button", id: "rv-sign-off", text: `Sign off version ${s.version}`, onclick: async () => {
      const x = await call(`${base()}/sign-off`, {method: "POST", body: JSON.stringify({})}); $r("rv-say").textContent = x.ok ? `signed off version ${x.body.version}` : said(x.body); await show(); }}));
    tools.append(mk("button", {type: "button", id: "rv-brief", text: "Open the brief (with the review status)", onclick: openBriefJob}));
    tools.append(mk("button", {type: "button", id: "rv-export", text: "Export the review record", onclick: async () => {
      const x = await call(`${base()}/record`); if (!x.ok) { $r("rv-say").textContent = said(x.body); return; }
      const a = mk("a", {href: "data:application/json;charset=utf-8," + encodeURIComponent(JSON.stringify(x.body, null, 2)), download: `${S.name}-review-${x.body.version}.json`});
      document.body.append(a); a.click(); a.remove(); }}));
    box.append(tools); return box;
  }
  async function openBriefJob() {
    const w = window.open("", "_blank");
    const r = await call(`/api/scenarios/${encodeURIComponent(S.name)}/brief`, {method: "POST"});
    if (!r.ok) { if (w) w.close(); $r("rv-say").textContent = said(r.body); return; }
    const url = `/api/briefs/${r.body.id}`; if (w) w.location.href = url; else window.location.href = url;
  }
  async function activityBox() {
    const r = await call(`${base()}/activity?limit=50`); const box = mk("div", {class: "rv-activity"}, mk("h3", {text: "Activity"}));
    if (!r.ok) return box;
    const t = mk("table", {}, mk("tr", {}, ...["when (UTC)", "who", "what", ""].map((h) => mk("th", {text: h}))));
    for (const a of r.body) t.append(mk("tr", {}, mk("td", {text: when(a.at)}), mk("td", {text: a.user}), mk("td", {text: a.action}), mk("td", {class: "rv-detail", text: a.detail})));
    box.append(r.body.length ? t : mk("p", {class: "status", text: "Nothing yet."})); return box;
  }
  let shown = 0;
  async function show() {
    const tab = $r("tab-review"); if (!tab || !S.name) return; const seq = ++shown;
    const open = R.threads.filter((t) => t.status === "open").length;
    const head = mk("p", {class: "status", text: `${S.name} · signed in as ${R.me ? `${R.me.name} (${R.me.role})` : "?"} · ${R.threads.length} thread(s), ${open} open`});
    const say = mk("p", {id: "rv-say", class: "status"});
    const start = mk("div", {class: "rv-new"}, mk("h3", {text: R.address ? `New thread on ${R.address}` : "New thread"}),
      R.address ? postForm(null) : mk("p", {class: "status", text: "Click “discuss” next to a number in the editor (or next to an actor or an issue) to start a thread on it."}));
    const list = mk("div", {class: "rv-threads"}, mk("h3", {text: "Threads"}), ...(R.threads.length ? [...R.threads].sort((a, b) => (a.status === "open" ? 0 : 1) - (b.status === "open" ? 0 : 1)).map(threadBox) : [mk("p", {class: "status", text: "No threads yet."})]));
    const status = await statusBox(), activity = await activityBox();
    if (seq === shown) tab.replaceChildren(head, status, say, start, list, viewsBox(), activity);
  }
  const CSS_TEXT = `
button.discuss{font-size:.72em;padding:0 5px;margin-left:.4em;border:1px solid #ccc;border-radius:3px;background:#fff;cursor:pointer}
button.discuss.open-threads{background:#fde8d7;border-color:#e0a070;color:#8a3b00}
.rv-thread{border:1px solid #ddd;border-radius:4px;padding:.4em .8em;margin:.5em 0} .rv-thread.resolved{background:#f6f8f6}
.rv-thread ul{margin:.3em 0;padding-left:1.2em;font-size:.9em} .rv-head{display:flex;gap:.5em;align-items:baseline;flex-wrap:wrap}
.rv-form textarea{width:100%;max-width:44em;box-sizing:border-box} .rv-evidence{display:flex;gap:.4em;flex-wrap:wrap;margin:.3em 0}
.rv-evidence input{width:auto;flex:1 1 12em;min-width:10em} .rv-proposed{width:7em}
.rv-proposed-value{color:#8a3b00;font-weight:600} .rv-statusbox .toolbar{margin:.4em 0 0}
.rv-activity td.rv-detail{max-width:40em;overflow-wrap:anywhere} #tab-review h3{margin:.8em 0 .3em}`;
  async function init() {
    document.head.append(mk("style", {text: CSS_TEXT}));
    const me = await call("/api/review/me"); R.me = me.ok ? me.body : null;
    const button = document.querySelector('nav.tabs button[data-tab="review"]');
    // after app.js's own handler has switched the tab (whichever was added first)
    if (button) button.addEventListener("click", () => {
      $r("tab-review").replaceChildren(mk("p", {class: "status", text: "loading the review…"})); setTimeout(refresh, 0); });
    observe(); if (S.name) refresh();
  }
  window.addEventListener("load", init);
})();
