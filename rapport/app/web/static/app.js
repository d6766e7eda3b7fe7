// rapport web app: one page, every view's state in the URL (?view=…&q=…), all data from /api.
"use strict";
const $ = (s, el = document) => el.querySelector(s);
const $$ = (s, el = document) => [...el.querySelectorAll(s)];
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const SV = {
  status: {achieved: "uppfyllt", partially: "delvis uppfyllt", not_achieved: "ej uppfyllt", no_assessment: "ej bedömt"},
  horizon: {current: "nu", year_end: "vid årets slut", long_term: "på lång sikt"},
  what: {goal_assessments: "målbedömning", aggregates: "antal mål", targets: "målvärde", risks: "risk", events: "händelse", links: "siffra"},
  facet: {region: "Region", doc: "Rapport", kind: "Rapporttyp", period: "Period", section: "Avsnitt"},
  by: {region: "region", period: "period", doc: "rapport", kind: "rapporttyp"},
};
let META = null;

// ------------------------------------------------------------ state in the URL
function state() { return Object.fromEntries(new URLSearchParams(location.search)); }
// merge the patch into the current state, or (fresh) start from it: a view's own filters do not leak into another
function go(patch, replace = false, fresh = false) {
  const s = fresh ? {...patch} : {...state(), ...patch};
  for (const k of Object.keys(s)) if (s[k] === "" || s[k] == null) delete s[k];
  const url = "?" + new URLSearchParams(s).toString();
  if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  render();
}
window.addEventListener("popstate", render);

// ------------------------------------------------------------ fetching, errors
function showError(msg) { const el = $("#fel"); el.textContent = msg; el.hidden = !msg; }
let renderSeq = 0;  // a newer render makes the answers of older ones stale: they are dropped, never drawn
class Stale extends Error {}
async function api(path, params = {}) {
  const mine = renderSeq;
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v != null));
  let res;
  try { res = await fetch(`/api/${path}?${qs}`); }
  catch (e) { throw new Error("Servern svarar inte: " + e.message); }
  let body;
  try { body = await res.json(); } catch { throw new Error(`Oväntat svar från servern (${res.status})`); }
  if (mine !== renderSeq) throw new Stale("stale");
  if (!res.ok) throw new Error(body.error || `Fel ${res.status}`);
  return body;
}
function dlLinks(path, params, extra = "") {
  const qs = (fmt) => "/api/" + path + "?" + new URLSearchParams({...clean(params), format: fmt});
  return `<span class="dl">Ladda ner: <a href="${esc(qs("csv"))}" download>CSV</a><a href="${esc(qs("xlsx"))}" download>Excel</a>${extra}</span>`;
}
function clean(o) { return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== "" && v != null)); }
const num = (v) => v == null ? "" : Number(v).toLocaleString("sv-SE", {maximumFractionDigits: 2});

