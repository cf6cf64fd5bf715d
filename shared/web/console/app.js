// The console's entry: sign-in, the router and the keyboard.
//
// Routes (all under /app, so a link can be bookmarked, shared in the team and reloaded):
//   /app                              positions
//   /app/positions/new                a new position
//   /app/positions/{id}               its candidates
//   /app/positions/{id}/edit          edit it
//   /app/interviews/{id}              one interview
//   /app/settings                     API keys and webhooks
//
// A screen module exports `render(context)`. It fills `context.view` and may answer an object
// with `onKey(event)` (shortcuts while it shows; called only when no text field has focus and
// no modifier is held) and `leave()` (stop timers, pause players). The context:
//   view       the element to fill (emptied before)
//   params     the route's parameters ({id})
//   query      URLSearchParams of the URL (filters live there, so they survive reload)
//   session    {label, keyId, team, tenantId}: who is signed in
//   navigate   (path, {replace}) => goes to another screen
//   setTitle   (text) => the document title
//   shared     an object kept across screens (e.g. the candidate order for j/k)

import { api, ApiError, describe, endsSession, forgetKey, storedKey, storeKey, SIGNED_OUT_EVENT } from './api.js';
import { errorBox, h, showError, typing } from './ui.js';
import * as positions from './positions.js';
import * as candidates from './candidates.js';
import * as interview from './interview.js';
import * as settings from './settings.js';

const ROUTES = [
  { pattern: /^\/app\/?$/, screen: 'positions', nav: 'positions', render: positions.renderList },
  { pattern: /^\/app\/positions\/new$/, screen: 'position-edit', nav: 'positions', render: positions.renderEditor },
  { pattern: /^\/app\/positions\/(?<id>[^/]+)\/edit$/, screen: 'position-edit', nav: 'positions', render: positions.renderEditor },
  { pattern: /^\/app\/positions\/(?<id>[^/]+)$/, screen: 'candidates', nav: 'positions', render: candidates.render },
  { pattern: /^\/app\/interviews\/(?<id>[^/]+)$/, screen: 'interview', nav: 'positions', render: interview.render },
  { pattern: /^\/app\/settings$/, screen: 'settings', nav: 'settings', render: settings.render },
];

const state = { session: null, current: null, shared: {}, generation: 0 };

const $ = (id) => document.getElementById(id);

function showOnly(id) {
  for (const screen of ['screen-loading', 'screen-sign-in', 'view']) $(screen).hidden = screen !== id;
}

async function signIn(key) {
  const me = await api('GET', '/v1/me', undefined, { key });
  storeKey(key);
  state.session = { label: me.key.label, keyId: me.key.keyId, team: me.tenant.name, tenantId: me.tenant.id };
  $('whoami-label').textContent = state.session.label;
  $('whoami-team').textContent = state.session.team;
  $('topbar').hidden = false;
}

function signOut(message) {
  forgetKey();
  state.session = null;
  leaveCurrent();
  state.shared = {};
  $('topbar').hidden = true;
  $('view').replaceChildren();
  document.body.dataset.screen = 'sign-in';
  document.title = 'Sign in · Reelview';
  showOnly('screen-sign-in');
  showError($('sign-in-error'), message);
  $('api-key').value = '';
  $('sign-in-title').focus();
}

function leaveCurrent() {
  if (state.current && typeof state.current.leave === 'function') {
    try {
      state.current.leave();
    } catch {
      // A screen that fails to clean up must not keep the next one from showing.
    }
  }
  state.current = null;
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route();
}

async function route() {
  if (!state.session) return;
  const url = new URL(location.href);
  const match = ROUTES.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).find(({ m }) => m);
  leaveCurrent();
  const generation = ++state.generation;
  const view = $('view');
  view.replaceChildren();
  showOnly('view');
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (match && link.dataset.nav === match.r.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!match) {
    document.body.dataset.screen = 'not-found';
    view.append(h('section', { class: 'screen' }, h('h1', { tabindex: '-1' }, 'Page not found'),
      h('p', {}, h('a', { href: '/app', 'data-link': true }, 'Go to the positions'))));
    view.querySelector('h1').focus();
    return;
  }
  document.body.dataset.screen = `${match.r.screen}-loading`;
  const context = {
    view,
    params: match.m.groups || {},
    query: url.searchParams,
    session: state.session,
    navigate,
    setTitle: (text) => { document.title = `${text} · Reelview`; },
    shared: state.shared,
  };
  try {
    const screen = await match.r.render(context);
    if (generation !== state.generation) {
      if (screen && screen.leave) screen.leave();
      return;
    }
    state.current = screen || null;
    document.body.dataset.screen = match.r.screen;
    const heading = view.querySelector('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: false });
    }
  } catch (error) {
    if (generation !== state.generation) return;
    if (endsSession(error)) return;
    document.body.dataset.screen = 'error';
    view.replaceChildren(h('section', { class: 'screen' },
      h('h1', { tabindex: '-1' }, 'This page could not be shown'),
      errorBox(error, 'screen-error', { retry: () => route() }),
      h('p', {}, h('a', { href: '/app', 'data-link': true }, 'Go to the positions'))));
    view.querySelector('h1').focus();
    if (!(error instanceof ApiError)) console.error(error);
  }
}

// Links inside the app change the screen without reloading the page.
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-link]') : null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener('popstate', () => route());

document.addEventListener('keydown', (event) => {
  if (!state.current || typeof state.current.onKey !== 'function') return;
  if (event.metaKey || event.ctrlKey || event.altKey || typing(event)) return;
  if (document.querySelector('dialog[open]')) return;
  state.current.onKey(event);
});

// A refused key (revoked elsewhere, or by this person in settings) ends the session; the
// event's detail is the reason in words when the screen that raised it knows better.
window.addEventListener(SIGNED_OUT_EVENT, (event) => {
  if (!state.session) return;
  signOut(typeof event.detail === 'string'
    ? event.detail
    : 'Your API key is no longer accepted (it may have been revoked). Sign in with a valid key.');
});

async function start() {
  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = $('api-key').value.trim();
    const error = $('sign-in-error');
    if (!key) {
      showError(error, 'Enter your API key.');
      $('api-key').focus();
      return;
    }
    const submit = $('sign-in-submit');
    submit.disabled = true;
    try {
      await signIn(key);
      showError(error, null);
      route();
    } catch (e) {
      forgetKey();
      const refused = e instanceof ApiError && (e.status === 401 || e.status === 403);
      showError(error, refused ? 'This API key is not valid. Check it and try again.' : e);
      $('api-key').focus();
    } finally {
      submit.disabled = false;
    }
  });
  $('sign-out').addEventListener('click', () => {
    signOut(null);
    history.pushState(null, '', '/app');
  });

  const key = storedKey();
  if (!key) {
    signOut(null);
    return;
  }
  try {
    await signIn(key);
    route();
  } catch (e) {
    signOut(e instanceof ApiError && e.status !== 401 && e.status !== 403 ? describe(e) : null);
  }
}

start();
