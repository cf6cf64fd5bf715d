// The settings screen (/app/settings): the team's API keys, its webhooks, how long it keeps
// interviews and erasing one candidate's data.
//
// Secrets (a new API key, a webhook's signing secret) exist in exactly one API answer, so the
// screen shows each in a dialog that says so and offers to copy it, and keeps it nowhere else.
// Everything else is read back from the API after a change, so what shows is what is stored.

import { api, ApiError, endsSession, SIGNED_OUT_EVENT } from './api.js';
import { h, replace, toast, showError, errorSlot, busy, confirmDialog, openDialog, copyField, FieldErrors, cell, emptyValue } from './ui.js';
import { dateTime, plural, timeElement } from './format.js';

/** The events a webhook can subscribe to (SubscribableEventType), in the API's order. */
const EVENTS = [
  ['interview.created', 'Interview created', 'A candidate was invited or applied.'],
  ['interview.started', 'Interview started', 'The candidate opened the link for the first time.'],
  ['interview.completed', 'Interview completed', 'The candidate submitted every answer.'],
  ['interview.answer_deleted', 'Answer deleted', 'An answer was deleted so the candidate can answer again.'],
  ['interview.stage_changed', 'Stage changed', 'The interview moved to another stage.'],
  ['interview.score_updated', 'Score updated', 'The score was set or cleared.'],
  ['interview.expired', 'Interview expired', 'The deadline passed.'],
  ['interview.deleted', 'Interview deleted', 'The interview was deleted.'],
  ['email.bounced', 'Email bounced', 'An email to the candidate bounced.'],
];
const EVENT_LABEL = Object.fromEntries([...EVENTS.map(([type, label]) => [type, label]), ['ping', 'Test ping']]);
const MAX_WEBHOOKS = 20;
const DELIVERY = {
  pending: { label: 'Pending', tone: 'warn' },
  delivered: { label: 'Delivered', tone: 'ok' },
  failed: { label: 'Failed', tone: 'danger' },
};
// How long "Send test" and "Retry" watch the log for the attempt's outcome; a receiver may
// take up to 10 s to answer before the attempt counts as failed.
const FOLLOW_MS = 25000;
const FOLLOW_EVERY_MS = 700;

const hook = (id) => `/v1/webhooks/${encodeURIComponent(id)}`;

export async function render(context) {
  context.setTitle('Settings');
  const [keyList, webhookList, team] = await Promise.all([api('GET', '/v1/api-keys'), api('GET', '/v1/webhooks'), api('GET', '/v1/tenant')]);

  const timers = new Set();
  let alive = true;
  const pause = (ms) => new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });

  const keys = apiKeysSection(context, keyList.items);
  const webhooks = webhooksSection(webhookList.items, { pause, isAlive: () => alive });

  context.view.append(h('section', { class: 'screen settings' },
    h('div', { class: 'page-header' },
      h('div', {},
        h('h1', {}, 'Settings'),
        h('p', { class: 'lead' }, 'The API keys of ', h('bdi', {}, context.session.team), ', the webhooks that tell your other systems what happens, how long interviews are kept, and erasing a candidate’s data.'))),
    keys,
    webhooks,
    retentionSection(team),
    erasureSection(context)));

  return {
    leave() {
      alive = false;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

// ---- API keys --------------------------------------------------------------------------------

function apiKeysSection(context, initialKeys) {
  let keys = initialKeys;
  const self = context.session.keyId;

  const labelInput = h('input', { type: 'text', id: 'key-label', name: 'label', maxlength: '100', autocomplete: 'off', spellcheck: 'false', required: true });
  const errors = new FieldErrors();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'key-create-submit' }, 'Create key');
  const formError = errorSlot('key-create-error', { tabindex: '-1' });
  const form = h('form', { class: 'card settings-key-create', id: 'key-create', novalidate: true, 'aria-labelledby': 'key-create-title' },
    h('h3', { id: 'key-create-title' }, 'New key'),
    h('div', { class: 'settings-inline' },
      errors.field('label', 'Label', labelInput, 'Who or what uses the key, e.g. “Ana (recruiter)” or “ATS sync”. It signs the comments written with the key.'),
      h('div', { class: 'settings-inline-action' }, submit)),
    formError);

  const listError = errorSlot('keys-error');
  const tbody = h('tbody', {});
  const table = h('div', { class: 'table-wrap' },
    h('table', { id: 'keys-table', class: 'stack-table' },
      h('caption', { class: 'visually-hidden' }, 'The team’s API keys'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Label'),
        h('th', { scope: 'col' }, 'Key'),
        h('th', { scope: 'col' }, 'Created'),
        h('th', { scope: 'col' }, 'Last used'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      tbody));
  const heading = h('h2', { id: 'keys-title', tabindex: '-1' }, 'API keys');

  function row(key) {
    const you = key.keyId === self;
    const revoke = h('button', {
      type: 'button',
      class: 'btn btn-small btn-danger',
      id: `key-revoke-${key.keyId}`,
      'aria-label': `Revoke the key “${key.label}”`,
      onclick: () => revokeKey(key, revoke),
    }, 'Revoke');
    return h('tr', { dataset: { keyId: key.keyId }, class: you ? 'settings-key-you' : '' },
      cell('Label', {}, h('bdi', { class: 'settings-key-label' }, key.label),
        you ? [' ', h('span', { class: 'badge badge-ok', id: 'key-you' }, 'This is you')] : null),
      cell('Key', {}, h('code', {}, `${key.prefix}…`)),
      cell('Created', {}, timeElement(key.createdAt)),
      cell('Last used', {}, key.lastUsedAt ? timeElement(key.lastUsedAt) : h('span', { class: 'muted' }, 'Never')),
      h('td', { class: 'settings-cell-action' }, revoke));
  }

  function draw() {
    replace(tbody, keys.map(row));
  }

  async function reload() {
    keys = (await api('GET', '/v1/api-keys')).items;
    draw();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    showError(formError, null);
    await busy(submit, 'Creating…', async () => {
      try {
        const created = await api('POST', '/v1/api-keys', { label: labelInput.value });
        labelInput.value = '';
        await reload().catch(() => {
          // The key exists; a failed re-read only leaves it out of the list until the next load.
          keys = [...keys, created];
          draw();
        });
        showNewKey(created, labelInput);
      } catch (error) {
        if (endsSession(error)) return;
        if (!errors.report(error, formError)) formError.focus();
      }
    });
  });

  async function revokeKey(key, button) {
    const you = key.keyId === self;
    const last = keys.length === 1;
    const body = [
      h('p', {}, 'Revoke the key ', h('strong', {}, h('bdi', {}, key.label)), ' (', h('code', {}, `${key.prefix}…`), ')?'),
      h('p', {}, 'Every request made with this key will be refused from now on. This cannot be undone: whoever uses it will need a new key. Comments written with it keep its label, but nobody can delete them any more.'),
    ];
    if (you) body.push(h('p', { class: 'notice notice-warn' }, 'This is the key you are signed in with: you will be signed out of the console at once.'));
    if (last) body.push(h('p', { class: 'notice notice-error' }, 'It is the team’s last key. Without a key nobody can use the console or the API for this team, and no route can issue a new one.'));
    const confirmed = await confirmDialog({
      title: you ? 'Revoke your own key?' : 'Revoke this key?',
      body,
      confirmLabel: you ? 'Revoke my key and sign out' : 'Revoke key',
      danger: true,
    });
    if (!confirmed) {
      button.focus();
      return;
    }
    showError(listError, null);
    await busy(button, 'Revoking…', async () => {
      try {
        await api('DELETE', `/v1/api-keys/${encodeURIComponent(key.keyId)}`);
      } catch (error) {
        if (endsSession(error)) return;
        if (!(error instanceof ApiError && error.code === 'api_key_not_found')) {
          showError(listError, error);
          return;
        }
        // Someone revoked it first: the outcome is the one asked for.
      }
      if (you) {
        // The key is gone, so the console can no longer act for this person: the app's
        // signed-out path shows the sign-in screen, as for any refused key.
        window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT, { detail: 'You revoked the key you were signed in with.' }));
        return;
      }
      toast(`The key “${key.label}” is revoked.`);
      keys = keys.filter((k) => k.keyId !== key.keyId);
      draw();
      heading.focus();
      reload().catch((error) => { if (!endsSession(error)) showError(listError, error); });
    });
  }

  draw();
  return h('section', { class: 'settings-section', 'aria-labelledby': 'keys-title' },
    heading,
    h('p', { class: 'hint' }, 'Give each person and each system its own key, so that one can be revoked without stopping the others. A key is shown only once, when it is created.'),
    form,
    listError,
    table,
    h('p', { class: 'hint settings-after-table' }, '“Last used” is recorded at most once every 15 minutes.'));
}

