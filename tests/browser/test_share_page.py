"""The public share page (`/s/{token}`) in a real browser.

Through the HTTP API of `reelview-local`: a tenant, a position with two questions, an invite, and
a real recording uploaded for question 1 the way the candidate page sends one (upload ticket, PUT,
complete). The recording is made in Chromium itself (MediaRecorder on a canvas stream), so it is a
webm exactly like a candidate's, without its duration in the header. Then a reviewer shares the
interview, and headless Chromium opens the link: what it shows, that the answer plays, that a
revoked link is gone, and that contact details appear only when the share includes them.

The server, the browser and the API helpers are those of test_candidate_page.py.
"""

import base64
import re
from urllib.parse import urlparse

import pytest
import requests
from selenium.webdriver.common.by import By

from test_candidate_page import (  # noqa: F401 - server, api_key and driver are fixtures
    QUESTIONS,
    api_key,
    assert_no_csp_violations,
    auth,
    check,
    create_position,
    driver,
    element,
    focused_id,
    invite,
    no_horizontal_scroll,
    phone,
    screenshot_dir,
    server,
    text,
    wait_for,
)

# Runs in any page of the server's origin: records `ms` milliseconds of an animated canvas with
# MediaRecorder and hands back the webm as base64.
RECORD_WEBM = r"""
const ms = arguments[0];
const done = arguments[arguments.length - 1];
const canvas = document.createElement('canvas');
canvas.width = 320;
canvas.height = 240;
const g = canvas.getContext('2d');
let frame = 0;
const draw = () => {
  frame += 1;
  g.fillStyle = 'hsl(' + (frame * 7 % 360) + ', 70%, 45%)';
  g.fillRect(0, 0, 320, 240);
  g.fillStyle = '#fff';
  g.font = '48px sans-serif';
  g.fillText(String(frame), 110, 140);
};
draw();
const timer = setInterval(draw, 40);
const stream = canvas.captureStream(25);
const recorder = new MediaRecorder(stream, {mimeType: 'video/webm;codecs=vp8'});
const chunks = [];
recorder.ondataavailable = (e) => { if (e.data.size) chunks.push(e.data); };
recorder.onerror = (e) => done('error: ' + e.error);
recorder.onstop = () => {
  clearInterval(timer);
  const reader = new FileReader();
  reader.onload = () => done(String(reader.result).split(',')[1]);
  reader.onerror = () => done('error: read');
  reader.readAsDataURL(new Blob(chunks, {type: 'video/webm'}));
};
recorder.start(250);
setTimeout(() => recorder.stop(), ms);
"""


def record_webm(server, driver, ms=1500):
    """A short real webm recorded by Chromium, from a page of the server's own origin."""
    driver.get(server.url("/s/" + "A" * 43))  # any page of the origin; this one is a 404 page
    driver.set_script_timeout(30)
    data = driver.execute_async_script(RECORD_WEBM, ms)
    assert data and not data.startswith("error"), data
    driver.get_log("browser")  # the 404 page logs its own status; start the next page clean
    video = base64.b64decode(data)
    assert video[:4] == b"\x1a\x45\xdf\xa3", "an EBML (webm) file"
    return video


def candidate_token(url):
    path = urlparse(url).path
    assert path.startswith("/i/"), url
    return path.split("/")[2]


def upload_answer(server, token, question_id, video):
    """Sends `video` as the answer to `question_id` the way the candidate page does."""
    base = server.url(f"/v1/candidate/{token}/answers/{question_id}/uploads")
    ticket = check(requests.post(base, json={"contentType": "video/webm", "size": len(video)}, timeout=10), 201, 200)
    assert ticket["method"] == "PUT", ticket
    put = requests.put(ticket["url"], data=video, headers=ticket.get("headers") or {}, timeout=30)
    assert put.status_code in (200, 201, 204), (put.status_code, put.text)
    return check(requests.post(f"{base}/{ticket['uploadId']}/complete", timeout=10), 200, 201)


def share(server, api_key, interview_id, **body):
    created = check(
        requests.post(
            server.url(f"/v1/interviews/{interview_id}/shares"), json=body, headers=auth(api_key), timeout=10
        ),
        201,
    )
    path = urlparse(created["url"]).path
    assert re.fullmatch(r"/s/[A-Za-z0-9_-]{43}", path), created["url"]
    return created, server.url(path)


_answered = {}


