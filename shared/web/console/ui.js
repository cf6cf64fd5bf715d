// Building blocks every screen uses: elements built from data (never HTML strings, so nothing a
// candidate typed can become markup), notices, field errors, confirmations, progress and copying.

import { ApiError, describe } from './api.js';
import { sentence } from './format.js';

/**
 * An element: `h('button', {type: 'button', class: 'btn', onclick: f}, 'Save')`.
 * Attributes starting with `on` become listeners; `dataset`/`style` objects are merged;
 * `false`/`null`/`undefined` attributes and children are left out; strings become text.
 */
export function h(tag, attributes = {}, ...children) {
  const element = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name === 'class') {
      element.setAttribute('class', value);
    } else if (name in element && !tag.startsWith('svg:') && typeof value !== 'string') {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

let lastId = 0;

/** An id no other element of the page has: `uid('dialog-title')` → `dialog-title-7`. */
export function uid(prefix) {
  lastId += 1;
  return `${prefix}-${lastId}`;
}

/** A transient message for everyone (and screen readers) to see. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const item = h('p', { class: `toast toast-${kind}` }, message);
  box.append(item);
  // Quick work (scoring with the keyboard) makes many in a row: only the latest two stay, so
  // they never pile up over what the reviewer is looking at.
  while (box.children.length > 2) box.firstElementChild.remove();
  setTimeout(() => item.remove(), kind === 'error' ? 10000 : 3000);
}

/**
 * A problem as paragraphs: an error (the API's `detail`, then each invalid field) or the
 * console's own words (a string, or an array of lines).
 */
function problemLines(problem) {
  const text = typeof problem === 'string' ? problem : Array.isArray(problem) ? problem.join('\n') : describe(problem);
  return text.split('\n').map((line) => h('p', {}, line));
}

/**
 * An inline error box with the API's words; `role=alert` so it is read out. With `retry`, it
 * offers to try again (a list that could not be loaded).
 */
export function errorBox(error, id, { retry = null, retryId = null } = {}) {
  return h('div', { class: 'notice notice-error', role: 'alert', id, dataset: { code: error.code || '' } },
    problemLines(error),
    retry ? h('p', { class: 'actions' }, h('button', { type: 'button', class: 'btn', id: retryId, onclick: retry }, 'Try again')) : null);
}

/** An empty error box, for `showError` to fill when something fails. */
export function errorSlot(id, attributes = {}) {
  return h('div', { class: 'notice notice-error', role: 'alert', id, hidden: true, ...attributes });
}

/**
 * Shows `problem` in `slot` (an element), or clears it when `problem` is null. `problem` is an
 * error (its words from `describe`) or the console's own words (a string or lines).
 */
export function showError(slot, problem) {
  if (!problem) {
    slot.hidden = true;
    slot.replaceChildren();
    return;
  }
  replace(slot, problemLines(problem));
  slot.dataset.code = problem.code || '';
  slot.hidden = false;
}

/**
 * The field errors of one form. Each field is registered under its path in the API
 * (`name`, `candidate.email`, `events`) with a message element; `place(error)` shows a 422's
 * `errors` next to the fields they name, and answers the ones no field took, for the form's
 * summary box.
 */
export class FieldErrors {
  constructor() {
    this.slots = new Map();
  }

  /** A labelled field (`field`) whose messages show right under its input, registered under `path`. */
  field(path, label, input, hint) {
    const box = field(label, input, hint);
    input.after(this.slot(path, input));
    return box;
  }

  /**
   * Registers `input` under `path` and answers its message element, for the caller to put where
   * the message belongs. `input` may be a group (a fieldset): then `focus` is what gets the focus.
   */
  slot(path, input, { id = `${input.id}-error`, focus = input } = {}) {
    const message = h('p', { class: 'field-error', id, hidden: true });
    this.slots.set(path, { input, message, focus });
    return message;
  }

  /** The registered field of `path`; an error about one item of a list (`events[2]`) belongs to the list. */
  find(path) {
    const slot = this.slots.get(path || '') || this.slots.get(String(path || '').replace(/\[\d+\]$/, ''));
    return slot && slot.input.isConnected ? slot : null;
  }

  /** Hides every message. */
  clear() {
    for (const { input, message } of this.slots.values()) {
      message.hidden = true;
      message.textContent = '';
      input.removeAttribute('aria-invalid');
      const described = (input.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== message.id);
      if (described.length) input.setAttribute('aria-describedby', described.join(' '));
      else input.removeAttribute('aria-describedby');
    }
  }

  /** Shows `message` under the field of `path`; answers what to focus for it, or null when no field has that path. */
  show(path, message) {
    const slot = this.find(path);
    if (!slot) return null;
    const { input, message: element } = slot;
    const text = sentence(message);
    element.textContent = element.hidden ? text : `${element.textContent} ${text}`;
    element.hidden = false;
    // aria-invalid belongs to controls; a group is only described by its message.
    if (input.matches('input, textarea, select')) input.setAttribute('aria-invalid', 'true');
    const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    if (!described.includes(element.id)) input.setAttribute('aria-describedby', [...described, element.id].join(' '));
    return slot.focus;
  }

  /**
   * Shows each of `errors` (an ApiError's, or a list of `{field, message}`) under its field and,
   * unless `focus` is false, focuses the first of those fields on the page. Answers the errors
   * no field took.
   */
  place(errors, { focus = true } = {}) {
    const list = Array.isArray(errors) ? errors : (errors && Array.isArray(errors.errors) ? errors.errors : []);
    const rest = [];
    const targets = [];
    for (const e of list) {
      if (!e || !e.message) continue;
      const target = this.show(e.field, e.message);
      if (target) targets.push(target);
      else rest.push(e);
    }
    if (focus && targets.length) {
      const first = targets.reduce((a, b) => (b.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING ? b : a));
      first.focus();
    }
    return rest;
  }

  /**
   * A failed submit: `place`s the error's field errors and shows the rest in `box` (the form's
   * error box), which is left empty when every error shows by its field. Answers whether any
   * field took one (and has the focus); if not, the caller moves the focus.
   */
  report(error, box) {
    const listed = error instanceof ApiError ? error.errors.filter((e) => e && e.message) : [];
    const rest = this.place(listed);
    if (listed.length && !rest.length) showError(box, null);
    else showError(box, rest.length === listed.length ? error : new ApiError(error.status, { ...error.problem, errors: rest }));
    return rest.length < listed.length;
  }
}

/**
 * Disables `button` while `work()` runs and shows `label` on it; answers what `work` answers.
 */
export async function busy(button, label, work) {
  const before = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (label) button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = before;
  }
}

