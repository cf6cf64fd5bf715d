"""The console's interview screen (/app/interviews/{id}) in a real browser.

Through the HTTP API of `reelview-local` (with the stand-in transcription and evaluation service,
so answers get transcripts, captions and an advisory evaluation): a position with a video and a
written question, three candidates, and for the first one a real recording (made in Chromium
with MediaRecorder, as a candidate's is), a written answer and a submission. Then a reviewer in
the console watches, judges, comments, shares, deletes an answer, resends the invitation, moves
the deadline, walks the candidates with j/k and deletes an interview; the API has to agree with
every step. The QR code of the candidate's link is decoded from a screenshot.

The server, the browser and the API helpers are those of test_candidate_page.py.
"""

import base64
import io
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests
import zxingcpp
from console_support import by_id, click_id, confirm, js, me, no_console_errors, press, shot, sign_in, text_of, wait_screen
from PIL import Image
from selenium.webdriver.common.by import By
from test_candidate_page import (  # noqa: F401 - api_key and driver are fixtures
    api_key,
    auth,
    check,
    create_position,
    driver,
    invite,
    no_horizontal_scroll,
    phone,
    running_server,
    wait_for,
)
from test_share_page import candidate_token, record_webm, upload_answer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standins"))
from openai_standin import OpenAiStandIn  # noqa: E402

FOLLOWUP_WAIT = 60

VIDEO_Q = "Tell us about a project you are proud of."
TEXT_Q = "In a few sentences: what does good code review look like?"
WRITTEN = "Small changes,\nkind words & <b>clear</b> reasons."


@pytest.fixture(scope="module")
def standin():
    with OpenAiStandIn() as service:
        yield service


@pytest.fixture(scope="module")
def server(standin):
    with running_server(
        {
            "REELVIEW_TRANSCRIBE_URL": standin.base,
            "REELVIEW_EVALUATION_URL": standin.base,
            "REELVIEW_EVALUATION_MODEL": "contract-model",
        }
    ) as srv:
        yield srv


def get_interview(server, api_key, interview_id):
    return check(requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key), timeout=10), 200)


def api_until(server, api_key, interview_id, condition, what):
    """Polls GET /v1/interviews/{id} until `condition(interview)`; answers the interview."""
    deadline = time.monotonic() + FOLLOWUP_WAIT
    while True:
        interview = get_interview(server, api_key, interview_id)
        if condition(interview):
            return interview
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {interview}")
        time.sleep(0.3)


_made = {}


@pytest.fixture
def made(server, api_key, driver):
    """Made once per server: a position, three candidates (newest first in its list: Linus,
    Grace, Ada), and Ada's interview answered (a recording and a written answer), submitted,
    transcribed and evaluated."""
    if id(server) not in _made:
        position = create_position(
            server,
            api_key,
            evaluation=True,
            questions=[
                {"text": VIDEO_Q, "kind": "video", "maxAnswerSeconds": 10, "thinkingSeconds": 3, "retakes": 1,
                 "rubric": "Names the project and their own part in it."},
                {"text": TEXT_Q, "kind": "text", "maxCharacters": 500, "rubric": "Small changes, kindness, reasons."},
            ],
        )
        qids = [q["id"] for q in position["questions"]]
        ada, ada_url = invite(server, api_key, position["id"], "Ada")
        grace, _ = invite(server, api_key, position["id"], "Grace")
        linus, _ = invite(server, api_key, position["id"], "Linus")

        token = candidate_token(ada_url)
        check(requests.get(server.url(f"/v1/candidate/{token}"), timeout=10), 200)
        upload_answer(server, token, qids[0], record_webm(server, driver))
        check(requests.put(server.url(f"/v1/candidate/{token}/answers/{qids[1]}/text"), json={"text": WRITTEN}, timeout=10), 200)
        check(requests.post(server.url(f"/v1/candidate/{token}/submit"), timeout=10), 200)
        interview = api_until(
            server, api_key, ada,
            lambda i: i["answers"][0]["transcript"]["status"] == "ready"
            and (i.get("evaluation") or {}).get("status") == "ready",
            "the transcript and the advisory evaluation",
        )
        assert interview["status"] == "completed", interview
        _made[id(server)] = {
            "position": position,
            "qids": qids,
            "ada": ada,
            "grace": grace,
            "linus": linus,
            "url": interview["url"],
        }
    return _made[id(server)]


