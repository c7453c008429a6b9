'use strict';
// Small canvas charts for the dashboard: time-series lines with axes and a legend, and
// sparklines. Hand-written so that the page needs nothing from outside the jar.
const Charts = (() => {
  const AXIS = '#8b98a9';
  const GRID = 'rgba(139,152,169,0.15)';
  const FONT = '11px system-ui, -apple-system, "Segoe UI", sans-serif';

  /** Sizes the canvas backing store to its CSS size and the screen's pixel ratio. */
  function context(canvas) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    return {g, w, h};
  }

  /** A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten. */
  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) {
      if (v <= m * p) return m * p;
    }
    return 10 * p;
  }

  function clock(ms) {
    const d = new Date(ms);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  }

  /**
   * Lines over time. t: epoch ms; series: [{label, color, values (null = gap), fill, dash}];
   * opts.format(v) labels the y axis; opts.window (ms) fixes the time span shown; opts.log
   * makes the y axis logarithmic (decades).
   */
  function line(canvas, t, series, opts = {}) {
    const {g, w, h} = context(canvas);
    const format = opts.format || ((v) => String(v));
    const left = 52, right = 10, top = 22, bottom = 20;
    const pw = w - left - right, ph = h - top - bottom;
    if (pw <= 0 || ph <= 0) return;
    const end = t.length ? t[t.length - 1] : Date.now();
    const start = opts.window ? end - opts.window : (t.length ? t[0] : end - 60000);
    const span = Math.max(1, end - start);
    let max = 0, min = Infinity;
    for (const s of series) {
      for (let i = 0; i < s.values.length; i++) {
        const v = s.values[i];
        if (t[i] < start || v == null) continue;
        if (v > max) max = v;
        if (v > 0 && v < min) min = v;
      }
    }
    const x = (ms) => left + ((ms - start) / span) * pw;
    let y, ticks;
    if (opts.log) {
      // decades from below the smallest value to above the largest: a p50 in microseconds and a
      // p99.9 spike in hundreds of milliseconds both stay readable
      const lo = Math.floor(Math.log10(min === Infinity ? 1 : min));
      const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(max, 1))));
      y = (v) => top + ph - ((Math.log10(Math.max(v, Math.pow(10, lo))) - lo) / (hi - lo)) * ph;
      ticks = [];
      for (let d = lo; d <= hi; d++) ticks.push(Math.pow(10, d));
    } else {
      max = niceMax(max * 1.05);
      y = (v) => top + ph - (v / max) * ph;
      ticks = [0, 1, 2, 3, 4].map((i) => (max * i) / 4);
    }

    g.font = FONT;
    g.lineWidth = 1;
    g.textBaseline = 'middle';
    for (const v of ticks) {
      g.strokeStyle = GRID;
      g.beginPath();
      g.moveTo(left, Math.round(y(v)) + 0.5);
      g.lineTo(left + pw, Math.round(y(v)) + 0.5);
      g.stroke();
      g.fillStyle = AXIS;
      g.textAlign = 'right';
      g.fillText(format(v), left - 6, y(v));
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    for (let i = 0; i <= 3; i++) {
      const ms = start + (span * i) / 3;
      g.textAlign = i === 0 ? 'left' : i === 3 ? 'right' : 'center';
      g.fillText(clock(ms), x(ms), top + ph + 5);
    }

    for (const s of series) {
      g.strokeStyle = s.color;
      g.lineWidth = 1.8;
      g.lineJoin = 'round';
      let open = false, firstX = null, lastX = 0;
      const path = new Path2D();
      for (let i = 0; i < t.length; i++) {
        const v = s.values[i];
        if (t[i] < start || v == null) {
          open = false;
          continue;
        }
        if (!open) {
          path.moveTo(x(t[i]), y(v));
          if (firstX == null) firstX = x(t[i]);
          open = true;
        } else {
          path.lineTo(x(t[i]), y(v));
        }
        lastX = x(t[i]);
      }
      if (s.fill && firstX != null) {
        const area = new Path2D(path);
        area.lineTo(lastX, top + ph);
        area.lineTo(firstX, top + ph);
        area.closePath();
        g.fillStyle = s.fill;
        g.fill(area);
      }
      g.setLineDash(s.dash || []);
      g.stroke(path);
      g.setLineDash([]);
    }

    // legend, top right, with each series' latest value
    g.textBaseline = 'middle';
    g.textAlign = 'left';
    let lx = left + pw;
    for (let i = series.length - 1; i >= 0; i--) {
      const s = series[i];
      const last = lastValue(s.values);
      const text = s.label + (last == null ? '' : ' ' + format(last));
      const tw = g.measureText(text).width;
      lx -= tw + 22;
      g.fillStyle = s.color;
      g.fillRect(lx, 7, 10, 3);
      g.fillStyle = '#c9d1d9';
      g.fillText(text, lx + 14, 9);
    }
    if (!t.length) {
      g.fillStyle = AXIS;
      g.textAlign = 'center';
      g.fillText('waiting for data', left + pw / 2, top + ph / 2);
    }
  }

  function lastValue(values) {
    for (let i = values.length - 1; i >= 0; i--) {
      if (values[i] != null) return values[i];
    }
    return null;
  }

  /** A tiny filled line, scaled from 0 to its own maximum (or opts.max). */
  function spark(canvas, values, color, opts = {}) {
    const {g, w, h} = context(canvas);
    let max = opts.max || 0;
    for (const v of values) if (v != null && v > max) max = v;
    if (max <= 0) max = 1;
    const n = Math.max(values.length - 1, 1);
    const x = (i) => (i / n) * (w - 2) + 1;
    const y = (v) => h - 2 - (v / max) * (h - 4);
    const path = new Path2D();
    let started = false, firstX = 0, lastX = 0;
    values.forEach((v, i) => {
      if (v == null) return;
      if (!started) {
        path.moveTo(x(i), y(v));
        firstX = x(i);
        started = true;
      } else {
        path.lineTo(x(i), y(v));
      }
      lastX = x(i);
    });
    if (!started) return;
    const area = new Path2D(path);
    area.lineTo(lastX, h);
    area.lineTo(firstX, h);
    area.closePath();
    g.fillStyle = color + '33';
    g.fill(area);
    g.strokeStyle = color;
    g.lineWidth = 1.5;
    g.stroke(path);
  }

  return {line, spark, clock};
})();
