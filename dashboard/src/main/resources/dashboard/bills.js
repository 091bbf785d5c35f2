'use strict';
// Bills: the month's reconciliation of the ledger with the imported provider bills, as
// GET /v1/reconciliation answers it; every amount exact on hover.
const WHAT_TO_DO = {
  missing_on_our_side: 'Instrument the key or service named (UsageRecorder, the gateway), or map it to its team.',
  extra_on_our_side: 'Counted twice would be a bug: report it. Else find the account or day it is billed to.',
  price_drift: 'tokenledger reconcile --propose-corrections, then --apply: the re-rating fixes the ledger.',
  tier_classification: 'Record the service tier (batch, priority) or the long-context band with the usage.',
  cache_classification: 'Record 1-hour cache writes as cache_write_1h.',
  rounding: 'Nothing: within the documented bound.',
  not_metered: 'Charges that are not tokens (tools, fees): tokenledger does not meter them.',
  unexplained: 'See the detail and the reconciliation runbook.',
};

async function render(who) {
  const summary = document.getElementById('summary');
  if (!who.reads_all) {
    summary.replaceChildren(TL.el('p', { class: 'empty' }, 'The company\'s bills need a read-all key.'));
    return;
  }
  const select = document.getElementById('period');
  const chosen = new URLSearchParams(location.search).get('period');
  const r = await TL.get('reconciliation', '/v1/reconciliation' + (chosen ? '?period=' + encodeURIComponent(chosen) : ''));
  const months = r.bill_months.length ? r.bill_months : [r.period];
  if (select.options.length !== months.length) {
    select.replaceChildren(...months.map(m => TL.el('option', { value: m }, m)));
  }
  select.value = r.period;
  document.body.setAttribute('data-period', r.period);
  const s = r.summary;
  summary.replaceChildren(TL.el('p', {},
    'In ' + r.period + ': the ledger ', TL.el('span', { id: 'summary-ours' }, TL.money(s.our_cost_usd)),
    ', the bills ', TL.el('span', { id: 'summary-billed' }, TL.money(s.billed_usd)),
    ', a difference of ', TL.el('span', { id: 'summary-difference' }, TL.money(s.difference_usd)),
    ' (bill minus ledger). ', TL.el('span', { id: 'summary-matched' }, s.matched_cells + ' of ' + s.cells),
    ' day, model and token-type cells match within the rounding bound. Unexplained: ',
    TL.el('span', { id: 'summary-unexplained' }, TL.money(s.unexplained_usd)), ', ',
    TL.el('span', { id: 'summary-share' }, TL.fmt.share(percentText(s.unexplained_share))),
    ' of the bill.'));
  const classes = Object.entries(s.by_class).filter(([, amount]) => TL.nano(amount) !== 0n);
  TL.table(document.getElementById('classes'), [
    { title: 'Class', field: 'class', value: ([k]) => r.findings.find(f => f.class === k)?.class_words || k },
    { title: 'Amount', field: 'amount', num: true, value: ([, amount]) => TL.money(amount) },
    { title: 'What to do', value: ([k]) => WHAT_TO_DO[k] || '' },
  ], classes, ([k]) => k, 'The bills and the ledger agree: nothing to classify.');
  TL.table(document.getElementById('findings'), [
    { title: 'Day', value: f => f.day }, { title: 'Provider', value: f => f.provider },
    { title: 'Model', value: f => f.model }, { title: 'Tier', value: f => f.service_tier || 'standard' },
    { title: 'Token type', value: f => f.token_type },
    { title: 'Class', field: 'class', value: f => f.class_words },
    { title: 'Tokens', num: true, value: f => TL.tokens(f.tokens) },
    { title: 'Amount', field: 'amount', num: true, value: f => TL.money(f.amount_usd) },
    { title: 'What it is', value: f => f.detail },
  ], r.findings.filter(f => f.class !== 'rounding'), f => [f.day, f.provider, f.model, f.service_tier, f.token_type,
    f.class, f.detail].join('\u0000'), 'No difference beyond rounding.');
  TL.table(document.getElementById('unmapped'), [
    { title: 'Provider', value: u => u.provider }, { title: 'Identity', value: u => u.identity },
    { title: 'Tokens', num: true, value: u => TL.tokens(u.tokens) },
    { title: 'Days', value: u => u.first_day + ' to ' + u.last_day },
    { title: 'What to do', value: u => 'tokenledger bills map --provider ' + u.provider + ' … --team <team>' },
  ], r.unmapped, u => u.provider + '|' + u.identity, 'Every key, project and workspace on the bills is mapped to a team.');
  const notes = document.getElementById('notes');
  notes.replaceChildren(r.notes.length ? TL.el('ul', {}, r.notes.map(n => TL.el('li', {}, n)))
    : TL.el('p', { class: 'empty' }, 'None.'));
  document.getElementById('findings').setAttribute('data-ready', 'true');
}

// A share as the API gives it (an exact decimal fraction, "0.0125") as percent text ("1.25"), exactly.
function percentText(fraction) {
  const negative = fraction.startsWith('-');
  const [whole, part = ''] = (negative ? fraction.slice(1) : fraction).split('.');
  const digits = (whole + (part + '00').slice(0, 2)).replace(/^0+(?=\d)/, '');
  const rest = part.slice(2);
  return (negative ? '-' : '') + digits + (rest ? '.' + rest : '');
}

document.getElementById('period').addEventListener('change', ev => {
  location.search = '?period=' + encodeURIComponent(ev.target.value);
});
TL.page('Bills', render);