# ------------------------------------------------------------------------------------------------
# Helpers


def focus_heading(driver):
    js(driver, "document.getElementById('iv-title').focus()")


def open_interview(server, driver, api_key, interview_id):
    sign_in(server, driver, api_key, f"/app/interviews/{interview_id}")
    wait_screen(driver, "interview")


def toasts(driver):
    return js(driver, "return Array.from(document.querySelectorAll('#toasts .toast')).map(t => t.textContent)")


# ------------------------------------------------------------------------------------------------
# Tests


def test_the_qr_encoder_reads_back_at_every_size(server, driver):
    """qr.js itself, for texts from 1 byte (version 1) to past version 10, and UTF-8."""
    driver.get(server.url("/app"))
    wait_for(driver, lambda d: js(d, "return document.body.dataset.screen") == "sign-in", what="the sign-in page")
    texts = ["a", "https://x.test/i/" + "A" * 20, "Grüße, Zoë — 🎉"] + [
        "https://reelview.example/i/" + ("abcdefghij0123456789_-" * 12)[:n] for n in (40, 60, 90, 130, 170, 200, 260)
    ]
    driver.set_script_timeout(30)
    rendered = driver.execute_async_script(
        """
        const [texts, done] = [arguments[0], arguments[arguments.length - 1]];
        const base = document.querySelector('script[type=module]').src.replace(/app\\.js$/, '');
        import(base + 'qr.js').then(({ encodeQr }) => done(texts.map((text) => {
          const { size, modules, version } = encodeQr(text);
          const scale = 4, quiet = 4, full = (size + quiet * 2) * scale;
          const canvas = document.createElement('canvas');
          canvas.width = canvas.height = full;
          const g = canvas.getContext('2d');
          g.fillStyle = '#fff'; g.fillRect(0, 0, full, full);
          g.fillStyle = '#000';
          modules.forEach((row, y) => row.forEach((dark, x) => {
            if (dark) g.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale);
          }));
          return { text, version, png: canvas.toDataURL('image/png').split(',')[1] };
        })), (e) => done('error: ' + e));
        """,
        texts,
    )
    assert isinstance(rendered, list), rendered
    versions = set()
    for item in rendered:
        image = Image.open(io.BytesIO(base64.b64decode(item["png"])))
        found = zxingcpp.read_barcodes(image)
        assert [r.text for r in found] == [item["text"]], (item["version"], item["text"], found)
        assert found[0].format == zxingcpp.BarcodeFormat.QRCode
        assert found[0].ec_level == "M", found[0].ec_level
        versions.add(item["version"])
    assert min(versions) == 1 and max(versions) >= 11, sorted(versions)


