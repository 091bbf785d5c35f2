'use strict';
// Team: one team's month, budgets, workflows and models, and alerts. A team key sees its own team.
async function render(who) {
  const select = document.getElementById('team');
  const now = new Date();
  const monthStart = TL.monthStart(now);
  const teams = await TL.get('aggregation', '/v1/breakdown?scope=team&window=1d&from=' + monthStart.toISOString()
    + '&to=' + now.toISOString());
  const names = [...new Set([...teams.rows.map(r => r.key), ...(who.reads_all ? [] : [who.team])])].sort();
  const wanted = new URLSearchParams(location.search).get('team') || select.value || names[0];
  if (select.options.length !== names.length) {
    select.replaceChildren(...names.map(n => TL.el('option', { value: n }, n)));
  }
  if (!wanted) { return; }
  select.value = wanted;
  const team = encodeURIComponent(wanted);
  const month = await TL.get('aggregation', '/v1/period-to-date?team=' + team + '&period=month&zone=UTC&at='
    + now.toISOString());
  TL.coverage('coverage', TL.monthToDateText(now));
  document.getElementById('team-mtd-usd').replaceChildren(TL.money(month.total.cost_usd));
  document.getElementById('team-mtd-tokens').textContent = TL.tokens(month.total.total_tokens);
  const budgets = (await TL.get('alerting', '/v1/budgets?team=' + team)).budgets;
  TL.budgets(document.getElementById('team-budgets'), budgets.filter(b => !b.user_id && !b.agent_id));
  // A person's or an agent's allowance, by spend against it: who uses the team's tokens.
  const allowances = budgets.filter(b => b.user_id || b.agent_id)
    .sort((a, b) => Number(b.used_percent) - Number(a.used_percent) || a.budget_id.localeCompare(b.budget_id));
  TL.table(document.getElementById('team-allowances'), [
    { title: 'Who', field: 'who', value: b => b.user_id ? 'person ' + b.user_id : 'agent ' + b.agent_id },
    { title: 'Allowance', field: 'budget', value: b => b.budget_id },
    { title: 'Period', field: 'period', value: b => TL.periodText(b.period_start, b.period_end, b.timezone) },
    { title: 'Spent', field: 'spent', num: true, value: b => b.limit_nano_usd !== null ? TL.money(b.spend_usd)
      : TL.tokens(b.spend_tokens) + ' tokens' },
    { title: 'Limit', field: 'limit', num: true, value: b => b.limit_nano_usd !== null ? TL.money(b.limit_usd)
      : TL.tokens(b.limit_tokens) + ' tokens' },
    { title: 'Used', field: 'used', num: true, value: b => TL.fmt.share(b.used_percent) },
    { title: 'State', field: 'state', value: b => TL.el('span', { class: 'state-' + b.state }, b.state) },
    { title: 'Enforcement', field: 'enforcement', value: b => b.enforcement === 'HARD' ? 'stops calls' : 'alerts' },
  ], allowances, b => b.budget_id, 'No person or agent of this team has an allowance (budgets set --user or --agent).');

  const series = (await TL.get('aggregation', '/v1/breakdown?scope=team-workflow-model&window=1d&from='
    + monthStart.toISOString() + '&to=' + now.toISOString())).rows.filter(r => TL.teamOf(r.key) === wanted);
  // Outcomes come from the outcomes recorded (the economics), per workflow and provider/model: the
  // same count the economics page shows.
  const economics = await TL.get('economics', '/v1/economics?period=month&zone=UTC&at=' + now.toISOString()
    + '&team=' + team).catch(() => ({ workflows: [] }));
  const succeeded = new Map();
  economics.workflows.forEach(w => w.models.forEach(m => succeeded.set(w.workflow + '|' + m.provider + '|' + m.model
    + '|' + (m.service_tier || ''), m.units_succeeded)));
  TL.table(document.getElementById('team-series'), [
    { title: 'Workflow', field: 'workflow', value: r => r.workflow },
    // One model from two providers is two rows, each at its provider's price.
    { title: 'Provider', field: 'provider', value: r => r.provider === null ? '(not recorded)' : r.provider },
    { title: 'Model', field: 'model', value: r => r.model + (r.service_tier ? ' (' + r.service_tier + ')' : '') },
    { title: 'Spend', field: 'cost', num: true, value: r => TL.money(r.total.cost_usd) },
    { title: 'Tokens', field: 'tokens', num: true, value: r => TL.tokens(r.total.total_tokens) },
    { title: 'Requests', field: 'requests', num: true, value: r => TL.tokens(r.total.request_count) },
    { title: 'Units delivered', field: 'outcomes', num: true, value: r => {
      const units = succeeded.get(r.workflow + '|' + r.provider + '|' + r.model + '|' + (r.service_tier || ''));
      return units === undefined ? '-' : TL.tokens(units);
    } },
  ], series, r => r.key);

  const to = now;
  const from = new Date(to.getTime() - 48 * 3600e3);
  const hourly = (await TL.get('aggregation', '/v1/breakdown?scope=team-workflow-model&window=1h&from='
    + from.toISOString() + '&to=' + to.toISOString())).rows.filter(r => TL.teamOf(r.key) === wanted);
  const starts = [...new Set(hourly.flatMap(r => r.windows.map(w => w.window_start)))].sort();
  const perWorkflow = new Map();
  hourly.forEach(r => {
    const workflow = r.workflow;
    const byStart = perWorkflow.get(workflow) || new Map();
    r.windows.forEach(w => byStart.set(w.window_start, (byStart.get(w.window_start) || 0n) + TL.nano(w.cost_usd)));
    perWorkflow.set(workflow, byStart);
  });
  TL.chart('team-chart', 'bar', starts.map(s => s.slice(5, 16).replace('T', ' ')),
    [...perWorkflow.entries()].map(([workflow, byStart]) => ({ label: workflow,
      data: starts.map(s => TL.plotUsd(byStart.get(s) || 0n)) })),
    { scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 'USD per hour (UTC)' },
      ticks: { callback: TL.axisUsd } } } });

  TL.alerts(document.getElementById('team-alerts'), (await TL.get('alerting', '/v1/alerts?team=' + team + '&limit=20')).alerts);
}

document.getElementById('team').addEventListener('change', ev => {
  history.replaceState(null, '', 'team.html?team=' + encodeURIComponent(ev.target.value));
});
TL.page('Team', render);
