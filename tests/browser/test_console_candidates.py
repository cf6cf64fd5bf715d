"""The console's candidates screen (/app/positions/{id}) in a real browser.

Each test creates its own position through the API, signs in to the console and works the
screen as a recruiter would: the empty state, inviting one candidate (and being refused a
duplicate), inviting many from a CSV file and from pasted text (with the check of every row
before sending and the outcome of every row after), the filters and the search (kept in the URL
across a reload), and the pages of a long list. The API is the judge of what was created.
"""

import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from console_support import no_console_errors, rows_of, shot, sign_in, visible, wait_list_idle, wait_screen
from test_candidate_page import (  # noqa: F401 - fixtures
    api_key,
    auth,
    check,
    create_position,
    driver,
    no_horizontal_scroll,
    phone,
    server,
    wait_for,
)


# ------------------------------------------------------------------------------------------------
# Helpers


def interviews(server, api_key, position_id, **params):
    """Every interview of the position (following the cursor), newest first."""
    items, cursor = [], None
    while True:
        query = dict(params, limit=100)
        if cursor:
            query["cursor"] = cursor
        page = check(
            requests.get(server.url(f"/v1/positions/{position_id}/interviews"), params=query,
                         headers=auth(api_key), timeout=10),
            200,
        )
        items += page["items"]
        cursor = page["nextCursor"]
        if not cursor:
            return items


def invite_as(server, api_key, position_id, email, first, last, external_id=None):
    body = {"candidate": {"email": email, "firstName": first, "lastName": last}, "sendEmail": False}
    if external_id:
        body["externalId"] = external_id
    return check(
        requests.post(server.url(f"/v1/positions/{position_id}/interviews"), json=body,
                      headers=auth(api_key), timeout=10),
        201,
    )


def open_candidates(server, driver, api_key, position_id, query=""):
    sign_in(server, driver, api_key, f"/app/positions/{position_id}{query}")
    wait_screen(driver, "candidates")
    wait_list_idle(driver)


def shown_ids(driver):
    """The interview ids of the table's rows, in order (none when the table is hidden)."""
    return driver.execute_script(
        "const wrap = document.getElementById('candidates-table-wrap');"
        "if (!wrap || wrap.hidden) return [];"
        "return Array.from(document.querySelectorAll('#candidates-body tr')).map(tr => tr.dataset.id)"
    )


def wait_rows(driver, expected, what):
    """Waits until the table shows exactly the interviews `expected` (a set of ids)."""
    wait_for(driver, lambda d: set(shown_ids(d)) == set(expected) and len(shown_ids(d)) == len(expected),
             what=f"{what}: rows {sorted(expected)}")
    wait_list_idle(driver)


def url_query(driver):
    return {k: v[0] for k, v in parse_qs(urlparse(driver.current_url).query).items()}


def fill(driver, element_id, value):
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(value)


def set_textarea(driver, element_id, value):
    """Puts multi-line text into a textarea as a paste would (send_keys would type each line)."""
    driver.execute_script(
        "const t = document.getElementById(arguments[0]); t.value = arguments[1];"
        "t.dispatchEvent(new Event('input', {bubbles: true}));",
        element_id, value,
    )


def candidate_token(url):
    return urlparse(url).path.rsplit("/", 1)[-1]


# ------------------------------------------------------------------------------------------------
# Tests