@pytest.fixture
def answered(server, api_key, driver):
    """An interview whose first question has a real recording and whose second has none: made
    once per server (the first test to ask records the video in its browser), then shared by
    every test."""
    if id(server) not in _answered:
        position = create_position(server, api_key)
        question_ids = [q["id"] for q in position["questions"]]
        interview_id, url = invite(server, api_key, position["id"])
        video = record_webm(server, driver)
        upload_answer(server, candidate_token(url), question_ids[0], video)
        interview = check(
            requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key), timeout=10), 200
        )
        answers = interview["answers"]
        assert [a["questionId"] for a in answers] == [question_ids[0]], answers
        assert answers[0]["size"] == len(video) and answers[0].get("playbackUrl"), answers
        _answered[id(server)] = {"interview": interview, "id": interview_id, "question_ids": question_ids}
    return _answered[id(server)]


def browser_errors(driver):
    messages = driver.get_log("browser")
    assert_no_csp_violations([m["message"] for m in messages])
    return [m for m in messages if m["level"] == "SEVERE" and "favicon.ico" not in m["message"]]


def wait_page(driver, screen):
    wait_for(
        driver,
        lambda d: d.execute_script("return document.body && document.body.dataset.screen") == screen,
        what=f"the share page's {screen} screen",
    )


def questions(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#share-questions > li.share-question")


# ------------------------------------------------------------------------------------------------
# Tests


def test_a_shared_interview_shows_and_plays_then_is_gone_once_revoked(server, api_key, answered, driver):
    created, url = share(server, api_key, answered["id"])
    assert created["hideContact"] is True and created["expired"] is False, created
    email = answered["interview"]["candidate"]["email"]

    page = requests.get(url, timeout=10)
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"], page.headers
    assert page.headers.get("x-robots-tag") == "noindex, nofollow", page.headers
    assert '<script type="module" src="/assets/share.js"></script>' in page.text
    assert '<link rel="stylesheet" href="/assets/share.css">' in page.text
    for asset in ("share.js", "share-view.js", "share.css"):
        served = requests.get(server.url(f"/assets/{asset}"), timeout=10)
        assert served.status_code == 200, (asset, served.status_code)

    driver.get(url)
    wait_page(driver, "interview")
    assert focused_id(driver) == "share-title"
    assert text(driver, "share-position") == "Backend Engineer"
    assert text(driver, "share-company") == "Acme"
    assert text(driver, "candidate-name") == "Ada Lovelace"
    assert not element(driver, "candidate-contact").is_displayed()
    assert email not in driver.page_source, "contact details are hidden by default"
    assert text(driver, "share-interview-status") == "In progress"
    assert text(driver, "share-stage") == "To evaluate"
    assert text(driver, "share-score") == "Not scored"
    assert text(driver, "share-expiry").startswith("This link expires on "), text(driver, "share-expiry")
    expiry = driver.find_element(By.CSS_SELECTOR, "#share-expiry time").get_attribute("datetime")
    assert expiry == created["expiresAt"], (expiry, created)

    items = questions(driver)
    assert [i.find_element(By.CSS_SELECTOR, "h3").text for i in items] == QUESTIONS
    first, second = items
    assert first.get_attribute("data-answered") == "true"
    video = first.find_element(By.CSS_SELECTOR, "video")
    assert video.get_attribute("controls") is not None
    assert video.get_attribute("preload") == "metadata"
    assert first.find_element(By.CSS_SELECTOR, "video source").get_attribute("type") == "video/webm"

    # The recording carries no duration (MediaRecorder): the page finds it, so the player shows
    # its length and can seek.
    wait_for(
        driver,
        lambda d: d.execute_script(
            "const v = arguments[0]; return v.readyState >= 1 && isFinite(v.duration) && v.duration > 0", video
        ),
        what="the answer's metadata and duration",
    )
    length = first.find_element(By.CSS_SELECTOR, ".share-length")
    wait_for(driver, lambda d: length.is_displayed(), what="the answer's length")
    assert re.fullmatch(r"Length 0:0[12]", length.text), length.text
    wait_for(driver, lambda d: d.execute_script("return arguments[0].currentTime === 0 && !arguments[0].seeking", video),
             what="the player to be back at the start")

    # It plays.
    driver.execute_script("arguments[0].play()", video)
    wait_for(
        driver,
        lambda d: d.execute_script("return arguments[0].currentTime > 0.2", video),
        what="the answer to play",
    )
    assert driver.execute_script("return arguments[0].error", video) is None

    assert second.get_attribute("data-answered") == "false"
    assert not second.find_elements(By.CSS_SELECTOR, "video")
    assert second.find_element(By.CSS_SELECTOR, ".share-no-answer").text == "No answer"

    driver.save_screenshot(str(screenshot_dir() / "share-desktop.png"))
    phone(driver)
    driver.refresh()
    wait_page(driver, "interview")
    assert no_horizontal_scroll(driver), "the share page fits a phone's width"
    driver.save_screenshot(str(screenshot_dir() / "share-phone.png"))

    errors = browser_errors(driver)
    assert not errors, errors

    # Revoked: the link is gone at once.
    response = requests.delete(
        server.url(f"/v1/interviews/{answered['id']}/shares/{created['shareId']}"), headers=auth(api_key), timeout=10
    )
    assert response.status_code == 204, response.text
    assert requests.get(url, timeout=10).status_code == 404
    token = urlparse(url).path.split("/")[2]
    problem = requests.get(server.url(f"/v1/shares/{token}"), timeout=10)
    assert problem.status_code == 404 and problem.json()["code"] == "share_not_found", problem.text
    driver.refresh()
    wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "h1").text == "This link is not valid",
             what="the not-valid message")
    assert "Ada" not in driver.page_source


