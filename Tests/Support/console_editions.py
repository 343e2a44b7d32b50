"""Drives the console's editions pages in Debian's chromium (Playwright; nothing is downloaded).

Usage: console_editions.py BASE_URL SMTP_DIR SCREENSHOT_DIR ANNA_EMAIL ANNA_PASSWORD BEN_EMAIL BEN_PASSWORD

Anna writes an edition and watches the live preview follow her typing (under the console's own CSP:
editor.js is the only script), saves it, looks at the desktop, phone and text views, test-sends it to two
addresses (read back from the aiosmtpd server's directory); Ben saves the same edition meanwhile, so
Anna's later save is refused with the message; a page without script saves through the "Vorschau"
button's round trip; Anna removes the edition after the confirmation step. axe-core runs on every page;
screenshots at desktop and phone width. Prints one JSON object: what each step saw, and axe's
violations per page.
"""
import email
import email.policy
import glob
import json
import os
import sys
import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

base, smtp_dir, shots, anna, anna_pw, ben, ben_pw = sys.argv[1:8]
axe = Axe()
seen, violations, csp_errors = {}, {}, []


def check(page, name):
    found = axe.run(page).response["violations"]
    violations[name] = [v["id"] + ": " + v["help"] + " " + str([n["target"] for n in v["nodes"]]) for v in found]


def shoot(page, name):
    for label, width in (("desktop", 1400), ("phone", 390)):
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(300)
        page.screenshot(path=f"{shots}/{name}-{label}.png", full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})


def sign_in(context, who, password):
    page = context.new_page()
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(base + "/")
    page.fill("#email", who)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def frame_text(page, selector):
    return page.frame_locator(selector).locator("body").inner_text()


def wait_for_frame(page, selector, needle, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if needle in frame_text(page, selector):
                return True
        except Exception:
            pass
        page.wait_for_timeout(200)
    return False


def run(p):
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    anna_context = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 1000})
    page = sign_in(anna_context, anna, anna_pw)

    page.goto(base + "/editions")
    seen["list heading"] = page.locator("main h1").inner_text()
    check(page, "editions")
    page.click("a[href='/editions/new']")
    page.wait_for_url(base + "/editions/new")
    seen["variables"] = page.locator(".variables li").all_inner_texts()
    check(page, "new edition")

    page.fill("#subject", "Frühjahr 2026")
    page.fill("#slug", "fruehjahr-2026")
    page.fill("#body", "Hallo {{name}},\n\nwillkommen zur **Frühjahrsausgabe**.\n")
    seen["preview while typing"] = wait_for_frame(page, "#preview-html", "Hallo Erika Mustermann")
    seen["preview frame src"] = page.get_attribute("#preview-html", "src")
    page.type("#body", "\nDie Kreise berichten aus der Praxis.")
    seen["preview follows typing"] = wait_for_frame(page, "#preview-html", "Die Kreise berichten aus der Praxis.")
    page.click("button[value=save]")
    page.wait_for_url("**/editions/fruehjahr-2026/edit?saved=1")
    seen["saved"] = page.locator(".notice").inner_text()
    seen["saved preview"] = wait_for_frame(page, "#preview-html", "Frühjahrsausgabe")
    check(page, "editor with preview")
    shoot(page, "edition-editor")
    # Full-page shots leave frames outside the viewport blank: the preview itself, scrolled into view.
    page.set_viewport_size({"width": 390, "height": 900})
    page.locator(".preview").screenshot(path=f"{shots}/edition-preview-phone.png")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.click("label[for=view-phone]")
    seen["phone frame width"] = page.locator("#preview-html").bounding_box()["width"]
    page.screenshot(path=f"{shots}/edition-editor-phone-view-desktop.png", full_page=True)
    page.click("label[for=view-text]")
    seen["text view visible"] = page.locator("#preview-text").is_visible()
    seen["text view"] = frame_text(page, "#preview-text")

    # Test-send to two addresses; the mails arrive at the aiosmtpd server.
    page.fill("#to", "pressestelle@kreis.example,\nredaktion@kreis.example")
    page.click("form[action$='/test-send'] button")
    page.wait_for_selector(".results")
    seen["test results"] = page.locator(".results li").all_inner_texts()
    subjects = []
    for path in sorted(glob.glob(os.path.join(smtp_dir, "*.eml"))):
        with open(path, "rb") as f:
            message = email.message_from_bytes(f.read(), policy=email.policy.default)
        subjects.append([str(message["Subject"]), str(message["To"])])
    seen["mails"] = subjects
    page.fill("#to", " ".join(f"person{n}@example.org" for n in range(11)))
    page.click("form[action$='/test-send'] button")
    seen["eleven addresses"] = page.locator("[role=alert]").inner_text()

    # Anna opens the edition; Ben saves it meanwhile; Anna's save did not see his and is refused.
    page.goto(base + "/editions/fruehjahr-2026/edit")
    ben_context = browser.new_context(locale="de-DE")
    ben_page = sign_in(ben_context, ben, ben_pw)
    ben_page.goto(base + "/editions/fruehjahr-2026/edit")
    ben_page.fill("#subject", "Frühjahr 2026 (korrigiert)")
    ben_page.click("button[value=save]")
    ben_page.wait_for_url("**/edit?saved=1")
    page.fill("#body", "Annas Fassung, die Bens Änderung nicht kennt.")
    with page.expect_response(lambda r: r.url.endswith("/editions/fruehjahr-2026/edit")) as answer:
        page.click("button[value=save]")
    seen["stale save status"] = answer.value.status
    seen["stale save"] = page.locator("#editor-message").inner_text()
    seen["text kept"] = page.input_value("#body")
    check(page, "editor with conflict")
    ben_context.close()

    # Without script: the "Vorschau" button renders the draft in a full round trip.
    plain = browser.new_context(locale="de-DE", java_script_enabled=False)
    plain_page = sign_in(plain, anna, anna_pw)
    plain_page.goto(base + "/editions/fruehjahr-2026/edit")
    plain_page.fill("#body", "Ohne Skript geschrieben.")
    plain_page.click("button[value=preview]")
    seen["round trip preview"] = wait_for_frame(plain_page, "#preview-html", "Ohne Skript geschrieben.")
    plain.close()

    # Remove, after the confirmation step.
    page.goto(base + "/editions/fruehjahr-2026/edit")
    page.click("a[href='/editions/fruehjahr-2026/remove']")
    seen["confirm heading"] = page.locator("main h1").inner_text()
    check(page, "remove")
    page.click("form[action$='/remove'] button")
    page.wait_for_url("**/editions?removed=fruehjahr-2026")
    seen["after removal"] = page.locator(".notice").inner_text()
    seen["editions left"] = page.locator("tbody tr").count()
    check(page, "editions after removal")
    seen["csp errors"] = csp_errors
    anna_context.close()
    browser.close()

with sync_playwright() as playwright:
    try:
        run(playwright)
    except Exception as error:  # the report says how far it got
        seen["error"] = repr(error)[:2000]
print(json.dumps({"seen": seen, "violations": violations}, ensure_ascii=False))
