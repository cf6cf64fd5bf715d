"""The console's settings screen in a real browser: API keys and webhooks.

Keys: the signed-in key is marked as "you"; a new key is shown once and works against the API;
revoking asks first (cancel keeps the key) and then the API refuses it; revoking one's own key
ends on the sign-in screen. Webhooks: an invalid URL gets the API's words next to the field; a
receiver on loopback (reelview-local delivers to loopback addresses, see `WebhookUrl` in
infra/openapi.yaml) gets the console's test ping signed with the secret the console showed; a
failed delivery is retried from the log; edit, rotate (both secrets sign for a day) and delete.
Retention and erasure: the team's retention period is set, shortened only after asking, and
turned off; a candidate is erased from every position, the API then has nothing of them, and
asking again says so.
"""

import base64
import hashlib
import hmac
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By

from console_support import me, no_console_errors, shot, sign_in, wait_screen
from test_candidate_page import (  # noqa: F401 - pytest fixtures
    api_key,
    auth,
    check,
    click,
    create_position,
    driver,
    element,
    invite,
    no_horizontal_scroll,
    phone,
    server,
    wait_for,
)


# ------------------------------------------------------------------------------------------------
# A webhook receiver on loopback


class Receiver:
    """Records every POST; answers the queued statuses in turn, then 200."""

    def __init__(self):
        self.received = []
        self.statuses = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.received.append(
                        {
                            "path": self.path,
                            "id": self.headers.get("Reelview-Webhook-Id"),
                            "timestamp": self.headers.get("Reelview-Webhook-Timestamp"),
                            "signature": self.headers.get("Reelview-Webhook-Signature"),
                            "body": body,
                        }
                    )
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = b"thanks" if status < 300 else b"receiver is down"
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks/reelview"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def count(self):
        with self.lock:
            return len(self.received)

    def last(self):
        with self.lock:
            return self.received[-1]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    try:
        yield r
    finally:
        r.close()


def signed_with(delivery, secret):
    """Whether one of the delivery's signatures is `secret`'s (checked with our own HMAC)."""
    message = f"{delivery['id']}.{delivery['timestamp']}.".encode() + delivery["body"]
    expected = "v1=" + base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()
    return expected in (delivery["signature"] or "").split(" ")


# ------------------------------------------------------------------------------------------------
# Helpers


def open_settings(server, driver, key):
    sign_in(server, driver, key, "/app/settings")
    wait_screen(driver, "settings")


def new_key(server, key, label):
    return check(requests.post(server.url("/v1/api-keys"), json={"label": label}, headers=auth(key), timeout=10), 201)


def key_row(driver, key_id):
    rows = driver.find_elements(By.CSS_SELECTOR, f'#keys-table tr[data-key-id="{key_id}"]')
    return rows[0] if rows else None


def dialog_text(driver):
    return wait_for(driver, lambda d: d.find_element(By.CSS_SELECTOR, "dialog[open]"), what="a dialog").text


def no_dialog(driver):
    wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog"), what="the dialog to close")


def webhooks(server, key):
    return check(requests.get(server.url("/v1/webhooks"), headers=auth(key), timeout=10), 200)["items"]


def delivery_rows(driver, webhook_id):
    return driver.find_elements(By.CSS_SELECTOR, f"#webhook-{webhook_id}-log-table tbody tr")


def delivery_status(driver, delivery_id):
    """A delivery's status in its log, or None (also while the log redraws as it follows an attempt)."""
    try:
        return driver.find_element(By.CSS_SELECTOR, f'tr[data-delivery-id="{delivery_id}"]').get_attribute("data-status")
    except (NoSuchElementException, StaleElementReferenceException):
        return None


def set_text(driver, element_id, value):
    field = element(driver, element_id)
    field.clear()
    field.send_keys(value)


def retention(server, key):
    return check(requests.get(server.url("/v1/tenant"), headers=auth(key), timeout=10), 200)["retentionDays"]