function showNewKey(created, returnFocus) {
  secretDialog({
    title: 'Your new API key',
    id: 'new-key',
    intro: h('p', {}, 'The key for ', h('strong', {}, h('bdi', {}, created.label)), ':'),
    label: 'New API key',
    secret: created.apiKey,
    warning: 'This is the only time this key is shown. Copy it now and keep it somewhere safe, such as a password manager. If it is lost, revoke it and create a new one.',
    returnFocus,
  });
}

// ---- Webhooks --------------------------------------------------------------------------------

function webhooksSection(initialWebhooks, follow) {
  const cards = new Map();
  const list = h('ul', { class: 'settings-webhook-list', id: 'webhook-list', 'aria-labelledby': 'webhooks-title' });
  const empty = h('p', { class: 'muted', id: 'webhooks-empty' }, 'No webhooks yet. Add one to have Reelview tell another system (an ATS, a chat channel) when something happens.');
  const count = h('p', { class: 'hint', id: 'webhooks-count' });
  const heading = h('h2', { id: 'webhooks-title', tabindex: '-1' }, 'Webhooks');

  const add = h('button', { type: 'button', class: 'btn btn-primary', id: 'webhook-add', 'aria-expanded': 'false', 'aria-controls': 'webhook-create' }, 'Add webhook');
  const create = webhookForm({
    idPrefix: 'webhook-new',
    title: 'New webhook',
    submitLabel: 'Create webhook',
    busyLabel: 'Creating…',
    async save(values) {
      const body = { url: values.url, events: values.events, enabled: values.enabled };
      if (values.description) body.description = values.description;
      return api('POST', '/v1/webhooks', body);
    },
    done(created) {
      closeCreate();
      const card = addCard(created);
      redrawCount();
      showSecret(created, 'created', card.heading);
    },
    cancel() {
      closeCreate();
      add.focus();
    },
  });
  create.form.id = 'webhook-create';
  create.form.hidden = true;

  function closeCreate() {
    create.reset();
    create.form.hidden = true;
    add.setAttribute('aria-expanded', 'false');
    add.hidden = false;
  }

  add.addEventListener('click', () => {
    create.form.hidden = false;
    add.setAttribute('aria-expanded', 'true');
    add.hidden = true;
    create.focus();
  });

  function redrawCount() {
    const n = cards.size;
    empty.hidden = n > 0;
    count.textContent = n ? `${n} of at most ${MAX_WEBHOOKS} webhooks.` : '';
    count.hidden = n === 0;
  }

  function addCard(webhook) {
    const card = webhookCard(webhook, {
      follow,
      removed() {
        cards.delete(webhook.id);
        card.element.remove();
        redrawCount();
        (add.hidden ? heading : add).focus();
      },
    });
    cards.set(webhook.id, card);
    list.append(card.element);
    return card;
  }

  for (const webhook of initialWebhooks) addCard(webhook);
  redrawCount();

  return h('section', { class: 'settings-section', 'aria-labelledby': 'webhooks-title' },
    heading,
    h('p', { class: 'hint' }, 'Reelview POSTs the events each webhook asks for to its URL, signed with the webhook’s secret, and retries for about a day until the receiver answers with a 2xx status. An event may arrive more than once and out of order.'),
    h('div', { class: 'actions settings-add' }, add),
    create.form,
    empty,
    list,
    count);
}

