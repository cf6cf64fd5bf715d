"""Answers of every kind in a real browser: video, audio (the microphone alone) and written.

`reelview-local` runs with `REELVIEW_TRANSCRIBE_URL` pointing at a stand-in transcription
service (tests/standins/openai_standin.py), so recordings get transcripts and video answers captions.

1. One interview with a video, a written and an audio question, answered in headless Chromium
   with its synthetic camera and microphone: the written answer is saved as it is typed and is
   back after a reload, the audio question never asks for the camera, the interview is
   submitted. The share page then shows the three answers: the video with its captions track
   showing cues, the audio in an <audio> player, both transcripts, and the written text.
2. An interview with no video question: no camera is ever asked for (the check is for the
   microphone alone); the written answer cannot be typed past its limit, the server's refusal is
   shown when a longer text is sent anyway, and text typed while the server cannot be reached
   is kept on the device and saved after a reload.

The server, the browser and the helpers are those of test_candidate_page.py.
"""

import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
from selenium.common.exceptions import ElementNotInteractableException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from test_candidate_page import (  # noqa: F401 - api_key and driver are fixtures
    UPLOAD_WAIT,
    api_key,
    assert_no_csp_violations,
    auth,
    check,
    click,
    console,
    displayed,
    driver,
    element,
    focused_id,
    invite,
    running_server,
    screenshot_dir,
    stored_recordings,
    text,
    wait_for,
    wait_screen,
)
from test_share_page import share
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standins"))
from openai_standin import TRANSCRIPT_TEXT, OpenAiStandIn  # noqa: E402

TRANSCRIPT_WAIT = 60

VIDEO_Q = "Tell us about a project you are proud of."
TEXT_Q = "In a few sentences: what does good code review look like?"
AUDIO_Q = "Why would you like to join Acme?"

ANSWER = "Small changes,\nkind words & <b>clear</b> reasons."

# Runs before the page's own script: every request for a camera or a microphone is noted, and
# written answers fail as with no connection while the page's localStorage says `offline`.
WATCH_DEVICES_AND_NETWORK = r"""
(() => {
  window.__devices = [];
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = function (constraints) {
    window.__devices.push({video: !!(constraints && constraints.video), audio: !!(constraints && constraints.audio)});
    return gum(constraints);
  };
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    if (/\/text$/.test(String(input)) && localStorage.getItem('test:offline') === '1') {
      return Promise.reject(new TypeError('Failed to fetch'));
    }
    return fetch0.apply(this, arguments);
  };
})();
"""


# ------------------------------------------------------------------------------------------------
# The server, with a transcription service


@pytest.fixture(scope="module")
def transcriber():
    with OpenAiStandIn() as service:
        yield service


@pytest.fixture(scope="module")
def server(transcriber):
    with running_server({"REELVIEW_TRANSCRIBE_URL": transcriber.base}) as srv:
        yield srv


def create_position(server, api_key, questions, **extra):
    body = {
        "name": "Backend Engineer",
        "companyName": "Acme",
        "language": "en-US",
        "questions": questions,
    }
    body.update(extra)
    position = check(requests.post(server.url("/v1/positions"), json=body, headers=auth(api_key), timeout=10), 201)
    assert [q["kind"] for q in position["questions"]] == [q.get("kind", "video") for q in questions], position
    return position


def recorded(text, kind):
    return {"text": text, "kind": kind, "maxAnswerSeconds": 10, "thinkingSeconds": 3, "retakes": 1}


def written(text, max_characters):
    return {"text": text, "kind": "text", "maxCharacters": max_characters}


def candidate_session(server, url):
    token = urlparse(url).path.split("/")[2]
    return check(requests.get(server.url(f"/v1/candidate/{token}"), timeout=10), 200)


def devices(driver):
    return driver.execute_script("return window.__devices")


# ------------------------------------------------------------------------------------------------
# The candidate page, by kind


