/*
 * What the candidate sees: one screen at a time (with focus on its heading), the texts of every
 * screen, progress, and announcements for screen readers (aria-live). Everything here only
 * updates the DOM from the values it is given; what happens next is decided in candidate-flow.js.
 *
 * Text from the position and the invitation (names, the company, questions, the intro) is only
 * ever set as text, never as HTML. Inside one of the page's own sentences it goes in its own
 * <bdi>; an element that holds nothing else has dir="auto" in candidate.html. Either way a
 * right-to-left name keeps its direction without turning the sentence around it.
 */
import { formatBytes, formatDate, formatLength, formatSeconds, isolate, plural, safely } from './candidate-util.js';

const $ = (id) => document.getElementById(id);

const SCREENS = ['loading', 'welcome', 'camera', 'question', 'written', 'review', 'uploading', 'submit', 'done', 'error'];

/** A question's kind of answer; questions from before kinds existed are video. */
export function kindOf(q) {
  const kind = q && q.kind;
  return kind === 'audio' || kind === 'text' ? kind : 'video';
}

const KIND_LABELS = { video: 'Video answer', audio: 'Audio answer', text: 'Written answer' };

const DEFAULT_REQUIREMENTS = [
  'A device with a camera and a microphone',
  'A recent version of Chrome, Firefox, Edge or Safari',
  'A quiet, well-lit place',
  'A stable internet connection'
];

const ERRORS = {
  link_not_found: {
    title: 'This interview link doesn’t work',
    message: 'We couldn’t find an interview for this link. Check that you opened the complete link from your invitation. If it still doesn’t work, contact the person who invited you: they can send you a new link.'
  },
  interview_expired: {
    title: 'This interview has expired',
    message: 'The deadline for this interview has passed, so it can no longer be completed. If you think this is a mistake, contact the person who invited you.'
  },
  camera_denied: {
    title: 'Camera or microphone blocked',
    message: 'The interview needs your camera and microphone, but your browser did not allow this page to use them.',
    tips: [
      'Click the camera icon or the padlock in the address bar and allow the camera and the microphone for this site.',
      'On a phone, check the browser’s permissions in your device settings.',
      'Then press “Try again”.'
    ],
    action: 'Try again'
  },
  camera_missing: {
    title: 'No camera or microphone found',
    message: 'We couldn’t find a camera and a microphone on this device.',
    tips: [
      'Connect a camera and a microphone, or open this link on a phone or a laptop that has them.',
      'Then press “Try again”.'
    ],
    action: 'Try again'
  },
  camera_busy: {
    title: 'Your camera is in use',
    message: 'Another application seems to be using your camera or microphone.',
    tips: [
      'Close other apps and browser tabs that may use the camera, such as video calls.',
      'Then press “Try again”.'
    ],
    action: 'Try again'
  },
  camera_unsupported: {
    title: 'This browser can’t record video',
    message: 'Please open this link in a recent version of Chrome, Firefox, Edge or Safari.'
  },
  mic_denied: {
    title: 'Microphone blocked',
    message: 'This interview asks for spoken answers, but your browser did not allow this page to use your microphone.',
    tips: [
      'Click the microphone icon or the padlock in the address bar and allow the microphone for this site.',
      'On a phone, check the browser’s permissions in your device settings.',
      'Then press “Try again”.'
    ],
    action: 'Try again'
  },
  mic_missing: {
    title: 'No microphone found',
    message: 'We couldn’t find a microphone on this device.',
    tips: [
      'Connect a microphone or a headset, or open this link on a phone or a laptop that has one.',
      'Then press “Try again”.'
    ],
    action: 'Try again'
  },
  mic_busy: {
    title: 'Your microphone is in use',
    message: 'Another application seems to be using your microphone.',
    tips: [
      'Close other apps and browser tabs that may use the microphone, such as calls.',
      'Then press “Try again”.'
    ],
    action: 'Try again'
  },
  mic_unsupported: {
    title: 'This browser can’t record audio',
    message: 'Please open this link in a recent version of Chrome, Firefox, Edge or Safari.'
  },
  network: {
    title: 'We can’t reach the server',
    message: 'Check your internet connection and try again. Answers you have already sent are saved.',
    action: 'Try again'
  },
  generic: {
    title: 'Something went wrong',
    message: 'Please try again in a moment.',
    action: 'Reload the page'
  }
};

