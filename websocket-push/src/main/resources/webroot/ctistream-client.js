/**
 * ctistream browser client: one WebSocket to the push service's `/ws`, authenticated with a JWT.
 * It remembers what you subscribed to and, after any reconnect, authenticates again and resumes
 * from the last version it saw per topic, so the server sends only what moved. It never queues
 * commands while offline: a command either gets an answer on this connection or fails.
 *
 * Plain ES module, no dependencies. See docs/api/client.md.
 * @module ctistream-client
 */

const BACKOFF_START = 500;
const BACKOFF_CAP = 30_000;
const CONNECT_LIMIT = 15_000;
const SUBSCRIBE_BATCH = 200;
const OPEN = 1;
const AUTH_REFUSED = new Set(['BAD_TOKEN', 'TOKEN_EXPIRED', 'FORBIDDEN']);

/** `queue/acme/q1` → `queue/*` (events topics have no wildcard). */
const wildcardOf = (topic) => topic.slice(0, topic.indexOf('/') + 1) + '*';

/** An error with a stable machine-readable `code` (the server's, or one of the client's own). */
export class CtiStreamError extends Error {
  /** @param {string} code @param {string} message @param {object} [frame] the server's error frame */
  constructor(code, message, frame) {
    super(message);
    this.name = 'CtiStreamError';
    this.code = code;
    this.frame = frame;
  }
}

/**
 * @typedef {'connecting'|'live'|'offline'|'unauthorized'} Status
 * @typedef {object} Options
 * @property {string} [url] WebSocket URL; defaults to ws(s)://location.host/ws
 * @property {string} [token] the JWT to authenticate with
 * @property {() => Promise<string>|string} [tokenProvider] returns a fresh token; called before the
 *   token expires (TOKEN_EXPIRING), after close 4001, and after a refused token
 * @property {(frame: object) => void} [onState] a `state` frame that is newer than what was seen
 * @property {(frame: object) => void} [onEvent] an `event` frame (agent event log) not seen before
 * @property {(status: Status) => void} [onStatus] the connection status changed
 * @property {(frame: object) => void} [onWelcome] a `welcome` frame (`replaced` is true after a token replacement)
 * @property {(error: CtiStreamError) => void} [onError] an error not answered through a promise
 * @property {(frame: object) => void} [onConflated] the server merged updates while this client lagged
 * @property {(state: 'LIVE'|'SILENT') => void} [onEngine] whether the engine turns events into state (in the welcome, then on every change):
 *   while SILENT no value can be trusted to be current, whatever its own freshness says
 * @property {typeof WebSocket} [WebSocketImpl] defaults to globalThis.WebSocket
 */

/**
 * The client. Besides the `on*` callbacks, it is an EventTarget dispatching CustomEvents
 * `state`, `event`, `status`, `welcome`, `error`, `conflated` and `engine` with the same value as `detail`.
 */
export class CtiStreamClient extends EventTarget {
  #opts; #token; #ws = null; #status = 'offline'; #stopped = true; #welcomed = false;
  #attempt = 0; #retryTimer = null; #watchdog = null; #lastFrameAt = 0; #heartbeatMillis = 15_000;
  #seq = 0; #authId = null; #authRefused = false; #needToken; #refreshing = null; #generation = 0;
  #topics = new Set(); #seen = new Map(); #pending = new Map(); #subscribing = new Map();
  #online = () => { if (this.#retryTimer) { clearTimeout(this.#retryTimer); this.#open(); } };

  /** Server clock minus local clock in ms, estimated from heartbeats and pongs. */
  clockOffset = 0;
  /** The last `welcome` frame, or null. */
  welcome = null;

  /** @param {Options} options */
  constructor(options = {}) {
    super();
    this.#opts = options;
    this.#token = options.token || null;
    this.#needToken = !this.#token;
    const loc = globalThis.location;
    this.url = options.url ?? (loc && `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/ws`);
    this.WebSocketImpl = options.WebSocketImpl ?? globalThis.WebSocket;
    if (!this.url || !this.WebSocketImpl) throw new TypeError('url and WebSocketImpl are required outside a browser');
  }

