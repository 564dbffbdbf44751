// Sends one of each call with the real @segment/analytics-node SDK to the server under test.
// Usage: node send-with-analytics-node.js <host> <writeKey>   (NODE_PATH must reach node_modules)
'use strict';
const { Analytics } = require('@segment/analytics-node');

const [host, writeKey] = process.argv.slice(2);
const analytics = new Analytics({ writeKey, host, path: '/v1/batch', flushAt: 3, flushInterval: 500, maxRetries: 1 });
analytics.on('error', (err) => { console.error('analytics-node error:', err && (err.reason || err.message || err)); process.exitCode = 2; });

const timestamp = new Date('2026-03-04T05:06:07.123Z');
analytics.identify({ userId: 'node-user', traits: { email: 'node@example.com', plan: 'pro' }, timestamp });
analytics.track({ userId: 'node-user', event: 'Order Completed', properties: { revenue: 42.5, currency: 'USD' }, timestamp });
analytics.page({ userId: 'node-user', name: 'Pricing', category: 'Docs', properties: { path: '/pricing' }, timestamp });
analytics.screen({ userId: 'node-user', name: 'Home', properties: { variant: 'b' }, timestamp });
analytics.group({ userId: 'node-user', groupId: 'org-7', traits: { name: 'Acme Inc' }, timestamp });
analytics.alias({ userId: 'node-user', previousId: 'anon-99', timestamp });

analytics.closeAndFlush({ timeout: 20000 }).then(() => console.log('flushed'));