def record_take(driver, kind, seconds=2.0):
    """From the question screen: record a take of `kind` and land on its review screen."""
    wait_screen(driver, "question")
    assert element(driver, "screen-question").get_attribute("data-kind") == kind
    try:
        record = element(driver, "record")
        if record.is_displayed() and record.is_enabled():
            record.click()
    except (ElementNotInteractableException, StaleElementReferenceException):
        pass  # the thinking time ran out first: recording started by itself
    wait_for(driver, lambda d: displayed(d, "stop"), what="recording to start")
    badge = "rec-badge-audio" if kind == "audio" else "rec-badge"
    assert displayed(driver, badge), f"the {kind} recording shows it is recording"
    time.sleep(seconds)
    click(driver, "stop")
    wait_screen(driver, "review")
    player = "review-audio" if kind == "audio" else "review-video"
    other = "review-video" if kind == "audio" else "review-audio"
    assert displayed(driver, player) and not displayed(driver, other)
    assert element(driver, player).get_attribute("src").startswith("blob:")


def send_take(driver):
    click(driver, "upload")
    wait_screen(driver, "uploading")
    wait_for(driver, lambda d: displayed(d, "next"), UPLOAD_WAIT, "the answer to be confirmed")
    click(driver, "next")


def save_state(driver):
    return element(driver, "written-status").get_attribute("data-state")


def wait_saved(driver, what="the written answer to be saved"):
    wait_for(driver, lambda d: save_state(d) == "saved" and text(d, "written-status") == "Saved", what=what)


def type_into_answer(driver, value):
    box = element(driver, "written-answer")
    box.click()
    # Selenium types a "\n" as Enter, which in a textarea is a line break.
    box.send_keys(value)
    return box