def interviews_of(server, key, position_id, email):
    return check(
        requests.get(server.url(f"/v1/positions/{position_id}/interviews"), params={"email": email},
                     headers=auth(key), timeout=10),
        200,
    )["items"]


def save_retention(driver, days):
    set_text(driver, "retention-days", str(days))
    click(driver, "retention-save")


def erasure_outcome(driver):
    """What the last erasure removed, in the console's words ('' until it shows)."""
    try:
        found = driver.find_elements(By.ID, "erasure-outcome")
        return found[0].text if found else ""
    except StaleElementReferenceException:
        return ""


def retention_shows(driver, words):
    wait_for(driver, lambda d: words in element(d, "retention-current").text, what=f"the retention to read {words!r}")


# ------------------------------------------------------------------------------------------------
# Tests


def test_api_keys_marked_created_once_and_revoked(server, api_key, driver):
    own = me(server, api_key)["key"]
    open_settings(server, driver, api_key)

    assert driver.find_element(By.CSS_SELECTOR, "#view h1").text == "Settings"
    assert [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#view h2")] == [
        "API keys", "Webhooks", "Data retention", "Erase a candidate"]
    assert driver.execute_script("return document.activeElement.tagName") == "H1"
    row = key_row(driver, own["keyId"])
    assert row is not None and own["label"] in row.text and "This is you" in row.text, row and row.text
    assert len(driver.find_elements(By.ID, "key-you")) == 1

    # A blank label: the API's words next to the field.
    click(driver, "key-create-submit")
    wait_for(driver, lambda d: element(d, "key-label-error").is_displayed(), what="the label's error")
    assert "empty" in element(driver, "key-label-error").text.lower()
    assert element(driver, "key-label").get_attribute("aria-invalid") == "true"
    assert "key-label-error" in element(driver, "key-label").get_attribute("aria-describedby")

    # A key for the ATS: shown once, and it works.
    set_text(driver, "key-label", "ATS sync")
    click(driver, "key-create-submit")
    text = dialog_text(driver)
    assert "only time" in text and "ATS sync" in text, text
    secret = element(driver, "new-key-value").get_attribute("value")
    assert secret.startswith("rv_live_"), secret
    click(driver, "new-key-copy")
    wait_for(driver, lambda d: element(d, "new-key-copied").text, what="the copy button to say what it did")
    created = me(server, secret)["key"]
    assert created["label"] == "ATS sync"
    assert element(driver, "key-label-error").is_displayed() is False
    shot(driver, "settings-new-key-dialog")
    click(driver, "dialog-close")
    no_dialog(driver)
    assert secret not in driver.page_source, "the key is shown once, then nowhere"
    row = wait_for(driver, lambda d: key_row(d, created["keyId"]), what="the new key in the list")
    assert "ATS sync" in row.text and "This is you" not in row.text and secret[:12] in row.text
    assert "Never" in row.text or row.find_elements(By.TAG_NAME, "time")

    # Still listed after a reload, never with the secret.
    driver.refresh()
    wait_screen(driver, "settings")
    assert key_row(driver, created["keyId"]) is not None
    assert secret not in driver.page_source
    shot(driver, "settings-keys-desktop")

    # Revoke: cancelling keeps the key; confirming makes the API refuse it.
    click(driver, f"key-revoke-{created['keyId']}")
    text = dialog_text(driver)
    assert "refused" in text and "ATS sync" in text and "signed out" not in text, text
    click(driver, "dialog-cancel")
    no_dialog(driver)
    assert driver.execute_script("return document.activeElement.id") == f"key-revoke-{created['keyId']}"
    assert me(server, secret)["key"]["label"] == "ATS sync"
    click(driver, f"key-revoke-{created['keyId']}")
    dialog_text(driver)
    click(driver, "dialog-confirm")
    wait_for(driver, lambda d: key_row(d, created["keyId"]) is None, what="the revoked key to leave the list")
    assert requests.get(server.url("/v1/me"), headers=auth(secret), timeout=10).status_code == 401
    assert key_row(driver, own["keyId"]) is not None, "the others stay"
    no_console_errors(driver, 422)


