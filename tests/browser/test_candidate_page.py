"""The candidate's interview page in a real browser.

Starts `reelview-local` with a fresh data directory, creates a tenant, a position and an invite
through the API, then drives headless Chromium (with a synthetic camera and microphone) through
the interview: welcome, camera check, recording, a retake, upload, a reload half-way, the second
answer, submit. The API then has to show the interview completed with both answers stored.

Environment:
  REELVIEW_LOCAL_BIN       the server binary (default: target/debug/reelview-local)
  REELVIEW_SCREENSHOT_DIR  where screenshots go (default: a folder in the system temp dir)
  CHROMIUM_BIN, CHROMEDRIVER_BIN  default /usr/bin/chromium and /usr/bin/chromedriver
"""

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import (
    ElementNotInteractableException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
WAIT = 20
UPLOAD_WAIT = 90

QUESTIONS = [
    "Tell us about a project you are proud of.",
    "Why would you like to join Acme?",
]


# ------------------------------------------------------------------------------------------------
# The server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base, admin_key, log_path):
        self.base = base
        self.admin_key = admin_key
        self.log_path = log_path

    def log_tail(self, lines=60):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def url(self, path):
        return self.base + path


@contextlib.contextmanager
def running_server(extra_env=None):
    """`reelview-local` on a free port with a fresh data directory (and `extra_env`), until the
    block ends."""
    binary = Path(os.environ.get("REELVIEW_LOCAL_BIN", "target/debug/reelview-local"))
    if not binary.is_absolute():
        binary = REPO / binary
    if not binary.exists():
        pytest.fail(f"{binary} does not exist: build it with `cargo build -p reelview-local`")
    tmp = Path(tempfile.mkdtemp(prefix="reelview-browser-"))
    port = free_port()
    admin_key = secrets.token_urlsafe(24)
    env = dict(os.environ)
    env.update(
        {
            "PORT": str(port),
            "REELVIEW_DATA_DIR": str(tmp / "data"),
            "REELVIEW_ADMIN_KEY": admin_key,
        }
    )
    env.update(extra_env or {})
    log_path = tmp / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([str(binary)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
    srv = Server(f"http://127.0.0.1:{port}", admin_key, log_path)
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"reelview-local exited with {proc.returncode}:\n{srv.log_tail()}")
        try:
            requests.get(srv.url("/"), timeout=1)
            break
        except requests.RequestException:
            if time.monotonic() > deadline:
                proc.kill()
                log.close()
                pytest.fail(f"reelview-local did not answer on port {port}:\n{srv.log_tail()}")
            time.sleep(0.2)
    try:
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        print(f"--- server log ({log_path}) ---\n{srv.log_tail()}")
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    with running_server() as srv:
        yield srv


def check(response, *expected):
    assert response.status_code in expected, (
        f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text}"
    )
    return response.json() if response.content else None


@pytest.fixture(scope="module")
def api_key(server):
    body = check(
        requests.post(
            server.url("/admin/v1/tenants"),
            json={"name": "Acme"},
            headers={"Authorization": f"Bearer {server.admin_key}"},
            timeout=10,
        ),
        201,
        200,
    )
    return body["apiKey"]


def auth(api_key):
    return {"Authorization": f"Bearer {api_key}"}


def create_position(server, api_key, **extra):
    body = {
        "name": "Backend Engineer",
        "companyName": "Acme",
        "intro": "Thanks for applying!\nThis takes about five minutes.",
        "questions": [
            {"text": text, "maxAnswerSeconds": 10, "thinkingSeconds": 3, "retakes": 1}
            for text in QUESTIONS
        ],
    }
    body.update(extra)
    return check(
        requests.post(server.url("/v1/positions"), json=body, headers=auth(api_key), timeout=10), 201
    )


def invite(server, api_key, position_id, first_name="Ada"):
    body = check(
        requests.post(
            server.url(f"/v1/positions/{position_id}/interviews"),
            json={
                "candidate": {
                    "email": f"{first_name.lower()}.{uuid.uuid4().hex[:8]}@example.com",
                    "firstName": first_name,
                    "lastName": "Lovelace",
                },
                "sendEmail": False,
            },
            headers=auth(api_key),
            timeout=10,
        ),
        201,
    )
    path = urlparse(body["url"]).path
    assert path.startswith("/i/"), body["url"]
    # The link's host is whatever the server was told its public address is; this server is local.
    return body["id"], server.url(path)


# ------------------------------------------------------------------------------------------------
# The browser


@pytest.fixture
def driver():
    profile = tempfile.mkdtemp(prefix="reelview-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--autoplay-policy=no-user-gesture-required",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"))
    drv = webdriver.Chrome(options=options, service=service)
    drv.set_page_load_timeout(30)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, condition, timeout=WAIT, what="condition"):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: condition(d))
    except TimeoutException:
        screen = driver.execute_script("return document.body && document.body.dataset.screen")
        status = driver.execute_script(
            "return Array.from(document.querySelectorAll('[role=status],#error-message'))"
            ".map(e => e.id + ': ' + e.textContent.trim()).filter(t => !t.endsWith(': ')).join(' | ')"
        )
        raise AssertionError(
            f"timed out waiting for {what}; screen={screen!r}; status={status!r}; console={console(driver)}"
        ) from None


