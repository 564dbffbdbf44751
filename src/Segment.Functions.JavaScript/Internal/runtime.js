// The globals of Segment's original functions runtime, written against a handful of host functions.
// Evaluated once per engine, before the function's source; `host` is reachable only from this closure,
// and the object returned is seen by the C# side only. No .NET object is ever handed to scripts: the
// host functions take and return plain JavaScript values.
(function (host) {
  'use strict';

  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  const state = Symbol('state');

  // ---------------------------------------------------------------- errors (Segment's four classes)
  class EventNotSupported extends Error {
    constructor(message) { super(message); this.name = 'EventNotSupported'; }
  }
  class InvalidEventPayload extends Error {
    constructor(message) { super(message); this.name = 'InvalidEventPayload'; }
  }
  class ValidationError extends Error {
    constructor(message) { super(message); this.name = 'ValidationError'; }
  }
  class RetryError extends Error {
    constructor(message) { super(message); this.name = 'RetryError'; }
  }
  const segmentErrors = { EventNotSupported, InvalidEventPayload, ValidationError, RetryError };

  // node-fetch 2's FetchError: `type` says what failed; system errors carry `code` and `errno`.
  class FetchError extends Error {
    constructor(message, type, systemError) {
      super(message);
      this.name = 'FetchError';
      this.type = type;
      if (systemError) { this.code = this.errno = systemError.code; }
    }
  }

  // ---------------------------------------------------------------- console (util.format, roughly)
  function inspect(value, depth, seen) {
    if (typeof value === 'string') return depth === 0 ? value : `'${value.replace(/'/g, "\\'")}'`;
    if (typeof value === 'function') return `[Function: ${value.name || '(anonymous)'}]`;
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'symbol') return value.toString();
    if (value === null || typeof value !== 'object') return String(value);
    if (value instanceof Error) return value.stack || `${value.name}: ${value.message}`;
    if (value instanceof Date) return isNaN(value) ? 'Invalid Date' : value.toISOString();
    if (value instanceof URL || value instanceof URLSearchParams) return `${value.constructor.name} { ${value.toString()} }`;
    if (seen.includes(value)) return '[Circular *1]';
    if (depth > 2) return Array.isArray(value) ? '[Array]' : '[Object]';
    const next = seen.concat([value]);
    if (Array.isArray(value)) {
      if (value.length === 0) return '[]';
      return `[ ${value.map(v => inspect(v, depth + 1, next)).join(', ')} ]`;
    }
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    const key = k => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);
    return `{ ${keys.map(k => `${key(k)}: ${inspect(value[k], depth + 1, next)}`).join(', ')} }`;
  }

  function format(args) {
    let rest = args;
    let first = '';
    if (typeof args[0] === 'string' && args[0].includes('%')) {
      let i = 1;
      first = args[0].replace(/%([sdifjoOc%])/g, (match, spec) => {
        if (spec === '%') return '%';
        if (i >= args.length) return match;
        const arg = args[i++];
        switch (spec) {
          case 's': return typeof arg === 'string' ? arg : inspect(arg, 1, []);
          case 'd': case 'i': return spec === 'i' ? String(parseInt(arg, 10)) : String(Number(arg));
          case 'f': return String(parseFloat(arg));
          case 'j': try { return JSON.stringify(arg); } catch (e) { return '[Circular]'; }
          case 'c': return '';
          default: return inspect(arg, 1, []);
        }
      });
      rest = args.slice(i);
      return [first].concat(rest.map(a => inspect(a, 0, []))).join(' ');
    }
    return rest.map(a => inspect(a, 0, [])).join(' ');
  }

  const console = {};
  for (const [method, level] of [['log', 'info'], ['info', 'info'], ['debug', 'debug'], ['trace', 'debug'], ['warn', 'warn'], ['error', 'error']]) {
    console[method] = function (...args) { host.log(level, format(args)); };
  }

  // ---------------------------------------------------------------- base64 (the npm btoa/atob packages)
  const btoa = function btoa(value) { return host.btoa(String(value)); };
  const atob = function atob(value) { return host.atob(String(value)); };

  // ---------------------------------------------------------------- bytes <-> strings
  function bytesToLatin1(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
    return s;
  }
  function latin1ToBytes(s) {
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i) & 0xff;
    return bytes;
  }
  function toBytesView(value) {
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return null;
  }
  // A Uint8Array that prints like a Buffer: toString('hex' | 'base64' | 'latin1' | 'utf8').
  function bufferLike(latin1) {
    const bytes = latin1ToBytes(latin1);
    Object.defineProperty(bytes, 'toString', {
      value: (encoding) => host.encode(latin1, encoding === undefined ? 'utf8' : String(encoding)),
      enumerable: false,
    });
    return bytes;
  }

  // ---------------------------------------------------------------- crypto (createHash, createHmac, randomUUID)
  class Hash {
    constructor(algorithm, key) {
      this[state] = { algorithm: String(algorithm).toLowerCase(), key, chunks: [], done: false };
      if (!host.hashSupported(this[state].algorithm)) throw new Error('Digest method not supported');
    }
    update(data, encoding) {
      const s = this[state];
      if (s.done) throw new Error('Digest already called');
      s.chunks.push(chunk(data, encoding));
      return this;
    }
    digest(encoding) {
      const s = this[state];
      if (s.done) throw new Error('Digest already called');
      s.done = true;
      const out = host.digest(s.algorithm, s.key, s.chunks, encoding === undefined ? 'latin1' : String(encoding));
      return encoding === undefined ? bufferLike(out) : out;
    }
  }
  function chunk(data, encoding) {
    const view = toBytesView(data);
    if (view) return ['latin1', bytesToLatin1(view)];
    if (typeof data !== 'string') throw new TypeError('The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView.');
    return [encoding === undefined ? 'utf8' : String(encoding), data];
  }
  const crypto = {
    createHash: (algorithm) => new Hash(algorithm, null),
    createHmac: (algorithm, key) => new Hash(algorithm, chunk(key)),
    randomUUID: () => host.randomUUID(),
    randomBytes: (size) => bufferLike(host.randomBytes(Number(size))),
    getHashes: () => ['md5', 'sha1', 'sha256', 'sha384', 'sha512'],
  };

  // ---------------------------------------------------------------- URLSearchParams and URL (WHATWG)
  function formEncode(s) {
    return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()~]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  }
  function formDecode(s) {
    const plus = s.replace(/\+/g, ' ');
    try { return decodeURIComponent(plus); } catch (e) { return plus; }
  }

  class URLSearchParams {
    constructor(init) {
      this[state] = { list: [], url: null };
      const list = this[state].list;
      if (init === undefined || init === null) return;
      if (init instanceof URLSearchParams) { for (const [k, v] of init[state].list) list.push([k, v]); return; }
      if (typeof init === 'object' && typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const items = Array.from(pair);
          if (items.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
          list.push([String(items[0]), String(items[1])]);
        }
        return;
      }
      if (typeof init === 'object') { for (const k of Object.keys(init)) list.push([k, String(init[k])]); return; }
      this[state].list = parseQuery(String(init));
    }
    get size() { return this[state].list.length; }
    append(name, value) { this[state].list.push([String(name), String(value)]); this._update(); }
    delete(name) { name = String(name); this[state].list = this[state].list.filter(([k]) => k !== name); this._update(); }
    get(name) { name = String(name); const found = this[state].list.find(([k]) => k === name); return found ? found[1] : null; }
    getAll(name) { name = String(name); return this[state].list.filter(([k]) => k === name).map(([, v]) => v); }
    has(name) { name = String(name); return this[state].list.some(([k]) => k === name); }
    set(name, value) {
      name = String(name); value = String(value);
      const list = this[state].list;
      const index = list.findIndex(([k]) => k === name);
      if (index < 0) list.push([name, value]);
      else { list[index][1] = value; this[state].list = list.filter(([k], i) => k !== name || i === index); }
      this._update();
    }
    sort() { this[state].list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); this._update(); }
    forEach(callback, thisArg) { for (const [k, v] of this[state].list) callback.call(thisArg, v, k, this); }
    keys() { return this[state].list.map(([k]) => k)[Symbol.iterator](); }
    values() { return this[state].list.map(([, v]) => v)[Symbol.iterator](); }
    entries() { return this[state].list.map(([k, v]) => [k, v])[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return this[state].list.map(([k, v]) => `${formEncode(k)}=${formEncode(v)}`).join('&'); }
    _update() {
      const url = this[state].url;
      if (url) { const q = this.toString(); url[state].search = q ? '?' + q : ''; }
    }
  }
  Object.defineProperty(URLSearchParams.prototype, '_update', { enumerable: false });
  function parseQuery(query) {
    if (query.startsWith('?')) query = query.slice(1);
    const list = [];
    for (const part of query.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      list.push(eq < 0 ? [formDecode(part), ''] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))]);
    }
    return list;
  }

  // Characters WHATWG percent-encodes in a path or a query; the rest is kept as written.
  const encodePart = (s, extra) => s.replace(extra, c => encodeURIComponent(c));

  class URL {
    constructor(input, base) {
      const parts = host.parseUrl(String(input), base === undefined ? undefined : String(base));
      if (!parts) {
        const error = new TypeError('Invalid URL');
        error.code = 'ERR_INVALID_URL';
        error.input = String(input);
        throw error;
      }
      const [protocol, username, password, hostname, port, pathname, search, hash] = parts;
      this[state] = { protocol, username, password, hostname, port, pathname, search, hash, params: null };
    }
    get href() {
      const s = this[state];
      const auth = s.username || s.password ? `${s.username}${s.password ? ':' + s.password : ''}@` : '';
      const authority = s.hostname || auth ? `//${auth}${this.host}` : '';
      return `${s.protocol}${authority}${s.pathname}${s.search}${s.hash}`;
    }
    set href(value) { const next = new URL(value); this[state] = next[state]; if (this[state].params) this[state].params[state].url = this; }
    get origin() { const s = this[state]; return s.hostname ? `${s.protocol}//${this.host}` : 'null'; }
    get protocol() { return this[state].protocol; }
    set protocol(value) { value = String(value).replace(/:.*$/, ''); if (/^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(value)) this[state].protocol = value.toLowerCase() + ':'; }
    get username() { return this[state].username; }
    set username(value) { this[state].username = encodeURIComponent(String(value)); }
    get password() { return this[state].password; }
    set password(value) { this[state].password = encodeURIComponent(String(value)); }
    get host() { const s = this[state]; return s.port ? `${s.hostname}:${s.port}` : s.hostname; }
    set host(value) {
      const m = /^([^:/?#]*)(?::(\d*))?/.exec(String(value));
      if (m && m[1]) { this[state].hostname = m[1].toLowerCase(); if (m[2] !== undefined) this.port = m[2]; }
    }
    get hostname() { return this[state].hostname; }
    set hostname(value) { value = String(value); if (value && !/[/?#:]/.test(value)) this[state].hostname = value.toLowerCase(); }
    get port() { return this[state].port; }
    set port(value) {
      const digits = /^\d*/.exec(String(value))[0];
      const defaults = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21' };
      this[state].port = digits === '' || digits === defaults[this[state].protocol] ? '' : String(Number(digits));
    }
    get pathname() { return this[state].pathname; }
    set pathname(value) {
      let path = encodePart(String(value), /[ "<>`#?{}]/g);
      if (this[state].hostname && !path.startsWith('/')) path = '/' + path;
      this[state].pathname = path;
    }
    get search() { return this[state].search.length > 1 ? this[state].search : ''; }
    set search(value) {
      value = String(value);
      if (value.startsWith('?')) value = value.slice(1);
      this[state].search = value === '' ? '' : '?' + encodePart(value, /[ "<>`#']/g);
      if (this[state].params) this[state].params[state].list = parseQuery(this[state].search);
    }
    get searchParams() {
      const s = this[state];
      if (!s.params) { s.params = new URLSearchParams(s.search); s.params[state].url = this; }
      return s.params;
    }
    get hash() { return this[state].hash.length > 1 ? this[state].hash : ''; }
    set hash(value) { value = String(value); if (value.startsWith('#')) value = value.slice(1); this[state].hash = value === '' ? '' : '#' + encodePart(value, /[ "<>`]/g); }
    toString() { return this.href; }
    toJSON() { return this.href; }
  }

  // ---------------------------------------------------------------- Headers (node-fetch 2)
  const invalidName = /[^\^_`a-zA-Z\-0-9!#$%&'*+.|~]/;
  const invalidValue = /[^\t\x20-\x7e\x80-\xff]/;
  function checkName(name) {
    name = `${name}`;
    if (invalidName.test(name) || name === '') throw new TypeError(`${name} is not a legal HTTP header name`);
    return name.toLowerCase();
  }
  function checkValue(value) {
    value = `${value}`;
    if (invalidValue.test(value)) throw new TypeError(`${value} is not a legal HTTP header value`);
    return value;
  }

  class Headers {
    constructor(init) {
      this[state] = new Map();
      if (init === undefined || init === null) return;
      if (init instanceof Headers) { for (const [k, v] of init[state]) this[state].set(k, v.slice()); return; }
      if (typeof init !== 'object') throw new TypeError('Provided initializer must be an object');
      if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          if (typeof pair !== 'object' || typeof pair[Symbol.iterator] !== 'function') throw new TypeError('Each header pair must be iterable');
          const items = Array.from(pair);
          if (items.length !== 2) throw new TypeError('Each header pair must be a name/value tuple');
          this.append(items[0], items[1]);
        }
        return;
      }
      for (const key of Object.keys(init)) this.append(key, init[key]);
    }
    append(name, value) {
      const key = checkName(name);
      const values = this[state].get(key);
      if (values) values.push(checkValue(value)); else this[state].set(key, [checkValue(value)]);
    }
    set(name, value) { this[state].set(checkName(name), [checkValue(value)]); }
    get(name) { const values = this[state].get(checkName(name)); return values ? values.join(', ') : null; }
    has(name) { return this[state].has(checkName(name)); }
    delete(name) { this[state].delete(checkName(name)); }
    raw() { const raw = {}; for (const [k, v] of this[state]) raw[k] = v.slice(); return raw; }
    forEach(callback, thisArg) { for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this); }
    keys() { return this._sorted().map(([k]) => k)[Symbol.iterator](); }
    values() { return this._sorted().map(([, v]) => v)[Symbol.iterator](); }
    entries() { return this._sorted()[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    _sorted() { return Array.from(this[state].keys()).sort().map(k => [k, this[state].get(k).join(', ')]); }
  }
  Object.defineProperty(Headers.prototype, '_sorted', { enumerable: false });

  // ---------------------------------------------------------------- Body, Request, Response (node-fetch 2)
  // A body is kept as { text } (a string) or { bytes } (a latin1 string, one char per byte).
  function extractBody(body, headers) {
    if (body === undefined || body === null) return null;
    if (typeof body === 'string') { if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8'); return { text: body }; }
    if (body instanceof URLSearchParams) {
      if (!headers.has('content-type')) headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
      return { text: body.toString() };
    }
    const view = toBytesView(body);
    if (view) return { bytes: bytesToLatin1(view) };
    return { text: String(body) };
  }

  const bodyMixin = {
    get bodyUsed() { return this[state].used; },
    text() { return consume(this).then(b => (b === null ? '' : b.text !== undefined ? b.text : host.encode(b.bytes, 'utf8'))); },
    json() {
      return this.text().then(text => {
        try { return JSON.parse(text); } catch (err) {
          return Promise.reject(new FetchError(`invalid json response body at ${this.url} reason: ${err.message}`, 'invalid-json'));
        }
      });
    },
    buffer() { return consume(this).then(b => bufferLike(b === null ? '' : b.bytes !== undefined ? b.bytes : host.decode(b.text, 'utf8'))); },
    arrayBuffer() { return this.buffer().then(bytes => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)); },
  };
  function consume(message) {
    const s = message[state];
    if (s.used) return Promise.reject(new TypeError(`body used already for: ${message.url}`));
    if (s.body !== null) s.used = true;
    return Promise.resolve(s.body);
  }
  function mixBody(target) {
    for (const key of Object.getOwnPropertyNames(bodyMixin)) {
      Object.defineProperty(target.prototype, key, Object.getOwnPropertyDescriptor(bodyMixin, key));
    }
  }

  class Request {
    constructor(input, init) {
      init = init || {};
      const source = input instanceof Request ? input : null;
      const url = source ? source.url : String(input);
      const method = String(init.method || (source && source.method) || 'GET').toUpperCase();
      const rawBody = init.body !== undefined ? init.body : source ? source[state].rawBody : null;
      if (rawBody !== null && rawBody !== undefined && (method === 'GET' || method === 'HEAD')) {
        throw new TypeError('Request with GET/HEAD method cannot have body');
      }
      const headers = new Headers(init.headers || (source && source.headers) || {});
      this[state] = {
        url, method, headers, rawBody, body: extractBody(rawBody, headers), used: false,
        redirect: init.redirect || (source && source.redirect) || 'follow',
        timeout: Number(init.timeout || (source && source.timeout) || 0),
        size: Number(init.size || (source && source.size) || 0),
      };
    }
    get url() { return this[state].url; }
    get method() { return this[state].method; }
    get headers() { return this[state].headers; }
    get redirect() { return this[state].redirect; }
    get timeout() { return this[state].timeout; }
    get size() { return this[state].size; }
    get signal() { return null; }
    clone() { return new Request(this); }
  }
  mixBody(Request);

  class Response {
    constructor(body, init) {
      init = init || {};
      const headers = new Headers(init.headers);
      const status = init.status === undefined ? 200 : Number(init.status);
      this[state] = {
        url: init.url || '', status, statusText: init.statusText || '', headers,
        body: extractBody(body, headers), used: false, redirected: !!init.redirected,
      };
    }
    get url() { return this[state].url; }
    get status() { return this[state].status; }
    get statusText() { return this[state].statusText; }
    get ok() { return this[state].status >= 200 && this[state].status < 300; }
    get redirected() { return this[state].redirected; }
    get headers() { return this[state].headers; }
    clone() {
      if (this[state].used) throw new Error('cannot clone body after it is used');
      const copy = new Response(null, this);
      copy[state].body = this[state].body;
      copy[state].headers = new Headers(this[state].headers);
      return copy;
    }
  }
  mixBody(Response);

  function fetch(input, init) {
    return new Promise((resolve, reject) => {
      const request = new Request(input instanceof URL ? input.href : input, init);
      const s = request[state];
      const parsed = host.parseUrl(s.url, undefined);
      if (!parsed || !parsed[3]) throw new TypeError('Only absolute URLs are supported');
      if (parsed[0] !== 'http:' && parsed[0] !== 'https:') throw new TypeError('Only HTTP(S) protocols are supported');
      if (!s.headers.has('accept')) s.headers.set('accept', '*/*');
      if (!s.headers.has('user-agent')) s.headers.set('user-agent', 'node-fetch/1.0');
      const flat = [];
      for (const [name, values] of s.headers[state]) for (const value of values) flat.push(name, value);
      const body = s.body === null ? null : s.body.text !== undefined ? s.body.text : s.body.bytes;
      const binary = s.body !== null && s.body.bytes !== undefined;
      host.send(s.method, s.url, flat, body, binary, s.timeout, s.size).then(
        ([status, statusText, url, headerList, text, redirected]) => {
          const headers = new Headers();
          for (let i = 0; i < headerList.length; i += 2) headers.append(headerList[i], headerList[i + 1]);
          const response = new Response(null, { url, status, statusText, headers, redirected });
          response[state].body = { text };
          resolve(response);
        },
        ([message, type, code]) => {
          const reason = type === 'system' ? `request to ${s.url} failed, reason: ${message}` : message;
          reject(new FetchError(reason, type, code ? { code } : undefined));
        });
    });
  }
  fetch.isRedirect = (code) => code === 301 || code === 302 || code === 303 || code === 307 || code === 308;

  // ---------------------------------------------------------------- cache (the destination's, shared by its engines)
  const cache = {
    load(key, ttl, fn) {
      if (typeof fn !== 'function') return Promise.reject(new TypeError('cache.load(key, ttl, fn) needs a function that returns the value'));
      const ms = ttl === undefined || ttl === null ? -1 : Number(ttl);
      // Values are kept as JSON, so every engine of the destination reads its own copy.
      const produce = () => Promise.resolve().then(fn).then(v => (v === undefined ? '' : JSON.stringify(v)));
      return host.cacheLoad(String(key), ms, produce).then(json => (json === '' ? undefined : JSON.parse(json)));
    },
    delete(key) { host.cacheDelete(String(key)); },
  };

  // ---------------------------------------------------------------- timers (on the host's TimeProvider)
  const timers = new Map();
  // A delay of 0 reaches the host only from setImmediate (next turn, no clock); timers wait at least 1 ms, as in Node.
  function startTimer(callback, delay, args, repeat, immediate) {
    if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function.');
    let ms = Number(delay);
    if (!(ms >= 1 && ms <= 2147483647)) ms = 1;
    if (immediate) ms = 0;
    let id;
    const fire = () => { if (!repeat) timers.delete(id); callback.apply(undefined, args); };
    id = host.setTimer(ms, repeat, fire);
    timers.set(id, true);
    return id;
  }
  function stopTimer(id) { if (timers.delete(id)) host.clearTimer(id); }

  // ---------------------------------------------------------------- lodash (the commonly used part, written here)
  const _ = buildLodash();

  function buildLodash() {
    const isObjectLike = v => v !== null && typeof v === 'object';
    const isObject = v => v !== null && (typeof v === 'object' || typeof v === 'function');
    const isPlainObject = v => isObjectLike(v) && (Object.getPrototypeOf(v) === null || Object.getPrototypeOf(v) === Object.prototype);
    const isArrayLike = v => v != null && typeof v !== 'function' && Number.isInteger(v.length) && v.length >= 0;
    const toPath = path => {
      if (Array.isArray(path)) return path.map(String);
      const result = [];
      String(path).replace(/[^.[\]]+|\[(?:(-?\d+(?:\.\d+)?)|(["'])((?:(?!\2)[^\\]|\\.)*?)\2)\]|(?=(?:\.|\[\])(?:\.|\[\]|$))/g,
        (match, number, quote, subString) => { result.push(quote ? subString.replace(/\\(\\)?/g, '$1') : number || match); return match; });
      return result;
    };
    const iteratee = f => {
      if (typeof f === 'function') return f;
      if (f === undefined || f === null) return v => v;
      if (Array.isArray(f)) return v => isEqual(get(v, f[0]), f[1]);
      if (typeof f === 'object') return v => Object.keys(f).every(k => isEqual(get(v, k), f[k]));
      return v => get(v, f);
    };
    const entriesOf = c => (isArrayLike(c) ? Array.from(c).map((v, i) => [i, v]) : c == null ? [] : Object.keys(c).map(k => [k, c[k]]));
    function get(object, path, defaultValue) {
      const keys = toPath(path);
      let value = object;
      if (keys.length === 0) return defaultValue;
      for (const key of keys) {
        if (value == null) return defaultValue;
        value = value[key];
      }
      return value === undefined ? defaultValue : value;
    }
    function set(object, path, value) {
      if (!isObject(object)) return object;
      const keys = toPath(path);
      let node = object;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (i === keys.length - 1) { node[key] = value; break; }
        if (!isObject(node[key])) node[key] = /^(?:0|[1-9]\d*)$/.test(keys[i + 1]) ? [] : {};
        node = node[key];
      }
      return object;
    }
    function has(object, path) {
      const keys = toPath(path);
      let node = object;
      for (const key of keys) {
        if (node == null || !Object.prototype.hasOwnProperty.call(Object(node), key)) return false;
        node = node[key];
      }
      return keys.length > 0;
    }
    function isEqual(a, b) {
      if (a === b || (a !== a && b !== b)) return true;
      if (!isObjectLike(a) || !isObjectLike(b)) return false;
      if (Array.isArray(a) !== Array.isArray(b)) return false;
      if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
      const ka = Object.keys(a), kb = Object.keys(b);
      return ka.length === kb.length && ka.every(k => Object.prototype.hasOwnProperty.call(b, k) && isEqual(a[k], b[k]));
    }
    function cloneDeep(v) {
      if (!isObjectLike(v)) return v;
      if (v instanceof Date) return new Date(v.getTime());
      if (Array.isArray(v)) return v.map(cloneDeep);
      const out = {};
      for (const k of Object.keys(v)) out[k] = cloneDeep(v[k]);
      return out;
    }
    function merge(target, ...sources) {
      for (const source of sources) {
        if (source == null) continue;
        for (const k of Object.keys(source)) {
          const sv = source[k];
          if (isObjectLike(sv) && (isPlainObject(sv) || Array.isArray(sv))) {
            if (!isObjectLike(target[k])) target[k] = Array.isArray(sv) ? [] : {};
            merge(target[k], sv);
          } else if (sv !== undefined) target[k] = sv;
        }
      }
      return target;
    }
    const words = s => String(s == null ? '' : s).replace(/['\u2019]/g, '').match(/[A-Z]{2,}(?=[A-Z][a-z]+[0-9]*|\b)|[A-Z]?[a-z]+[0-9]*|[A-Z]|[0-9]+/g) || [];
    const upperFirst = s => { s = String(s == null ? '' : s); return s.charAt(0).toUpperCase() + s.slice(1); };
    const lodash = {
      get, set, has, isEqual, cloneDeep, merge,
      clone: v => (Array.isArray(v) ? v.slice() : isObjectLike(v) ? Object.assign({}, v) : v),
      isString: v => typeof v === 'string' || v instanceof String,
      isNumber: v => typeof v === 'number' || v instanceof Number,
      isBoolean: v => v === true || v === false || v instanceof Boolean,
      isFunction: v => typeof v === 'function',
      isArray: Array.isArray,
      isObject, isObjectLike, isPlainObject,
      isNil: v => v == null,
      isNull: v => v === null,
      isUndefined: v => v === undefined,
      isDate: v => v instanceof Date,
      isInteger: Number.isInteger,
      isNaN: v => typeof v === 'number' && v !== v,
      isFinite: Number.isFinite,
      isEmpty: v => {
        if (v == null) return true;
        if (isArrayLike(v)) return v.length === 0;
        if (v instanceof Map || v instanceof Set) return v.size === 0;
        return typeof v === 'object' ? Object.keys(v).length === 0 : true;
      },
      indexOf: (array, value, fromIndex) => {
        if (array == null) return -1;
        const from = fromIndex === undefined ? 0 : fromIndex < 0 ? Math.max(array.length + fromIndex, 0) : fromIndex;
        for (let i = from; i < array.length; i++) if (array[i] === value || (value !== value && array[i] !== array[i])) return i;
        return -1;
      },
      includes: (c, value) => (typeof c === 'string' ? c.includes(value) : entriesOf(c).some(([, v]) => v === value || (v !== v && value !== value))),
      map: (c, f) => entriesOf(c).map(([k, v]) => iteratee(f)(v, k, c)),
      forEach: (c, f) => { for (const [k, v] of entriesOf(c)) if (iteratee(f)(v, k, c) === false) break; return c; },
      filter: (c, f) => entriesOf(c).filter(([k, v]) => iteratee(f)(v, k, c)).map(([, v]) => v),
      reject: (c, f) => entriesOf(c).filter(([k, v]) => !iteratee(f)(v, k, c)).map(([, v]) => v),
      find: (c, f) => { const hit = entriesOf(c).find(([k, v]) => iteratee(f)(v, k, c)); return hit ? hit[1] : undefined; },
      some: (c, f) => entriesOf(c).some(([k, v]) => iteratee(f)(v, k, c)),
      every: (c, f) => entriesOf(c).every(([k, v]) => iteratee(f)(v, k, c)),
      reduce: (c, f, ...init) => {
        const entries = entriesOf(c);
        let acc = init.length ? init[0] : entries.length ? entries.shift()[1] : undefined;
        for (const [k, v] of entries) acc = f(acc, v, k, c);
        return acc;
      },
      keys: o => (o == null ? [] : Object.keys(o)),
      values: o => (o == null ? [] : Object.keys(o).map(k => o[k])),
      toPairs: o => (o == null ? [] : Object.keys(o).map(k => [k, o[k]])),
      fromPairs: pairs => { const out = {}; for (const [k, v] of pairs || []) out[k] = v; return out; },
      pick: (o, ...paths) => { const out = {}; for (const p of paths.flat()) if (has(o, p)) set(out, p, get(o, p)); return out; },
      omit: (o, ...paths) => { const out = Object.assign({}, o); for (const p of paths.flat()) delete out[p]; return out; },
      pickBy: (o, f) => { const out = {}; for (const k of Object.keys(o || {})) if (iteratee(f)(o[k], k)) out[k] = o[k]; return out; },
      omitBy: (o, f) => { const out = {}; for (const k of Object.keys(o || {})) if (!iteratee(f)(o[k], k)) out[k] = o[k]; return out; },
      mapValues: (o, f) => { const out = {}; for (const k of Object.keys(o || {})) out[k] = iteratee(f)(o[k], k, o); return out; },
      mapKeys: (o, f) => { const out = {}; for (const k of Object.keys(o || {})) out[iteratee(f)(o[k], k, o)] = o[k]; return out; },
      groupBy: (c, f) => { const out = {}; for (const [, v] of entriesOf(c)) { const k = iteratee(f)(v); (out[k] = out[k] || []).push(v); } return out; },
      keyBy: (c, f) => { const out = {}; for (const [, v] of entriesOf(c)) out[iteratee(f)(v)] = v; return out; },
      sortBy: (c, ...fs) => {
        const fns = (fs.flat().length ? fs.flat() : [v => v]).map(iteratee);
        return entriesOf(c).map(([, v]) => v).sort((a, b) => {
          for (const f of fns) { const x = f(a), y = f(b); if (x < y) return -1; if (x > y) return 1; }
          return 0;
        });
      },
      uniq: a => Array.from(new Set(a || [])),
      uniqBy: (a, f) => { const seen = new Set(); return (a || []).filter(v => { const k = iteratee(f)(v); if (seen.has(k)) return false; seen.add(k); return true; }); },
      compact: a => (a || []).filter(Boolean),
      flatten: a => (a || []).flat(1),
      flattenDeep: a => (a || []).flat(Infinity),
      chunk: (a, size) => { size = Math.max(Math.trunc(size === undefined ? 1 : size), 0); const out = []; if (!size) return out; for (let i = 0; i < (a || []).length; i += size) out.push(a.slice(i, i + size)); return out; },
      difference: (a, ...others) => { const drop = new Set(others.flat()); return (a || []).filter(v => !drop.has(v)); },
      intersection: (a, ...others) => Array.from(new Set(a || [])).filter(v => others.every(o => (o || []).includes(v))),
      union: (...arrays) => Array.from(new Set(arrays.flat())),
      first: a => (a && a.length ? a[0] : undefined),
      head: a => (a && a.length ? a[0] : undefined),
      last: a => (a && a.length ? a[a.length - 1] : undefined),
      size: c => (c == null ? 0 : isArrayLike(c) ? c.length : Object.keys(c).length),
      sum: a => (a || []).reduce((s, v) => s + v, 0),
      sumBy: (a, f) => (a || []).reduce((s, v) => s + iteratee(f)(v), 0),
      max: a => (a && a.length ? a.reduce((m, v) => (v > m ? v : m)) : undefined),
      min: a => (a && a.length ? a.reduce((m, v) => (v < m ? v : m)) : undefined),
      times: (n, f) => Array.from({ length: Math.max(0, Math.trunc(n)) }, (x, i) => iteratee(f)(i)),
      range: (start, end, step) => {
        if (end === undefined) { end = start; start = 0; }
        step = step === undefined ? (start < end ? 1 : -1) : step;
        const out = [];
        for (let i = start; step > 0 ? i < end : i > end; i += step) { out.push(i); if (step === 0) break; }
        return out;
      },
      assign: Object.assign,
      defaults: (o, ...sources) => { for (const s of sources) for (const k of Object.keys(s || {})) if (o[k] === undefined) o[k] = s[k]; return o; },
      toString: v => (v == null ? '' : String(v)),
      toLower: s => String(s == null ? '' : s).toLowerCase(),
      toUpper: s => String(s == null ? '' : s).toUpperCase(),
      trim: (s, chars) => (chars === undefined ? String(s == null ? '' : s).trim() : String(s).replace(new RegExp(`^[${chars.replace(/[\]\\^-]/g, '\\$&')}]+|[${chars.replace(/[\]\\^-]/g, '\\$&')}]+$`, 'g'), '')),
      upperFirst,
      lowerFirst: s => { s = String(s == null ? '' : s); return s.charAt(0).toLowerCase() + s.slice(1); },
      capitalize: s => upperFirst(String(s == null ? '' : s).toLowerCase()),
      camelCase: s => words(s).map((w, i) => (i === 0 ? w.toLowerCase() : upperFirst(w.toLowerCase()))).join(''),
      snakeCase: s => words(s).map(w => w.toLowerCase()).join('_'),
      kebabCase: s => words(s).map(w => w.toLowerCase()).join('-'),
      startCase: s => words(s).map(upperFirst).join(' '),
      noop: () => undefined,
      identity: v => v,
    };
    lodash.each = lodash.forEach;
    return lodash;
  }

  // ---------------------------------------------------------------- install
  for (const [name, value] of Object.entries(segmentErrors)) define(name, value);
  define('FetchError', FetchError);
  define('console', console);
  define('btoa', btoa);
  define('atob', atob);
  define('crypto', crypto);
  define('URL', URL);
  define('URLSearchParams', URLSearchParams);
  define('Headers', Headers);
  define('Request', Request);
  define('Response', Response);
  define('fetch', fetch);
  define('cache', cache);
  define('setTimeout', (callback, delay, ...args) => startTimer(callback, delay, args, false));
  define('clearTimeout', stopTimer);
  define('setInterval', (callback, delay, ...args) => startTimer(callback, delay, args, true));
  define('clearInterval', stopTimer);
  define('setImmediate', (callback, ...args) => startTimer(callback, 0, args, false, true));
  define('clearImmediate', stopTimer);
  define('queueMicrotask', (callback) => { Promise.resolve().then(() => callback()); });
  define('global', globalThis);
  define('_', _);

  // ---------------------------------------------------------------- what the C# side calls
  function kindOf(error) {
    for (const [name, type] of Object.entries(segmentErrors)) {
      if (error instanceof type) return name;
      if (error !== null && typeof error === 'object' && error.constructor && error.constructor.name === name) return name;
    }
    return 'Error';
  }
  function describe(error) {
    try {
      const isError = error instanceof Error || (error !== null && typeof error === 'object' && 'message' in error);
      return [
        kindOf(error),
        isError ? String(error.name === undefined ? 'Error' : error.name) : '',
        isError ? String(error.message) : inspect(error, 0, []),
        isError && typeof error.stack === 'string' ? error.stack : '',
      ];
    } catch (e) {
      // A thrown value whose name or message cannot be read (a throwing getter, a revoked proxy).
      return ['Error', '', 'a thrown value that cannot be described', ''];
    }
  }
  return {
    // Calls a handler and reports how it settled (at once when it returned a plain value): done(true, value) or done(false, [kind, name, message, stack]).
    run(handler, event, settings, done) {
      let result;
      try { result = handler(event, settings); } catch (error) { done(false, describe(error)); return; }
      if (result === null || typeof result !== 'object' || typeof result.then !== 'function') { done(true, result); return; }
      result.then(value => done(true, value), error => done(false, describe(error)));
    },
    // Reports how a promise settles, for the host's own waits (cache.load's factory).
    settle(promise, done) {
      Promise.resolve(promise).then(value => done(true, value), error => done(false, error));
    },
    parseJson: (text) => JSON.parse(text),
    describe,
  };
})