/**
 * One webhook: what it is, its actions (edit, test, rotate, delete) and its delivery log.
 * `update(webhook)` redraws the summary after a change, leaving the log and messages alone.
 */
function webhookCard(initial, { follow, removed }) {
  let webhook = initial;
  const id = webhook.id;
  const heading = h('h3', { class: 'settings-webhook-url', id: `webhook-${id}-title`, tabindex: '-1' });
  const status = h('span', {});
  const summary = h('div', { class: 'settings-webhook-summary' });
  const message = h('div', { class: 'settings-webhook-message', id: `webhook-${id}-message`, role: 'status', 'aria-live': 'polite' });
  const actionsError = errorSlot(`webhook-${id}-error`);

  const editButton = h('button', { type: 'button', class: 'btn btn-small', id: `webhook-${id}-edit`, 'aria-expanded': 'false', 'aria-controls': `webhook-${id}-form` }, 'Edit');
  const testButton = h('button', { type: 'button', class: 'btn btn-small', id: `webhook-${id}-test` }, 'Send test');
  const rotateButton = h('button', { type: 'button', class: 'btn btn-small', id: `webhook-${id}-rotate` }, 'Rotate secret');
  const deleteButton = h('button', { type: 'button', class: 'btn btn-small btn-danger', id: `webhook-${id}-delete` }, 'Delete');
  const logButton = h('button', { type: 'button', class: 'btn btn-small', id: `webhook-${id}-log-toggle`, 'aria-expanded': 'false', 'aria-controls': `webhook-${id}-log` }, 'Show delivery log');
  for (const button of [editButton, testButton, rotateButton, deleteButton, logButton]) {
    button.setAttribute('aria-describedby', heading.id);
  }
  const actions = h('div', { class: 'actions' }, editButton, testButton, rotateButton, logButton, deleteButton);
  const view = h('div', {}, summary, actions, actionsError, message);
  const editHost = h('div', {});
  // The delivery the message under the buttons is about, so a retry from the log can update it.
  let messageAbout = null;
  const log = deliveryLog(id, follow, () => webhook, (outcome) => {
    if (!outcome || outcome.id !== messageAbout) return;
    if (outcome.status === 'delivered') say('ok', `Test ping delivered on retry: the receiver answered HTTP ${outcome.lastStatusCode}.`);
    else say('error', 'Test ping failed again: ', attemptProblem(outcome), '.');
  });

  const element = h('li', { class: 'card settings-webhook', id: `webhook-${id}`, dataset: { webhookId: id } },
    h('div', { class: 'settings-webhook-head' }, heading, status),
    view,
    editHost,
    log.element);

  function update(next) {
    webhook = next;
    replace(heading, h('span', { class: 'visually-hidden' }, 'Webhook to '), h('span', { dir: 'ltr' }, webhook.url));
    replace(status, webhook.enabled
      ? h('span', { class: 'badge badge-ok' }, 'Enabled')
      : h('span', { class: 'badge badge-muted' }, 'Disabled'));
    const all = EVENTS.every(([type]) => webhook.events.includes(type));
    const rotatedUntil = webhook.previousSecretExpiresAt && new Date(webhook.previousSecretExpiresAt) > new Date()
      ? webhook.previousSecretExpiresAt : null;
    replace(summary,
      webhook.description
        ? h('p', { class: 'settings-webhook-description' }, h('bdi', {}, webhook.description))
        : h('p', { class: 'muted settings-webhook-description' }, 'No description'),
      webhook.disabledReason
        ? h('p', { class: 'notice notice-warn' }, 'Reelview turned this webhook off: ', webhook.disabledReason, '. Fix the receiver, then turn the webhook on again with Edit.')
        : (!webhook.enabled ? h('p', { class: 'notice' }, 'Turned off: no events are delivered to it. A test ping is still sent.') : null),
      webhook.enabled && webhook.failingSince
        ? h('p', { class: 'notice notice-warn' }, 'Every delivery has failed since ', timeElement(webhook.failingSince), '. After 3 days of failures Reelview turns the webhook off.')
        : null,
      h('dl', { class: 'settings-meta' },
        h('div', {}, h('dt', {}, 'Events'), h('dd', {},
          all ? h('span', { class: 'settings-all-events' }, 'All events: ') : null,
          h('ul', { class: 'settings-chips', id: `webhook-${id}-events` },
            webhook.events.map((type) => h('li', {}, h('code', { title: EVENT_LABEL[type] || type }, type)))))),
        h('div', {}, h('dt', {}, 'Created'), h('dd', {}, timeElement(webhook.createdAt))),
        rotatedUntil
          ? h('div', {}, h('dt', {}, 'Secret'), h('dd', {}, 'Rotated; the previous secret also signs until ', timeElement(rotatedUntil), '.'))
          : null));
  }

  function say(kind, ...content) {
    replace(message, content.length ? h('div', { class: `notice notice-${kind}` }, h('p', {}, ...content)) : null);
  }

  function failed(error) {
    if (endsSession(error)) return;
    if (error instanceof ApiError && error.code === 'webhook_not_found') {
      toast('This webhook no longer exists; it was deleted elsewhere.', 'error');
      removed();
      return;
    }
    showError(actionsError, error);
  }

  editButton.addEventListener('click', () => {
    showError(actionsError, null);
    const form = webhookForm({
      idPrefix: `webhook-${id}-form`,
      title: 'Edit webhook',
      webhook,
      submitLabel: 'Save changes',
      busyLabel: 'Saving…',
      async save(values) {
        const patch = {};
        if (values.url !== webhook.url) patch.url = values.url;
        if (values.events.length !== webhook.events.length || values.events.some((e) => !webhook.events.includes(e))) patch.events = values.events;
        // An empty description is sent as such so the API says why it cannot be removed.
        if (values.description !== (webhook.description || '') && (values.description || webhook.description)) patch.description = values.description;
        if (values.enabled !== webhook.enabled) patch.enabled = values.enabled;
        if (!Object.keys(patch).length) return null;
        return api('PATCH', hook(id), patch);
      },
      done(saved) {
        if (saved) {
          update(saved);
          toast('The webhook is saved.');
        }
        closeEdit();
      },
      cancel: closeEdit,
      failed(error) {
        if (error instanceof ApiError && error.code === 'webhook_not_found') {
          failed(error);
          return true;
        }
        return false;
      },
    });
    form.form.id = `webhook-${id}-form`;
    replace(editHost, form.form);
    view.hidden = true;
    editButton.setAttribute('aria-expanded', 'true');
    form.focus();
  });

  function closeEdit() {
    replace(editHost);
    view.hidden = false;
    editButton.setAttribute('aria-expanded', 'false');
    editButton.focus();
  }

  testButton.addEventListener('click', () => busy(testButton, 'Sending…', async () => {
    showError(actionsError, null);
    let delivery;
    try {
      delivery = await api('POST', `${hook(id)}/test`);
    } catch (error) {
      failed(error);
      return;
    }
    messageAbout = delivery.id;
    say('info', 'Test ping sent; waiting for the receiver to answer…');
    log.open();
    const outcome = await log.follow(delivery.id, 0);
    if (!follow.isAlive()) return;
    if (!outcome) say('warn', 'The test ping has not been attempted yet. Follow it in the delivery log.');
    else if (outcome.status === 'delivered') say('ok', `Test ping delivered: the receiver answered HTTP ${outcome.lastStatusCode}.`);
    else say('error', 'Test ping failed: ', attemptProblem(outcome), '.', outcome.nextAttemptAt ? [' Next attempt ', timeElement(outcome.nextAttemptAt), '.'] : '');
  }));

  rotateButton.addEventListener('click', async () => {
    showError(actionsError, null);
    const overlapping = webhook.previousSecretExpiresAt && new Date(webhook.previousSecretExpiresAt) > new Date();
    const confirmed = await confirmDialog({
      title: 'Rotate the signing secret?',
      body: [
        h('p', {}, 'A new secret for the webhook to ', h('strong', { class: 'settings-break' }, webhook.url), ' is made and shown once.'),
        h('p', {}, 'The current secret keeps signing too for 24 hours: until then every delivery carries two signatures, so you can switch your receiver to the new secret without losing a delivery.'),
        overlapping
          ? h('p', { class: 'notice notice-warn' }, 'The secret replaced by the last rotation (still signing until ', dateTime(webhook.previousSecretExpiresAt), ') stops signing at once: only the secret just replaced overlaps.')
          : null,
      ],
      confirmLabel: 'Rotate secret',
    });
    if (!confirmed) {
      rotateButton.focus();
      return;
    }
    await busy(rotateButton, 'Rotating…', async () => {
      try {
        const rotated = await api('POST', `${hook(id)}/rotate-secret`);
        update(rotated);
        showSecret(rotated, 'rotated', rotateButton);
      } catch (error) {
        failed(error);
      }
    });
  });

  deleteButton.addEventListener('click', async () => {
    showError(actionsError, null);
    const confirmed = await confirmDialog({
      title: 'Delete this webhook?',
      body: [
        h('p', {}, 'Delete the webhook to ', h('strong', { class: 'settings-break' }, webhook.url), '?'),
        h('p', {}, 'Nothing more is sent to it, including deliveries still being retried, and its delivery log is deleted too. This cannot be undone.'),
      ],
      confirmLabel: 'Delete webhook',
      danger: true,
    });
    if (!confirmed) {
      deleteButton.focus();
      return;
    }
    await busy(deleteButton, 'Deleting…', async () => {
      try {
        await api('DELETE', hook(id));
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'webhook_not_found')) {
          failed(error);
          return;
        }
      }
      log.stop();
      toast('The webhook is deleted.');
      removed();
    });
  });

  logButton.addEventListener('click', () => {
    if (log.isOpen()) log.close();
    else log.open();
  });
  log.onToggle((open) => {
    logButton.setAttribute('aria-expanded', String(open));
    logButton.textContent = open ? 'Hide delivery log' : 'Show delivery log';
  });

  update(webhook);
  return { element, heading, update };
}

