'use strict';
// Overview: month to date, burn rate and projections; spend over time per team, model or workflow;
// the month's tokens by bucket; the teams and their budgets.
const RANGES = { '1m': 60 * 60e3, '1h': 48 * 3600e3, '1d': 31 * 86400e3 };
const WINDOW_NAMES = { '1m': 'minute', '1h': 'hour', '1d': 'day (UTC)' };
const BUCKETS = [['uncached_input_tokens', 'uncached input'], ['cache_read_tokens', 'cache read'],
  ['cache_write_tokens', 'cache write'], ['output_tokens', 'output'], ['reasoning_tokens', 'reasoning']];

function label(start, window) {
  const iso = new Date(start).toISOString();
  return window === '1d' ? iso.slice(0, 10) : iso.slice(5, 16).replace('T', ' ');
}

/** The spend-over-time chart's data; drawn by drawSpend, so that a refresh writes every figure at once. */
async function spendData(who) {
  const scope = document.getElementById('scope').value;
  const window = document.getElementById('window').value;
  const effective = (scope !== 'team' && !who.reads_all) ? 'team' : scope;
  const to = new Date();
  const from = new Date(to.getTime() - RANGES[window]);
  const data = await TL.get('aggregation', '/v1/breakdown?scope=' + effective + '&window=' + window
    + '&from=' + from.toISOString() + '&to=' + to.toISOString());
  return { scope, effective, window, rows: data.rows };
}

function drawSpend(spend) {
  document.getElementById('scope-note').textContent = spend.effective === spend.scope ? ''
    : 'per ' + spend.scope + ' across teams needs a read-all key; showing your team';
  const starts = [...new Set(spend.rows.flatMap(r => r.windows.map(w => w.window_start)))].sort();
  const datasets = spend.rows.map(r => {
    const byStart = new Map(r.windows.map(w => [w.window_start, w.cost_usd]));
    return { label: r.key, data: starts.map(s => TL.plotUsd(byStart.get(s) || 0)), fill: false, tension: 0.2 };
  });
  TL.chart('spend-chart', 'line', starts.map(s => label(s, spend.window)), datasets,
    { scales: { y: { beginAtZero: true, title: { display: true, text: 'USD per ' + WINDOW_NAMES[spend.window] },
      ticks: { callback: TL.axisUsd } } } });
}

// Every answer is fetched first and the page written after, so the figures on it are of one moment.
async function render(who) {
  const now = new Date();
  const monthStart = TL.monthStart(now);
  const weekAgo = new Date(now.getTime() - 7 * 86400e3);
  const teams = await TL.get('aggregation', '/v1/breakdown?scope=team&window=1d&from=' + monthStart.toISOString()
    + '&to=' + now.toISOString());
  const [monthToDate, lastWeek, budgetAnswer, spend] = await Promise.all([
    Promise.all(teams.rows.map(r => TL.get('aggregation', '/v1/period-to-date?team=' + encodeURIComponent(r.key)
      + '&period=month&zone=UTC&at=' + now.toISOString()))),
    TL.get('aggregation', '/v1/breakdown?scope=team&window=1h&from=' + weekAgo.toISOString() + '&to='
      + now.toISOString()),
    TL.get('alerting', '/v1/budgets'),
    spendData(who)]);
  const totals = monthToDate.map(m => m.total);
  // The teams' budgets: a person's or an agent's allowance is part of its team's spend (on the team page).
  const budgets = budgetAnswer.budgets.filter(b => !b.user_id && !b.agent_id);
  const usdBudgets = budgets.filter(b => b.limit_nano_usd !== null);

  TL.coverage('coverage', TL.monthToDateText(now));
  document.getElementById('mtd-usd').replaceChildren(TL.money(TL.sum(totals.map(t => t.cost_usd))));
  document.getElementById('mtd-tokens').textContent = TL.tokens(TL.sum(totals.map(t => t.total_tokens)));
  // The last 7 days (168 hourly windows, the current hour included): a week covers every weekday once.
  const week = TL.sum(lastWeek.rows.map(r => r.total.cost_usd));
  document.getElementById('burn-usd').replaceChildren(TL.money(week / 7n), ' per day (',
    TL.fmt.perHour(week / 168n), ')');
  const projected = TL.sum(usdBudgets.map(b => b.projected_spend_usd ?? b.spend_usd));
  document.getElementById('projected-usd').replaceChildren(...(usdBudgets.length === 0 ? ['no USD budget']
    : [TL.money(projected), ' of ', TL.money(TL.sum(usdBudgets.map(b => b.limit_usd)))]));
  // What the projection is based on: each budget's burn rate over the window that fits its period.
  const windows = [...new Set(usdBudgets.filter(b => b.projection_history).map(b => b.projection_history))];
  const unprojected = usdBudgets.filter(b => !b.projection_history).length;
  document.getElementById('projected-basis').textContent = usdBudgets.length === 0 ? ''
    : (windows.length ? "at each budget's burn rate over the last " + windows.join(' or ') : '')
      + (unprojected ? (windows.length ? '; ' : '') + unprojected + ' not projected yet (too little history): its spend so far'
        : '');
  TL.chart('bucket-chart', 'bar', BUCKETS.map(b => b[1]),
    [{ label: 'tokens', data: BUCKETS.map(b => Number(TL.sum(totals.map(t => t[b[0]])))) }],
    { plugins: { legend: { display: false } } });
  TL.table(document.getElementById('teams'), [
    { title: 'Team', field: 'team', value: r => TL.link(r.team, 'team.html?team=' + encodeURIComponent(r.team)) },
    { title: 'Month to date', field: 'cost', num: true, value: r => TL.money(r.total.cost_usd) },
    { title: 'Tokens', field: 'tokens', num: true, value: r => TL.tokens(r.total.total_tokens) },
    { title: 'Requests', field: 'requests', num: true, value: r => TL.tokens(r.total.request_count) },
    { title: 'Unpriced events', field: 'unpriced', num: true, value: r => r.total.unpriced_event_count },
  ], monthToDate, r => r.team);
  TL.budgets(document.getElementById('budgets'), budgets);
  drawSpend(spend);
}

const redrawSpend = async () => { if (window.tlWho) { drawSpend(await spendData(window.tlWho)); } };
document.getElementById('scope').addEventListener('change', redrawSpend);
document.getElementById('window').addEventListener('change', redrawSpend);
TL.page('Overview', async who => { window.tlWho = who; await render(who); });