/** What the error screen's button does, if it is shown. */
let errorAction = null;

/** The object URL of the take on the review screen. */
let reviewUrl = null;

function setText(id, text) {
  $(id).textContent = text == null ? '' : String(text);
}

/** User text, isolated from the sentence around it. */
function bdi(text, className) {
  const el = document.createElement('bdi');
  if (className) el.className = className;
  el.textContent = text == null ? '' : String(text);
  return el;
}

/** Fills `id` with a sentence: strings are the page's own words, nodes hold user text. */
function setParts(id, parts) {
  $(id).replaceChildren(...parts);
}

function show(name) {
  SCREENS.forEach((s) => {
    $('screen-' + s).hidden = s !== name;
  });
  document.body.setAttribute('data-screen', name);
  const heading = $('screen-' + name).querySelector('h1');
  window.scrollTo(0, 0);
  if (heading) heading.focus();
}

/** Calls `handler` (with no arguments) when the button `id` is pressed. */
export function onClick(id, handler) {
  $(id).addEventListener('click', () => { handler(); });
}

export function isShown(screen) {
  return !$('screen-' + screen).hidden;
}

/** Tells screen readers about something that happened without a change of screen. */
export function announce(text) {
  const el = $('announcer');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 50);
}

/** "Question 2 of 5" in the top bar, or nothing. */
function setProgress(question, session) {
  if (!question || !session) {
    setText('progress', '');
    return;
  }
  const index = session.questions.indexOf(question);
  setText('progress', 'Question ' + (index + 1) + ' of ' + session.questions.length);
}

export function showBrand(session) {
  setText('brand', session.company || 'Video interview');
  const names = [];
  if (session.position) names.push(isolate(session.position));
  names.push(session.company ? isolate(session.company) : 'Video interview');
  document.title = names.join(' – ') + ' · Video interview';
}

// -----------------------------------------------------------------------------------------------
// Errors

/** The error screen for `kind` (a key of ERRORS). Its button runs `action`, else reloads the
 *  page where that helps, else is hidden. */
export function showError(kind, detail, action) {
  const spec = ERRORS[kind] || ERRORS.generic;
  $('screen-error').setAttribute('data-kind', kind);
  setText('error-title', spec.title);
  setText('error-message', detail || spec.message);
  const tips = $('error-tips');
  tips.textContent = '';
  (spec.tips || []).forEach((tip) => {
    const li = document.createElement('li');
    li.textContent = tip;
    tips.appendChild(li);
  });
  tips.hidden = !(spec.tips && spec.tips.length);
  const button = $('error-action');
  errorAction = action || (spec.action ? () => { location.reload(); } : null);
  button.hidden = !errorAction;
  setText('error-action', spec.action || 'Try again');
  setProgress(null);
  show('error');
}

export function runErrorAction() {
  if (errorAction) errorAction();
}

// -----------------------------------------------------------------------------------------------
// Welcome