def test_a_share_with_contact_details_shows_them_and_the_review(server, api_key, answered, driver):
    interview_id = answered["id"]
    check(requests.put(server.url(f"/v1/interviews/{interview_id}/score"), json={"score": 4.5},
                       headers=auth(api_key), timeout=10), 200)
    check(requests.post(server.url(f"/v1/interviews/{interview_id}/stage"), json={"stage": "shortlisted"},
                        headers=auth(api_key), timeout=10), 200)
    created, url = share(server, api_key, interview_id, hideContact=False, expiresInDays=7)
    assert created["hideContact"] is False, created

    driver.get(url)
    wait_page(driver, "interview")
    email = answered["interview"]["candidate"]["email"]
    assert text(driver, "candidate-email") == email
    assert element(driver, "candidate-email").get_attribute("href") == f"mailto:{email}"
    assert not element(driver, "candidate-phone-row").is_displayed(), "no phone was given"
    assert text(driver, "share-score") == "4.5 / 5"
    assert text(driver, "share-stage") == "Shortlisted"
    errors = browser_errors(driver)
    assert not errors, errors


# Runs before the page's own script: the first request for the interview fails as a lost
# connection would; later ones reach the server.
FAIL_FIRST_LOAD = r"""
(() => {
  const fetch0 = window.fetch;
  let failed = false;
  window.fetch = function (input, init) {
    if (!failed && String(input).startsWith('/v1/shares/')) {
      failed = true;
      return Promise.reject(new TypeError('Failed to fetch'));
    }
    return fetch0.apply(this, arguments);
  };
})();
"""

# Runs before the page's own script: the interview's JSON answers as it does once the link
# has expired or been revoked while the page was being opened.
ANSWER_WITH = r"""
(() => {
  window.fetch = function () {
    return Promise.resolve(new Response(JSON.stringify({code: '%s', status: %d}),
      {status: %d, headers: {'Content-Type': 'application/problem+json'}}));
  };
})();
"""


def test_a_lost_connection_offers_to_try_again(server, api_key, answered, driver):
    _, url = share(server, api_key, answered["id"])
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAIL_FIRST_LOAD})
    driver.get(url)
    wait_page(driver, "error")
    assert element(driver, "screen-error").get_attribute("data-kind") == "network"
    assert focused_id(driver) == "error-title"
    retry = element(driver, "retry")
    assert retry.is_displayed() and retry.text == "Try again"
    retry.click()
    wait_page(driver, "interview")
    assert text(driver, "candidate-name") == "Ada Lovelace"


@pytest.mark.parametrize(
    "code,status,kind,title",
    [("share_expired", 410, "expired", "This link has expired"), ("share_not_found", 404, "not_found", "This link is not valid")],
)
def test_a_link_that_ends_while_opening_says_so(server, api_key, answered, driver, code, status, kind, title):
    _, url = share(server, api_key, answered["id"])
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": ANSWER_WITH % (code, status, status)}
    )
    driver.get(url)
    wait_page(driver, "error")
    assert element(driver, "screen-error").get_attribute("data-kind") == kind
    assert text(driver, "error-title") == title
    assert not element(driver, "retry").is_displayed(), "trying again cannot help"
