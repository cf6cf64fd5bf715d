"""The whole promise, end to end, in one real browser: a recruiter and a candidate, through the UI.

A team is created through the admin API (the only thing done without a screen). Then, in
headless Chromium with a synthetic camera, as people would do it:

  1. the recruiter signs in to the console with the team's key;
  2. creates a position with two questions in the position editor's question builder;
  3. invites three candidates from a CSV file chosen with the file input, one row of four being
     refused by the check before anything is sent (and explained after);
  4. one candidate opens their link in the same browser, records both answers and submits;
  5. the recruiter sees the interview completed, opens it, watches the first answer, scores it
     (a key, then a half point), comments and shortlists it;
  6. shares it: the share link opens the public page, which shows the candidate and plays the
     answer;
  7. asks for an answer again (deletes it, after a confirmation): the interview is in progress.

The public API is used only to check what the screens did. Every screen is saved as
`console/flow-NN-*.png` (desktop), plus the candidates table and the interview at phone size.

The server, the browser and the API helpers are those of test_candidate_page.py; signing in and
screenshots those of console_support.py; the candidate's interview is test_redo.py's.
"""

from pathlib import Path
from urllib.parse import urlparse

import requests
from console_support import by_id, click_id, js, me, no_console_errors, press, rows_of, screen, shot, sign_in, text_of, type_into, visible, wait_list_idle, wait_screen
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from test_candidate_page import (  # noqa: F401 - server, api_key and driver are fixtures
    QUESTIONS,
    api_key,
    auth,
    check,
    driver,
    no_horizontal_scroll,
    phone,
    server,
    wait_for,
)
from test_redo import complete_interview, get_interview

POSITION = "Customer Support Lead"
COMPANY = "Acme Robotics"
COMMENT = "Clear, warm and to the point. Worth a second call."

# Four candidates, the third with an address the check refuses before anything is sent.
CSV = (
    "email,firstName,lastName,externalId\r\n"
    "ada.flow@example.com,Ada,Lovelace,ATS-1\r\n"
    "grace.flow@example.com,Grace,Hopper,ATS-2\r\n"
    "not-an-email,Bad,Row,ATS-3\r\n"
    "linus.flow@example.com,Linus,Torvalds,ATS-4\r\n"
)
GOOD_EMAILS = ["ada.flow@example.com", "grace.flow@example.com", "linus.flow@example.com"]


# ------------------------------------------------------------------------------------------------
# Helpers


def candidate_row(driver, interview_id):
    rows = driver.find_elements(By.CSS_SELECTOR, f"#candidates-body tr[data-id='{interview_id}']")
    return rows[0] if rows else None


def row_status(driver, interview_id):
    try:
        row = candidate_row(driver, interview_id)
        return row.find_element(By.CSS_SELECTOR, ".badge[class*='badge-']").text.strip() if row else None
    except StaleElementReferenceException:
        return None


def console_at(server, driver, api_key, path, screen_name):
    """Goes to `path` in the console. The key lives in the tab's sessionStorage, so the console is
    normally still signed in after the tab visited other pages; if it asks, sign in again."""
    driver.get(server.url(path))
    wait_for(driver, lambda d: screen(d) in (screen_name, "sign-in"), what=f"the {screen_name} screen or sign-in")
    if screen(driver) == "sign-in":
        sign_in(server, driver, api_key, path)
    wait_screen(driver, screen_name)


def interviews_of(server, api_key, position_id):
    return check(requests.get(server.url(f"/v1/positions/{position_id}/interviews"), params={"limit": 100},
                              headers=auth(api_key), timeout=10), 200)["items"]


def local(server, url):
    """The link's host is whatever the server was told its public address is; this one is local."""
    return server.url(urlparse(url).path)


def phone_shot(server, driver, api_key, path, screen_name, name, ready):
    """`name` at 390 px wide (no horizontal page scroll), then back to the desktop size."""
    phone(driver)
    try:
        console_at(server, driver, api_key, path, screen_name)
        ready(driver)
        wait_for(driver, no_horizontal_scroll, what=f"the {screen_name} screen to fit 390 px")
        assert js(driver, "return window.innerWidth") == 390
        shot(driver, name)
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def settled(driver, video, what):
    """A recording from MediaRecorder has no length in its header: the pages find it by seeking to
    the end and back. Waits until that is done (a length known, back at the start)."""
    wait_for(driver, lambda d: js(d, "const v = arguments[0]; return v.readyState >= 1 && isFinite(v.duration) "
                                     "&& v.duration > 0 && v.currentTime === 0 && !v.seeking", video),
             what=f"{what}: the recording's metadata and length")


