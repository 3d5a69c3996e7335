// Tether's operator console: plain JavaScript over the admin API, no framework, no build step.
//
// Data flow: GET /connections fills the table; the event stream (GET /events, read with fetch so
// that the token stays in a header: EventSource cannot send one) updates a connection as soon as it
// changes state or ends an incarnation; a slow poll refreshes what has no event (bytes, RTT,
// listeners, cluster). Parts whose endpoint answers 404 (not clustered, or a server without that
// endpoint) stay hidden.
'use strict';

const POLL_MS = 5000;
const TOKEN_KEY = 'tether.admin.token';
const STATES = ['connecting', 'handshaking', 'open', 'closing', 'awaiting-peer-close', 'backoff', 'failed'];

// Each state and outcome kind gets a style class and a symbol, shown with its name: colour is never
// the only cue. Unknown names (a newer server) get the neutral style.
const STATE_STYLE = {
  connecting: ['busy', '◌'], handshaking: ['busy', '◌'], open: ['ok', '●'], closing: ['warn', '◐'],
  'awaiting-peer-close': ['warn', '◐'], backoff: ['warn', '↻'], failed: ['bad', '✗'], closed: ['neutral', '–'],
};
const OUTCOME_STYLE = {
  clean: ['ok', '✓'], 'close-sent': ['ok', '✓'], aborted: ['neutral', '■'],
  'close-timeout': ['warn', '⏱'], 'handshake-timeout': ['warn', '⏱'], 'connect-timeout': ['warn', '⏱'],
  'keepalive-timeout': ['warn', '⏱'], truncated: ['bad', '✗'], reset: ['bad', '✗'],
  'handshake-failed': ['bad', '✗'], 'connect-failed': ['bad', '✗'], 'node-lost': ['lost', '⚠'],
};
const JOURNAL_STYLE = {
  state: ['busy', '→'], outcome: ['neutral', '■'], 'keepalive-miss': ['warn', '?'], rtt: ['neutral', '⇄'],
  'reconnect-delay': ['warn', '↻'], admin: ['lost', '⚑'],
};

const $ = (id) => document.getElementById(id);

/** An element with a class and text, or child nodes. */
function el(tag, cls, ...children) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function badge(styles, name, title) {
  const [cls, symbol] = styles[name] || ['neutral', '•'];
  const b = el('span', 'badge ' + cls, symbol + ' ' + name);
  if (title) b.title = title;
  return b;
}

// ------------------------------------------------------------------ the API, with the token

/**
 * fetch() against the admin API. On 401 it asks for the token (one form, however many requests
 * were refused at once), keeps it in sessionStorage and tries again. The token only ever travels
 * in the Authorization header.
 */
async function api(path, init = {}) {
  for (;;) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = new Headers(init.headers);
    if (token) headers.set('Authorization', 'Bearer ' + token);
    const response = await fetch(path, { ...init, headers, cache: 'no-store', credentials: 'omit' });
    if (response.status !== 401) return response;
    if (sessionStorage.getItem(TOKEN_KEY) !== token) continue; // a newer token was entered meanwhile
    if (token) sessionStorage.removeItem(TOKEN_KEY);
    await askForToken(token ? 'That token was refused. Enter the right one.' : '');
  }
}

let tokenEntered = null; // the pending form's promise, shared by every request waiting for it

function askForToken(problem) {
  if (!tokenEntered) {
    tokenEntered = new Promise((resolve) => {
      const form = $('token-form');
      $('token-problem').textContent = problem;
      $('token-problem').hidden = !problem;
      form.hidden = false;
      $('token-input').focus();
      form.onsubmit = (event) => {
        event.preventDefault();
        sessionStorage.setItem(TOKEN_KEY, $('token-input').value);
        $('token-input').value = '';
        form.hidden = true;
        form.onsubmit = null;
        tokenEntered = null;
        $('forget-token').hidden = false;
        resolve();
      };
    });
  }
  return tokenEntered;
}

/** The JSON body of a response, or null when the endpoint is not there (404). */
async function getJson(path) {
  const r = await api(path);
  if (r.status === 404) return null;
  if (!r.ok) throw new Error(path + ': ' + (await errorText(r)));
  return r.json();
}

async function errorText(r) {
  try {
    const body = await r.json();
    return body.message || body.error || r.status;
  } catch (e) {
    return 'HTTP ' + r.status;
  }
}

