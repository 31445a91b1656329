// Break-glass page. Plain DOM, no framework, no third-party code (the CSP allows only this file).
// Every value from the server or the user is written with textContent, never as HTML.
'use strict';

(function () {
  const API = '/breakglass/requests';
  const KEY = 'agent-broker.breakglass.jwt';
  let me = null;
  // 'oidc' (SSO session cookie + CSRF token), 'pasted-token' (dev demo only) or 'none'.
  let mode = null;
  // The session's CSRF token: kept in this script's memory only, sent in every state change.
  let csrf = null;

  const $ = (id) => document.getElementById(id);

  function jwt() {
    return sessionStorage.getItem(KEY) || '';
  }

  function say(text, ok) {
    const m = $('message');
    m.textContent = text;
    m.className = ok ? 'ok' : 'error';
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    if (cls) {
      e.className = cls;
    }
    return e;
  }

  async function call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (mode === 'pasted-token') {
      headers.Authorization = 'Bearer ' + jwt();
    }
    const init = {
      method: method,
      headers: headers,
      cache: 'no-store',
      credentials: mode === 'oidc' ? 'same-origin' : 'omit',
    };
    if (body !== undefined) {
      if (mode === 'oidc') {
        body.csrf_token = csrf;
      }
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    let data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (!res.ok) {
      const code = data && data.code ? data.code : 'http_' + res.status;
      const detail = data && data.detail ? data.detail : res.statusText;
      const violations = data && data.violations
        ? ' (' + data.violations.map((v) => v.field + ': ' + v.message).join('; ') + ')'
        : '';
      const err = new Error(code + ': ' + detail + violations);
      err.code = code;
      throw err;
    }
    return data;
  }

  function person(p) {
    return p ? p.sub + ' (' + p.iss + ')' : '';
  }

  function isMe(p) {
    return me && p && p.iss === me.iss && p.sub === me.sub;
  }

  function what(g) {
    if (g.kind === 'installation-token') {
      const perms = Object.keys(g.permissions || {}).map((k) => k + ':' + g.permissions[k]);
      return 'installation token for ' + g.owner + ' [' + perms.join(', ') + ']';
    }
    return 'verb ' + g.verb + ' ' + JSON.stringify(g.params);
  }

  function when(t) {
    return t ? new Date(t).toLocaleString() : '';
  }

  function button(text, cls, onClick) {
    const b = el('button', text, cls);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  function actions(g) {
    const td = el('td', null, 'actions');
    if (g.state === 'pending' && !isMe(g.requester)) {
      td.appendChild(button('Approve', 'approve', () => step(g.id, 'approve')));
      const reason = el('input', null, 'deny-reason');
      reason.type = 'text';
      reason.placeholder = 'reason to deny';
      td.appendChild(reason);
      td.appendChild(button('Deny', 'deny', () => deny(g.id, reason.value)));
    } else if (g.state === 'pending') {
      td.appendChild(el('span', 'waiting for another human', 'waiting'));
      td.appendChild(button('Withdraw', 'deny', () => deny(g.id, 'withdrawn by requester')));
    } else if (g.state === 'approved' && isMe(g.requester)) {
      td.appendChild(button('Use (once)', 'use', () => use(g.id)));
    } else if (g.state === 'approved') {
      td.appendChild(el('span', 'approved; only the requester can use it'));
    }
    return td;
  }

  function renderOpen(list) {
    const body = $('open-body');
    body.replaceChildren();
    for (const g of list) {
      const tr = el('tr');
      tr.dataset.id = g.id;
      tr.dataset.state = g.state;
      tr.appendChild(el('td', when(g.requested_at)));
      tr.appendChild(el('td', person(g.requester)));
      tr.appendChild(el('td', what(g)));
      tr.appendChild(el('td', g.justification, 'justification'));
      tr.appendChild(el('td', g.duration_minutes + ' min'));
      tr.appendChild(el('td', g.state, 'state'));
      tr.appendChild(el('td', when(g.state === 'pending' ? g.pending_until : g.usable_until)));
      tr.appendChild(actions(g));
      body.appendChild(tr);
    }
  }

  function renderHistory(list) {
    const body = $('history-body');
    body.replaceChildren();
    for (const g of list) {
      const tr = el('tr');
      tr.dataset.id = g.id;
      tr.dataset.state = g.state;
      tr.appendChild(el('td', when(g.requested_at)));
      tr.appendChild(el('td', person(g.requester)));
      tr.appendChild(el('td', what(g)));
      tr.appendChild(el('td', g.justification, 'justification'));
      tr.appendChild(el('td', g.state, 'state'));
      tr.appendChild(el('td', person(g.decided_by)));
      const note = [g.note, g.result, g.token_sha256 ? 'sha256 ' + g.token_sha256 : null]
        .filter((x) => x)
        .join(' · ');
      tr.appendChild(el('td', note));
      body.appendChild(tr);
    }
  }

  async function loadSession() {
    const res = await fetch('/breakglass/session', {
      cache: 'no-store',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    const s = await res.json();
    mode = s.sign_in;
    csrf = s.signed_in ? s.csrf_token : null;
    $('sso-auth').hidden = mode !== 'oidc';
    $('paste-auth').hidden = mode !== 'pasted-token';
    $('no-signin').hidden = mode !== 'none';
    $('sso-signin').hidden = mode === 'oidc' && s.signed_in;
    $('sso-signout').hidden = !(mode === 'oidc' && s.signed_in);
    return s;
  }

  function signedIn() {
    return mode === 'oidc' ? csrf !== null : mode === 'pasted-token' && jwt() !== '';
  }

  async function refresh() {
    if (!signedIn()) {
      $('whoami').textContent = 'not signed in';
      $('open-body').replaceChildren();
      $('history-body').replaceChildren();
      return;
    }
    try {
      const data = await call('GET', API);
      me = data.me;
      $('whoami').textContent = 'signed in as ' + person(me);
      renderOpen(data.open);
      renderHistory(data.history);
    } catch (e) {
      $('whoami').textContent = 'not signed in';
      say(e.message, false);
    }
  }

  async function step(id, verb) {
    try {
      await call('POST', API + '/' + encodeURIComponent(id) + '/' + verb, { id: id });
      say(verb + ': done', true);
    } catch (e) {
      say(e.message, false);
    }
    await refresh();
  }

  async function deny(id, reason) {
    try {
      await call('POST', API + '/' + encodeURIComponent(id) + '/deny', { id: id, reason: reason });
      say('denied', true);
    } catch (e) {
      say(e.message, false);
    }
    await refresh();
  }

  async function use(id) {
    try {
      const data = await call('POST', API + '/' + encodeURIComponent(id) + '/use', { id: id });
      if (data.token) {
        $('token-once').textContent = data.token.token;
        $('token-expires').textContent = when(data.token.expires_at);
        $('token-panel').hidden = false;
        say('token issued: copy it now', true);
      } else {
        say('verb performed: ' + (data.verb_result ? data.verb_result.status : ''), true);
      }
    } catch (e) {
      say(e.message, false);
    }
    await refresh();
  }

  async function submit() {
    const kind = $('kind').value;
    const body = {
      kind: kind,
      justification: $('justification').value,
      duration_minutes: Number($('duration').value),
    };
    try {
      if (kind === 'installation-token') {
        body.owner = $('owner').value.trim();
        body.permissions = {};
        for (const part of $('permissions').value.split(',')) {
          const [name, level] = part.split(':').map((s) => (s || '').trim());
          if (name) {
            body.permissions[name] = level || '';
          }
        }
      } else {
        body.verb = $('verb').value.trim();
        body.params = JSON.parse($('params').value || '{}');
      }
      const g = await call('POST', API, body);
      say('requested ' + g.id + ': another human must approve it', true);
      $('justification').value = '';
    } catch (e) {
      say(e.message, false);
    }
    await refresh();
  }

  function showKind() {
    const token = $('kind').value === 'installation-token';
    for (const e of document.querySelectorAll('.for-token')) {
      e.classList.toggle('hidden', !token);
    }
    for (const e of document.querySelectorAll('.for-verb')) {
      e.classList.toggle('hidden', token);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('signin').addEventListener('click', () => {
      sessionStorage.setItem(KEY, $('jwt').value.trim());
      $('jwt').value = '';
      $('token-panel').hidden = true;
      $('token-once').textContent = '';
      say('', true);
      refresh();
    });
    $('signout').addEventListener('click', () => {
      sessionStorage.removeItem(KEY);
      me = null;
      $('open-body').replaceChildren();
      $('history-body').replaceChildren();
      $('token-panel').hidden = true;
      $('token-once').textContent = '';
      refresh();
    });
    $('sso-signout').addEventListener('click', async () => {
      try {
        await call('POST', '/breakglass/signout', {});
      } catch (e) {
        say(e.message, false);
      }
      me = null;
      $('token-panel').hidden = true;
      $('token-once').textContent = '';
      await loadSession();
      refresh();
    });
    $('refresh').addEventListener('click', refresh);
    $('submit-request').addEventListener('click', submit);
    $('kind').addEventListener('change', showKind);
    showKind();
    const failure = /^#signin-error=([a-z_]+)$/.exec(window.location.hash);
    if (failure) {
      say('sign-in failed: ' + failure[1], false);
      history.replaceState(null, '', window.location.pathname);
    }
    loadSession()
      .then(refresh)
      .catch((e) => say('cannot reach the broker: ' + e.message, false));
  });
})();