/** The welcome screen; `answered` and `pendingCount` tell a returning candidate where they are. */
export function showWelcome(s, answered, pendingCount, next) {
  const company = s.company || '';
  const position = s.position || 'Video interview';
  setText('welcome-title', position);
  const firstName = s.candidate && s.candidate.firstName;
  const kinds = s.questions.map(kindOf);
  const videoOnly = kinds.every((k) => k === 'video');
  const recorded = kinds.filter((k) => k !== 'text');
  setParts('welcome-greeting', [
    ...(firstName ? ['Hi ', bdi(firstName), ', thank'] : ['Thank']),
    ' you for your interest',
    ...(company ? [' in ', bdi(company)] : []),
    videoOnly
      ? '. This is a one-way video interview: you record your answers to a few questions at a time ' +
        'that suits you, and the team watches them later.'
      : '. This is a one-way interview: you answer a few questions at a time that suits you (' +
        answerWays(kinds) + '), and the team goes through your answers later.'
  ]);
  setText('welcome-check-step', kinds.includes('video')
    ? 'Check that your camera and microphone work.'
    : recorded.length ? 'Check that your microphone works.' : 'Find a quiet moment: nothing needs to be recorded.');
  $('welcome-check-step').hidden = !recorded.length;
  setText('welcome-thinking-step', !recorded.length
    ? 'Write your answer to each question. It is saved as you type, and you can change it until you submit.'
    : recorded.length === kinds.length
      ? 'Each question is shown with a short time to think before recording starts.'
      : 'A question you answer by recording gives you a short time to think before recording starts; ' +
        'a written answer is saved as you type, and you can change it until you submit.');
  $('welcome-intro').hidden = !s.intro;
  setText('welcome-intro', s.intro || '');

  const count = s.questionCount != null ? s.questionCount : s.questions.length;
  setText('welcome-questions', plural(count, 'question', 'questions'));
  setText('welcome-minutes', s.estimatedMinutes ? 'About ' + plural(s.estimatedMinutes, 'minute', 'minutes') : 'A few minutes');
  $('welcome-deadline-row').hidden = !s.deadline;
  setText('welcome-deadline', s.deadline ? formatDate(s.deadline) : '');

  const maxRetakes = s.questions.filter((q) => kindOf(q) !== 'text').reduce((m, q) => Math.max(m, q.retakes || 0), 0);
  $('welcome-retakes-step').hidden = !recorded.length;
  setText('welcome-retakes-step', maxRetakes > 0
    ? 'Watch your answer back and, if you want to, record it again (up to ' + plural(maxRetakes, 'extra take', 'extra takes') + ' per question). Then send it.'
    : 'Watch your answer back, then send it. Each question is recorded once, so take your time to think first.');

  const list = $('welcome-requirements');
  list.textContent = '';
  const requirements = s.requirements && s.requirements.length ? s.requirements : DEFAULT_REQUIREMENTS;
  requirements.forEach((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    list.appendChild(li);
  });

  const resume = $('welcome-resume');
  if (answered > 0 || pendingCount > 0) {
    const parts = ['Welcome back! You have answered ' + answered + ' of ' + s.questions.length + ' questions.'];
    if (pendingCount > 0) {
      parts.push(pendingCount === 1
        ? 'One recording on this device has not been sent yet; you can send it next.'
        : pendingCount + ' recordings on this device have not been sent yet; you can send them next.');
    } else if (next) {
      parts.push('You will continue with question ' + (s.questions.indexOf(next) + 1) + '.');
    } else {
      parts.push('All that is left is to submit your interview.');
    }
    resume.textContent = parts.join(' ');
    resume.hidden = false;
    setText('start', next ? 'Continue the interview' : 'Review and submit');
  } else {
    resume.hidden = true;
    setText('start', 'Start the interview');
  }
  setProgress(null);
  show('welcome');
}

/** `video and written answers`, in the order the kinds first come. */
function answerWays(kinds) {
  const words = { video: 'on video', audio: 'by voice', text: 'in writing' };
  const seen = [];
  kinds.forEach((k) => { if (!seen.includes(words[k])) seen.push(words[k]); });
  if (seen.length < 2) return seen.join('');
  return seen.slice(0, -1).join(', ') + ' or ' + seen[seen.length - 1];
}

export function setStartEnabled(enabled) {
  $('start').disabled = !enabled;
}

// -----------------------------------------------------------------------------------------------
// Camera check

/** The device check: camera and microphone (`video`), or the microphone alone (`audio`). */
export function showCameraCheck(kind) {
  const camera = kind !== 'audio';
  setProgress(null);
  $('screen-camera').setAttribute('data-kind', camera ? 'video' : 'audio');
  setText('camera-title', camera ? 'Check your camera and microphone' : 'Check your microphone');
  setText('camera-help', camera
    ? 'Your browser will ask for permission to use your camera and microphone. Make sure your face is well lit and centred.'
    : 'Your browser will ask for permission to use your microphone. No camera is needed: your answers are recorded as sound only.');
  setText('camera-ok', camera ? 'My camera and microphone work' : 'My microphone works');
  $('camera-frame').hidden = !camera;
  $('camera-ok').disabled = true;
  $('camera-waiting').hidden = false;
  showMicLevel(0);
  setText('camera-status', camera ? 'Asking for access to your camera and microphone…' : 'Asking for access to your microphone…');
  show('camera');
}

