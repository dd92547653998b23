// The agent panel: one agent's live state and the buttons that change it. Agents see their own
// agent; supervisors and admins open /agent?agent=tenant/agent-id.
import { CtiStreamClient } from './ctistream-client.js';
import { $, store, takeToken, claims, askToken, showStatus, notice, short, duration, onTokenSubmit, connectionStatus, showEngine } from './page.js';

let client = null;
let token = null;
let lastAuthError = '';
let subject = null;

function start(newToken) {
  token = newToken;
  store(token);
  $('#token-form').hidden = true;
  if (client) return client.replaceToken(token);
  client = new CtiStreamClient({ token, onStatus, onWelcome, onState, onError, onEngine: showEngine });
  client.connect();
}

onTokenSubmit(start);

function onStatus(status) {
  connectionStatus(status, lastAuthError);
  render();
}

function onError(e) {
  if (['BAD_TOKEN', 'TOKEN_EXPIRED'].includes(e.code) || (e.code === 'FORBIDDEN' && client.status !== 'live')) lastAuthError = e.message;
  else if (e.code === 'TOKEN_EXPIRING') askToken('Your token expires in a few seconds. Paste a new one to stay connected.');
  else if (e.code === 'FORBIDDEN' || e.code === 'BAD_TOPIC') notice(e.message);
  else console.warn(`ctistream: ${e.code}: ${e.message}`);
}
// ---- end of shared plumbing ----

const ON_CALL = ['RESERVED', 'TALKING', 'HOLD'];
const DIRECTION = { INBOUND: 'Inbound', OUTBOUND: 'Outbound', INTERNAL: 'Internal' };
const BUTTONS = ['logon', 'ready', 'notready', 'wrapup', 'logoff'];
let agentId = null;
let agent = null; // the last agent data, or null
let freshness = 'UNKNOWN';
const pending = new Set(); // controls whose command awaits its result (no double sends)
let latest = 0; // only the newest command's outcome is shown

const reasonLabels = new Map(); // code → what a person reads, from the service's reason list
fetch('config.json')
  .then((r) => (r.ok ? r.json() : { reasons: [] }))
  .then((config) => {
    for (const { code, label } of config.reasons ?? []) {
      $('#reason').add(new Option(label || code, code));
      if (label) reasonLabels.set(code, label);
    }
    if (agent) render();
  })
  .catch(() => console.warn('ctistream: no reason codes (config.json unavailable)'));

function onWelcome(w) {
  lastAuthError = '';
  if (w.replaced) return;
  if (subject && subject !== w.subject) return location.reload(); // someone else signed in: start clean
  subject = w.subject;
  const asked = new URLSearchParams(location.search).get('agent');
  agentId = w.role === 'agent' ? w.agentId ?? claims(token).agentId ?? null : asked;
  if (!agentId) {
    notice(w.role === 'agent' ? 'This token names no agent.' : 'Open this page with ?agent=tenant/agent-id to act for an agent.');
    return render();
  }
  notice('');
  client.subscribe(`agent/${agentId}`);
  render();
}

function onState(f) {
  if (f.topic !== `agent/${agentId}`) return;
  agent = f.removed ? null : f.data;
  freshness = f.freshness?.state ?? agent?.freshness ?? 'UNKNOWN';
  render();
}

/** Which buttons make sense in a state; all of them when the state is unknown (the platform decides). */
function allowed(state) {
  if (state === 'UNKNOWN') return { logon: true, ready: true, notready: true, wrapup: true, logoff: true };
  const on = state !== 'LOGGED_OUT';
  return { logon: !on, ready: on && state !== 'READY', notready: on, wrapup: on && state !== 'WRAP_UP', logoff: on && !ON_CALL.includes(state) };
}