def test_a_reviewer_watches_and_judges_an_answered_interview(server, api_key, made, driver):
    ada = made["ada"]
    label = me(server, api_key)["key"]["label"]
    open_interview(server, driver, api_key, ada)

    # The header.
    assert text_of(driver, "iv-title") == "Ada Lovelace"
    assert js(driver, "return document.activeElement.id") == "iv-title"
    crumbs = driver.find_elements(By.CSS_SELECTOR, ".iv-crumbs li")
    assert [c.text.strip().lstrip("›").strip() for c in crumbs] == ["Positions", "Backend Engineer", "Ada Lovelace"]
    assert by_id(driver, "iv-position-link").get_attribute("href").endswith(f"/app/positions/{made['position']['id']}")
    assert text_of(driver, "iv-email").startswith("ada.") and text_of(driver, "iv-email").endswith("@example.com")
    assert text_of(driver, "iv-status") == "Completed"
    assert text_of(driver, "iv-stage") == "To evaluate"
    assert "Not scored" in text_of(driver, "iv-score")

    # Question 1: the recording, with its transcript, captions (fetched with the key, as a blob)
    # and the advisory evaluation beside it.
    assert text_of(driver, "iv-question-number") == "Question 1 of 2 · Video answer"
    assert text_of(driver, "iv-question-text") == VIDEO_Q
    video = by_id(driver, "iv-player")
    assert video.tag_name == "video" and video.get_attribute("controls") is not None
    assert "Hello there." in text_of(driver, "iv-transcript-text")
    wait_for(driver, lambda d: js(d, "const t = arguments[0].querySelector('track'); return !!t && t.src.startsWith('blob:')", video),
             what="the captions track")
    wait_for(driver, lambda d: js(d, "const t = arguments[0].textTracks[0]; return !!t && !!t.cues && t.cues.length === 2", video),
             what="the captions to load")
    suggestion = text_of(driver, "iv-evaluation")
    assert "Advisory evaluation" in suggestion and "Suggestions, people decide" in suggestion, suggestion
    assert "never sets the score or the stage" in suggestion
    assert "Suggested score for this answer: 4 / 5" in suggestion, suggestion

    # Space plays (the page must not scroll), and pauses.
    wait_for(driver, lambda d: js(d, "const v = arguments[0]; return v.readyState >= 1 && isFinite(v.duration) && v.duration > 0 "
                                     "&& v.currentTime === 0 && !v.seeking", video), what="the recording's metadata and length")
    focus_heading(driver)
    scroll = js(driver, "return window.scrollY")
    press(driver, " ")
    wait_for(driver, lambda d: js(d, "return arguments[0].currentTime > 0.3", video), what="the answer to play")
    assert js(driver, "return window.scrollY") == scroll, "Space plays instead of scrolling"
    press(driver, " ")
    wait_for(driver, lambda d: js(d, "return arguments[0].paused", video), what="Space to pause")
    assert js(driver, "return arguments[0].error", video) is None

    # Next question: the written answer, as text; back again.
    click_id(driver, "iv-next-question")
    wait_for(driver, lambda d: text_of(d, "iv-question-number") == "Question 2 of 2 · Written answer", what="question 2")
    assert text_of(driver, "iv-question-text") == TEXT_Q
    assert by_id(driver, "iv-written-text").text == WRITTEN
    assert not driver.find_elements(By.ID, "iv-player")
    assert not by_id(driver, "iv-next-question").is_enabled()
    assert js(driver, "return document.activeElement.id") == "iv-prev-question"
    assert "q=2" in driver.current_url
    click_id(driver, "iv-prev-question")
    wait_for(driver, lambda d: text_of(d, "iv-question-text") == VIDEO_Q, what="question 1 again")
    items = driver.find_elements(By.CSS_SELECTOR, "#iv-questions button")
    assert len(items) == 2 and items[0].get_attribute("aria-current") == "true"
    items[1].click()
    wait_for(driver, lambda d: text_of(d, "iv-question-text") == TEXT_Q, what="the list to jump to question 2")
    driver.find_elements(By.CSS_SELECTOR, "#iv-questions button")[0].click()
    wait_for(driver, lambda d: text_of(d, "iv-question-text") == VIDEO_Q, what="the list to jump to question 1")

    # Score with a key, then with a half-point button; shortlist, then discard, with keys.
    focus_heading(driver)
    press(driver, "4")
    api_until(server, api_key, ada, lambda i: i["score"] == 4, "score 4")
    wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, '[data-score="4"]').get_attribute("aria-pressed") == "true",
             what="score 4 pressed")
    driver.find_element(By.CSS_SELECTOR, '[data-score="4.5"]').click()
    api_until(server, api_key, ada, lambda i: i["score"] == 4.5, "score 4.5")
    wait_for(driver, lambda d: "4.5 / 5" in text_of(d, "iv-score"), what="the score 4.5 in the header")
    assert driver.find_element(By.CSS_SELECTOR, '[data-score="4"]').get_attribute("aria-pressed") == "false"
    focus_heading(driver)
    press(driver, "s")
    api_until(server, api_key, ada, lambda i: i["stage"] == "shortlisted", "the shortlisted stage")
    wait_for(driver, lambda d: text_of(d, "iv-stage") == "Shortlisted", what="Shortlisted in the header")
    focus_heading(driver)
    press(driver, "d")
    api_until(server, api_key, ada, lambda i: i["stage"] == "discarded", "the discarded stage")
    wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, '[data-stage="discarded"]').get_attribute("aria-pressed") == "true",
             what="Discard pressed")
    assert driver.find_element(By.CSS_SELECTOR, '[data-stage="shortlisted"]').get_attribute("aria-pressed") == "false"
    evaluated = get_interview(server, api_key, ada)
    assert evaluated["score"] == 4.5 and evaluated["evaluation"]["status"] == "ready", "the suggestion set nothing"

    # Typing a shortcut's letter in a comment is typing, not a shortcut.
    box = by_id(driver, "iv-comment-text")
    box.send_keys("Strong on ownership; d and s are just letters here.")
    click_id(driver, "iv-comment-add")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#iv-comments .iv-comment"), what="the comment")
    comment = driver.find_element(By.CSS_SELECTOR, "#iv-comments .iv-comment")
    assert comment.find_element(By.CSS_SELECTOR, ".iv-comment-author").text == label
    assert comment.find_element(By.CSS_SELECTOR, ".iv-comment-text").text == "Strong on ownership; d and s are just letters here."
    assert box.get_attribute("value") == ""
    stored = check(requests.get(server.url(f"/v1/interviews/{ada}/comments"), headers=auth(api_key), timeout=10), 200)["items"]
    assert [(c["author"], c["text"]) for c in stored] == [(label, "Strong on ownership; d and s are just letters here.")]
    assert get_interview(server, api_key, ada)["stage"] == "discarded"

    # The timeline, in words.
    kinds = [li.get_attribute("data-kind") for li in driver.find_elements(By.CSS_SELECTOR, "#iv-timeline li")]
    assert kinds[:1] == ["invited"] and "started" in kinds and "completed" in kinds, kinds
    words = text_of(driver, "iv-timeline")
    assert "Invited." in words and "The candidate opened the link and started." in words
    assert "The candidate submitted the interview." in words

    # The shortcuts help.
    focus_heading(driver)
    press(driver, "?")
    assert by_id(driver, "iv-shortcuts").get_attribute("open") is not None
    assert "Next candidate" in text_of(driver, "iv-shortcuts")

    no_console_errors(driver)
    shot(driver, "interview-desktop")

    phone(driver)
    driver.refresh()
    wait_screen(driver, "interview")
    wait_for(driver, lambda d: no_horizontal_scroll(d), what="the screen to fit 390 px")
    assert js(driver, "return window.innerWidth") == 390
    shot(driver, "interview-phone")
    no_console_errors(driver)

    # Playback URLs expire after an hour: a recording that stops loading gets a fresh URL.
    video = by_id(driver, "iv-player")
    wait_for(driver, lambda d: js(d, "return arguments[0].readyState >= 1", video), what="the recording to load")
    js(driver, "arguments[0].src = location.origin + '/v1/expired/recording.webm'", video)
    wait_for(driver, lambda d: js(d, "const v = arguments[0]; return !v.currentSrc.includes('/v1/expired/') && v.readyState >= 1", video),
             what="the player to load a fresh playback URL")
    assert not by_id(driver, "iv-player-error").is_displayed()
    assert js(driver, "return arguments[0].error", video) is None


