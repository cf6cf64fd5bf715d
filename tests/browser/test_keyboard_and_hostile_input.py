"""The candidate, apply and share pages with the keyboard alone, with hostile names and with
Windows line ends, in a real browser.

- Recording started from the keyboard, or by the end of the thinking time, leaves focus on a
  working Stop button, never on <body>.
- Names and texts full of bidirectional controls and markup are stored without the controls,
  shown without turning the product's own sentences around (every piece of user text sits in its
  own <bdi> or dir="auto" element), and never run as script.
- Intros and questions typed on Windows (CRLF) are accepted and shown with their line breaks.
- The apply page's first focusable element is a skip link to the form; JSON answers carry
  `X-Content-Type-Options: nosniff`.

The server, the browser and the API helpers are those of test_candidate_page.py.
"""

import re
import uuid
from urllib.parse import urlparse

import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from test_candidate_page import (  # noqa: F401 - server, api_key and driver are fixtures
    api_key,
    assert_no_csp_violations,
    auth,
    check,
    click,
    console,
    create_position,
    displayed,
    driver,
    element,
    focused_id,
    invite,
    server,
    text,
    wait_for,
    wait_screen,
)
from test_share_page import share

UPLOAD_WAIT = 90

# Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# First strong isolate … pop directional isolate: how a plain-text title isolates user text.
TITLE_ISOLATE = re.compile("\u2068([^\u2068\u2069]*)\u2069")


# ------------------------------------------------------------------------------------------------
# The keyboard


def press(driver, *keys):
    ActionChains(driver).send_keys(*keys).perform()


def active(driver):
    return driver.execute_script(
        "const e = document.activeElement;"
        "return e ? {tag: e.tagName.toLowerCase(), id: e.id || ''} : {tag: '', id: ''}"
    )


def tab_to(driver, element_id, limit=10):
    """Presses Tab until `element_id` has the focus."""
    seen = []
    for _ in range(limit):
        press(driver, Keys.TAB)
        now = active(driver)
        if now["id"] == element_id:
            return
        seen.append(now)
    raise AssertionError(f"Tab never reached #{element_id}; focus went through {seen}")


def wait_enabled(driver, element_id, what):
    wait_for(driver, lambda d: element(d, element_id).is_displayed() and element(d, element_id).is_enabled(),
             what=what)


def reach_question_by_keyboard(driver, url):
    """From the invitation link to the first question (its thinking time running), with Tab and
    Enter only."""
    driver.get(url)
    wait_screen(driver, "welcome")
    tab_to(driver, "start")
    press(driver, Keys.ENTER)
    wait_screen(driver, "camera")
    wait_enabled(driver, "camera-ok", "the camera preview")
    tab_to(driver, "camera-ok")
    press(driver, Keys.ENTER)
    wait_screen(driver, "question")


def assert_focus_reaches_stop(driver):
    """Once recording has started: while Stop is not yet working the focus stays in the
    recording area, and once it works it is on Stop."""
    wait_for(driver, lambda d: displayed(d, "stop"), what="recording to start")
    samples = []

    def stop_works(d):
        state = d.execute_script(
            "const s = document.getElementById('stop'); const a = document.activeElement;"
            "return {disabled: s.disabled, tag: a ? a.tagName.toLowerCase() : '', id: a ? a.id : '',"
            " inRecording: !!(a && a.closest && a.closest('#phase-recording'))}"
        )
        samples.append(state)
        return not state["disabled"]

    wait_for(driver, stop_works, what="Stop to work")
    while_disabled = [s for s in samples if s["disabled"]]
    assert all(s["tag"] != "body" and s["inRecording"] for s in while_disabled), while_disabled
    assert active(driver) == {"tag": "button", "id": "stop"}, (active(driver), samples[-3:])


def keyboard_position(server, api_key, thinking_seconds):
    return create_position(
        server,
        api_key,
        questions=[{"text": "Tell us about yourself.", "maxAnswerSeconds": 10,
                    "thinkingSeconds": thinking_seconds, "retakes": 1}],
    )


def test_recording_started_from_the_keyboard_puts_focus_on_stop(server, api_key, driver):
    position = keyboard_position(server, api_key, thinking_seconds=120)
    _, url = invite(server, api_key, position["id"], first_name="Mary")
    reach_question_by_keyboard(driver, url)
    assert focused_id(driver) == "question-title"

    tab_to(driver, "record")
    press(driver, Keys.ENTER)
    assert_focus_reaches_stop(driver)

    press(driver, Keys.ENTER)  # Stop, from the keyboard
    wait_screen(driver, "review")
    assert focused_id(driver) == "review-title"
    assert_no_csp_violations(console(driver))