function showError(text) {
  $('error').textContent = text || '';
  $('error').hidden = !text;
}

// ------------------------------------------------------------------ connections

/** id -> { view, removed, tr }. A removed connection stays listed, struck through, until cleared. */
const connections = new Map();
let selected = null;

async function refreshConnections() {
  const body = await getJson('/connections');
  if (!body) return;
  const seen = new Set();
  for (const view of body.connections) {
    seen.add(view.id);
    upsert(view);
  }
  // A connection that left the list was closed (here, by another client, or its listener stopped).
  // While some cluster members did not answer, their connections are merely unknown.
  if (!body.partial) for (const [id, c] of connections) if (!seen.has(id)) markRemoved(id, c.view.lastOutcome);
  $('partial').textContent = body.partial ? 'members not answering: ' + body.missing.join(', ') : '';
  $('partial').hidden = !body.partial;
  $('main').hidden = false;
  if (firstLoad && location.hash.length > 1) select(decodeURIComponent(location.hash.slice(1)));
  firstLoad = false;
  render();
}

let firstLoad = true; // then the connection named by the URL's fragment, if any, is opened

function upsert(view) {
  const c = connections.get(view.id);
  if (!c) {
    connections.set(view.id, { view, removed: false, tr: null });
  } else {
    if (changed(c.view, view)) c.flash = true;
    c.view = view;
    c.removed = false;
  }
}

function changed(a, b) {
  return a.state !== b.state || a.incarnation !== b.incarnation || JSON.stringify(a.lastOutcome) !== JSON.stringify(b.lastOutcome);
}

function markRemoved(id, outcome) {
  const c = connections.get(id);
  if (!c || c.removed) return;
  c.removed = true;
  c.flash = true;
  if (outcome) c.view = { ...c.view, lastOutcome: outcome };
}

// Events for a connection are followed by a GET of its whole view, batched: one GET per connection
// however many of its events arrive meanwhile, and a single GET /connections when many connections
// change at once (a restart, a failover).
const pending = new Set();
let pendingTimer = null;

function refreshSoon(id) {
  pending.add(id);
  if (pendingTimer) return;
  pendingTimer = setTimeout(async () => {
    const ids = [...pending];
    pending.clear();
    pendingTimer = null;
    try {
      if (ids.length > 10) await refreshConnections();
      else await Promise.all(ids.map(refreshOne));
      render();
      if (ids.includes(selected)) refreshJournal();
    } catch (e) {
      showError(e.message);
    }
  }, 250);
}

async function refreshOne(id) {
  const view = await getJson('/connections/' + encodeURIComponent(id));
  if (view) upsert(view); else markRemoved(id);
}

// ------------------------------------------------------------------ rendering

let renderQueued = false;

/** Renders at most once a frame. Rows are kept and updated in place, so a click never misses. */
function render() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderTable();
    renderDetails();
  });
}