export function showCameraPreview(stream) {
  const preview = $('camera-preview');
  preview.srcObject = stream;
  safely(Promise.resolve(preview.play()));
  $('camera-waiting').hidden = true;
}

export function showCameraStatus(hasAudio, kind) {
  if (kind === 'audio') {
    setText('camera-status', 'Your microphone is on. Check that the bar moves when you speak.');
    return;
  }
  setText('camera-status', hasAudio
    ? 'Your camera and microphone are on. Check that you can see yourself and that the bar moves when you speak.'
    : 'Your camera is on, but no microphone was found.');
}

export function cameraReady() {
  $('camera-ok').disabled = false;
}

/** The microphone level, 0–100. */
export function showMicLevel(level) {
  ['mic-level', 'question-level'].forEach((id) => {
    const meter = $(id);
    meter.value = level;
    meter.textContent = level + '%';
  });
}

export function clearPreviews() {
  $('camera-preview').srcObject = null;
  $('question-preview').srcObject = null;
}

// -----------------------------------------------------------------------------------------------
// A question: thinking time, then recording

/** The question screen in its thinking phase, with the live camera. */
export function showQuestion(q, session, takesLeft, stream) {
  const kind = kindOf(q);
  const index = session.questions.indexOf(q);
  $('screen-question').setAttribute('data-kind', kind);
  setText('question-label', 'Question ' + (index + 1) + ' of ' + session.questions.length + ':');
  setText('question-text', q.text);
  setText('question-kind', KIND_LABELS[kind]);
  setText('question-limits', 'You can answer for up to ' + formatLength(q.maxAnswerSeconds) + '. ' +
    (takesLeft > 1 ? 'You can record this answer ' + takesLeft + ' times and choose when to send it.' : 'You can record this answer once.') +
    (kind === 'audio' ? ' Only your voice is recorded; the camera stays off.' : ''));
  setText('question-status', '');
  $('phase-thinking').hidden = false;
  $('phase-recording').hidden = true;
  hideRecordingBadge();
  $('record').disabled = false;
  $('question-frame').hidden = kind !== 'video';
  $('question-audio').hidden = kind !== 'audio';
  $('audio-idle').hidden = false;
  const preview = $('question-preview');
  if (kind === 'video') {
    if (preview.srcObject !== stream) preview.srcObject = stream;
    safely(Promise.resolve(preview.play()));
  } else {
    preview.srcObject = null;
    showMicLevel(0);
  }
  setProgress(q, session);
  show('question');
}

export function showThinkingLabel(text) {
  setText('thinking-label', text);
}

/** Seconds left to think, or nothing when `remaining` is null. */
export function showThinkingCountdown(remaining) {
  setText('thinking-countdown', remaining == null ? '' : remaining >= 60 ? formatSeconds(remaining) : remaining + ' s');
}

export function setRecordEnabled(enabled) {
  $('record').disabled = !enabled;
}

export function showRecording() {
  $('phase-thinking').hidden = true;
  $('phase-recording').hidden = false;
  const audio = $('screen-question').getAttribute('data-kind') === 'audio';
  $(audio ? 'rec-badge-audio' : 'rec-badge').hidden = false;
  $('audio-idle').hidden = true;
  const stop = $('stop');
  stop.disabled = true;
  // A disabled button cannot hold focus (it would fall to <body>): keep it on the recording
  // area until Stop works, then move it there.
  $('phase-recording').setAttribute('tabindex', '-1');
  $('phase-recording').focus();
  announce('Recording started.');
  setText('question-status', '');
  $('rec-timer').classList.remove('timer-ending');
}

/** The timer and its bar; Stop works after the first second. */
export function showRecordingTime(elapsed, limit) {
  const stop = $('stop');
  if (elapsed >= 1 && stop.disabled) {
    stop.disabled = false;
    if (document.activeElement === $('phase-recording')) stop.focus();
  }
  if (elapsed >= limit) {
    setText('rec-timer', formatSeconds(limit) + ' / ' + formatSeconds(limit));
    $('rec-progress').value = 100;
    return;
  }
  setText('rec-timer', formatSeconds(elapsed) + ' / ' + formatSeconds(limit));
  $('rec-progress').value = Math.min(100, (elapsed / limit) * 100);
  if (limit - elapsed <= 10 && limit > 15) $('rec-timer').classList.add('timer-ending');
}