def test_webhook_test_ping_retry_edit_rotate_and_delete(server, api_key, driver, receiver):
    open_settings(server, driver, api_key)
    assert element(driver, "webhooks-empty").is_displayed()

    # What the API refuses shows next to its field.
    click(driver, "webhook-add")
    assert element(driver, "webhook-add").get_attribute("aria-expanded") == "true" or not element(driver, "webhook-add").is_displayed()
    assert driver.execute_script("return document.activeElement.id") == "webhook-new-url"
    boxes = driver.find_elements(By.CSS_SELECTOR, "#webhook-new-events input[type=checkbox]")
    assert len(boxes) == 9, "every event a webhook can subscribe to"
    set_text(driver, "webhook-new-url", "not a url")
    click(driver, "webhook-new-submit")
    wait_for(driver, lambda d: element(d, "webhook-new-url-error").is_displayed(), what="the URL's error")
    assert "absolute url" in element(driver, "webhook-new-url-error").text.lower()
    assert element(driver, "webhook-new-url").get_attribute("aria-invalid") == "true"
    assert element(driver, "webhook-new-events-error").is_displayed(), "no event chosen"
    shot(driver, "settings-webhook-form-errors")
    set_text(driver, "webhook-new-url", "http://169.254.169.254/latest/meta-data/")
    click(driver, "webhook-new-event-interview-completed")
    click(driver, "webhook-new-submit")
    wait_for(driver, lambda d: "metadata" in element(d, "webhook-new-url-error").text, what="the metadata address refused")
    assert not element(driver, "webhook-new-events-error").is_displayed()
    assert webhooks(server, api_key) == []

    # Created: the secret is shown once, with how to check signatures.
    set_text(driver, "webhook-new-url", receiver.url)
    set_text(driver, "webhook-new-description", "Our ATS")
    click(driver, "webhook-new-event-interview-created")
    click(driver, "webhook-new-submit")
    text = dialog_text(driver)
    assert "only time" in text and "Reelview-Webhook-Signature" in text and "Reelview-Webhook-Timestamp" in text, text
    secret = element(driver, "webhook-secret-value").get_attribute("value")
    assert secret.startswith("whsec_") and len(secret) == 49, secret
    shot(driver, "settings-webhook-secret-dialog")
    click(driver, "dialog-close")
    no_dialog(driver)
    assert secret not in driver.page_source
    [hook] = webhooks(server, api_key)
    assert hook["url"] == receiver.url and hook["description"] == "Our ATS"
    assert sorted(hook["events"]) == ["interview.completed", "interview.created"]
    wid = hook["id"]
    card = element(driver, f"webhook-{wid}")
    assert receiver.url in card.text and "Our ATS" in card.text and "Enabled" in card.text
    assert not element(driver, "webhook-new-url").is_displayed(), "the form closes"

    # A test ping reaches the receiver, signed with that secret, and shows in the log.
    click(driver, f"webhook-{wid}-test")
    wait_for(driver, lambda d: "delivered" in element(d, f"webhook-{wid}-message").text.lower(),
             what="the test ping's outcome")
    assert "HTTP 200" in element(driver, f"webhook-{wid}-message").text
    assert receiver.count() == 1
    ping = receiver.last()
    assert ping["path"] == "/hooks/reelview"
    assert ping["signature"] and signed_with(ping, secret), ping
    assert element(driver, f"webhook-{wid}-log-toggle").get_attribute("aria-expanded") == "true"
    [row] = delivery_rows(driver, wid)
    assert "ping" in row.text and "Delivered" in row.text and "HTTP 200" in row.text, row.text
    assert not row.find_elements(By.TAG_NAME, "button"), "nothing to retry"

    # A failing receiver: the log says so, and Retry sends it again.
    receiver.statuses.append(500)
    click(driver, f"webhook-{wid}-test")
    wait_for(driver, lambda d: "failed" in element(d, f"webhook-{wid}-message").text.lower(),
             what="the failed ping's outcome")
    assert "HTTP 500" in element(driver, f"webhook-{wid}-message").text
    failed = delivery_rows(driver, wid)[0]
    assert "Pending" in failed.text and "HTTP 500" in failed.text, failed.text
    failed_id = failed.get_attribute("data-delivery-id")
    click(driver, f"delivery-{failed_id}-retry")
    wait_for(driver, lambda d: delivery_status(d, failed_id) == "delivered", what="the retried delivery to be delivered")
    assert receiver.count() == 3
    assert "delivered on retry" in element(driver, f"webhook-{wid}-message").text.lower()
    assert receiver.received[1]["id"] == receiver.received[2]["id"], "a retry is the same event"
    shot(driver, "settings-webhooks-desktop")

    # Edit: fewer events, a new description, turned off.
    click(driver, f"webhook-{wid}-edit")
    form = f"webhook-{wid}-form"
    assert element(driver, f"{form}-url").get_attribute("value") == receiver.url
    assert element(driver, f"{form}-event-interview-created").is_selected()
    set_text(driver, f"{form}-url", "ftp://127.0.0.1/hook")
    click(driver, f"{form}-submit")
    wait_for(driver, lambda d: element(d, f"{form}-url-error").is_displayed(), what="the edited URL's error")
    set_text(driver, f"{form}-url", receiver.url)
    click(driver, f"{form}-event-interview-created")
    set_text(driver, f"{form}-description", "Greenhouse sync")
    click(driver, f"{form}-enabled")
    click(driver, f"{form}-submit")
    wait_for(driver, lambda d: not d.find_elements(By.ID, f"{form}-url"), what="the edit form to close")
    [hook] = webhooks(server, api_key)
    assert hook["events"] == ["interview.completed"] and hook["description"] == "Greenhouse sync"
    assert hook["enabled"] is False
    card = element(driver, f"webhook-{wid}")
    assert "Greenhouse sync" in card.text and "Disabled" in card.text and "interview.created" not in card.text
    assert driver.execute_script("return document.activeElement.id") == f"webhook-{wid}-edit"

    # Rotate: the old secret keeps signing for 24 hours, the new one is shown once.
    click(driver, f"webhook-{wid}-rotate")
    text = dialog_text(driver)
    assert "24 hours" in text, text
    click(driver, "dialog-confirm")
    wait_for(driver, lambda d: d.find_elements(By.ID, "webhook-secret-value"), what="the new secret")
    rotated = element(driver, "webhook-secret-value").get_attribute("value")
    assert rotated.startswith("whsec_") and rotated != secret
    assert "previous secret keeps signing" in element(driver, "webhook-secret-overlap").text
    click(driver, "dialog-close")
    no_dialog(driver)
    assert "previous secret also signs until" in element(driver, f"webhook-{wid}").text
    click(driver, f"webhook-{wid}-test")  # a ping goes out even while the webhook is off
    wait_for(driver, lambda d: receiver.count() == 4, what="the ping after rotating")
    assert signed_with(receiver.last(), rotated) and signed_with(receiver.last(), secret)

    # Phone: nothing wider than the screen, the log scrolls in its own box.
    phone(driver)
    driver.refresh()
    wait_screen(driver, "settings")
    click(driver, f"webhook-{wid}-log-toggle")
    wait_for(driver, lambda d: len(delivery_rows(d, wid)) == 3, what="the log on a phone")
    assert no_horizontal_scroll(driver)
    shot(driver, "settings-phone")
    driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", f"webhook-{wid}")
    shot(driver, "settings-phone-webhook")
    driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", f"webhook-{wid}-log")
    shot(driver, "settings-phone-log")

    # Delete, after asking.
    click(driver, f"webhook-{wid}-delete")
    text = dialog_text(driver)
    assert receiver.url in text and "delivery log" in text, text
    click(driver, "dialog-confirm")
    wait_for(driver, lambda d: not d.find_elements(By.ID, f"webhook-{wid}"), what="the card to go")
    assert webhooks(server, api_key) == []
    assert element(driver, "webhooks-empty").is_displayed()
    no_console_errors(driver, 422)