// ------------------------------------------------------------ shared pieces
function marked(text, spans) {
  let out = "", at = 0;
  for (const [a, b] of spans || []) { out += esc(text.slice(at, a)) + "<mark>" + esc(text.slice(a, b)) + "</mark>"; at = b; }
  return out + esc(text.slice(at));
}
function cite(r) {
  return [r.region, r.doc, r.kind, r.period, r.section, r.page ? "s. " + r.page : ""].filter(Boolean).map(esc).join(" · ");
}
function ctxButton(r) {
  return `<button type="button" class="ctx" data-doc="${esc(r.doc)}" data-start="${r.start}" data-end="${r.end}">visa i rapporten</button>`;
}
function hitCard(r) {
  return `<div class="hit"><div>${marked(r.text, r.highlights)}</div>
    <div class="meta">${r.rank ? "#" + r.rank + " · " : ""}${cite(r)}${r.score != null ? " · " + Number(r.score).toFixed(3) : ""}${ctxButton(r)}</div></div>`;
}
function factLabel(kind, r) {
  if (kind === "goal_assessments") return `<span class="tag ${esc(r.status)}">${esc(SV.status[r.status] || r.status)}</span><span class="tag">${esc(SV.horizon[r.horizon] || r.horizon)}</span>${esc(r.goal || "")}`;
  if (kind === "risks") return `<span class="tag">${esc((META?.risk_labels || {})[r.category] || r.category)}</span>`;
  if (kind === "links") return `<span class="tag">${esc(num(r.value))} ${esc(r.unit || "")}</span>${esc(r.table || "")} / ${esc(r.row || "")}`;
  if (kind === "events") return `<span class="tag">${esc(r.type)}</span>${esc(r.date || "")}`;
  if (kind === "targets") return `<span class="tag">${esc(r.target || "")}</span>`;
  if (kind === "aggregates") return `<span class="tag">${esc(r.scope || "")}: ${esc(r.total ?? "")}</span>`;
  return "";
}
function factCard(kind, r) {
  return `<div class="hit fact"><div class="meta">${esc(SV.what[kind] || kind)} ${factLabel(kind, r)}</div>
    <div>${esc(r.text)}</div><div class="meta">${cite(r)}${ctxButton(r)}</div></div>`;
}
function fillSelect(sel, values, labels = {}) {
  const keep = sel.value, first = sel.options[0].outerHTML;
  sel.innerHTML = first + values.map((v) => `<option value="${esc(v)}">${esc(labels[v] || v)}</option>`).join("");
  sel.value = keep;
}
function setForm(form, s) { for (const el of form.elements) if (el.name && s[el.name] != null) el.value = s[el.name]; else if (el.name && el.tagName === "SELECT") el.value = ""; }
function formPatch(form) { const p = {}; for (const el of form.elements) if (el.name) p[el.name] = el.value.trim(); return p; }

// ------------------------------------------------------------ views
const VIEWS = {search: viewSearch, compare: viewCompare, risks: viewRisks, goals: viewGoals, tables: viewTables, context: viewContext};

async function render() {
  renderSeq++;
  const s = state(), view = VIEWS[s.view] ? s.view : "search";
  $$(".view").forEach((v) => (v.hidden = v.id !== "v-" + view));
  $$("#nav a").forEach((a) => a.classList.toggle("on", a.dataset.view === view));
  showError("");
  try {
    if (!META) await loadMeta();
    await VIEWS[view](s);
  } catch (e) { if (!(e instanceof Stale)) showError(e.message); }
}

async function loadMeta() {
  META = await api("meta");
  const docs = META.documents.map((d) => d.doc);
  for (const sel of $$("select[name=region]")) fillSelect(sel, META.regions);
  for (const sel of $$("select[name=doc]")) fillSelect(sel, docs);
  for (const sel of $$("select[name=kind]")) fillSelect(sel, META.kinds);
  for (const sel of $$("select[name=from], select[name=to]")) fillSelect(sel, META.periods);
  fillSelect($("#f-goals select[name=horizon]"), Object.keys(SV.horizon), SV.horizon);
}

async function viewSearch(s) {
  const f = $("#f-search");
  setForm(f, s);
  $("#hits").innerHTML = ""; $("#facets").innerHTML = ""; $("#more").hidden = true;
  if (!s.q) { $("#search-status").textContent = "Skriv en fråga på svenska eller engelska."; return; }
  $("#search-status").textContent = "Söker …";
  const params = {q: s.q, k: s.k || 10, region: s.region, doc: s.doc, kind: s.kind, section: s.section, period_from: s.from, period_to: s.to};
  const res = await api("search", params);
  const shown = res.results.length;
  $("#search-status").innerHTML = `<span><b>${res.total}${res.total_is_capped ? "+" : ""}</b> träffar, visar ${shown}</span>` +
    (res.no_good_match ? `<span class="warn">Ingen träff passar frågan väl.</span>` : "") + dlLinks("search", params);
  $("#hits").innerHTML = res.results.map(hitCard).join("") || "<p>Inga träffar.</p>";
  $("#more").hidden = shown >= res.total || shown >= 100;
  const chosen = {region: s.region, doc: s.doc, kind: s.kind, section: s.section, period: s.from && s.from === s.to ? s.from : ""};
  $("#facets").innerHTML = Object.entries(res.facets).map(([name, items]) => items.length ? `<h3>${SV.facet[name]}</h3>` +
    items.map((it) => `<a href="#" data-facet="${name}" data-value="${esc(it.value)}" class="${chosen[name] === it.value ? "on" : ""}">
      <span>${esc(it.value)}</span><span class="n">${it.count}</span></a>`).join("") : "").join("");
}
$("#f-search").addEventListener("submit", (e) => { e.preventDefault(); const p = formPatch(e.target); go({view: "search", ...p}, false, true); });
$("#more").addEventListener("click", () => go({k: Number(state().k || 10) + 10}, true));
$("#facets").addEventListener("click", (e) => {
  const a = e.target.closest("a[data-facet]"); if (!a) return;
  e.preventDefault();
  const s = state(), name = a.dataset.facet, v = a.dataset.value;
  if (name === "period") go(s.from === v && s.to === v ? {from: "", to: ""} : {from: v, to: v});
  else go({[name]: s[name] === v ? "" : v});
});