/** Why an attempt did not succeed, in words. */
function attemptProblem(delivery) {
  if (delivery.lastStatusCode) return `the receiver answered HTTP ${delivery.lastStatusCode}`;
  return delivery.lastError || 'no answer';
}

/**
 * A webhook's delivery log (the latest 100, newest first; the API does not page it), shown on
 * demand, with Retry on deliveries that did not get through. `follow(deliveryId, attempts)`
 * re-reads the log until that delivery has had a new attempt, and answers it.
 */
function deliveryLog(webhookId, { pause, isAlive }, currentWebhook, retried) {
  const regionId = `webhook-${webhookId}-log`;
  const tbody = h('tbody', {});
  const error = errorSlot(`${regionId}-error`);
  const empty = h('p', { class: 'muted', id: `${regionId}-empty`, hidden: true }, 'Nothing delivered yet. Send a test ping to try the receiver.');
  const refresh = h('button', { type: 'button', class: 'btn btn-small', id: `${regionId}-refresh` }, 'Refresh');
  const table = h('div', { class: 'table-wrap', hidden: true },
    h('table', { class: 'settings-deliveries stack-table', id: `${regionId}-table` },
      h('caption', { class: 'visually-hidden' }, 'Deliveries, newest first'),
      h('thead', {}, h('tr', {},
        ['Event', 'Status', 'Attempts', 'Response', 'Created', 'Last attempt', 'Next attempt'].map((label) => h('th', { scope: 'col', class: label === 'Attempts' ? 'num' : '' }, label)),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      tbody));
  const element = h('section', { class: 'settings-log', id: regionId, hidden: true, 'aria-labelledby': `${regionId}-title` },
    h('div', { class: 'settings-log-head' },
      h('h4', { id: `${regionId}-title` }, 'Delivery log'),
      refresh),
    h('p', { class: 'hint' }, 'The latest 100 deliveries, newest first. Each is tried again after 1, 5, 15, 30 minutes and so on, for about a day.'),
    error, empty, table);

  let items = [];
  let loaded = false;
  let stopped = false;
  let toggled = () => {};

  function row(delivery) {
    const canRetry = delivery.status === 'failed' || (delivery.status === 'pending' && delivery.attempts > 0);
    const retry = canRetry
      ? h('button', {
        type: 'button',
        class: 'btn btn-small',
        id: `delivery-${delivery.id}-retry`,
        'aria-label': `Retry the ${EVENT_LABEL[delivery.event] || delivery.event} delivery of ${dateTime(delivery.createdAt)}`,
      }, delivery.status === 'failed' ? 'Retry' : 'Retry now')
      : null;
    if (retry) retry.addEventListener('click', () => retryDelivery(delivery, retry));
    const response = delivery.lastStatusCode
      ? h('span', { class: delivery.lastStatusCode < 300 ? 'settings-code-ok' : 'settings-code-bad' }, `HTTP ${delivery.lastStatusCode}`)
      : (delivery.attempts ? h('span', { class: 'settings-code-bad' }, 'No answer') : emptyValue('Not attempted yet'));
    const shown = DELIVERY[delivery.status] || { label: delivery.status, tone: 'muted' };
    return h('tr', { dataset: { deliveryId: delivery.id, status: delivery.status } },
      cell('Event', {}, h('code', { title: EVENT_LABEL[delivery.event] || '' }, delivery.event)),
      cell('Status', {}, h('span', { class: `badge badge-${shown.tone}` }, shown.label)),
      cell('Attempts', { class: 'num' }, String(delivery.attempts)),
      cell('Response', { class: 'settings-response' }, response,
        delivery.lastError ? h('p', { class: 'hint settings-break' }, delivery.lastError) : null,
        delivery.lastResponse
          ? h('details', {}, h('summary', {}, 'Response body'), h('pre', { class: 'settings-pre' }, delivery.lastResponse))
          : null),
      cell('Created', {}, timeElement(delivery.createdAt)),
      cell('Last attempt', {}, delivery.lastAttemptAt ? timeElement(delivery.lastAttemptAt) : emptyValue('Not attempted yet')),
      cell('Next attempt', {}, delivery.nextAttemptAt ? timeElement(delivery.nextAttemptAt) : emptyValue('None')),
      h('td', { class: 'settings-cell-action' }, retry));
  }

  function draw() {
    replace(tbody, items.map(row));
    empty.hidden = !loaded || items.length > 0;
    table.hidden = items.length === 0;
  }

  async function load() {
    const page = await api('GET', `${hook(webhookId)}/deliveries`);
    items = page.items;
    loaded = true;
    showError(error, null);
    if (!element.hidden) draw();
    return items;
  }

  async function reloadShowingErrors() {
    try {
      await load();
    } catch (e) {
      if (!endsSession(e)) showError(error, e);
    }
  }

  async function follow(deliveryId, attemptsBefore) {
    const deadline = Date.now() + FOLLOW_MS;
    while (!stopped && isAlive() && Date.now() < deadline) {
      await pause(FOLLOW_EVERY_MS);
      if (stopped || !isAlive()) return null;
      let delivery;
      try {
        delivery = (await load()).find((d) => d.id === deliveryId);
      } catch (e) {
        if (!endsSession(e)) showError(error, e);
        return null;
      }
      if (!delivery) return null;
      if (delivery.status !== 'pending' || delivery.attempts > attemptsBefore) return delivery;
    }
    return null;
  }

  async function retryDelivery(delivery, button) {
    const webhook = currentWebhook();
    showError(error, null);
    const before = delivery.attempts;
    const outcome = await busy(button, 'Retrying…', async () => {
      try {
        const pending = await api('POST', `${hook(webhookId)}/deliveries/${encodeURIComponent(delivery.id)}/retry`);
        items = items.map((d) => (d.id === pending.id ? pending : d));
        return await follow(delivery.id, before);
      } catch (e) {
        if (!endsSession(e)) showError(error, e);
        return undefined;
      }
    });
    if (outcome === undefined || !isAlive() || stopped) return;
    draw();
    const again = tbody.querySelector(`[data-delivery-id="${delivery.id}"] button`);
    if (outcome && outcome.status === 'delivered') toast(`Delivered: the receiver answered HTTP ${outcome.lastStatusCode}.`);
    else if (outcome) toast(`The attempt failed: ${attemptProblem(outcome)}.${!webhook.enabled && outcome.event !== 'ping' ? ' The webhook is turned off: turn it on first.' : ''}`, 'error');
    (again || refresh).focus();
    retried(outcome);
  }

  refresh.addEventListener('click', () => busy(refresh, 'Refreshing…', reloadShowingErrors));

  return {
    element,
    follow,
    isOpen: () => !element.hidden,
    async open() {
      element.hidden = false;
      toggled(true);
      draw();
      if (!loaded) await reloadShowingErrors();
    },
    close() {
      element.hidden = true;
      toggled(false);
    },
    stop() {
      stopped = true;
    },
    onToggle(callback) {
      toggled = callback;
    },
  };
}

/**
 * The form for a new webhook or a change to one. `save(values)` calls the API; a 422 lands
 * next to its fields (any error `failed` does not take shows above the buttons), else `done`.
 */
function webhookForm({ idPrefix, title, webhook = null, submitLabel, busyLabel, save, done, cancel, failed = () => false }) {
  const errors = new FieldErrors();
  const url = h('input', { type: 'url', id: `${idPrefix}-url`, name: 'url', inputmode: 'url', autocomplete: 'off', spellcheck: 'false', required: true, placeholder: 'https://ats.example.com/hooks/reelview' });
  const description = h('input', { type: 'text', id: `${idPrefix}-description`, name: 'description', maxlength: '200', autocomplete: 'off' });
  const boxes = EVENTS.map(([type, label, help]) => {
    const box = h('input', { type: 'checkbox', id: `${idPrefix}-event-${type.replace(/[._]/g, '-')}`, name: 'events', value: type, 'aria-describedby': `${idPrefix}-event-${type.replace(/[._]/g, '-')}-help` });
    return {
      box,
      element: h('div', { class: 'checkbox settings-event' },
        box,
        h('label', { for: box.id },
          h('span', { class: 'settings-event-name' }, label, ' ', h('code', {}, type)),
          h('span', { class: 'hint', id: `${box.id}-help` }, help))),
    };
  });
  const all = h('button', { type: 'button', class: 'btn btn-small', id: `${idPrefix}-events-all` }, 'Select all');
  const none = h('button', { type: 'button', class: 'btn btn-small', id: `${idPrefix}-events-none` }, 'Clear');
  all.addEventListener('click', () => boxes.forEach(({ box }) => { box.checked = true; }));
  none.addEventListener('click', () => boxes.forEach(({ box }) => { box.checked = false; }));
  const events = h('fieldset', { id: `${idPrefix}-events`, class: 'settings-events', 'aria-describedby': `${idPrefix}-events-hint` },
    h('legend', {}, 'Events'),
    h('p', { class: 'hint', id: `${idPrefix}-events-hint` }, 'Which events to deliver: at least one.'),
    h('div', { class: 'actions settings-events-bulk' }, all, none),
    h('div', { class: 'settings-events-grid' }, boxes.map((b) => b.element)));
  // An error about the events (or one of them, `events[2]`) is said in the group, and focuses its first box.
  events.append(errors.slot('events', events, { focus: boxes[0].box }));
  const enabled = h('input', { type: 'checkbox', id: `${idPrefix}-enabled`, name: 'enabled' });
  const enabledHelp = webhook && webhook.disabledReason
    ? 'Turning it on again clears why Reelview turned it off, and failures count afresh.'
    : 'When off, no events are delivered to it (a test ping still is).';
  const enabledField = h('div', { class: 'checkbox' }, enabled,
    h('label', { for: enabled.id }, 'Enabled ', h('span', { class: 'hint', id: `${idPrefix}-enabled-help` }, `— ${enabledHelp}`)));
  enabled.setAttribute('aria-describedby', `${idPrefix}-enabled-help`);
  const formError = errorSlot(`${idPrefix}-error`, { tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: `${idPrefix}-submit` }, submitLabel);
  const cancelButton = h('button', { type: 'button', class: 'btn', id: `${idPrefix}-cancel` }, 'Cancel');
  const titleId = `${idPrefix}-title`;
  const form = h('form', { class: webhook ? 'settings-webhook-form' : 'card settings-webhook-form', novalidate: true, 'aria-labelledby': titleId },
    h(webhook ? 'h4' : 'h3', { id: titleId }, title),
    errors.field('url', 'URL', url, 'Where Reelview POSTs the events: an https:// address your receiver answers on. Redirects are not followed.'),
    errors.field('description', 'Description (optional)', description, webhook && webhook.description
      ? 'What the webhook is for. It can be changed but not removed.'
      : 'What the webhook is for, e.g. “Our ATS”.'),
    events,
    enabledField,
    errors.slot('enabled', enabled),
    formError,
    h('div', { class: 'actions' }, submit, cancelButton));

  function reset() {
    url.value = webhook ? webhook.url : '';
    description.value = webhook && webhook.description ? webhook.description : '';
    for (const { box } of boxes) box.checked = webhook ? webhook.events.includes(box.value) : false;
    enabled.checked = webhook ? webhook.enabled : true;
    clear();
  }

  function clear() {
    errors.clear();
    showError(formError, null);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear();
    const values = {
      url: url.value.trim(),
      description: description.value.trim(),
      events: boxes.filter(({ box }) => box.checked).map(({ box }) => box.value),
      enabled: enabled.checked,
    };
    await busy(submit, busyLabel, async () => {
      let answer;
      try {
        answer = await save(values);
      } catch (error) {
        if (endsSession(error) || failed(error)) return;
        if (!errors.report(error, formError)) formError.focus();
        return;
      }
      done(answer);
    });
  });
  cancelButton.addEventListener('click', () => cancel());

  reset();
  return { form, reset, focus: () => url.focus() };
}

// ---- Data retention -------------------------------------------------------------------------------

const MAX_RETENTION_DAYS = 3650;

/** The team's retention setting in words. */
function retentionWords(days) {
  return days === null || days === undefined
    ? 'Interviews are kept until you delete them.'
    : `Completed and expired interviews are deleted ${plural(days, 'day', 'days')} after they end, with their recordings, comments and share links.`;
}

function retentionSection(team) {
  let current = team.retentionDays ?? null;

  const errors = new FieldErrors();
  const days = h('input', {
    type: 'number', id: 'retention-days', name: 'retentionDays', min: '1', max: String(MAX_RETENTION_DAYS), step: '1',
    inputmode: 'numeric', autocomplete: 'off', placeholder: 'e.g. 365',
  });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'retention-save' }, 'Save');
  const forever = h('button', { type: 'button', class: 'btn', id: 'retention-forever' }, 'Keep forever');
  const formError = errorSlot('retention-error', { tabindex: '-1' });
  const now = h('p', { class: 'notice settings-retention-now', id: 'retention-current' });
  days.setAttribute('aria-describedby', 'retention-days-hint');
  // The buttons sit beside the short number field, whatever the length of its label.
  const form = h('form', { class: 'card', id: 'retention-form', novalidate: true, 'aria-labelledby': 'retention-form-title' },
    h('h3', { id: 'retention-form-title' }, 'Delete interviews after a while'),
    h('div', { class: 'field' },
      h('label', { for: days.id }, 'Days to keep an interview after it ends'),
      h('div', { class: 'settings-retention-row' }, days, save, forever),
      errors.slot('retentionDays', days),
      h('p', { class: 'hint', id: 'retention-days-hint' }, `From 1 to ${MAX_RETENTION_DAYS} (about ten years). 365 keeps a year of interviews.`)),
    formError);

  function draw() {
    now.textContent = retentionWords(current);
    days.value = current === null ? '' : String(current);
    // Nothing to turn off while interviews are already kept for ever.
    forever.hidden = current === null;
  }

  function clear() {
    errors.clear();
    showError(formError, null);
  }

  /** Asks before a period that deletes sooner than now; answers whether to go on. */
  function shorterConfirmed(value) {
    if (current !== null && value >= current) return Promise.resolve(true);
    const ended = `Every interview that completed or expired more than ${plural(value, 'day', 'days')} ago`;
    return confirmDialog({
      title: current === null ? 'Start deleting old interviews?' : 'Shorten how long interviews are kept?',
      body: [
        current === null
          ? h('p', {}, 'Now, interviews are kept until you delete them.')
          : h('p', {}, `Now, interviews are kept ${plural(current, 'day', 'days')} after they end.`),
        h('p', {}, ended, ' will be deleted at the next hourly run, within the hour: its answers, video and audio recordings, transcripts, evaluations, comments and share links, in every position.'),
        h('p', {}, 'This cannot be undone. Interviews still open without a deadline are kept.'),
      ],
      confirmLabel: `Keep ${plural(value, 'day', 'days')}`,
      danger: true,
    });
  }

  async function store(value, button) {
    const other = button === save ? forever : save;
    other.disabled = true;
    try {
      await busy(button, 'Saving…', async () => {
        try {
          const saved = await api('PATCH', '/v1/tenant', { retentionDays: value });
          current = saved.retentionDays ?? null;
          draw();
          toast(current === null ? 'Interviews are now kept until you delete them.' : `Interviews are now deleted ${plural(current, 'day', 'days')} after they end.`);
        } catch (error) {
          if (endsSession(error)) return;
          if (!errors.report(error, formError)) formError.focus();
        }
      });
    } finally {
      other.disabled = false;
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear();
    const text = days.value.trim();
    // The API takes whole days only; anything else would come back as a malformed request.
    if (days.validity.badInput || !/^\d+$/.test(text)) {
      errors.show('retentionDays', text || days.validity.badInput
        ? `Enter a whole number of days, from 1 to ${MAX_RETENTION_DAYS}.`
        : `Enter a number of days, from 1 to ${MAX_RETENTION_DAYS}, or choose Keep forever.`);
      days.focus();
      return;
    }
    const value = Number(text);
    if (value === current) {
      toast(retentionWords(current));
      return;
    }
    // Out of range, the API says why by the field; no need to ask first.
    const inRange = value >= 1 && value <= MAX_RETENTION_DAYS;
    if (inRange && !(await shorterConfirmed(value))) {
      save.focus();
      return;
    }
    await store(value, save);
  });

  forever.addEventListener('click', async () => {
    clear();
    await store(null, forever);
    if (current === null) days.focus();
  });

  draw();
  return h('section', { class: 'settings-section', 'aria-labelledby': 'retention-title' },
    h('h2', { id: 'retention-title', tabindex: '-1' }, 'Data retention'),
    now,
    h('p', { class: 'hint', id: 'retention-explained' },
      'With a period set, Reelview deletes once an hour every interview that completed, or expired at its deadline, longer ago than that, in every position: its answers, video and audio recordings, transcripts, evaluations, comments and share links, as if you had deleted it yourself (webhooks hear ',
      h('code', {}, 'interview.deleted'), '). Interviews still open without a deadline are kept. A change applies from the next hourly run.'),
    form);
}