def test_recording_started_by_the_end_of_thinking_time_puts_focus_on_stop(server, api_key, driver):
    position = keyboard_position(server, api_key, thinking_seconds=1)
    _, url = invite(server, api_key, position["id"], first_name="Joan")
    reach_question_by_keyboard(driver, url)

    # Nothing pressed: the thinking time runs out and recording starts by itself.
    assert_focus_reaches_stop(driver)
    press(driver, Keys.ENTER)
    wait_screen(driver, "review")
    assert_no_csp_violations(console(driver))


# ------------------------------------------------------------------------------------------------
# Hostile names

PWN_IMG = "<img src=x onerror=window.__pwned=1>"

# Each value carries a word found nowhere in the product's own texts, to find it on the page.
HOSTILE = {
    "position": "Quokka \u202eEngineer\u202c " + PWN_IMG,
    "company": "Zebracorp\u2067 <svg onload=window.__pwned=1>",
    "intro": "Wombat\u202b welcome\u202c <script>window.__pwned=1</script>",
    "question": "Yak\u202e question\u2069 " + PWN_IMG + "?",
    "firstName": "Ximena\u202e" + PWN_IMG,
    "lastName": "\u202dUlloa",
}
MARKERS = ["Quokka", "Zebracorp", "Wombat", "Yak", "Ximena", "Ulloa"]


def cleaned(value):
    return BIDI_CONTROLS.sub("", value).strip()


# Every text node of the page that holds user text, with the isolating element around it.
USER_TEXT_NODES = r"""
const markers = arguments[0];
const found = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (!markers.some((m) => node.data.includes(m))) continue;
  const parent = node.parentElement;
  if (parent.closest('script, style, noscript, template')) continue;
  const isolate = parent.closest('bdi, [dir="auto" i]');
  found.push({
    text: node.data,
    where: (parent.id ? '#' + parent.id : parent.tagName.toLowerCase()),
    isolate: isolate ? isolate.textContent : null
  });
}
return found;
"""


def assert_user_text_isolated(driver, allowed, screen):
    """Every piece of user text on the page is alone in a <bdi> or a dir="auto" element, the page
    shows no bidirectional control, the title isolates its user text, and no markup ran."""
    assert_not_pwned(driver, screen)
    nodes = driver.execute_script(USER_TEXT_NODES, MARKERS)
    assert nodes, f"{screen}: no user text found on the page"
    for node in nodes:
        assert node["isolate"] is not None, f"{screen}: user text outside any <bdi> or dir=auto: {node}"
        assert node["isolate"].strip() in allowed, (
            f"{screen}: the isolating element holds more than user text: {node}"
        )
    body = driver.execute_script("return document.body.textContent")
    assert not BIDI_CONTROLS.search(body), f"{screen}: bidirectional control on the page: {body!r}"
    title = driver.title
    for inner in TITLE_ISOLATE.findall(title):
        assert inner in allowed, (screen, title)
    assert not BIDI_CONTROLS.search(TITLE_ISOLATE.sub("", title)), f"{screen}: title {title!r}"
    assert not any(m in TITLE_ISOLATE.sub("", title) for m in MARKERS), f"{screen}: title {title!r}"


def assert_not_pwned(driver, screen):
    assert driver.execute_script("return typeof window.__pwned") == "undefined", f"{screen}: markup ran"
    injected = driver.execute_script(
        "return document.querySelectorAll('main img, main svg, main script, header img, header svg').length"
    )
    assert injected == 0, f"{screen}: user text became markup"


