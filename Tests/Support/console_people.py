"""Drives the console's subscriber and bounce pages in Debian's chromium (Playwright; nothing is downloaded).

Usage: console_people.py BASE_URL ADMIN_EMAIL ADMIN_PASSWORD EDITOR_EMAIL EDITOR_PASSWORD CSV_FILE SCREENSHOT_DIR

As the admin: searches, opens a person, imports CSV_FILE by upload and reads the per-line results, erases a
person through the confirmation page, reads the bounces. As the editor: the same pages without any form that
changes something. Runs axe-core on every page and writes screenshots at desktop and phone width.
Prints one JSON object: what each step saw, and axe's violations per page.
"""
import json
import sys

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

base, admin, admin_password, editor, editor_password, csv_file, shots = sys.argv[1:8]
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


def changing_forms(page):
    """Forms in the page's main part that post (sign-out is in the header)."""
    return page.locator("main form[method=post]").count()


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    # axe is injected past the console's CSP.
    context = browser.new_context(bypass_csp=True, locale="de-DE")
    page = context.new_page()
    sign_in(page, admin, admin_password)

    page.goto(base + "/subscribers")
    seen["admin search heading"] = page.locator("main h1").inner_text()
    seen["admin forms"] = changing_forms(page)
    check(page, "subscribers")
    shoot(page, "subscribers")

    page.fill("#q", "BEN")
    page.click("form[role=search] button")
    page.wait_for_url("**/subscribers?q=BEN")
    seen["search rows"] = page.locator("main tbody tr").all_inner_texts()
    page.click("main tbody a")
    page.wait_for_url("**/subscribers/*")
    seen["person heading"] = page.locator("main h1").inner_text()
    seen["person lists"] = page.locator("main table").first.locator("tbody tr").all_inner_texts()
    check(page, "subscriber")
    shoot(page, "subscriber")
    page.click("main details summary")
    page.wait_for_selector("#edit-attributes", state="visible")
    check(page, "subscriber, name and attributes form open")
    shoot(page, "subscriber-edit")

    page.goto(base + "/subscribers")
    page.set_input_files("#import-file", csv_file)
    page.select_option("#import-list", "news")
    page.click("form[action='/subscribers/import'] button")
    page.wait_for_url(base + "/subscribers/import")
    seen["import heading"] = page.locator("main h1").inner_text()
    seen["import figures"] = page.locator("main .figures li").all_inner_texts()
    seen["import lines"] = [
        [cell.inner_text() for cell in row.locator("td").all()] for row in page.locator("main tbody tr").all()
    ]
    check(page, "import results")
    shoot(page, "import-results")

    page.goto(base + "/subscribers?q=anna")
    page.click("main tbody a")
    page.wait_for_url("**/subscribers/*")
    page.click("a.danger")
    page.wait_for_url("**/forget")
    seen["forget heading"] = page.locator("main h1").inner_text()
    check(page, "forget")
    shoot(page, "forget")
    page.click("form[action$='/forget'] button")
    page.wait_for_url("**/subscribers?done=forgotten")
    seen["after forget"] = page.locator("main [role=status]").inner_text()
    page.goto(base + "/subscribers?q=anna")
    seen["anna after forget"] = page.locator("main tbody tr").count()

    page.goto(base + "/bounces")
    seen["bounce rows"] = page.locator("main tbody tr").all_inner_texts()
    check(page, "bounces")
    shoot(page, "bounces")
    page.click("form[action='/sign-out'] button")
    context.close()

    # The editor reads the same pages, without a form that changes something.
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    page = context.new_page()
    sign_in(page, editor, editor_password)
    page.goto(base + "/subscribers")
    seen["editor search heading"] = page.locator("main h1").inner_text()
    seen["editor forms"] = changing_forms(page)
    check(page, "subscribers (editor)")
    shoot(page, "subscribers-editor")
    page.goto(base + "/subscribers?q=ben")
    page.click("main tbody a")
    page.wait_for_url("**/subscribers/*")
    seen["editor person forms"] = changing_forms(page)
    seen["editor person erase links"] = page.locator("a.danger").count()
    check(page, "subscriber (editor)")
    person = page.url
    answer = page.goto(person + "/forget")
    seen["editor forget page"] = answer.status
    page.goto(base + "/bounces")
    check(page, "bounces (editor)")
    context.close()
    browser.close()

print(json.dumps({"seen": seen, "violations": violations}))
