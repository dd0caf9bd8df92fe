// Tick Engine status page: polls GET /status, /symbols, /symbols/stored and /candles on this origin (nothing else)
// and draws the figures, a chart of any stored symbol and timeframe picked by the user, and an M1 candlestick chart
// per live symbol, on canvases. The API key is typed into the login box and kept in sessionStorage, never in the
// URL. The page reports on itself in <body data-*> (requests made, requests failed, script errors, the picked
// chart's bars) so a headless browser test can read it from the DOM.
"use strict";

const STATUS_EVERY_MS = 2000;
const CANDLES_EVERY = 2; // status rounds per candles refresh
const MAX_CHARTS = 6;
const BARS = 60;
const KEY = "tickEngineKey";
const PICK = "tickEnginePick";
const PICKER_EVERY = 5; // candle refreshes per reload of the symbol list
const TIMEFRAME_MS = { M1: 60000, M5: 300000, M15: 900000, M30: 1800000, H1: 3600000, H4: 14400000,
  D1: 86400000, W1: 604800000, MN1: 2678400000 };

const report = { requests: 0, failed: 0, errors: 0 };
let previous = null;
let round = 0;
let candleRounds = 0;
let timer = null;

function problem(text) {
  const li = document.createElement("li");
  li.textContent = text;
  document.getElementById("problems").appendChild(li);
}

function publish() {
  const d = document.body.dataset;
  d.requests = report.requests;
  d.failed = report.failed;
  d.errors = report.errors;
}

window.addEventListener("error", (e) => { report.errors++; problem("error: " + e.message); publish(); });
window.addEventListener("unhandledrejection", (e) => { report.errors++; problem("rejection: " + e.reason); publish(); });
if ("PerformanceObserver" in window) {
  // Catches a script or style sheet that failed to load, which no fetch() below would see.
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.responseStatus >= 400) { report.failed++; problem("resource " + entry.name + " " + entry.responseStatus); }
    }
    publish();
  }).observe({ type: "resource", buffered: true });
}

async function get(url) {
  report.requests++;
  try {
    const response = await fetch(url, { headers: { "X-API-Key": sessionStorage.getItem(KEY) || "" }, cache: "no-store" });
    if (response.status === 401 || response.status === 403) {
      sessionStorage.removeItem(KEY);
      askForKey(response.status === 401 ? "Unknown key: check it and log in again."
        : "This key lacks the read scope: use a key with the read scope.");
      return null;
    }
    if (!response.ok) {
      report.failed++;
      problem(url + " " + response.status);
      return null;
    }
    return await response.json();
  } catch (e) {
    report.failed++;
    problem(url + " " + e);
    return null;
  } finally {
    publish();
  }
}

function askForKey(message) {
  document.body.dataset.state = "need-key";
  document.getElementById("main").hidden = true;
  document.getElementById("logout").hidden = true;
  document.getElementById("key-form").hidden = false;
  const p = document.getElementById("key-problem");
  p.textContent = message || "";
  p.hidden = !message;
  document.getElementById("key").focus();
}

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function fmt(value, digits) {
  return value === null || value === undefined || Number.isNaN(value) ? "–" : Number(value).toFixed(digits);
}

function big(n) {
  return n >= 1e6 ? (n / 1e6).toFixed(2) + "M" : n >= 1e4 ? (n / 1e3).toFixed(1) + "k" : String(n);
}

function showStatus(s) {
  if (previous && s.now_msc > previous.now_msc) {
    const seconds = (s.now_msc - previous.now_msc) / 1000;
    text("rate", fmt((s.ticks.journaled - previous.ticks.journaled) / seconds, 1));
  }
  text("journaled", big(s.ticks.journaled));
  text("journaled-detail", `dup ${big(s.ticks.duplicate)} · late ${big(s.ticks.late)} · replayed ${big(s.ticks.replayed)}`);
  text("ack-p99", fmt(s.latency.ack.p99_ms, 2));
  text("fresh-p99", fmt(s.latency.freshness.p99_ms, 1));
  const fill = s.ring.size ? (100 * (s.ring.size - s.ring.remaining)) / s.ring.size : 0;
  text("ring", fmt(fill, 1));
  document.getElementById("ring-bar").style.width = Math.min(100, fill) + "%";
  text("store", s.store.up ? "up" : "DOWN");
  text("store-detail", `${s.store.kind} · backlog ${s.store.backlog_bars} bars · replay ${s.store.replay_lag_records} rec · tick store lag ${s.store.tick_store_lag_records} rec · errors ${s.store.errors}`);
  text("rejected", `${big(s.ticks.rejected)} / ${s.requests.throttled} / ${s.requests.unavailable}`);
  const health = document.getElementById("health");
  const ok = s.store.up && fill < 90;
  health.textContent = ok ? "healthy" : s.store.up ? "ring nearly full" : "store down";
  health.className = "pill " + (ok ? "ok" : "bad");
  text("updated", "updated " + new Date(s.now_msc).toISOString().substring(11, 19) + " UTC");
  text("window", `last ${s.latency_window_s}–${2 * s.latency_window_s} s, ms`);
  const rows = [["ack (received → acknowledged)", s.latency.ack], ["journal (published → journaled)", s.latency.journal],
    ["freshness (tick → candle stored)", s.latency.freshness], ["store write", s.latency.store_write]];
  const body = document.querySelector("#latency tbody");
  body.replaceChildren(...rows.map(([name, p]) => {
    const tr = document.createElement("tr");
    for (const v of [name, p.count, fmt(p.p50_ms, 3), fmt(p.p90_ms, 3), fmt(p.p99_ms, 3), fmt(p.p999_ms, 3), fmt(p.max_ms, 3)]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.appendChild(td);
    }
    return tr;
  }));
  previous = s;
}

