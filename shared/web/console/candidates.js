// A position's candidates (/app/positions/{id}): its interviews a page at a time with filters
// kept in the URL, inviting one candidate, and inviting many from a CSV file with a check of
// every row before anything is sent.
//
// The list API is cursor-based and reads a bounded stretch of interviews per filtered page, so
// a page may come back short or even empty and still have more after it: the screen never says
// "no candidates" while a `nextCursor` remains, and keeps the cursors it followed (also in
// `history.state`) so Previous and a reload land on the same page.

import { api, ApiError, describe, idempotencyKey } from './api.js';
import { h, replace, toast, busy, progress, field, copyButton, cell, emptyValue, errorBox, errorSlot, showError, FieldErrors } from './ui.js';
import {
  statusLabel, stageLabel, scoreLabel, STATUSES, STAGES, SCORES, timeElement, candidateName, plural, statusBadge, stageBadge,
  positionBadge, fromLocalInput, timeZoneName,
} from './format.js';
import { readTable, CsvError } from './csv.js';

const COLUMNS = ['email', 'firstName', 'lastName', 'phone', 'externalId'];
const REQUIRED = ['email', 'firstName', 'lastName'];
const COLUMN_LABELS = { email: 'Email', firstName: 'First name', lastName: 'Last name', phone: 'Phone', externalId: 'External ID' };
// BatchInviteRequest.candidates: maxItems 100.
const BATCH_SIZE = 100;
// Beyond this a preview table stops being readable and the page slows down: split the file.
const MAX_ROWS = 2000;
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_PAGE_SIZE = 50;
// The API's field path of each value of an invitation (the form's inputs, the CSV's columns).
const FIELD_PATHS = {
  email: 'candidate.email',
  firstName: 'candidate.firstName',
  lastName: 'candidate.lastName',
  phone: 'candidate.phone',
  externalId: 'externalId',
  deadline: 'deadline',
};
// The API's field paths, in the words of the form.
const FIELD_NAMES = {
  ...Object.fromEntries(COLUMNS.map((column) => [FIELD_PATHS[column], COLUMN_LABELS[column]])),
  deadline: 'Deadline',
  sendEmail: 'Send email',
};
const EMAIL_STATUS = {
  not_requested: 'No email was sent: pass the link on yourself.',
  pending: 'The invitation email is on its way.',
  sent: 'The invitation email was sent.',
  delivered: 'The invitation email was delivered.',
  failed: 'The invitation email could not be sent; you can resend it from the interview.',
  suppressed: 'No email was sent: this address bounced or complained before.',
};

// ---- Filters in the URL ---------------------------------------------------------------------

/** The list's filters from the URL, keeping only values the API accepts. */
export function readFilters(query) {
  const filters = {};
  const status = query.get('status');
  if (STATUSES.includes(status)) filters.status = status;
  const stage = query.get('stage');
  if (STAGES.includes(stage)) filters.stage = stage;
  const minScore = Number(query.get('minScore'));
  if (query.get('minScore') && SCORES.includes(minScore)) filters.minScore = String(minScore);
  const email = (query.get('email') || '').trim();
  const externalId = (query.get('externalId') || '').trim();
  if (email) filters.email = email;
  else if (externalId) filters.externalId = externalId;
  const limit = query.get('limit');
  if (/^\d{1,3}$/.test(limit || '') && Number(limit) >= 1 && Number(limit) <= 100) filters.limit = String(Number(limit));
  return filters;
}