export function setStopEnabled(enabled) {
  $('stop').disabled = !enabled;
}

export function showQuestionStatus(text) {
  setText('question-status', text);
}

export function hideRecordingBadge() {
  $('rec-badge').hidden = true;
  $('rec-badge-audio').hidden = true;
}

/** Back to the thinking phase after a recording that came out empty. */
export function showEmptyRecording() {
  $('phase-recording').hidden = true;
  $('phase-thinking').hidden = false;
  setText('thinking-label', 'Ready when you are');
  setText('thinking-countdown', '');
  setText('question-status', 'The recording came out empty. Please record your answer again.');
  // "Start recording now" disabled the button; the candidate needs it to try again.
  setRecordEnabled(true);
  $('record').focus();
}

// -----------------------------------------------------------------------------------------------
// Review

/** The review screen playing `take`; `restored` when it was found on this device after a visit. */
export function showReview(q, take, restored, takesLeft, session) {
  const audio = kindOf(q) === 'audio';
  $('screen-review').setAttribute('data-kind', kindOf(q));
  setText('review-question', q.text);
  setText('review-restored', 'We found a recording of this answer saved on this device that was not sent yet. ' +
    (audio ? 'Listen to it' : 'Watch it') + ' and send it, or record it again.');
  $('review-restored').hidden = !restored;
  setText('review-status', '');
  $('review-frame').hidden = audio;
  $('review-audio-frame').hidden = !audio;
  if (reviewUrl) URL.revokeObjectURL(reviewUrl);
  reviewUrl = URL.createObjectURL(take.blob);
  const other = $(audio ? 'review-video' : 'review-audio');
  other.pause();
  other.removeAttribute('src');
  const video = $(audio ? 'review-audio' : 'review-video');
  video.src = reviewUrl;
  // Recorded WebM has no duration until the player has seen the end; seek there once.
  video.onloadedmetadata = () => {
    video.onloadedmetadata = null;
    if (video.duration === Infinity || isNaN(video.duration)) {
      video.onseeked = () => {
        video.onseeked = null;
        video.currentTime = 0;
      };
      video.currentTime = 1e101;
    }
  };
  const info = [];
  if (take.seconds) info.push('Length ' + formatSeconds(take.seconds));
  info.push(formatBytes(take.blob.size));
  const retake = $('retake');
  if (takesLeft > 0) {
    retake.hidden = false;
    setText('retake', 'Record again (' + plural(takesLeft, 'take', 'takes') + ' left)');
  } else {
    retake.hidden = true;
    info.push('You have used all your takes for this question.');
  }
  setText('review-info', info.join(' · '));
  const tooLarge = session.maxUploadBytes && take.blob.size > session.maxUploadBytes;
  $('upload').disabled = !!tooLarge;
  if (tooLarge) {
    setText('review-status', 'This recording is larger than the ' + formatBytes(session.maxUploadBytes) +
      ' allowed. Please record a shorter answer.');
  }
  setProgress(q, session);
  show('review');
}

export function showReviewStatus(text) {
  setText('review-status', text);
}

/** Stops the review player and lets its take go, before recording again. */
export function clearReviewVideo() {
  ['review-video', 'review-audio'].forEach((id) => {
    const player = $(id);
    player.pause();
    if (player.hasAttribute('src')) {
      player.removeAttribute('src');
      player.load();
    }
  });
  if (reviewUrl) URL.revokeObjectURL(reviewUrl);
  reviewUrl = null;
}

/** Lets the reviewed take go once the server has it. */
function releaseReviewVideo() {
  if (reviewUrl) {
    URL.revokeObjectURL(reviewUrl);
    reviewUrl = null;
    $('review-video').removeAttribute('src');
    $('review-audio').removeAttribute('src');
  }
}

// -----------------------------------------------------------------------------------------------
// A written answer

const SAVE_TEXTS = {
  dirty: 'Changes not saved yet',
  saving: 'Saving…',
  saved: 'Saved',
  offline: 'Not saved yet: we can’t reach the server. Your text is kept on this device and will be saved when the connection is back.'
};

/** The written-answer screen for `q`, its box holding `text`; `restored` when that text was
 *  found on this device, not yet saved. */
