// The supervisor wallboard: team counters, queues and (for supervisors and admins) every agent of
// the visible teams, updated in place from the push service.
import { CtiStreamClient } from './ctistream-client.js';
import { $, store, takeToken, claims, askToken, showStatus, notice, short, duration, onTokenSubmit, connectionStatus, showEngine } from './page.js';

const CATEGORIES = ['AVAIL', 'RING', 'ACD', 'AUX', 'ACW', 'OFF', 'UNKNOWN'];
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
// reason codes are the platform's; the service's reason list names them for people
const reasonLabels = new Map();
fetch('config.json').then((r) => (r.ok ? r.json() : { reasons: [] }))
  .then((c) => { for (const { code, label } of c.reasons ?? []) if (label) reasonLabels.set(code, label); })
  .catch(() => { /* codes are shown as they are */ });

const set = (el, text) => { if (el.textContent !== text) el.textContent = text; };

let client = null;
let token = null;
let lastAuthError = '';
let subject = null;

function start(newToken) {
  token = newToken;
  store(token);
  $('#token-form').hidden = true;
  if (client) return client.replaceToken(token);
  client = new CtiStreamClient({ token, onStatus, onWelcome, onState, onError, onEngine: showEngine, onConflated: (f) => console.info('ctistream:', f.message) });
  client.connect();
}

onTokenSubmit(start);

function onStatus(status) {
  connectionStatus(status, lastAuthError);
}

function onError(e) {
  if (['BAD_TOKEN', 'TOKEN_EXPIRED'].includes(e.code) || (e.code === 'FORBIDDEN' && client.status !== 'live')) lastAuthError = e.message;
  else if (e.code === 'TOKEN_EXPIRING') askToken('Your token expires in a few seconds. Paste a new one to stay connected.');
  else console.warn(`ctistream: ${e.code}: ${e.message}`);
}
// ---- end of shared plumbing ----

let followAgents = false;

function onWelcome(w) {
  lastAuthError = '';
  if (w.replaced) return;
  if (subject && subject !== w.subject) return location.reload(); // someone else signed in: start clean
  subject = w.subject;
  set($('#who'), `${w.subject} · ${w.role}`);
  if (w.role === 'agent') {
    notice('The wallboard needs a supervisor, wallboard or admin token. Agents use the agent panel at /agent.');
    return;
  }
  notice('');
  const teams = w.teams ?? claims(token).teams ?? [];
  followAgents = w.role === 'supervisor' || w.role === 'admin';
  const all = w.role === 'admin' || w.role === 'wallboard' || teams.length === 0;
  client.subscribe([...(all ? ['team/*'] : teams.map((t) => `team/${t}`)), 'queue/*']);
}

function onState(f) {
  const kind = f.topic.slice(0, f.topic.indexOf('/'));
  const id = f.key ?? f.topic.slice(kind.length + 1);
  if (kind === 'agent') agentState(id, f);
  else if (kind === 'team') teamState(id, f);
  else if (kind === 'queue') queueState(id, f);
}

/** Inserts (or moves) `el` before the first sibling that sorts after it. */
function place(parent, el, compare) {
  let before = null;
  for (const other of parent.children) if (other !== el && compare(el, other) < 0) { before = other; break; }
  if (el.nextElementSibling !== before || el.parentElement !== parent) parent.insertBefore(el, before);
}

function row(tbody, attrs, fields, numeric = []) {
  const tr = document.createElement('tr');
  Object.assign(tr.dataset, attrs);
  const td = {};
  for (const f of fields) {
    td[f] = tr.insertCell();
    td[f].dataset.field = f;
    if (numeric.includes(f)) td[f].className = 'num';
  }
  tbody.append(tr);
  return { tr, td };
}

// ---- teams ----
const teams = new Map(); // teamId -> {el, counts: {CATEGORY: <b>}, longest, members, membersKey}

function teamState(id, f) {
  let t = teams.get(id);
  if (f.removed) {
    t?.el.remove();
    teams.delete(id);
    return syncMembers();
  }
  if (!t) {
    const el = document.createElement('section');
    el.className = 'team';
    el.dataset.team = id;
    el.innerHTML = `<h3></h3><div class="counts">${CATEGORIES.map((c) => `<div class="count" data-count="${c}"><b>0</b><span>${c}</span></div>`).join('')}</div><p class="longest"></p>`;
    el.querySelector('h3').textContent = short(id);
    el.querySelector('h3').title = id;
    t = { el, counts: {}, longest: el.querySelector('.longest'), members: [], membersKey: null, available: null };
    for (const c of CATEGORIES) t.counts[c] = el.querySelector(`[data-count="${c}"] b`);
    teams.set(id, t);
    place($('#teams'), el, (a, b) => collator.compare(a.dataset.team, b.dataset.team));
  }
  const d = f.data, counts = d.counts ?? {};
  for (const c of CATEGORIES) set(t.counts[c], String(counts[c.toLowerCase()] ?? 0));
  t.counts.UNKNOWN.parentElement.hidden = !counts.unknown;
  t.available = d.longestAvailable ?? null;
  tickTeam(t, client.now());
  const members = d.members ?? [];
  if (members.join() !== t.membersKey) {
    t.members = members;
    t.membersKey = members.join();
    syncMembers();
  }
}

