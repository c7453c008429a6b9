'use strict';
// The live dashboard: one event stream (/dashboard/feed, a frame a second, the same for every
// viewer), history to start the charts from (/dashboard/history), and operator actions through
// the admin API with the session cookie plus its CSRF header. Everything the server sends is
// put on the page as text (textContent), never as markup.
(() => {
  const CSRF = document.querySelector('meta[name="surge-csrf"]').content;
  const HISTORY = 600; // samples kept, as many as the server keeps
  const STALE_MS = 3500;
  // a table's growth stopped the writer this long: a stall claims notice (docs/architecture.md)
  const GROWTH_WARN_MS = 10;
  const $ = (id) => document.getElementById(id);
  const fmt = new Intl.NumberFormat('en-US');
  const num = (v) => (v == null ? '–' : fmt.format(Math.round(v)));
  const perSec = (v) => (v == null ? '–' : v >= 100 ? fmt.format(Math.round(v)) : v.toFixed(1));
  const micros = (us) => (us == null ? '–'
    : us >= 1e6 ? (us / 1e6).toFixed(us >= 1e7 ? 0 : 1) + ' s'
    : us >= 1000 ? (us / 1000).toFixed(us >= 10000 ? 0 : 2) + ' ms' : Math.round(us) + ' µs');
  const COLORS = {
    GRANTED: '#3fb950', SOLD_OUT: '#58a6ff', LIMIT_REACHED: '#bc8cff', PAUSED: '#d29922', RISK_REJECTED: '#f85149',
    NOT_STARTED: '#8b98a9', ENDED: '#8b98a9', UNKNOWN_SKU: '#6e7681', UNKNOWN_CAMPAIGN: '#6e7681',
  };
  const PALETTE = ['#58a6ff', '#3fb950', '#d29922', '#bc8cff', '#f85149', '#39c5cf', '#ff7b72', '#a5d6ff', '#7ee787', '#e3b341'];
  // campaign fields that are not a breakdown of counts
  const NOT_BREAKDOWNS = new Set(['deliveries', 'risk']);

  const state = {
    t: [], series: {}, rows: new Map(), open: new Set(), frame: null, lastFrameAt: 0, filter: '',
    skuHistoryLoaded: new Set(), breakdownsBefore: null, supplierButtons: new Map(),
  };

  // ---- elements --------------------------------------------------------------------------------

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  function setText(e, text) {
    if (e.textContent !== text) e.textContent = text;
  }

  function toast(message, ok) {
    const t = el('div', 'toast ' + (ok ? 'ok' : 'fail'), message);
    $('toasts').appendChild(t);
    setTimeout(() => t.remove(), ok ? 4000 : 8000);
  }

  function humanize(key) {
    return key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase().replace(/^./, (c) => c.toUpperCase());
  }

  // ---- server calls ----------------------------------------------------------------------------

  /** An admin API call with the session cookie and its CSRF header; resolves to the JSON answer. */
  async function admin(method, path, body) {
    const headers = {'X-Surge-CSRF': CSRF};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(path, {
      method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
    });
    let json = null;
    try { json = await r.json(); } catch (ignored) { /* empty body */ }
    if (r.status === 401) {
      location.reload(); // the session is gone: back to the login form
    }
    if (!r.ok) {
      throw new Error(json && json.error ? json.error.message : 'HTTP ' + r.status);
    }
    return json;
  }

  async function history(campaign) {
    const r = await fetch('/dashboard/history' + (campaign ? '?campaign=' + encodeURIComponent(campaign) : ''),
      {credentials: 'same-origin'});
    if (r.status === 401) {
      location.reload();
      return null;
    }
    return r.ok ? r.json() : null;
  }

  // ---- history -----------------------------------------------------------------------------------

  function trim() {
    const cut = state.t.length - HISTORY;
    if (cut > 0) {
      state.t.splice(0, cut);
      for (const values of Object.values(state.series)) values.splice(0, cut);
    }
  }

  /** Appends one sample (a frame's point): every series gets a value or a gap. */
  function append(at, point) {
    if (state.t.length && at <= state.t[state.t.length - 1]) return;
    state.t.push(at);
    const n = state.t.length;
    for (const [key, v] of Object.entries(point)) {
      let values = state.series[key];
      if (!values) values = state.series[key] = new Array(n - 1).fill(null);
      values.push(v);
    }
    for (const values of Object.values(state.series)) {
      if (values.length < n) values.push(null);
    }
    trim();
  }

  /** Fills what the server remembers from before this page opened (or before a campaign was looked at). */
  function merge(h) {
    if (!h || !h.t.length) return;
    const older = h.t.filter((ms) => !state.t.length || ms < state.t[0]);
    if (older.length) {
      state.t = older.concat(state.t);
      for (const values of Object.values(state.series)) values.unshift(...new Array(older.length).fill(null));
    }
    const index = new Map(state.t.map((ms, i) => [ms, i]));
    for (const [key, values] of Object.entries(h.series)) {
      let mine = state.series[key];
      if (!mine) mine = state.series[key] = new Array(state.t.length).fill(null);
      h.t.forEach((ms, i) => {
        const j = index.get(ms);
        if (j !== undefined && mine[j] == null) mine[j] = values[i];
      });
    }
    trim();
  }

  const series = (key) => state.series[key] || [];

  // ---- frames ------------------------------------------------------------------------------------

  function onFrame(f) {
    state.frame = f;
    state.lastFrameAt = Date.now();
    if (f.fresh) append(f.countersAt, f.point);
    render(f);
  }

  function render(f) {
    header(f);
    kpis(f);
    charts();
    refusals(f);
    sections(f);
    campaigns(f);
    linkState();
  }

  function linkState() {
    const pill = $('link-state');
    const age = Date.now() - state.lastFrameAt;
    const f = state.frame;
    if (!state.lastFrameAt || age > STALE_MS) {
      pill.className = 'pill bad';
      setText(pill, state.lastFrameAt ? 'disconnected' : 'connecting');
    } else if (f && f.ready && f.countersAt && f.at - f.countersAt > STALE_MS) {
      pill.className = 'pill warn';
      setText(pill, 'counters stale ' + Math.round((f.at - f.countersAt) / 1000) + ' s');
    } else {
      pill.className = 'pill good';
      setText(pill, 'live');
    }
  }

  function header(f) {
    const engine = $('engine-state');
    const banner = $('banner');
    if (!f.ready) {
      engine.className = 'pill info';
      setText(engine, 'recovering');
      const r = f.recovery;
      const seconds = r.startedAt ? Math.max(0.001, (f.at - r.startedAt) / 1000) : 0;
      banner.className = 'banner info';
      setText(banner, 'Recovering from the journal: ' + num(r.eventsReplayed) + ' events replayed'
        + (seconds ? ' in ' + seconds.toFixed(0) + ' s (' + num(r.eventsReplayed / seconds) + ' events/s)' : '')
        + '. Claims are answered NOT_READY until it is done.');
      banner.hidden = false;
    } else if (f.halted) {
      engine.className = 'pill bad';
      setText(engine, 'HALTED');
      banner.className = 'banner bad';
      setText(banner, f.cluster
        ? 'The cluster takes no commands: ' + f.haltReason + '. Claims are answered UNAVAILABLE until it is back.'
        : 'The engine has halted and accepts nothing: ' + f.haltReason + '. Restart Surge to recover from the journal.');
      banner.hidden = false;
    } else if (f.engine && f.engine.tableGrowthLongestMs >= GROWTH_WARN_MS) {
      engine.className = 'pill good';
      setText(engine, 'ready');
      banner.className = 'banner warn';
      setText(banner, 'The engine stopped every claim for ' + f.engine.tableGrowthLongestMs.toFixed(0)
        + ' ms to grow its tables (' + num(f.engine.tableGrowths) + ' growths so far): this sale is larger than the '
        + 'server was sized for. Start the next one with a larger --expected-users.');
      banner.hidden = false;
    } else {
      engine.className = 'pill good';
      setText(engine, 'ready');
      banner.hidden = true;
    }
    const e = f.engine;
    if (f.cluster) {
      // in front of a cluster there is no ring or journal here: its client's commands instead
      setText($('ring-name'), 'in flight');
      $('ring-stat').title = 'Commands sent to the cluster and not answered yet / most allowed';
      setText($('ring'), e ? num(e.inFlight) + ' / ' + num(e.maxInFlight) : '–');
      setText($('lag-name'), 'resent');
      $('lag-stat').title = 'Commands sent to the cluster again (leader changes, lost sessions)';
      setText($('journal-lag'), e ? num(e.resent) : '–');
    } else {
      setText($('ring'), e ? num(e.ringDepth) + ' / ' + num(e.ringCapacity) : '–');
      setText($('journal-lag'), e ? num(e.journalLag) : '–');
    }
    const c = f.latency.claim;
    setText($('lat-p50'), c.count ? micros(c.p50) : '–');
    setText($('lat-p99'), c.count ? micros(c.p99) : '–');
    setText($('lat-p999'), c.count ? micros(c.p999) : '–');
    setText($('updated'), 'updated ' + Charts.clock(f.at));
  }

  function totals(f) {
    const t = {granted: 0, refused: 0, stock: 0, units: 0, sold: 0, redeemed: 0, pending: 0, delivered: 0, failed: 0};
    for (const c of f.campaigns) {
      t.granted += c.granted;
      t.refused += c.rejectedTotal;
      t.redeemed += c.redeemed;
      t.pending += c.deliveries.pending;
      t.delivered += c.deliveries.delivered;
      t.failed += c.deliveries.failed;
      const s = stock(c);
      t.stock += s.left;
      t.units += s.left + s.sold;
      t.sold += s.sold;
    }
    return t;
  }

  /** Units left and sold over a campaign's SKUs (a bundle's items are counted in their own SKUs). */
  function stock(c) {
    let left = 0, sold = 0;
    for (const s of c.skus) {
      if (s.kind === 'BUNDLE') continue;
      left += s.stockLeft;
      sold += s.granted;
    }
    return {left, sold};
  }

  function kpis(f) {
    const t = totals(f);
    setText($('kpi-granted-rate'), perSec(f.rates.granted));
    setText($('kpi-granted'), num(t.granted) + ' granted in all');
    setText($('kpi-refused-rate'), perSec(f.rates.refused));
    setText($('kpi-refused'), num(t.refused) + ' refused in all');
    setText($('kpi-stock'), num(t.stock));
    setText($('kpi-sold'), t.units ? (100 * t.sold / t.units).toFixed(1) + '% sold of ' + num(t.units) : 'no stock loaded');
    setText($('kpi-redeemed'), num(t.redeemed));
    setText($('kpi-redeemed-rate'), perSec(f.rates.redeemed) + ' / s');
    setText($('kpi-pending'), num(t.pending));
    const failed = $('kpi-deliveries');
    setText(failed, num(t.delivered) + ' delivered · ' + num(t.failed) + ' failed');
    failed.classList.toggle('bad-text', t.failed > 0);
    const d = f.door;
    setText($('kpi-door'), perSec(d.rateLimited + d.overloaded + d.timeouts));
    setText($('kpi-door-detail'), '429 ' + perSec(d.rateLimited) + ' · 503 ' + perSec(d.overloaded)
      + ' · 408 ' + perSec(d.timeouts));
  }

  function charts() {
    Charts.line($('chart-claims'), state.t, [
      {label: 'granted', color: '#3fb950', fill: 'rgba(63,185,80,0.12)', values: series('g:granted')},
      {label: 'refused', color: '#f85149', values: series('g:refused')},
      {label: 'redeemed', color: '#58a6ff', values: series('g:redeemed')},
    ], {format: perSec});
    Charts.line($('chart-latency'), state.t, [
      {label: 'p50', color: '#58a6ff', values: series('g:p50')},
      {label: 'p99', color: '#d29922', values: series('g:p99')},
      {label: 'p99.9', color: '#f85149', dash: [4, 3], values: series('g:p999')},
    ], {format: micros, log: true});
  }

  // ---- breakdowns (refusals by result, risk reasons, anything else counted by name) -----------------

  /** Sums every map of counts the campaigns carry: {field: {name: count}}. */
  function breakdowns(campaigns) {
    const out = {};
    for (const c of campaigns) {
      for (const [field, value] of Object.entries(c)) {
        if (NOT_BREAKDOWNS.has(field) || !value || typeof value !== 'object' || Array.isArray(value)) continue;
        const entries = Object.entries(value);
        if (!entries.every(([, v]) => typeof v === 'number')) continue;
        const sum = out[field] || (out[field] = {});
        for (const [k, v] of entries) sum[k] = (sum[k] || 0) + v;
      }
    }
    return out;
  }

  /** Bars, largest first: name, count, and the rate now when known. */
  function bars(container, title, counts, rates) {
    const group = el('div', 'breakdown');
    group.appendChild(el('h3', null, title));
    const entries = Object.entries(counts).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
    if (!entries.length) group.appendChild(el('div', 'muted', 'none'));
    const max = entries.length ? entries[0][1] : 1;
    for (const [name, count] of entries) {
      const row = el('div', 'bar-row');
      row.dataset.name = name;
      row.appendChild(el('span', 'bar-name', name));
      const track = el('span', 'bar-track');
      const bar = el('span', 'bar');
      bar.style.width = Math.max(2, (100 * count) / max) + '%';
      bar.style.background = COLORS[name] || '#58a6ff';
      track.appendChild(bar);
      row.appendChild(track);
      const rate = rates && rates[name];
      row.appendChild(el('span', 'bar-count', num(count) + (rate ? ' · ' + perSec(rate) + '/s' : '')));
      group.appendChild(row);
    }
    container.appendChild(group);
  }

  /** Per second since the previous fresh frame, for breakdowns the server sends no rates for. */
  function breakdownRates(f, all) {
    const before = state.breakdownsBefore;
    if (!f.fresh) return before ? before.rates : {};
    const rates = {};
    const seconds = before ? (f.countersAt - before.at) / 1000 : 0;
    for (const [field, counts] of Object.entries(all)) {
      rates[field] = {};
      for (const [name, count] of Object.entries(counts)) {
        const was = before && before.all[field] ? before.all[field][name] || 0 : count;
        rates[field][name] = seconds > 0 ? Math.max(0, count - was) / seconds : 0;
      }
    }
    state.breakdownsBefore = {at: f.countersAt, all, rates};
    return rates;
  }

  function refusals(f) {
    const box = $('refusals');
    box.replaceChildren();
    const all = breakdowns(f.campaigns);
    const rates = breakdownRates(f, all);
    bars(box, 'By result', all.rejected || {}, f.rates.byResult);
    for (const [field, counts] of Object.entries(all)) {
      if (field !== 'rejected') bars(box, humanize(field), counts, rates[field]);
    }
  }

  // ---- sections from other parts of the gateway (suppliers...) --------------------------------------

  function badge(value) {
    const b = el('span', 'badge', String(value));
    const v = String(value).toUpperCase();
    b.classList.add(v === 'OPEN' || v === 'FAILED' || v === 'DOWN' ? 'bad'
      : v === 'HALF_OPEN' || v === 'DEGRADED' ? 'warn' : v === 'CLOSED' || v === 'UP' || v === 'OK' ? 'good' : 'neutral');
    return b;
  }

  /**
   * Rows of objects as a table: one column per field seen. {@code labels} renames columns (and
   * gives them a tooltip); {@code extra(row, tr)} may add cells after them, under {@code extraHead}.
   */
  function table(tableEl, rows, labels, extra, extraHead) {
    const columns = [];
    for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
    const head = el('tr');
    for (const c of columns) {
      const label = labels && labels[c];
      const th = el('th', typeof rows[0][c] === 'number' ? null : 'left', label ? label[0] : humanize(c));
      if (label && label[1]) th.title = label[1];
      head.appendChild(th);
    }
    if (extra) head.appendChild(el('th', 'left', extraHead || ''));
    const body = [head];
    for (const r of rows) {
      const tr = el('tr');
      for (const c of columns) {
        const v = r[c];
        const td = el('td', typeof v === 'number' ? null : 'left');
        td.dataset.field = c;
        if (/breaker|circuit|state|status/i.test(c) && typeof v === 'string') td.appendChild(badge(v));
        else td.textContent = typeof v === 'number' ? num(v) : v == null ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v);
        if (/failed$/i.test(c) && v > 0) td.classList.add('bad-text');
        tr.appendChild(td);
      }
      if (extra) extra(r, tr);
      body.push(tr);
    }
    tableEl.replaceChildren(...body);
  }

  function asRows(value) {
    if (Array.isArray(value)) return value.filter((v) => v && typeof v === 'object');
    if (value && typeof value === 'object' && Object.values(value).every((v) => v && typeof v === 'object')) {
      return Object.entries(value).map(([id, v]) => ({id, ...v}));
    }
    return null;
  }

  // the dispatcher's fields (DeliveryMetrics.writeSuppliers); a section with others shows them as they come
  const SUPPLIER_COLUMNS = {
    id: ['Supplier'],
    breaker: ['Breaker', 'Circuit breaker: CLOSED sends, OPEN sends nothing until a probe, HALF_OPEN one probe out'],
    inFlight: ['In flight', 'Requests out now'],
    waiting: ['Queued', 'Waiting now for a free connection slot or for the circuit to let them through'],
    delivered: ['Delivered', 'Delivered here since the gateway started'],
    failedOver: ['Failed over', 'Passed on to the next supplier since the gateway started'],
    failed: ['Failed', 'FAILED with this supplier the last on the route, since the gateway started'],
    unknown: ['No answer', 'Sent and never answered (then asked before anything else), since the gateway started'],
  };

  /** The supplier row's action: re-drive the FAILED deliveries whose last supplier is this one. */
  function supplierActions(row, tr) {
    const td = el('td', 'left actions');
    const id = String(row.id);
    // one button per supplier across frames, so a re-drive in progress stays busy
    let b = state.supplierButtons.get(id);
    if (!b) {
      b = button('Re-drive', 'ghost redrive', (btn) => redrive(btn, {supplierId: id}, 'supplier ' + id));
      state.supplierButtons.set(id, b);
    }
    b.title = 'Send again the FAILED deliveries whose last supplier is ' + id;
    td.appendChild(b);
    tr.dataset.supplier = id;
    tr.appendChild(td);
  }

  function sections(f) {
    const s = f.sections || {};
    const suppliers = asRows(s.suppliers);
    $('suppliers-panel').hidden = !suppliers || !suppliers.length;
    if (suppliers && suppliers.length) table($('suppliers'), suppliers, SUPPLIER_COLUMNS, supplierActions, 'Actions');
    const box = $('sections');
    box.replaceChildren();
    for (const [name, value] of Object.entries(s)) {
      if (name === 'suppliers') continue;
      const panel = el('section', 'panel');
      panel.appendChild(el('h2', null, humanize(name)));
      const rows = asRows(value);
      if (rows) {
        const t = el('table', 'grid');
        table(t, rows);
        panel.appendChild(t);
      } else if (value && typeof value === 'object' && Object.values(value).every((v) => typeof v === 'number')) {
        bars(panel, '', value, null);
      } else {
        panel.appendChild(el('pre', null, JSON.stringify(value, null, 2)));
      }
      box.appendChild(panel);
    }
  }

  // ---- campaigns ---------------------------------------------------------------------------------------

  function button(label, className, onClick) {
    const b = el('button', className, label);
    b.type = 'button';
    b.addEventListener('click', (e) => {
      e.stopPropagation();
      onClick(b);
    });
    return b;
  }

  /**
   * Runs an operator action from a button; the button stays busy (and is not updated) meanwhile.
   * {@code call} may resolve to the message to show instead of {@code what}.
   */
  async function act(b, what, call) {
    b.disabled = true;
    b.classList.add('busy');
    try {
      const said = await call();
      toast(typeof said === 'string' ? said : what, true);
    } catch (e) {
      toast(what + ' failed: ' + e.message, false);
    } finally {
      b.classList.remove('busy');
      b.disabled = false;
    }
  }

  /**
   * POST /admin/deliveries/redrive (journaled, with who asked) for the FAILED deliveries of one
   * campaign or supplier ({@code scope} names it); the toast says how many went again.
   */
  function redrive(b, filter, scope) {
    act(b, 'Re-drive for ' + scope, async () => {
      const r = await admin('POST', '/admin/deliveries/redrive', {...filter, requestedBy: 'dashboard'});
      const n = r && typeof r.redriven === 'number' ? r.redriven : 0;
      return n ? 'Re-drove ' + num(n) + ' failed deliver' + (n === 1 ? 'y' : 'ies') + ' for ' + scope
        : 'Nothing to re-drive for ' + scope;
    });
  }

  function makeRow(id) {
    const tr = el('tr', 'campaign');
    tr.dataset.campaign = id;
    const r = {tr, cells: {}};
    const cell = (name, className) => {
      const td = el('td', className);
      tr.appendChild(td);
      r.cells[name] = td;
      return td;
    };
    const who = cell('who', 'left who');
    r.caret = el('span', 'caret', '▸');
    r.idEl = el('div', 'id', id);
    r.idEl.prepend(r.caret);
    r.nameEl = el('div', 'name muted');
    who.append(r.idEl, r.nameEl);
    r.status = el('span', 'badge status');
    r.when = el('div', 'when muted');
    cell('status', 'left').append(r.status, r.when);
    r.spark = el('canvas', 'spark');
    cell('spark', 'left').appendChild(r.spark);
    r.stockText = el('div', 'stock');
    const track = el('div', 'meter');
    r.meter = el('div', 'meter-fill');
    track.appendChild(r.meter);
    cell('stock', 'left').append(r.stockText, track);
    r.granted = cell('granted', 'granted');
    r.grantedRate = cell('grantedRate', 'granted-rate');
    r.refusedRate = cell('refusedRate', 'refused-rate');
    r.topRefusal = cell('topRefusal', 'left top-refusal');
    r.redeemed = cell('redeemed', 'redeemed');
    r.deliveries = cell('deliveries', 'deliveries');
    const actions = cell('actions', 'left actions');
    r.toggle = button('Pause', 'pause', (b) => {
      const resume = b.classList.contains('resume');
      act(b, (resume ? 'Resumed ' : 'Paused ') + id,
        () => admin('POST', '/admin/campaigns/' + encodeURIComponent(id) + (resume ? '/resume' : '/pause')));
    });
    r.stockButton = button('Stock…', 'ghost stock-toggle', () => toggle(id));
    r.redrive = button('Re-drive', 'ghost redrive', (b) => redrive(b, {campaignId: id}, 'campaign ' + id));
    actions.append(r.toggle, r.stockButton, r.redrive);
    tr.addEventListener('click', () => toggle(id));

    r.detail = el('tr', 'detail');
    r.detail.dataset.detail = id;
    r.detail.hidden = true;
    const td = el('td');
    td.colSpan = 11;
    const wrap = el('div', 'detail-grid');
    const chartBox = el('div', 'panel inner');
    chartBox.appendChild(el('h3', null, 'Sell-down by SKU (units left)'));
    r.chart = el('canvas', 'chart');
    chartBox.appendChild(r.chart);
    const skuBox = el('div', 'panel inner');
    skuBox.appendChild(el('h3', null, 'SKUs'));
    r.skuTable = el('table', 'grid skus');
    r.breakdowns = el('div', 'breakdowns');
    skuBox.append(r.skuTable, r.breakdowns);
    wrap.append(chartBox, skuBox);
    td.appendChild(wrap);
    r.detail.appendChild(td);
    r.skuRows = new Map();
    return r;
  }

  function toggle(id) {
    const r = state.rows.get(id);
    if (!r) return;
    if (state.open.has(id)) state.open.delete(id);
    else state.open.add(id);
    r.detail.hidden = !state.open.has(id);
    setText(r.caret, state.open.has(id) ? '▾' : '▸');
    if (state.open.has(id) && !state.skuHistoryLoaded.has(id)) {
      state.skuHistoryLoaded.add(id);
      history(id).then((h) => {
        merge(h);
        if (state.frame) campaigns(state.frame);
      });
    }
    if (state.frame) campaigns(state.frame);
  }

  function skuRow(r, campaign, sku) {
    let row = r.skuRows.get(sku.id);
    if (row) return row;
    const tr = el('tr');
    tr.dataset.sku = sku.id;
    row = {tr, id: el('td', 'left'), kind: el('td', 'left muted'), granted: el('td'), left: el('td'), codes: el('td')};
    const add = el('td', 'left add-stock');
    const input = el('input', 'stock-delta');
    input.type = 'number';
    input.step = '1';
    input.addEventListener('click', (e) => e.stopPropagation());
    const go = button('Apply', 'stock-add', (b) => {
      const delta = parseInt(input.value, 10);
      if (!delta) {
        toast('Enter a whole number of units to add (or a negative one to withdraw)', false);
        return;
      }
      act(b, (delta > 0 ? 'Added ' : 'Withdrew ') + Math.abs(delta) + ' units of ' + sku.id, async () => {
        await admin('POST', '/admin/campaigns/' + encodeURIComponent(campaign) + '/skus/' + encodeURIComponent(sku.id)
          + '/stock', {delta});
        input.value = '';
      });
    });
    add.append(input, go);
    row.add = add;
    row.input = input;
    row.button = go;
    tr.append(row.id, row.kind, row.granted, row.left, row.codes, add);
    r.skuRows.set(sku.id, row);
    return row;
  }

  function detail(r, c) {
    Charts.line(r.chart, state.t, c.skus.map((s, i) => ({
      label: s.id, color: PALETTE[i % PALETTE.length], values: series('s:' + c.id + '/' + s.id),
    })), {format: num});
    const head = el('tr');
    for (const [h, cls] of [['SKU', 'left'], ['Kind', 'left'], ['Granted', null], ['Left', null], ['Codes loaded', null],
      ['Adjust stock', 'left']]) head.appendChild(el('th', cls, h));
    const rows = [head];
    for (const s of c.skus) {
      const row = skuRow(r, c.id, s);
      setText(row.id, s.id);
      setText(row.kind, s.kind);
      setText(row.granted, num(s.granted));
      setText(row.left, num(s.stockLeft));
      setText(row.codes, s.codesLoaded == null ? '–' : num(s.codesLoaded));
      // a bundle's stock is its items'; a CODE SKU gains stock by uploading codes (it may withdraw)
      row.input.hidden = row.button.hidden = s.kind === 'BUNDLE';
      row.input.placeholder = s.kind === 'CODE' ? 'e.g. -100' : 'e.g. +500';
      row.input.title = s.kind === 'CODE' ? 'Withdraw N codes with -N (upload codes to add more)' : 'Add +N or withdraw -N units';
      rows.push(row.tr);
    }
    if (r.skuTable.children.length !== rows.length || !rows.every((x, i) => r.skuTable.children[i] === x)) {
      r.skuTable.replaceChildren(...rows);
    }
    r.breakdowns.replaceChildren();
    const all = breakdowns([c]);
    bars(r.breakdowns, 'Refused, by result', all.rejected || {}, null);
    for (const [field, counts] of Object.entries(all)) {
      if (field !== 'rejected') bars(r.breakdowns, humanize(field), counts, null);
    }
    // lists the campaign carries besides its SKUs (per-supplier deliveries, say): one table each
    for (const [field, value] of Object.entries(c)) {
      const rows = field === 'skus' ? null : Array.isArray(value) ? asRows(value) : null;
      if (!rows || !rows.length) continue;
      const group = el('div', 'breakdown');
      group.appendChild(el('h3', null, humanize(field)));
      const t = el('table', 'grid');
      table(t, rows);
      group.appendChild(t);
      r.breakdowns.appendChild(group);
    }
  }

  function timing(c, now) {
    const starts = c.startsAt ? Date.parse(c.startsAt) : 0;
    const ends = c.endsAt ? Date.parse(c.endsAt) : Infinity;
    if (now < starts) return 'starts ' + new Date(starts).toLocaleString();
    if (now >= ends) return 'ended ' + new Date(ends).toLocaleString();
    return ends === Infinity ? 'open' : 'until ' + new Date(ends).toLocaleString();
  }

  function campaigns(f) {
    const body = $('campaigns');
    const seen = new Set();
    const order = [];
    const filter = state.filter;
    for (const c of f.campaigns) {
      seen.add(c.id);
      let r = state.rows.get(c.id);
      if (!r) {
        r = makeRow(c.id);
        state.rows.set(c.id, r);
      }
      const shown = !filter || c.id.toLowerCase().includes(filter) || (c.name || '').toLowerCase().includes(filter);
      r.tr.hidden = !shown;
      r.detail.hidden = !shown || !state.open.has(c.id);
      order.push(r.tr, r.detail);
      if (!shown) continue;
      update(r, c, f);
    }
    for (const [id, r] of state.rows) {
      if (!seen.has(id)) {
        state.rows.delete(id);
        state.open.delete(id);
      }
    }
    if (body.children.length !== order.length || !order.every((x, i) => body.children[i] === x)) {
      body.replaceChildren(...order);
    }
    setText($('campaign-count'), f.campaigns.length ? '(' + f.campaigns.length + ')' : '');
    $('no-campaigns').hidden = !f.ready || f.campaigns.length > 0;
  }

  function update(r, c, f) {
    const rates = f.campaignRates[c.id] || {granted: 0, refused: 0, redeemed: 0};
    setText(r.nameEl, c.name || '');
    setText(r.status, c.status);
    r.status.className = 'badge status ' + (c.status === 'ACTIVE' ? 'good' : c.status === 'PAUSED' ? 'warn' : 'neutral');
    setText(r.when, timing(c, f.at));
    Charts.spark(r.spark, series('c:' + c.id), c.status === 'PAUSED' ? '#d29922' : '#3fb950');
    const s = stock(c);
    const units = s.left + s.sold;
    setText(r.stockText, num(s.left) + ' / ' + num(units));
    r.meter.style.width = (units ? (100 * s.left) / units : 0) + '%';
    r.meter.classList.toggle('low', units > 0 && s.left / units < 0.1);
    setText(r.granted, num(c.granted));
    setText(r.grantedRate, perSec(rates.granted));
    setText(r.refusedRate, perSec(rates.refused));
    r.refusedRate.classList.toggle('bad-text', rates.refused > 0);
    const top = Object.entries(c.rejected).sort((a, b) => b[1] - a[1])[0];
    setText(r.topRefusal, top ? top[0] + ' ' + num(top[1]) : '–');
    setText(r.redeemed, num(c.redeemed));
    const d = c.deliveries;
    setText(r.deliveries, num(d.pending) + ' / ' + num(d.delivered) + ' / ' + num(d.failed));
    r.deliveries.classList.toggle('bad-text', d.failed > 0);
    const paused = c.status === 'PAUSED';
    if (!r.toggle.classList.contains('busy')) {
      setText(r.toggle, paused ? 'Resume' : 'Pause');
      r.toggle.className = paused ? 'resume' : 'pause';
      r.toggle.disabled = c.status === 'CLOSED';
    }
    if (!r.redrive.classList.contains('busy')) r.redrive.disabled = d.failed === 0;
    r.redrive.title = d.failed ? 'Send the ' + num(d.failed) + ' failed deliveries again' : 'No failed deliveries';
    if (state.open.has(c.id)) detail(r, c);
  }

  // ---- start ---------------------------------------------------------------------------------------------

  function connect() {
    const feed = new EventSource('/dashboard/feed');
    feed.addEventListener('frame', (e) => onFrame(JSON.parse(e.data)));
    feed.onerror = async () => {
      linkState();
      if (feed.readyState === EventSource.CLOSED) {
        // refused outright (the session expired, or too many viewers): find out which
        const h = await history().catch(() => null);
        setTimeout(connect, h ? 2000 : 5000);
      }
    };
  }

  $('filter').addEventListener('input', (e) => {
    state.filter = e.target.value.trim().toLowerCase();
    if (state.frame) campaigns(state.frame);
  });
  $('logout').addEventListener('click', async () => {
    try {
      await admin('POST', '/dashboard/logout');
    } finally {
      location.reload();
    }
  });
  window.addEventListener('resize', () => state.frame && render(state.frame));
  setInterval(linkState, 1000);
  history().then(merge).catch(() => null).finally(connect);
})();