export function showWritten(q, session, text, restored) {
  const index = session.questions.indexOf(q);
  const limit = q.maxCharacters || null;
  setText('written-label', 'Question ' + (index + 1) + ' of ' + session.questions.length + ':');
  setText('written-question', q.text);
  setText('written-hint', 'Write your answer' + (limit ? ' in up to ' + plural(limit, 'character', 'characters') : '') +
    '. There is no time limit. It is saved as you type, and you can change it until you submit the interview.');
  $('written-restored').hidden = !restored;
  const box = $('written-answer');
  if (limit) box.setAttribute('maxlength', String(limit));
  else box.removeAttribute('maxlength');
  box.value = text;
  setText('written-count-live', '');
  $('written-status').removeAttribute('data-state');
  setText('written-status', '');
  $('written-next').disabled = false;
  setProgress(q, session);
  show('written');
}

/** The live `n / max` under the box; `announce` also tells screen readers (once typing pauses). */
export function showWrittenCount(count, limit, announceIt) {
  const el = $('written-count');
  el.textContent = limit ? count + ' / ' + limit + ' characters' : plural(count, 'character', 'characters');
  el.classList.toggle('char-count-full', !!limit && count >= limit);
  if (announceIt) {
    const left = limit ? limit - count : null;
    setText('written-count-live', limit
      ? (left > 0 ? 'You have ' + plural(left, 'character', 'characters') + ' left.' : 'You have reached the limit of ' + limit + ' characters.')
      : plural(count, 'character', 'characters') + '.');
  }
}

/** Where saving stands: `dirty`, `saving`, `saved`, `offline`, `refused` (with the reason), or
 *  `empty` (`detail`: an earlier answer is kept). */
export function showSaveState(state, detail) {
  const el = $('written-status');
  el.setAttribute('data-state', state);
  if (state === 'refused') return setText('written-status', detail);
  if (state === 'empty') {
    return setText('written-status', detail
      ? 'An empty answer isn’t saved: your last saved answer is kept until you write a new one.'
      : 'Not saved yet: write your answer in the box.');
  }
  setText('written-status', SAVE_TEXTS[state] || '');
}

export function writtenText() {
  return $('written-answer').value;
}

export function focusWrittenBox() {
  $('written-answer').focus();
}

export function setWrittenNextEnabled(enabled) {
  $('written-next').disabled = !enabled;
}

// -----------------------------------------------------------------------------------------------
// Upload

export function showUploadProgress(fraction) {
  const percent = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
  $('upload-progress').value = percent;
  const label = $('upload-percent');
  const shown = parseInt(label.getAttribute('data-percent') || '-100', 10);
  // Screen readers hear every tenth percent, not every event.
  if (percent === 100 || percent === 0 || Math.abs(percent - shown) >= 10) {
    label.setAttribute('data-percent', String(percent));
    label.textContent = percent + '%';
  }
}

export function showUploadStatus(text) {
  setText('upload-status', text);
}

function showSending() {
  setText('uploading-title', 'Sending your answer');
  setText('uploading-help', 'Please keep this page open until your answer is sent.');
}

export function showUploading() {
  $('review-video').pause();
  $('review-audio').pause();
  $('retry-upload').hidden = true;
  $('next').hidden = true;
  showSending();
  setText('upload-status', '');
  $('upload-percent').setAttribute('data-percent', '-100');
  showUploadProgress(0);
  show('uploading');
}

/** The automatic attempts ran out: the take is safe on this device, Retry is offered. */
export function showUploadFailed(offline) {
  showUploadProgress(0);
  setText('uploading-title', 'Your answer has not been sent yet');
  setText('uploading-help', 'Nothing is lost: you can try again now, or come back to this link later.');
  setText('upload-status', 'We couldn’t send your answer' + (offline ? ' because the connection is down' : '') +
    '. Your recording is saved on this device. Check your internet connection and press Retry.');
  const retry = $('retry-upload');
  retry.hidden = false;
  retry.focus();
}

/** Whether the uploading screen is offering Retry. */
export function retryOffered() {
  return !$('retry-upload').hidden && !$('screen-uploading').hidden;
}

export function showRetrying() {
  $('retry-upload').hidden = true;
  showSending();
  setText('upload-status', 'Trying again…');
  showUploadProgress(0);
}

