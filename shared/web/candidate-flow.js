/*
 * The interview's steps and the state that decides them: load the link, welcome, device check,
 * one question at a time, submit, done, and the error screens in between.
 *
 * A question is answered by its kind: `video` (thinking time, recording with the camera, review,
 * upload), `audio` (the same with the microphone alone: no camera is asked for) or `text` (a
 * written answer, saved as it is typed; no thinking time and no timer).
 *
 * The other modules do the work: candidate-api.js talks to the server, candidate-recorder.js to
 * the camera and the microphone, candidate-uploader.js sends takes and saves written answers,
 * candidate-takes.js keeps takes and unsaved text on this device, candidate-screens.js shows it all.
 */
import { NetworkError, candidateApi, isTransient, tokenFromPath } from './candidate-api.js';
import * as media from './candidate-recorder.js';
import * as screens from './candidate-screens.js';
import { kindOf } from './candidate-screens.js';
import { forgetRecordings, localDrafts, recordings, startingText, takeCounter } from './candidate-takes.js';
import { characterCount, createAutosave, createUploader, isBlank } from './candidate-uploader.js';
import { safely } from './candidate-util.js';

const state = {
  token: null,
  api: null,
  takes: null,
  uploader: null,
  session: null,
  /** questionId → stored recording not yet confirmed by the server. */
  pending: {},
  stream: null,
  /** The kind of device check done on this visit (`video` or `audio`), or null before it. */
  checked: null,
  meter: null,
  drafts: null,
  /** The autosave of the written answer on screen, if one is. */
  autosave: null,
  countTimer: null,
  current: null,
  take: null,
  recording: null,
  recordingStarted: 0,
  recordedSeconds: 0,
  stopMessage: null,
  timers: [],
  uploading: false
};

function clearTimers() {
  state.timers.forEach((t) => { clearInterval(t); clearTimeout(t); });
  state.timers = [];
}

/** Asks before leaving while a recording or an upload is in progress. */
function onBeforeUnload(event) {
  event.preventDefault();
  event.returnValue = '';
  return '';
}
let guarded = false;
function guardLeaving(on) {
  if (on === guarded) return;
  guarded = on;
  if (on) window.addEventListener('beforeunload', onBeforeUnload);
  else window.removeEventListener('beforeunload', onBeforeUnload);
}

function showError(kind, detail, action) {
  closeWritten();
  stopMeter();
  guardLeaving(false);
  clearTimers();
  screens.showError(kind, detail, action);
}

function showServerError(err) {
  if (err instanceof NetworkError) return showError('network');
  if (err.code === 'link_not_found' || err.status === 404) return showError('link_not_found');
  if (err.code === 'interview_expired' || err.status === 410) return showError('interview_expired');
  if (err.code === 'interview_completed') return reloadSession().then(() => { showDone(true); }, () => { showDone(true); });
  return showError('generic', err.detail || null);
}

// -----------------------------------------------------------------------------------------------
// The interview

function questionById(id) {
  const qs = state.session ? state.session.questions : [];
  for (let i = 0; i < qs.length; i++) if (qs[i].id === id) return qs[i];
  return null;
}

function answeredCount() {
  return state.session.questions.filter((q) => q.answered).length;
}

function nextQuestion() {
  const qs = state.session.questions;
  for (let i = 0; i < qs.length; i++) if (!qs[i].answered) return qs[i];
  return null;
}

/** How many more times this question may be recorded before one take is sent. */
function takesLeft(q) {
  return Math.max(0, (q.attemptsLeft != null ? q.attemptsLeft : (q.retakes || 0) + 1) - state.takes.get(q.id));
}

function reloadSession() {
  return state.api.session().then((session) => {
    state.session = session;
    return session;
  });
}

export function load() {
  state.token = tokenFromPath();
  if (!state.token) return showError('link_not_found');
  state.api = candidateApi(state.token);
  state.takes = takeCounter(state.token);
  state.drafts = localDrafts(state.token);
  state.uploader = createUploader({
    api: state.api,
    multipartThreshold: () => state.session.multipartThresholdBytes,
    reloadQuestion: (questionId) => reloadSession().then(() => questionById(questionId)),
    onProgress: screens.showUploadProgress,
    onStatus: screens.showUploadStatus
  });
  return reloadSession().then((session) => {
    screens.showBrand(session);
    if (session.status === 'completed') {
      return forgetRecordings(state.token).then(() => { showDone(true); });
    }
    return restorePending().then(renderWelcome);
  }, showServerError);
}

