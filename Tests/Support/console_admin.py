"""Drives the console's lists, segments, users and API keys in Debian's chromium (Playwright; nothing
is downloaded).

Usage: console_admin.py BASE_URL ADMIN_EMAIL ADMIN_PASSWORD EDITOR_EMAIL EDITOR_PASSWORD SCREENSHOT_DIR

As the admin: creates a private list, types a segment's filter on the list `nrw` and reads the live
count after each change (segment.js), sees a syntax error at the field (live, and again through the
"Zählen" button as without JavaScript), saves the segment, adds a person and sees their one-time
password once, creates an API key, calls the API with it, revokes it and calls again. As the editor:
/users answers 403, a form without its CSRF token is refused. Runs axe-core on every page it sees and
writes screenshots at desktop and phone width. Prints one JSON object: what each step saw, and axe's
violations per page.
"""
import base64
import hashlib
import hmac
import json
import struct
import sys
import time
from urllib.parse import parse_qs

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

base, admin, admin_password, editor, editor_password, shots = sys.argv[1:7]
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


def sign_in(page, email, password):
    page.goto(base + "/")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def totp(key, offset):
    """RFC 6238 with Python's hmac, independent of the daemon's HummingbirdOTP."""
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    digest = hmac.new(secret, struct.pack(">Q", int(time.time() // 30) + offset), hashlib.sha1).digest()
    start = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[start:start + 4])[0] & 0x7FFFFFFF) % 1000000)


def live_count(page, text):
    """Types `text` into the filter as a person would; returns what the page shows once the script's
    count request (sent 300 ms after the last key) is answered."""
    page.fill("#where", "")

    def for_text(response):
        # Only the answer for the whole text: a slow machine may answer a partial one first.
        fields = parse_qs(response.request.post_data or "")
        return response.url.endswith("/segments/count") and fields.get("where") == [text]

    with page.expect_response(for_text, timeout=60000) as answer:
        page.type("#where", text, delay=20)
    answer.value.finished()
    page.wait_for_timeout(200)
    return {
        "status": answer.value.status,
        "count": page.locator("#count-live").inner_text(),
        "error": page.locator("#where-error").inner_text(),
        "invalid": page.locator("#where").get_attribute("aria-invalid"),
    }


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    # axe is injected past the console's CSP; the page's own script (segment.js) runs under it.
    context = browser.new_context(bypass_csp=True, locale="de-DE")
    page = context.new_page()
    sign_in(page, admin, admin_password)

    page.goto(base + "/lists")
    seen["lists heading"] = page.locator("main h1").inner_text()
    check(page, "lists")
    page.fill("#slug", "presse")
    page.fill("#name", "Pressemitteilungen")
    page.fill("#description", "Für Redaktionen")
    page.uncheck("#public")
    page.click("form[action='/lists'] button[type=submit]")
    page.wait_for_url(base + "/lists/presse")
    seen["new list heading"] = page.locator("main h1").inner_text()
    seen["new list visibility"] = page.locator(".figures li").nth(3).inner_text()
    page.goto(base + "/lists")
    seen["lists rows"] = page.locator("main tbody tr").all_inner_texts()
    shoot(page, "lists")

    page.goto(base + "/lists/nrw")
    check(page, "list")
    seen["live unna"] = live_count(page, 'kreis = "Unna"')
    seen["live without press"] = live_count(page, 'kreis = "Unna" and rolle != "Presse"')
    seen["live syntax error"] = live_count(page, "kreis = Unna")
    check(page, "list with live error")
    shoot(page, "segment-live-error")
    # Without the script's help: the button posts the form, the page shows the error at the field.
    with page.expect_response(lambda r: r.url.endswith("/lists/nrw/segments")) as answer:
        page.click("button[value=count]")
    seen["count button status"] = answer.value.status
    seen["count button error"] = page.locator("#where-error").inner_text()
    seen["count button invalid"] = page.locator("#where").get_attribute("aria-invalid")
    page.fill("#where", 'kreis = "Unna" and rolle != "Presse"')
    page.click("button[value=count]")
    seen["count button count"] = page.locator("#count-live").inner_text()
    page.fill("#segment-slug", "unna")
    page.fill("#segment-name", "Kreis Unna ohne Presse")
    page.click("button[value=save]")
    page.wait_for_url(base + "/segments/unna")
    seen["segment heading"] = page.locator("main h1").inner_text()
    check(page, "segment")
    shoot(page, "segment")

    page.goto(base + "/users")
    check(page, "users")
    page.fill("#user-email", "neu@example.de")
    page.fill("#user-name", "Neue Kollegin")
    page.select_option("#user-role", "editor")
    page.click("form[action='/users'] button[type=submit]")
    seen["one-time password"] = page.locator("#secret").inner_text()
    seen["one-time label"] = page.locator(".secret p").first.inner_text()
    check(page, "users with secret")
    shoot(page, "users-secret")
    page.goto(base + "/users")
    seen["secret after reload"] = page.locator("#secret").count()

    page.fill("#key-name", "skript")
    page.select_option("#key-role", "editor")
    page.click("form[action='/api-keys'] button[type=submit]")
    key = page.locator("#secret").inner_text()
    seen["key prefix"] = key[:4]
    api = context.request
    seen["api with key"] = api.get(base + "/api/v1/lists", headers={"Authorization": "Bearer " + key}).status
    page.goto(base + "/users")
    page.click("form[action='/api-keys/revoke']:has(input[value=skript]) button")
    seen["revoked notice"] = page.locator(".notice").inner_text()
    seen["api after revoke"] = api.get(base + "/api/v1/lists", headers={"Authorization": "Bearer " + key}).status
    shoot(page, "users")

    # TOTP: set up with a first code; the next sign-in asks for a code after the password.
    page.click("a[href='/account/totp']")
    check(page, "totp")
    page.click("form[action='/account/totp/start'] button")
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    seen["totp url"] = page.locator("#totp-url").inner_text()[:49]
    check(page, "totp setup")
    shoot(page, "totp")
    page.fill("#code", totp(key, 0))
    page.click("form[action='/account/totp/confirm'] button")
    seen["totp confirmed"] = page.locator(".notice").inner_text()
    page.click("form[action='/sign-out'] button")
    page.wait_for_url(base + "/")
    page.fill("#email", admin)
    page.fill("#password", admin_password)
    page.click("button[type=submit]")
    seen["code heading"] = page.locator("main h1").inner_text()
    check(page, "sign-in code")
    shoot(page, "sign-in-code")
    page.fill("#code", totp(key, 1))
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    seen["after code"] = page.locator("main h1").inner_text()

    page.click("form[action='/sign-out'] button")
    page.wait_for_url(base + "/")
    sign_in(page, editor, editor_password)
    answer = page.goto(base + "/users")
    seen["editor users status"] = answer.status
    seen["editor users message"] = page.locator("[role=alert]").inner_text()
    check(page, "users refused")
    seen["editor nav users"] = page.locator("nav.sections a[href='/users']").count()
    page.goto(base + "/lists/nrw")
    seen["editor list edit form"] = page.locator("form[action='/lists/nrw']").count()
    page.evaluate("document.querySelector('form.segment input[name=csrf]').remove()")
    page.fill("#segment-slug", "ohne-token")
    page.fill("#where", "has kreis")
    with page.expect_response(lambda r: r.url.endswith("/lists/nrw/segments")) as answer:
        page.click("button[value=save]")
    seen["editor without csrf"] = answer.value.status
    context.close()
    browser.close()

print(json.dumps({"seen": seen, "violations": violations}))