async function viewCompare(s) {
  const f = $("#f-compare");
  setForm(f, {by: "region", k: "3", ...s});
  $("#compare-out").innerHTML = "";
  if (!s.q) { $("#compare-status").textContent = "Skriv en fråga och välj vad som ska jämföras."; return; }
  $("#compare-status").textContent = "Jämför …";
  const params = {q: s.q, by: s.by || "region", k: s.k || 3, region: s.region};
  const res = await api("compare", params);
  $("#compare-status").innerHTML = `<span>${res.groups.length} grupper per ${esc(SV.by[res.by])}</span>` +
    (res.no_good_match ? `<span class="warn">Ingen träff passar frågan väl.</span>` : "") + dlLinks("compare", params);
  $("#compare-out").innerHTML = res.groups.map((g) => `<div class="group"><h2>${esc(g.group)}</h2>
    ${g.passages.map(hitCard).join("") || "<p>Inga träffar.</p>"}
    ${Object.entries(g.facts).map(([kind, rows]) => rows.map((r) => factCard(kind, r)).join("")).join("")}</div>`).join("");
}
$("#f-compare").addEventListener("submit", (e) => { e.preventDefault(); go({view: "compare", ...formPatch(e.target)}, false, true); });

async function viewRisks(s) {
  const f = $("#f-risks");
  const res = await api("risks", {category: s.category, region: s.region, doc: s.doc});
  META.risk_labels = res.labels;
  fillSelect($("select[name=category]", f), res.categories, res.labels);
  setForm(f, s);
  const params = {category: s.category, region: s.region, doc: s.doc};
  const plot = `<a href="/api/plot/risks.png${s.region ? "?region=" + encodeURIComponent(s.region) : ""}" download>PNG</a><a href="/api/plot/risks.svg${s.region ? "?region=" + encodeURIComponent(s.region) : ""}" download>SVG</a>`;
  $("#risks-status").innerHTML = `<span><b>${res.total}</b> riskformuleringar</span>` + dlLinks("risks", params, plot);
  // bars: statements per report (of the chosen category, or all); click a bar to list that report's statements
  const per = {};
  for (const r of res.per_report) if (!s.category || r.category === s.category) per[r.doc] = (per[r.doc] || 0) + r.statements;
  const docs = Object.keys(per).sort(), max = Math.max(1, ...Object.values(per)), W = 560, left = 250;
  const bars = docs.map((d, i) => { const w = (W - left - 40) * per[d] / max, y = 8 + i * 24;
    return `<text x="4" y="${y + 13}">${esc(d.length > 38 ? d.slice(0, 37) + "…" : d)}</text>
      <rect class="bar ${s.doc === d ? "on" : ""}" data-doc="${esc(d)}" x="${left}" y="${y}" width="${Math.max(w, 2)}" height="18" fill="#1f4e79"><title>${esc(d)}: ${per[d]}</title></rect>
      <text x="${left + w + 6}" y="${y + 13}">${per[d]}</text>`; }).join("");
  $("#risk-bars").innerHTML = docs.length ? `<svg width="${W}" height="${docs.length * 24 + 16}" role="img" aria-label="Risker per rapport">${bars}</svg>` : "<p>Inga risker.</p>";
  $("#risk-rates").innerHTML = `<table class="grid"><tr><th>Region</th><th>Kategori</th><th>Formuleringar</th><th>Rapporter</th><th>Per rapport</th></tr>` +
    res.per_region.filter((r) => !s.category || r.category === s.category).map((r) => `<tr><td>${esc(r.region)}</td><td>${esc(res.labels[r.category] || r.category)}</td>
      <td class="num">${r.statements}</td><td class="num">${r.reports}</td><td class="num">${num(r.per_report)}</td></tr>`).join("") + "</table>";
  $("#risk-items").innerHTML = res.items.map((r) => factCard("risks", r)).join("") || "<p>Inga formuleringar med dessa filter.</p>";
}
$("#f-risks").addEventListener("change", (e) => go({view: "risks", ...formPatch(e.currentTarget)}, false, true));
$("#risk-bars").addEventListener("click", (e) => { const b = e.target.closest("rect.bar"); if (b) go({doc: state().doc === b.dataset.doc ? "" : b.dataset.doc}); });