def test_hostile_names_are_stored_clean_isolated_and_inert(server, api_key, driver):
    slug = "hostile-" + uuid.uuid4().hex[:8]
    position = create_position(
        server,
        api_key,
        name=HOSTILE["position"],
        companyName=HOSTILE["company"],
        intro=HOSTILE["intro"],
        questions=[{"text": HOSTILE["question"], "maxAnswerSeconds": 10, "thinkingSeconds": 120, "retakes": 0}],
        publicApply=True,
        slug=slug,
    )
    slug = position["publicSlug"]
    # Stored without the controls.
    assert position["name"] == cleaned(HOSTILE["position"]), position
    assert position["companyName"] == cleaned(HOSTILE["company"]), position
    assert position["intro"] == cleaned(HOSTILE["intro"]), position
    assert position["questions"][0]["text"] == cleaned(HOSTILE["question"]), position
    created = check(
        requests.post(
            server.url(f"/v1/positions/{position['id']}/interviews"),
            json={
                "candidate": {
                    "email": f"ximena.{uuid.uuid4().hex[:8]}@example.com",
                    "firstName": HOSTILE["firstName"],
                    "lastName": HOSTILE["lastName"],
                },
                "sendEmail": False,
            },
            headers=auth(api_key),
            timeout=10,
        ),
        201,
    )
    interview_id = created["id"]
    url = server.url(urlparse(created["url"]).path)
    interview = check(requests.get(server.url(f"/v1/interviews/{interview_id}"), headers=auth(api_key), timeout=10), 200)
    assert interview["candidate"]["firstName"] == cleaned(HOSTILE["firstName"]), interview
    assert interview["candidate"]["lastName"] == cleaned(HOSTILE["lastName"]), interview

    name = cleaned(HOSTILE["position"])
    company = cleaned(HOSTILE["company"])
    first = cleaned(HOSTILE["firstName"])
    full = first + " " + cleaned(HOSTILE["lastName"])
    question = cleaned(HOSTILE["question"])
    allowed = {name, company, cleaned(HOSTILE["intro"]), question, first, full}

    # The candidate's page, screen by screen.
    driver.get(url)
    wait_screen(driver, "welcome")
    assert_user_text_isolated(driver, allowed, "welcome")
    assert text(driver, "welcome-title") == name
    assert text(driver, "brand") == company
    greeting = text(driver, "welcome-greeting")
    assert greeting.startswith("Hi " + first + ", thank you for your interest in " + company + ". "), greeting

    click(driver, "start")
    wait_screen(driver, "camera")
    click(driver, "camera-ok")
    wait_screen(driver, "question")
    assert_user_text_isolated(driver, allowed, "question")
    assert text(driver, "question-text") == question

    click(driver, "record")
    wait_enabled(driver, "stop", "Stop to work")
    click(driver, "stop")
    wait_screen(driver, "review")
    assert_user_text_isolated(driver, allowed, "review")
    assert text(driver, "review-question") == question

    click(driver, "upload")
    wait_for(driver, lambda d: displayed(d, "next"), UPLOAD_WAIT, "the answer to be confirmed")
    click(driver, "next")
    wait_screen(driver, "submit")
    assert_user_text_isolated(driver, allowed, "submit")
    click(driver, "submit")
    wait_screen(driver, "done")
    assert_user_text_isolated(driver, allowed, "done")
    assert text(driver, "done-title") == "Thank you, " + first + "!"
    driver.refresh()
    wait_screen(driver, "done")
    assert element(driver, "screen-done").get_attribute("data-state") == "already-completed"
    assert_user_text_isolated(driver, allowed, "done, later visit")
    assert_no_csp_violations(console(driver))

    # The share page.
    _, share_url = share(server, api_key, interview_id)
    driver.get(share_url)
    wait_for(driver, lambda d: d.execute_script("return document.body.dataset.screen") == "interview",
             what="the shared interview")
    wait_for(driver, lambda d: d.execute_script("return document.getElementById('share-status').textContent"),
             what="the share page's announcement")
    assert_user_text_isolated(driver, allowed, "share")
    assert text(driver, "candidate-name") == full
    assert text(driver, "share-position") == name

    # The apply page: its heading names the position and its employer.
    driver.get(server.url(f"/apply/{slug}"))
    wait_for(driver, lambda d: displayed(d, "apply-form"), what="the application form")
    assert_user_text_isolated(driver, allowed, "apply")
    heading = text(driver, "apply-title")
    assert heading == f"Apply for {name} at {company}", heading
    assert_no_csp_violations(console(driver))


# ------------------------------------------------------------------------------------------------
# Windows line ends