/** A modal dialog titled `title`, with `content` and then `buttons`, shown at once. */
function modal(title, content, buttons) {
  const titleId = uid('dialog-title');
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, title), content, h('div', { class: 'actions' }, buttons));
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/**
 * Asks before something that cannot be undone. Answers true when confirmed.
 * `body` is a string or nodes saying exactly what will happen.
 */
export function confirmDialog({ title, body, confirmLabel = 'Confirm', danger = false }) {
  return new Promise((resolve) => {
    const confirm = h('button', { type: 'button', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, id: 'dialog-confirm' }, confirmLabel);
    const cancel = h('button', { type: 'button', class: 'btn', id: 'dialog-cancel' }, 'Cancel');
    const dialog = modal(title, h('div', { class: 'dialog-body' }, body), [cancel, confirm]);
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    confirm.addEventListener('click', () => close(true));
    cancel.addEventListener('click', () => close(false));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(false);
    });
    cancel.focus();
  });
}

/** A dialog with arbitrary content and a Close button; answers the dialog (call `.close()`). */
export function openDialog(title, ...content) {
  const closeButton = h('button', { type: 'button', class: 'btn', id: 'dialog-close' }, 'Close');
  const dialog = modal(title, content, closeButton);
  closeButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  return dialog;
}

/** A progress bar for long operations (bulk invite, delete): `update(done)`, `finish()`. */
export function progress(label, total) {
  const bar = h('progress', { max: total, value: 0 });
  const text = h('span', { class: 'progress-label' }, `${label}: 0 of ${total}`);
  const element = h('div', { class: 'progress', role: 'status', 'aria-live': 'polite' }, text, bar);
  return {
    element,
    update(done) {
      bar.value = done;
      text.textContent = `${label}: ${done} of ${total}`;
    },
    finish(message) {
      bar.value = total;
      text.textContent = message;
    },
  };
}