async function viewGoals(s) {
  setForm($("#f-goals"), s);
  const res = await api("goals", {region: s.region, horizon: s.horizon});
  const q = s.region ? "?region=" + encodeURIComponent(s.region) : "";
  const plot = `<a href="/api/plot/goals.png${q}" download>PNG</a><a href="/api/plot/goals.svg${q}" download>SVG</a>`;
  $("#goals-status").innerHTML = `<span><b>${new Set(res.cells.map((c) => c.goal)).size}</b> mål, ${res.cells.length} bedömningar (en per mål, region, period och horisont)</span>` + dlLinks("goals", {region: s.region, horizon: s.horizon}, plot);
  $("#goal-legend").innerHTML = res.statuses.map((st) => `<span><i style="background:${res.colours[st]}"></i>${esc(res.status_labels[st])}</span>`).join("");
  const cols = [...new Set(res.cells.map((c) => `${c.region} ${c.period}|${c.horizon}`))].sort((a, b) => {
    const [ka, ha] = a.split("|"), [kb, hb] = b.split("|");
    return res.horizons.indexOf(ha) - res.horizons.indexOf(hb) || ka.localeCompare(kb); });
  const goals = [...new Set(res.cells.map((c) => c.goal))].sort((a, b) => a.localeCompare(b, "sv"));
  const at = {};
  for (const c of res.cells) at[`${c.goal}§${c.region} ${c.period}|${c.horizon}`] = c;
  $("#goal-grid").innerHTML = goals.length ? `<table class="grid"><tr><th>Mål</th>${cols.map((c) => { const [k, h] = c.split("|");
      return `<th>${esc(k)}<br><small>${esc(res.horizon_labels[h] || h)}</small></th>`; }).join("")}</tr>` +
    goals.map((g) => `<tr><td>${esc(g)}</td>${cols.map((c) => { const x = at[`${g}§${c}`];
      return x ? `<td class="s-${esc(x.status)}" title="${esc(x.text)}">${esc(res.status_labels[x.status])}
        <br>${ctxButton(x)}</td>` : "<td></td>"; }).join("")}</tr>`).join("") + "</table>" : "<p>Inga målbedömningar.</p>";
  $("#goal-counts").innerHTML = `<table class="grid"><tr><th>Region</th><th>Period</th><th>Horisont</th>${res.statuses.map((st) => `<th>${esc(res.status_labels[st])}</th>`).join("")}</tr>` +
    res.counts.map((r) => `<tr><td>${esc(r.region)}</td><td>${esc(r.period)}</td><td>${esc(res.horizon_labels[r.horizon] || r.horizon)}</td>${res.statuses.map((st) => `<td class="num">${r[st]}</td>`).join("")}</tr>`).join("") + "</table>";
}
$("#f-goals").addEventListener("change", (e) => go({view: "goals", ...formPatch(e.currentTarget)}, false, true));