def test_empty_state_invite_one_duplicate_and_field_errors(server, api_key, driver):
    position = create_position(server, api_key, name="Site Reliability Engineer")
    pid = position["id"]
    open_candidates(server, driver, api_key, pid)

    assert driver.find_element(By.CSS_SELECTOR, "#view h1").text == "Site Reliability Engineer"
    assert driver.find_element(By.ID, "position-status").text == "Active"
    assert driver.find_element(By.ID, "edit-position").get_attribute("href").endswith(f"/app/positions/{pid}/edit")
    assert "No candidates yet" in driver.find_element(By.ID, "list-empty").text
    assert shown_ids(driver) == []

    # The empty state's own button opens the form, ready to type.
    driver.find_element(By.ID, "empty-invite").click()
    wait_for(driver, lambda d: visible(d, "invite-panel"), what="the invite form")
    assert driver.switch_to.active_element.get_attribute("id") == "invite-first-name"
    assert driver.find_element(By.ID, "invite-toggle").get_attribute("aria-expanded") == "true"

    # Required fields are asked for next to their inputs, without a request.
    driver.find_element(By.ID, "invite-submit").click()
    wait_for(driver, lambda d: visible(d, "invite-first-name-error"), what="the missing first name")
    assert driver.find_element(By.ID, "invite-email").get_attribute("aria-invalid") == "true"

    # The API's own field errors land next to the inputs too.
    fill(driver, "invite-email", "grace.hopper-example.com")
    fill(driver, "invite-first-name", "Grace")
    fill(driver, "invite-last-name", "Hopper")
    fill(driver, "invite-phone", "12")
    driver.find_element(By.ID, "invite-submit").click()
    wait_for(driver, lambda d: "Must be a valid email address" in d.find_element(By.ID, "invite-email-error").text,
             what="the email's field error")
    assert "Must be a phone number" in driver.find_element(By.ID, "invite-phone-error").text
    assert "Some values were not accepted" in driver.find_element(By.ID, "invite-error").text
    assert interviews(server, api_key, pid) == []

    # A valid invitation: the API has it, the table shows it.
    fill(driver, "invite-email", "grace.hopper@example.com")
    driver.find_element(By.ID, "invite-phone").clear()
    fill(driver, "invite-external-id", "ATS-1906")
    driver.find_element(By.ID, "invite-send-email").click()  # pass the link on ourselves
    assert driver.find_element(By.ID, "invite-submit").text == "Create interview"
    driver.find_element(By.ID, "invite-submit").click()
    wait_for(driver, lambda d: visible(d, "invite-result"), what="the invitation's result")
    assert "Invited Grace Hopper" in driver.find_element(By.ID, "invite-result").text
    assert "No email was sent" in driver.find_element(By.ID, "invite-result").text
    created = interviews(server, api_key, pid)
    assert len(created) == 1
    interview = created[0]
    assert interview["candidate"]["email"] == "grace.hopper@example.com"
    assert interview["externalId"] == "ATS-1906"
    assert interview["email"]["status"] == "not_requested"
    wait_rows(driver, {interview["id"]}, "the new row")
    link = driver.find_element(By.CSS_SELECTOR, "#candidates-body a.candidate-link")
    assert link.text == "Grace Hopper"
    assert link.get_attribute("href").endswith(f"/app/interviews/{interview['id']}")
    row_text = driver.find_element(By.CSS_SELECTOR, "#candidates-body tr").text
    assert "ATS-1906" in row_text and "Invited" in row_text and "To evaluate" in row_text
    assert driver.find_element(By.ID, "invite-email").get_attribute("value") == ""

    # The same email again: refused, in words, with the way to the existing interview.
    fill(driver, "invite-email", "Grace.Hopper@example.com")
    fill(driver, "invite-first-name", "Grace")
    fill(driver, "invite-last-name", "Again")
    driver.find_element(By.ID, "invite-submit").click()
    wait_for(driver, lambda d: visible(d, "invite-error"), what="the duplicate's refusal")
    error = driver.find_element(By.ID, "invite-error")
    assert "Already invited to this position" in error.text
    existing = error.find_element(By.CSS_SELECTOR, "a.existing-interview")
    assert existing.get_attribute("href").endswith(f"/app/interviews/{interview['id']}")
    assert "already has an interview" in driver.find_element(By.ID, "invite-email-error").text
    assert len(interviews(server, api_key, pid)) == 1
    shot(driver, "candidates-invite-desktop")

    # Rows are reached by Tab through their name link (right after the filters' last control); j and / are
    # shortcuts to the rows and the search.
    driver.execute_script("document.getElementById('filter-limit').focus()")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    focused = driver.switch_to.active_element
    assert focused.get_attribute("class") == "candidate-link", focused.get_attribute("outerHTML")
    driver.find_element(By.CSS_SELECTOR, "#view h1").click()
    ActionChains(driver).send_keys("j").perform()
    assert driver.switch_to.active_element.get_attribute("class") == "candidate-link"
    ActionChains(driver).send_keys("/").perform()
    assert driver.switch_to.active_element.get_attribute("id") == "filter-search"
    no_console_errors(driver, 409, 422)


