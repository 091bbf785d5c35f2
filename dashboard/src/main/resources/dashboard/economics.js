'use strict';
// Economics: per workflow, what a completed outcome costs the AI path against a person, the ROI,
// the verdict, the model advice, and the last 7 days' trend. A team key reads its team's share.
function teamParam(who) { return who.reads_all ? '' : '&team=' + encodeURIComponent(who.team); }

// The agent path's cost per completed outcome, with its parts: AI spend and people's review and
// escalation time, each per success.
function agentPath(w) {
  if (w.cost_per_success_usd === null) { return '-'; }
  return TL.el('span', {}, TL.money(w.cost_per_success_usd), TL.el('div', { class: 'parts' }, 'AI ',
    TL.money(w.ai_spend_per_success_usd), ' + people ', TL.money(w.human_in_loop_per_success_usd)));
}
// A turnaround as the server writes it: "45s", "12m 30s", "4h 5m", "2d 3h".
function duration(seconds) {
  const s = Number(seconds);
  if (s < 60) { return s + 's'; }
  if (s < 3600) { return Math.floor(s / 60) + 'm' + (s % 60 ? ' ' + (s % 60) + 's' : ''); }
  if (s < 86400) { return Math.floor(s / 3600) + 'h' + (Math.floor(s % 3600 / 60) ? ' ' + Math.floor(s % 3600 / 60) + 'm' : ''); }
  return Math.floor(s / 86400) + 'd' + (Math.floor(s % 86400 / 3600) ? ' ' + Math.floor(s % 86400 / 3600) + 'h' : '');
}

function axis(verdict) {
  return TL.el('span', { class: verdict === 'AGENT_WORSE' ? 'over' : '' }, {
    AGENT_BETTER: 'agent better', AGENT_WORSE: 'agent worse', NOT_DISTINGUISHABLE: 'not distinguishable',
    NO_DATA: 'no data' }[verdict] || verdict);
}

// A model is as its provider sells it; figures kept before providers were recorded have none.
function providerModel(provider, model, tier) {
  return provider ? provider + (tier ? ':' + tier : '') + '/' + model : model;
}