// ---- Erasure -------------------------------------------------------------------------------------

/** What an erasure removed, in words (the kinds with none left out, interviews always said). */
function removedWords(removed) {
  const kinds = [
    ['interviews', 'interview', 'interviews'],
    ['answers', 'answer', 'answers'],
    ['videos', 'recording', 'recordings'],
    ['transcripts', 'transcript', 'transcripts'],
    ['evaluations', 'evaluation', 'evaluations'],
    ['comments', 'comment', 'comments'],
    ['shares', 'share link', 'share links'],
    ['reminders', 'pending reminder', 'pending reminders'],
    ['followups', 'queued processing task', 'queued processing tasks'],
  ];
  const parts = kinds
    .filter(([key], index) => index === 0 || (removed[key] || 0) > 0)
    .map(([key, one, many]) => plural(removed[key] || 0, one, many));
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  return `${list} removed`;
}

function erasureSection(context) {
  const errors = new FieldErrors();
  // A text field, not type=email: the browser would refuse (or rewrite, for a non-ASCII domain)
  // some addresses a candidate may have been invited with, and this must match them as stored.
  const email = h('input', { type: 'text', id: 'erasure-email', name: 'email', maxlength: '254', autocomplete: 'off', spellcheck: 'false', inputmode: 'email', placeholder: 'ana@example.com' });
  const submit = h('button', { type: 'submit', class: 'btn btn-danger', id: 'erasure-submit' }, 'Erase…');
  const formError = errorSlot('erasure-error', { tabindex: '-1' });
  const result = h('div', { id: 'erasure-result', class: 'settings-erasure-result', role: 'status', 'aria-live': 'polite' });
  const team = context.session.team;
  const form = h('form', { class: 'card', id: 'erasure-form', novalidate: true, 'aria-labelledby': 'erasure-form-title' },
    h('h3', { id: 'erasure-form-title' }, 'Erase everything of one candidate'),
    h('div', { class: 'settings-inline' },
      errors.field('email', 'Candidate’s email address', email, 'The address they were invited or applied with; capitals and spaces around it do not matter.'),
      h('div', { class: 'settings-inline-action' }, submit)),
    formError);

  function confirmErasure(address) {
    return confirmDialog({
      title: 'Erase this candidate?',
      body: [
        h('p', {}, 'Every interview of ', h('strong', { class: 'settings-break' }, h('bdi', {}, address)), ' in ', h('bdi', {}, team), ' will be deleted, in all positions (archived ones included), with everything it holds:'),
        h('ul', { class: 'settings-erasure-list' },
          h('li', {}, 'the answers, with their video and audio recordings, transcripts and evaluations;'),
          h('li', {}, 'the team’s comments, scores and stages;'),
          h('li', {}, 'its share links, which stop working;'),
          h('li', {}, 'pending reminders, queued processing and the record of the emails sent.')),
        h('p', {}, 'The candidate’s interview links stop working at once. This cannot be undone.'),
      ],
      confirmLabel: 'Erase for good',
      danger: true,
    });
  }

  function showResult(address, erasure) {
    const removed = erasure.removed || {};
    const nothing = !Object.values(removed).some((n) => n > 0);
    replace(result,
      h('div', { class: nothing ? 'notice' : 'notice notice-ok', id: 'erasure-outcome' },
        nothing
          ? h('p', {}, 'Nothing of ', h('strong', { class: 'settings-break' }, h('bdi', {}, address)), ' was stored: no position of the team has an interview of this address.')
          : h('p', {}, 'Erased ', h('strong', { class: 'settings-break' }, h('bdi', {}, address)), `: ${removedWords(removed)}.`),
        erasure.interviewIds && erasure.interviewIds.length
          ? h('details', { class: 'settings-erasure-ids' },
            h('summary', {}, 'Ids of the deleted interviews, for your records'),
            h('ul', {}, erasure.interviewIds.map((id) => h('li', {}, h('code', {}, id)))))
          : null),
      erasure.suppressionKept
        ? h('p', { class: 'notice notice-warn', id: 'erasure-suppression' },
          'The address stays on the team’s do-not-email list, because an email to it bounced or was reported as spam. Keeping it there is what makes sure Reelview never emails this person again; nothing else about them is kept.')
        : null);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    showError(formError, null);
    const address = email.value.trim();
    // Only an address worth erasing is asked about; the API has the last word on the rest.
    if (!/^[^\s@]+@[^\s@]+$/.test(address)) {
      errors.show('email', address ? 'Enter a whole email address, such as ana@example.com.' : 'Enter the candidate’s email address.');
      email.focus();
      return;
    }
    if (!(await confirmErasure(address))) {
      submit.focus();
      return;
    }
    replace(result);
    await busy(submit, 'Erasing…', async () => {
      try {
        const erasure = await api('POST', '/v1/erasure', { email: address });
        email.value = '';
        showResult(address, erasure);
        // The candidates list's order (j/k on the interview screen) may name interviews that are gone.
        if (erasure.interviewIds && erasure.interviewIds.length) delete context.shared.candidateOrder;
      } catch (error) {
        if (endsSession(error)) return;
        if (!errors.report(error, formError)) formError.focus();
      }
    });
  });

  return h('section', { class: 'settings-section', 'aria-labelledby': 'erasure-title' },
    h('h2', { id: 'erasure-title', tabindex: '-1' }, 'Erase a candidate'),
    h('p', { class: 'hint' },
      'When a candidate asks for their data to be deleted: everything Reelview stores about them in this team goes at once, in every position, whatever the retention period. Other teams are not affected.'),
    form,
    result);
}