def test_archived_position_takes_no_invitations_until_reopened(server, api_key, driver):
    position = create_position(server, api_key, name="Archived role")
    check(requests.post(server.url(f"/v1/positions/{position['id']}/archive"), headers=auth(api_key), timeout=10), 200)
    open_candidates(server, driver, api_key, position["id"])
    assert driver.find_element(By.ID, "position-status").text == "Archived"
    assert "takes no new invitations" in driver.find_element(By.ID, "archived-notice").text
    assert not driver.find_element(By.ID, "invite-toggle").is_enabled()
    assert not driver.find_element(By.ID, "bulk-toggle").is_enabled()
    assert not driver.find_element(By.ID, "empty-invite").is_enabled()

    driver.find_element(By.ID, "reopen-position").click()
    wait_for(driver, lambda d: d.find_element(By.ID, "invite-toggle").is_enabled(), what="inviting to come back")
    assert driver.find_element(By.ID, "position-status").text == "Active"
    assert not visible(driver, "archived-notice")
    got = check(requests.get(server.url(f"/v1/positions/{position['id']}"), headers=auth(api_key), timeout=10), 200)
    assert got["status"] == "active"
    no_console_errors(driver)


def test_bulk_invite_from_a_file_then_from_pasted_text(server, api_key, driver):
    position = create_position(server, api_key, name="Support Engineer")
    pid = position["id"]
    open_candidates(server, driver, api_key, pid)
    driver.find_element(By.ID, "bulk-toggle").click()
    wait_for(driver, lambda d: visible(d, "bulk-panel"), what="the CSV panel")

    csv_text = (
        "\ufeffEmail,First Name,last_name,Phone,Notes\r\n"
        "ada@example.com,Ada,Lovelace,,met at the fair\r\n"
        '"grace@example.com","Grace","Hopper, Jr.",+1 555 010 9999,"said ""hi"""\r\n'
        "\r\n"
        "not-an-email,Bad,Row,,\r\n"
        "linus@example.com,Linus,Torvalds,,\r\n"
    )
    folder = Path(tempfile.mkdtemp(prefix="reelview-csv-"))
    path = folder / "candidates.csv"
    path.write_text(csv_text, encoding="utf-8")
    driver.find_element(By.ID, "bulk-file").send_keys(str(path))

    # The check of every row, before anything is sent.
    wait_for(driver, lambda d: visible(d, "bulk-preview-table"), what="the preview")
    preview = rows_of(driver, "bulk-preview-table")
    assert [row["line"] for row in preview] == ["2", "3", "5", "6"], preview
    assert [row["valid"] for row in preview] == ["true", "true", "false", "true"], preview
    assert "Email has no @" in preview[2]["text"]
    assert "Hopper, Jr." in preview[1]["text"] and "+1 555 010 9999" in preview[1]["text"]
    summary = driver.find_element(By.ID, "bulk-summary").text
    assert "4 rows read" in summary and "3 will be sent" in summary and "1 row has problems" in summary, summary
    assert "Ignored columns (not used): Notes" in summary, summary
    send = driver.find_element(By.ID, "bulk-send")
    assert send.text == "Send 3 invitations"
    assert interviews(server, api_key, pid) == []
    shot(driver, "candidates-bulk-preview-desktop")

    send.click()
    wait_for(driver, lambda d: visible(d, "bulk-result-table"), what="the result of the sending")
    result = rows_of(driver, "bulk-result-table")
    assert [row["outcome"] for row in result] == ["created", "created", "excluded", "created"], result
    assert "Email has no @" in result[2]["text"] and "not-an-email" in result[2]["text"]
    assert "3 candidates invited" in driver.find_element(By.ID, "bulk-result-summary").text
    assert "1 row left out by the check" in driver.find_element(By.ID, "bulk-result-summary").text
    created = interviews(server, api_key, pid)
    assert sorted(i["candidate"]["email"] for i in created) == ["ada@example.com", "grace@example.com", "linus@example.com"]
    grace = next(i for i in created if i["candidate"]["email"] == "grace@example.com")
    assert grace["candidate"]["lastName"] == "Hopper, Jr."
    assert grace["candidate"]["phone"] == "+1 555 010 9999"
    links = driver.find_elements(By.CSS_SELECTOR, "#bulk-result-table a[data-link]")
    assert {a.get_attribute("href").rsplit("/", 1)[-1] for a in links} == {i["id"] for i in created}
    wait_rows(driver, {i["id"] for i in created}, "the table after the sending")
    shot(driver, "candidates-bulk-result-desktop")

    # On a phone: paste CSV where one row is a candidate the position already has.
    phone(driver)
    driver.find_element(By.ID, "bulk-again").click()
    wait_for(driver, lambda d: visible(d, "bulk-text"), what="the CSV form again")
    set_textarea(driver, "bulk-text",
                 "email;firstName;lastName;externalId\n"
                 "ADA@example.com;Ada;Again;\n"
                 "margaret@example.com;Margaret;Hamilton;ATS-77\n")
    driver.find_element(By.ID, "bulk-check").click()
    wait_for(driver, lambda d: visible(d, "bulk-preview-table"), what="the pasted preview")
    assert [row["valid"] for row in rows_of(driver, "bulk-preview-table")] == ["true", "true"]
    assert driver.find_element(By.ID, "bulk-send").text == "Send 2 invitations"
    assert no_horizontal_scroll(driver)
    driver.execute_script("document.getElementById('bulk-preview-title').scrollIntoView()")
    shot(driver, "candidates-bulk-preview-phone")
    driver.find_element(By.ID, "bulk-send").click()
    wait_for(driver, lambda d: visible(d, "bulk-result-table"), what="the pasted result")
    result = rows_of(driver, "bulk-result-table")
    assert [row["outcome"] for row in result] == ["failed", "created"], result
    assert "Already invited to this position" in result[0]["text"], result[0]
    assert "interview_already_exists_in_position" in result[0]["text"], result[0]
    ada = next(i for i in created if i["candidate"]["email"] == "ada@example.com")
    existing = driver.find_element(By.CSS_SELECTOR, "#bulk-result-table a.existing-interview")
    assert existing.get_attribute("href").endswith(f"/app/interviews/{ada['id']}")
    after = interviews(server, api_key, pid)
    assert len(after) == 4
    assert next(i for i in after if i["candidate"]["email"] == "margaret@example.com")["externalId"] == "ATS-77"
    assert no_horizontal_scroll(driver)
    driver.execute_script("document.getElementById('bulk-result-title').scrollIntoView()")
    shot(driver, "candidates-bulk-result-phone")
    no_console_errors(driver)


