// What both pages share: the token (from the URL fragment, kept in this tab only), the connection
// indicator, notices, and formatting. Plain ES module, no build step.
export const $ = (selector) => document.querySelector(selector);
export const TOKEN_KEY = 'ctistream.token';
export const STATUS_TEXT = { connecting: 'connecting…', live: 'live', offline: 'offline, reconnecting…', unauthorized: 'unauthorized' };
export const store = (token) => { try { token ? sessionStorage.setItem(TOKEN_KEY, token) : sessionStorage.removeItem(TOKEN_KEY); } catch { /* storage off */ } };

/** The token from `#token=…` (then removed from the address bar), else from this tab's sessionStorage. */
export function takeToken() {
  const m = /[#&]token=([^&]+)/.exec(location.hash);
  if (m) {
    store(decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  try { return sessionStorage.getItem(TOKEN_KEY); } catch { return null; }
}

/** The token's claims, read (not verified) for fallbacks; the token itself is never shown. */
export function claims(token) {
  try { return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))); } catch { return {}; }
}

export function askToken(message = '') {
  $('#token-error').textContent = message;
  $('#token-form').hidden = false;
  $('#token-input').focus();
}

export function showStatus(status) {
  const el = $('#connection');
  el.dataset.state = status;
  el.textContent = STATUS_TEXT[status];
  document.body.classList.toggle('offline', status !== 'live');
}

/** While the engine is SILENT nothing shown can be vouched for: the page greys as when offline, and says why. */
export function showEngine(state) {
  const silent = state === 'SILENT';
  document.body.classList.toggle('engine-silent', silent);
  $('#engine').hidden = !silent;
}

export function notice(text) {
  $('#notice').textContent = text;
  $('#notice').hidden = !text;
}

export const short = (id) => (id ? id.slice(id.lastIndexOf('/') + 1) : '');
export const pad = (n) => String(n).padStart(2, '0');
/** mm:ss, or h:mm:ss from an hour on; '—' when unknown. */
export function duration(ms) {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.floor(ms / 1000)), h = Math.floor(s / 3600);
  return (h ? `${h}:` : '') + `${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** A token pasted into the form that {@link askToken} shows goes to `start`. */
export function onTokenSubmit(start) {
  $('#token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const value = $('#token-input').value.trim();
    $('#token-input').value = '';
    if (value) start(value);
  });
}

/** The connection indicator; once the client is `unauthorized`, the kept token is dropped and a new one asked for. */
export function connectionStatus(status, authError) {
  showStatus(status);
  if (status === 'unauthorized') {
    store(null);
    askToken(authError || 'Your token was refused or has expired. Paste a new one.');
  }
}
