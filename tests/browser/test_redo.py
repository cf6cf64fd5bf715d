"""A reviewer asks for one answer again, and the candidate records it with the same link, in a
real browser.

The candidate completes a two-question interview on the page. The reviewer then removes the
first answer (`DELETE /v1/interviews/{id}/answers/{questionId}?notify=true`): the interview goes
back to `in_progress` and the candidate is emailed the same link (the local server writes the
email to the `outbox/` folder of its data directory). Opening that link again, the page asks only
for the removed answer; once it is sent and the interview submitted, the interview is completed
again with both answers, and its timeline shows the reopening between two completions.

The server, the browser and the API helpers are those of test_candidate_page.py.
"""

import email
from email import policy
from urllib.parse import urlparse

import requests
from selenium.webdriver.common.by import By

from test_candidate_page import (  # noqa: F401 - server, api_key and driver are fixtures
    QUESTIONS,
    api_key,
    assert_no_csp_violations,
    auth,
    check,
    click,
    create_position,
    displayed,
    driver,
    element,
    invite,
    record_answer,
    server,
    stored_recordings,
    text,
    wait_for,
    wait_screen,
)

UPLOAD_WAIT = 90


def get_interview(server, api_key, interview_id):
    return check(requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key), timeout=10), 200)


def send_answer(driver, has_next):
    """From the review screen: send the take and wait for the server to confirm it."""
    click(driver, "upload")
    wait_screen(driver, "uploading")
    wait_for(driver, lambda d: displayed(d, "next"), UPLOAD_WAIT, "the answer to be confirmed")
    assert text(driver, "next") == ("Next question" if has_next else "Review and submit")


def submit(driver, answered):
    wait_screen(driver, "submit")
    marks = driver.find_elements(By.CSS_SELECTOR, "#submit-list li")
    assert [li.get_attribute("class") for li in marks] == ["answered"] * answered, [li.text for li in marks]
    click(driver, "submit")
    wait_screen(driver, "done")
    assert element(driver, "screen-done").get_attribute("data-state") == "submitted"


def complete_interview(driver, url):
    """Answers every question of a fresh link on the page, one take each, and submits."""
    driver.get(url)
    wait_screen(driver, "welcome")
    click(driver, "start")
    wait_screen(driver, "camera")
    click(driver, "camera-ok")
    for index, question in enumerate(QUESTIONS):
        wait_screen(driver, "question")
        assert text(driver, "progress") == f"Question {index + 1} of {len(QUESTIONS)}"
        assert text(driver, "question-text") == question
        record_answer(driver)
        send_answer(driver, has_next=index + 1 < len(QUESTIONS))
        click(driver, "next")
    submit(driver, answered=len(QUESTIONS))


def outbox_messages(server, interview_id):
    """The emails the local server wrote about this interview, oldest first."""
    outbox = server.log_path.parent / "data" / "outbox"
    if not outbox.is_dir():
        return []
    messages = []
    for path in sorted(outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["X-Reelview-Interview"] == interview_id:
            messages.append(message)
    return messages


def kinds(interview):
    return [event["kind"] for event in interview["timeline"]]


def test_an_answer_asked_again_is_recorded_with_the_same_link(server, api_key, driver):
    position = create_position(server, api_key)
    question_ids = [q["id"] for q in position["questions"]]
    interview_id, url = invite(server, api_key, position["id"], first_name="Ada")

    # 1. The candidate answers both questions and submits.
    complete_interview(driver, url)
    interview = get_interview(server, api_key, interview_id)
    assert interview["status"] == "completed", interview
    assert sorted(a["questionId"] for a in interview["answers"]) == sorted(question_ids)
    assert outbox_messages(server, interview_id) == [], "the invitation was not emailed"

    # 2. The reviewer asks for the first answer again, and the candidate is told.
    reopened = check(
        requests.delete(
            server.url(f"/v1/interviews/{interview_id}/answers/{question_ids[0]}"),
            params={"notify": "true"},
            headers=auth(api_key),
            timeout=10,
        ),
        200,
    )
    assert reopened["status"] == "in_progress", reopened
    assert reopened["completedAt"] is None, reopened
    assert [a["questionId"] for a in reopened["answers"]] == [question_ids[1]], reopened["answers"]
    assert "answer_reopened" in kinds(reopened), kinds(reopened)

    mail = outbox_messages(server, interview_id)
    assert len(mail) == 1, [m["Subject"] for m in mail]
    asked = mail[0]
    assert "asks you to record an answer again" in asked["Subject"], asked["Subject"]
    assert asked["To"].addresses[0].addr_spec == interview["candidate"]["email"], asked["To"]
    body = asked.get_body(preferencelist=("plain",)).get_content()
    links = [word for word in body.split() if word.startswith(("http://", "https://"))]
    assert [urlparse(link).path for link in links] == [urlparse(url).path], body
    assert QUESTIONS[0] in body and QUESTIONS[1] not in body, body

    # 3. The same link asks for the removed answer only.
    driver.get(url)
    wait_screen(driver, "welcome")
    resume = text(driver, "welcome-resume")
    assert "answered 1 of 2" in resume and "continue with question 1" in resume, resume
    assert text(driver, "start") == "Continue the interview"
    click(driver, "start")
    wait_screen(driver, "camera")
    click(driver, "camera-ok")
    wait_screen(driver, "question")
    assert text(driver, "progress") == "Question 1 of 2"
    assert text(driver, "question-text") == QUESTIONS[0]
    record_answer(driver)
    assert displayed(driver, "retake"), "the retakes start afresh for an answer asked again"
    assert stored_recordings(driver) == 1
    send_answer(driver, has_next=False)
    assert "answered 2 of 2" in text(driver, "uploading-help"), text(driver, "uploading-help")
    click(driver, "next")
    submit(driver, answered=2)
    assert "Ada" in text(driver, "done-title")
    assert stored_recordings(driver) == 0

    # 4. Completed again, with both answers; the timeline keeps the first completion.
    interview = get_interview(server, api_key, interview_id)
    assert interview["status"] == "completed", interview
    assert interview["completedAt"], interview
    answers = interview["answers"]
    assert sorted(a["questionId"] for a in answers) == sorted(question_ids), answers
    for answer in answers:
        assert answer["size"] > 0, answer
    timeline = kinds(interview)
    assert timeline.count("completed") == 2, timeline
    assert timeline.count("answer_reopened") == 1, timeline
    first, second = [i for i, kind in enumerate(timeline) if kind == "completed"]
    assert first < timeline.index("answer_reopened") < second, timeline
    reopening = interview["timeline"][timeline.index("answer_reopened")]
    assert reopening.get("detail") == question_ids[0], reopening

    messages = driver.get_log("browser")
    assert_no_csp_violations([m["message"] for m in messages])
    errors = [m for m in messages if m["level"] == "SEVERE" and "favicon.ico" not in m["message"]]
    assert not errors, errors