def plays(driver, video, what):
    """The recording loads, and its time runs once it is played."""
    settled(driver, video, what)
    start = js(driver, "return arguments[0].currentTime", video)
    js(driver, "arguments[0].play()", video)
    wait_for(driver, lambda d: js(d, "return arguments[0].currentTime > arguments[1] + 0.3", video, start),
             what=f"{what}: the recording to play")
    assert js(driver, "return arguments[0].error", video) is None
    js(driver, "arguments[0].pause()", video)


# ------------------------------------------------------------------------------------------------
# The flow


def test_a_recruiter_invites_a_candidate_answers_and_the_team_reviews(server, api_key, driver, tmp_path):
    label = me(server, api_key)["key"]["label"]

    # 1. Sign in with the team's key.
    driver.get(server.url("/app"))
    wait_for(driver, lambda d: screen(d) == "sign-in", what="the sign-in screen")
    shot(driver, "flow-01-sign-in")
    sign_in(server, driver, api_key)
    wait_screen(driver, "positions")
    assert by_id(driver, "whoami-label").text == label
    assert visible(driver, "positions-empty"), "a new team has no positions"
    shot(driver, "flow-02-positions-empty")
    no_console_errors(driver)

    # 2. A position with two questions, in the question builder.
    click_id(driver, "create-first")
    wait_screen(driver, "position-edit")
    type_into(by_id(driver, "position-name"), POSITION)
    type_into(by_id(driver, "position-company"), COMPANY)
    type_into(by_id(driver, "position-intro"), "Thanks for applying! Two short questions.")

    def questions():
        return driver.find_elements(By.CSS_SELECTOR, "#questions > li.pos-question")

    def fill_question(item, text):
        type_into(item.find_element(By.CSS_SELECTOR, "[name='text']"), text)
        # The candidate page's helpers record for a moment and expect a 10-second limit.
        type_into(item.find_element(By.CSS_SELECTOR, "[name='thinkingSeconds']"), "3")
        type_into(item.find_element(By.CSS_SELECTOR, "[name='maxAnswerSeconds']"), "10")
        type_into(item.find_element(By.CSS_SELECTOR, "[name='retakes']"), "1")

    assert len(questions()) == 1, "a new position starts with one question to fill in"
    fill_question(questions()[0], QUESTIONS[0])
    click_id(driver, "add-question")
    wait_for(driver, lambda d: len(questions()) == 2, what="the second question")
    fill_question(questions()[1], QUESTIONS[1])
    shot(driver, "flow-03-position-editor")
    click_id(driver, "save-position")
    wait_screen(driver, "candidates")
    position_id = urlparse(driver.current_url).path.rsplit("/", 1)[-1]
    position = check(requests.get(server.url(f"/v1/positions/{position_id}"), headers=auth(api_key), timeout=10), 200)
    assert position["name"] == POSITION and position["companyName"] == COMPANY
    assert [(q["text"], q["kind"], q["maxAnswerSeconds"]) for q in position["questions"]] == [
        (QUESTIONS[0], "video", 10), (QUESTIONS[1], "video", 10)]
    wait_list_idle(driver)
    assert by_id(driver, "position-name").text == POSITION
    assert visible(driver, "list-empty")
    no_console_errors(driver)

    # 3. Three candidates from a CSV file; the fourth row is refused by the check, and says why.
    click_id(driver, "bulk-toggle")
    wait_for(driver, lambda d: visible(d, "bulk-panel"), what="the CSV panel")
    csv_path = Path(tmp_path) / "candidates.csv"
    csv_path.write_text(CSV, encoding="utf-8")
    by_id(driver, "bulk-file").send_keys(str(csv_path))
    wait_for(driver, lambda d: visible(d, "bulk-preview-table"), what="the check of every row")
    preview = rows_of(driver, "bulk-preview-table")
    assert [(r["line"], r["valid"]) for r in preview] == [("2", "true"), ("3", "true"), ("4", "false"), ("5", "true")], preview
    assert "not-an-email" in preview[2]["text"] and "Left out" in preview[2]["text"], preview[2]
    assert "Email has no @" in preview[2]["text"], preview[2]
    summary = text_of(driver, "bulk-summary")
    assert "candidates.csv" in summary and "4 rows read" in summary and "3 will be sent" in summary, summary
    assert text_of(driver, "bulk-send") == "Send 3 invitations"
    assert interviews_of(server, api_key, position_id) == [], "nothing is sent before the check is seen"
    shot(driver, "flow-04-bulk-preview")

    click_id(driver, "bulk-send")
    wait_for(driver, lambda d: visible(d, "bulk-result-table"), what="the result of the sending")
    result = rows_of(driver, "bulk-result-table")
    assert [(r["line"], r["outcome"]) for r in result] == [
        ("2", "created"), ("3", "created"), ("4", "excluded"), ("5", "created")], result
    assert "not-an-email" in result[2]["text"] and "Email has no @" in result[2]["text"], result[2]
    result_summary = text_of(driver, "bulk-result-summary")
    assert "3 candidates invited" in result_summary and "1 row left out by the check" in result_summary, result_summary
    created = interviews_of(server, api_key, position_id)
    assert sorted(i["candidate"]["email"] for i in created) == GOOD_EMAILS
    assert {i["status"] for i in created} == {"invited"}
    ada = next(i for i in created if i["candidate"]["email"] == GOOD_EMAILS[0])
    assert ada["externalId"] == "ATS-1" and ada["candidate"]["lastName"] == "Lovelace"
    wait_for(driver, lambda d: {candidate_row(d, i["id"]) is not None for i in created} == {True},
             what="the three candidates in the table")
    wait_list_idle(driver)
    shot(driver, "flow-05-bulk-result")
    no_console_errors(driver)

    # 4. Ada opens her link in this browser, records both answers and submits.
    link = local(server, get_interview(server, api_key, ada["id"])["url"])
    driver.get(link)
    wait_for(driver, lambda d: visible(d, "screen-welcome"), what="the candidate's welcome screen")
    assert text_of(driver, "welcome-title") == POSITION
    assert text_of(driver, "brand") == COMPANY
    assert "Ada" in text_of(driver, "welcome-greeting")
    shot(driver, "flow-06-candidate-welcome")
    complete_interview(driver, link)
    shot(driver, "flow-07-candidate-done")
    completed = get_interview(server, api_key, ada["id"])
    assert completed["status"] == "completed", completed
    assert sorted(a["questionId"] for a in completed["answers"]) == sorted(q["id"] for q in position["questions"])
    no_console_errors(driver)

    # 5. Back in the console: the table says completed; open, watch, score, comment, shortlist.
    console_at(server, driver, api_key, f"/app/positions/{position_id}", "candidates")
    wait_list_idle(driver)
    wait_for(driver, lambda d: row_status(d, ada["id"]) == "Completed", what="Ada's row to say Completed")
    others = [i["id"] for i in created if i["id"] != ada["id"]]
    assert [row_status(driver, i) for i in others] == ["Invited", "Invited"]
    shot(driver, "flow-08-candidates")
    no_console_errors(driver)
    phone_shot(server, driver, api_key, f"/app/positions/{position_id}", "candidates", "flow-08-candidates-phone",
               lambda d: wait_for(d, lambda d2: row_status(d2, ada["id"]) == "Completed", what="the table on a phone"))

    console_at(server, driver, api_key, f"/app/positions/{position_id}", "candidates")
    wait_list_idle(driver)
    candidate_row(driver, ada["id"]).find_element(By.CSS_SELECTOR, "a.candidate-link").click()
    wait_screen(driver, "interview")
    assert urlparse(driver.current_url).path == f"/app/interviews/{ada['id']}"
    assert text_of(driver, "iv-title") == "Ada Lovelace"
    assert text_of(driver, "iv-status") == "Completed"
    assert text_of(driver, "iv-question-text") == QUESTIONS[0]

    # Space (with the focus on the page, not on a control) plays the first answer.
    video = by_id(driver, "iv-player")
    settled(driver, video, "the first answer")
    start = js(driver, "return arguments[0].currentTime", video)
    js(driver, "document.getElementById('iv-title').focus()")
    press(driver, " ")
    wait_for(driver, lambda d: js(d, "return arguments[0].currentTime > arguments[1] + 0.3", video, start),
             what="the first answer to play")
    assert js(driver, "return arguments[0].error", video) is None
    js(driver, "arguments[0].pause()", video)

    js(driver, "document.getElementById('iv-title').focus()")
    press(driver, "4")
    wait_for(driver, lambda d: get_interview(server, api_key, ada["id"])["score"] == 4, what="score 4 in the API")
    wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, '[data-score="4"]').get_attribute("aria-pressed") == "true",
             what="the 4 button pressed")
    click_half = driver.find_element(By.CSS_SELECTOR, '[data-score="4.5"]')
    js(driver, "arguments[0].scrollIntoView({block: 'center'})", click_half)
    click_half.click()
    wait_for(driver, lambda d: get_interview(server, api_key, ada["id"])["score"] == 4.5, what="score 4.5 in the API")
    wait_for(driver, lambda d: "4.5 / 5" in text_of(d, "iv-score"), what="4.5 in the header")

    box = by_id(driver, "iv-comment-text")
    js(driver, "arguments[0].scrollIntoView({block: 'center'})", box)
    box.send_keys(COMMENT)
    click_id(driver, "iv-comment-add")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#iv-comments .iv-comment"), what="the comment")
    comment = driver.find_element(By.CSS_SELECTOR, "#iv-comments .iv-comment")
    assert comment.find_element(By.CSS_SELECTOR, ".iv-comment-author").text == label
    assert comment.find_element(By.CSS_SELECTOR, ".iv-comment-text").text == COMMENT
    stored = check(requests.get(server.url(f"/v1/interviews/{ada['id']}/comments"), headers=auth(api_key), timeout=10), 200)
    assert [(c["author"], c["text"]) for c in stored["items"]] == [(label, COMMENT)]

    js(driver, "document.getElementById('iv-title').focus()")
    press(driver, "s")
    wait_for(driver, lambda d: get_interview(server, api_key, ada["id"])["stage"] == "shortlisted", what="shortlisted in the API")
    wait_for(driver, lambda d: text_of(d, "iv-stage") == "Shortlisted", what="Shortlisted in the header")
    judged = get_interview(server, api_key, ada["id"])
    assert (judged["score"], judged["stage"], judged["status"]) == (4.5, "shortlisted", "completed"), judged
    js(driver, "window.scrollTo(0, 0)")
    shot(driver, "flow-09-interview")
    no_console_errors(driver)
    phone_shot(server, driver, api_key, f"/app/interviews/{ada['id']}", "interview", "flow-09-interview-phone",
               lambda d: wait_for(d, lambda d2: text_of(d2, "iv-stage") == "Shortlisted", what="the interview on a phone"))

    # 6. Share it; the link opens the public page, which shows Ada and plays her answer.
    console_at(server, driver, api_key, f"/app/interviews/{ada['id']}", "interview")
    click_id(driver, "iv-share-create")
    wait_for(driver, lambda d: visible(d, "iv-share-new-url"), what="the new share link")
    share_url = by_id(driver, "iv-share-new-url").get_attribute("value")
    assert urlparse(share_url).path.startswith("/s/"), share_url
    shares = check(requests.get(server.url(f"/v1/interviews/{ada['id']}/shares"), headers=auth(api_key), timeout=10), 200)["items"]
    assert len(shares) == 1, shares
    js(driver, "document.getElementById('iv-share-new-url').scrollIntoView({block: 'center'})")
    shot(driver, "flow-10-share-created")
    no_console_errors(driver)

    driver.get(local(server, share_url))
    wait_for(driver, lambda d: screen(d) == "interview" and visible(d, "candidate-name"), what="the share page")
    assert text_of(driver, "candidate-name") == "Ada Lovelace"
    assert text_of(driver, "share-position") == POSITION
    assert text_of(driver, "share-score") == "4.5 / 5"
    assert text_of(driver, "share-stage") == "Shortlisted"
    assert ada["candidate"]["email"] not in driver.page_source, "contact details are hidden by default"
    answers = driver.find_elements(By.CSS_SELECTOR, "#share-questions > li.share-question")
    assert [a.get_attribute("data-answered") for a in answers] == ["true", "true"]
    plays(driver, answers[0].find_element(By.CSS_SELECTOR, "video"), "the shared answer")
    shot(driver, "flow-11-share-page")
    no_console_errors(driver)

    # 7. Ask for the first answer again: deleted after a confirmation, the interview is in progress.
    console_at(server, driver, api_key, f"/app/interviews/{ada['id']}", "interview")
    assert text_of(driver, "iv-question-text") == QUESTIONS[0]
    click_id(driver, "iv-delete-answer")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "dialog[open] #dialog-confirm"), what="the confirmation")
    dialog = " ".join(driver.find_element(By.CSS_SELECTOR, "dialog[open]").text.split())
    assert "records this question again with the same link" in dialog and "back to in progress" in dialog, dialog
    shot(driver, "flow-12-redo-confirm")
    click_id(driver, "dialog-confirm")
    wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"), what="the dialog to close")
    wait_for(driver, lambda d: text_of(d, "iv-status") == "In progress", what="the status back to In progress")
    wait_for(driver, lambda d: visible(d, "iv-no-answer"), what="question 1 without its answer")
    reopened = get_interview(server, api_key, ada["id"])
    assert reopened["status"] == "in_progress" and reopened["completedAt"] is None, reopened
    assert [q["answered"] for q in reopened["questions"]] == [False, True], reopened["questions"]
    assert "The answer to question 1 was deleted, to be answered again." in text_of(driver, "iv-timeline")
    js(driver, "window.scrollTo(0, 0)")
    shot(driver, "flow-13-redo")
    no_console_errors(driver)

    # The list agrees.
    console_at(server, driver, api_key, f"/app/positions/{position_id}", "candidates")
    wait_list_idle(driver)
    wait_for(driver, lambda d: row_status(d, ada["id"]) == "In progress", what="Ada's row to say In progress")
    no_console_errors(driver)
