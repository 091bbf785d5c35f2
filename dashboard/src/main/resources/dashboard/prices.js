'use strict';
// Prices: the catalog in force, every model's history, models seen with no price, and a what-if.
const UNIT_NOTE = ' (USD per 1M tokens)';

async function render(who) {
  const catalog = await TL.get('aggregation', '/v1/prices');
  const columns = [
    { title: 'Provider/model', field: 'model', value: p => p.provider + '/' + p.model },
    { title: 'Since', field: 'since', value: p => p.effective_from },
    { title: 'Input' + UNIT_NOTE, field: 'input', num: true, value: p => p.uncached_input },
    { title: 'Cache read', field: 'cache-read', num: true, value: p => p.cache_read },
    { title: 'Cache write', field: 'cache-write', num: true, value: p => p.cache_write },
    { title: 'Output', field: 'output', num: true, value: p => p.output },
    { title: 'Reasoning', field: 'reasoning', num: true, value: p => p.reasoning },
    { title: 'Long context', value: p => p.long_context },
    { title: 'Set by', value: p => p.set_by },
  ];
  TL.table(document.getElementById('prices'), columns, catalog.prices.filter(p => p.in_force), p => p.key);

  const byModel = new Map();
  catalog.prices.forEach(p => byModel.set(p.provider + '/' + p.model, [...(byModel.get(p.provider + '/' + p.model) || []), p]));
  const history = document.getElementById('history');
  const open = new Set([...history.querySelectorAll('details[open]')].map(d => d.dataset.model));
  history.replaceChildren(...[...byModel.entries()].map(([model, versions]) => {
    const body = TL.el('div');
    TL.table(body, [...columns.slice(1), { title: 'Source', value: p => p.source },
      { title: 'In force', value: p => p.in_force ? 'yes' : '' }], versions, p => p.key);
    const d = TL.el('details', { 'data-model': model }, TL.el('summary', {}, model + ': ' + versions.length
      + (versions.length === 1 ? ' version' : ' versions')), body);
    d.open = open.has(model);
    return d;
  }));

  const missing = document.getElementById('missing');
  if (!who.reads_all) {
    missing.replaceChildren(TL.el('p', { class: 'empty' }, 'Usage per model across teams needs a read-all key.'));
  } else {
    const now = new Date();
    const models = await TL.get('aggregation', '/v1/breakdown?scope=model&window=1d&from='
      + TL.monthStart(now).toISOString() + '&to=' + now.toISOString());
    TL.table(missing, [
      { title: 'Model (as reported)', field: 'model', value: r => r.key },
      { title: 'Unpriced events', field: 'unpriced', num: true, value: r => r.total.unpriced_event_count },
      { title: 'All events', num: true, value: r => r.total.event_count },
      { title: 'Tokens', num: true, value: r => TL.tokens(r.total.total_tokens) },
      { title: 'What to do', value: () => 'tokenledger prices set … then prices correct, to bill them' },
    ], models.rows.filter(r => r.total.unpriced_event_count > 0), r => r.key,
      'Every model seen this month had a price in force: nothing is unbilled.');
  }
}

document.getElementById('whatif-period').value = new Date().toISOString().slice(0, 7);
document.getElementById('whatif').addEventListener('submit', async ev => {
  ev.preventDefault();
  const out = document.getElementById('whatif-result');
  const params = new URLSearchParams({ period: document.getElementById('whatif-period').value, zone: 'UTC' });
  const change = document.getElementById('whatif-change').value.trim();
  const move = document.getElementById('whatif-move').value.trim();
  if (change) { params.set('change', change); }
  if (move) { params.set('move', move); }
  try {
    const r = await TL.get('aggregation', '/v1/whatif?' + params.toString());
    const summary = TL.el('p', { id: 'whatif-summary' }, 'Actual ', TL.money(r.actual_nano_usd), ', at the scenario ',
      TL.money(r.scenario_nano_usd), ': a difference of ', TL.money(r.difference_usd), ' in ' + params.get('period')
      + ' (UTC).');
    const rows = TL.el('div');
    TL.table(rows, [
      { title: 'Team', value: x => x.team }, { title: 'Workflow', value: x => x.workflow },
      { title: 'Model', value: x => x.model }, { title: 'Scenario model', value: x => x.scenario_model },
      { title: 'Actual', num: true, value: x => TL.money(x.actual_nano_usd) },
      { title: 'Scenario', num: true, value: x => TL.money(x.scenario_nano_usd) },
      { title: 'Difference', num: true, value: x => TL.money(x.difference_nano_usd) },
    ], r.rows, x => x.team + '|' + x.workflow + '|' + x.model);
    out.replaceChildren(summary, rows);
    out.setAttribute('data-ready', 'true');
  } catch (e) {
    out.replaceChildren(TL.el('p', { class: 'error' }, 'What-if failed: ' + e.message));
  }
});
TL.page('Prices', render);