/** Finds recordings made on this device that the server has not confirmed yet. */
function restorePending() {
  state.pending = {};
  return safely(recordings.forToken(state.token).then((records) => {
    const stale = [];
    records.forEach((record) => {
      const q = questionById(record.questionId);
      if (!q || q.answered || !record.blob || !record.blob.size) stale.push(record.key);
      else state.pending[q.id] = record;
    });
    return Promise.all(stale.map((key) => safely(recordings.remove(key))));
  }));
}

function renderWelcome() {
  screens.showWelcome(state.session, answeredCount(), Object.keys(state.pending).length, nextQuestion());
}

/** The stream has what recording `q` needs. */
function streamFits(q) {
  return media.fits(state.stream, kindOf(q));
}

/** The device check this interview needs: the camera and the microphone while a video question
 *  is still to be answered, else the microphone alone. */
function checkKind() {
  return state.session.questions.some((q) => kindOf(q) === 'video' && !q.answered) ? 'video' : 'audio';
}

/** Errors about devices, worded for the microphone alone when no camera was asked for. */
function deviceErrorKind(kind, cameraKind) {
  return kind === 'audio' ? cameraKind.replace(/^camera_/, 'mic_') : cameraKind;
}

/** Decides what comes next: a waiting recording, a written answer, the device check, a
 *  question, or submitting. */
function advance() {
  const q = nextQuestion();
  if (!q) return showSubmit();
  const stored = state.pending[q.id];
  if (stored) return showReview(q, takeFromRecord(stored), true);
  if (kindOf(q) === 'text') return showWritten(q);
  if (!state.checked) return startCamera();
  return toQuestion(q);
}

/**
 * Shows a recording question with the devices it needs. The check was done on this visit, so a
 * change of devices (the camera off for a spoken answer, back on for a video one) is asked for
 * without showing the check again; the browser has already been allowed.
 */
function toQuestion(q) {
  if (streamFits(q)) return showQuestion(q);
  const kind = kindOf(q);
  stopStream();
  return media.openDevices(kind).then((stream) => {
    state.stream = stream;
    media.watchTracks(stream, onTrackEnded);
    showQuestion(q);
  }, (err) => {
    showError(deviceErrorKind(kind, media.cameraErrorKind(err)), null, startCamera);
  });
}

function takeFromRecord(record) {
  return {
    blob: record.blob,
    contentType: record.contentType,
    seconds: record.seconds || null,
    kind: record.kind || null,
    record: record
  };
}

// -----------------------------------------------------------------------------------------------
// Camera and microphone

/** The device check: the camera and the microphone, or only the microphone when no video
 *  question is left to answer. */
function startCamera() {
  closeWritten();
  const kind = checkKind();
  screens.showCameraCheck(kind);
  if (!media.canRecord()) {
    return showError(kind === 'audio' ? 'mic_unsupported' : 'camera_unsupported');
  }
  if (state.stream && !media.fits(state.stream, kind)) stopStream();
  const ready = state.stream ? Promise.resolve(state.stream) : media.openDevices(kind);
  return ready.then((stream) => {
    state.stream = stream;
    media.watchTracks(stream, onTrackEnded);
    if (kind === 'video') screens.showCameraPreview(stream);
    startMeter(stream);
    const hasAudio = stream.getAudioTracks().length > 0;
    screens.showCameraStatus(hasAudio, kind);
    if (!hasAudio) return showError('camera_missing', 'We could use your camera but not a microphone. Connect a microphone and try again.', startCamera);
    state.checked = kind;
    screens.cameraReady();
  }, (err) => {
    showError(deviceErrorKind(kind, media.cameraErrorKind(err)), null, startCamera);
  });
}

function onTrackEnded() {
  // A device went away: the next recording starts with the check again.
  state.checked = null;
  if (state.recording && state.recording.active) {
    // Keep what was captured: the candidate can still watch and send it.
    stopRecording('Your camera or microphone stopped, so the recording ended early.');
    stopStream();
    return;
  }
  if (screens.isShown('question') || screens.isShown('camera')) {
    const audio = screens.isShown('question') ? kindOf(state.current) === 'audio' : checkKind() === 'audio';
    stopStream();
    showError(audio ? 'mic_busy' : 'camera_busy', audio
      ? 'Your microphone stopped working. Check the connection, then try again.'
      : 'Your camera or microphone stopped working. Check the connection, then try again.', startCamera);
  }
}