def test_a_long_csv_goes_in_batches_of_at_most_100(server, api_key, driver):
    position = create_position(server, api_key, name="Seasonal staff")
    pid = position["id"]
    open_candidates(server, driver, api_key, pid)
    driver.find_element(By.ID, "bulk-toggle").click()
    wait_for(driver, lambda d: visible(d, "bulk-text"), what="the CSV panel")
    lines = ["first_name,last_name,email,external_id"]
    lines += [f"Person,Number {n},person{n}@example.com,S-{n}" for n in range(1, 206)]
    set_textarea(driver, "bulk-text", "\n".join(lines))
    driver.find_element(By.ID, "bulk-send-email").click()  # no emails: links passed on by hand
    driver.find_element(By.ID, "bulk-check").click()
    wait_for(driver, lambda d: visible(d, "bulk-preview-table"), what="the preview of 205 rows")
    summary = driver.find_element(By.ID, "bulk-summary").text
    assert "205 will be sent" in summary and "3 requests of at most 100" in summary, summary
    assert driver.find_element(By.ID, "bulk-send").text == "Create 205 interviews"
    driver.find_element(By.ID, "bulk-send").click()
    # The API refuses a batch of more than 100 whole, so every row created means every batch fit.
    wait_for(driver, lambda d: visible(d, "bulk-result-table"), timeout=60, what="the result of 205 rows")
    assert "205 candidates invited" in driver.find_element(By.ID, "bulk-result-summary").text
    created = interviews(server, api_key, pid)
    assert len(created) == 205
    assert {i["externalId"] for i in created} == {f"S-{n}" for n in range(1, 206)}
    assert {i["email"]["status"] for i in created} == {"not_requested"}
    progress_text = driver.find_element(By.CSS_SELECTOR, "#bulk-preview .progress").get_attribute("textContent")
    assert progress_text.startswith("Done: 205 invitations created"), progress_text
    no_console_errors(driver)