function renderTable() {
  const stateFilter = $('filter-state').value;
  const directionFilter = $('filter-direction').value;
  const tbody = $('connections').tBodies[0];
  const ids = [...connections.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  let shown = 0;
  let position = 0;
  let anyNode = false;
  let anyBudget = false;
  for (const id of ids) {
    const c = connections.get(id);
    if (!c.tr) c.tr = newRow(id);
    const v = c.view;
    const visible = (!stateFilter || (!c.removed && v.state === stateFilter)) && (!directionFilter || v.direction === directionFilter);
    c.tr.hidden = !visible;
    if (visible) shown++;
    anyNode ||= !!v.node;
    anyBudget ||= v.maxFailures !== undefined;
    fillRow(c);
    // Into sorted order, moving only rows out of place: the elements themselves are kept.
    if (tbody.rows[position] !== c.tr) tbody.insertBefore(c.tr, tbody.rows[position] || null);
    position++;
  }
  $('connections').classList.toggle('no-node', !anyNode);
  $('connections').classList.toggle('no-budget', !anyBudget);
  $('no-connections').hidden = shown > 0;
  $('summary').textContent = summary();
}

const COLUMNS = ['id', 'direction', 'node', 'state', 'since', 'incarnation', 'remote', 'tls', 'cipher', 'peer',
  'in', 'out', 'rtt', 'budget', 'outcome'];

function newRow(id) {
  const tr = el('tr');
  tr.dataset.id = id;
  for (const name of COLUMNS) tr.append(el('td', name));
  const open = el('button', 'link', id);
  open.type = 'button';
  open.onclick = () => select(id);
  tr.cells[0].append(open);
  for (const i of [5, 10, 11, 12]) tr.cells[i].classList.add('num');
  tr.addEventListener('animationend', () => tr.classList.remove('changed'));
  return tr;
}

function fillRow(c) {
  const v = c.view;
  const cells = c.tr.cells;
  const tls = v.tls || {};
  c.tr.classList.toggle('removed', c.removed);
  c.tr.classList.toggle('selected', v.id === selected);
  if (c.flash) {
    c.flash = false;
    c.tr.classList.remove('changed');
    void c.tr.offsetWidth; // restarts the animation
    c.tr.classList.add('changed');
  }
  setText(cells[1], v.direction);
  setText(cells[2], v.node || '');
  setNode(cells[3], c.removed ? 'closed' : v.state, () => badge(STATE_STYLE, c.removed ? 'closed' : v.state));
  setText(cells[4], c.removed ? '' : ago(v.stateSince)).title = v.stateSince || '';
  setText(cells[5], v.incarnation);
  setText(cells[6], v.remote);
  setText(cells[7], tls.protocol || '');
  setText(cells[8], tls.cipherSuite || '');
  setText(cells[9], tls.peerSubject || '').title = tls.peerSubject || '';
  setText(cells[10], bytes(v.bytesIn));
  setText(cells[11], bytes(v.bytesOut));
  setText(cells[12], v.lastPingRttMillis == null ? '' : v.lastPingRttMillis + ' ms');
  setText(cells[13], v.maxFailures === undefined ? '' : v.failuresInWindow + ' / ' + v.maxFailures + ' in ' + v.failureWindow);
  setOutcome(cells[14], v.lastOutcome);
}

function setText(td, text) {
  const s = String(text ?? '');
  if (td.textContent !== s) td.textContent = s;
  return td;
}

/** Replaces a cell's content only when its key changed. */
function setNode(td, key, make) {
  if (td.dataset.key !== key) {
    td.dataset.key = key;
    td.replaceChildren(make());
  }
}

function setOutcome(td, o) {
  const key = o ? o.kind + o.at : '';
  setNode(td, key, () => o ? outcomeNode(o) : document.createTextNode(''));
}

function outcomeNode(o) {
  const at = new Date(o.at);
  return el('span', null, badge(OUTCOME_STYLE, o.kind, o.detail), ' ' + o.initiator + ' at ' + at.toLocaleTimeString());
}

function summary() {
  const counts = {};
  for (const c of connections.values()) if (!c.removed) counts[c.view.state] = (counts[c.view.state] || 0) + 1;
  return Object.entries(counts).map(([s, n]) => n + ' ' + s).join(', ');
}

function ago(iso) {
  if (!iso) return '';
  let s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return s + 's';
  const m = Math.floor(s / 60);
  if (m < 60) return m + 'm ' + (s % 60) + 's';
  const h = Math.floor(m / 60);
  return h < 48 ? h + 'h ' + (m % 60) + 'm' : Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
}

function bytes(n) {
  if (n == null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

// ------------------------------------------------------------------ one connection: details, journal, actions

function select(id) {
  selected = id;
  history.replaceState(null, '', '#' + encodeURIComponent(id)); // a link to this connection
  $('d-id').textContent = id;
  $('d-result').textContent = '';
  $('details').hidden = false;
  $('d-journal').tBodies[0].replaceChildren();
  render();
  refreshJournal();
}

function renderDetails() {
  const c = selected && connections.get(selected);
  if (!c) return;
  const v = c.view;
  $('d-close').disabled = c.removed;
  $('d-reconnect').hidden = v.direction === 'inbound'; // a client reconnects by itself
  $('d-reconnect').disabled = c.removed;
  const fields = $('d-fields');
  fields.replaceChildren();
  if (c.removed) fields.append(el('dt', null, 'closed'), el('dd', 'problem', 'no longer managed; below is its last known view'));
  for (const [k, value] of Object.entries(v)) {
    if (k === 'history') continue;
    fields.append(el('dt', null, k), el('dd', null, value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value)));
  }
  const history = Array.isArray(v.history) ? v.history : (v.lastOutcome ? [v.lastOutcome] : []);
  $('d-history-part').hidden = history.length === 0;
  $('d-history').tBodies[0].replaceChildren(...history.slice().reverse().map((o) => el('tr', null,
    el('td', 'num', o.incarnation ?? ''), el('td', null, badge(OUTCOME_STYLE, o.kind)), el('td', null, o.initiator),
    el('td', null, o.at), el('td', 'wrap', o.detail))));
}

async function refreshJournal() {
  const id = selected;
  if (!id) return;
  try {
    const journal = await getJson('/connections/' + encodeURIComponent(id) + '/journal');
    if (id !== selected) return;
    // 404: this server has no journal endpoint, or the connection is gone: hide the part.
    $('d-journal-part').hidden = !journal;
    if (!journal) return;
    $('d-journal-capacity').textContent = '(last ' + journal.events.length + ' of at most ' + journal.capacity + ')';
    $('d-journal').tBodies[0].replaceChildren(...journal.events.slice().reverse().map(journalRow));
  } catch (e) {
    showError(e.message);
  }
}

function journalRow(e) {
  const { at, incarnation, type, ...rest } = e;
  const kind = type === 'outcome' ? (rest.kind || (rest.outcome && rest.outcome.kind)) : null;
  const details = Object.entries(rest).map(([k, v]) => k + '=' + (v !== null && typeof v === 'object' ? JSON.stringify(v) : v)).join(' ');
  return el('tr', null, el('td', null, at), el('td', 'num', incarnation ?? ''),
    el('td', null, kind ? badge(OUTCOME_STYLE, kind) : badge(JOURNAL_STYLE, type)), el('td', 'wrap', details));
}

async function closeSelected() {
  const id = selected;
  const mode = $('d-mode').value;
  $('d-result').textContent = 'closing…';
  $('d-close').disabled = true;
  try {
    const r = await api('/connections/' + encodeURIComponent(id) + (mode ? '?mode=' + encodeURIComponent(mode) : ''),
      { method: 'DELETE' });
    if (r.ok) {
      const body = await r.json();
      markRemoved(id, body.outcome);
      $('d-result').replaceChildren('closed: ', badge(OUTCOME_STYLE, body.outcome.kind, body.outcome.detail));
    } else {
      if (r.status === 404) markRemoved(id);
      $('d-result').textContent = 'not closed: ' + (await errorText(r));
    }
  } catch (e) {
    $('d-result').textContent = 'not closed: ' + e.message;
  }
  render();
  refreshJournal();
}

async function reconnectSelected() {
  const id = selected;
  $('d-result').textContent = 'reconnecting…';
  try {
    const r = await api('/connections/' + encodeURIComponent(id) + '/reconnect', { method: 'POST' });
    if (r.ok) {
      const view = await r.json();
      upsert(view);
      $('d-result').textContent = 'reconnect requested (incarnation ' + view.incarnation + ')';
    } else {
      $('d-result').textContent = 'not reconnected: ' + (await errorText(r));
    }
  } catch (e) {
    $('d-result').textContent = 'not reconnected: ' + e.message;
  }
  render();
}

// ------------------------------------------------------------------ listeners, cluster, TLS profiles

async function refreshListeners() {
  const body = await getJson('/listeners');
  $('listeners-part').hidden = !body || body.listeners.length === 0;
  if (!body) return;
  $('listeners').tBodies[0].replaceChildren(...body.listeners.map((l) => el('tr', null,
    el('td', null, l.name), el('td', null, l.interface + ':' + l.port),
    el('td', null, l.bound ? el('span', 'badge ok', '● bound') : el('span', 'badge bad', '✗ not bound')),
    el('td', null, l.tlsProfile), el('td', null, l.clientAuth), el('td', null, l.handler),
    el('td', 'num', l.openConnections + ' / ' + l.maxConnections), el('td', 'num', l.acceptedTotal),
    el('td', 'num', l.rejectedTotal), el('td', 'wrap problem', l.problem || ''))));
}

async function refreshCluster() {
  const body = await getJson('/cluster'); // 404 while cluster mode is off
  $('cluster-part').hidden = !body;
  if (!body) return;
  $('cluster-self').textContent = '(this node: ' + body.self + ')';
  $('cluster').tBodies[0].replaceChildren(...body.members.map((m) => el('tr', null,
    el('td', null, m.node),
    el('td', null, el('span', 'badge ' + (m.status === 'up' ? 'ok' : 'warn'), m.status)),
    el('td', null, m.reachable ? el('span', 'badge ok', '✓ reachable') : el('span', 'badge bad', '✗ unreachable')),
    el('td', null, m.roles.join(', ')),
    el('td', null, m.connections ? m.connections.total + ' (' + Object.entries(m.connections.byState)
      .map(([s, n]) => n + ' ' + s).join(', ') + ')' : 'did not answer'))));
}

/** GET /tls-profiles, shown generically: one column per field the server gives. */
async function refreshProfiles() {
  const body = await getJson('/tls-profiles');
  const profiles = body && (Array.isArray(body) ? body : body.profiles || body.tlsProfiles || []);
  $('profiles-part').hidden = !profiles || profiles.length === 0;
  if (!profiles) return;
  const keys = [...new Set(profiles.flatMap((p) => Object.keys(p)))];
  $('profiles').tHead.replaceChildren(el('tr', null, ...keys.map((k) => el('th', null, k))));
  $('profiles').tBodies[0].replaceChildren(...profiles.map((p) => el('tr', null, ...keys.map((k) =>
    el('td', 'wrap', p[k] !== null && typeof p[k] === 'object' ? JSON.stringify(p[k]) : String(p[k] ?? ''))))));
}

async function poll() {
  if (document.hidden) return;
  const results = await Promise.allSettled([refreshConnections(), refreshListeners(), refreshCluster(), refreshProfiles()]);
  const failed = results.find((r) => r.status === 'rejected');
  showError(failed ? 'Cannot read the admin API: ' + failed.reason.message : '');
}

// ------------------------------------------------------------------ the event stream

function setStream(live, text) {
  $('stream').className = 'badge ' + (live ? 'ok' : 'warn');
  $('stream').textContent = text;
}

/** GET /events through fetch (the token in a header), reconnecting with a growing delay. */
async function followEvents() {
  let delay = 1000;
  for (;;) {
    try {
      const r = await api('/events', { headers: { Accept: 'text/event-stream' } });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      setStream(true, '● live');
      delay = 1000;
      poll(); // catch up with whatever happened while the stream was down
      await readEvents(r.body, onEvent);
    } catch (e) {
      // fall through: reconnect
    }
    setStream(false, '↻ reconnecting…');
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 15000);
  }
}

/** Parses a text/event-stream body; calls handle(type, data) per event. */
async function readEvents(body, handle) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let type = '';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (data.length) handle(type || 'message', data.join('\n'));
        type = '';
        data = [];
      } else if (!line.startsWith(':')) { // ':' starts a comment: the heartbeat
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') type = value;
        else if (field === 'data') data.push(value);
      }
    }
  }
}