export function showUploaded(answered, total, hasNext) {
  releaseReviewVideo();
  showUploadProgress(1);
  setText('uploading-title', 'Answer sent');
  setText('uploading-help', 'You have answered ' + answered + ' of ' + total + ' questions.');
  setText('upload-status', 'Your answer was received.');
  const next = $('next');
  setText('next', hasNext ? 'Next question' : 'Review and submit');
  next.hidden = false;
  $('uploading-title').focus();
}

export function hideNext() {
  $('next').hidden = true;
}

// -----------------------------------------------------------------------------------------------
// Submit and done

/** What the submit screen says about one answer. */
function answerState(q) {
  const kind = kindOf(q);
  if (!q.answered) return 'Not answered yet';
  if (kind === 'text') {
    const text = q.written && q.written.text ? q.written.text : '';
    return 'Written answer saved · ' + plural(Array.from(text).length, 'character', 'characters') + ' · you can still change it';
  }
  return kind === 'audio' ? 'Audio answer sent' : 'Video answer sent';
}

/** The submit screen; `onEdit(question)` opens a written answer again. */
export function showSubmit(session, onEdit) {
  setProgress(null);
  setParts('submit-company', [session.company ? bdi(session.company) : 'the team']);
  const list = $('submit-list');
  list.textContent = '';
  session.questions.forEach((q, i) => {
    const li = document.createElement('li');
    li.className = q.answered ? 'answered' : 'missing';
    const mark = document.createElement('span');
    mark.className = 'mark';
    mark.setAttribute('aria-hidden', 'true');
    mark.textContent = q.answered ? '✓' : '•';
    li.setAttribute('data-kind', kindOf(q));
    const text = document.createElement('span');
    text.append('Question ' + (i + 1) + ': ', bdi(q.text, 'multiline'));
    const state = document.createElement('span');
    state.className = 'answer-state';
    state.textContent = answerState(q);
    text.appendChild(state);
    const status = document.createElement('span');
    status.className = 'visually-hidden';
    status.textContent = q.answered ? ' (answered)' : ' (not answered)';
    li.appendChild(mark);
    li.appendChild(text);
    li.appendChild(status);
    if (kindOf(q) === 'text' && onEdit) {
      const edit = document.createElement('button');
      edit.type = 'button';
      edit.className = 'btn btn-secondary btn-edit';
      edit.textContent = 'Edit';
      edit.setAttribute('aria-label', 'Edit your answer to question ' + (i + 1));
      edit.addEventListener('click', () => { onEdit(q); });
      li.appendChild(edit);
    }
    list.appendChild(li);
  });
  setText('submit-status', '');
  $('submit').disabled = false;
  show('submit');
}

/** Disables the submit button while submitting; false if it already was. */
export function startSubmitting() {
  const button = $('submit');
  if (button.disabled) return false;
  button.disabled = true;
  setText('submit-status', 'Submitting…');
  return true;
}

export function showSubmitStatus(text) {
  setText('submit-status', text);
}

/** Submitting failed on the way: the button works again. */
export function showSubmitUnreachable() {
  $('submit').disabled = false;
  setText('submit-status', 'We couldn’t reach the server. Check your connection and press “Submit interview” again.');
}

/** The end: just submitted, or (`earlier`) completed on an earlier visit. */
export function showDone(s, earlier) {
  setProgress(null);
  const firstName = s.candidate && s.candidate.firstName;
  if (earlier) {
    setText('done-title', 'This interview is complete');
    setText('done-message', 'You have already completed this interview' +
      (s.completedAt ? ' on ' + formatDate(s.completedAt) : '') + '. Thank you!');
    setParts('done-detail', [s.company ? bdi(s.company) : 'The team', ' will be in touch. There is nothing more to do here.']);
  } else {
    setParts('done-title', ['Thank you', ...(firstName ? [', ', bdi(firstName)] : []), '!']);
    setParts('done-message', ['Your interview has been submitted to ', s.company ? bdi(s.company) : 'the team', '.']);
    setText('done-detail', 'They will watch your answers and get back to you. You can close this page now.');
  }
  $('screen-done').setAttribute('data-state', earlier ? 'already-completed' : 'submitted');
  show('done');
}
