"""Drives the editors' console in Debian's chromium (Playwright; nothing is downloaded).

Usage: console_browser.py BASE_URL EMAIL ONE_TIME_PASSWORD NEW_PASSWORD SCREENSHOT_DIR

Signs in (after a wrong password and a form without its CSRF token), changes the one-time password,
reaches the dashboard, signs out; runs axe-core on every page it sees and writes screenshots at
desktop and phone width. Prints one JSON object: what each step saw, and axe's violations per page.
"""
import json
import sys

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

base, email, one_time, new_password, shots = sys.argv[1:6]
axe = Axe()
seen, violations = {}, {}


def check(page, name):
    found = axe.run(page).response["violations"]
    violations[name] = [v["id"] + ": " + v["help"] + " " + str([n["target"] for n in v["nodes"]]) for v in found]


def shoot(page, name):
    for label, width in (("desktop", 1280), ("phone", 390)):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{shots}/{name}-{label}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    # The console's CSP allows no script: axe is injected past it.
    context = browser.new_context(bypass_csp=True, locale="de-DE")
    page = context.new_page()

    page.goto(base + "/")
    seen["sign-in heading"] = page.locator("h1").inner_text()
    check(page, "sign-in")
    shoot(page, "sign-in")

    page.fill("#email", email)
    page.fill("#password", "ein falsches Passwort")
    page.click("button[type=submit]")
    seen["wrong password"] = page.locator("[role=alert]").inner_text()
    check(page, "sign-in with error")

    # A form that lost its CSRF token is refused.
    page.evaluate("document.querySelector('input[name=csrf]').remove()")
    page.fill("#email", email)
    page.fill("#password", one_time)
    with page.expect_response(lambda r: r.url.endswith("/sign-in")) as answer:
        page.click("button[type=submit]")
    seen["without csrf"] = answer.value.status

    page.goto(base + "/")
    page.fill("#email", email)
    page.fill("#password", one_time)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/password")
    seen["after one-time password"] = page.url
    check(page, "password")
    page.fill("#current", one_time)
    page.fill("#new", new_password)
    page.fill("#repeat", new_password)
    page.click("form[action='/password'] button[type=submit]")
    page.wait_for_url(base + "/")
    seen["dashboard heading"] = page.locator("main h1").inner_text()
    seen["progress bars"] = page.locator("progress").count()
    check(page, "dashboard")
    shoot(page, "dashboard")

    page.click("form[action='/sign-out'] button")
    page.wait_for_url(base + "/")
    seen["after sign-out"] = page.locator("h1").inner_text()
    context.close()
    browser.close()

print(json.dumps({"seen": seen, "violations": violations}))