function onEvent(type, data) {
  let e;
  try {
    e = JSON.parse(data);
  } catch (err) {
    return;
  }
  const c = connections.get(e.id);
  if (type === 'state' && c && !c.removed) {
    // A new incarnation has no TLS until it is open; the event carries it from open on.
    const tls = e.tls || (e.incarnation === c.view.incarnation ? c.view.tls : null);
    c.view = { ...c.view, state: e.state, stateSince: e.at, incarnation: e.incarnation, tls };
    c.flash = true;
  } else if (type === 'outcome' && c) {
    c.view = { ...c.view, lastOutcome: e.outcome };
    c.flash = true;
  }
  render();
  // The event says what changed; counters come with the slow poll. Only a connection new to this
  // page (or one shown as removed and now back) is fetched, once, for the rest of its row.
  if (!c || c.removed) refreshSoon(e.id);
  else if (e.id === selected) refreshJournal();
}

// ------------------------------------------------------------------ start

function start() {
  for (const s of STATES) $('filter-state').append(el('option', null, s));
  $('filter-state').onchange = render;
  $('filter-direction').onchange = render;
  $('clear-removed').onclick = () => {
    for (const [id, c] of connections) if (c.removed) { c.tr?.remove(); connections.delete(id); }
    render();
  };
  $('d-close').onclick = closeSelected;
  $('d-reconnect').onclick = reconnectSelected;
  $('d-hide').onclick = () => {
    selected = null;
    $('details').hidden = true;
    history.replaceState(null, '', location.pathname);
    render();
  };
  $('forget-token').hidden = !sessionStorage.getItem(TOKEN_KEY);
  $('forget-token').onclick = () => { sessionStorage.removeItem(TOKEN_KEY); location.reload(); };
  followEvents();
  setInterval(poll, POLL_MS);
  setInterval(render, 1000); // the "since" column
}

start();
