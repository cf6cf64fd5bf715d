"""The recruiter console's positions screens in a real browser: the list (/app) and the editor
(/app/positions/new, /app/positions/{id}/edit) with its question builder.

Each test makes a team of its own through the admin API, signs in with its key in headless
Chromium, works through the screens like a recruiter would, and checks through the public API
that what the screens did is what is stored.

The server, the browser and the API helpers are those of test_candidate_page.py; signing in,
screens and screenshots those of console_support.py.
"""

import re

import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from console_support import no_console_errors, screen, shot, sign_in, wait_screen
from test_candidate_page import (  # noqa: F401 - server and driver are fixtures
    auth,
    check,
    driver,
    invite,
    no_horizontal_scroll,
    phone,
    server,
    wait_for,
)

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def new_team(server, name="Acme"):
    """A tenant of its own for one test, so each starts from an empty team; answers its key."""
    body = check(
        requests.post(
            server.url("/admin/v1/tenants"),
            json={"name": name},
            headers={"Authorization": f"Bearer {server.admin_key}"},
            timeout=10,
        ),
        201,
        200,
    )
    return body["apiKey"]


def api_position(server, key, position_id, expected=200):
    response = requests.get(server.url(f"/v1/positions/{position_id}"), headers=auth(key), timeout=10)
    assert response.status_code == expected, response.text
    return response.json()


def make_position(server, key, name, texts):
    body = {
        "name": name,
        "questions": [{"text": t, "thinkingSeconds": 10, "maxAnswerSeconds": 60, "retakes": 1} for t in texts],
    }
    return check(requests.post(server.url("/v1/positions"), json=body, headers=auth(key), timeout=10), 201)


def by_css(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector)


def visible(driver, selector):
    found = driver.find_elements(By.CSS_SELECTOR, selector)
    return bool(found) and found[0].is_displayed()


def type_into(element, text):
    element.clear()
    element.send_keys(text)


