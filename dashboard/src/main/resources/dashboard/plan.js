'use strict';
// The token plan: the quarter's plan per team and workflow next to its actuals and forecast, and
// the economics' advice on it (fund, cut, move), as 'tokenledger plan show' and 'plan advise'
// print them. A team key reads its team's plan.
function planText(line) {
  if (line.plan_usd !== null) {
    return line.plan_tokens !== null ? TL.el('span', {}, TL.money(line.plan_usd), ' and ' + TL.tokens(line.plan_tokens)
      + ' tokens') : TL.money(line.plan_usd);
  }
  return TL.tokens(line.plan_tokens) + ' tokens';
}

function deviation(line) {
  if (line.deviation_percent === null) { return '-'; }
  const text = (line.deviation_percent > 0 ? '+' : '') + line.deviation_percent + '%';
  return TL.el('span', { class: line.deviation_percent > 0 ? 'over' : '' }, text);
}

async function render(who) {
  const answer = await TL.get('economics', '/v1/plan' + (who.reads_all ? '' : '?team=' + encodeURIComponent(who.team)));
  const asOf = new Date(answer.as_of + 'T00:00:00Z');
  TL.coverage('coverage', answer.quarter + ': spent up to ' + answer.as_of + ' (UTC, days before today), forecast from '
    + 'then to the quarter\'s end at the known prices.');
  TL.table(document.getElementById('plan'), [
    { title: 'Team / workflow', field: 'name', value: l => l.workflow ? l.team + ' / ' + l.workflow : l.team + ' (whole team)' },
    { title: 'Plan', field: 'plan', num: true, value: planText },
    { title: 'Spent by ' + asOf.toISOString().slice(0, 10), field: 'spent', num: true, value: l => TL.money(l.actual_usd) },
    { title: 'Forecast', field: 'forecast', num: true, value: l => TL.el('span', {}, TL.money(l.forecast_usd),
      TL.el('div', { class: 'parts' }, '(', TL.money(l.forecast_low_usd), ' to ', TL.money(l.forecast_high_usd), ')'),
      l.forecast_unpriced ? TL.el('div', { class: 'parts' }, 'some usage has no price: short') : '') },
    { title: 'Forecast against plan', field: 'deviation', num: true, value: deviation },
    { title: 'Tokens spent / forecast', field: 'tokens', num: true,
      value: l => TL.tokens(l.actual_tokens) + ' / ' + TL.tokens(l.forecast_tokens) },
  ], answer.lines, l => l.team + '|' + (l.workflow || ''), 'No plan for ' + answer.quarter
    + ' (tokenledger plan set --team T --quarter ' + answer.quarter + ' --usd AMOUNT).');
  TL.table(document.getElementById('advice'), [
    { title: 'Advice', field: 'kind', value: a => a.kind },
    { title: 'Team', field: 'team', value: a => a.team },
    { title: 'From', field: 'from', value: a => a.from || '-' },
    { title: 'To', field: 'to', value: a => a.to || '-' },
    { title: 'Amount', field: 'amount', num: true, value: a => TL.money(a.amount_usd) },
    { title: 'Outcomes', field: 'outcomes', num: true, value: a => TL.tokens(a.outcomes) },
    { title: 'People would cost', field: 'people', num: true, value: a => TL.money(a.people_usd) },
    { title: 'Why', field: 'text', value: a => a.text },
  ], answer.advice, a => a.kind + '|' + a.team + '|' + (a.from || '') + '|' + (a.to || ''),
  'No advice: no workflow with a USD plan is under-funded with an agent cheaper than a person, or planned where a person is cheaper.');
}

TL.page('Plan', render);