function tickTeam(t, now) {
  const a = t.available;
  set(t.longest, a ? `Longest available: ${agents.get(a.agentId)?.name ?? short(a.agentId)}, ${duration(now - Date.parse(a.since))}` : '');
}

/** Follows exactly the agents of the visible teams (supervisors and admins). */
function syncMembers() {
  if (!followAgents) return;
  const wanted = new Set([...teams.values()].flatMap((t) => t.members));
  client.subscribe([...wanted].map((a) => `agent/${a}`));
  for (const topic of client.topics) {
    const id = topic.slice('agent/'.length);
    if (topic.startsWith('agent/') && !wanted.has(id)) {
      client.unsubscribe(topic);
      agents.get(id)?.tr.remove();
      agents.delete(id);
    }
  }
}

// ---- agents ----
const agents = new Map(); // agentId -> {tr, td, name, team, since}
const DIRECTION = { INBOUND: 'in', OUTBOUND: 'out', INTERNAL: 'internal' };
const byTeamThenName = (x, y) => {
  const a = agents.get(x.dataset.agent), b = agents.get(y.dataset.agent);
  return collator.compare(a.team, b.team) || collator.compare(a.name, b.name) || collator.compare(x.dataset.agent, y.dataset.agent);
};

function ageText(ms) {
  if (typeof ms !== 'number') return '—';
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

function notLive(a, freshness) {
  if (a.link && a.link !== 'ACTIVE') return `not live: link ${a.link}`;
  return freshness !== 'LIVE' ? `not live: data ${freshness}` : 'not live: state UNKNOWN';
}

function agentState(id, f) {
  let r = agents.get(id);
  if (f.removed) {
    r?.tr.remove();
    agents.delete(id);
    return;
  }
  const a = f.data;
  if (!r) {
    r = row($('#agents tbody'), { agent: id }, ['name', 'team', 'state', 'reason', 'time', 'call', 'age'], ['time', 'age']);
    agents.set(id, r);
  }
  const name = a.displayName || short(id), team = short(a.teamId);
  if (name !== r.name || team !== r.team) {
    Object.assign(r, { name, team });
    place(r.tr.parentElement, r.tr, byTeamThenName);
  }
  const freshness = f.freshness?.state ?? a.freshness ?? 'UNKNOWN';
  const stale = freshness !== 'LIVE' || a.category === 'UNKNOWN';
  Object.assign(r.tr.dataset, { category: a.category, freshness });
  r.tr.classList.toggle('stale', stale);
  r.tr.title = stale ? notLive(a, freshness) : '';
  set(r.td.name, name);
  r.td.name.title = id;
  set(r.td.team, team);
  set(r.td.state, a.category);
  r.td.state.title = [a.state, a.dnd && 'do not disturb', a.hotelingGuest && `guest at ${a.hotelingGuest}`].filter(Boolean).join(', ');
  set(r.td.reason, a.reasonLabel || reasonLabels.get(a.reasonCode) || a.reasonCode || '');
  r.since = Date.parse(a.stateSince);
  set(r.td.time, duration(client.now() - r.since));
  const c = a.currentCall;
  set(r.td.call, c ? [DIRECTION[c.direction] ?? c.direction, c.remoteParty, short(c.queueId)].filter(Boolean).join(' · ') : '');
  r.td.call.title = c ? `${c.callState} since ${new Date(c.since).toLocaleTimeString()}` : '';
  // the end-to-end lag of a change seen live (platform event → this socket); a value sent on
  // subscribe or resume has none, and the last lag seen stays until the next live change
  if (typeof f.freshness?.lagMillis === 'number') set(r.td.age, ageText(f.freshness.lagMillis));
  else if (!r.td.age.textContent) set(r.td.age, '—');
}

// ---- queues ----
// A queue's figures come from the engine, which takes each from its one authority (ADR 021); a
// figure the platform judged (QueueSnapshot.severities) is coloured as it said, else by the queue's
// own threshold: a wait past half the service-level threshold warns, past it is critical.
const queues = new Map(); // queueId -> {tr, td, name, oldest, threshold, severities}
const QUEUE_FIELDS = ['name', 'inQueue', 'oldestWait', 'expectedWait', 'offered', 'answered', 'abandoned', 'shortAbandoned', 'asa', 'aht', 'sl', 'agents'];
// the cell that shows each figure the platform may judge
const SEVERITY_CELLS = { callsInQueue: 'inQueue', oldestWaitingSince: 'oldestWait', expectedWaitMillis: 'expectedWait',
  averageSpeedOfAnswerMillis: 'asa', averageHandleTimeMillis: 'aht' };

function queueState(id, f) {
  let q = queues.get(id);
  if (f.removed) {
    q?.tr.remove();
    queues.delete(id);
    return;
  }
  const d = f.data;
  if (!q) {
    q = row($('#queues tbody'), { queue: id }, QUEUE_FIELDS, QUEUE_FIELDS.slice(1));
    q.name = short(id);
    queues.set(id, q);
    place(q.tr.parentElement, q.tr, (x, y) => collator.compare(queues.get(x.dataset.queue).name, queues.get(y.dataset.queue).name));
  }
  set(q.td.name, q.name);
  q.td.name.title = id;
  set(q.td.inQueue, String(d.callsInQueue ?? 0));
  q.oldest = d.oldestWaitingSince ? Date.parse(d.oldestWaitingSince) : null;
  q.threshold = (d.serviceLevelThresholdSeconds ?? 20) * 1000;
  q.severities = d.severities ?? {};
  q.tr.dataset.waiting = String(d.callsInQueue ?? 0);
  set(q.td.expectedWait, d.expectedWaitMillis == null ? '—' : duration(d.expectedWaitMillis));
  set(q.td.offered, String(d.offeredToday ?? 0));
  set(q.td.answered, String(d.answeredToday ?? 0));
  set(q.td.abandoned, String(d.abandonedToday ?? 0));
  set(q.td.shortAbandoned, String(d.shortAbandonedToday ?? 0));
  set(q.td.asa, d.averageSpeedOfAnswerMillis == null ? '—' : duration(d.averageSpeedOfAnswerMillis));
  set(q.td.aht, d.averageHandleTimeMillis == null ? '—' : duration(d.averageHandleTimeMillis));
  set(q.td.sl, d.serviceLevelPercent == null ? '—' : `${Math.round(d.serviceLevelPercent)}%`);
  q.td.sl.title = `answered within ${q.threshold / 1000} s, of answered and abandoned after it`;
  set(q.td.agents, d.staffedAgents == null ? '—' : `${d.idleAgents ?? '?'} / ${d.staffedAgents}`);
  q.td.agents.title = d.staffedAgents == null ? 'the platform gives no agent figures' : `${d.idleAgents ?? '?'} idle, ${d.unavailableAgents ?? '?'} unavailable, of ${d.staffedAgents} signed in`;
  q.tr.title = d.platformFiguresAt ? `the platform's figures as of ${new Date(d.platformFiguresAt).toLocaleTimeString()}` : '';
  for (const [figure, cell] of Object.entries(SEVERITY_CELLS)) {
    if (cell !== 'oldestWait' && cell !== 'expectedWait') severity(q.td[cell], q.severities[figure] ?? null);
  }
  severity(q.td.expectedWait, q.severities.expectedWaitMillis ?? ownSeverity(d.expectedWaitMillis, q.threshold));
  tickQueue(q, client.now());
}

/** NORMAL, WARNING or CRITICAL for a wait against the queue's service-level threshold; null for no wait. */
function ownSeverity(wait, threshold) {
  if (wait == null) return null;
  return wait > threshold ? 'CRITICAL' : wait > threshold / 2 ? 'WARNING' : 'NORMAL';
}

function severity(td, level) {
  if (level) td.dataset.severity = level;
  else delete td.dataset.severity;
}

function tickQueue(q, now) {
  const wait = q.oldest == null ? null : Math.max(0, now - q.oldest);
  set(q.td.oldestWait, wait == null ? '—' : duration(wait));
  const level = q.severities.oldestWaitingSince ?? ownSeverity(wait, q.threshold);
  severity(q.td.oldestWait, level);
  q.tr.classList.toggle('breach', level === 'CRITICAL');
}

// one clock for every ticking cell
setInterval(() => {
  if (!client) return;
  const now = client.now();
  for (const r of agents.values()) set(r.td.time, duration(now - r.since));
  for (const q of queues.values()) tickQueue(q, now);
  for (const t of teams.values()) tickTeam(t, now);
}, 1000);

// a token pasted into the address bar of an open page: start over with it
addEventListener('hashchange', () => { if (/[#&]token=/.test(location.hash)) { takeToken(); location.reload(); } });

const initial = takeToken();
if (initial) start(initial);
else {
  showStatus('unauthorized');
  askToken();
}