def element(driver, element_id):
    return driver.find_element(By.ID, element_id)


def displayed(driver, element_id):
    try:
        return element(driver, element_id).is_displayed()
    except StaleElementReferenceException:
        return False


def wait_screen(driver, name, timeout=WAIT):
    wait_for(driver, lambda d: displayed(d, f"screen-{name}"), timeout, f"#screen-{name}")
    # Exactly one screen is shown at a time.
    shown = driver.execute_script(
        "return Array.from(document.querySelectorAll('section.screen')).filter(s => !s.hidden).map(s => s.id)"
    )
    assert shown == [f"screen-{name}"], shown


def click(driver, element_id, timeout=WAIT):
    def ready(d):
        el = element(d, element_id)
        return el if el.is_displayed() and el.is_enabled() else False

    wait_for(driver, ready, timeout, f"#{element_id} to be clickable").click()


def text(driver, element_id):
    return element(driver, element_id).text.strip()


def console(driver):
    try:
        return [entry["message"] for entry in driver.get_log("browser")]
    except Exception:  # noqa: BLE001 - the log is a diagnostic only
        return []


def assert_no_csp_violations(messages):
    blocked = [m for m in messages if "Content Security Policy" in m or "Refused to" in m]
    assert not blocked, blocked


def focused_id(driver):
    return driver.execute_script("return document.activeElement && document.activeElement.id")


def record_answer(driver, seconds=2.0):
    """From the question screen: start recording (skipping the rest of the thinking time), record
    for a moment, stop, and land on the review screen."""
    wait_screen(driver, "question")
    try:
        record = element(driver, "record")
        if record.is_displayed() and record.is_enabled():
            record.click()
    except (ElementNotInteractableException, StaleElementReferenceException):
        pass  # the thinking time ran out first: recording started by itself
    wait_for(driver, lambda d: displayed(d, "stop"), what="recording to start")
    assert displayed(driver, "rec-badge")
    time.sleep(seconds)
    assert "/ 0:10" in text(driver, "rec-timer"), text(driver, "rec-timer")
    click(driver, "stop")
    wait_screen(driver, "review")
    src = element(driver, "review-video").get_attribute("src")
    assert src.startswith("blob:"), src