function stopStream() {
  stopMeter();
  if (state.stream) media.stopTracks(state.stream);
  state.stream = null;
  screens.clearPreviews();
}

function startMeter(stream) {
  stopMeter();
  state.meter = media.startMeter(stream, screens.showMicLevel);
}

function stopMeter() {
  if (!state.meter) return;
  media.stopMeter(state.meter);
  state.meter = null;
}

// -----------------------------------------------------------------------------------------------
// A question: thinking time, then recording

function showQuestion(q) {
  clearTimers();
  state.current = q;
  state.take = null;
  screens.showQuestion(q, state.session, takesLeft(q), state.stream);
  // A spoken answer has no picture to show it is working: the microphone's level does.
  if (kindOf(q) === 'audio') startMeter(state.stream);
  else stopMeter();

  const thinking = Math.max(0, q.thinkingSeconds || 0);
  if (thinking === 0) {
    screens.showThinkingLabel('Recording starts now');
    screens.showThinkingCountdown(null);
    startRecording();
    return;
  }
  screens.showThinkingLabel('Time to think. Recording starts automatically in');
  const ends = Date.now() + thinking * 1000;
  const render = () => {
    const remaining = Math.ceil((ends - Date.now()) / 1000);
    if (remaining <= 0) {
      startRecording();
      return;
    }
    screens.showThinkingCountdown(remaining);
  };
  render();
  state.timers.push(setInterval(render, 200));
}

/** The recording type for `q`, from the types the question (or, before kinds, the session) allows. */
function recordingType(q) {
  const allowed = q && q.allowedContentTypes && q.allowedContentTypes.length
    ? q.allowedContentTypes
    : kindOf(q) === 'video' ? state.session && state.session.allowedContentTypes : null;
  return media.recordingType(kindOf(q), allowed);
}

function startRecording() {
  clearTimers();
  const q = state.current;
  if (!streamFits(q)) return startCamera();
  const options = media.recorderOptions(kindOf(q), recordingType(q), state.session.maxUploadBytes, q.maxAnswerSeconds);
  const recording = media.startRecorder(state.stream, options, onRecordingStopped, () => {
    screens.showQuestionStatus('Recording failed. Please try again.');
  });
  if (!recording) return showError(kindOf(q) === 'audio' ? 'mic_unsupported' : 'camera_unsupported');
  state.recording = recording;
  guardLeaving(true);
  screens.showRecording();

  const limit = Math.max(1, q.maxAnswerSeconds || 60);
  const started = performance.now();
  state.recordingStarted = started;
  const render = () => {
    const elapsed = (performance.now() - started) / 1000;
    screens.showRecordingTime(elapsed, limit);
    if (elapsed >= limit) stopRecording('Time is up: your answer was recorded.');
  };
  render();
  state.timers.push(setInterval(render, 200));
}

function stopRecording(message) {
  clearTimers();
  const recording = state.recording;
  if (!recording || !recording.active) return;
  state.recordedSeconds = Math.min(
    (performance.now() - state.recordingStarted) / 1000,
    Math.max(1, state.current.maxAnswerSeconds || 60)
  );
  state.stopMessage = message || 'Recording stopped.';
  screens.setStopEnabled(false);
  recording.stop();
}

function onRecordingStopped(recording) {
  if (state.recording !== recording) return;
  state.recording = null;
  clearTimers();
  guardLeaving(false);
  screens.hideRecordingBadge();
  stopMeter();
  const q = state.current;
  const fallback = kindOf(q) === 'audio' ? 'audio/webm' : 'video/webm';
  const type = media.baseType(recording.mimeType) || media.baseType(recordingType(q)) || fallback;
  const blob = recording.takeBlob(type);
  if (!blob.size) {
    screens.showEmptyRecording();
    return;
  }
  state.takes.add(q.id);
  const record = {
    key: recordings.key(state.token, q.id),
    token: state.token,
    questionId: q.id,
    kind: kindOf(q),
    blob: blob,
    contentType: type,
    size: blob.size,
    seconds: state.recordedSeconds,
    savedAt: new Date().toISOString(),
    uploadId: null,
    method: null,
    partSize: null,
    putDone: false
  };
  const previous = state.pending[q.id];
  state.pending[q.id] = record;
  screens.announce(state.stopMessage || 'Recording stopped.');
  // Saved before anything is sent, so a reload or a lost connection keeps the answer.
  safely(recordings.put(record)).then(() => {
    if (previous && previous.uploadId) state.uploader.abort(previous);
  });
  showReview(q, takeFromRecord(record), false);
}

