'use strict';
// Alerts: every alert the key may read, newest first, refreshed as they arrive.
TL.page('Alerts', async () => {
  TL.alerts(document.getElementById('alerts'), (await TL.get('alerting', '/v1/alerts?limit=100')).alerts);
});
