"""What the browser tests do again and again, as a participant would do it in the page."""


def join(page, live_server_url, workshop, name):
    """Join `workshop` through the landing page's form, as `name`. The page is then marked
    (`window.__noReload`), so a test can check that what follows happened without a reload."""
    page.goto(live_server_url + "/")
    page.fill("#join-code", workshop.display_join_code)
    page.fill("#join-name", name)
    page.click("#join-form button[type=submit]")
    page.wait_for_url(f"**/w/{workshop.slug}/")
    page.evaluate("window.__noReload = true")


def write_reply(page, text, relation="supports"):
    """Open the panel's reply form and write a reason `relation` its statement, unsent."""
    page.click("#reply-box > summary")
    page.check(f"#reply-form input[name=relation][value={relation}]")
    page.fill("#reply-text", text)
