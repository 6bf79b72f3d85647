"""The interactive API documentation works in a real browser under the site's CSP."""


def test_it_renders_the_api_docs_from_local_files(page, live_server_url):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    blocked = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(f"{live_server_url}/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=20000)
    assert page.locator(".opblock").count() > 20
    assert "/api/v1/workshops/" in page.locator("#swagger-ui").inner_text()
    assert all(url.startswith(live_server_url) for url in requests), [u for u in requests if live_server_url not in u]
    assert not blocked, blocked