  /** @returns {Status} */
  get status() { return this.#status; }
  /** The topics this client follows (and re-subscribes after a reconnect). */
  get topics() { return [...this.#topics]; }
  /** The server's current time in epoch ms (local clock corrected by {@link clockOffset}). */
  now() { return Date.now() + this.clockOffset; }

  /** Opens the connection (and keeps it open until {@link close}). @returns {this} */
  connect() {
    this.#stopped = false;
    globalThis.addEventListener?.('online', this.#online);
    if (!this.#ws && !this.#retryTimer && this.#status !== 'connecting') this.#open();
    return this;
  }

  /**
   * Follows topics, now if live, else on the next connect. Topics already followed are not sent
   * again. Topics the server does not accept (see onError) are forgotten.
   * @param {string|string[]} topics e.g. `agent/acme/a1`, `team/*`, `events/agent/acme/a1`
   */
  subscribe(topics) {
    const fresh = [].concat(topics).filter((t) => !this.#topics.has(t));
    fresh.forEach((t) => this.#topics.add(t));
    if (fresh.length && this.#welcomed) this.#sendSubscribe(fresh);
  }

  /** Stops following topics and forgets their versions. @param {string|string[]} topics */
  unsubscribe(topics) {
    const gone = [].concat(topics).filter((t) => this.#topics.delete(t));
    for (const t of this.#seen.keys()) if (gone.includes(t) || gone.includes(wildcardOf(t))) this.#seen.delete(t);
    if (gone.length && this.#welcomed) this.#send({ op: 'unsubscribe', id: this.#id(), topics: gone });
  }

  /**
   * Sends a command for an agent. Resolves with the `result` frame whatever its status
   * (COMPLETED, REJECTED, TIMED_OUT, FAILED: inspect `status` and show `message`). Rejects with a
   * {@link CtiStreamError} on an error frame for it (e.g. FORBIDDEN, BAD_COMMAND, RATE_LIMITED),
   * when not live (NOT_CONNECTED), when the connection closes first (CONNECTION_CLOSED) or when no
   * answer comes at all (NO_RESULT, 5 s after the timeout).
   * @param {string|null} agentId tenant-qualified; null for an agent token's own agent
   * @param {object} command e.g. `{type: 'SetState', state: 'READY'}`
   * @param {{timeoutMillis?: number, onAccepted?: (frame: object) => void}} [options]
   * @returns {Promise<object>}
   */
  command(agentId, command, { timeoutMillis = 10_000, onAccepted } = {}) {
    const frame = { op: 'command', id: this.#id(), command, timeoutMillis };
    if (agentId) frame.agentId = agentId;
    return this.#request(frame, timeoutMillis + 5_000, onAccepted);
  }

  /** Round trip to the server. @returns {Promise<object>} the `pong` frame */
  ping() {
    return this.#request({ op: 'ping', id: this.#id() }, 10_000);
  }

  /**
   * Uses a new token: sent in-band on an open connection (the same subject only; a `welcome`
   * with `replaced: true` confirms), else used for the next connect. Reconnects when unauthorized.
   * @param {string} token
   */
  replaceToken(token) {
    this.#token = token;
    this.#needToken = !token;
    if (this.#ws?.readyState === OPEN) this.#sendAuth();
    else if (this.#status === 'unauthorized') { this.#attempt = 0; this.connect(); }
  }

  /** Closes for good: no reconnect; pending commands reject with CLOSED. */
  close() {
    this.#stopped = true;
    this.#generation++;
    globalThis.removeEventListener?.('online', this.#online);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const ws = this.#ws;
    this.#teardown(new CtiStreamError('CLOSED', 'the client was closed'));
    try { ws?.close(1000, 'closed by the client'); } catch { /* already closing */ }
    this.#setStatus('offline');
  }

  async #open() {
    const generation = ++this.#generation; // a close() or a newer open while awaiting a token wins
    this.#retryTimer = null;
    this.#authRefused = false;
    this.#setStatus('connecting');
    if (this.#needToken) {
      if (!this.#opts.tokenProvider) return this.#setStatus('unauthorized');
      try {
        this.#token = await this.#refresh();
        this.#needToken = false;
      } catch (e) {
        this.#emit('error', new CtiStreamError('TOKEN_PROVIDER', `no token: ${e?.message ?? e}`));
        return generation === this.#generation && this.#retry();
      }
      if (this.#stopped || generation !== this.#generation) return;
    }
    let ws;
    try {
      ws = new this.WebSocketImpl(this.url);
    } catch (e) {
      this.#emit('error', new CtiStreamError('CONNECT_FAILED', String(e?.message ?? e)));
      return this.#retry();
    }
    this.#ws = ws; // kept: the socket must stay reachable as long as it is in use
    ws.onopen = () => this.#sendAuth();
    ws.onmessage = (m) => this.#onFrame(m.data);
    ws.onclose = (e) => this.#onClose(ws, e.code);
    ws.onerror = () => {}; // a close event follows
    this.#lastFrameAt = Date.now();
    this.#watchdog = setInterval(() => {
      const limit = this.#welcomed ? 2 * this.#heartbeatMillis + 5_000 : CONNECT_LIMIT;
      if (Date.now() - this.#lastFrameAt > limit) this.#drop(ws, 'no frames from the server');
    }, 1_000);
  }

  #onClose(ws, code) {
    if (ws !== this.#ws) return;
    this.#teardown(new CtiStreamError('CONNECTION_CLOSED', `the connection closed (${code}) before an answer`));
    if (this.#stopped) return this.#setStatus('offline');
    if (code === 4001 || this.#authRefused) {
      if (!this.#opts.tokenProvider) return this.#setStatus('unauthorized');
      this.#needToken = true;
    }
    this.#setStatus('offline');
    this.#retry();
  }

  /** Gives up on a socket now (a dead TCP connection may take minutes to report its close). */
  #drop(ws, reason) {
    try { ws.close(4000, reason); } catch { /* already closing */ }
    this.#onClose(ws, 4000);
  }

  #teardown(error) {
    const ws = this.#ws;
    this.#ws = null;
    this.#welcomed = false;
    clearInterval(this.#watchdog);
    if (ws) ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    for (const id of [...this.#pending.keys()]) this.#settle(id, error);
    this.#subscribing.clear();
  }

  /** Exponential backoff with full jitter: random(0, min(cap, 500 ms * 2^attempt)). */
  #retry() {
    if (this.#stopped) return;
    const delay = Math.random() * Math.min(BACKOFF_CAP, BACKOFF_START * 2 ** this.#attempt++);
    this.#retryTimer = setTimeout(() => this.#open(), delay);
  }

  #onFrame(text) {
    this.#lastFrameAt = Date.now();
    let f;
    try { f = JSON.parse(text); } catch { return; }
    switch (f?.type) {
      case 'state': return this.#onState(f);
      case 'event': return this.#onEvent(f);
      case 'welcome': return this.#onWelcome(f);
      case 'error': return this.#onError(f);
      case 'accepted': return this.#pending.get(f.id)?.onAccepted?.(f);
      case 'result': return this.#settle(f.id, null, f);
      case 'pong': this.#clock(f.at); return this.#settle(f.id, null, f);
      case 'heartbeat': return this.#clock(f.at);
      case 'conflated': return this.#emit('conflated', f);
      case 'engine': return this.#emit('engine', f.state);
      case 'subscribed': return this.#onSubscribed(f);
      default: // unsubscribed, and frame types newer than this client
    }
  }

  #onWelcome(f) {
    this.welcome = f;
    this.#heartbeatMillis = f.heartbeatMillis > 0 ? f.heartbeatMillis : 15_000;
    if (!this.#welcomed) {
      this.#welcomed = true;
      this.#attempt = 0;
      if (this.#topics.size) this.#sendSubscribe([...this.#topics]);
      this.#setStatus('live');
      this.ping().catch(() => {}); // a first clock offset estimate
    }
    this.#emit('welcome', f);
    this.#emit('engine', f.engine ?? 'LIVE'); // a server too old to say is not taken for a silent engine
  }

  #onError(f) {
    const error = new CtiStreamError(f.code, f.message, f);
    if (f.id != null && f.id === this.#authId && !this.#welcomed) {
      this.#authRefused = AUTH_REFUSED.has(f.code);
      this.#emit('error', error);
      return this.#drop(this.#ws, 'authentication failed');
    }
    if (f.id != null && this.#settle(f.id, error)) return;
    if (f.code === 'TOKEN_EXPIRING' && this.#opts.tokenProvider) {
      this.#refresh().then((t) => this.replaceToken(t), (e) => this.#emit('error', new CtiStreamError('TOKEN_PROVIDER', `no token: ${e?.message ?? e}`)));
    }
    this.#emit('error', error);
  }

  #onState(f) {
    if (!this.#follows(f.topic)) return; // in flight after an unsubscribe
    if (f.removed) {
      this.#seen.delete(f.topic);
    } else if (typeof f.version === 'number') {
      if (f.version < (this.#seen.get(f.topic) ?? -Infinity)) return; // older than what was shown
      this.#seen.set(f.topic, f.version);
    }
    this.#emit('state', f);
  }

  #onEvent(f) {
    if (!this.#follows(f.topic)) return;
    if (typeof f.offset === 'number') {
      if (f.offset <= (this.#seen.get(f.topic) ?? -Infinity)) return; // replayed
      this.#seen.set(f.topic, f.offset);
    }
    this.#emit('event', f);
  }

  /** Topics the server refused (reported through onError) are forgotten. */
  #onSubscribed(f) {
    const accepted = new Set(f.topics ?? []);
    this.#subscribing.get(f.id)?.forEach((t) => accepted.has(t) || this.#topics.delete(t));
    this.#subscribing.delete(f.id);
  }

  /** Whether a concrete topic is followed, directly or through a `kind/*` wildcard. */
  #follows(topic) { return this.#topics.has(topic) || this.#topics.has(wildcardOf(topic)); }

  #sendAuth() {
    this.#authId = this.#id();
    this.#send({ op: 'auth', id: this.#authId, token: this.#token });
  }

  /** Subscribes in batches, each with `resume`: the last version (or event offset) per topic it covers. */
  #sendSubscribe(topics) {
    for (let i = 0; i < topics.length; i += SUBSCRIBE_BATCH) {
      const batch = topics.slice(i, i + SUBSCRIBE_BATCH);
      const set = new Set(batch);
      const resume = {};
      for (const [t, v] of this.#seen) if (set.has(t) || set.has(wildcardOf(t))) resume[t] = v;
      const id = this.#id();
      this.#subscribing.set(id, batch);
      this.#send({ op: 'subscribe', id, topics: batch, resume });
    }
  }

  #request(frame, limitMillis, onAccepted) {
    if (!this.#welcomed) return Promise.reject(new CtiStreamError('NOT_CONNECTED', 'not connected to the server right now'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#settle(frame.id, new CtiStreamError('NO_RESULT', 'no answer from the server')), limitMillis);
      this.#pending.set(frame.id, { resolve, reject, timer, onAccepted });
      this.#send(frame);
    });
  }

  #settle(id, error, value) {
    const p = this.#pending.get(id);
    if (!p) return false;
    this.#pending.delete(id);
    clearTimeout(p.timer);
    return error ? p.reject(error) : p.resolve(value), true;
  }

  #refresh() {
    this.#refreshing ??= Promise.resolve().then(() => this.#opts.tokenProvider()).then((t) => {
      if (typeof t !== 'string' || !t) throw new Error('the token provider returned no token');
      return t;
    }).finally(() => { this.#refreshing = null; });
    return this.#refreshing;
  }

  #clock(at) {
    const off = Date.parse(at) - Date.now();
    if (Number.isFinite(off)) this.clockOffset = off;
  }

  #send(frame) { if (this.#ws?.readyState === OPEN) this.#ws.send(JSON.stringify(frame)); }
  #id() { return String(++this.#seq); }

  #setStatus(status) {
    if (status !== this.#status) this.#emit('status', (this.#status = status));
  }

  #emit(name, detail) {
    try {
      this.#opts['on' + name[0].toUpperCase() + name.slice(1)]?.(detail);
    } catch (e) {
      console.error(`ctistream: on${name} handler failed`, e); // a page bug must not break the protocol
    }
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}

export default CtiStreamClient;
