// Building blocks every screen uses: elements built from data (never HTML strings, so nothing a
// candidate typed can become markup), notices, confirmations, progress and copy buttons.

import { describe } from './api.js';

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

/** A transient message for everyone (and screen readers) to see. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const item = h('p', { class: `toast toast-${kind}` }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 10000 : 4000);
}

/** An inline error box with the API's words; `role=alert` so it is read out. */
export function errorBox(error, id) {
  return h('div', { class: 'notice notice-error', role: 'alert', id, dataset: { code: error.code || '' } },
    describe(error).split('\n').map((line, i) => h(i === 0 ? 'p' : 'p', { class: i ? 'notice-detail' : '' }, line)));
}

/** Shows `error` in `slot` (an element), or clears it when `error` is null. */
export function showError(slot, error) {
  if (!error) {
    slot.hidden = true;
    slot.replaceChildren();
    return;
  }
  replace(slot, ...describe(error).split('\n').map((line) => h('p', {}, line)));
  slot.dataset.code = error.code || '';
  slot.hidden = false;
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

/**
 * Asks before something that cannot be undone. Answers true when confirmed.
 * `body` is a string or nodes saying exactly what will happen.
 */
export function confirmDialog({ title, body, confirmLabel = 'Confirm', danger = false }) {
  return new Promise((resolve) => {
    const confirm = h('button', { type: 'button', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, id: 'dialog-confirm' }, confirmLabel);
    const cancel = h('button', { type: 'button', class: 'btn', id: 'dialog-cancel' }, 'Cancel');
    const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, title),
      h('div', { class: 'dialog-body' }, body),
      h('div', { class: 'actions' }, cancel, confirm));
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
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/** A dialog with arbitrary content and a Close button; answers the dialog (call `.close()`). */
export function openDialog(title, ...content) {
  const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
  const closeButton = h('button', { type: 'button', class: 'btn', id: 'dialog-close' }, 'Close');
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, title), ...content, h('div', { class: 'actions' }, closeButton));
  closeButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
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

/** A button that copies `text` (a link) and says so. */
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

/** A labelled form field: `field('Email', input, 'hint')`; gives the input an id if it has none. */
export function field(label, input, hint) {
  if (!input.id) input.id = `f-${Math.random().toString(36).slice(2)}`;
  const children = [h('label', { for: input.id }, label), input];
  if (hint) {
    const hintId = `${input.id}-hint`;
    input.setAttribute('aria-describedby', hintId);
    children.push(h('p', { class: 'hint', id: hintId }, hint));
  }
  return h('div', { class: 'field' }, children);
}

/** Whether a key press belongs to a text field (so shortcuts leave it alone). */
export function typing(event) {
  const target = event.target;
  if (!(target instanceof Element)) return false;
  return target.closest('input, textarea, select, [contenteditable="true"], dialog') !== null;
}
