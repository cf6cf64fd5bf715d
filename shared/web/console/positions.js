// The positions: the team's list (/app) and the editor of one position (/app/positions/new and
// /app/positions/{id}/edit), with its question builder.
//
// Everything goes through the public API. The editor sends every field it shows on each save
// (create and edit alike), so what the recruiter sees is exactly what is stored: an edit's
// `questions` replaces the whole list, and a question sent without `kind` or `rubric` would
// silently become a video question without a rubric.

import { api, ApiError, endsSession, idempotencyKey, listAll } from './api.js';
import { busy, cell, confirmDialog, copyButton, errorSlot, FieldErrors, h, replace, showError, toast, uid } from './ui.js';
import { plural, positionBadge, sentence, stageLabel, statusLabel, timeElement } from './format.js';

// The interview counts of a position (`counts` of PositionSummary), in the order shown.
const STATUS_COUNTS = [
  ['invited', 'invited'],
  ['inProgress', 'in_progress'],
  ['completed', 'completed'],
  ['expired', 'expired'],
];
const STAGE_COUNTS = [
  ['toEvaluate', 'to_evaluate'],
  ['shortlisted', 'shortlisted'],
  ['discarded', 'discarded'],
];

// What a question gets when a field is left out (see NewQuestion in the API contract).
const QUESTION_DEFAULTS = { kind: 'video', thinkingSeconds: 30, maxAnswerSeconds: 120, retakes: 1, maxCharacters: 2000 };
const MAX_QUESTIONS = 30;
const DEFAULT_REMINDERS = { afterInviteHours: [48], beforeDeadlineHours: [24] };
const DEFAULT_APPLICATIONS_PER_DAY = 200;

const KINDS = [
  ['video', 'Video'],
  ['audio', 'Audio only'],
  ['text', 'Written'],
];

const LANGUAGES = ['en-US', 'en-GB', 'es-ES', 'es-MX', 'fr-FR', 'de-DE', 'it-IT', 'pt-BR', 'pt-PT', 'nl-NL', 'pl-PL', 'sv-SE', 'ja-JP', 'zh-CN'];

const positionPath = (id) => `/v1/positions/${encodeURIComponent(id)}`;

/** The public application page of a saved position: by its slug when it has one. */
export function applyUrl(position) {
  return `${location.origin}/apply/${encodeURIComponent(position.publicSlug || position.id)}`;
}

function interviewTotal(counts) {
  return STATUS_COUNTS.reduce((sum, [key]) => sum + ((counts && counts[key]) || 0), 0);
}

/** The words of the delete confirmation: exactly what goes. */
function deleteBody(name, interviews) {
  const what = interviews === null
    ? 'all its interviews with their recordings, share links and comments'
    : interviews === 0
      ? 'it has no interviews, so nothing else goes with it'
      : `its ${plural(interviews, 'interview', 'interviews')}, with their recordings, share links and comments`;
  return [
    h('p', {}, 'This deletes ', h('strong', { dir: 'auto' }, name), interviews === 0 ? ` (${what}).` : ` and ${what}.`),
    h('p', {}, 'Candidate links, share links and the public application link stop working at once. This cannot be undone.'),
  ];
}

async function confirmDelete(name, interviews) {
  return confirmDialog({
    title: 'Delete this position?',
    body: deleteBody(name, interviews),
    confirmLabel: 'Delete position',
    danger: true,
  });
}

// ------------------------------------------------------------------------------------------
// The list

