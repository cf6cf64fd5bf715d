/*
 * The interview's steps and the state that decides them: load the link, welcome, camera check,
 * one question at a time (thinking time, recording, review, upload), submit, done, and the error
 * screens in between. The other modules do the work: candidate-api.js talks to the server,
 * candidate-recorder.js to the camera, candidate-uploader.js sends a take, candidate-takes.js keeps
 * takes on this device, candidate-screens.js shows it all.
 */
import { NetworkError, candidateApi, isTransient, tokenFromPath } from './candidate-api.js';
import * as media from './candidate-recorder.js';
import * as screens from './candidate-screens.js';
import { forgetRecordings, recordings, takeCounter } from './candidate-takes.js';
import { createUploader } from './candidate-uploader.js';
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
  meter: null,
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

function streamLive() {
  return media.isLive(state.stream);
}

/** Decides what comes next: a waiting recording, the camera check, a question, or submitting. */
function advance() {
  const q = nextQuestion();
  if (!q) return showSubmit();
  const stored = state.pending[q.id];
  if (stored) return showReview(q, takeFromRecord(stored), true);
  if (!streamLive()) return startCamera();
  return showQuestion(q);
}

function takeFromRecord(record) {
  return {
    blob: record.blob,
    contentType: record.contentType,
    seconds: record.seconds || null,
    record: record
  };
}

// -----------------------------------------------------------------------------------------------
// Camera and microphone

function startCamera() {
  screens.showCameraCheck();
  if (!media.canRecord()) {
    return showError('camera_unsupported');
  }
  const ready = streamLive() ? Promise.resolve(state.stream) : media.openCamera();
  return ready.then((stream) => {
    state.stream = stream;
    media.watchTracks(stream, onTrackEnded);
    screens.showCameraPreview(stream);
    startMeter(stream);
    const hasAudio = stream.getAudioTracks().length > 0;
    screens.showCameraStatus(hasAudio);
    if (!hasAudio) return showError('camera_missing', 'We could use your camera but not a microphone. Connect a microphone and try again.', startCamera);
    screens.cameraReady();
  }, (err) => {
    showError(media.cameraErrorKind(err), null, startCamera);
  });
}

function onTrackEnded() {
  if (state.recording && state.recording.active) {
    // Keep what was captured: the candidate can still watch and send it.
    stopRecording('Your camera or microphone stopped, so the recording ended early.');
    stopStream();
    return;
  }
  if (screens.isShown('question') || screens.isShown('camera')) {
    stopStream();
    showError('camera_busy', 'Your camera or microphone stopped working. Check the connection, then try again.', startCamera);
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

function recordingType() {
  return media.recordingType(state.session && state.session.allowedContentTypes);
}

function startRecording() {
  clearTimers();
  const q = state.current;
  if (!streamLive()) return startCamera();
  const options = media.recorderOptions(recordingType(), state.session.maxUploadBytes, q.maxAnswerSeconds);
  const recording = media.startRecorder(state.stream, options, onRecordingStopped, () => {
    screens.showQuestionStatus('Recording failed. Please try again.');
  });
  if (!recording) return showError('camera_unsupported');
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
  const q = state.current;
  const type = media.baseType(recording.mimeType) || media.baseType(recordingType()) || 'video/webm';
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
  state.current = q;
  state.take = take;
  screens.showReview(q, take, restored, takesLeft(q), state.session);
}

function retake() {
  const q = state.current;
  if (!q || takesLeft(q) <= 0) return;
  screens.clearReviewVideo();
  if (!streamLive()) {
    // The stored take stays until a new one replaces it; go straight to the question after the check.
    delete state.pending[q.id];
    return startCamera();
  }
  showQuestion(q);
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
  if (code === 'unsupported_content_type') message = 'This browser records video in a format that is not accepted. Please try another browser.';
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
// Submit

function showSubmit() {
  clearTimers();
  screens.showSubmit(state.session);
}

function submit() {
  if (!screens.startSubmitting()) return;
  state.api.submit().then((result) => {
    state.session.status = 'completed';
    state.session.completedAt = result.completedAt || new Date().toISOString();
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
  if (!streamLive()) return startCamera();
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

export { retake, startUpload, retryUpload, submit };

/** "Next question" after an answer was sent. */
export function next() {
  screens.hideNext();
  advance();
}

/** Back online while Retry is offered: retry at once. */
export function online() {
  if (screens.retryOffered()) retryUpload();
}