def test_revoking_your_own_key_signs_you_out(server, api_key, driver):
    mine = new_key(server, api_key, "Ana (recruiter)")
    open_settings(server, driver, mine["apiKey"])
    row = key_row(driver, mine["keyId"])
    assert "This is you" in row.text
    assert "This is you" not in key_row(driver, me(server, api_key)["key"]["keyId"]).text
    phone(driver)
    driver.refresh()
    wait_screen(driver, "settings")
    assert no_horizontal_scroll(driver)
    shot(driver, "settings-keys-phone")

    click(driver, f"key-revoke-{mine['keyId']}")
    text = dialog_text(driver)
    assert "signed out" in text and "refused" in text, text
    click(driver, "dialog-confirm")
    wait_for(driver, lambda d: d.execute_script("return document.body.dataset.screen") == "sign-in",
             what="the sign-in screen")
    assert element(driver, "sign-in-title").is_displayed()
    assert element(driver, "sign-in-error").is_displayed()
    assert not element(driver, "topbar").is_displayed()
    assert driver.execute_script("return sessionStorage.length") == 0, "the revoked key is forgotten"
    assert requests.get(server.url("/v1/me"), headers=auth(mine["apiKey"]), timeout=10).status_code == 401
    assert me(server, api_key)["key"]["label"] == "first key", "the team's other keys still work"
    no_console_errors(driver, 422)