def test_one_answer_of_each_kind_then_the_share_page_shows_them(server, api_key, transcriber, driver):
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_DEVICES_AND_NETWORK})
    position = create_position(
        server, api_key, [recorded(VIDEO_Q, "video"), written(TEXT_Q, 300), recorded(AUDIO_Q, "audio")]
    )
    video_id, text_id, audio_id = [q["id"] for q in position["questions"]]
    interview_id, url = invite(server, api_key, position["id"])

    session = candidate_session(server, url)
    assert [q["kind"] for q in session["questions"]] == ["video", "text", "audio"]
    assert session["questions"][1]["maxCharacters"] == 300

    driver.get(url)
    wait_screen(driver, "welcome")
    requirements = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#welcome-requirements li")]
    assert "A camera" in requirements, requirements
    assert "on video, in writing or by voice" in text(driver, "welcome-greeting"), text(driver, "welcome-greeting")

    # 1. Video, as ever: the camera and the microphone are checked first.
    click(driver, "start")
    wait_screen(driver, "camera")
    assert text(driver, "camera-title") == "Check your camera and microphone"
    click(driver, "camera-ok")
    wait_screen(driver, "question")
    assert text(driver, "question-kind") == "Video answer"
    assert displayed(driver, "question-frame") and not displayed(driver, "question-audio")
    record_take(driver, "video")
    send_take(driver)

    # 2. Written: no thinking time and no timer; a labelled box with its limit and a live count.
    wait_screen(driver, "written")
    assert text(driver, "progress") == "Question 2 of 3"
    assert text(driver, "written-question") == TEXT_Q
    assert focused_id(driver) == "written-title"
    box = element(driver, "written-answer")
    assert box.get_attribute("maxlength") == "300"
    label = driver.find_element(By.CSS_SELECTOR, "label[for=written-answer]")
    assert label.text == "Your answer"
    assert "written-count" in box.get_attribute("aria-describedby")
    assert element(driver, "written-count-live").get_attribute("aria-live") == "polite"
    assert text(driver, "written-count") == "0 / 300 characters"
    assert not driver.find_elements(By.CSS_SELECTOR, "#screen-written .countdown"), "no thinking countdown"
    assert driver.execute_script("return document.getElementById('question-preview').srcObject") is None, \
        "the camera is off while the candidate writes"

    first, rest = ANSWER.split("\n")
    type_into_answer(driver, first)
    assert text(driver, "written-count") == f"{len(first)} / 300 characters"
    wait_saved(driver)
    wait_for(driver, lambda d: text(d, "written-count-live") != "", what="the count told to screen readers")
    assert text(driver, "written-count-live") == f"You have {300 - len(first)} characters left."
    saved = candidate_session(server, url)["questions"][1]
    assert saved["written"]["text"] == first and saved["answered"] is True, saved

    # Leaving half-way and coming back: the draft is there.
    driver.refresh()
    wait_screen(driver, "welcome")
    assert "answered 2 of 3" in text(driver, "welcome-resume"), text(driver, "welcome-resume")

    # 3. Audio: only a video question was checked so far; now just the microphone, no camera.
    asked_before = len(devices(driver))
    click(driver, "start")
    wait_screen(driver, "camera")
    assert element(driver, "screen-camera").get_attribute("data-kind") == "audio"
    assert text(driver, "camera-title") == "Check your microphone"
    assert not displayed(driver, "camera-frame"), "no camera preview for a spoken answer"
    assert text(driver, "camera-ok") == "My microphone works"
    click(driver, "camera-ok")
    wait_screen(driver, "question")
    assert text(driver, "progress") == "Question 3 of 3"
    assert text(driver, "question-kind") == "Audio answer"
    assert displayed(driver, "question-audio") and not displayed(driver, "question-frame")
    asked = devices(driver)[asked_before:]
    assert asked and all(d == {"video": False, "audio": True} for d in asked), asked
    wait_for(driver, lambda d: float(element(d, "question-level").get_attribute("value")) > 0,
             what="the microphone level to move")
    record_take(driver, "audio")
    assert stored_recordings(driver) == 1
    send_take(driver)

    # The submit screen, by kind; the written answer can still be changed.
    wait_screen(driver, "submit")
    items = driver.find_elements(By.CSS_SELECTOR, "#submit-list li")
    assert [li.get_attribute("data-kind") for li in items] == ["video", "text", "audio"]
    assert [li.get_attribute("class") for li in items] == ["answered"] * 3
    states = [li.find_element(By.CSS_SELECTOR, ".answer-state").text for li in items]
    assert states[0] == "Video answer sent" and states[2] == "Audio answer sent", states
    assert states[1].startswith(f"Written answer saved · {len(first)} characters"), states
    edit = items[1].find_element(By.CSS_SELECTOR, "button")
    assert edit.get_attribute("aria-label") == "Edit your answer to question 2"
    edit.click()
    wait_screen(driver, "written")
    box = element(driver, "written-answer")
    assert box.get_attribute("value") == first, "the saved draft is back"
    box.send_keys(Keys.END, "\n" + rest)
    click(driver, "written-next")  # saves at once, then back to submitting
    wait_screen(driver, "submit")
    assert candidate_session(server, url)["questions"][1]["written"]["text"] == ANSWER
    driver.save_screenshot(str(screenshot_dir() / "kinds-submit.png"))
    click(driver, "submit")
    wait_screen(driver, "done")
    assert element(driver, "screen-done").get_attribute("data-state") == "submitted"
    assert_no_csp_violations(console(driver))

    interview = check(requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key), timeout=10), 200)
    assert interview["status"] == "completed", interview
    by_question = {a["questionId"]: a for a in interview["answers"]}
    assert by_question[video_id]["contentType"].startswith("video/"), by_question[video_id]
    assert by_question[audio_id]["contentType"].startswith("audio/"), by_question[audio_id]
    assert by_question[text_id]["text"] == ANSWER, by_question[text_id]

    # Both recordings reach the transcription service and come back with their transcripts.
    def transcribed(_):
        answers = check(requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key),
                                     timeout=10), 200)["answers"]
        statuses = {a["questionId"]: a["transcript"]["status"] for a in answers}
        assert "failed" not in statuses.values(), (statuses, transcriber.problems, server.log_tail())
        return statuses[video_id] == "ready" and statuses[audio_id] == "ready"

    wait_for(driver, transcribed, TRANSCRIPT_WAIT, "both transcripts")
    assert not transcriber.problems, transcriber.problems
    files = [r["file"][0] for r in transcriber.requests]
    assert sorted(f["content_type"].split("/")[0] for f in files) == ["audio", "video"], files
    assert all(f["size"] > 0 and f["head"] == b"\x1a\x45\xdf\xa3" for f in files), files

    # 4. The share page: each answer as what it is.
    _, share_url = share(server, api_key, interview_id)
    driver.get(share_url)
    wait_for(driver, lambda d: d.execute_script("return document.body.dataset.screen") == "interview",
             what="the share page")
    items = driver.find_elements(By.CSS_SELECTOR, "#share-questions > li.share-question")
    assert [i.get_attribute("data-kind") for i in items] == ["video", "text", "audio"]
    video_item, text_item, audio_item = items

    video = video_item.find_element(By.CSS_SELECTOR, "video")
    assert video.get_attribute("controls") is not None
    track = video.find_element(By.CSS_SELECTOR, "track")
    assert track.get_attribute("kind") == "captions"
    assert track.get_attribute("label") == "Transcript"
    assert track.get_attribute("srclang") == "en-US"
    assert track.get_attribute("default") is not None
    assert track.get_attribute("src").endswith(f"/answers/{video_id}/captions.vtt"), track.get_attribute("src")
    vtt = requests.get(track.get_attribute("src"), timeout=10)
    assert vtt.status_code == 200 and vtt.headers["content-type"].startswith("text/vtt"), vtt.headers
    # The default captions track shows, and its cues load.
    driver.execute_script(
        "const t = arguments[0].textTracks[0]; if (t.mode !== 'showing') t.mode = 'showing';", video
    )
    wait_for(
        driver,
        lambda d: d.execute_script(
            "const t = arguments[0].textTracks[0];"
            "return !!t && t.mode === 'showing' && !!t.cues && t.cues.length > 0", video
        ),
        what="the captions' cues",
    )
    assert driver.execute_script("return arguments[0].textTracks[0].kind", video) == "captions"
    cue_text = driver.execute_script(
        "return Array.from(arguments[0].textTracks[0].cues).map(c => c.text).join(' ')", video
    )
    assert "Hello there." in cue_text, cue_text
    assert video_item.find_element(By.CSS_SELECTOR, ".share-transcript-text").text == TRANSCRIPT_TEXT
    driver.execute_script("arguments[0].play()", video)
    wait_for(driver, lambda d: d.execute_script("return arguments[0].currentTime > 0.2", video),
             what="the video answer to play")

    audio = audio_item.find_element(By.CSS_SELECTOR, "audio")
    assert audio.get_attribute("controls") is not None
    assert not audio_item.find_elements(By.CSS_SELECTOR, "video")
    assert audio.find_element(By.CSS_SELECTOR, "source").get_attribute("type").startswith("audio/")
    wait_for(driver, lambda d: d.execute_script("return arguments[0].readyState >= 1", audio),
             what="the audio answer's metadata")
    assert driver.execute_script("return arguments[0].error", audio) is None
    assert audio_item.find_element(By.CSS_SELECTOR, ".share-transcript-text").text == TRANSCRIPT_TEXT

    # Written: as text, never as markup.
    shown = text_item.find_element(By.CSS_SELECTOR, ".share-written-text")
    assert shown.text == ANSWER
    assert not text_item.find_elements(By.CSS_SELECTOR, ".share-written-text b")
    assert not text_item.find_elements(By.CSS_SELECTOR, "video, audio")

    driver.save_screenshot(str(screenshot_dir() / "kinds-share.png"))
    messages = driver.get_log("browser")
    assert_no_csp_violations([m["message"] for m in messages])
    errors = [m for m in messages if m["level"] == "SEVERE" and "favicon.ico" not in m["message"]]
    assert not errors, errors


