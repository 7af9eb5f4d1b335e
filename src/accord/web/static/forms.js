// accord dashboard: each analysis's parameters as a form, built from its parameter schema
// (GET /api/analyses/schema, the same pydantic models that check a request on the server).
// Each field carries its range and its description; a value outside the range is said in words
// under the field and the Run button waits until every field is valid. The JSON box stays, as
// the form's text (what is sent), for options the form does not show (model_params has its own
// picker).
"use strict";
const F = {schemas: null};

function formSchema(kind) { return (F.schemas || {})[kind] || {properties: {}}; }
function formParams() { try { return JSON.parse($("params").value || "{}"); } catch (e) { return {}; } }
function formWrite(kind) {
  const params = formParams(), bad = [];
  for (const input of document.querySelectorAll("#param-form [data-param]")) {
    const key = input.dataset.param, spec = formSchema(kind).properties[key] || {};
    const note = input.parentElement.querySelector(".err"); if (note) note.remove();
    let message = "";
    const [s] = optional(spec), empty = input.value.trim() === "";
    if (empty && (input.type === "number" || (s.minLength || 0) > 0)) message = "a value is needed";
    else if (!input.checkValidity()) message = input.validationMessage;
    if (message) {
      bad.push(key); input.classList.add("bad");
      input.after(el("span", {class: "err", text: `${message} (${spec.description || key})`}));
      continue;
    }
    input.classList.remove("bad");
    params[key] = input.type === "number" || input.dataset.number ? Number(input.value) : input.value;
  }
  $("params").value = JSON.stringify(params);
  $("run").disabled = bad.length > 0;
  $("run").title = bad.length ? `fix ${bad.join(", ")} first` : "";
}
function formField(kind, key, spec, value) {
  const [s] = optional(spec);
  if (s.type !== "integer" && s.type !== "number" && s.type !== "string") return null;
  const attrs = {"data-param": key, "aria-label": spec.title || key, title: spec.description || ""};
  if (s.type === "string") { attrs.type = "text"; if (s.maxLength) attrs.maxlength = s.maxLength; if (s.pattern) attrs.pattern = s.pattern.replace(/^\^|\$$/g, ""); }
  else { attrs.type = "number"; attrs.step = s.type === "integer" ? "1" : "any"; if (s.minimum != null) attrs.min = s.minimum; if (s.maximum != null) attrs.max = s.maximum; }
  let input;
  if (Array.isArray(s.enum)) {  // a choice (Literal): a select of its values
    delete attrs.type; delete attrs.step; delete attrs.min; delete attrs.max; delete attrs.pattern;
    attrs["data-number"] = s.type === "integer" || s.type === "number" ? "1" : "";
    input = el("select", attrs, ...s.enum.map((v) => el("option", {value: String(v), text: String(v)})));
    input.value = String(value ?? s.default ?? s.enum[0]);
    input.addEventListener("change", () => formWrite(kind));
  } else {
    input = el("input", attrs);
    input.value = value ?? s.default ?? "";
    input.addEventListener("input", () => formWrite(kind));
  }
  return el("label", {class: "param"}, el("span", {text: spec.title || key}), input);
}
function formDraw() {
  const kind = $("analysis").value, box = $("param-form"); if (!box) return;
  const params = formParams(), props = formSchema(kind).properties || {};
  const fields = Object.entries(props).map(([k, spec]) => formField(kind, k, spec, params[k])).filter(Boolean);
  box.replaceChildren(...fields);
  formWrite(kind);
}
(async function formInit() {
  const r = await api("/api/analyses/schema"); if (!r.ok) return;
  F.schemas = r.body;
  const bar = $("params").parentElement;
  const box = el("div", {id: "param-form", class: "toolbar"});
  bar.after(box);
  $("params").title = "the parameters sent (JSON), written by the form above; edit only for options the form does not show";
  const css = document.createElement("style");
  css.textContent = `label.param{display:inline-flex;flex-direction:column;font-size:.8em;color:#444;gap:2px}
label.param input{width:9em} label.param input[type=text]{width:16em} #param-form .err{max-width:18em}`;
  document.head.append(css);
  $("analysis").addEventListener("change", () => setTimeout(formDraw, 0));  // after app.js fills the box
  formDraw();
})();