// ---- Secrets ------------------------------------------------------------------------------------

function showSecret(webhook, why, returnFocus) {
  const until = webhook.previousSecretExpiresAt;
  secretDialog({
    title: why === 'rotated' ? 'The new signing secret' : 'Webhook created: its signing secret',
    id: 'webhook-secret',
    intro: h('p', {}, 'The signing secret of the webhook to ', h('strong', { class: 'settings-break' }, webhook.url), ':'),
    label: 'Signing secret',
    secret: webhook.secret,
    warning: 'This is the only time this secret is shown. Copy it now into your receiver’s configuration. If it is lost, rotate the secret to get a new one.',
    extra: [
      why === 'rotated' && until
        ? h('p', { class: 'notice', id: 'webhook-secret-overlap' }, 'The previous secret keeps signing too until ', timeElement(until), ': until then each delivery carries two signatures, the new secret’s first. Switch your receiver to the new secret before then.')
        : null,
      h('details', { class: 'settings-verify', open: true },
        h('summary', {}, 'How to check a delivery’s signature'),
        h('ul', {},
          h('li', {}, 'Each delivery comes with the headers ', h('code', {}, 'Reelview-Webhook-Id'), ', ', h('code', {}, 'Reelview-Webhook-Timestamp'), ' (Unix seconds) and ', h('code', {}, 'Reelview-Webhook-Signature'), '.'),
          h('li', {}, 'The signature is ', h('code', {}, 'v1='), ' and the base64 HMAC-SHA256 of ', h('code', {}, '{id}.{timestamp}.{body}'), ' (the raw body, byte for byte), keyed with the whole secret, ', h('code', {}, 'whsec_'), ' included.'),
          h('li', {}, 'After a rotation there are two values, separated by a space: accept the delivery if any matches. Compare in constant time.'),
          h('li', {}, 'Refuse a timestamp more than a few minutes from your clock, and drop a ', h('code', {}, 'Reelview-Webhook-Id'), ' you have already handled.'))),
    ],
    returnFocus,
  });
}

/**
 * Shows a secret once: read-only, selectable, with a copy button and the warning that it will
 * not be shown again.
 */
function secretDialog({ title, id, intro, label, secret, warning, extra = [], returnFocus }) {
  const dialog = openDialog(title,
    intro,
    copyField({ label, value: secret, id: `${id}-value`, copyId: `${id}-copy`, statusId: `${id}-copied`, primary: true, describedBy: `${id}-warning` }),
    h('p', { class: 'notice notice-warn', id: `${id}-warning` }, h('strong', {}, 'Shown only now. '), warning),
    ...extra);
  dialog.id = `${id}-dialog`;
  dialog.classList.add('settings-secret-dialog');
  document.getElementById(`${id}-copy`).focus();
  dialog.addEventListener('close', () => {
    if (returnFocus && returnFocus.isConnected) returnFocus.focus();
  });
}
