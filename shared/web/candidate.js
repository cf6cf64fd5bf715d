/*
 * The candidate's interview page: welcome, camera check, one question at a time (thinking time,
 * recording, review, upload), submit.
 *
 * Recordings are kept in IndexedDB from the moment they are made until the server has confirmed
 * the upload, so a reload, a crash or a lost connection never costs the candidate an answer.
 *
 * This entry module only connects the page's buttons to the steps and loads the interview:
 *   candidate-flow.js      the steps and the state that decides them
 *   candidate-screens.js   what the candidate sees (DOM, focus, aria-live)
 *   candidate-api.js       the /v1/candidate/{token} API client
 *   candidate-recorder.js  camera, microphone, MediaRecorder
 *   candidate-uploader.js  sending a take: single PUT or multipart, resume, retries, progress
 *   candidate-takes.js     takes kept on this device until the server confirms them
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
  onClick('error-action', runErrorAction);
  window.addEventListener('online', flow.online);
  flow.load();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
