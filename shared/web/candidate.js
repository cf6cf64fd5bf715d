/*
 * The candidate's interview page: welcome, device check, one question at a time (video or audio:
 * thinking time, recording, review, upload; text: a written answer saved as it is typed), submit.
 *
 * Recordings are kept in IndexedDB from the moment they are made until the server has confirmed
 * the upload, so a reload, a crash or a lost connection never costs the candidate an answer.
 *
 * This entry module only connects the page's buttons to the steps and loads the interview:
 *   candidate-flow.js      the steps and the state that decides them
 *   candidate-screens.js   what the candidate sees (DOM, focus, aria-live)
 *   candidate-api.js       the /v1/candidate/{token} API client
 *   candidate-recorder.js  camera, microphone, MediaRecorder
 *   candidate-uploader.js  sending a take (single PUT or multipart, resume, retries, progress);
 *                          saving a written answer as it is typed
 *   candidate-takes.js     takes and unsaved text kept on this device until the server confirms them
 *   candidate-util.js      small helpers: formatting, waiting
 */
import * as flow from './candidate-flow.js';
import { onClick, runErrorAction } from './candidate-screens.js';

function init() {
  onClick('start', flow.start);
  onClick('camera-ok', flow.cameraChecked);
  onClick('record', flow.recordNow);
  onClick('stop', flow.stop);
  onClick('retake', flow.retake);
  onClick('upload', flow.startUpload);
  onClick('retry-upload', flow.retryUpload);
  onClick('next', flow.next);
  onClick('submit', flow.submit);
  onClick('written-next', flow.writtenNext);
  const box = document.getElementById('written-answer');
  box.addEventListener('input', flow.writtenInput);
  box.addEventListener('blur', flow.writtenBlur);
  onClick('error-action', runErrorAction);
  window.addEventListener('online', flow.online);
  window.addEventListener('pagehide', flow.pageHidden);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flow.pageHidden();
  });
  flow.load();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
