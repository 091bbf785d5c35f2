// tokenledger dashboard: shared code of every page. No build step, no framework: the pages call
// the services' query APIs through the dashboard's same-origin pass-through (/api/<service>/...),
// with the reader's own API key, kept in this tab's sessionStorage and never in the page.
'use strict';

const TL = (() => {
  const KEY = 'tokenledger.key';
  const REFRESH_MS = Number(new URLSearchParams(location.search).get('refresh') || 5) * 1000;
  const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d',
    '#ea580c', '#4b5563'];

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  function key() { return sessionStorage.getItem(KEY); }

  async function get(service, path) {
    const response = await fetch('/api/' + service + path, {
      headers: { 'Authorization': 'Bearer ' + key(), 'Accept': 'application/json' }, cache: 'no-store' });
    let body = {};
    try { body = await response.json(); } catch (e) { /* not JSON: keep the status */ }
    if (response.status === 401) { showLogin((body.error || 'the key was refused') + '.'); }
    if (!response.ok) { throw new ApiError(response.status, body.error || ('HTTP ' + response.status)); }
    return body;
  }

  // Money is exact: the APIs give it as integer nano-USD and as a decimal USD string; the pages
  // read either as a BigInt and sum as BigInt, never through a JavaScript number.
  // An amount finer than a nano-USD (a provider's bill) is rounded to it once, half-even.
  function fromUsd(text) {
    const negative = text.startsWith('-');
    const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
    let n = BigInt(whole) * 1000000000n + BigInt((fraction + '000000000').slice(0, 9));
    const rest = fraction.slice(9).replace(/0+$/, '');
    if (rest) {
      const half = '5'.padEnd(rest.length, '0');
      if (rest > half || (rest === half && n % 2n === 1n)) { n += 1n; }
    }
    return negative ? -n : n;
  }

  function nano(value) {
    if (typeof value === 'string' && value.includes('.')) { return fromUsd(value); }
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new Error('a nano-USD figure too large to read exactly from a JSON number: ' + value);
    }
    return BigInt(value);
  }

  function usd(nanoValue) {
    let n = nano(nanoValue);
    const sign = n < 0n ? '-' : '';
    if (n < 0n) { n = -n; }
    return sign + (n / 1000000000n).toString() + '.' + (n % 1000000000n).toString().padStart(9, '0');
  }

  // Money and ratios as a person reads them: the same rule as MoneyFormat on the server (the
  // browser test checks the two agree), computed on exact BigInt nano-USD and rounded once,
  // half-even. Every figure shown this way carries its exact amount as a hover title.
  const fmt = (() => {
    const CENT = 10000000n;
    function roundDiv(n, d) {
      const q = n / d;
      const twice = 2n * (n % d);
      return twice > d || (twice === d && q % 2n === 1n) ? q + 1n : q;
    }
    function groups(whole) { return whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
    function signed(negative, text) { return (negative ? '-$' : '$') + text; }
    // A non-negative nano amount as a decimal with trailing zeros dropped, at least `min` decimals.
    function decimal(n, min) {
      let fraction = (n % 1000000000n).toString().padStart(9, '0').replace(/0+$/, '');
      fraction = fraction.padEnd(min, '0');
      return groups(n / 1000000000n) + (fraction ? '.' + fraction : '');
    }
    function usdText(value) {
      let n = nano(value);
      const negative = n < 0n;
      if (negative) { n = -n; }
      if (n !== 0n && n < CENT) {
        // Below a cent: two significant digits, so that it never reads as zero.
        const digits = n.toString().length;
        const unit = digits > 2 ? 10n ** BigInt(digits - 2) : 1n;
        return signed(negative, decimal(roundDiv(n, unit) * unit, 0));
      }
      const cents = roundDiv(n, CENT);
      return signed(negative, groups(cents / 100n) + '.' + (cents % 100n).toString().padStart(2, '0'));
    }
    function compactText(value) {
      let n = nano(value);
      const negative = n < 0n;
      if (negative) { n = -n; }
      if (n < 10000n * 1000000000n) { return usdText(value); }
      const suffixes = ['k', 'M', 'B', 'T'];
      let index = 0;
      let unit = 1000n * 1000000000n;
      while (index < suffixes.length - 1 && n >= 1000n * unit) { unit *= 1000n; index++; }
      const shown = u => n >= 100n * u ? roundDiv(n, u).toString() : (() => {
        const tenths = roundDiv(n, u / 10n);
        return (tenths / 10n).toString() + (tenths % 10n === 0n ? '' : '.' + (tenths % 10n).toString());
      })();
      let text = shown(unit);
      if (Number(text) >= 1000 && index < suffixes.length - 1) { unit *= 1000n; index++; text = shown(unit); }
      return signed(negative, text + suffixes[index]);
    }
    function exactText(value) {
      let n = nano(value);
      const negative = n < 0n;
      if (negative) { n = -n; }
      return signed(negative, decimal(n, 2));
    }
    // A percent string as the APIs write it ("1345.86"), in hundredths of a percent.
    function hundredths(percentText) {
      const text = String(percentText);
      return nano(text.includes('.') ? text : text + '.0') / CENT;
    }
    function oneDecimal(n) {
      const tenths = roundDiv(n, 10n);
      return groups(tenths / 10n) + (tenths % 10n === 0n ? '' : '.' + (tenths % 10n).toString());
    }
    // A change, signed: +1,346%, -73%, +4.5% (no decimals from 10% on).
    function change(percentText) {
      if (percentText === null || percentText === undefined) { return '-'; }
      const h = hundredths(percentText);
      const n = h < 0n ? -h : h;
      const digits = n >= 1000n ? groups(roundDiv(n, 100n)) : oneDecimal(n);
      return (digits === '0' ? '' : h > 0n ? '+' : h < 0n ? '-' : '') + digits + '%';
    }
    // A share of a whole (a success rate, a budget used): 83.5%, 100%.
    function share(percentText) {
      if (percentText === null || percentText === undefined) { return '-'; }
      const h = hundredths(percentText);
      return (h < 0n ? '-' : '') + oneDecimal(h < 0n ? -h : h) + '%';
    }
    return { usd: usdText, compact: compactText, exact: exactText, change, share,
      perHour: v => usdText(v) + '/h', perDay: v => usdText(v) + '/day' };
  })();

  // Money for a page: rounded as the rule says, every digit on hover (and in data-exact, the
  // decimal USD the API gave); '-' for none.
  function money(value, style) {
    if (value === null || value === undefined) { return '-'; }
    const shown = (style === 'compact' ? fmt.compact : fmt.usd)(value);
    // Finer than a nano-USD (a provider's bill): the hover shows every digit the API gave.
    const finer = typeof value === 'string' && (value.split('.')[1] || '').replace(/0+$/, '').length > 9;
    const exact = finer ? (value.startsWith('-') ? '-$' + value.slice(1) : '$' + value) : fmt.exact(value);
    return el('span', { class: 'money', title: exact + ' exactly', 'data-exact': finer ? value : usd(value) }, shown);
  }

  function sum(values) { return values.reduce((a, v) => a + (v === null || v === undefined ? 0n : nano(v)), 0n); }

  function tokens(n) { return BigInt(n || 0).toLocaleString('en-US'); }

  // A chart's y values are plotted as numbers (a picture needs no exactness); every figure in text
  // and tables stays exact.
  function plotUsd(value) { return Number(nano(value)) / 1e9; }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined) { return; }
      if (k === 'class') { e.className = v; } else if (k.startsWith('data-')) { e.setAttribute(k, v); } else { e[k] = v; }
    });
    children.flat().forEach(c => e.append(c instanceof Node ? c : document.createTextNode(c === null ? '' : String(c))));
    return e;
  }

  function table(container, columns, rows, rowKey, emptyText) {
    const head = el('tr', {}, columns.map(c => el('th', { class: c.num ? 'num' : '' }, c.title)));
    const body = rows.map(r => el('tr', { 'data-key': rowKey ? rowKey(r) : null },
      columns.map(c => {
        const value = c.value(r);
        const cell = el('td', { class: c.num ? 'num' : '', 'data-field': c.field || null });
        cell.append(value instanceof Node ? value : document.createTextNode(value === null || value === undefined ? '-'
          : String(value)));
        return cell;
      })));
    const t = el('table', {}, el('thead', {}, head), el('tbody', {}, body));
    container.replaceChildren(rows.length ? t : el('p', { class: 'empty' }, emptyText || 'Nothing yet.'));
  }

  const charts = new Map();

  // Draws or updates a chart in place (no flicker on refresh) and marks its canvas ready.
  function chart(canvasId, type, labels, datasets, options) {
    const canvas = document.getElementById(canvasId);
    datasets.forEach((d, i) => {
      d.borderColor = d.borderColor || COLOURS[i % COLOURS.length];
      d.backgroundColor = d.backgroundColor || COLOURS[i % COLOURS.length] + (type === 'bar' ? 'cc' : '33');
    });
    let c = charts.get(canvasId);
    // Options written as text (callbacks are left out): an axis title that changes with the
    // window chosen means drawing anew, not only new data.
    const shape = type + JSON.stringify(options || {});
    if (c && c.tlShape === shape) {
      c.data.labels = labels;
      c.data.datasets = datasets;
      c.update('none');
    } else {
      if (c) { c.destroy(); }
      c = new Chart(canvas, { type, data: { labels, datasets }, options: Object.assign({
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom' } }, elements: { point: { radius: 2 } },
        scales: { y: { beginAtZero: true } } }, options || {}) });
      c.tlShape = shape;
      charts.set(canvasId, c);
    }
    canvas.setAttribute('data-ready', 'true');
    canvas.setAttribute('data-series', String(datasets.length));
  }

  function showLogin(reason) {
    const dialog = document.getElementById('login');
    document.getElementById('login-reason').textContent = reason || '';
    dialog.hidden = false;
    document.getElementById('main').hidden = true;
  }

  function header(active) {
    const pages = [['index.html', 'Overview'], ['team.html', 'Team'], ['economics.html', 'Economics'], ['plan.html', 'Plan'], ['capacity.html', 'Capacity'],
      ['alerts.html', 'Alerts'], ['prices.html', 'Prices'], ['bills.html', 'Bills']];
    const nav = el('nav', {}, el('strong', {}, 'tokenledger'),
      pages.map(([href, name]) => el('a', { href, class: name === active ? 'active' : '' }, name)),
      el('span', { id: 'who', class: 'who' }), el('button', { id: 'logout', type: 'button', onclick: () => {
        sessionStorage.removeItem(KEY); showLogin('Signed out.'); } }, 'Sign out'));
    const login = el('form', { id: 'login', class: 'login', hidden: true },
      el('h2', {}, 'Sign in with a tokenledger read key'),
      el('p', {}, 'Create one with ', el('code', {}, 'tokenledger keys create --scope read --team <team>'),
        ' (one team) or ', el('code', {}, '--scope read-all'), ' (finance: every team). It stays in this tab only.'),
      el('p', { id: 'login-reason', class: 'error' }),
      el('input', { id: 'key-input', type: 'password', placeholder: 'tlk_...', autocomplete: 'off', size: 60 }),
      el('button', { id: 'key-submit', type: 'submit' }, 'Sign in'));
    login.addEventListener('submit', ev => {
      ev.preventDefault();
      sessionStorage.setItem(KEY, document.getElementById('key-input').value.trim());
      location.reload();
    });
    document.body.prepend(nav, login);
  }

  // Runs a page: checks the key, then renders now and every REFRESH_MS, counting refreshes in
  // body[data-refreshes] and showing when figures were last read.
  function page(active, render) {
    header(active);
    if (!key()) { showLogin(''); return; }
    let refreshes = 0;
    const status = document.getElementById('status');
    const run = async () => {
      try {
        const who = await get('aggregation', '/v1/whoami');
        document.getElementById('who').textContent = who.reads_all ? 'key ' + who.key_id + ': every team'
          : 'key ' + who.key_id + ': team ' + who.team;
        await render(who);
        refreshes++;
        document.body.setAttribute('data-refreshes', String(refreshes));
        document.body.setAttribute('data-loaded', 'true');
        status.textContent = 'Figures as of ' + new Date().toISOString().replace('.000', '') + ', refreshed every '
          + REFRESH_MS / 1000 + ' s.';
        status.className = 'status';
      } catch (e) {
        status.textContent = 'Could not read the figures: ' + e.message;
        status.className = 'status error';
      }
    };
    run();
    setInterval(run, REFRESH_MS);
  }

  function budgets(container, list) {
    table(container, [
      { title: 'Budget', field: 'budget', value: b => b.budget_id },
      { title: 'Team', field: 'team', value: b => b.team },
      { title: 'Scope', value: b => (b.workflow || 'all workflows') + ' / ' + (b.model || 'all models') },
      { title: 'Period', value: b => periodText(b.period_start, b.period_end, b.timezone) },
      { title: 'Spent', field: 'spent', num: true, value: b => b.limit_tokens !== null && b.limit_nano_usd === null
        ? tokens(b.spend_tokens) + ' tokens' : money(b.spend_usd) },
      { title: 'Limit', field: 'limit', num: true, value: b => b.limit_nano_usd !== null ? money(b.limit_usd)
        : tokens(b.limit_tokens) + ' tokens' },
      { title: 'Used', field: 'used', num: true, value: b => fmt.share(b.used_percent) },
      { title: 'Projected at end', field: 'projected', num: true, value: b => el('span',
        { title: b.projection_basis || 'not projected yet' }, b.limit_nano_usd !== null ? money(b.projected_spend_usd)
          : (b.projected_tokens === null ? '-' : tokens(b.projected_tokens) + ' tokens')) },
      { title: 'State', field: 'state', value: b => el('span', { class: 'state-' + b.state }, b.state) },
    ], list, b => b.budget_id);
  }

  function alerts(container, list) {
    table(container, [
      { title: 'Raised', field: 'raised', value: a => a.raised_at.replace('T', ' ').replace('Z', ' UTC') },
      { title: 'Severity', field: 'severity', value: a => el('span', { class: 'sev-' + a.severity }, a.severity) },
      { title: 'Type', field: 'type', value: a => a.type },
      { title: 'Team', field: 'team', value: a => a.team },
      { title: 'Alert', field: 'title', value: a => a.title },
      { title: 'Detail', field: 'detail', value: a => a.detail },
      { title: 'Runbook', field: 'runbook', value: a => link(a.runbook, '/runbooks/' + a.runbook + '.md') },
    ], list, a => a.alert_id);
  }

  function monthStart(now) { return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)); }

  const DAY = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

  // "Dec 1 to Dec 31, 2026 (UTC)": a period by its first and last day, end exclusive (the
  // periods the APIs give are aligned in their zone; the days are read in that zone).
  function periodText(start, end, zone) {
    const day = (iso, f) => new Intl.DateTimeFormat('en-US', Object.assign({ timeZone: zone || 'UTC' }, f))
      .format(new Date(iso));
    const last = new Date(new Date(end).getTime() - 1).toISOString();
    return day(start, { month: 'short', day: 'numeric' }) + ' to '
      + day(last, { month: 'short', day: 'numeric', year: 'numeric' }) + ' (' + (zone || 'UTC') + ')';
  }

  // Says on a page which period and zone its figures cover: "December 2026 to date: Dec 1 to Dec 5, 14:32 UTC".
  function coverage(id, text) {
    const e = document.getElementById(id);
    if (e) { e.textContent = text; }
  }

  function monthToDateText(now) {
    const month = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(now);
    return month + ' to date, UTC: ' + DAY.format(monthStart(now)) + ' 00:00 to ' + DAY.format(now) + ' '
      + now.toISOString().slice(11, 16);
  }

  // Chart axes, where space is short: $12.3k (a picture needs no exactness; the tables are exact).
  function axisUsd(value) {
    return fmt.compact(BigInt(Math.round(value * 1e9)));
  }

  function teamOf(seriesKey) { return seriesKey.split('|')[0]; }

  function link(text, href) { return el('a', { href }, text); }

  return { ApiError, get, budgets, alerts, nano, usd, fmt, money, sum, periodText, coverage, monthToDateText, axisUsd, tokens, plotUsd, el, table, chart, page, monthStart, teamOf, link };
})();