def test_windows_line_ends_are_accepted_and_shown_as_line_breaks(server, api_key, driver):
    intro = "Thanks for applying!\r\nThis takes about five minutes."
    question = "Tell us about a project.\r\nWhat was your part in it?"
    response = requests.post(
        server.url("/v1/positions"),
        json={
            "name": "Support Engineer",
            "companyName": "Acme",
            "intro": intro,
            "questions": [{"text": question, "maxAnswerSeconds": 10, "thinkingSeconds": 120, "retakes": 0}],
        },
        headers=auth(api_key),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    position = response.json()
    assert position["intro"] == intro.replace("\r\n", "\n"), position
    assert position["questions"][0]["text"] == question.replace("\r\n", "\n"), position

    interview_id, url = invite(server, api_key, position["id"], first_name="Dorothy")
    driver.get(url)
    wait_screen(driver, "welcome")
    shown = element(driver, "welcome-intro").get_property("innerText")
    assert shown == "Thanks for applying!\nThis takes about five minutes.", repr(shown)

    click(driver, "start")
    wait_screen(driver, "camera")
    click(driver, "camera-ok")
    wait_screen(driver, "question")
    shown = element(driver, "question-text").get_property("innerText")
    assert shown == "Tell us about a project.\nWhat was your part in it?", repr(shown)

    _, share_url = share(server, api_key, interview_id)
    driver.get(share_url)
    wait_for(driver, lambda d: d.execute_script("return document.body.dataset.screen") == "interview",
             what="the shared interview")
    shown = driver.execute_script("return document.querySelector('.share-question-text').innerText")
    assert shown == "Tell us about a project.\nWhat was your part in it?", repr(shown)
    assert_no_csp_violations(console(driver))


# ------------------------------------------------------------------------------------------------
# The apply page's skip link, and nosniff on JSON


def test_apply_page_starts_with_a_skip_link_to_the_form(server, api_key, driver):
    slug = "skip-" + uuid.uuid4().hex[:8]
    slug = create_position(server, api_key, name="Analyst", publicApply=True, slug=slug)["publicSlug"]

    driver.get(server.url(f"/apply/{slug}"))
    wait_for(driver, lambda d: displayed(d, "apply-form"), what="the application form")
    assert active(driver)["tag"] == "body"

    press(driver, Keys.TAB)
    link = driver.execute_script("return document.activeElement")
    assert link.tag_name == "a" and "skip-link" in link.get_attribute("class"), link.get_attribute("outerHTML")
    assert link.text == "Skip to content"
    assert link.is_displayed(), "the skip link shows once it has the focus"

    press(driver, Keys.ENTER)
    wait_for(driver, lambda d: active(d) == {"tag": "main", "id": "main"}, what="focus on the main content")
    assert driver.execute_script("return location.hash") == "#main"
    press(driver, Keys.TAB)
    assert focused_id(driver) == "firstName", active(driver)
    assert_no_csp_violations(console(driver))


# Runs in a page of the server's origin: the X-Content-Type-Options header of each JSON answer.
NOSNIFF_OF = r"""
const [requests, done] = [arguments[0], arguments[arguments.length - 1]];
Promise.all(requests.map(([method, path, body]) => fetch(path, {
  method,
  headers: body ? {'Content-Type': 'application/json', Accept: 'application/json'} : {Accept: 'application/json'},
  body: body ? JSON.stringify(body) : undefined,
  cache: 'no-store'
}).then((r) => ({path, status: r.status, type: r.headers.get('content-type'),
                 nosniff: r.headers.get('x-content-type-options')}))))
  .then(done, (e) => done(String(e)));
"""


def test_json_answers_tell_the_browser_not_to_sniff(server, api_key, driver):
    slug = "nosniff-" + uuid.uuid4().hex[:8]
    position = create_position(server, api_key, name="Data Engineer", publicApply=True, slug=slug)
    slug = position["publicSlug"]
    _, url = invite(server, api_key, position["id"], first_name="Rosalind")
    token = urlparse(url).path.split("/")[2]

    # The API as a recruiter's client calls it.
    listed = requests.get(server.url("/v1/positions"), headers=auth(api_key), timeout=10)
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("application/json")
    assert listed.headers.get("x-content-type-options") == "nosniff", listed.headers

    # The API as the pages call it, from the browser.
    driver.get(url)
    wait_screen(driver, "welcome")
    driver.set_script_timeout(20)
    answers = driver.execute_async_script(
        NOSNIFF_OF,
        [
            ["GET", f"/v1/candidate/{token}", None],
            ["GET", "/v1/shares/" + "A" * 43, None],
            ["POST", f"/apply/{slug}", {"firstName": "Lise", "lastName": "Meitner", "email": "lise@example.com"}],
            ["GET", "/v1/no-such-route", None],
        ],
    )
    assert isinstance(answers, list), answers
    assert [a["status"] for a in answers] == [200, 404, 202, 404], answers
    for answer in answers:
        assert "json" in (answer["type"] or ""), answer
        assert answer["nosniff"] == "nosniff", answer
