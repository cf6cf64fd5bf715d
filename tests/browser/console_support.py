"""What the console's browser tests share: signing in, waiting for a screen, screenshots.

The server, the browser and the API helpers are those of test_candidate_page.py. Screenshots go
to `$REELVIEW_SCREENSHOT_DIR/console/` (default: the temp dir's `reelview-screenshots/console/`),
one file per screen and size, so a person can look at each one.
"""

import base64

import requests
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
