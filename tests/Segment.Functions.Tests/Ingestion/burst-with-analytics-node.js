// Sends a burst of track calls with the real @segment/analytics-node SDK, as fast as it takes them.
// Usage: node burst-with-analytics-node.js <host> <writeKey> <count>   (NODE_PATH must reach node_modules)
// Exits 2 when the SDK reports any failure (an event it gave up on), and prints "delivered N".
'use strict';
const { Analytics } = require('@segment/analytics-node');

const [host, writeKey, countText] = process.argv.slice(2);
const count = Number(countText);
// Batches of 100 events, flushed quickly; retries are the SDK's own (429 with Retry-After does not use them up).
const analytics = new Analytics({ writeKey, host, path: '/v1/batch', flushAt: 100, flushInterval: 100, maxRetries: 20, httpRequestTimeout: 10000 });
let failures = 0;
analytics.on('error', (err) => { failures++; console.error('analytics-node error:', err && (err.reason || err.message || err)); process.exitCode = 2; });
let delivered = 0;
for (let i = 0; i < count; i++) {
  analytics.track({ userId: 'burst-user', event: 'Burst', properties: { i } }, (err) => { if (!err) delivered++; });
}

analytics.closeAndFlush({ timeout: 240000 }).then(() => {
  console.log(`delivered ${delivered}, failures ${failures}`);
  if (delivered !== count) process.exitCode = 2;
});