export async function renderList(context) {
  context.setTitle('Positions');
  const positions = await listAll('/v1/positions');
  // Newest first: the positions being filled now are the recent ones.
  positions.sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
  let showArchived = context.query.get('archived') === '1';

  const heading = h('h1', { id: 'positions-title' }, 'Positions');
  const listError = errorSlot('positions-error', { tabindex: '-1' });
  const body = h('div', { id: 'positions-body' });
  const filter = h('input', { type: 'checkbox', id: 'show-archived', checked: showArchived });
  const filterBox = h('div', { class: 'checkbox pos-filter' }, filter, h('label', { for: 'show-archived' }, 'Show archived positions'));
  const count = h('p', { class: 'muted pos-count', id: 'positions-count', 'aria-live': 'polite' });

  filter.addEventListener('change', () => {
    showArchived = filter.checked;
    // The filter lives in the URL, so a reload or a shared link shows the same list.
    const url = new URL(location.href);
    if (showArchived) url.searchParams.set('archived', '1');
    else url.searchParams.delete('archived');
    history.replaceState(null, '', url.pathname + url.search);
    draw();
    // Redrawing moves the checkbox, which drops its focus.
    filter.focus();
  });

  context.view.append(h('section', { class: 'screen pos-list', 'aria-labelledby': 'positions-title' },
    h('div', { class: 'page-header' }, heading,
      h('a', { class: 'btn btn-primary', href: '/app/positions/new', 'data-link': true, id: 'new-position' }, 'New position')),
    listError,
    body));

  function draw(focusId) {
    const archivedCount = positions.filter((p) => p.status === 'archived').length;
    const shown = positions.filter((p) => showArchived || p.status !== 'archived');
    if (positions.length === 0) {
      replace(body, h('div', { class: 'card pos-empty', id: 'positions-empty' },
        h('h2', {}, 'No positions yet'),
        h('p', {}, 'A position holds the questions candidates answer on video, audio or in writing. ',
          'Create one, then invite candidates to it or open it to public applications.'),
        h('p', {}, h('a', { class: 'btn btn-primary', href: '/app/positions/new', 'data-link': true, id: 'create-first' }, 'Create your first position'))));
      return;
    }
    count.textContent = showArchived
      ? `${plural(positions.length, 'position', 'positions')}, ${archivedCount} archived.`
      : `${plural(shown.length, 'active position', 'active positions')}${archivedCount ? `; ${archivedCount} archived not shown` : ''}.`;
    const toolbar = h('div', { class: 'pos-toolbar' }, filterBox, count);
    if (shown.length === 0) {
      replace(body, toolbar, h('div', { class: 'card pos-empty', id: 'positions-empty' },
        h('h2', {}, 'No active positions'),
        h('p', {}, `Every position of your team is archived (${archivedCount}). Show archived positions to reopen one, or create a new one.`)));
      return;
    }
    replace(body, toolbar, h('div', { class: 'table-wrap' }, table(shown)));
    if (focusId) {
      const target = body.querySelector(`[data-focus-key="${CSS.escape(focusId)}"]`);
      if (target) target.focus();
      else heading.focus();
    }
  }

  function table(shown) {
    return h('table', { class: 'pos-table stack-table', id: 'positions-table' },
      h('caption', { class: 'visually-hidden' }, 'Positions, with their interviews by status and by review stage'),
      h('colgroup', {}, h('col', { span: 2 })),
      h('colgroup', { span: STATUS_COUNTS.length }),
      h('colgroup', { span: STAGE_COUNTS.length }),
      h('colgroup', {}, h('col', {})),
      h('thead', {},
        h('tr', {},
          h('th', { rowspan: 2, scope: 'col' }, 'Position'),
          h('th', { rowspan: 2, scope: 'col', class: 'num' }, 'Questions'),
          h('th', { colspan: STATUS_COUNTS.length, scope: 'colgroup', class: 'pos-group' }, 'Interviews'),
          h('th', { colspan: STAGE_COUNTS.length, scope: 'colgroup', class: 'pos-group' }, 'Review'),
          h('th', { rowspan: 2, scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions'))),
        h('tr', {},
          STATUS_COUNTS.map(([, status]) => h('th', { scope: 'col', class: 'num' }, statusLabel(status))),
          STAGE_COUNTS.map(([, stage]) => h('th', { scope: 'col', class: 'num' }, stageLabel(stage))))),
      h('tbody', {}, shown.map(row)));
  }

  function row(position) {
    const archived = position.status === 'archived';
    const counts = position.counts || {};
    const countCell = (key, label) => cell(label, { class: `num pos-count-cell${counts[key] ? '' : ' pos-zero'}`, dataset: { count: key } },
      String(counts[key] || 0));
    const archiveButton = h('button', {
      type: 'button', class: 'btn btn-small', dataset: { action: archived ? 'unarchive' : 'archive', focusKey: `${position.id}:archive` },
      'aria-label': `${archived ? 'Unarchive' : 'Archive'} ${position.name}`,
      onclick: () => setArchived(position, !archived, archiveButton),
    }, archived ? 'Unarchive' : 'Archive');
    const deleteButton = h('button', {
      type: 'button', class: 'btn btn-small text-danger', dataset: { action: 'delete' },
      'aria-label': `Delete ${position.name}`,
      onclick: () => remove(position, deleteButton),
    }, 'Delete');
    return h('tr', { dataset: { positionId: position.id, status: position.status }, class: archived ? 'pos-archived' : '' },
      h('th', { scope: 'row', class: 'pos-name' },
        h('a', { href: `/app/positions/${encodeURIComponent(position.id)}`, 'data-link': true, dir: 'auto', class: 'pos-link', dataset: { focusKey: `${position.id}:link` } }, position.name),
        ' ',
        positionBadge(position.status),
        position.companyName ? h('span', { class: 'pos-sub muted', dir: 'auto' }, position.companyName) : null,
        h('span', { class: 'pos-sub muted pos-created' }, 'Created ', timeElement(position.createdAt, { dateOnly: true }),
          position.publicApply && !archived ? ' · public applications open' : '')),
      cell('Questions', { class: 'num', dataset: { count: 'questions' } }, String(position.questionCount)),
      STATUS_COUNTS.map(([key, status]) => countCell(key, statusLabel(status))),
      STAGE_COUNTS.map(([key, stage]) => countCell(key, stageLabel(stage))),
      h('td', { class: 'pos-actions' },
        h('div', { class: 'pos-row-actions' },
          h('a', { class: 'btn btn-small', href: `/app/positions/${encodeURIComponent(position.id)}/edit`, 'data-link': true, dataset: { action: 'edit' }, 'aria-label': `Edit ${position.name}` }, 'Edit'),
          archiveButton,
          deleteButton)));
  }

  async function setArchived(position, archive, button) {
    showError(listError, null);
    try {
      const updated = await busy(button, archive ? 'Archiving…' : 'Reopening…',
        () => api('POST', `${positionPath(position.id)}/${archive ? 'archive' : 'unarchive'}`));
      position.status = updated.status;
      toast(archive
        ? `“${position.name}” is archived: it takes no new candidates.${showArchived ? '' : ' Show archived positions to see it.'}`
        : `“${position.name}” is active again.`);
      draw(showArchived || !archive ? `${position.id}:archive` : 'none');
    } catch (error) {
      if (endsSession(error)) return;
      showError(listError, error);
    }
  }

  async function remove(position, button) {
    showError(listError, null);
    if (!await confirmDelete(position.name, interviewTotal(position.counts))) {
      button.focus();
      return;
    }
    try {
      await busy(button, 'Deleting…', () => api('DELETE', positionPath(position.id)));
      positions.splice(positions.indexOf(position), 1);
      toast(`“${position.name}” is deleted.`);
      draw('none');
    } catch (error) {
      if (endsSession(error)) return;
      if (error instanceof ApiError && error.status === 404) {
        // Someone else deleted it meanwhile: the list catches up.
        positions.splice(positions.indexOf(position), 1);
        draw('none');
      }
      showError(listError, error);
      listError.focus();
    }
  }

  draw();
  return {};
}

// ------------------------------------------------------------------------------------------
// The editor

/** Words for a field path of a validation error (`questions[1].text` → Question 2: text). */
const FIELD_NAMES = {
  name: 'Name',
  companyName: 'Company name',
  intro: 'Introduction',
  questions: 'Questions',
  defaultDeadlineDays: 'Default deadline',
  'reminders.afterInviteHours': 'Reminders after the invitation',
  'reminders.beforeDeadlineHours': 'Reminders before the deadline',
  reminders: 'Reminders',
  publicApply: 'Public applications',
  slug: 'Link name',
  maxApplicationsPerDay: 'Applications per day',
  maxUploadBytes: 'Largest recording',
  language: 'Language',
  evaluation: 'Advisory evaluation',
};
const QUESTION_FIELD_NAMES = {
  text: 'text',
  kind: 'answer type',
  thinkingSeconds: 'thinking time',
  maxAnswerSeconds: 'longest answer',
  maxCharacters: 'longest answer',
  retakes: 'retakes',
  rubric: 'rubric',
  id: 'question',
};

function fieldWords(path) {
  const question = /^questions\[(\d+)\](?:\.(\w+))?$/.exec(path || '');
  if (question) {
    const n = Number(question[1]) + 1;
    return question[2] ? `Question ${n}, ${QUESTION_FIELD_NAMES[question[2]] || question[2]}` : `Question ${n}`;
  }
  return FIELD_NAMES[path] || path || '';
}

/**
 * A number typed in a field: null when empty, the integer when whole and not negative, or an
 * error message. The API refuses fractions and negative counts as malformed JSON (400), not
 * field by field, so the console catches those itself; ranges are the server's to check.
 */
function readWhole(input) {
  if (input.validity && input.validity.badInput) return { error: 'must be a number' };
  const raw = input.value.trim();
  if (raw === '') return { value: null };
  const value = Number(raw);
  if (!Number.isFinite(value) || !Number.isInteger(value) || value < 0) return { error: 'must be a whole number, 0 or more' };
  return { value };
}

/** Hours typed as a list (`24, 72`): an array of whole numbers, or an error message. */
function readHours(input) {
  const parts = input.value.split(/[\s,;]+/).filter(Boolean);
  if (parts.some((p) => !/^\d+$/.test(p))) return { error: 'must be whole numbers of hours, separated by commas' };
  return { value: parts.map(Number) };
}

const trimmedOrNull = (value) => {
  const text = value.trim();
  return text === '' ? null : value;
};

function questionState(q) {
  return {
    id: q ? q.id : null,
    text: q ? q.text : '',
    kind: (q && q.kind) || QUESTION_DEFAULTS.kind,
    thinkingSeconds: q ? q.thinkingSeconds : QUESTION_DEFAULTS.thinkingSeconds,
    maxAnswerSeconds: q ? q.maxAnswerSeconds : QUESTION_DEFAULTS.maxAnswerSeconds,
    retakes: q ? q.retakes : QUESTION_DEFAULTS.retakes,
    maxCharacters: (q && q.maxCharacters) || QUESTION_DEFAULTS.maxCharacters,
    rubric: (q && q.rubric) || '',
  };
}

export async function renderEditor(context) {
  const id = context.params.id || null;
  let saved = id ? await api('GET', positionPath(id)) : null;
  context.setTitle(saved ? `Edit ${saved.name}` : 'New position');

  const errors = new FieldErrors();
  const items = []; // the question builder's items, in the order shown
  let lastCreate = null; // {key, body}: a repeated create of the same body reuses its key

  // --- the form's fields

  const name = h('input', { type: 'text', name: 'name', id: 'position-name', maxlength: 200, autocomplete: 'off', required: true, value: saved ? saved.name : '' });
  const companyName = h('input', { type: 'text', name: 'companyName', id: 'position-company', maxlength: 200, autocomplete: 'organization', value: saved && saved.companyName ? saved.companyName : '' });
  const intro = h('textarea', { name: 'intro', id: 'position-intro', maxlength: 2000, rows: 4 });
  intro.value = saved && saved.intro ? saved.intro : '';

  const deadline = h('input', { type: 'number', name: 'defaultDeadlineDays', id: 'position-deadline', min: 1, max: 365, step: 1, inputmode: 'numeric', value: saved && saved.defaultDeadlineDays ? String(saved.defaultDeadlineDays) : '' });
  const reminders = (saved && saved.reminders) || DEFAULT_REMINDERS;
  const afterInvite = h('input', { type: 'text', name: 'afterInviteHours', id: 'position-reminders-after', inputmode: 'numeric', autocomplete: 'off', value: reminders.afterInviteHours.join(', ') });
  const beforeDeadline = h('input', { type: 'text', name: 'beforeDeadlineHours', id: 'position-reminders-before', inputmode: 'numeric', autocomplete: 'off', value: reminders.beforeDeadlineHours.join(', ') });

  const publicApply = h('input', { type: 'checkbox', name: 'publicApply', id: 'position-public-apply', checked: Boolean(saved && saved.publicApply) });
  const slug = h('input', { type: 'text', name: 'slug', id: 'position-slug', maxlength: 64, autocomplete: 'off', spellcheck: 'false', value: saved && saved.slug ? saved.slug : '' });
  const perDay = h('input', { type: 'number', name: 'maxApplicationsPerDay', id: 'position-per-day', min: 1, max: 10000, step: 1, inputmode: 'numeric', value: String(saved ? saved.maxApplicationsPerDay || DEFAULT_APPLICATIONS_PER_DAY : DEFAULT_APPLICATIONS_PER_DAY) });
  const applyDetails = h('div', { class: 'pos-apply-details', id: 'position-apply-details' });
  const applyLink = h('div', { class: 'pos-apply-link', id: 'position-apply-link' });

  const language = h('input', { type: 'text', name: 'language', id: 'position-language', list: 'position-languages', autocomplete: 'off', spellcheck: 'false', placeholder: 'en-US', value: saved && saved.language ? saved.language : '' });
  const evaluation = h('input', { type: 'checkbox', name: 'evaluation', id: 'position-evaluation', checked: Boolean(saved && saved.evaluation) });
  const evaluationError = errors.slot('evaluation', evaluation);
  const publicApplyError = errors.slot('publicApply', publicApply);

  const questionList = h('ol', { class: 'pos-questions', id: 'questions' });
  const questionsStatus = h('p', { class: 'visually-hidden', id: 'questions-status', 'aria-live': 'polite' });
  const addButton = h('button', { type: 'button', class: 'btn', id: 'add-question', onclick: () => addQuestion() }, 'Add a question');
  const addHint = h('p', { class: 'hint', id: 'add-question-hint', hidden: true }, `A position can have at most ${MAX_QUESTIONS} questions.`);
  const questionsError = errors.slot('questions', addButton, { id: 'questions-error' });

  const summary = errorSlot('editor-errors', { class: 'notice notice-error pos-summary', tabindex: '-1' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'save-position' }, saved ? 'Save changes' : 'Create position');
  const cancel = h('button', { type: 'button', class: 'btn', id: 'cancel-edit', onclick: () => leaveEditor() }, 'Cancel');

  // --- the question builder

  function announce(message) {
    // Cleared first so the same words twice are announced twice.
    questionsStatus.textContent = '';
    requestAnimationFrame(() => { questionsStatus.textContent = message; });
  }

  function questionItem(q) {
    const state = questionState(q);
    const key = uid('q');
    const legend = h('legend', {});
    const text = h('textarea', { name: 'text', id: `${key}-text`, maxlength: 1000, rows: 3, class: 'pos-question-text' });
    text.value = state.text;
    const kind = h('select', { name: 'kind', id: `${key}-kind`, class: 'pos-kind' }, KINDS.map(([value, label]) => h('option', { value }, label)));
    kind.value = state.kind;
    const number = (name, value, min, max) => h('input', { type: 'number', name, id: `${key}-${name}`, min, max, step: 1, inputmode: 'numeric', value: String(value) });
    const thinking = number('thinkingSeconds', state.thinkingSeconds, 0, 600);
    const seconds = number('maxAnswerSeconds', state.maxAnswerSeconds, 10, 600);
    const characters = number('maxCharacters', state.maxCharacters, 1, 10000);
    const retakes = number('retakes', state.retakes, 0, 10);
    const rubric = h('textarea', { name: 'rubric', id: `${key}-rubric`, maxlength: 2000, rows: 2 });
    rubric.value = state.rubric;

    const item = { key, id: state.id, text, kind, thinking, seconds, characters, retakes, rubric };
    // Registered by the question's key, which stays with it when it moves (see showErrors).
    const questionField = (name, ...rest) => errors.field(`${key}.${name}`, ...rest);
    const recordingFields = h('div', { class: 'pos-question-grid pos-recording-fields' },
      questionField('thinkingSeconds', 'Thinking time (seconds)', thinking, 'Time to read the question before recording starts; 0 to 600.'),
      questionField('maxAnswerSeconds', 'Longest answer (seconds)', seconds, '10 to 600.'),
      questionField('retakes', 'Retakes', retakes, 'Recordings allowed after the first; 0 to 10.'));
    const writtenFields = h('div', { class: 'pos-question-grid pos-written-fields' },
      questionField('maxCharacters', 'Longest answer (characters)', characters, '1 to 10,000.'));
    const showKind = () => {
      const written = kind.value === 'text';
      recordingFields.hidden = written;
      writtenFields.hidden = !written;
    };
    kind.addEventListener('change', showKind);
    showKind();

    item.up = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'move-up' }, onclick: () => move(item, -1, item.up) }, 'Move up');
    item.down = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'move-down' }, onclick: () => move(item, 1, item.down) }, 'Move down');
    item.remove = h('button', { type: 'button', class: 'btn btn-small pos-remove text-danger', dataset: { action: 'remove' }, onclick: () => removeQuestion(item) }, 'Remove');
    item.legend = legend;
    item.element = h('li', { class: 'pos-question', id: key, dataset: { questionId: state.id || '' } },
      h('fieldset', {},
        legend,
        questionField('text', 'Question text', text, 'What the candidate is asked. It may span several lines.'),
        questionField('kind', 'Answered by', kind, null),
        recordingFields,
        writtenFields,
        questionField('rubric', 'Rubric (optional)', rubric, 'What a good answer covers, for the advisory evaluation. Never shown to candidates.'),
        h('div', { class: 'actions pos-question-actions' }, item.up, item.down, item.remove)));
    return item;
  }

  /** Numbers the questions and says which moves are possible, after any change. */
  function refreshQuestions() {
    items.forEach((item, i) => {
      const n = i + 1;
      item.legend.textContent = `Question ${n}`;
      item.up.setAttribute('aria-label', `Move question ${n} up`);
      item.down.setAttribute('aria-label', `Move question ${n} down`);
      item.remove.setAttribute('aria-label', `Remove question ${n}`);
      // aria-disabled, not disabled: the focused button must keep focus once its question
      // reaches the top or the bottom.
      item.up.setAttribute('aria-disabled', String(i === 0));
      item.down.setAttribute('aria-disabled', String(i === items.length - 1));
    });
    const full = items.length >= MAX_QUESTIONS;
    addButton.disabled = full;
    addHint.hidden = !full;
  }

  function addQuestion(q, { focus = true } = {}) {
    const item = questionItem(q);
    items.push(item);
    questionList.append(item.element);
    refreshQuestions();
    if (focus) {
      item.text.focus();
      announce(`Question ${items.length} added.`);
    }
    return item;
  }

  function move(item, delta, button) {
    const from = items.indexOf(item);
    const to = from + delta;
    if (to < 0 || to >= items.length) {
      announce(`Question ${from + 1} is already ${delta < 0 ? 'the first' : 'the last'}.`);
      return;
    }
    items.splice(from, 1);
    items.splice(to, 0, item);
    // Moving the node takes focus away from the button inside it; it is given back below.
    if (delta < 0) questionList.insertBefore(item.element, items[to + 1].element);
    else questionList.insertBefore(item.element, items[to - 1].element.nextSibling);
    refreshQuestions();
    button.focus();
    const excerpt = item.text.value.trim().slice(0, 60);
    announce(`${excerpt ? `“${excerpt}${item.text.value.trim().length > 60 ? '…' : ''}” moved` : 'Question moved'} ${delta < 0 ? 'up' : 'down'}: now question ${to + 1} of ${items.length}.`);
  }

  function removeQuestion(item) {
    const at = items.indexOf(item);
    items.splice(at, 1);
    item.element.remove();
    refreshQuestions();
    const next = items[at] || items[at - 1];
    if (next) next.text.focus();
    else addButton.focus();
    announce(`Question ${at + 1} removed. ${plural(items.length, 'question', 'questions')} left.`);
  }

  if (saved) saved.questions.forEach((q) => addQuestion(q, { focus: false }));
  else addQuestion(null, { focus: false });

  // --- public application

  function drawApply() {
    applyDetails.hidden = !publicApply.checked;
    if (!saved || !saved.publicApply) {
      replace(applyLink, publicApply.checked
        ? h('p', { class: 'hint' }, 'The link appears here once the position is saved.')
        : null);
      return;
    }
    const url = applyUrl(saved);
    const notes = [];
    if (!publicApply.checked) notes.push('Saving turns this link off.');
    else if ((slug.value.trim() || null) !== (saved.slug || null)) notes.push('Saving changes the link: the one above stops working.');
    if (saved.status === 'archived') notes.push('Archived positions take no applications: the link shows “not found” until the position is unarchived.');
    replace(applyLink,
      h('p', { class: 'label', id: 'apply-url-label' }, 'The link to share with applicants'),
      h('p', { class: 'pos-url' },
        h('a', { href: url, id: 'apply-url', target: '_blank', rel: 'noopener', 'aria-describedby': 'apply-url-label' }, url), ' ',
        copyButton(url, 'Copy link', { id: 'copy-apply-url', 'aria-label': 'Copy the public application link' })),
      notes.map((note) => h('p', { class: 'hint' }, note)));
  }
  publicApply.addEventListener('change', drawApply);
  slug.addEventListener('input', drawApply);

  // --- archive and delete (an existing position only)

  const statusBadge = positionBadge('archived', 'position-status');
  const archivedNotice = h('p', { class: 'notice notice-warn', id: 'archived-notice' },
    'This position is archived: it takes no new invitations or applications. Interviews already under way go on.');
  const archiveButton = h('button', { type: 'button', class: 'btn', id: 'archive-position', onclick: () => toggleArchived() });
  const deleteButton = h('button', { type: 'button', class: 'btn btn-danger', id: 'delete-position', onclick: () => removePosition() }, 'Delete position');
  const dangerError = h('div', { class: 'notice notice-error', id: 'danger-error', role: 'alert', hidden: true });
  const archiveHint = h('p', { class: 'hint', id: 'archive-hint' });

  function drawStatus() {
    if (!saved) return;
    const archived = saved.status === 'archived';
    statusBadge.hidden = !archived;
    archivedNotice.hidden = !archived;
    archiveButton.textContent = archived ? 'Unarchive' : 'Archive';
    archiveHint.textContent = archived
      ? 'Unarchiving opens the position to new invitations again (and to applications, when its public link is on).'
      : 'Archiving stops new invitations and applications; interviews already under way go on. You can unarchive it later.';
    drawApply();
  }

  async function toggleArchived() {
    showError(dangerError, null);
    const archive = saved.status !== 'archived';
    try {
      const updated = await busy(archiveButton, archive ? 'Archiving…' : 'Reopening…',
        () => api('POST', `${positionPath(saved.id)}/${archive ? 'archive' : 'unarchive'}`));
      saved = { ...saved, status: updated.status };
      drawStatus();
      archiveButton.focus();
      toast(archive ? `“${saved.name}” is archived.` : `“${saved.name}” is active again.`);
    } catch (error) {
      if (endsSession(error)) return;
      showError(dangerError, error);
    }
  }

  async function removePosition() {
    showError(dangerError, null);
    // The count is in the list's summaries only; without it the dialog still says what goes.
    let interviews = null;
    try {
      const summary = (await listAll('/v1/positions')).find((p) => p.id === saved.id);
      if (summary) interviews = interviewTotal(summary.counts);
    } catch {
      interviews = null;
    }
    if (!await confirmDelete(saved.name, interviews)) {
      deleteButton.focus();
      return;
    }
    try {
      await busy(deleteButton, 'Deleting…', () => api('DELETE', positionPath(saved.id)));
      toast(`“${saved.name}” is deleted.`);
      context.navigate('/app', { replace: true });
    } catch (error) {
      if (endsSession(error)) return;
      showError(dangerError, error);
    }
  }

  // --- reading the form, saving

  /** The request body, or client errors ({field, message}) for what cannot be sent. */
  function read() {
    const problems = [];
    const whole = (input, path) => {
      const result = readWhole(input);
      if (result.error) problems.push({ field: path, message: result.error });
      return result.value === undefined ? null : result.value;
    };
    const hours = (input, path) => {
      const result = readHours(input);
      if (result.error) problems.push({ field: path, message: result.error });
      return result.value || [];
    };
    if (name.value.trim() === '') problems.push({ field: 'name', message: 'enter a name for the position' });
    if (items.length === 0) problems.push({ field: 'questions', message: 'add at least one question' });
    const questions = items.map((item, i) => {
      const path = (field) => `questions[${i}].${field}`;
      const written = item.kind.value === 'text';
      // The recording settings of a written question are hidden; they are kept as they were
      // (they count in the candidate's time estimate) unless unreadable.
      const recording = (input, field) => (written ? readWhole(input).value ?? null : whole(input, path(field)));
      const question = {
        text: item.text.value,
        kind: item.kind.value,
        thinkingSeconds: recording(item.thinking, 'thinkingSeconds'),
        maxAnswerSeconds: recording(item.seconds, 'maxAnswerSeconds'),
        retakes: recording(item.retakes, 'retakes'),
        maxCharacters: written ? whole(item.characters, path('maxCharacters')) : null,
        rubric: trimmedOrNull(item.rubric.value),
      };
      if (item.id) question.id = item.id;
      return question;
    });
    const body = {
      name: name.value,
      companyName: trimmedOrNull(companyName.value),
      intro: trimmedOrNull(intro.value),
      questions,
      defaultDeadlineDays: whole(deadline, 'defaultDeadlineDays'),
      reminders: {
        afterInviteHours: hours(afterInvite, 'reminders.afterInviteHours'),
        beforeDeadlineHours: hours(beforeDeadline, 'reminders.beforeDeadlineHours'),
      },
      publicApply: publicApply.checked,
      slug: slug.value.trim() === '' ? null : slug.value.trim(),
      maxApplicationsPerDay: whole(perDay, 'maxApplicationsPerDay'),
      language: language.value.trim() === '' ? null : language.value.trim(),
      evaluation: evaluation.checked,
    };
    return { body, problems };
  }

  const initial = JSON.stringify(read().body);

  function clearErrors() {
    errors.clear();
    showError(summary, null);
  }

  /** Shows each error next to its field and all of them in the summary, which gets focus. */
  function showErrors(error, sentItems) {
    clearErrors();
    const list = [];
    for (const e of error.errors) {
      if (!e || !e.message) continue;
      // The API names a question by its place in the list sent; the form knows it by its key.
      const path = String(e.field || '').replace(/^questions\[(\d+)\]/, (whole, i) => (sentItems[Number(i)] ? sentItems[Number(i)].key : whole));
      const input = errors.show(path, e.message);
      const words = `${fieldWords(e.field)}${e.field ? ': ' : ''}${e.message}`;
      list.push(h('li', {}, input
        ? h('a', { href: `#${input.id}`, onclick: (event) => { event.preventDefault(); input.focus(); } }, words)
        : words));
    }
    // A refused slug comes as a conflict, not a list: it still belongs next to the slug.
    if (error.code === 'slug_taken') errors.show('slug', error.detail);
    replace(summary,
      h('h2', { class: 'pos-summary-title' }, 'The position was not saved'),
      h('p', {}, sentence(error.detail)),
      list.length ? h('ul', {}, list) : null);
    summary.hidden = false;
    summary.focus();
  }

  async function submit(event) {
    event.preventDefault();
    const { body, problems } = read();
    const sentItems = items.slice();
    if (problems.length) {
      showErrors(new ApiError(0, { detail: 'Some fields need your attention.', errors: problems }), sentItems);
      return;
    }
    clearErrors();
    try {
      const result = await busy(save, saved ? 'Saving…' : 'Creating…', () => {
        if (saved) return api('PATCH', positionPath(saved.id), body);
        // The same body sent again (a double click, a retry after a lost answer) reuses its
        // key, so the server replays the first answer instead of creating a second position.
        const text = JSON.stringify(body);
        if (!lastCreate || lastCreate.body !== text) lastCreate = { key: idempotencyKey(), body: text };
        return api('POST', '/v1/positions', body, { headers: { 'Idempotency-Key': lastCreate.key } });
      });
      toast(saved ? `“${result.name}” is saved.` : `“${result.name}” is created. Invite candidates to it here.`);
      // Replacing the editor in the history: Back from the candidates goes where the editor
      // was opened from, not to a form that was already sent.
      context.navigate(`/app/positions/${encodeURIComponent(result.id)}`, { replace: true });
    } catch (error) {
      if (endsSession(error)) return;
      if (error instanceof ApiError && error.code === 'idempotency_key_reused') lastCreate = null;
      showErrors(error instanceof ApiError ? error : new ApiError(0, { detail: 'Something went wrong in the console. Reload the page and try again.' }), sentItems);
    }
  }

  async function leaveEditor() {
    if (JSON.stringify(read().body) !== initial) {
      const discard = await confirmDialog({
        title: 'Discard your changes?',
        body: h('p', {}, saved ? 'Your changes to this position are not saved.' : 'This new position is not saved.'),
        confirmLabel: 'Discard changes',
        danger: true,
      });
      if (!discard) {
        cancel.focus();
        return;
      }
    }
    // Back where the recruiter came from; a page opened in a tab of its own has no "back".
    if (history.length > 1) history.back();
    else context.navigate(saved ? `/app/positions/${encodeURIComponent(saved.id)}` : '/app');
  }

  // --- the page

  const title = saved ? saved.name : 'New position';
  const form = h('form', { class: 'pos-form', id: 'position-form', novalidate: true, onsubmit: submit },
    summary,
    h('section', { class: 'card', 'aria-labelledby': 'about-title' },
      h('h2', { id: 'about-title' }, 'About the position'),
      errors.field('name', 'Name', name, 'Candidates see it, e.g. “Backend engineer”.'),
      errors.field('companyName', 'Company name (optional)', companyName, `The employer candidates see. Left empty: ${context.session.team}.`),
      errors.field('intro', 'Introduction (optional)', intro, 'Shown on the candidate’s welcome screen. It may span several lines.')),
    h('section', { class: 'card', 'aria-labelledby': 'questions-title' },
      h('h2', { id: 'questions-title' }, 'Questions'),
      h('p', { class: 'hint' }, 'Candidates answer them one by one, in this order.'),
      questionsError,
      questionList,
      questionsStatus,
      h('div', { class: 'actions' }, addButton),
      addHint),
    h('section', { class: 'card', 'aria-labelledby': 'invites-title' },
      h('h2', { id: 'invites-title' }, 'Deadline and reminders'),
      errors.field('defaultDeadlineDays', 'Default deadline (days)', deadline, 'Candidates invited without a deadline of their own get this many days, 1 to 365. Empty: no deadline.'),
      h('div', { class: 'grid-2' },
        errors.field('reminders.afterInviteHours', 'Remind after the invitation (hours)', afterInvite, 'While the candidate has not started, e.g. “48” or “24, 96”. Empty: no reminder.'),
        errors.field('reminders.beforeDeadlineHours', 'Remind before the deadline (hours)', beforeDeadline, 'While the interview is not completed, e.g. “24”. Empty: no reminder.')),
      h('p', { class: 'hint' }, 'At most 5 reminders of each kind, 1 to 720 hours. Interviews keep the policy they were invited with.')),
    h('section', { class: 'card', 'aria-labelledby': 'apply-title' },
      h('h2', { id: 'apply-title' }, 'Public application link'),
      h('div', { class: 'checkbox' }, publicApply,
        h('label', { for: publicApply.id }, 'Accept applications through a public link')),
      h('p', { class: 'hint', id: 'public-apply-hint' }, 'Anyone with the link can apply and gets their own interview link by email. Each application counts as an invitation.'),
      publicApplyError,
      applyLink,
      applyDetails),
    h('section', { class: 'card', 'aria-labelledby': 'ai-title' },
      h('h2', { id: 'ai-title' }, 'Transcripts and evaluation'),
      errors.field('language', 'Spoken language (optional)', language, 'A language and region code, such as en-US or pt-BR, for transcripts. Empty: detected from each answer.'),
      h('datalist', { id: 'position-languages' }, LANGUAGES.map((code) => h('option', { value: code }))),
      h('div', { class: 'checkbox' }, evaluation,
        h('label', { for: evaluation.id }, 'Suggest an advisory evaluation of completed interviews')),
      h('p', { class: 'hint', id: 'evaluation-hint' }, 'A language model compares each answer with its question’s rubric and reviewers see its suggestions beside the answers. It never sets a score or a stage. It needs a rubric on at least one question, and a model where Reelview runs.'),
      evaluationError),
    h('div', { class: 'actions pos-form-actions' }, save, cancel));

  publicApply.setAttribute('aria-describedby', 'public-apply-hint');
  evaluation.setAttribute('aria-describedby', 'evaluation-hint');
  applyDetails.append(h('div', { class: 'grid-2' },
    errors.field('slug', 'Link name (optional)', slug, 'Lower-case letters, digits and dashes, e.g. backend-engineer. Empty: the link uses the position’s id.'),
    errors.field('maxApplicationsPerDay', 'Applications per day', perDay, 'The most accepted in one day (UTC), 1 to 10,000.')));

  const screenParts = [
    h('nav', { 'aria-label': 'Breadcrumb', class: 'breadcrumb' },
      h('a', { href: '/app', 'data-link': true }, 'Positions'),
      saved ? [' › ', h('a', { href: `/app/positions/${encodeURIComponent(saved.id)}`, 'data-link': true, dir: 'auto' }, saved.name)] : null),
    h('div', { class: 'page-header' },
      h('h1', { id: 'editor-title', dir: 'auto' }, saved ? `Edit ${title}` : title),
      saved ? statusBadge : null),
    saved ? archivedNotice : null,
    form,
  ];
  if (saved) {
    screenParts.push(h('section', { class: 'card pos-danger', 'aria-labelledby': 'manage-title' },
      h('h2', { id: 'manage-title' }, 'Archive or delete'),
      dangerError,
      h('div', { class: 'pos-manage' },
        h('div', {}, h('div', { class: 'actions' }, archiveButton), archiveHint),
        h('div', {}, h('div', { class: 'actions' }, deleteButton),
          h('p', { class: 'hint' }, 'Deleting removes the position with all its interviews, recordings, share links and comments, for good.')))));
  }
  context.view.append(h('section', { class: 'screen pos-editor', 'aria-labelledby': 'editor-title' }, screenParts));
  drawStatus();
  drawApply();
  return {};
}