async function render(who) {
  const period = document.getElementById('period').value;
  const now = new Date();
  const figures = await TL.get('economics', '/v1/economics?period=' + period + '&zone=UTC&at=' + now.toISOString()
    + teamParam(who));
  const workflows = figures.workflows;
  TL.coverage('coverage', period === 'day' ? 'Today, UTC: ' + now.toISOString().slice(0, 10) + ' 00:00 to '
    + now.toISOString().slice(11, 16) : TL.monthToDateText(now));
  TL.table(document.getElementById('economics'), [
    { title: 'Workflow', field: 'workflow', value: w => w.workflow + (w.team ? ' (' + w.team + ')' : '') },
    { title: 'Started', field: 'started', num: true, value: w => TL.tokens(w.items_started) },
    { title: 'Succeeded', field: 'succeeded', num: true, value: w => TL.tokens(w.items_succeeded) },
    { title: 'Units delivered', field: 'units', num: true, value: w => TL.tokens(w.units_succeeded) },
    { title: 'Success rate', field: 'success', num: true, value: w => TL.fmt.share(w.success_rate_percent) },
    { title: 'AI spend', field: 'spend', num: true, value: w => TL.money(w.ai_spend_usd) },
    { title: 'Agent path per completed outcome (AI + people)', field: 'cost-per-success', num: true,
      value: agentPath },
    { title: 'A person per outcome', field: 'human-per-outcome', num: true,
      value: w => TL.money(w.human_cost_per_outcome_usd) },
    { title: 'Saving per outcome', field: 'saving', num: true, value: w => TL.money(w.saving_per_outcome_usd) },
    { title: 'Token ROI', field: 'roi', num: true, value: w => TL.fmt.change(w.token_roi_percent) },
    { title: 'Verdict', field: 'verdict', value: w => TL.el('span', { title: w.verdict_reason }, w.verdict) },
  ], workflows, w => w.workflow + (w.team ? '|' + w.team : ''));

  // Cost, time and quality against a person, and the recommendation that names every axis.
  const judged = workflows.filter(w => w.turnaround.person_seconds !== null || w.quality.person_basis_points !== null);
  TL.table(document.getElementById('axes'), [
    { title: 'Workflow', field: 'workflow', value: w => w.workflow + (w.team ? ' (' + w.team + ')' : '') },
    { title: 'Median turnaround (95%)', field: 'median', num: true, value: w => w.turnaround.median_seconds === null ? '-'
      : duration(w.turnaround.median_seconds) + ' (' + duration(w.turnaround.median_low_seconds) + ' to '
        + duration(w.turnaround.median_high_seconds) + ')' },
    { title: 'A person', field: 'person-time', num: true,
      value: w => w.turnaround.person_seconds === null ? '-' : duration(w.turnaround.person_seconds) },
    { title: 'Mean quality (95%)', field: 'quality', num: true, value: w => w.quality.mean_score === null ? '-'
      : w.quality.mean_score + (w.quality.low_score === null ? '' : ' (' + w.quality.low_score + ' to '
        + w.quality.high_score + ')') },
    { title: 'A person', field: 'person-quality', num: true, value: w => w.quality.person_score || '-' },
    { title: 'Cost', field: 'cost-axis', value: w => axis(w.axes.cost) },
    { title: 'Time', field: 'time-axis', value: w => axis(w.axes.time) },
    { title: 'Quality', field: 'quality-axis', value: w => axis(w.axes.quality) },
    { title: 'Recommendation', field: 'recommendation', value: w => TL.el('span', { title: w.recommendation_reason },
      w.recommendation) },
    { title: 'Why', field: 'reason', value: w => w.recommendation_reason },
  ], judged, w => w.workflow + (w.team ? '|' + w.team : ''), 'No workflow has a person\'s turnaround or quality in '
    + 'its baseline yet (tokenledger baselines set --turnaround 4h --quality 90 ...).');

  // Each workflow's variants, one row each; the axis winners in bold.
  const compared = workflows.filter(w => w.variant_comparison);
  const rows = compared.flatMap(w => w.variants.map(v => Object.assign({ workflow: w.workflow,
    comparison: w.variant_comparison }, v)));
  const won = (v, axisName) => v.comparison[axisName + '_winner'] === v.variant;
  const strong = (v, axisName, content) => won(v, axisName) ? TL.el('strong', {}, content) : content;
  TL.table(document.getElementById('variants'), [
    { title: 'Workflow', field: 'workflow', value: v => v.workflow },
    { title: 'Variant', field: 'variant', value: v => v.variant },
    { title: 'Decided', field: 'decided', num: true, value: v => TL.tokens(v.items_decided) },
    { title: 'Cost per success', field: 'cost', num: true, value: v => strong(v, 'cost', TL.money(v.cost_per_success_usd)) },
    { title: 'Success', field: 'success', num: true, value: v => strong(v, 'success', TL.fmt.share(v.success_rate_percent)) },
    { title: 'Median turnaround', field: 'time', num: true, value: v => strong(v, 'time',
      v.turnaround_median_seconds === null ? '-' : duration(v.turnaround_median_seconds)) },
    { title: 'Mean quality', field: 'quality', num: true, value: v => strong(v, 'quality', v.quality_mean_score || '-') },
  ], rows, v => v.workflow + '|' + v.variant, 'No workflow reports variants yet (a variant on usage and outcomes).');
  document.getElementById('variants').append(...compared.map(w => TL.el('p', { class: 'comparison',
    'data-workflow': w.workflow }, w.workflow + ': ' + w.variant_comparison.message)));
  // Cost against turnaround, one point per variant with both: down and left is better.
  const plotted = rows.filter(v => v.cost_per_success_usd !== null && v.turnaround_median_seconds !== null);
  TL.chart('variants-chart', 'scatter', [], plotted.map(v => ({ label: v.workflow + ': ' + v.variant,
    data: [{ x: Math.max(v.turnaround_median_seconds, 1) / 60, y: TL.plotUsd(v.cost_per_success_usd) }],
    pointRadius: 6 })),
  { scales: { x: { type: 'logarithmic', title: { display: true, text: 'median turnaround, minutes (log)' } },
    y: { type: 'logarithmic', title: { display: true, text: 'cost per success, USD (log)' },
      ticks: { callback: v => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? TL.axisUsd(v) : '' } } } });

  const advised = workflows.filter(w => w.advice);
  TL.table(document.getElementById('advice'), [
    { title: 'Workflow', field: 'workflow', value: w => w.workflow },
    { title: 'Advice', field: 'recommendation', value: w => w.advice.recommendation },
    { title: 'From', value: w => providerModel(w.advice.current_provider, w.advice.current_model, w.advice.current_service_tier) },
    { title: 'To', value: w => providerModel(w.advice.candidate_provider, w.advice.candidate_model,
      w.advice.candidate_service_tier) },
    { title: 'Expected monthly saving', field: 'saving', num: true,
      value: w => TL.money(w.advice.expected_monthly_saving_usd) },
    { title: 'Why', value: w => w.advice.message },
  ], advised, w => w.workflow);

  // One question per day: the figures are kept per calendar day and month.
  const days = [...Array(7).keys()].reverse().map(i => new Date(now.getTime() - i * 86400e3));
  const daily = await Promise.all(days.map(d => TL.get('economics', '/v1/economics?period=day&zone=UTC&at='
    + d.toISOString() + teamParam(who)).catch(() => ({ workflows: [] }))));
  const names = [...new Set(daily.flatMap(d => d.workflows.map(w => w.workflow)))].sort();
  TL.chart('trend-chart', 'line', days.map(d => d.toISOString().slice(0, 10)), names.map(name => ({
    label: name, spanGaps: true, data: daily.map(d => {
      const w = d.workflows.find(x => x.workflow === name);
      return w && w.cost_per_success_usd !== null ? TL.plotUsd(w.cost_per_success_usd) : null;
    }) })), { scales: { y: { type: 'logarithmic', title: { display: true, text: 'agent path, USD per outcome (log)' },
      // A log axis: a dispute at $50 and a reply at $0.0005 are both readable.
      ticks: { callback: v => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? TL.axisUsd(v) : '' } } } });
}