def test_retention_is_set_shortened_after_asking_and_turned_off_and_a_candidate_is_erased(server, api_key, driver):
    open_settings(server, driver, api_key)
    assert retention(server, api_key) is None
    assert "kept until you delete them" in element(driver, "retention-current").text
    assert "next hourly run" in element(driver, "retention-explained").text
    assert not element(driver, "retention-forever").is_displayed(), "nothing to turn off yet"

    # Out of range: the API's words by the field, without asking first.
    save_retention(driver, 0)
    wait_for(driver, lambda d: element(d, "retention-days-error").is_displayed(), what="the period's error")
    assert "3650" in element(driver, "retention-days-error").text
    assert element(driver, "retention-days").get_attribute("aria-invalid") == "true"
    assert not driver.find_elements(By.CSS_SELECTOR, "dialog")
    assert retention(server, api_key) is None

    # 30 days: old interviews may go within the hour, so the console asks first.
    save_retention(driver, 30)
    text = dialog_text(driver)
    assert "30 days" in text and "cannot be undone" in text, text
    click(driver, "dialog-confirm")
    no_dialog(driver)
    retention_shows(driver, "deleted 30 days after they end")
    assert retention(server, api_key) == 30
    assert not element(driver, "retention-days-error").is_displayed()
    assert element(driver, "retention-forever").is_displayed()

    # Shorter: asked again; cancelling keeps 30, confirming stores 7.
    save_retention(driver, 7)
    text = dialog_text(driver)
    assert "7 days" in text and "30 days" in text and "cannot be undone" in text, text
    click(driver, "dialog-cancel")
    no_dialog(driver)
    assert retention(server, api_key) == 30
    assert "30 days" in element(driver, "retention-current").text
    click(driver, "retention-save")
    dialog_text(driver)
    click(driver, "dialog-confirm")
    no_dialog(driver)
    retention_shows(driver, "deleted 7 days after they end")
    assert retention(server, api_key) == 7
    driver.execute_script("document.getElementById('retention-title').scrollIntoView()")
    shot(driver, "settings-retention-desktop")

    # Keeping interviews longer deletes nothing sooner: no question.
    click(driver, "retention-forever")
    retention_shows(driver, "kept until you delete them")
    assert not driver.find_elements(By.CSS_SELECTOR, "dialog")
    assert retention(server, api_key) is None
    assert element(driver, "retention-days").get_attribute("value") == ""

    # A candidate in two positions, with a comment on one; another candidate stays.
    email = f"grace.{uuid.uuid4().hex[:8]}@example.com"
    first = create_position(server, api_key, name="Support Lead")
    second = create_position(server, api_key, name="Data Analyst")
    ids = []
    for position in (first, second):
        ids.append(check(requests.post(
            server.url(f"/v1/positions/{position['id']}/interviews"),
            json={"candidate": {"email": email, "firstName": "Grace", "lastName": "Hopper"}, "sendEmail": False},
            headers=auth(api_key), timeout=10), 201)["id"])
    check(requests.post(server.url(f"/v1/interviews/{ids[0]}/comments"), json={"text": "Strong on SQL."},
                        headers=auth(api_key), timeout=10), 201)
    other_id, _ = invite(server, api_key, first["id"], first_name="Ada")

    # What is not an address is refused before asking; what the API refuses shows by the field.
    set_text(driver, "erasure-email", "grace hopper")
    click(driver, "erasure-submit")
    wait_for(driver, lambda d: element(d, "erasure-email-error").is_displayed(), what="the address's error")
    assert not driver.find_elements(By.CSS_SELECTOR, "dialog")
    set_text(driver, "erasure-email", "grace@example")
    click(driver, "erasure-submit")
    dialog_text(driver)
    click(driver, "dialog-confirm")
    wait_for(driver, lambda d: "valid email" in element(d, "erasure-email-error").text, what="the API's word on the address")
    assert element(driver, "erasure-email").get_attribute("aria-invalid") == "true"

    # Asked first, saying what goes; cancelling erases nothing.
    set_text(driver, "erasure-email", f"  {email.upper()} ")
    click(driver, "erasure-submit")
    text = dialog_text(driver)
    assert email.upper() in text and "all positions" in text and "cannot be undone" in text, text
    assert "recordings" in text and "comments" in text and "share links" in text, text
    click(driver, "dialog-cancel")
    no_dialog(driver)
    assert len(interviews_of(server, api_key, first["id"], email)) == 1

    click(driver, "erasure-submit")
    dialog_text(driver)
    click(driver, "dialog-confirm")
    no_dialog(driver)
    outcome = wait_for(driver, erasure_outcome, what="the erasure's outcome")
    assert "2 interviews" in outcome and "1 comment" in outcome and "removed" in outcome, outcome
    assert not element(driver, "erasure-email-error").is_displayed()
    assert not driver.find_elements(By.ID, "erasure-suppression")
    assert interviews_of(server, api_key, first["id"], email) == []
    assert interviews_of(server, api_key, second["id"], email) == []
    for interview_id in ids:
        assert requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key), timeout=10).status_code == 404
    assert check(requests.get(server.url(f"/v1/interviews/{other_id}"), headers=auth(api_key), timeout=10), 200)["id"] == other_id
    driver.execute_script("document.getElementById('erasure-title').scrollIntoView()")
    shot(driver, "settings-erasure-desktop")

    # Phone: nothing wider than the screen; asking again says nothing was stored.
    phone(driver)
    driver.refresh()
    wait_screen(driver, "settings")
    assert no_horizontal_scroll(driver)
    driver.execute_script("document.getElementById('retention-title').scrollIntoView()")
    shot(driver, "settings-retention-phone")
    set_text(driver, "erasure-email", email)
    click(driver, "erasure-submit")
    dialog_text(driver)
    shot(driver, "settings-erasure-confirm-phone")
    click(driver, "dialog-confirm")
    no_dialog(driver)
    wait_for(driver, lambda d: "Nothing of" in erasure_outcome(d), what="the second erasure's outcome")
    assert "was stored" in element(driver, "erasure-outcome").text
    assert no_horizontal_scroll(driver)
    driver.execute_script("document.getElementById('erasure-title').scrollIntoView()")
    shot(driver, "settings-erasure-phone")
    assert check(requests.get(server.url(f"/v1/interviews/{other_id}"), headers=auth(api_key), timeout=10), 200)
    no_console_errors(driver, 422)