def test_the_link_shares_an_answer_again_resend_and_the_deadline(server, api_key, made, driver):
    ada = made["ada"]
    open_interview(server, driver, api_key, ada)

    # The candidate's link, and its QR code read back from a screenshot.
    url = get_interview(server, api_key, ada)["url"]
    assert by_id(driver, "iv-link-url").get_attribute("value") == url
    assert by_id(driver, "iv-link-copy").is_displayed()
    qr = by_id(driver, "iv-qr")
    js(driver, "arguments[0].scrollIntoView({block: 'center'})", qr)
    image = Image.open(io.BytesIO(qr.screenshot_as_png))
    found = zxingcpp.read_barcodes(image)
    assert [r.text for r in found] == [url], found
    assert found[0].ec_level == "M"

    # A share link: shown once with a copy button; it works, then is revoked.
    days = by_id(driver, "iv-share-days")
    days.clear()
    days.send_keys("7")
    assert by_id(driver, "iv-share-hide").is_selected(), "contact details are hidden by default"
    click_id(driver, "iv-share-create")
    wait_for(driver, lambda d: d.find_elements(By.ID, "iv-share-new-url"), what="the new share link")
    share_url = by_id(driver, "iv-share-new-url").get_attribute("value")
    assert "/s/" in share_url
    assert by_id(driver, "iv-share-copy").is_displayed()
    assert "cannot be shown again" in text_of(driver, "iv-share-created")
    assert requests.get(share_url, timeout=10).status_code == 200
    shares = check(requests.get(server.url(f"/v1/interviews/{ada}/shares"), headers=auth(api_key), timeout=10), 200)["items"]
    assert len(shares) == 1 and shares[0]["hideContact"] is True, shares
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f'#iv-shares tr[data-share-id="{shares[0]["shareId"]}"]'),
             what="the share link in the list")
    row = driver.find_element(By.CSS_SELECTOR, f'#iv-shares tr[data-share-id="{shares[0]["shareId"]}"]')
    assert "Hidden" in row.text
    row.find_element(By.CSS_SELECTOR, ".iv-revoke").click()
    assert "stops working" in driver.find_element(By.CSS_SELECTOR, "dialog[open]").text
    confirm(driver)
    wait_for(driver, lambda d: d.find_elements(By.ID, "iv-no-shares"), what="the list without the link")
    assert not driver.find_elements(By.ID, "iv-share-new-url"), "the revoked link is no longer offered"
    assert requests.get(share_url, timeout=10).status_code == 404

    # Deleting the answer to question 1 (the interview goes back to in progress).
    assert text_of(driver, "iv-question-text") == VIDEO_Q
    click_id(driver, "iv-delete-answer")
    dialog = driver.find_element(By.CSS_SELECTOR, "dialog[open]").text
    assert "records this question again with the same link" in dialog, dialog
    assert "back to in progress" in dialog
    confirm(driver)
    wait_for(driver, lambda d: text_of(d, "iv-status") == "In progress", what="the status back to in progress")
    wait_for(driver, lambda d: d.find_elements(By.ID, "iv-no-answer"), what="question 1 without an answer")
    assert not driver.find_elements(By.ID, "iv-player")
    reopened = get_interview(server, api_key, ada)
    assert reopened["status"] == "in_progress" and reopened["completedAt"] is None, reopened
    # The written answer is a draft again until the candidate submits, so reviewers do not see it.
    assert reopened["answers"] == [], reopened["answers"]
    assert [q["answered"] for q in reopened["questions"]] == [False, True], reopened["questions"]
    assert "The answer to question 1 was deleted, to be answered again." in text_of(driver, "iv-timeline")
    assert by_id(driver, "iv-evaluation").is_displayed() is False, "the evaluation went with the answer"

    # Resend the invitation (same link): one more email on the timeline.
    before = get_interview(server, api_key, ada)
    sent_before = [e["kind"] for e in before["timeline"]].count("email_sent")
    click_id(driver, "iv-resend")
    after = api_until(server, api_key, ada, lambda i: i["email"]["attempts"] == before["email"]["attempts"] + 1, "a new email")
    assert [e["kind"] for e in after["timeline"]].count("email_sent") == sent_before + 1
    assert after["url"] == before["url"], "a resend keeps the link"
    wait_for(driver, lambda d: "Email sent to the candidate." in text_of(d, "iv-timeline"), what="the email on the timeline")
    assert "sent again" in " ".join(toasts(driver))

    # Set the deadline: 10 days ahead at 14:30, in the browser's time zone.
    value, expected = js(
        driver,
        "const d = new Date(Date.now() + 10 * 86400000); d.setHours(14, 30, 0, 0);"
        "const p = (n) => String(n).padStart(2, '0');"
        "return [`${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T14:30`, d.toISOString()];",
    )
    field = by_id(driver, "iv-deadline-input")
    js(driver, "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", field, value)
    click_id(driver, "iv-deadline-save")
    moved = api_until(server, api_key, ada, lambda i: i["deadline"] is not None, "the deadline")
    parse = datetime.fromisoformat
    assert parse(moved["deadline"]) == parse(expected), (moved["deadline"], expected)
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#iv-deadline-current time"), what="the new deadline shown")
    shown = driver.find_element(By.CSS_SELECTOR, "#iv-deadline-current time").get_attribute("datetime")
    assert parse(shown) == parse(expected)
    assert "deadline_set" in [li.get_attribute("data-kind") for li in driver.find_elements(By.CSS_SELECTOR, "#iv-timeline li")]

    # A deadline in the past is refused before it is sent, next to the field.
    js(driver, "arguments[0].value = '2020-01-01T10:00'", by_id(driver, "iv-deadline-input"))
    click_id(driver, "iv-deadline-save")
    wait_for(driver, lambda d: by_id(d, "iv-deadline-input-error").is_displayed(), what="the deadline error")
    assert "in the future" in text_of(driver, "iv-deadline-input-error")
    assert by_id(driver, "iv-deadline-input").get_attribute("aria-invalid") == "true"
    assert get_interview(server, api_key, ada)["deadline"] == moved["deadline"]

    no_console_errors(driver)
    shot(driver, "interview-actions-desktop")