function chartFor(symbol) {
  const id = "chart-" + symbol.replace(/[^A-Za-z0-9_-]/g, "_");
  let box = document.getElementById(id);
  if (!box) {
    box = document.createElement("div");
    box.className = "chart";
    box.id = id;
    box.appendChild(document.createElement("h3"));
    box.appendChild(document.createElement("canvas"));
    document.getElementById("charts").appendChild(box);
  }
  return box;
}

// bars oldest first. By time: each bar in its slot of barMs, gaps left empty (live M1 charts); by index: bars side by
// side, the newest at the right (the picked chart, where weekends and months of unequal length would leave holes).
function draw(canvas, bars, barMs = 60000, byIndex = false) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 560;
  const height = canvas.clientHeight || 220;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext("2d");
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  if (bars.length === 0) {
    return;
  }
  const left = 4, right = 64, top = 8, bottom = 20;
  const plotW = width - left - right, plotH = height - top - bottom;
  let low = Infinity, high = -Infinity;
  for (const b of bars) { low = Math.min(low, b.low); high = Math.max(high, b.high); }
  if (high === low) { high += 1e-9; low -= 1e-9; }
  const y = (price) => top + ((high - price) / (high - low)) * plotH;
  const step = plotW / BARS;
  const digits = Math.max(0, Math.min(6, 2 - Math.floor(Math.log10(high - low))));
  g.font = "11px system-ui, sans-serif";
  g.strokeStyle = "#2a3440";
  g.fillStyle = "#8b96a3";
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const price = low + ((high - low) * i) / 4;
    const py = Math.round(y(price)) + 0.5;
    g.beginPath(); g.moveTo(left, py); g.lineTo(left + plotW, py); g.stroke();
    g.fillText(price.toFixed(digits), left + plotW + 6, py + 4);
  }
  const first = bars[bars.length - 1].time_msc - (BARS - 1) * barMs;
  const slotOf = (b, i) => byIndex ? BARS - bars.length + i : Math.round((b.time_msc - first) / barMs);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i];
    const slot = slotOf(b, i);
    if (slot < 0) { continue; }
    const cx = left + step * slot + step / 2;
    const up = b.close >= b.open;
    g.strokeStyle = g.fillStyle = up ? "#26a69a" : "#ef5350";
    g.beginPath(); g.moveTo(Math.round(cx) + 0.5, y(b.high)); g.lineTo(Math.round(cx) + 0.5, y(b.low)); g.stroke();
    const bodyTop = y(Math.max(b.open, b.close));
    g.fillRect(cx - step * 0.35, bodyTop, step * 0.7, Math.max(1, y(Math.min(b.open, b.close)) - bodyTop));
  }
  g.fillStyle = "#8b96a3";
  const label = (t) => barMs >= 86400000 ? new Date(t).toISOString().substring(0, 10)
    : barMs >= 3600000 ? new Date(t).toISOString().substring(5, 16).replace("T", " ")
      : new Date(t).toISOString().substring(11, 16);
  for (let slot = 0; slot < BARS; slot += 15) {
    const i = slot - (BARS - bars.length);
    const t = byIndex ? (i >= 0 ? bars[i].time_msc : null) : first + slot * barMs;
    if (t !== null) { g.fillText(label(t), left + step * slot, height - 5); }
  }
}

function option(select, value) {
  const o = document.createElement("option");
  o.value = o.textContent = value;
  select.appendChild(o);
}

// The picker's symbols: every name with stored candles (imported history too) and every canonical name of /symbols.
async function loadPicker(liveSymbols) {
  const [meta, stored] = await Promise.all([get("/symbols"), get("/symbols/stored")]);
  if (!meta || !stored) { return; }
  const names = new Set(stored.map((s) => s.symbol));
  for (const m of meta) { names.add(m.canonical); }
  const select = document.getElementById("symbol");
  const chosen = select.value || sessionStorage.getItem(PICK + ".symbol")
    || (liveSymbols.length ? liveSymbols[0].symbol : "") || (stored.length ? stored[0].symbol : "");
  const sorted = [...names].sort();
  if (sorted.join() !== [...select.options].map((o) => o.value).join()) {
    select.replaceChildren();
    for (const name of sorted) { option(select, name); }
  }
  if (sorted.includes(chosen)) { select.value = chosen; }
}

