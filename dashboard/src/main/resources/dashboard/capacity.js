'use strict';
// Capacity and commitments, as 'tokenledger capacity report' and 'commitments show' print them:
// every pool's month with its idle capacity, its cost allocated per team and workflow, and every
// commitment drawn down. Pools span teams: the page needs a read-all key.
function utilisation(p) {
  return p.utilisation_percent === null ? 'capacity not stated' : TL.fmt.share(p.utilisation_percent);
}

function outlook(c) {
  if (!c.outlook) { return '-'; }
  return c.outlook.under_used
    ? TL.el('span', { class: 'over' }, 'on pace to leave ', TL.money(c.outlook.projected_unused_usd), ' unused')
    : 'on pace to use it all';
}

async function render(who) {
  if (!who.reads_all) {
    document.getElementById('pools').replaceChildren(TL.el('p', { class: 'empty' },
      'Capacity pools and commitments span teams: sign in with a read-all key to see them.'));
    return;
  }
  // ?at=... on the page's address asks as of that instant (a month still running is counted to it).
  const at = new URLSearchParams(location.search).get('at');
  const answer = await TL.get('economics', '/v1/capacity' + (at ? '?at=' + encodeURIComponent(at) : ''));
  const until = answer.pools.length ? answer.pools[0].until : null;
  TL.coverage('coverage', answer.month + ' (UTC)' + (until ? ', pools counted to ' + until.replace('T', ' ')
    .replace('Z', ' UTC') : '') + ', from the period ledger: pools by their versions in force, commitments month '
    + 'by month from their start.');
  TL.table(document.getElementById('pools'), [
    { title: 'Pool', field: 'pool', value: p => p.pool_id },
    { title: 'Serves', field: 'serves', value: p => p.serves.join(', ') },
    { title: 'Owner', field: 'owner', value: p => p.owner_team },
    { title: 'Cost this month', field: 'cost', num: true, value: p => TL.money(p.cost_usd) },
    { title: 'Used', field: 'used', num: true, value: utilisation },
    { title: 'Allocated to usage', field: 'allocated', num: true, value: p => TL.money(p.allocated_usd) },
    { title: 'Idle capacity', field: 'idle', num: true, value: p => TL.money(p.idle_usd) },
    { title: 'Tokens served', field: 'tokens', num: true, value: p => TL.tokens(p.tokens) },
    { title: 'At per-token prices', field: 'list', num: true, value: p => TL.money(p.list_cost_usd) },
  ], answer.pools, p => p.pool_id, 'No capacity pools (tokenledger capacity set --pool P --serves provider/model ...).');
  const lines = answer.pools.flatMap(p => p.lines.map(l => Object.assign({ pool_id: p.pool_id }, l)));
  TL.table(document.getElementById('lines'), [
    { title: 'Pool', field: 'pool', value: l => l.pool_id },
    { title: 'Team / workflow', field: 'name', value: l => l.team + ' / ' + l.workflow },
    { title: 'Allocated', field: 'cost', num: true, value: l => TL.money(l.cost_usd) },
    { title: 'Successful outcomes this month', field: 'successes', num: true,
      value: l => l.successes === null ? '-' : TL.tokens(l.successes) + ' ' + (l.outcome_unit || 'outcome') + 's' },
    { title: 'Added per successful outcome', field: 'per-success', num: true, value: l => TL.money(l.cost_per_success_usd) },
  ], lines, l => l.pool_id + '|' + l.team + '|' + l.workflow, 'No usage served by a pool this month.');
  const months = answer.commitments.flatMap(c => c.months.map(m => Object.assign({ commitment: c }, m)));
  TL.table(document.getElementById('commitments'), [
    { title: 'Commitment', field: 'commitment', value: m => m.commitment.commitment_id + ' (' + m.commitment.provider
      + ', ' + TL.fmt.usd(m.commitment.amount_usd) + (m.commitment.period_months === 1 ? ' a month'
        : ' per ' + m.commitment.period_months + ' months') + ', ' + m.commitment.discount_percent + '% off)' },
    { title: 'Month', field: 'month', value: m => m.month },
    { title: 'List', field: 'list', num: true, value: m => TL.money(m.list_usd) },
    { title: 'At its price', field: 'discounted', num: true, value: m => TL.money(m.discounted_usd) },
    { title: 'Drawn', field: 'drawn', num: true, value: m => TL.money(m.drawn_usd) },
    { title: 'Over (at list)', field: 'over', num: true, value: m => TL.money(m.over_usd) },
    { title: 'Left', field: 'left', num: true, value: m => TL.money(m.left_usd) },
    { title: 'Outlook', field: 'outlook', value: m => m.month === answer.month ? outlook(m.commitment) : '' },
  ], months, m => m.commitment.commitment_id + '|' + m.month, 'No commitments (tokenledger commitments set ...).');
}

TL.page('Capacity', render);