def test_filters_search_survive_a_reload_and_pages_follow_the_cursor(server, api_key, driver):
    position = create_position(server, api_key, name="Data Analyst",
                               questions=[{"text": "Why would you like this role?", "kind": "text"}])
    pid = position["id"]
    people = [
        ("ana@example.com", "Ana", "Silva", "EXT-1"),
        ("ben@example.com", "Ben", "Okafor", "EXT-2"),
        ("chloe@example.com", "Chloé", "Martin", "EXT-3"),
        ("dev@example.com", "Dev", "Patel", None),
        ("eve@example.com", "Eve", "Moreau", None),
    ]
    made = {p[0]: invite_as(server, api_key, pid, *p) for p in people}
    ids = {email: body["id"] for email, body in made.items()}

    # Ana completes her interview (a written answer), Ben is shortlisted at 4, Dev scored 2.5.
    token = candidate_token(made["ana@example.com"]["url"])
    check(requests.get(server.url(f"/v1/candidate/{token}"), timeout=10), 200)
    question_id = position["questions"][0]["id"]
    check(requests.put(server.url(f"/v1/candidate/{token}/answers/{question_id}/text"),
                       json={"text": "I like data."}, timeout=10), 200)
    check(requests.post(server.url(f"/v1/candidate/{token}/submit"), timeout=10), 200)
    check(requests.put(server.url(f"/v1/interviews/{ids['ben@example.com']}/score"), json={"score": 4},
                       headers=auth(api_key), timeout=10), 200)
    check(requests.post(server.url(f"/v1/interviews/{ids['ben@example.com']}/stage"), json={"stage": "shortlisted"},
                        headers=auth(api_key), timeout=10), 200)
    check(requests.put(server.url(f"/v1/interviews/{ids['dev@example.com']}/score"), json={"score": 2.5},
                       headers=auth(api_key), timeout=10), 200)

    open_candidates(server, driver, api_key, pid)
    wait_rows(driver, set(ids.values()), "every candidate")
    # Newest first, as the API gives them.
    assert shown_ids(driver) == [ids[p[0]] for p in reversed(people)]
    ana_row = driver.find_element(By.CSS_SELECTOR, f"#candidates-body tr[data-id='{ids['ana@example.com']}']")
    assert "Completed" in ana_row.text, ana_row.text
    assert driver.execute_script("return arguments[0].lastElementChild.querySelector('time') !== null", ana_row)
    ben_row = driver.find_element(By.CSS_SELECTOR, f"#candidates-body tr[data-id='{ids['ben@example.com']}']").text
    assert "4.0 / 5" in ben_row and "Shortlisted" in ben_row
    shot(driver, "candidates-desktop")

    # Status: only Ana; the URL keeps it through a reload.
    Select(driver.find_element(By.ID, "filter-status")).select_by_value("completed")
    wait_rows(driver, {ids["ana@example.com"]}, "status completed")
    assert url_query(driver) == {"status": "completed"}
    driver.refresh()
    wait_screen(driver, "candidates")
    wait_rows(driver, {ids["ana@example.com"]}, "status completed after a reload")
    assert Select(driver.find_element(By.ID, "filter-status")).first_selected_option.get_attribute("value") == "completed"

    # Stage and minimum score.
    driver.find_element(By.ID, "filter-clear").click()
    wait_rows(driver, set(ids.values()), "filters cleared")
    assert url_query(driver) == {}
    Select(driver.find_element(By.ID, "filter-stage")).select_by_value("shortlisted")
    wait_rows(driver, {ids["ben@example.com"]}, "stage shortlisted")
    Select(driver.find_element(By.ID, "filter-stage")).select_by_value("")
    Select(driver.find_element(By.ID, "filter-score")).select_by_value("2")
    wait_rows(driver, {ids["ben@example.com"], ids["dev@example.com"]}, "score at least 2")
    Select(driver.find_element(By.ID, "filter-score")).select_by_value("3")
    wait_rows(driver, {ids["ben@example.com"]}, "score at least 3")
    assert url_query(driver) == {"minScore": "3"}
    driver.refresh()
    wait_screen(driver, "candidates")
    wait_rows(driver, {ids["ben@example.com"]}, "score at least 3 after a reload")
    assert Select(driver.find_element(By.ID, "filter-score")).first_selected_option.get_attribute("value") == "3"
    Select(driver.find_element(By.ID, "filter-score")).select_by_value("")
    wait_rows(driver, set(ids.values()), "no score filter")

    # Search: an address is an exact email (any case), anything else an exact external ID.
    fill(driver, "filter-search", "CHLOE@example.com")
    driver.find_element(By.ID, "filter-search").send_keys(Keys.ENTER)
    wait_rows(driver, {ids["chloe@example.com"]}, "the email search")
    assert url_query(driver) == {"email": "CHLOE@example.com"}
    assert "Exact match" in driver.find_element(By.ID, "filter-search-hint").text
    fill(driver, "filter-search", "EXT-2")
    driver.find_element(By.ID, "filter-apply").click()
    wait_rows(driver, {ids["ben@example.com"]}, "the external ID search")
    assert url_query(driver) == {"externalId": "EXT-2"}
    driver.refresh()
    wait_screen(driver, "candidates")
    wait_rows(driver, {ids["ben@example.com"]}, "the external ID search after a reload")
    assert driver.find_element(By.ID, "filter-search").get_attribute("value") == "EXT-2"
    fill(driver, "filter-search", "chloe")
    driver.find_element(By.ID, "filter-apply").click()
    wait_for(driver, lambda d: visible(d, "list-empty") and "external ID “chloe”" in d.find_element(By.ID, "list-empty").text,
             what="no match for a partial search")
    assert "exactly" in driver.find_element(By.ID, "list-empty").text
    driver.find_element(By.ID, "list-empty-clear").click()
    wait_rows(driver, set(ids.values()), "the search cleared")

    # Pages of two, from the URL: Next and Previous follow the cursors, a reload keeps the page.
    driver.get(server.url(f"/app/positions/{pid}?limit=2"))
    wait_screen(driver, "candidates")
    newest_first = [ids[p[0]] for p in reversed(people)]
    wait_rows(driver, set(newest_first[:2]), "page 1 of 3")
    assert Select(driver.find_element(By.ID, "filter-limit")).first_selected_option.text == "2"
    assert not driver.find_element(By.ID, "page-prev").is_enabled()
    driver.find_element(By.ID, "page-next").click()
    wait_rows(driver, set(newest_first[2:4]), "page 2 of 3")
    driver.find_element(By.ID, "page-next").click()
    wait_rows(driver, set(newest_first[4:]), "page 3 of 3")
    assert not driver.find_element(By.ID, "page-next").is_enabled()
    assert driver.find_element(By.ID, "page-label").text == "Page 3"
    driver.refresh()
    wait_screen(driver, "candidates")
    wait_rows(driver, set(newest_first[4:]), "page 3 after a reload")
    driver.find_element(By.ID, "page-prev").click()
    wait_rows(driver, set(newest_first[2:4]), "back to page 2")
    assert driver.find_element(By.ID, "page-label").text == "Page 2"
    # A filtered, paged list: whatever the API's pages hold, the screen offers to go on while a
    # cursor remains and never calls a page with more after it "no candidates".
    Select(driver.find_element(By.ID, "filter-status")).select_by_value("invited")
    seen = []
    while True:
        wait_list_idle(driver)
        seen += shown_ids(driver)
        more = driver.find_element(By.ID, "page-next").is_enabled() and visible(driver, "page-next")
        if visible(driver, "list-empty"):
            text = driver.find_element(By.ID, "list-empty").text
            assert ("Look further" in text) == more, text
        if not more:
            break
        label = driver.find_element(By.ID, "page-label").text
        driver.find_element(By.ID, "page-next").click()
        wait_for(driver, lambda d, label=label: d.find_element(By.ID, "page-label").text != label, what="the next page")
    assert sorted(seen) == sorted(ids[p[0]] for p in people if p[0] != "ana@example.com")

    # The page size is also a control.
    Select(driver.find_element(By.ID, "filter-limit")).select_by_value("10")
    wait_rows(driver, {ids[p[0]] for p in people if p[0] != "ana@example.com"}, "pages of 10")
    assert url_query(driver) == {"status": "invited", "limit": "10"}
    driver.find_element(By.ID, "filter-clear").click()
    wait_rows(driver, set(ids.values()), "every candidate again")
    assert url_query(driver) == {"limit": "10"}

    phone(driver)
    driver.refresh()
    wait_screen(driver, "candidates")
    wait_rows(driver, set(ids.values()), "every candidate on a phone")
    assert no_horizontal_scroll(driver)
    driver.execute_script("document.getElementById('list-region').scrollIntoView()")
    shot(driver, "candidates-phone")
    no_console_errors(driver)