// Build or buy, as 'tokenledger capacity compare' prints it: this month to the current hour.
document.getElementById('build-or-buy-form').addEventListener('submit', async ev => {
  ev.preventDefault();
  const out = document.getElementById('build-or-buy');
  const value = id => document.getElementById(id).value.trim();
  const params = new URLSearchParams({ workflow: value('bob-workflow'), candidate: value('bob-candidate'),
    gpu_hour_usd: value('bob-gpu'), tokens_per_second: value('bob-tps') });
  // ?at=... on the page's address counts the month to that instant's hour.
  const at = new URLSearchParams(location.search).get('at');
  if (at) { params.set('at', at); }
  try {
    const r = await TL.get('economics', '/v1/build-or-buy?' + params.toString());
    const gpus = r.gpus + ' GPU' + (r.gpus === 1 ? '' : 's') + ' at ' + TL.fmt.perHour(r.gpu_hour_usd);
    const rows = [
      { key: 'api', what: 'On the API (as priced)', cost: r.api_cost_usd, per: r.api_per_success_usd,
        note: TL.tokens(r.tokens) + ' tokens, busiest hour ' + TL.tokens(r.peak_hour_tokens) },
      { key: 'capacity', what: r.candidate + ' on ' + gpus, cost: r.capacity_cost_usd, per: r.candidate_per_success_usd,
        note: (r.utilisation_percent === null ? '' : TL.fmt.share(r.utilisation_percent) + ' used; ')
          + (r.candidate_items_finished ? r.candidate + ' succeeded on ' + TL.tokens(r.candidate_items_succeeded) + ' of '
            + TL.tokens(r.candidate_items_finished) + ' items' : 'no success measured for ' + r.candidate + ' yet') },
    ];
    const table = TL.el('div');
    TL.table(table, [
      { title: r.month + ' to ' + r.to.replace('T', ' ').replace(':00:00Z', ':00 UTC') + ' (' + r.hours + ' h)',
        field: 'what', value: x => x.what },
      { title: 'Cost', field: 'cost', num: true, value: x => TL.money(x.cost) },
      { title: 'Per successful ' + (r.outcome_unit || 'outcome'), field: 'per', num: true, value: x => TL.money(x.per) },
      { title: '', field: 'note', value: x => x.note },
    ], rows, x => x.key);
    const verdict = TL.el('p', { id: 'bob-verdict' }, (r.saving_nano_usd >= 0 ? 'Capacity is cheaper by '
      : 'The API is cheaper by '), TL.money(r.saving_nano_usd >= 0 ? r.saving_usd : r.saving_usd.replace('-', '')),
      '. ', r.break_even_tokens !== null ? 'Break-even: ' + TL.tokens(r.break_even_tokens) + ' tokens over the '
        + r.hours + ' hours.' : 'Break-even: none in this shape (one GPU serves at most '
        + TL.tokens(r.one_gpu_serves_tokens) + ' tokens at the busiest hour\'s pace).');
    out.replaceChildren(table, verdict);
    out.setAttribute('data-ready', 'true');
  } catch (e) {
    out.replaceChildren(TL.el('p', { class: 'error' }, 'Build or buy failed: ' + e.message));
  }
});

document.getElementById('period').addEventListener('change', () => window.tlWho && render(window.tlWho));
TL.page('Economics', async who => { window.tlWho = who; await render(who); });
