"""What the console's browser tests share: signing in, waiting for a screen, screenshots.

The server, the browser and the API helpers are those of test_candidate_page.py. Screenshots go
to `$REELVIEW_SCREENSHOT_DIR/console/` (default: the temp dir's `reelview-screenshots/console/`),
one file per screen and size, so a person can look at each one.
"""

import base64

import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from test_candidate_page import (
    assert_no_csp_violations,
    auth,
    check,
    screenshot_dir,
    wait_for,
)


def console_dir():
    path = screenshot_dir() / "console"
    path.mkdir(parents=True, exist_ok=True)
    return path


def shot(driver, name):
    """Saves a screenshot of the whole page (beyond the viewport, also under phone emulation)
    as `console/{name}.png`."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    content = metrics.get("cssContentSize") or metrics["contentSize"]
    clip = {"x": 0, "y": 0, "width": content["width"], "height": min(content["height"], 6000), "scale": 1}
    png = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    (console_dir() / f"{name}.png").write_bytes(base64.b64decode(png["data"]))


def screen(driver):
    return driver.execute_script("return document.body && document.body.dataset.screen")


def wait_screen(driver, name):
    """Waits until the console shows screen `name` (`body[data-screen]`), loaded."""
    wait_for(driver, lambda d: screen(d) == name, what=f"the console's {name} screen")


def sign_in(server, driver, api_key, path="/app"):
    """Opens `path` in the console and signs in with `api_key`; waits for the first screen."""
    driver.get(server.url(path))
    wait_for(driver, lambda d: screen(d) == "sign-in", what="the sign-in screen")
    field = driver.find_element(By.ID, "api-key")
    field.clear()
    field.send_keys(api_key)
    driver.find_element(By.ID, "sign-in-submit").click()
    wait_for(driver, lambda d: screen(d) not in ("sign-in", "loading") and not str(screen(d)).endswith("-loading"),
             what="the first screen after signing in")


def no_console_errors(driver, *refused_statuses):
    """The browser logged no CSP violation and no error (favicon aside), except Chromium's own
    network line for each API refusal the test asked for (`refused_statuses`, e.g. 409, 422):
    it logs every 4xx answer as an error, though the page handles it."""
    messages = driver.get_log("browser")
    assert_no_csp_violations([m["message"] for m in messages])
    expected = tuple(f"status of {status} " for status in refused_statuses)
    severe = [
        m
        for m in messages
        if m["level"] == "SEVERE"
        and "favicon.ico" not in m["message"]
        and not (
            m.get("source") == "network"
            and "/v1/" in m["message"]
            and any(e in m["message"] for e in expected)
        )
    ]
    assert not severe, severe


def me(server, api_key):
    return check(requests.get(server.url("/v1/me"), headers=auth(api_key), timeout=10), 200)


# ------------------------------------------------------------------------------------------------
# Reading and working the screens


def js(driver, script, *args):
    return driver.execute_script(script, *args)


def by_id(driver, element_id):
    return driver.find_element(By.ID, element_id)


def visible(driver, element_id):
    try:
        found = driver.find_elements(By.ID, element_id)
        return bool(found) and found[0].is_displayed()
    except StaleElementReferenceException:
        return False


def text_of(driver, element_id):
    # Parts of a screen are drawn anew after each change: read the current element.
    for _ in range(5):
        try:
            return by_id(driver, element_id).text.strip()
        except StaleElementReferenceException:
            continue
    return by_id(driver, element_id).text.strip()


def click_id(driver, element_id):
    """Waits until `#element_id` shows and is enabled, then clicks it."""

    def ready(d):
        try:
            found = d.find_elements(By.ID, element_id)
            return found[0] if found and found[0].is_displayed() and found[0].is_enabled() else False
        except StaleElementReferenceException:
            return False

    element = wait_for(driver, ready, what=f"#{element_id} to be clickable")
    js(driver, "arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def type_into(element, value):
    element.clear()
    element.send_keys(value)


def press(driver, keys):
    """Types `keys` into whatever has the focus (the screen's heading after a navigation)."""
    ActionChains(driver).send_keys(keys).perform()


def confirm(driver):
    """Confirms the open dialog and waits for it to close."""
    click_id(driver, "dialog-confirm")
    wait_for(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open]"), what="the dialog to close")


def wait_list_idle(driver):
    wait_for(
        driver,
        lambda d: js(d, "const r = document.getElementById('list-region'); return !!r && !r.hasAttribute('aria-busy')"),
        what="the candidates list to finish loading",
    )


def rows_of(driver, table_id):
    """Each row of a table: its data attributes and its text."""
    return js(
        driver,
        "return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))"
        ".map(tr => ({...tr.dataset, text: tr.innerText}))",
        table_id,
    )