// -----------------------------------------------------------------------------------------------
// Review

function showReview(q, take, restored) {
  clearTimers();
  stopMeter();
  state.current = q;
  state.take = take;
  screens.showReview(q, take, restored, takesLeft(q), state.session);
}

function retake() {
  const q = state.current;
  if (!q || takesLeft(q) <= 0) return;
  screens.clearReviewVideo();
  if (!state.checked) {
    // The stored take stays until a new one replaces it; go straight to the question after the check.
    delete state.pending[q.id];
    return startCamera();
  }
  toQuestion(q);
}

// -----------------------------------------------------------------------------------------------
// Upload

function startUpload() {
  const q = state.current;
  const take = state.take;
  if (!q || !take || state.uploading) return;
  state.uploading = true;
  guardLeaving(true);
  screens.showUploading();
  upload(q, take.record);
}

function retryUpload() {
  if (state.uploading || !state.take) return;
  state.uploading = true;
  guardLeaving(true);
  screens.showRetrying();
  upload(state.current, state.take.record);
}

/** Sends the take and shows how it went. */
function upload(q, record) {
  return state.uploader.upload(q, record).then((outcome) => {
    if (!outcome.ok) {
      if (outcome.retryable) giveUp(outcome.error);
      else handleUploadFailure(q, record, outcome.error);
    }
    state.uploading = false;
    if (outcome.ok && outcome.confirmed) onUploaded(q, record, outcome.confirmed);
  });
}

/** The automatic attempts ran out: offer Retry. */
function giveUp(err) {
  state.uploading = false;
  // The recording is safe on this device, so leaving the page no longer loses anything.
  guardLeaving(false);
  screens.showUploadFailed(err instanceof NetworkError);
}

/** Errors that another attempt cannot fix. */
function handleUploadFailure(q, record, err) {
  state.uploading = false;
  guardLeaving(false);
  const code = err && err.code;
  if (code === 'interview_expired' || code === 'link_not_found' || code === 'interview_completed') {
    showServerError(err);
    return;
  }
  if (code === 'retakes_exhausted') {
    // Another tab or device may have answered already: trust the server's view.
    reloadSession().then(() => {
      const fresh = questionById(q.id);
      if (fresh && fresh.answered) {
        safely(recordings.remove(record.key));
        delete state.pending[q.id];
        return advance();
      }
      showError('generic', 'There are no attempts left for this question. Please contact the person who invited you.');
    }, showServerError);
    return;
  }
  let message = (err && err.detail) || 'The answer could not be sent.';
  if (code === 'upload_too_large') message = 'This recording is too large to send. Please record a shorter answer.';
  if (code === 'unsupported_content_type') {
    message = 'This browser records ' + (kindOf(q) === 'audio' ? 'audio' : 'video') +
      ' in a format that is not accepted. Please try another browser.';
  }
  showReview(q, state.take, false);
  screens.showReviewStatus(message);
}

function onUploaded(q, record, confirmed) {
  guardLeaving(false);
  q.answered = true;
  q.answer = confirmed.answer || q.answer;
  if (confirmed.attemptsLeft != null) q.attemptsLeft = confirmed.attemptsLeft;
  if (confirmed.retakesUsed != null) q.retakesUsed = confirmed.retakesUsed;
  if (state.session.status === 'invited') state.session.status = 'in_progress';
  delete state.pending[q.id];
  state.takes.clear(q.id);
  // Only now, with the server's confirmation in hand, is the local copy let go.
  safely(recordings.remove(record.key));
  state.take = null;
  screens.showUploaded(answeredCount(), state.session.questions.length, !!nextQuestion());
}

// -----------------------------------------------------------------------------------------------
// A written answer: no thinking time and no timer; saved as it is typed

