"""Drives the console's sends pages in Debian's chromium (Playwright; nothing is downloaded).

Usage: console_sends.py BASE_URL EMAIL PASSWORD SCREENSHOT_DIR EDITION LIST SEGMENT OTHER_SEGMENT

Signs in; schedules EDITION to SEGMENT of LIST through the form and its confirmation step (which shows
the audience size); watches the send's page until its progress bar reaches the total without
reloading; reloads for the report; schedules a second send of EDITION to OTHER_SEGMENT for later,
pauses it, sends its cancel form without the CSRF token, resumes it. Runs axe-core on every page and writes
screenshots at desktop and phone width. Prints one JSON object: what each step saw, and axe's
violations per page.
"""
import json
import sys

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

base, email, password, shots, edition, mailing_list, segment, other_segment = sys.argv[1:9]
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


def report(page):
    return {row.locator("th").inner_text(): row.locator("td").first.inner_text()
            for row in page.locator("table.report tbody tr").all()}


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    # axe is injected past the console's CSP; the console's own script loads under it (script-src 'self').
    context = browser.new_context(bypass_csp=True, locale="de-DE")
    page = context.new_page()
    console_errors = []
    # Script errors only (the refusals the test provokes show up as failed resources).
    page.on("console", lambda m: console_errors.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text else None)
    page.on("pageerror", lambda e: console_errors.append(str(e)))

    page.goto(base + "/")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")

    page.click("nav.sections a[href='/sends']")
    page.wait_for_url(base + "/sends")
    seen["sends heading"] = page.locator("main h1").inner_text()
    check(page, "sends (empty)")

    page.click("a[href='/sends/new']")
    page.wait_for_url(base + "/sends/new")
    seen["form time zone"] = page.locator("label[for=time]").inner_text()
    check(page, "schedule form")
    shoot(page, "send-form")
    page.select_option("#edition", edition)
    page.select_option("#list", mailing_list)
    page.select_option("#segment", segment)
    page.check("#when-now")
    page.click("form[action='/sends/new'] button[type=submit]")
    seen["confirm heading"] = page.locator("main h1").inner_text()
    seen["audience"] = int(page.locator("[data-audience-count]").inner_text())
    check(page, "confirmation")
    shoot(page, "send-confirm")

    # Nothing is scheduled until confirmed (another tab looks).
    other = context.new_page()
    other.goto(base + "/sends")
    seen["sends before confirming"] = other.locator("tbody a[href^='/sends/']").count()
    other.close()

    page.click("form[action='/sends'] button[type=submit]")
    page.wait_for_url(lambda url: "/sends/" in url and url.rstrip("/").split("/")[-1].isdigit())
    send_url = page.url.split("?")[0]
    seen["send page"] = send_url
    # A marker that a reload would lose: the bar must reach the total while the page stays.
    page.evaluate("window.__stayed = true")
    page.wait_for_selector("progress[data-progress]", timeout=20000)
    seen["progress at load"] = page.evaluate(
        "(() => { const b = document.querySelector('progress[data-progress]'); return [b.value, b.max]; })()")
    page.wait_for_function(
        "(() => { const b = document.querySelector('progress[data-progress]');"
        " return b && b.max > 0 && b.value === b.max"
        " && document.querySelector('[data-progress-status]').textContent === 'abgeschlossen'; })()",
        timeout=60000)
    seen["progress at end"] = page.evaluate(
        "(() => { const b = document.querySelector('progress[data-progress]'); return [b.value, b.max]; })()")
    seen["stayed without reload"] = page.evaluate("window.__stayed === true")
    seen["progress text"] = page.locator("[data-progress-text]").inner_text()
    page.reload()
    seen["report"] = report(page)
    seen["delivery rows"] = page.locator("#deliveries ~ .table-wrap tbody tr").count()
    check(page, "send report")
    shoot(page, "send-report")

    page.click("nav.sections a[href='/']")
    page.wait_for_url(base + "/")

    # A second send, to the other segment, later: paused, a cancel without its CSRF token refused,
    # then resumed (a send that had not started goes at once).
    page.goto(base + "/sends/new")
    page.select_option("#edition", edition)
    page.select_option("#list", mailing_list)
    page.select_option("#segment", other_segment)
    page.check("#when-later")
    page.fill("#date", "2030-01-02")
    page.fill("#time", "10:00")
    page.click("form[action='/sends/new'] button[type=submit]")
    seen["second audience"] = int(page.locator("[data-audience-count]").inner_text())
    seen["second when"] = page.locator("dl.facts dd").nth(3).inner_text()
    page.click("form[action='/sends'] button[type=submit]")
    page.wait_for_url(lambda url: url.split("?")[0] != send_url and url.rstrip("/").split("/")[-1].isdigit())
    second_url = page.url
    seen["second status"] = page.locator("[data-progress-status]").inner_text()
    check(page, "scheduled send")
    page.click("form[action$='/pause'] button")
    seen["after pause"] = page.locator("[data-progress-status]").inner_text()
    seen["pause message"] = page.locator("main [role=status]").first.inner_text()
    check(page, "paused send")
    shoot(page, "send-paused")

    # A form without its CSRF token changes nothing.
    page.evaluate("document.querySelector('form[action$=\"/cancel\"] input[name=csrf]').remove()")
    with page.expect_response(lambda r: r.url.endswith("/cancel")) as answer:
        page.click("form[action$='/cancel'] button")
    seen["cancel without csrf"] = answer.value.status
    page.goto(second_url)
    seen["after refused cancel"] = page.locator("[data-progress-status]").inner_text()

    page.click("form[action$='/resume'] button")
    seen["after resume"] = page.locator("[data-progress-status]").inner_text()

    # The same schedule again: the confirmation names the earlier send, in German.
    page.goto(base + "/sends/new")
    page.select_option("#edition", edition)
    page.select_option("#list", mailing_list)
    page.select_option("#segment", segment)
    page.check("#when-now")
    page.click("form[action='/sends/new'] button[type=submit]")
    seen["guard"] = page.locator("main [role=alert]").inner_text()
    check(page, "confirmation with guard")
    # Confirming without "Noch einmal senden" is refused with the same words; nothing is scheduled.
    page.click("form[action='/sends'] button[type=submit]")
    seen["refused"] = page.locator("main [role=alert]").inner_text()

    page.goto(base + "/sends")
    seen["sends rows"] = page.locator("tbody tr").count()
    check(page, "sends")
    shoot(page, "sends")
    seen["console errors"] = console_errors
    context.close()
    browser.close()

print(json.dumps({"seen": seen, "violations": violations}))