def test_no_camera_is_asked_for_and_written_answers_keep_to_their_limit(server, api_key, driver):
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_DEVICES_AND_NETWORK})
    position = create_position(server, api_key, [written(TEXT_Q, 40), recorded(AUDIO_Q, "audio")])
    interview_id, url = invite(server, api_key, position["id"], first_name="Grace")

    driver.get(url)
    wait_screen(driver, "welcome")
    requirements = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#welcome-requirements li")]
    assert "A camera" not in requirements and "A microphone" in requirements, requirements
    assert text(driver, "welcome-check-step") == "Check that your microphone works."

    # A written question first: straight to it, with no device asked for.
    click(driver, "start")
    wait_screen(driver, "written")
    assert devices(driver) == []

    # The limit: typing stops at it (maxlength), and the count says so.
    box = type_into_answer(driver, "x" * 50)
    assert len(box.get_attribute("value")) == 40
    assert text(driver, "written-count") == "40 / 40 characters"
    wait_saved(driver)

    # A longer text sent anyway (the limit taken off the box): the server's refusal is shown.
    driver.execute_script(
        "const box = document.getElementById('written-answer'); box.removeAttribute('maxlength');"
        "box.value = 'y'.repeat(45); box.dispatchEvent(new Event('input', {bubbles: true}));"
    )
    wait_for(driver, lambda d: save_state(d) == "refused", what="the server's refusal")
    assert text(driver, "written-status") == "Not saved: your answer must be at most 40 characters."
    click(driver, "written-next")
    wait_for(driver, lambda d: focused_id(d) == "written-answer", what="focus back in the answer")
    assert displayed(driver, "screen-written"), "a refused answer does not move on"
    assert candidate_session(server, url)["questions"][0]["written"]["text"] == "x" * 40

    # No connection: what is typed stays on this device, and a reload saves it.
    driver.refresh()
    wait_screen(driver, "welcome")
    click(driver, "start")  # the question is answered (the 40 x's): straight to the audio question's check
    wait_screen(driver, "camera")
    assert element(driver, "screen-camera").get_attribute("data-kind") == "audio"
    assert not displayed(driver, "camera-frame")
    click(driver, "camera-ok")
    wait_screen(driver, "question")
    assert all(d == {"video": False, "audio": True} for d in devices(driver)), devices(driver)
    record_take(driver, "audio", seconds=1.5)
    send_take(driver)
    wait_screen(driver, "submit")

    driver.execute_script("localStorage.setItem('test:offline', '1')")
    driver.find_element(By.CSS_SELECTOR, "#submit-list li[data-kind=text] button").click()
    wait_screen(driver, "written")
    box = element(driver, "written-answer")
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("Kept on this device.")
    wait_for(driver, lambda d: save_state(d) == "offline", what="the save to fail")
    assert "kept on this device" in text(driver, "written-status"), text(driver, "written-status")
    # Still no connection while the page closes: its last save fails too.
    driver.refresh()
    wait_screen(driver, "welcome")
    driver.execute_script("localStorage.removeItem('test:offline')")
    click(driver, "start")
    wait_screen(driver, "submit")
    driver.find_element(By.CSS_SELECTOR, "#submit-list li[data-kind=text] button").click()
    wait_screen(driver, "written")
    assert element(driver, "written-answer").get_attribute("value") == "Kept on this device."
    assert displayed(driver, "written-restored")
    wait_saved(driver, "the restored text to be saved")
    assert candidate_session(server, url)["questions"][0]["written"]["text"] == "Kept on this device."

    click(driver, "written-next")
    wait_screen(driver, "submit")
    click(driver, "submit")
    wait_screen(driver, "done")
    interview = check(requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key), timeout=10), 200)
    assert interview["status"] == "completed", interview
    assert all(d == {"video": False, "audio": True} for d in devices(driver)), "never a camera"
    assert_no_csp_violations(console(driver))