function showWritten(q) {
  clearTimers();
  closeWritten();
  // Nothing is recorded here: the camera and the microphone go off until they are needed.
  stopStream();
  state.current = q;
  state.take = null;
  const start = startingText(q, state.drafts);
  screens.showWritten(q, state.session, start.text, start.restored);
  showCount(start.text, false);
  state.autosave = createAutosave({
    api: state.api,
    q: q,
    drafts: state.drafts,
    text: start.text,
    saved: q.written ? q.written.text : '',
    onState: screens.showSaveState,
    onSaved: (response, text) => {
      q.written = { text: text, savedAt: response.savedAt || new Date().toISOString() };
      q.answered = !isBlank(text);
      if (state.session.status === 'invited') state.session.status = 'in_progress';
    },
    onFatal: showServerError
  });
  if (start.restored) state.autosave.flush();
}

function showCount(text, announceIt) {
  screens.showWrittenCount(characterCount(text), state.current && state.current.maxCharacters, announceIt);
}

/** Every keystroke: the count now, for screen readers once typing pauses; the autosave. */
function writtenInput() {
  if (!state.autosave) return;
  const text = screens.writtenText();
  showCount(text, false);
  if (state.countTimer) clearTimeout(state.countTimer);
  state.countTimer = setTimeout(() => { showCount(screens.writtenText(), true); }, 1000);
  state.autosave.input(text);
}

function writtenBlur() {
  if (state.autosave) state.autosave.flush();
}

/** "Save and continue": saved, then on to the next question that needs an answer. */
function writtenNext() {
  const autosave = state.autosave;
  if (!autosave) return;
  screens.setWrittenNextEnabled(false);
  autosave.input(screens.writtenText());
  autosave.flush().then((outcome) => {
    if (state.autosave !== autosave) return;
    screens.setWrittenNextEnabled(true);
    if (outcome === 'saved') {
      closeWritten();
      advance();
      return;
    }
    if (outcome !== 'fatal') screens.focusWrittenBox();
  });
}

/** Leaving the written answer on screen: its last save goes on, its timers stop. */
function closeWritten() {
  if (state.countTimer) clearTimeout(state.countTimer);
  state.countTimer = null;
  if (!state.autosave) return;
  state.autosave.flush();
  state.autosave.close();
  state.autosave = null;
}

// -----------------------------------------------------------------------------------------------
// Submit

function showSubmit() {
  clearTimers();
  closeWritten();
  stopMeter();
  screens.showSubmit(state.session, editWritten);
}

/** "Edit" next to a written answer on the submit screen. */
function editWritten(q) {
  showWritten(q);
}

function submit() {
  if (!screens.startSubmitting()) return;
  state.api.submit().then((result) => {
    state.session.status = 'completed';
    state.session.completedAt = result.completedAt || new Date().toISOString();
    state.session.questions.forEach((q) => { if (kindOf(q) === 'text') state.drafts.clear(q.id); });
    return forgetRecordings(state.token).then(() => { showDone(false); });
  }, (err) => {
    if (err.code === 'answers_missing') {
      screens.showSubmitStatus('Some answers are missing. Taking you to the next one…');
      return reloadSession().then(() => {
        return restorePending();
      }).then(advance, showServerError);
    }
    if (err.code === 'interview_completed') return showDone(true);
    if (err instanceof NetworkError || isTransient(err)) {
      screens.showSubmitUnreachable();
      return null;
    }
    return showServerError(err);
  });
}

function showDone(earlier) {
  clearTimers();
  stopStream();
  guardLeaving(false);
  screens.showDone(state.session || {}, earlier);
}

// -----------------------------------------------------------------------------------------------
// What the candidate's buttons do

/** Start / Continue on the welcome screen. */
export function start() {
  screens.setStartEnabled(false);
  Promise.resolve(advance()).then(() => { screens.setStartEnabled(true); });
}

/** "My camera and microphone work". */
export function cameraChecked() {
  if (!state.checked || !media.fits(state.stream, state.checked)) return startCamera();
  stopMeter();
  advance();
}

/** "Start recording now", before the thinking time is over. */
export function recordNow() {
  screens.setRecordEnabled(false);
  startRecording();
}

export function stop() {
  stopRecording('Recording stopped.');
}

export { retake, startUpload, retryUpload, submit, writtenInput, writtenBlur, writtenNext };

/** The page is being hidden or closed: a written answer not saved yet gets a last save. */
export function pageHidden() {
  if (state.autosave) state.autosave.pageHidden();
}

/** "Next question" after an answer was sent. */
export function next() {
  screens.hideNext();
  advance();
}

/** Back online while Retry is offered: retry at once. */
export function online() {
  if (screens.retryOffered()) retryUpload();
  if (state.autosave && !state.autosave.settled) state.autosave.flush();
}
