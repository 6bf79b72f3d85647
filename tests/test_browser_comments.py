"""A participant puts their own comment right in the page: the panel shows the new words marked
as changed, and another reader's open panel follows without a reload."""

import pytest

from deliberation.domain import add_statement
from deliberation.models import Annotation, Statement
from tests.browser_helpers import join

pytestmark = pytest.mark.browser


def open_panel(page, statement):
    page.click(f"#outline a.node-open[href$='/s/{statement.pk}/']")
    page.wait_for_selector(f"#detail [data-statement-id='{statement.pk}'] #statement-{statement.pk}-annotations")


def test_an_author_changes_their_comment_and_another_reader_sees_the_change(workshop, live_server_url, page, chromium):
    owner = workshop.participants.get()
    position = add_statement(owner, workshop.root(), Statement.Kind.POSITION, "Pool climate data across borders")
    join(page, live_server_url, workshop, "Writer")
    open_panel(page, position)
    page.fill(f"#comment-text-{position.pk}", "Ocean data first.")
    page.click(f"#statement-{position.pk}-annotations button[name=kind][value=comment]")
    page.wait_for_selector(f"#statement-{position.pk}-annotations .note >> text=Your comment is posted.")
    comment = Annotation.objects.get(text="Ocean data first.")

    reader_context = chromium.new_context()
    reader = reader_context.new_page()
    try:
        join(reader, live_server_url, workshop, "Reader")
        open_panel(reader, position)
        assert reader.locator("#detail .edit-comment").count() == 0  # not theirs to change

        page.click(f"#statement-{position.pk}-annotations .edit-comment > summary")
        page.fill(f"#edit-{comment.pk}", "Ocean and climate data first.")
        page.click(f"#statement-{position.pk}-annotations .edit-comment button[type=submit]")
        page.wait_for_selector(f"#statement-{position.pk}-annotations .note >> text=Your comment is changed.")
        assert "Ocean and climate data first. (changed)" in page.inner_text(f"#statement-{position.pk}-annotations")
        assert Annotation.objects.get(pk=comment.pk).text == "Ocean and climate data first."

        reader.wait_for_function(
            "() => document.querySelector('#detail .comment').textContent.includes('Ocean and climate data first.')",
            timeout=5000,
        )
        assert "(changed)" in reader.inner_text("#detail .comment")
        assert reader.evaluate("window.__noReload") is True and page.evaluate("window.__noReload") is True
    finally:
        reader_context.close()