async function viewTables(s) {
  const f = $("#f-tables");
  setForm(f, s);
  const list = await api("tables", {doc: s.doc});
  fillSelect($("select[name=table]", f), list.tables.map((t) => t.table),
    Object.fromEntries(list.tables.map((t) => [t.table, `${t.title || t.table}${t.links ? ` (${t.links} citat)` : ""}`])));
  $("select[name=table]", f).value = s.table || "";
  $("#table-grid").innerHTML = ""; $("#table-links").innerHTML = "";
  if (!s.table) {
    $("#tables-status").innerHTML = `<span>${list.tables.length} tabeller${s.doc ? " i " + esc(s.doc) : ""}; välj en.</span>` + dlLinks("tables", {doc: s.doc});
    return;
  }
  const t = await api("table", {id: s.table});
  $("#tables-status").innerHTML = `<span><b>${esc(t.title || t.id)}</b> · ${esc(t.doc)}${t.page ? " · s. " + t.page : ""} · enhet ${esc(t.unit || "?")} · summor stämmer: ${t.check === true ? "ja" : t.check === false ? "nej" : "ej prövat"}</span>` + dlLinks("table", {id: s.table});
  const cited = {};
  t.links.forEach((l, i) => { const key = `${l.row}§${l.column}`; (cited[key] = cited[key] || []).push(i); });
  $("#table-grid").innerHTML = `<table class="grid"><tr><th>Rad</th>${t.columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>` +
    t.rows.map((r) => `<tr><td><a href="/api/plot/row.png?row=${encodeURIComponent(r.label)}" title="raden över tid (PNG)">${esc(r.label)}</a></td>${r.values.map((v, j) => {
      const ids = cited[`${r.label}§${t.columns[j]}`];
      return `<td class="num${ids ? " cited" : ""}" data-links="${ids ? ids.join(",") : ""}" data-cell="${esc(r.label)}§${esc(t.columns[j])}">${esc(num(v))}</td>`; }).join("")}</tr>`).join("") + "</table>";
  $("#table-links").innerHTML = t.links.map((l, i) => `<div class="hit" data-link="${i}" data-cell="${esc(l.row)}§${esc(l.column)}">
    <div>${esc(l.text)}</div><div class="meta">${esc(num(l.value))} ${esc(l.unit || "")} · ${esc(l.row)} / ${esc(l.column || "")}${l.page ? " · s. " + l.page : ""}${ctxButton({doc: t.doc, ...l})}</div></div>`).join("") || "<p>Ingen mening citerar tabellen.</p>";
}
$("#f-tables").addEventListener("change", (e) => {
  const p = formPatch(e.currentTarget);
  go({view: "tables", doc: p.doc, table: e.target.name === "doc" ? "" : p.table}, false, true);
});
function light(cellKey, linkIds) {
  $$(".lit").forEach((x) => x.classList.remove("lit"));
  for (const td of $$("#table-grid td[data-cell]")) if (td.dataset.cell === cellKey) td.classList.add("lit");
  for (const id of linkIds) $(`#table-links [data-link="${id}"]`)?.classList.add("lit");
}
$("#table-grid").addEventListener("click", (e) => {
  const td = e.target.closest("td.cited"); if (!td) return;
  light(td.dataset.cell, td.dataset.links.split(","));
  $(`#table-links [data-link="${td.dataset.links.split(",")[0]}"]`)?.scrollIntoView({block: "nearest"});
});
$("#table-links").addEventListener("mouseover", (e) => { const h = e.target.closest(".hit[data-link]"); if (h) light(h.dataset.cell, [h.dataset.link]); });

async function viewContext(s) {
  const c = await api("context", {doc: s.doc, start: s.start, end: s.end});
  $("#context-out").innerHTML = `<h2>${esc(c.doc)}</h2><p class="meta">${[c.region, c.period, c.section, c.page ? "s. " + c.page : ""].filter(Boolean).map(esc).join(" · ")}
    · tecken ${c.start}–${c.end}</p><div class="context"><span class="dim">${esc(c.before)}</span><mark id="here">${esc(c.text)}</mark><span class="dim">${esc(c.after)}</span></div>`;
  $("#here").scrollIntoView({block: "center"});
}
$("#back").addEventListener("click", () => history.length > 1 ? history.back() : go({view: "search"}));
document.addEventListener("click", (e) => {
  const b = e.target.closest("button.ctx"); if (!b) return;
  go({view: "context", doc: b.dataset.doc, start: b.dataset.start, end: b.dataset.end, q: state().q}, false, true);
});
$$("#nav a[data-view], header h1 a").forEach((a) => a.addEventListener("click", (e) => {
  e.preventDefault(); const s = state(); go({view: a.dataset.view, q: s.q, region: s.region}, false, true);
}));
render();
