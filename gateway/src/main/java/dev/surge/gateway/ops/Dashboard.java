package dev.surge.gateway.ops;

/**
 * {@code GET /dashboard}: one self-contained page that polls {@code /metrics} every second and
 * shows claim decisions by campaign and result, request rate and latency, ring depth and journal
 * lag. No admin token needed: it shows only what /metrics already does.
 */
final class Dashboard {
    private Dashboard() {
    }

    static final String PAGE = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Surge</title>
        <style>
        body{font:14px system-ui,sans-serif;margin:2em;color:#222}
        h1{font-size:20px}table{border-collapse:collapse;margin:1em 0}
        td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{background:#f4f4f4}
        td:first-child,th:first-child{text-align:left}.k{color:#666}
        </style></head><body>
        <h1>Surge &mdash; live</h1>
        <div id="summary" class="k">loading&hellip;</div>
        <h2>Decisions</h2><table id="decisions"></table>
        <h2>Requests</h2><table id="requests"></table>
        <script>
        let last = null;
        function parse(text) {
          const m = {};
          for (const line of text.split('\\n')) {
            if (!line || line[0] === '#') continue;
            const i = line.lastIndexOf(' ');
            m[line.slice(0, i)] = parseFloat(line.slice(i + 1));
          }
          return m;
        }
        function labels(key) {
          const out = {}; const b = key.indexOf('{');
          if (b < 0) return out;
          for (const part of key.slice(b + 1, -1).split('",')) {
            const [k, v] = part.split('="'); out[k] = v.replace(/"$/, '');
          }
          return out;
        }
        function table(el, rows, cols) {
          el.innerHTML = '<tr>' + cols.map(c => '<th>' + c + '</th>').join('') + '</tr>' +
            rows.map(r => '<tr>' + r.map(c => '<td>' + c + '</td>').join('') + '</tr>').join('');
        }
        async function tick() {
          try {
            const m = parse(await (await fetch('/metrics')).text());
            const now = Date.now();
            const dec = {}; const results = new Set();
            for (const [k, v] of Object.entries(m)) {
              if (!k.startsWith('surge_decisions_total{')) continue;
              const l = labels(k); (dec[l.campaign] ||= {})[l.result] = v; results.add(l.result);
            }
            const rs = [...results].sort();
            table(document.getElementById('decisions'),
              Object.entries(dec).map(([c, r]) => [c, ...rs.map(x => r[x] || 0)]), ['campaign', ...rs]);
            const req = [];
            for (const [k, v] of Object.entries(m)) {
              if (!k.startsWith('surge_http_requests_total{')) continue;
              const l = labels(k); let rate = '';
              if (last && last.m[k] !== undefined) rate = ((v - last.m[k]) * 1000 / (now - last.t)).toFixed(1);
              req.push([l.route, l.status, v, rate]);
            }
            table(document.getElementById('requests'), req, ['route', 'status', 'total', 'per second']);
            const q = (p) => ((m['surge_http_request_duration_quantile_seconds{route="claim",quantile="' + p + '"}'] || 0) * 1000).toFixed(3);
            document.getElementById('summary').textContent =
              'ready ' + (m['surge_ready'] ? 'yes' : 'no') + ' · halted ' + (m['surge_engine_halted'] ? 'YES' : 'no') +
              ' · ring depth ' + (m['surge_ring_depth'] || 0) + '/' + (m['surge_ring_capacity'] || 0) +
              ' · journal lag ' + (m['surge_journal_lag_slots'] || 0) + ' slots' +
              ' · claim latency p50 ' + q('0.5') + ' ms, p99 ' + q('0.99') + ' ms, p99.9 ' + q('0.999') + ' ms' +
              ' · connections ' + (m['surge_http_connections_open'] || 0);
            last = {m, t: now};
          } catch (e) {
            document.getElementById('summary').textContent = 'metrics unavailable: ' + e;
          }
        }
        tick(); setInterval(tick, 1000);
        </script></body></html>
        """;
}