/** A button that copies `text` (a link shown elsewhere, not in a field) and says so. */
export function copyButton(text, label = 'Copy link', attributes = {}) {
  const button = h('button', { type: 'button', class: 'btn btn-small', ...attributes }, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      toast('Copied to the clipboard.');
    } catch {
      // No clipboard permission (e.g. plain http): select a field with it instead.
      const field = h('input', { type: 'text', value: text, readonly: true, class: 'copy-fallback', 'aria-label': 'Link to copy' });
      button.after(field);
      field.select();
      toast('Select and copy the link shown.');
    }
  });
  return button;
}

/**
 * A read-only field holding `value` (a link, a secret) with a Copy button beside it. What the
 * button did is said in a line under the field, not a toast, since the field may be in a modal
 * dialog (above the toasts); when the browser refuses the clipboard, the text is selected in
 * the field to copy by hand. Ids: the input's `id`, `copyId`, `statusId` (the line).
 */
export function copyField({ label, value, id, copyId = `${id}-copy`, statusId = `${id}-copied`, copyLabel = 'Copy',
  hideLabel = false, primary = false, describedBy = null }) {
  const input = h('input', { type: 'text', id, value, readonly: true, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': describedBy });
  const said = h('p', { class: 'hint', role: 'status', id: statusId });
  const button = h('button', { type: 'button', class: primary ? 'btn btn-primary' : 'btn', id: copyId }, copyLabel);
  input.addEventListener('focus', () => input.select());
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      said.textContent = 'Copied to the clipboard.';
    } catch {
      input.focus();
      input.select();
      said.textContent = 'The browser did not allow copying: the text is selected, press Ctrl+C (⌘C on a Mac).';
    }
  });
  return h('div', { class: 'field copy-field' },
    h('label', { for: id, class: hideLabel ? 'visually-hidden' : null }, label),
    h('div', { class: 'input-row' }, input, button),
    said);
}

/** A labelled form field: `field('Email', input, 'hint')`; gives the input an id if it has none. */
export function field(label, input, hint) {
  if (!input.id) input.id = uid('field');
  const children = [h('label', { for: input.id }, label), input];
  if (hint) {
    const hintId = `${input.id}-hint`;
    input.setAttribute('aria-describedby', hintId);
    children.push(h('p', { class: 'hint', id: hintId }, hint));
  }
  return h('div', { class: 'field' }, children);
}

/** An empty value: a dash to see, `words` to hear. */
export function emptyValue(words = 'None') {
  return h('span', { class: 'muted' }, h('span', { 'aria-hidden': 'true' }, '—'), h('span', { class: 'visually-hidden' }, words));
}

/**
 * A table cell of a `.stack-table`, with its column's name in `data-label`: on a phone each row
 * becomes a card and each value shows beside its name (see console.css).
 */
export function cell(label, attributes, ...children) {
  return h('td', { ...attributes, dataset: { ...(attributes && attributes.dataset), label } }, ...children);
}

/** Whether a key press belongs to a text field (so shortcuts leave it alone). */
export function typing(event) {
  const target = event.target;
  if (!(target instanceof Element)) return false;
  return target.closest('input, textarea, select, [contenteditable="true"], dialog') !== null;
}
