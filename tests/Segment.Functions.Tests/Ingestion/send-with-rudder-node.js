// Sends one of each call with the real @rudderstack/rudder-sdk-node SDK (gzip on, its default).
// Usage: node send-with-rudder-node.js <host> <writeKey>   (NODE_PATH must reach node_modules)
'use strict';
const Analytics = require('@rudderstack/rudder-sdk-node');

const [host, writeKey] = process.argv.slice(2);
const client = new Analytics(writeKey, {
  dataPlaneUrl: host,
  flushAt: 6,
  flushInterval: 200,
  retryCount: 1,
  logLevel: 'error',
  errorHandler: (err) => { console.error('rudder-sdk-node error:', err && (err.message || err)); process.exitCode = 2; },
});

client.identify({ userId: 'rudder-user', traits: { email: 'rudder@example.com' } });
client.track({ userId: 'rudder-user', event: 'Order Completed', properties: { revenue: 9.5 } });
client.page({ userId: 'rudder-user', category: 'Docs', name: 'Pricing', properties: { path: '/pricing' } });
client.screen({ userId: 'rudder-user', name: 'Home', properties: { variant: 'b' } });
client.group({ userId: 'rudder-user', groupId: 'org-7', traits: { name: 'Acme Inc' } });
client.alias({ userId: 'rudder-user', previousId: 'anon-7' });

client.flush((err) => {
  if (err) { console.error('flush failed:', err.message || err); process.exitCode = 2; }
  else console.log('flushed');
});