function render() {
  const a = agent, state = a?.state ?? 'UNKNOWN', live = client?.status === 'live';
  const box = $('#state');
  box.dataset.state = state;
  box.dataset.category = a?.category ?? 'UNKNOWN';
  $('#state-label').textContent = a ? state.replace(/_/g, ' ') : agentId && live ? 'Waiting for state…' : 'UNKNOWN';
  $('#state-category').textContent = a?.category ?? '';
  $('#reason-shown').textContent = a?.reasonLabel || reasonLabels.get(a?.reasonCode) || a?.reasonCode || '';
  $('#agent-name').textContent = a?.displayName || short(agentId);
  tick();

  const c = a?.currentCall;
  $('#call').textContent = c ? `${DIRECTION[c.direction] ?? 'Call'} · ${c.remoteParty ?? 'unknown party'}${c.queueId ? ` · ${short(c.queueId)}` : ''} · ${c.callState}` : '';
  const t = a?.today;
  $('#today').textContent = t ? `Today: ${t.callsHandled} calls · talk ${duration(t.talkTimeMillis)} · not ready ${duration(t.notReadyTimeMillis)}`
    + (a.hotelingGuest ? ` · guest at ${a.hotelingGuest}` : '') : '';

  const warning = $('#stale-warning');
  const why = !live ? 'not connected to ctistream' : freshness !== 'LIVE' ? `link to the phone system: ${a?.link ?? 'UNKNOWN'}` : state === 'UNKNOWN' ? 'the phone system has not said' : '';
  warning.hidden = !a || !why;
  warning.textContent = `Your state cannot be confirmed right now (${why}). What you see may be out of date.`;

  // other buttons stay usable while a command is pending: the new state may arrive before the result
  const ok = allowed(state), usable = live && !!agentId;
  for (const id of BUTTONS) $(`#${id}`).disabled = !(usable && ok[id] && !pending.has(id));
  $('#guest').disabled = $('#logon').disabled;
  $('#reason').disabled = $('#notready').disabled;
  $('#dnd').disabled = !(usable && state !== 'LOGGED_OUT' && !pending.has('dnd'));
  $('#dnd').checked = !!a?.dnd;
}

function tick() {
  $('#state-time').textContent = agent ? duration((client?.now() ?? Date.now()) - Date.parse(agent.stateSince)) : '';
}
setInterval(tick, 1000);

function say(status, text) {
  const m = $('#message');
  m.dataset.status = status;
  m.textContent = text;
}

const OUTCOME = { COMPLETED: 'Done', REJECTED: 'Rejected', TIMED_OUT: 'No answer in time', FAILED: 'Failed' };

/** Sends one command from control `id`, shows its progress, then the server's words for the outcome. */
async function run(id, label, command) {
  const mine = ++latest;
  const show = (status, text) => mine === latest && say(status, text);
  pending.add(id);
  render();
  show('pending', `${label}: sending…`);
  try {
    const r = await client.command(agentId, command, { onAccepted: () => show('pending', `${label}: waiting for the phone system…`) });
    show(r.status, `${OUTCOME[r.status] ?? r.status}: ${r.message || r.code || label}`);
  } catch (e) {
    show('ERROR', `${label} could not be sent: ${e.message}`);
  } finally {
    pending.delete(id);
    render();
  }
}

$('#logon').onclick = () => {
  const guest = $('#guest').value.trim();
  run('logon', 'Log on', { type: 'LogOn', initialState: 'NOT_READY', ...(guest && { guestAddress: guest }) });
};
$('#ready').onclick = () => run('ready', 'Ready', { type: 'SetState', state: 'READY' });
$('#notready').onclick = () => {
  const reasonCode = $('#reason').value;
  run('notready', 'Not ready', { type: 'SetState', state: 'NOT_READY', ...(reasonCode && { reasonCode }) });
};
$('#wrapup').onclick = () => run('wrapup', 'Wrap-up', { type: 'SetState', state: 'WRAP_UP' });
$('#logoff').onclick = () => run('logoff', 'Log off', { type: 'LogOff' });
$('#dnd').onchange = (e) => run('dnd', e.target.checked ? 'Do not disturb on' : 'Do not disturb off', { type: 'SetDnd', enabled: e.target.checked });

// a token pasted into the address bar of an open page: start over with it
addEventListener('hashchange', () => { if (/[#&]token=/.test(location.hash)) { takeToken(); location.reload(); } });

const initial = takeToken();
render();
if (initial) start(initial);
else {
  showStatus('unauthorized');
  askToken();
}