def test_csv_reader_follows_rfc_4180(server, api_key, driver):
    position = create_position(server, api_key, name="CSV")
    open_candidates(server, driver, api_key, position["id"])
    inputs = {
        "records": '\ufeffa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\n\n  \nlast,,\r\n',
        "crOnly": "a,b\r1,2\r",
        "semicolon": 'email;name\n"a;b@x.com";Ann',
        "unterminated": 'a,"b\nc',
        "table": "E-mail,FIRST NAME,last_name, External Id ,Shoe size\nA@x.com,Ann,Lee,7,42\nb@x.com,Bo\n",
        "rows": [
            {"line": 2, "values": {"email": "a@x.com", "firstName": "A", "lastName": "B", "phone": "", "externalId": "X"}},
            {"line": 3, "values": {"email": "A@X.com", "firstName": "C", "lastName": "", "phone": "12", "externalId": "X"}},
            {"line": 4, "values": {"email": "zo\u00eb@x.com", "firstName": "D", "lastName": "E", "phone": "+33 6 12 34 56 78", "externalId": ""}},
            {"line": 5, "values": {"email": "x@b\u00fccher.example", "firstName": "F\nG", "lastName": "H", "phone": "", "externalId": ""}},
        ],
    }
    result = driver.execute_async_script(
        """
        const [inputs, done] = arguments;
        const base = document.querySelector('script[type=module]').src.replace(/app[.]js([?].*)?$/, '');
        Promise.all([import(base + 'csv.js'), import(base + 'candidates.js')]).then(([csv, screen]) => {
          const out = {};
          out.records = csv.parseCsv(inputs.records);
          out.crOnly = csv.parseCsv(inputs.crOnly);
          out.semicolon = csv.parseCsv(inputs.semicolon);
          try { csv.parseCsv(inputs.unterminated); out.unterminated = null; }
          catch (e) { out.unterminated = [e instanceof csv.CsvError, e.line, e.message]; }
          out.table = csv.readTable(inputs.table, ['email', 'firstName', 'lastName', 'phone', 'externalId']);
          out.checks = screen.checkRows(inputs.rows).map((row) => row.reasons);
          done(out);
        }, (e) => done({error: String(e)}));
        """,
        inputs,
    )
    assert "error" not in result, result
    assert result["records"] == [
        {"line": 1, "fields": ["a", "b", "c"]},
        {"line": 2, "fields": ["x, y", 'say "hi"', "two\nlines"]},
        {"line": 6, "fields": ["last", "", ""]},
    ]
    assert [r["fields"] for r in result["crOnly"]] == [["a", "b"], ["1", "2"]]
    assert [r["fields"] for r in result["semicolon"]] == [["email", "name"], ["a;b@x.com", "Ann"]]
    assert result["unterminated"][:2] == [True, 1] and "never ends" in result["unterminated"][2], result["unterminated"]
    table = result["table"]
    assert table["ignored"] == ["Shoe size"]
    assert table["missing"] == ["phone"]
    assert table["rows"][0]["values"] == {"email": "A@x.com", "firstName": "Ann", "lastName": "Lee", "phone": "", "externalId": "7"}
    assert table["rows"][1]["values"]["lastName"] == ""
    checks = result["checks"]
    assert checks[0] == []
    assert "Last name is missing." in checks[1]
    assert "Same email as line 2." in checks[1]
    assert "Same external ID as line 2." in checks[1]
    assert any(r.startswith("Phone must be") for r in checks[1])
    assert checks[2] and "non-ASCII" in checks[2][0]
    assert checks[3] == ["First name must be on one line."]
    no_console_errors(driver)