function showEmpty(message) {
  const empty = document.getElementById("picked-empty");
  empty.textContent = message;
  empty.hidden = !message;
  document.getElementById("picked-canvas").style.display = message ? "none" : "block";
}

async function refreshPicked() {
  const symbol = document.getElementById("symbol").value;
  const tf = document.getElementById("tf").value;
  const d = document.body.dataset;
  if (!symbol) {
    d.pickedBars = 0;
    text("picked-title", "");
    showEmpty("No candles stored yet. Attach TickCollector.mq5 to a chart in MetaTrader 5 (docs/mt5-setup.md), "
      + "or import history: tick-engine import --server-tz NY+7 EURUSD_ticks.csv");
    return;
  }
  const info = await get(`/symbols/stored?tf=${tf}&symbol=${encodeURIComponent(symbol)}`);
  if (!info) { return; }
  const last = info.length ? info[0].last_msc : null;
  if (last === null) {
    d.pickedBars = 0;
    d.picked = symbol + ":" + tf;
    text("picked-title", `${symbol} ${tf}`);
    showEmpty(`No ${tf} candles of ${symbol}. Pick another timeframe (candles.timeframes lists those built from `
      + `ticks), or send ${tf} bars with BackfillHistory.mq5 in Bars mode.`);
    return;
  }
  const barMs = TIMEFRAME_MS[tf];
  const from = Math.max(0, last - (BARS - 1) * barMs);
  const bars = await get(`/candles?symbol=${encodeURIComponent(symbol)}&tf=${tf}&from=${from}&limit=${BARS}`);
  if (!bars) { return; }
  showEmpty("");
  const newest = bars.length ? bars[bars.length - 1] : null;
  text("picked-title", `${symbol} ${tf}  ${newest ? newest.close : ""}  ·  ${bars.length} bars · last `
    + (newest ? new Date(newest.time_msc).toISOString().substring(0, 16).replace("T", " ") + " UTC" : "–"));
  draw(document.getElementById("picked-canvas"), bars, barMs, true);
  d.picked = symbol + ":" + tf;
  d.pickedBars = bars.length;
}

function pick() {
  sessionStorage.setItem(PICK + ".symbol", document.getElementById("symbol").value);
  sessionStorage.setItem(PICK + ".tf", document.getElementById("tf").value);
  refreshPicked();
}

async function refreshCandles(symbols) {
  let drawn = 0;
  for (const s of symbols.slice(0, MAX_CHARTS)) {
    const from = Math.floor(s.last_tick_msc / 60000) * 60000 - (BARS - 1) * 60000;
    const bars = await get(`/candles?symbol=${encodeURIComponent(s.symbol)}&tf=M1&from=${from}&limit=${BARS}`);
    if (!bars) { continue; }
    const box = chartFor(s.symbol);
    const last = bars.length ? bars[bars.length - 1] : null;
    box.querySelector("h3").textContent = `${s.symbol}  ${last ? last.close : ""}  ·  ${bars.length} bars · ${big(s.ticks)} ticks`;
    box.dataset.bars = bars.length;
    draw(box.querySelector("canvas"), bars);
    if (bars.length) { drawn++; }
  }
  document.body.dataset.charts = drawn;
}

async function tick() {
  const status = await get("/status");
  if (status) {
    document.getElementById("main").hidden = false;
    document.getElementById("key-form").hidden = true;
    showStatus(status);
    document.getElementById("logout").hidden = false;
    if (round++ % CANDLES_EVERY === 0) {
      if (candleRounds++ % PICKER_EVERY === 0) {
        await loadPicker(status.symbols);
      }
      await refreshPicked();
      await refreshCandles(status.symbols);
    }
    if (document.body.dataset.state !== "need-key") {
      document.body.dataset.state = "ready";
    }
  }
  if (document.body.dataset.state !== "need-key") {
    timer = setTimeout(tick, STATUS_EVERY_MS);
  }
}

function restart() {
  clearTimeout(timer);
  round = 0;
  candleRounds = 0;
  tick();
}

function start() {
  if (/(?:^#|&)key=/.test(location.hash)) {
    // Keys in links are no longer read: drop it from the address bar and the history.
    history.replaceState(null, "", location.pathname + location.search);
  }
  document.getElementById("key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, document.getElementById("key").value);
    document.getElementById("key").value = "";
    document.body.dataset.state = "loading";
    restart();
  });
  document.getElementById("logout").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    clearTimeout(timer);
    askForKey("Logged out.");
  });
  const tf = sessionStorage.getItem(PICK + ".tf");
  if (tf && TIMEFRAME_MS[tf]) { document.getElementById("tf").value = tf; }
  document.getElementById("symbol").addEventListener("change", pick);
  document.getElementById("tf").addEventListener("change", pick);
  if (sessionStorage.getItem(KEY)) {
    tick();
  } else {
    askForKey();
  }
}

start();