def stored_recordings(driver):
    """How many recordings the page keeps in IndexedDB."""
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        const req = indexedDB.open('reelview-recordings', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('recordings', {keyPath: 'key'});
        req.onsuccess = () => {
          const db = req.result;
          const count = db.transaction('recordings').objectStore('recordings').count();
          count.onsuccess = () => { db.close(); done(count.result); };
          count.onerror = () => done(-1);
        };
        req.onerror = () => done(-1);
        """
    )


def screenshot_dir():
    path = Path(os.environ.get("REELVIEW_SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "reelview-screenshots"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def phone(driver):
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    )


def no_horizontal_scroll(driver):
    # Against the layout viewport (clientWidth): in phone emulation Chromium widens innerWidth to
    # fit content that overflows, so a comparison with it could never fail.
    return driver.execute_script(
        "const root = document.documentElement; return root.scrollWidth <= root.clientWidth + 1"
    )


# ------------------------------------------------------------------------------------------------
# Tests


def test_candidate_answers_resumes_after_reload_and_submits(server, api_key, driver):
    position = create_position(server, api_key)
    question_ids = [q["id"] for q in position["questions"]]
    interview_id, url = invite(server, api_key, position["id"])

    driver.get(url)
    wait_screen(driver, "welcome")
    assert text(driver, "welcome-title") == "Backend Engineer"
    assert text(driver, "brand") == "Acme"
    assert "Ada" in text(driver, "welcome-greeting")
    assert text(driver, "welcome-questions") == "2 questions"
    assert focused_id(driver) == "welcome-title"

    click(driver, "start")
    wait_screen(driver, "camera")
    click(driver, "camera-ok")  # enabled once the synthetic camera is streaming

    # Question 1: record, record again, then send the second take.
    wait_screen(driver, "question")
    assert text(driver, "progress") == "Question 1 of 2"
    assert text(driver, "question-text") == QUESTIONS[0]
    assert focused_id(driver) == "question-title"
    record_answer(driver)
    assert displayed(driver, "retake"), "one retake is allowed"
    click(driver, "retake")
    record_answer(driver)
    assert not displayed(driver, "retake"), "both takes are used"
    driver.save_screenshot(str(screenshot_dir() / "review-desktop.png"))
    assert stored_recordings(driver) == 1, "the take is kept on the device before it is sent"

    click(driver, "upload")
    wait_screen(driver, "uploading")
    wait_for(driver, lambda d: displayed(d, "next"), UPLOAD_WAIT, "the first answer to be confirmed")
    assert element(driver, "upload-progress").get_attribute("value") == "100"
    assert text(driver, "next") == "Next question"
    assert stored_recordings(driver) == 0, "a confirmed answer is no longer kept on the device"

    interview = check(requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key), timeout=10), 200)
    assert [a["questionId"] for a in interview["answers"]] == [question_ids[0]]

    # Reload before answering question 2: the page picks up where the candidate left off.
    driver.refresh()
    wait_screen(driver, "welcome")
    assert "answered 1 of 2" in text(driver, "welcome-resume"), text(driver, "welcome-resume")
    click(driver, "start")
    wait_screen(driver, "camera")
    click(driver, "camera-ok")
    wait_screen(driver, "question")
    assert text(driver, "progress") == "Question 2 of 2"
    assert text(driver, "question-text") == QUESTIONS[1]

    record_answer(driver)
    click(driver, "upload")
    wait_for(driver, lambda d: displayed(d, "next"), UPLOAD_WAIT, "the second answer to be confirmed")
    click(driver, "next")

    wait_screen(driver, "submit")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#submit-list li.answered")) == 2
    click(driver, "submit")
    wait_screen(driver, "done")
    driver.save_screenshot(str(screenshot_dir() / "done-desktop.png"))
    assert element(driver, "screen-done").get_attribute("data-state") == "submitted"
    assert "Ada" in text(driver, "done-title")

    interview = check(requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key), timeout=10), 200)
    assert interview["status"] == "completed", interview
    answers = interview["answers"]
    assert len(answers) == 2, answers
    assert sorted(a["questionId"] for a in answers) == sorted(question_ids)
    for answer in answers:
        assert answer["size"] > 0, answer
        assert answer["contentType"].startswith("video/"), answer

    # Coming back after submitting shows that the interview is done.
    driver.refresh()
    wait_screen(driver, "done")
    assert element(driver, "screen-done").get_attribute("data-state") == "already-completed"

    assert_no_csp_violations(console(driver))


def test_a_recording_not_yet_sent_survives_a_reload(server, api_key, driver):
    position = create_position(server, api_key)
    interview_id, url = invite(server, api_key, position["id"], first_name="Katherine")

    driver.get(url)
    wait_screen(driver, "welcome")
    click(driver, "start")
    wait_screen(driver, "camera")
    click(driver, "camera-ok")
    record_answer(driver)
    assert stored_recordings(driver) == 1

    # The page is closed before the take is sent: it is offered again, without a new recording.
    driver.refresh()
    wait_screen(driver, "welcome")
    assert "not been sent yet" in text(driver, "welcome-resume"), text(driver, "welcome-resume")
    click(driver, "start")
    wait_screen(driver, "review")
    assert displayed(driver, "review-restored")
    assert text(driver, "progress") == "Question 1 of 2"
    assert element(driver, "review-video").get_attribute("src").startswith("blob:")

    click(driver, "upload")
    wait_for(driver, lambda d: displayed(d, "next"), UPLOAD_WAIT, "the restored answer to be confirmed")
    assert stored_recordings(driver) == 0
    interview = check(requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key), timeout=10), 200)
    assert len(interview["answers"]) == 1 and interview["answers"][0]["size"] > 0, interview

    # The next question needs the camera again, which the reload switched off.
    click(driver, "next")
    wait_screen(driver, "camera")
    click(driver, "camera-ok")
    wait_screen(driver, "question")
    assert text(driver, "progress") == "Question 2 of 2"
    assert_no_csp_violations(console(driver))


# Runs before the page's own script: every recording goes multipart, and the first part's PUT is
# sent to an address that refuses it, as a dropped connection or an expired URL would.
FORCE_MULTIPART_AND_DROP_FIRST_PART = r"""
(() => {
  const fetch0 = window.fetch;
  window.__calls = [];
  window.fetch = function (input, init) {
    window.__calls.push(((init && init.method) || 'GET') + ' ' + String(input).replace(/^\/v1\/candidate\/[^/]+/, ''));
    return fetch0.apply(this, arguments).then((response) => {
      if (!/^\/v1\/candidate\/[^/]+$/.test(new URL(response.url).pathname) || !response.ok) return response;
      return response.clone().json().then((session) => {
        session.multipartThresholdBytes = 1;
        return new Response(JSON.stringify(session), {status: response.status, headers: response.headers});
      });
    });
  };
  window.__partPuts = [];
  let dropped = false;
  const open0 = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    const args = Array.from(arguments);
    if (method === 'PUT') {
      window.__partPuts.push(String(url));
      if (!dropped) {
        dropped = true;
        args[1] = '/refused-upload-part';
      }
    }
    return open0.apply(this, args);
  };
})();
"""


def test_multipart_upload_resumes_the_missing_part(server, api_key, driver):
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FORCE_MULTIPART_AND_DROP_FIRST_PART})
    position = create_position(server, api_key)
    interview_id, url = invite(server, api_key, position["id"], first_name="Hedy")

    driver.get(url)
    wait_screen(driver, "welcome")
    click(driver, "start")
    wait_screen(driver, "camera")
    click(driver, "camera-ok")
    record_answer(driver)
    click(driver, "upload")
    wait_for(driver, lambda d: displayed(d, "next"), UPLOAD_WAIT, "the multipart answer to be confirmed")

    puts = driver.execute_script("return window.__partPuts")
    assert len(puts) == 2, f"the refused part is sent again, once: {puts}"
    calls = driver.execute_script("return window.__calls")
    upload_calls = [c for c in calls if "/uploads" in c]
    assert [c.split(" ")[0] for c in upload_calls] == ["POST", "GET", "POST"], calls
    assert upload_calls[2].endswith("/complete"), calls
    interview = check(requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key), timeout=10), 200)
    assert len(interview["answers"]) == 1 and interview["answers"][0]["size"] > 0, interview
    assert stored_recordings(driver) == 0


def test_unknown_link_shows_a_clear_message(server, driver):
    driver.get(server.url("/i/" + "A" * 43))
    wait_screen(driver, "error")
    assert element(driver, "screen-error").get_attribute("data-kind") == "link_not_found"
    assert "link" in text(driver, "error-title").lower()
    assert focused_id(driver) == "error-title"
    assert_no_csp_violations(console(driver))


def test_welcome_screen_on_desktop_and_phone(server, api_key, driver):
    position = create_position(server, api_key, name="Product Designer")
    _, url = invite(server, api_key, position["id"], first_name="Grace")
    shots = screenshot_dir()

    driver.get(url)
    wait_screen(driver, "welcome")
    driver.save_screenshot(str(shots / "welcome-desktop.png"))

    phone(driver)
    driver.refresh()
    wait_screen(driver, "welcome")
    assert no_horizontal_scroll(driver), "the welcome screen fits a phone's width"
    driver.save_screenshot(str(shots / "welcome-phone.png"))
    driver.execute_script("document.getElementById('start').scrollIntoView({block: 'end'})")
    driver.save_screenshot(str(shots / "welcome-phone-bottom.png"))

    click(driver, "start")
    wait_screen(driver, "camera")
    wait_for(driver, lambda d: element(d, "camera-ok").is_enabled(), what="the camera preview")
    assert no_horizontal_scroll(driver), "the camera check fits a phone's width"
    driver.save_screenshot(str(shots / "camera-phone.png"))

    click(driver, "camera-ok")
    wait_screen(driver, "question")
    assert no_horizontal_scroll(driver), "a question fits a phone's width"
    driver.save_screenshot(str(shots / "question-phone.png"))
    print(f"screenshots in {shots}")
    assert_no_csp_violations(console(driver))


def test_apply_form_prefills_and_reports_the_outcome(server, api_key, driver):
    position = create_position(server, api_key, name="Designer", publicApply=True, slug="designer")
    slug = position["publicSlug"]

    driver.get(server.url(f"/apply/{slug}?firstName=Alan&lastName=Turing&email=alan%40example.com"))
    wait_for(driver, lambda d: displayed(d, "apply-form"), what="the application form")
    assert element(driver, "firstName").get_attribute("value") == "Alan"
    assert element(driver, "email").get_attribute("value") == "alan@example.com"

    # A mistake is reported next to its field before anything is sent.
    email = element(driver, "email")
    email.clear()
    email.send_keys("not-an-email")
    click(driver, "apply-submit")
    wait_for(driver, lambda d: displayed(d, "email-error"), what="the email field's error")
    assert element(driver, "email").get_attribute("aria-invalid") == "true"

    email.clear()
    email.send_keys("alan@example.com")
    click(driver, "apply-submit")
    wait_for(driver, lambda d: not displayed(d, "apply-form"), what="the application to be accepted")
    assert text(driver, "apply-result"), "the server's message is shown"
    shots = screenshot_dir()
    driver.save_screenshot(str(shots / "apply-done.png"))
    assert_no_csp_violations(console(driver))


def test_every_page_module_is_served_and_loads_under_the_csp(server, api_key, driver):
    """The page's script is a set of ES modules under /assets/: each one is served as JavaScript
    with the page's headers, and the browser loads every one of them under the strict CSP with
    nothing logged as an error."""
    modules = sorted(p.name for p in (REPO / "shared" / "web").glob("candidate*.js"))
    assert "candidate.js" in modules and len(modules) > 1, modules
    for name in modules:
        response = requests.get(server.url(f"/assets/{name}"), timeout=10)
        assert response.status_code == 200, (name, response.status_code)
        assert response.headers["content-type"].startswith("text/javascript"), (name, response.headers)
        assert response.headers.get("x-content-type-options") == "nosniff", (name, response.headers)

    position = create_position(server, api_key)
    _, url = invite(server, api_key, position["id"], first_name="Barbara")
    page = requests.get(url, timeout=10)
    assert "script-src 'self'" in page.headers["content-security-policy"], page.headers
    assert '<script type="module" src="/assets/candidate.js"></script>' in page.text

    driver.get(url)
    wait_screen(driver, "welcome")
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
        ".filter(p => p.startsWith('/assets/') && p.endsWith('.js'))"
    )
    assert sorted(path.rsplit("/", 1)[1] for path in loaded) == modules, loaded
    messages = driver.get_log("browser")
    assert_no_csp_violations([m["message"] for m in messages])
    errors = [m for m in messages if m["level"] == "SEVERE" and "favicon.ico" not in m["message"]]
    assert not errors, errors


# Runs before the page's own script: the first request for the camera is refused, as when the
# candidate blocks it; later requests get the synthetic camera.
DENY_CAMERA_ONCE = r"""
(() => {
  const getUserMedia0 = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  let denied = false;
  navigator.mediaDevices.getUserMedia = function (constraints) {
    if (!denied) {
      denied = true;
      return Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    }
    return getUserMedia0(constraints);
  };
})();
"""


def test_a_blocked_camera_explains_itself_and_try_again_asks_again(server, api_key, driver):
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DENY_CAMERA_ONCE})
    position = create_position(server, api_key)
    _, url = invite(server, api_key, position["id"], first_name="Annie")

    driver.get(url)
    wait_screen(driver, "welcome")
    click(driver, "start")
    wait_screen(driver, "error")
    assert element(driver, "screen-error").get_attribute("data-kind") == "camera_denied"
    assert focused_id(driver) == "error-title"
    assert len(driver.find_elements(By.CSS_SELECTOR, "#error-tips li")) == 3
    assert text(driver, "error-action") == "Try again"

    click(driver, "error-action")
    wait_screen(driver, "camera")
    click(driver, "camera-ok")
    wait_screen(driver, "question")
    assert text(driver, "progress") == "Question 1 of 2"
    assert_no_csp_violations(console(driver))