def questions(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#questions > li.pos-question")


def question_field(item, name):
    return item.find_element(By.CSS_SELECTOR, f"[name='{name}']")


def question_button(item, action):
    return item.find_element(By.CSS_SELECTOR, f"button[data-action='{action}']")


def row(driver, position_id):
    rows = driver.find_elements(By.CSS_SELECTOR, f"tr[data-position-id='{position_id}']")
    return rows[0] if rows else None


def badge_of(driver, position_id):
    """The text of a position's badge in the list, or None (also while the list redraws)."""
    try:
        found = row(driver, position_id)
        return found.find_element(By.CSS_SELECTOR, ".badge").text if found else None
    except StaleElementReferenceException:
        return None


def count_in(row_element, key):
    return row_element.find_element(By.CSS_SELECTOR, f"td[data-count='{key}']").text.strip()


def open_console(server, driver, path, screen_name):
    """Goes to `path` in the signed-in console tab (the key stays in the tab's sessionStorage)."""
    driver.get(server.url(path))
    wait_screen(driver, screen_name)


def saved_and_left(driver):
    """After Save: the console is on the position's candidates screen; answers the position id.

    The candidates screen is another module, so what it logs is not this test's business: the
    log is read (and emptied) here."""
    match = wait_for(
        driver,
        lambda d: re.search(rf"/app/positions/({UUID})$", d.current_url),
        what="the candidates screen of the saved position",
    )
    wait_for(driver, lambda d: not str(screen(d)).endswith("-loading") and screen(d) != "position-edit",
             what="the next screen to load")
    driver.get_log("browser")
    return match.group(1)


def confirm_dialog(driver):
    wait_for(driver, lambda d: visible(d, "dialog[open] #dialog-confirm"), what="the confirmation dialog")
    return by_css(driver, "dialog[open]")


def only_expected_failures(driver, status):
    """Reads the log: the browser reports a refused request (`status`) as an error of its own,
    which is expected here; anything else is not."""
    messages = driver.get_log("browser")
    unexpected = [m for m in messages if m["level"] == "SEVERE"
                  and not (m["source"] == "network" and f"status of {status}" in m["message"])]
    assert not unexpected, unexpected


def toast_text(driver):
    return driver.execute_script("return document.getElementById('toasts').textContent")


def test_empty_team_creates_a_position_with_the_builder_and_lists_it(server, driver):
    key = new_team(server)
    sign_in(server, driver, key)
    wait_screen(driver, "positions")
    assert by_css(driver, "#view h1").text == "Positions"
    empty = by_css(driver, "#positions-empty")
    assert "No positions yet" in empty.text
    assert not driver.find_elements(By.CSS_SELECTOR, "#positions-table")
    shot(driver, "positions-empty-desktop")

    by_css(driver, "#create-first").click()
    wait_screen(driver, "position-edit")
    assert driver.current_url.endswith("/app/positions/new")
    assert by_css(driver, "#view h1").text == "New position"
    # A new position starts with one empty question to fill in.
    assert len(questions(driver)) == 1

    type_into(by_css(driver, "#position-name"), "Support Engineer")
    type_into(by_css(driver, "#position-company"), "Acme Robotics")
    type_into(by_css(driver, "#position-intro"), "Welcome!\nIt takes ten minutes.")
    type_into(by_css(driver, "#position-deadline"), "7")
    type_into(by_css(driver, "#position-reminders-after"), "24, 72")
    type_into(by_css(driver, "#position-reminders-before"), "12")

    first = questions(driver)[0]
    type_into(question_field(first, "text"), "Tell us about a hard bug.\nWhat did you learn?")
    type_into(question_field(first, "thinkingSeconds"), "20")
    type_into(question_field(first, "maxAnswerSeconds"), "90")
    type_into(question_field(first, "retakes"), "2")
    type_into(question_field(first, "rubric"), "Names the root cause.")

    by_css(driver, "#add-question").click()
    assert len(questions(driver)) == 2
    second = questions(driver)[1]
    # The new question's text field takes focus, ready to type.
    assert driver.switch_to.active_element == question_field(second, "text")
    type_into(question_field(second, "text"), "Why support?")
    Select(question_field(second, "kind")).select_by_value("audio")
    type_into(question_field(second, "thinkingSeconds"), "5")
    type_into(question_field(second, "maxAnswerSeconds"), "45")
    type_into(question_field(second, "retakes"), "0")

    # Reorder: the first question goes down; focus stays on its Move down button, the move is
    # announced, and the legends follow the new order.
    first_id = first.get_attribute("id")
    move_down = question_button(first, "move-down")
    move_down.click()
    assert [q.get_attribute("id") for q in questions(driver)][1] == first_id
    assert driver.switch_to.active_element == move_down
    assert move_down.get_attribute("aria-disabled") == "true"
    wait_for(driver, lambda d: "now question 2 of 2" in by_css(d, "#questions-status").text
             or "now question 2 of 2" in d.execute_script("return document.getElementById('questions-status').textContent"),
             what="the move to be announced")
    legends = [q.find_element(By.TAG_NAME, "legend").text for q in questions(driver)]
    assert legends == ["Question 1", "Question 2"]
    # Move up works from the keyboard too: Enter on the focused button moves it back and forth.
    question_button(questions(driver)[1], "move-up").send_keys("\n")
    assert questions(driver)[0].get_attribute("id") == first_id
    question_button(questions(driver)[0], "move-down").send_keys("\n")
    assert questions(driver)[1].get_attribute("id") == first_id
    shot(driver, "position-editor-desktop")
    no_console_errors(driver)

    by_css(driver, "#save-position").click()
    position_id = saved_and_left(driver)

    stored = api_position(server, key, position_id)
    assert stored["name"] == "Support Engineer"
    assert stored["companyName"] == "Acme Robotics"
    assert stored["intro"] == "Welcome!\nIt takes ten minutes."
    assert stored["defaultDeadlineDays"] == 7
    assert stored["reminders"] == {"afterInviteHours": [24, 72], "beforeDeadlineHours": [12]}
    assert stored["publicApply"] is False
    got = [
        {k: q[k] for k in ("text", "kind", "thinkingSeconds", "maxAnswerSeconds", "retakes", "rubric")}
        for q in stored["questions"]
    ]
    assert got == [
        {"text": "Why support?", "kind": "audio", "thinkingSeconds": 5, "maxAnswerSeconds": 45, "retakes": 0, "rubric": None},
        {"text": "Tell us about a hard bug.\nWhat did you learn?", "kind": "video", "thinkingSeconds": 20,
         "maxAnswerSeconds": 90, "retakes": 2, "rubric": "Names the root cause."},
    ]
    # Only one position was made (Save is guarded and the create is idempotent).
    listed = check(requests.get(server.url("/v1/positions"), headers=auth(key), timeout=10), 200)
    assert [p["id"] for p in listed["items"]] == [position_id]

    invite(server, key, position_id)
    open_console(server, driver, "/app", "positions")
    line = row(driver, position_id)
    assert line is not None
    link = line.find_element(By.CSS_SELECTOR, "a.pos-link")
    assert link.text == "Support Engineer"
    assert link.get_attribute("href").endswith(f"/app/positions/{position_id}")
    assert "Active" in line.find_element(By.CSS_SELECTOR, ".badge").text
    assert count_in(line, "questions") == "2"
    assert count_in(line, "invited") == "1"
    assert count_in(line, "toEvaluate") == "1"
    for key_name in ("inProgress", "completed", "expired", "shortlisted", "discarded"):
        assert count_in(line, key_name) == "0", key_name
    assert line.find_element(By.CSS_SELECTOR, "time").get_attribute("datetime") == stored["createdAt"]
    edit = line.find_element(By.CSS_SELECTOR, "a[data-action='edit']")
    assert edit.get_attribute("href").endswith(f"/app/positions/{position_id}/edit")
    shot(driver, "positions-desktop")
    no_console_errors(driver)

    phone(driver)
    open_console(server, driver, "/app", "positions")
    assert no_horizontal_scroll(driver)
    assert count_in(row(driver, position_id), "invited") == "1"
    shot(driver, "positions-phone")
    open_console(server, driver, f"/app/positions/{position_id}/edit", "position-edit")
    assert no_horizontal_scroll(driver)
    assert [question_field(q, "text").get_attribute("value") for q in questions(driver)] == [
        "Why support?", "Tell us about a hard bug.\nWhat did you learn?"]
    shot(driver, "position-editor-phone")
    no_console_errors(driver)


def test_edit_shows_server_errors_by_their_fields_and_turns_on_public_apply(server, driver):
    key = new_team(server)
    position = make_position(server, key, "Backend Engineer", ["One?", "Two?", "Three?"])
    ids = [q["id"] for q in position["questions"]]
    sign_in(server, driver, key, f"/app/positions/{position['id']}/edit")
    wait_screen(driver, "position-edit")
    assert by_css(driver, "#view h1").text == "Edit Backend Engineer"
    assert [question_field(q, "text").get_attribute("value") for q in questions(driver)] == ["One?", "Two?", "Three?"]

    # Rename and remove the second question.
    type_into(by_css(driver, "#position-name"), "Backend Engineer II")
    question_button(questions(driver)[1], "remove").click()
    assert len(questions(driver)) == 2
    # Focus goes to the question that took its place.
    assert driver.switch_to.active_element == question_field(questions(driver)[1], "text")
    by_css(driver, "#save-position").click()
    assert saved_and_left(driver) == position["id"]
    stored = api_position(server, key, position["id"])
    assert stored["name"] == "Backend Engineer II"
    assert [q["text"] for q in stored["questions"]] == ["One?", "Three?"]
    # Kept questions keep their ids (interviews and answers refer to them).
    assert [q["id"] for q in stored["questions"]] == [ids[0], ids[2]]

    # What the server refuses (422) shows next to the field it names and in the summary.
    open_console(server, driver, f"/app/positions/{position['id']}/edit", "position-edit")
    type_into(question_field(questions(driver)[0], "thinkingSeconds"), "900")
    type_into(question_field(questions(driver)[1], "text"), "   ")
    by_css(driver, "#save-position").click()
    wait_for(driver, lambda d: visible(d, "#editor-errors"), what="the error summary")
    summary = by_css(driver, "#editor-errors")
    assert driver.switch_to.active_element == summary
    assert "The position was not saved" in summary.text
    assert "Question 1, thinking time: must be between 0 and 600" in summary.text
    assert "Question 2, text: must not be empty" in summary.text
    thinking = question_field(questions(driver)[0], "thinkingSeconds")
    assert thinking.get_attribute("aria-invalid") == "true"
    thinking_error = by_css(driver, f"#{thinking.get_attribute('id')}-error")
    assert thinking_error.is_displayed() and thinking_error.text == "Must be between 0 and 600."
    assert thinking_error.get_attribute("id") in thinking.get_attribute("aria-describedby").split()
    text_error = by_css(driver, f"#{question_field(questions(driver)[1], 'text').get_attribute('id')}-error")
    assert text_error.text == "Must not be empty."
    # A link in the summary takes the keyboard to the field.
    summary.find_element(By.PARTIAL_LINK_TEXT, "thinking time").click()
    assert driver.switch_to.active_element == thinking
    assert driver.current_url.endswith(f"/app/positions/{position['id']}/edit")
    assert api_position(server, key, position["id"])["questions"][0]["thinkingSeconds"] == 10
    shot(driver, "position-editor-errors-desktop")
    only_expected_failures(driver, 422)

    # Fixed, and with the public application link on.
    type_into(thinking, "15")
    type_into(question_field(questions(driver)[1], "text"), "Three, reworded?")
    assert not visible(driver, "#position-slug")
    by_css(driver, "#position-public-apply").click()
    assert "appears here once the position is saved" in by_css(driver, "#position-apply-link").text
    type_into(by_css(driver, "#position-slug"), "backend-two")
    by_css(driver, "#save-position").click()
    saved_and_left(driver)
    stored = api_position(server, key, position["id"])
    assert stored["publicApply"] is True and stored["slug"] == "backend-two"
    assert [(q["id"], q["text"], q["thinkingSeconds"]) for q in stored["questions"]] == [
        (ids[0], "One?", 15), (ids[2], "Three, reworded?", 10)]

    open_console(server, driver, f"/app/positions/{position['id']}/edit", "position-edit")
    link = by_css(driver, "#apply-url")
    url = link.get_attribute("href")
    assert url == server.url(f"/apply/{stored['publicSlug']}"), url
    assert link.text == url
    assert visible(driver, "#copy-apply-url")
    page = requests.get(url, timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"], page.status_code
    no_console_errors(driver)


def test_archive_unarchive_and_delete_with_confirmation(server, driver):
    key = new_team(server)
    kept = make_position(server, key, "Data Analyst", ["Why data?"])
    doomed = make_position(server, key, "Sales Lead", ["Why sales?", "A deal you lost?"])
    invite(server, key, doomed["id"])
    sign_in(server, driver, key)
    wait_screen(driver, "positions")
    assert row(driver, kept["id"]) and row(driver, doomed["id"])

    # Archive from the list: gone from the active list, there (marked) with archived ones.
    row(driver, kept["id"]).find_element(By.CSS_SELECTOR, "button[data-action='archive']").click()
    wait_for(driver, lambda d: row(d, kept["id"]) is None, what="the archived position to leave the active list")
    assert api_position(server, key, kept["id"])["status"] == "archived"
    assert "archived" in toast_text(driver)
    by_css(driver, "#show-archived").click()
    wait_for(driver, lambda d: row(d, kept["id"]) is not None, what="archived positions to show")
    assert "archived=1" in driver.current_url
    assert row(driver, kept["id"]).find_element(By.CSS_SELECTOR, ".badge").text == "Archived"
    shot(driver, "positions-archived-desktop")
    row(driver, kept["id"]).find_element(By.CSS_SELECTOR, "button[data-action='unarchive']").click()
    wait_for(driver, lambda d: badge_of(d, kept["id"]) == "Active", what="the position to be active again")
    assert api_position(server, key, kept["id"])["status"] == "active"
    # The reopened row's button keeps the focus, now as Archive.
    assert driver.switch_to.active_element.get_attribute("data-action") == "archive"

    # Archive and unarchive from the editor.
    open_console(server, driver, f"/app/positions/{kept['id']}/edit", "position-edit")
    assert not visible(driver, "#position-status")
    archive = by_css(driver, "#archive-position")
    assert archive.text == "Archive"
    archive.click()
    wait_for(driver, lambda d: visible(d, "#position-status") and by_css(d, "#archive-position").text == "Unarchive",
             what="the editor to show the position archived")
    assert visible(driver, "#archived-notice")
    assert api_position(server, key, kept["id"])["status"] == "archived"
    by_css(driver, "#archive-position").click()
    wait_for(driver, lambda d: not visible(d, "#position-status") and by_css(d, "#archive-position").text == "Archive",
             what="the editor to show the position active")
    assert api_position(server, key, kept["id"])["status"] == "active"
    no_console_errors(driver)

    # Delete from the list: the dialog says what goes; Cancel keeps everything.
    open_console(server, driver, "/app", "positions")
    delete = row(driver, doomed["id"]).find_element(By.CSS_SELECTOR, "button[data-action='delete']")
    delete.click()
    dialog = confirm_dialog(driver)
    words = " ".join(dialog.text.split())
    assert "Sales Lead" in words
    assert "its 1 interview, with their recordings, share links and comments" in words
    assert "cannot be undone" in words
    by_css(driver, "dialog[open] #dialog-cancel").click()
    wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"), what="the dialog to close")
    assert row(driver, doomed["id"]) is not None
    assert driver.switch_to.active_element == delete
    api_position(server, key, doomed["id"], 200)

    delete.click()
    confirm_dialog(driver)
    by_css(driver, "dialog[open] #dialog-confirm").click()
    wait_for(driver, lambda d: row(d, doomed["id"]) is None, what="the deleted position to leave the list")
    api_position(server, key, doomed["id"], 404)
    assert row(driver, kept["id"]) is not None
    no_console_errors(driver)

    # Delete from the editor: the same confirmation, then back to the (now empty) list.
    open_console(server, driver, f"/app/positions/{kept['id']}/edit", "position-edit")
    by_css(driver, "#delete-position").click()
    dialog = confirm_dialog(driver)
    assert "it has no interviews" in " ".join(dialog.text.split())
    by_css(driver, "dialog[open] #dialog-confirm").click()
    wait_screen(driver, "positions")
    assert driver.current_url.endswith("/app")
    assert visible(driver, "#positions-empty")
    api_position(server, key, kept["id"], 404)
    no_console_errors(driver)


def test_client_checks_the_obvious_and_a_double_click_creates_once(server, driver):
    key = new_team(server)
    sign_in(server, driver, key)
    wait_screen(driver, "positions")
    # Cancel with changes asks first, then goes back where the editor was opened from.
    by_css(driver, "#new-position").click()
    wait_screen(driver, "position-edit")
    type_into(by_css(driver, "#position-name"), "Not kept")
    by_css(driver, "#cancel-edit").click()
    assert "Discard your changes?" in confirm_dialog(driver).text
    by_css(driver, "dialog[open] #dialog-cancel").click()
    assert screen(driver) == "position-edit"
    assert by_css(driver, "#position-name").get_attribute("value") == "Not kept"
    by_css(driver, "#cancel-edit").click()
    confirm_dialog(driver)
    by_css(driver, "dialog[open] #dialog-confirm").click()
    wait_screen(driver, "positions")
    assert driver.current_url.endswith("/app")
    by_css(driver, "#create-first").click()
    wait_screen(driver, "position-edit")
    question_button(questions(driver)[0], "remove").click()
    assert questions(driver) == []
    by_css(driver, "#save-position").click()
    wait_for(driver, lambda d: visible(d, "#editor-errors"), what="the error summary")
    summary = by_css(driver, "#editor-errors").text
    assert "Name: enter a name for the position" in summary
    assert "Questions: add at least one question" in summary
    assert by_css(driver, "#position-name").get_attribute("aria-invalid") == "true"
    assert by_css(driver, "#questions-error").text == "Add at least one question."

    type_into(by_css(driver, "#position-name"), "Designer")
    by_css(driver, "#add-question").click()
    type_into(question_field(questions(driver)[0], "text"), "Show us a design.")
    Select(question_field(questions(driver)[0], "kind")).select_by_value("text")
    # A written question asks for characters, not seconds.
    assert not question_field(questions(driver)[0], "maxAnswerSeconds").is_displayed()
    type_into(question_field(questions(driver)[0], "maxCharacters"), "500")
    # Two clicks in a row: the second lands while the first request runs, or replays it.
    driver.execute_script("const b = document.getElementById('save-position'); b.click(); b.click();")
    position_id = saved_and_left(driver)
    listed = check(requests.get(server.url("/v1/positions"), headers=auth(key), timeout=10), 200)["items"]
    assert [p["id"] for p in listed] == [position_id]
    stored = api_position(server, key, position_id)
    assert [(q["kind"], q["maxCharacters"]) for q in stored["questions"]] == [("text", 500)]
    assert stored["reminders"] == {"afterInviteHours": [48], "beforeDeadlineHours": [24]}