/** `?status=…&…` in a fixed order (the console URL and the API take the same names); '' for none. */
export function filterQuery(filters) {
  const params = new URLSearchParams();
  for (const name of ['status', 'stage', 'minScore', 'email', 'externalId', 'limit']) {
    if (filters[name]) params.set(name, filters[name]);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function narrowing(filters) {
  return Boolean(filters.status || filters.stage || filters.minScore || filters.email || filters.externalId);
}

// ---- Row checks (the bulk preview) -----------------------------------------------------------

// Control characters, which single-line fields may not hold (the API's one-line pattern).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `email` would be refused (mirrors the API's rules), or null. */
export function emailProblem(email) {
  if (email.length > 254) return 'Email is longer than 254 characters.';
  const at = email.lastIndexOf('@');
  if (at < 0) return 'Email has no @.';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const localOk = local.length > 0 && local.length <= 64 && !local.includes('@')
    && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
  const labels = domain.split('.');
  const domainOk = labels.length > 1 && labels.every((label) => label.length > 0 && label.length <= 63
    && !label.startsWith('-') && !label.endsWith('-') && /^[\p{L}\p{N}-]+$/u.test(label));
  const specials = /[\s<>(),;:\\"[\]]/.test(email) || CONTROL.test(email);
  if (!localOk || !domainOk || specials) return 'Email is not a valid address.';
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(local)) return 'Email has non-ASCII characters before the @: mail cannot be delivered there.';
  return null;
}

function oneLineProblem(label, value, max) {
  if (value.length > max) return `${label} is longer than ${max} characters.`;
  if (CONTROL.test(value)) return `${label} must be on one line.`;
  return null;
}

function phoneProblem(phone) {
  if (phone.length > 32) return 'Phone is longer than 32 characters.';
  const digits = (phone.match(/[0-9]/g) || []).length;
  if (!/^[0-9 +\-().]+$/.test(phone) || digits < 6) return 'Phone must be digits, spaces and + - ( ) . with at least six digits.';
  return null;
}

/** Each row of the file with the reasons it would be left out (none: it will be sent). */
export function checkRows(rows) {
  const emails = new Map();
  const externalIds = new Map();
  return rows.map(({ line, values }) => {
    const reasons = [];
    for (const column of REQUIRED) {
      if (!values[column]) reasons.push(`${COLUMN_LABELS[column]} is missing.`);
    }
    if (values.email) {
      const problem = emailProblem(values.email);
      if (problem) reasons.push(problem);
      const key = values.email.toLowerCase();
      if (emails.has(key)) reasons.push(`Same email as line ${emails.get(key)}.`);
      else emails.set(key, line);
    }
    for (const column of ['firstName', 'lastName']) {
      if (values[column]) {
        const problem = oneLineProblem(COLUMN_LABELS[column], values[column], 100);
        if (problem) reasons.push(problem);
      }
    }
    if (values.phone) {
      const problem = phoneProblem(values.phone);
      if (problem) reasons.push(problem);
    }
    if (values.externalId) {
      const problem = oneLineProblem('External ID', values.externalId, 200);
      if (problem) reasons.push(problem);
      if (externalIds.has(values.externalId)) reasons.push(`Same external ID as line ${externalIds.get(values.externalId)}.`);
      else externalIds.set(values.externalId, line);
    }
    return { line, values, reasons };
  });
}

function inviteBody(values, sendEmail, deadline) {
  const body = {
    candidate: { email: values.email, firstName: values.firstName, lastName: values.lastName },
    sendEmail,
  };
  if (values.phone) body.candidate.phone = values.phone;
  if (values.externalId) body.externalId = values.externalId;
  if (deadline) body.deadline = deadline;
  return body;
}

// ---- Problems in words ----------------------------------------------------------------------

/** What a refused invitation means for the recruiter, from its problem `code`. */
function explanation(problem) {
  switch (problem.code) {
    case 'interview_already_exists_in_position':
      return 'Already invited to this position: this email has an interview here.';
    case 'external_id_already_exists_in_position':
      return 'This external ID is already used by another candidate of this position.';
    case 'position_archived':
      return 'The position is archived, so it takes no new candidates.';
    case 'invite_quota_exceeded':
      return `Your team has used its monthly invitation limit${problem.limit ? ` of ${problem.limit}` : ''}; no invitation was sent.`;
    case 'validation_failed':
      // The form shows each refused value by its field; a CSV row lists them here.
      return problem.errors && problem.errors.length ? 'Some values were not accepted:' : 'Some values were not accepted; each is marked by its field.';
    case 'idempotency_request_in_progress':
      return 'The same invitation is still being processed. Wait a moment, then look at the list.';
    case 'rate_limited':
      return 'Too many requests right now. Wait a minute and try again.';
    case 'network_error':
      return 'Not sent: the server could not be reached.';
    default:
      return null;
  }
}

/** A refused invitation as nodes: what it means, each refused field, the server's own words. */
function problemNodes(problem, { link = true } = {}) {
  const nodes = [];
  const meaning = explanation(problem);
  nodes.push(h('p', {}, meaning || problem.detail || 'The server refused this invitation.'));
  for (const error of Array.isArray(problem.errors) ? problem.errors : []) {
    if (error && error.message) nodes.push(h('p', {}, `${FIELD_NAMES[error.field] || error.field}: ${error.message}`));
  }
  if (meaning && problem.detail && problem.code !== 'network_error') {
    nodes.push(h('p', { class: 'muted problem-detail' }, `Server: ${problem.detail}${problem.code ? ` (${problem.code})` : ''}`));
  }
  if (link && problem.code === 'interview_already_exists_in_position' && problem.interviewId) {
    nodes.push(h('p', {}, h('a', { href: `/app/interviews/${encodeURIComponent(problem.interviewId)}`, 'data-link': true, class: 'existing-interview' },
      'Open the existing interview')));
  }
  return nodes;
}

function problemOf(error) {
  if (error instanceof ApiError) return { ...error.problem, code: error.code, detail: error.detail, errors: error.errors };
  return { detail: describe(error) };
}

/** An email address that may break before its @ rather than anywhere. */
function emailText(email) {
  const at = email.lastIndexOf('@');
  return at > 0 ? [email.slice(0, at), h('wbr'), email.slice(at)] : email;
}

// ---- The screen -----------------------------------------------------------------------------

export async function render(context) {
  const positionId = context.params.id;
  const position = await api('GET', `/v1/positions/${encodeURIComponent(positionId)}`);
  context.setTitle(`${position.name}: candidates`);

  const view = context.view;
  let left = false;
  let archived = position.status === 'archived';
  let filters = readFilters(context.query);
  // The cursor of each page followed so far; the last one is the page shown.
  let cursors = [null];
  let loadSequence = 0;
  let rowLinks = [];
  const remembered = history.state && history.state.candidates;
  if (remembered && remembered.positionId === positionId && remembered.query === filterQuery(filters)
      && Array.isArray(remembered.cursors) && remembered.cursors.length > 0) {
    cursors = remembered.cursors;
  }

  const basePath = `/app/positions/${encodeURIComponent(positionId)}`;

  // ---- Header ----

  let statusShown = positionBadge(position.status, 'position-status');
  const inviteToggle = h('button', {
    type: 'button', class: 'btn btn-primary', id: 'invite-toggle', 'aria-expanded': 'false', 'aria-controls': 'invite-panel',
  }, 'Invite a candidate');
  const bulkToggle = h('button', {
    type: 'button', class: 'btn', id: 'bulk-toggle', 'aria-expanded': 'false', 'aria-controls': 'bulk-panel',
  }, 'Invite from CSV');
  const reopenButton = h('button', { type: 'button', class: 'btn btn-small', id: 'reopen-position' }, 'Reopen the position');
  const archivedNotice = h('div', { class: 'notice notice-warn', id: 'archived-notice', role: 'status' },
    h('p', {}, 'This position is archived: it takes no new invitations. Interviews already under way go on.'),
    h('p', { class: 'actions' }, reopenButton));
  const headerError = errorSlot('reopen-error');

  const meta = [];
  if (position.companyName) meta.push(h('span', { class: 'meta-item', dir: 'auto' }, position.companyName));
  meta.push(h('span', { class: 'meta-item' }, plural((position.questions || []).length, 'question', 'questions')));
  if (position.estimatedMinutes) meta.push(h('span', { class: 'meta-item' }, `about ${position.estimatedMinutes} min`));

  const header = h('div', { class: 'page-header' },
    h('div', { class: 'candidates-heading' },
      h('nav', { 'aria-label': 'Breadcrumb' }, h('p', { class: 'breadcrumb' }, h('a', { href: '/app', 'data-link': true }, '← Positions'))),
      h('h1', { id: 'position-name', tabindex: '-1', dir: 'auto' }, position.name),
      h('p', { class: 'candidates-meta muted' }, statusShown, ...meta)),
    h('div', { class: 'actions' },
      h('a', { class: 'btn', href: `${basePath}/edit`, 'data-link': true, id: 'edit-position' }, 'Edit position'),
      inviteToggle, bulkToggle));

  function showArchived() {
    const fresh = positionBadge(archived ? 'archived' : 'active', 'position-status');
    statusShown.replaceWith(fresh);
    statusShown = fresh;
    archivedNotice.hidden = !archived;
    for (const button of [inviteToggle, bulkToggle]) {
      button.disabled = archived;
      if (archived) button.title = 'An archived position takes no new invitations.';
      else button.removeAttribute('title');
    }
    // Open panels stay open: one may be showing why the invitation was refused.
    for (const button of view.querySelectorAll('[data-invite-action]')) button.disabled = archived;
  }

  reopenButton.addEventListener('click', () => busy(reopenButton, 'Reopening…', async () => {
    try {
      const updated = await api('POST', `/v1/positions/${encodeURIComponent(positionId)}/unarchive`);
      archived = updated.status === 'archived';
      showError(headerError, null);
      showArchived();
      toast('The position is open again: you can invite candidates.');
      inviteToggle.focus();
    } catch (error) {
      showError(headerError, error);
    }
  }));

  // ---- Panels ----

  function openPanel(panel, toggle, focusTarget) {
    panel.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    (focusTarget || panel.querySelector('h2')).focus();
  }

  function closePanel(panel, toggle) {
    if (!panel) return;
    panel.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
  }

  // ---- Invite one ----

  const inviteForm = buildInviteForm();
  const invitePanel = h('section', { class: 'card', id: 'invite-panel', 'aria-labelledby': 'invite-title', hidden: true },
    h('h2', { id: 'invite-title', tabindex: '-1' }, 'Invite a candidate'), inviteForm.element);
  inviteToggle.addEventListener('click', () => {
    if (invitePanel.hidden) openPanel(invitePanel, inviteToggle, inviteForm.inputs.firstName);
    else closePanel(invitePanel, inviteToggle);
  });

  function buildInviteForm() {
    const inputs = {
      email: h('input', { type: 'email', id: 'invite-email', name: 'email', autocomplete: 'off', spellcheck: 'false', required: true, maxlength: '254' }),
      firstName: h('input', { type: 'text', id: 'invite-first-name', name: 'firstName', autocomplete: 'off', required: true, maxlength: '100' }),
      lastName: h('input', { type: 'text', id: 'invite-last-name', name: 'lastName', autocomplete: 'off', required: true, maxlength: '100' }),
      phone: h('input', { type: 'tel', id: 'invite-phone', name: 'phone', autocomplete: 'off', maxlength: '32' }),
      externalId: h('input', { type: 'text', id: 'invite-external-id', name: 'externalId', autocomplete: 'off', spellcheck: 'false', maxlength: '200' }),
      deadline: h('input', { type: 'datetime-local', id: 'invite-deadline', name: 'deadline' }),
    };
    const sendEmail = h('input', { type: 'checkbox', id: 'invite-send-email', name: 'sendEmail' });
    sendEmail.checked = true;
    const deadlineDefault = position.defaultDeadlineDays
      ? `Empty: the position's default, ${plural(position.defaultDeadlineDays, 'day', 'days')} from now.`
      : 'Empty: no deadline.';
    const hints = {
      phone: 'Optional. Used for the WhatsApp and SMS links.',
      externalId: 'Optional. Your own id for the candidate (e.g. from your ATS); one per candidate in this position.',
      deadline: `Optional, in your time zone (${timeZoneName()}). ${deadlineDefault}`,
    };
    const errors = new FieldErrors();
    const wrap = (name, label) => errors.field(FIELD_PATHS[name], label, inputs[name], hints[name]);
    const problemSlot = errorSlot('invite-error');
    const resultSlot = h('div', { class: 'notice notice-ok', id: 'invite-result', role: 'status', hidden: true });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'invite-submit', 'data-invite-action': true }, 'Send invitation');
    const cancel = h('button', { type: 'button', class: 'btn', id: 'invite-cancel' }, 'Close');
    const element = h('form', { id: 'invite-form', novalidate: true },
      h('p', { class: 'hint' }, 'First name, last name and email are required.'),
      h('div', { class: 'grid-2' },
        wrap('firstName', 'First name'), wrap('lastName', 'Last name'),
        wrap('email', 'Email'), wrap('phone', 'Phone (optional)'),
        wrap('externalId', 'External ID (optional)'), wrap('deadline', 'Deadline (optional)')),
      h('div', { class: 'checkbox' }, sendEmail, h('label', { for: sendEmail.id }, 'Email the candidate their link')),
      h('p', { class: 'hint invite-email-hint' }, 'Off: the interview is created and you pass its link on yourself.'),
      problemSlot, resultSlot,
      h('div', { class: 'actions' }, submit, cancel));

    // One key per invitation as typed: a retry of the same one (after a timeout) replays the
    // first answer instead of inviting twice, and any change makes it a new invitation.
    let key = null;
    element.addEventListener('input', () => { key = null; });
    sendEmail.addEventListener('change', () => {
      submit.textContent = sendEmail.checked ? 'Send invitation' : 'Create interview';
    });
    cancel.addEventListener('click', () => {
      closePanel(invitePanel, inviteToggle);
      inviteToggle.focus();
    });

    function clearErrors() {
      errors.clear();
      showError(problemSlot, null);
    }

    function showProblem(nodes) {
      replace(problemSlot, ...nodes);
      problemSlot.hidden = false;
    }

    element.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors();
      resultSlot.hidden = true;
      const values = {};
      for (const name of COLUMNS) values[name] = inputs[name].value.trim();
      const missing = ['firstName', 'lastName', 'email'].filter((name) => !values[name]);
      if (missing.length) {
        errors.place(missing.map((name) => ({ field: FIELD_PATHS[name], message: `Enter the candidate's ${COLUMN_LABELS[name].toLowerCase()}.` })));
        showProblem([h('p', {}, `Fill in: ${missing.map((name) => COLUMN_LABELS[name].toLowerCase()).join(', ')}.`)]);
        return;
      }
      let deadline = null;
      if (inputs.deadline.value) {
        const date = fromLocalInput(inputs.deadline.value);
        if (!date) {
          errors.place([{ field: 'deadline', message: 'Enter a date and time.' }]);
          return;
        }
        deadline = date.toISOString();
      }
      key = key || idempotencyKey();
      await busy(submit, 'Inviting…', async () => {
        try {
          const interview = await api('POST', `/v1/positions/${encodeURIComponent(positionId)}/interviews`,
            inviteBody(values, sendEmail.checked, deadline), { headers: { 'Idempotency-Key': key } });
          key = null;
          for (const name of Object.keys(inputs)) inputs[name].value = '';
          showInvited(interview);
          toast(`Invited ${candidateName(interview.candidate)}.`, 'ok');
          await firstPage();
          inputs.firstName.focus();
        } catch (error) {
          const problem = problemOf(error);
          if (problem.code === 'position_archived') {
            archived = true;
            showArchived();
          }
          const listed = (problem.errors || []).filter((e) => e && e.message);
          const rest = errors.place(listed);
          // Conflicts name no field, but each belongs to one.
          if (problem.code === 'interview_already_exists_in_position') errors.show(FIELD_PATHS.email, 'This email already has an interview for this position.');
          if (problem.code === 'external_id_already_exists_in_position') errors.show(FIELD_PATHS.externalId, 'This external ID is already used in this position.');
          showProblem(problemNodes({ ...problem, errors: rest }));
          // A refusal that concerns no one field: its words are where the eye already is.
          if (rest.length === listed.length && !archived) submit.focus();
        }
      });
      if (archived) submit.disabled = true;
    });

    function showInvited(interview) {
      const name = candidateName(interview.candidate);
      const parts = [
        h('p', {}, h('strong', {}, `Invited ${name}`), ` (${interview.candidate.email}). `,
          EMAIL_STATUS[interview.email && interview.email.status] || ''),
        h('p', { class: 'actions' },
          h('a', { href: `/app/interviews/${encodeURIComponent(interview.id)}`, 'data-link': true, id: 'invite-result-link' }, 'Open the interview'),
          interview.url ? copyButton(interview.url, 'Copy the candidate link', { id: 'invite-copy-link' }) : null),
      ];
      replace(resultSlot, ...parts);
      resultSlot.hidden = false;
    }

    return { element, inputs };
  }

  // ---- Invite many (CSV) ----

  const bulk = buildBulk();
  const bulkPanel = bulk.element;
  bulkToggle.addEventListener('click', () => {
    if (bulkPanel.hidden) openPanel(bulkPanel, bulkToggle);
    else closePanel(bulkPanel, bulkToggle);
  });

  function buildBulk() {
    const fileInput = h('input', { type: 'file', id: 'bulk-file', accept: '.csv,text/csv,text/plain' });
    const text = h('textarea', { id: 'bulk-text', rows: '6', spellcheck: 'false', autocomplete: 'off', wrap: 'off',
      placeholder: 'email,firstName,lastName,phone,externalId\nana@example.com,Ana,Silva,,ATS-1042' });
    const sendEmail = h('input', { type: 'checkbox', id: 'bulk-send-email' });
    sendEmail.checked = true;
    const inputError = errorSlot('bulk-error');
    const checkButton = h('button', { type: 'submit', class: 'btn btn-primary', id: 'bulk-check' }, 'Check the rows');
    const closeButton = h('button', { type: 'button', class: 'btn', id: 'bulk-close' }, 'Close');

    const inputStep = h('form', { id: 'bulk-input', novalidate: true },
      h('p', { class: 'hint', id: 'bulk-columns-hint' },
        'The first row names the columns: email, firstName, lastName, and optionally phone and externalId, in any order ',
        '(“First name” or “first_name” work too; other columns are ignored). ',
        'Nothing is sent until you have seen the check of every row.'),
      field('Choose a .csv file', fileInput, 'Saved from a spreadsheet as CSV (UTF-8). Choosing a file checks it at once.'),
      field('Or paste the CSV', text),
      h('div', { class: 'checkbox' }, sendEmail, h('label', { for: sendEmail.id }, 'Email each candidate their link')),
      inputError,
      h('div', { class: 'actions' }, checkButton, closeButton));

    const previewStep = h('div', { id: 'bulk-preview', hidden: true });
    const resultStep = h('div', { id: 'bulk-result', hidden: true });
    const element = h('section', { class: 'card bulk', id: 'bulk-panel', 'aria-labelledby': 'bulk-title', hidden: true },
      h('h2', { id: 'bulk-title', tabindex: '-1' }, 'Invite from a CSV file'),
      inputStep, previewStep, resultStep);

    closeButton.addEventListener('click', () => {
      closePanel(element, bulkToggle);
      bulkToggle.focus();
    });

    function showStep(step) {
      inputStep.hidden = step !== inputStep;
      previewStep.hidden = step !== previewStep;
      resultStep.hidden = step !== resultStep;
    }

    function fail(message) {
      showError(inputError, message);
      showStep(inputStep);
    }

    fileInput.addEventListener('change', () => {
      const file = fileInput.files && fileInput.files[0];
      if (!file) return;
      inputError.hidden = true;
      if (file.size > MAX_FILE_BYTES) {
        fail(`“${file.name}” is ${Math.round(file.size / 1024 / 1024)} MB; files up to 5 MB can be read here. Split it into smaller files.`);
        return;
      }
      const reader = new FileReader();
      reader.addEventListener('load', () => {
        if (left) return;
        text.value = String(reader.result || '');
        preview(file.name);
      });
      reader.addEventListener('error', () => fail(`“${file.name}” could not be read. Choose it again, or paste its contents.`));
      reader.readAsText(file);
    });
    // A new paste is a new list: forget the file it may have come from.
    text.addEventListener('input', () => { fileInput.value = ''; });

    inputStep.addEventListener('submit', (event) => {
      event.preventDefault();
      preview(null);
    });

    function preview(fileName) {
      inputError.hidden = true;
      const source = text.value;
      if (!source.trim()) {
        fail('Choose a .csv file or paste CSV text first.');
        text.focus();
        return;
      }
      let table;
      try {
        table = readTable(source, COLUMNS);
      } catch (error) {
        if (error instanceof CsvError) {
          fail(`The CSV could not be read: ${error.message}`);
          return;
        }
        throw error;
      }
      const missing = table.missing.filter((column) => REQUIRED.includes(column));
      if (missing.length) {
        const found = table.header.map((name) => name.trim()).filter(Boolean);
        fail([
          `The first row must name the columns email, firstName and lastName. Missing: ${missing.join(', ')}.`,
          found.length ? `The first row has: ${found.join(', ')}.` : 'The first row is empty.',
        ]);
        return;
      }
      if (table.rows.length === 0) {
        fail('The CSV has a header row but no candidates under it.');
        return;
      }
      if (table.rows.length > MAX_ROWS) {
        fail(`The CSV has ${table.rows.length} rows; up to ${MAX_ROWS} can be invited at once. Split it into smaller files.`);
        return;
      }
      const rows = checkRows(table.rows);
      showPreview(rows, table, fileName, source.includes('\uFFFD'));
    }

    function showPreview(rows, table, fileName, garbled) {
      const ready = rows.filter((row) => row.reasons.length === 0);
      const excluded = rows.filter((row) => row.reasons.length > 0);
      // The optional columns only when the file has them.
      const shown = COLUMNS.filter((column) => !table.missing.includes(column));
      const notes = [];
      if (table.ignored.length) notes.push(`Ignored columns (not used): ${table.ignored.join(', ')}.`);
      if (table.duplicated.length) notes.push(`Columns named twice: ${table.duplicated.join(', ')}; the first of each is used.`);
      if (garbled) notes.push('Some characters could not be read (shown as �): save the file as “CSV UTF-8” and choose it again.');
      if (ready.length > BATCH_SIZE) notes.push(`They go in ${Math.ceil(ready.length / BATCH_SIZE)} requests of at most ${BATCH_SIZE}.`);
      const sendButton = h('button', { type: 'button', class: 'btn btn-primary', id: 'bulk-send', 'data-invite-action': true, disabled: ready.length === 0 },
        ready.length === 1 ? 'Send 1 invitation' : `Send ${ready.length} invitations`);
      if (!sendEmail.checked) sendButton.textContent = ready.length === 1 ? 'Create 1 interview' : `Create ${ready.length} interviews`;
      const backButton = h('button', { type: 'button', class: 'btn', id: 'bulk-back' }, 'Back to the CSV');
      const heading = h('h3', { id: 'bulk-preview-title', tabindex: '-1' }, 'Check before sending');
      const summary = h('div', { class: `notice ${excluded.length ? 'notice-warn' : 'notice-ok'}`, id: 'bulk-summary' },
        h('p', {}, `${fileName ? `“${fileName}”: ` : ''}${plural(rows.length, 'row', 'rows')} read. `,
          h('strong', {}, `${ready.length} will be sent`),
          excluded.length ? `; ${plural(excluded.length, 'row has problems and is', 'rows have problems and are')} left out (marked below).` : '.'),
        notes.map((note) => h('p', {}, note)));
      const body = rows.map((row) => h('tr', { class: row.reasons.length ? 'row-invalid' : '', dataset: { line: String(row.line), valid: row.reasons.length ? 'false' : 'true' } },
        cell('Line', { class: 'num' }, String(row.line)),
        // An empty value leaves its cell empty, which a phone's card then leaves out.
        ...shown.map((column) => cell(COLUMN_LABELS[column], { class: column === 'email' ? 'cell-email' : null, dir: 'auto' },
          column === 'email' && row.values.email ? emailText(row.values.email) : (row.values[column] || null))),
        cell('Check', { class: 'bulk-check' }, row.reasons.length
          ? [h('span', { class: 'badge badge-danger' }, 'Left out'), h('ul', { class: 'reasons' }, row.reasons.map((reason) => h('li', {}, reason)))]
          : h('span', { class: 'badge badge-ok' }, 'Ready'))));
      replace(previewStep,
        heading, summary,
        h('div', { class: 'table-wrap' }, h('table', { id: 'bulk-preview-table', class: 'stack-table' },
          h('caption', { class: 'visually-hidden' }, 'The rows of the CSV and whether each will be sent'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, 'Line'),
            ...shown.map((column) => h('th', { scope: 'col' }, COLUMN_LABELS[column])),
            h('th', { scope: 'col' }, 'Check'))),
          h('tbody', {}, body))),
        h('div', { class: 'actions' }, sendButton, backButton));
      showStep(previewStep);
      sendButton.disabled = ready.length === 0 || archived;
      heading.focus();
      backButton.addEventListener('click', () => {
        showStep(inputStep);
        text.focus();
      });
      sendButton.addEventListener('click', () => send(ready, excluded, sendButton, backButton));
    }

    async function send(ready, excluded, sendButton, backButton) {
      const chunks = [];
      for (let at = 0; at < ready.length; at += BATCH_SIZE) {
        chunks.push({ rows: ready.slice(at, at + BATCH_SIZE), key: idempotencyKey() });
      }
      const bar = progress('Inviting', ready.length);
      previewStep.append(bar.element);
      backButton.disabled = true;
      const outcomes = new Map();
      const wantEmail = sendEmail.checked;
      await busy(sendButton, 'Sending…', async () => {
        let done = 0;
        let stop = null;
        for (const chunk of chunks) {
          if (left) return;
          if (stop) {
            for (const row of chunk.rows) outcomes.set(row, { problem: stop });
            continue;
          }
          try {
            const answer = await api('POST', `/v1/positions/${encodeURIComponent(positionId)}/interviews/batch`,
              { candidates: chunk.rows.map((row) => inviteBody(row.values, wantEmail, null)) },
              { headers: { 'Idempotency-Key': chunk.key } });
            for (const result of answer.results || []) {
              const row = chunk.rows[result.index];
              if (!row) continue;
              outcomes.set(row, result.interview ? { interview: result.interview } : { problem: result.problem || { detail: `Refused (${result.status}).` } });
            }
            for (const row of chunk.rows) if (!outcomes.has(row)) outcomes.set(row, { problem: { detail: 'The server gave no answer for this row.' } });
          } catch (error) {
            // The whole request was refused (archived, quota, network): the rows after it would be too.
            stop = problemOf(error);
            if (stop.code === 'position_archived') {
              archived = true;
              showArchived();
            }
            for (const row of chunk.rows) outcomes.set(row, { problem: stop });
          }
          done += chunk.rows.length;
          bar.update(done);
        }
        const created = [...outcomes.values()].filter((outcome) => outcome.interview).length;
        bar.finish(`Done: ${plural(created, 'invitation', 'invitations')} created.`);
      });
      if (left) return;
      showResult(ready, excluded, outcomes);
      await firstPage();
    }

    function showResult(ready, excluded, outcomes) {
      const created = ready.filter((row) => outcomes.get(row) && outcomes.get(row).interview);
      const failed = ready.filter((row) => !(outcomes.get(row) && outcomes.get(row).interview));
      const all = [...ready, ...excluded].sort((a, b) => a.line - b.line);
      const heading = h('h3', { id: 'bulk-result-title', tabindex: '-1' }, 'Result');
      const parts = [`${plural(created.length, 'candidate', 'candidates')} invited`];
      if (failed.length) parts.push(`${failed.length} refused by the server`);
      if (excluded.length) parts.push(`${plural(excluded.length, 'row', 'rows')} left out by the check`);
      const summary = h('div', { class: `notice ${failed.length || excluded.length ? 'notice-warn' : 'notice-ok'}`, id: 'bulk-result-summary', role: 'status' },
        h('p', {}, `${parts.join('; ')}.`));
      const rowsOut = all.map((row) => {
        const outcome = outcomes.get(row);
        let outcomeNodes;
        let kind;
        if (outcome && outcome.interview) {
          kind = 'created';
          outcomeNodes = [h('span', { class: 'badge badge-ok' }, 'Invited'), ' ',
            h('a', { href: `/app/interviews/${encodeURIComponent(outcome.interview.id)}`, 'data-link': true }, 'Open the interview')];
        } else if (outcome) {
          kind = 'failed';
          outcomeNodes = [h('span', { class: 'badge badge-danger' }, 'Not invited'), ...problemNodes(outcome.problem)];
        } else {
          kind = 'excluded';
          outcomeNodes = [h('span', { class: 'badge badge-danger' }, 'Left out by the check'),
            h('ul', { class: 'reasons' }, row.reasons.map((reason) => h('li', {}, reason)))];
        }
        return h('tr', { class: kind === 'created' ? '' : 'row-invalid', dataset: { line: String(row.line), outcome: kind } },
          cell('Line', { class: 'num' }, String(row.line)),
          cell('Name', { dir: 'auto' }, [row.values.firstName, row.values.lastName].filter(Boolean).join(' ') || '—'),
          cell('Email', { class: 'cell-email' }, row.values.email ? emailText(row.values.email) : '—'),
          cell('Result', { class: 'bulk-outcome' }, outcomeNodes));
      });
      const again = h('button', { type: 'button', class: 'btn', id: 'bulk-again' }, 'Invite more from CSV');
      const close = h('button', { type: 'button', class: 'btn', id: 'bulk-done' }, 'Close');
      replace(resultStep, heading, summary,
        h('div', { class: 'table-wrap' }, h('table', { id: 'bulk-result-table', class: 'stack-table' },
          h('caption', { class: 'visually-hidden' }, 'What happened to each row of the CSV'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, 'Line'), h('th', { scope: 'col' }, 'Name'),
            h('th', { scope: 'col' }, 'Email'), h('th', { scope: 'col' }, 'Result'))),
          h('tbody', {}, rowsOut))),
        h('div', { class: 'actions' }, again, close));
      again.addEventListener('click', reset);
      close.addEventListener('click', () => {
        reset();
        closePanel(element, bulkToggle);
        bulkToggle.focus();
      });
      showStep(resultStep);
      heading.focus();
      toast(`${plural(created.length, 'candidate', 'candidates')} invited.`, failed.length ? 'info' : 'ok');
    }

    function reset() {
      text.value = '';
      fileInput.value = '';
      inputError.hidden = true;
      previewStep.replaceChildren();
      resultStep.replaceChildren();
      showStep(inputStep);
      fileInput.focus();
    }

    return { element };
  }

  // ---- Filters ----

  const statusSelect = h('select', { id: 'filter-status', name: 'status' },
    h('option', { value: '' }, 'All statuses'), STATUSES.map((s) => h('option', { value: s }, statusLabel(s))));
  const stageSelect = h('select', { id: 'filter-stage', name: 'stage' },
    h('option', { value: '' }, 'All stages'), STAGES.map((s) => h('option', { value: s }, stageLabel(s))));
  const scoreSelect = h('select', { id: 'filter-score', name: 'minScore' },
    h('option', { value: '' }, 'Any score'), SCORES.map((s) => h('option', { value: String(s) }, `${s.toFixed(1)} or more`)));
  const searchInput = h('input', {
    type: 'search', id: 'filter-search', name: 'search', autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'search', 'aria-keyshortcuts': '/',
  });
  const sizeSelect = h('select', { id: 'filter-limit', name: 'limit' });
  const searchButton = h('button', { type: 'submit', class: 'btn', id: 'filter-apply' }, 'Search');
  const clearButton = h('button', { type: 'button', class: 'btn', id: 'filter-clear' }, 'Clear filters');
  searchInput.setAttribute('aria-describedby', 'filter-search-hint');
  const filterForm = h('form', { class: 'filters', id: 'filters', role: 'search', 'aria-label': 'Filter candidates', novalidate: true },
    h('div', { class: 'field filters-search' },
      h('label', { for: searchInput.id }, 'Email or external ID'),
      h('div', { class: 'input-row' }, searchInput, searchButton),
      h('p', { class: 'hint', id: 'filter-search-hint' }, 'Exact match: a whole email address (any case) or a whole external ID.')),
    field('Status', statusSelect), field('Stage', stageSelect), field('Minimum score', scoreSelect),
    field('Per page', sizeSelect));

  function showFilters() {
    statusSelect.value = filters.status || '';
    stageSelect.value = filters.stage || '';
    scoreSelect.value = filters.minScore || '';
    searchInput.value = filters.email || filters.externalId || '';
    const size = Number(filters.limit || DEFAULT_PAGE_SIZE);
    const sizes = [...new Set([...PAGE_SIZES, size])].sort((a, b) => a - b);
    replace(sizeSelect, sizes.map((n) => h('option', { value: String(n) }, String(n))));
    sizeSelect.value = String(size);
    clearButton.hidden = !narrowing(filters);
  }

  function applyFilters(next) {
    filters = next;
    cursors = [null];
    showFilters();
    return loadPage();
  }

  function fromForm() {
    const next = {};
    if (statusSelect.value) next.status = statusSelect.value;
    if (stageSelect.value) next.stage = stageSelect.value;
    if (scoreSelect.value) next.minScore = scoreSelect.value;
    const search = searchInput.value.trim();
    // The API looks up one of the two exactly; an address always has an @, an ATS id rarely does.
    if (search.includes('@')) next.email = search;
    else if (search) next.externalId = search;
    if (sizeSelect.value && Number(sizeSelect.value) !== DEFAULT_PAGE_SIZE) next.limit = sizeSelect.value;
    return next;
  }

  for (const select of [statusSelect, stageSelect, scoreSelect, sizeSelect]) {
    select.addEventListener('change', () => applyFilters(fromForm()));
  }
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    applyFilters(fromForm());
  });
  // The search field's own clear button (×) empties it without a submit.
  searchInput.addEventListener('search', () => {
    if (!searchInput.value && (filters.email || filters.externalId)) applyFilters(fromForm());
  });
  clearButton.addEventListener('click', () => {
    applyFilters(filters.limit ? { limit: filters.limit } : {});
    searchInput.focus();
  });

  // ---- The table ----

  const listSummary = h('p', { class: 'list-summary', id: 'list-summary', role: 'status', 'aria-live': 'polite' });
  const listError = h('div', { id: 'list-error', hidden: true });
  const emptyState = h('div', { class: 'empty-state', id: 'list-empty', hidden: true });
  const tableBody = h('tbody', { id: 'candidates-body' });
  const table = h('table', { id: 'candidates-table', class: 'candidates-table stack-table' },
    h('caption', { class: 'visually-hidden' }, `Candidates for ${position.name}, newest first`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Candidate'), h('th', { scope: 'col' }, 'Email'), h('th', { scope: 'col' }, 'External ID'),
      h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Stage'), h('th', { scope: 'col', class: 'num' }, 'Score'),
      h('th', { scope: 'col' }, 'Invited'), h('th', { scope: 'col' }, 'Completed'))),
    tableBody);
  const tableWrap = h('div', { class: 'table-wrap', id: 'candidates-table-wrap', hidden: true }, table);
  const prevButton = h('button', { type: 'button', class: 'btn', id: 'page-prev' }, 'Previous page');
  const nextButton = h('button', { type: 'button', class: 'btn', id: 'page-next' }, 'Next page');
  const pageLabel = h('span', { class: 'muted', id: 'page-label' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of candidates', hidden: true }, prevButton, pageLabel, nextButton);
  const listRegion = h('div', { class: 'list-region', id: 'list-region' },
    h('div', { class: 'list-bar' }, listSummary, clearButton), listError, emptyState, tableWrap, pager);

  let nextCursor = null;
  prevButton.addEventListener('click', () => {
    if (cursors.length < 2) return;
    cursors = cursors.slice(0, -1);
    loadPage({ focusTable: true });
  });
  nextButton.addEventListener('click', () => {
    if (!nextCursor) return;
    cursors = [...cursors, nextCursor];
    loadPage({ focusTable: true });
  });

  function firstPage() {
    cursors = [null];
    return loadPage();
  }

  function remember() {
    const query = filterQuery(filters);
    const state = { ...(history.state || {}), candidates: { positionId, query, cursors } };
    history.replaceState(state, '', `${basePath}${query}`);
  }

  function apiQuery() {
    const params = new URLSearchParams(filterQuery(filters).slice(1));
    const cursor = cursors[cursors.length - 1];
    if (cursor) params.set('cursor', cursor);
    const text = params.toString();
    return text ? `?${text}` : '';
  }

  async function loadPage({ focusTable = false } = {}) {
    const sequence = ++loadSequence;
    remember();
    listRegion.setAttribute('aria-busy', 'true');
    listSummary.textContent = 'Loading candidates…';
    prevButton.disabled = true;
    nextButton.disabled = true;
    try {
      const page = await api('GET', `/v1/positions/${encodeURIComponent(positionId)}/interviews${apiQuery()}`);
      if (left || sequence !== loadSequence) return;
      showPage(page);
      if (focusTable) (rowLinks[0] || (emptyState.hidden ? pageLabel : emptyState.querySelector('button, a')) || listSummary).focus?.();
    } catch (error) {
      if (left || sequence !== loadSequence) return;
      // A cursor kept from an earlier visit that the API no longer takes: start again from the top.
      if (error instanceof ApiError && error.status === 400 && cursors.length > 1) {
        cursors = [null];
        toast('The list started again from its first page.');
        await loadPage({ focusTable });
        return;
      }
      showListError(error);
    } finally {
      if (sequence === loadSequence) listRegion.removeAttribute('aria-busy');
    }
  }

  function showListError(error) {
    replace(listError, errorBox(error, null, { retry: () => loadPage(), retryId: 'list-retry' }));
    listError.hidden = false;
    listSummary.textContent = '';
    tableWrap.hidden = true;
    emptyState.hidden = true;
    pager.hidden = true;
  }

  function showPage(page) {
    const items = Array.isArray(page.items) ? page.items : [];
    nextCursor = page.nextCursor || null;
    const pageNumber = cursors.length;
    listError.hidden = true;
    context.shared.candidateOrder = { positionId, ids: items.map((item) => item.id), query: filterQuery(filters) };

    replace(tableBody, items.map(row));
    rowLinks = [...tableBody.querySelectorAll('a.candidate-link')];
    tableWrap.hidden = items.length === 0;

    const filtered = narrowing(filters);
    if (items.length === 0) showEmpty({ filtered, pageNumber });
    else emptyState.hidden = true;

    if (items.length === 0) listSummary.textContent = '';
    else if (filters.email || filters.externalId) listSummary.textContent = 'The candidate with this exact email or external ID:';
    else listSummary.textContent = `Page ${pageNumber}: ${plural(items.length, 'candidate', 'candidates')}${filtered ? ' matching the filters' : ''}, newest first.`
      + (nextCursor && filtered && items.length < Number(filters.limit || DEFAULT_PAGE_SIZE) ? ' More may match on the next page.' : '');

    pager.hidden = pageNumber === 1 && !nextCursor;
    prevButton.disabled = pageNumber === 1;
    nextButton.disabled = !nextCursor;
    pageLabel.textContent = `Page ${pageNumber}`;
  }

  function showEmpty({ filtered, pageNumber }) {
    const children = [];
    if (nextCursor) {
      // A filtered page reads a bounded stretch of the list: none here does not mean none at all.
      const further = h('button', { type: 'button', class: 'btn btn-primary', id: 'list-further' }, 'Look further');
      further.addEventListener('click', () => nextButton.click());
      children.push(h('p', {}, h('strong', {}, 'No matches on this page, but more candidates remain to be checked.')),
        h('p', { class: 'actions' }, further));
    } else if (pageNumber > 1) {
      children.push(h('p', {}, h('strong', {}, filtered ? 'No more candidates match these filters.' : 'No more candidates.')));
    } else if (filters.email || filters.externalId) {
      const clear = h('button', { type: 'button', class: 'btn', id: 'list-empty-clear' }, 'Clear the search');
      clear.addEventListener('click', () => clearButton.click());
      children.push(h('p', {}, h('strong', {}, filters.email
        ? `No candidate of this position has the email “${filters.email}”.`
        : `No candidate of this position has the external ID “${filters.externalId}”.`)),
      h('p', { class: 'muted' }, 'The search matches the whole address or ID exactly, not part of it.'),
      h('p', { class: 'actions' }, clear));
    } else if (filtered) {
      const clear = h('button', { type: 'button', class: 'btn', id: 'list-empty-clear' }, 'Clear filters');
      clear.addEventListener('click', () => clearButton.click());
      children.push(h('p', {}, h('strong', {}, 'No candidates match these filters.')), h('p', { class: 'actions' }, clear));
    } else {
      const one = h('button', { type: 'button', class: 'btn btn-primary', 'data-invite-action': true, id: 'empty-invite' }, 'Invite a candidate');
      const many = h('button', { type: 'button', class: 'btn', 'data-invite-action': true, id: 'empty-bulk' }, 'Invite from CSV');
      one.addEventListener('click', () => openPanel(invitePanel, inviteToggle, inviteForm.inputs.firstName));
      many.addEventListener('click', () => openPanel(bulkPanel, bulkToggle));
      one.disabled = archived;
      many.disabled = archived;
      children.push(h('p', {}, h('strong', {}, 'No candidates yet.')),
        h('p', { class: 'muted' }, archived
          ? 'This position is archived, so it takes no invitations.'
          : 'Invite candidates one at a time, or many at once from a CSV file. Each gets a personal link to record their answers.'),
        h('p', { class: 'actions' }, one, many));
    }
    replace(emptyState, ...children);
    emptyState.hidden = false;
  }

  function row(interview) {
    const link = h('a', { href: `/app/interviews/${encodeURIComponent(interview.id)}`, 'data-link': true, class: 'candidate-link', dir: 'auto' },
      candidateName(interview.candidate));
    const tr = h('tr', { dataset: { id: interview.id } },
      h('th', { scope: 'row', class: 'cell-name' }, link),
      cell('Email', { class: 'cell-email' }, emailText(interview.candidate.email)),
      cell('External ID', { class: 'cell-external', dir: 'auto' }, interview.externalId || emptyValue()),
      cell('Status', {}, statusBadge(interview.status)),
      cell('Stage', {}, stageBadge(interview.stage)),
      cell('Score', { class: 'num cell-score' }, interview.score === null || interview.score === undefined
        ? emptyValue(scoreLabel(null))
        : scoreLabel(interview.score)),
      cell('Invited', { class: 'cell-date' }, timeElement(interview.createdAt, { dateOnly: true })),
      cell('Completed', { class: 'cell-date' }, interview.completedAt ? timeElement(interview.completedAt, { dateOnly: true }) : emptyValue('Not completed')));
    // A click anywhere on the row opens it; the name link stays the one keyboard stop per row.
    tr.addEventListener('click', (event) => {
      if (event.target instanceof Element && event.target.closest('a, button, input, select, textarea')) return;
      if (window.getSelection && String(window.getSelection()).length > 0) return;
      link.click();
    });
    return tr;
  }

  // ---- Put together ----

  const listSection = h('section', { class: 'candidates-list', 'aria-labelledby': 'candidates-title' },
    h('h2', { id: 'candidates-title' }, 'Candidates'), filterForm, listRegion);
  view.append(h('section', { class: 'screen candidates', 'aria-labelledby': 'position-name' },
    header, headerError, archivedNotice, invitePanel, bulkPanel, listSection));
  showFilters();
  showArchived();
  await loadPage();

  return {
    onKey(event) {
      if (event.key === '/') {
        event.preventDefault();
        searchInput.focus();
        searchInput.select();
        return;
      }
      if (event.key === 'j' || event.key === 'k') {
        if (rowLinks.length === 0) return;
        const at = rowLinks.indexOf(document.activeElement);
        const next = at < 0 ? 0 : Math.min(rowLinks.length - 1, Math.max(0, at + (event.key === 'j' ? 1 : -1)));
        event.preventDefault();
        rowLinks[next].focus();
      }
    },
    leave() {
      left = true;
    },
  };
}
