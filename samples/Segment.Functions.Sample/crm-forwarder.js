// A destination function written for Segment's original runtime, run unmodified by
// Segment.Functions.JavaScript: the shapes real functions have (lower-case method, plain-object
// headers, btoa for Basic auth, a URL object, status checks that decide retry or discard).

const seen = {}; // module state: lives as long as the engine that runs this file

async function send(path, payload, settings) {
  const url = new URL(path, settings.endpoint);
  url.searchParams.set('source', 'segment');
  let res;
  try {
    res = await fetch(url, {
      method: 'post',
      headers: {
        Authorization: `Basic ${btoa(settings.apiKey + ':')}`,
        'Content-Type': 'application/json'
      },
      body: JSON.stringify(payload)
    });
  } catch (err) {
    throw new RetryError(err.message); // connection errors are worth another try
  }
  if (res.status >= 500 || res.status === 429) {
    throw new RetryError(`HTTP Status ${res.status}`);
  }
  if (!res.ok) {
    throw new ValidationError(`HTTP Status ${res.status}`);
  }
}

async function onTrack(event, settings) {
  seen[event.event] = (seen[event.event] || 0) + 1;
  await send('crm/activities', {
    contact: event.userId || event.anonymousId,
    activity: event.event,
    details: event.properties,
    occurredAt: event.timestamp
  }, settings);
}

async function onIdentify(event, settings) {
  await send('crm/contacts', {
    contact: event.userId || event.anonymousId,
    email: _.get(event, 'traits.email', null),
    hash: crypto.createHash('md5').update(String(event.userId)).digest('hex')
  }, settings);
}

// No other handlers: page, screen, group, alias and delete events are discarded as "Unsupported Event Type".