def test_j_and_k_walk_the_candidates_and_an_interview_is_deleted(server, api_key, made, driver):
    pid = made["position"]["id"]
    listed = check(requests.get(server.url(f"/v1/positions/{pid}/interviews"), headers=auth(api_key), timeout=10), 200)
    order = [i["id"] for i in listed["items"]]
    assert order == [made["linus"], made["grace"], made["ada"]], order

    def at(interview_id, name):
        wait_for(driver, lambda d: d.current_url.split("?")[0].endswith(f"/app/interviews/{interview_id}")
                 and js(d, "return document.body.dataset.screen") == "interview"
                 and text_of(d, "iv-title") == name, what=f"{name}'s interview")

    # A deep link: the screen loads the position's list itself.
    open_interview(server, driver, api_key, made["ada"])
    wait_for(driver, lambda d: text_of(d, "iv-order") == "3 of 3", what="the place in the list")
    assert not by_id(driver, "iv-next-candidate").is_enabled()
    press(driver, "j")
    wait_for(driver, lambda d: any("last candidate" in t for t in toasts(d)), what="the end of the list")
    press(driver, "k")
    at(made["grace"], "Grace Lovelace")
    press(driver, "k")
    at(made["linus"], "Linus Lovelace")
    wait_for(driver, lambda d: text_of(d, "iv-order") == "1 of 3", what="the first place")
    press(driver, "j")
    at(made["grace"], "Grace Lovelace")
    click_id(driver, "iv-prev-candidate")
    at(made["linus"], "Linus Lovelace")
    assert text_of(driver, "iv-status") == "Invited"
    assert by_id(driver, "iv-no-answer").text == "No answer yet."
    no_console_errors(driver)

    # Deleting Linus's interview says what goes, then shows the position.
    click_id(driver, "iv-delete")
    dialog = driver.find_element(By.CSS_SELECTOR, "dialog[open]").text
    assert "Linus Lovelace" in dialog and "cannot be undone" in dialog and "recordings" in dialog, dialog
    confirm(driver)
    wait_for(driver, lambda d: d.current_url.split("?")[0].endswith(f"/app/positions/{pid}"), what="the position's screen")
    wait_screen(driver, "candidates")
    wait_for(driver, lambda d: "Grace Lovelace" in d.find_element(By.ID, "view").text, what="the remaining candidates")
    assert "Linus" not in driver.find_element(By.ID, "view").text
    assert any("was deleted" in t for t in toasts(driver)), toasts(driver)
    no_console_errors(driver)
    gone = requests.get(server.url(f"/v1/interviews/{made['linus']}"), headers=auth(api_key), timeout=10)
    assert gone.status_code == 404 and gone.json()["code"] == "interview_not_found", gone.text
