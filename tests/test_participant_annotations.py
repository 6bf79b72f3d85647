"""Comments and questions (one level of replies), tags and flags on a statement."""

import re

import pytest

from deliberation.domain import annotate
from deliberation.models import Annotation, Event

HX = {"HTTP_HX_REQUEST": "true"}


def url(workshop, statement):
    return f"/w/{workshop.slug}/s/{statement.pk}/annotate/"


def test_it_posts_a_comment_and_redirects(as_bob, workshop, bob, position):
    response = as_bob.post(url(workshop, position), {"kind": "comment", "text": "Which fields?"})
    assert response.status_code == 302 and f"#statement-{position.pk}-annotations" in response["Location"]
    assert Annotation.objects.get(kind="comment").author == bob


def test_it_posts_a_question_with_htmx_and_shows_the_thread(as_bob, workshop, position):
    response = as_bob.post(url(workshop, position), {"kind": "question", "text": "Any data on this?"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'id="statement-{position.pk}-annotations"' in body and "Any data on this?" in body
    assert "Your question is posted." in body


def test_it_threads_replies_one_level_deep(as_bob, workshop, alice, position):
    first = annotate(alice, "comment", "Top comment", statement=position)
    response = as_bob.post(url(workshop, position), {"kind": "comment", "text": "A reply", "parent": first.pk}, **HX)
    assert response.status_code == 200
    reply = Annotation.objects.get(text="A reply")
    assert reply.parent == first
    body = response.content.decode()
    assert body.index("Top comment") < body.index('class="comment reply"') < body.index("A reply")
    deeper = as_bob.post(url(workshop, position), {"kind": "comment", "text": "Too deep", "parent": reply.pk}, **HX)
    assert deeper.status_code == 400 and "one level deep" in deeper.content.decode()
    assert not Annotation.objects.filter(text="Too deep").exists()


def test_it_tags_a_statement(as_bob, workshop, position):
    response = as_bob.post(url(workshop, position), {"kind": "tag", "text": "#Security"}, **HX)
    assert "#security" in response.content.decode()
    assert Annotation.objects.get(kind="tag").text == "security"


def test_it_refuses_a_tag_the_statement_already_has(as_bob, workshop, alice, position):
    annotate(alice, "tag", "security", statement=position)
    response = as_bob.post(url(workshop, position), {"kind": "tag", "text": "#SECURITY"}, **HX)
    assert response.status_code == 400 and "This already has the tag #security." in response.content.decode()
    assert Annotation.objects.filter(kind="tag").count() == 1
    assert as_bob.post(url(workshop, position), {"kind": "tag", "text": "funding"}, **HX).status_code == 200


def test_it_flags_for_a_moderator_and_shows_the_flag_only_to_its_author(as_bob, client, workshop, alice, position):
    as_bob.post(url(workshop, position), {"kind": "flag", "text": "Personal attack"})
    flag = Annotation.objects.get(kind="flag")
    assert flag.text == "Personal attack"
    mine = as_bob.get(f"/w/{workshop.slug}/s/{position.pk}/", **HX).content.decode()
    assert "You flagged this for a moderator: Personal attack" in mine
    from django.test import Client

    other = Client()
    other.get(f"/resume/{alice.resume_token}")
    assert "Personal attack" not in other.get(f"/w/{workshop.slug}/s/{position.pk}/", **HX).content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "comment", "text": ""}, "cannot be empty"),
        ({"kind": "comment", "text": "y" * 501}, "at most 500"),
        ({"kind": "tag", "text": "two words but far too long for any tag at all really"}, "one word"),
        ({"kind": "tag", "text": "open data"}, "without spaces"),
        ({"kind": "tag", "text": "y" * 41}, "one word of at most 40"),
        ({"kind": "poem", "text": "Roses"}, "Choose a comment"),
        ({"kind": "comment", "text": "Hi", "parent": "999999"}, "not on this statement"),
    ],
)
def test_it_refuses_bad_annotations_and_stores_nothing(as_bob, workshop, position, data, message):
    for headers in ({}, HX):
        response = as_bob.post(url(workshop, position), data, **headers)
        body = response.content.decode()
        assert response.status_code == 400 and message in body
        assert f'id="statement-{position.pk}-annotations"' in body
    assert not Annotation.objects.exists()


def test_it_refuses_comments_in_a_closed_workshop(as_bob, workshop, position):
    workshop.phase = "closed"
    workshop.save()
    response = as_bob.post(url(workshop, position), {"kind": "comment", "text": "Late"}, **HX)
    assert response.status_code == 403 and not Annotation.objects.exists()


def test_its_comments_fragment_is_what_the_panel_shows_of_them(as_bob, workshop, alice, position):
    """What an open panel re-fetches when someone comments: threads, tags and the viewer's own
    flags, as the whole panel shows them, in a constant number of queries."""
    first = annotate(alice, "comment", "Top comment", statement=position)
    annotate(alice, "comment", "Alice's reply", statement=position, parent=first)
    annotate(alice, "tag", "funding", statement=position)
    annotate(alice, "flag", "Alice's private flag", statement=position)
    fragment = as_bob.get(f"/w/{workshop.slug}/s/{position.pk}/annotations/", **HX).content.decode()
    panel = as_bob.get(f"/w/{workshop.slug}/s/{position.pk}/", **HX).content.decode()
    start = panel.index(f'<section id="statement-{position.pk}-annotations"')
    shown = panel[start : panel.index("</section>", start) + len("</section>")]
    assert unmasked(fragment).strip() == unmasked(shown).strip()
    assert "Top comment" in fragment and "Alice&#x27;s reply" in fragment and "#funding" in fragment
    assert "private flag" not in fragment


def unmasked(html: str) -> str:
    """The page without its CSRF tokens, which are masked afresh on every render."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_its_comments_fragment_reads_a_constant_number_of_queries(
    as_bob, workshop, alice, position, django_assert_max_num_queries
):
    for n in range(30):
        annotate(alice, "comment", f"Comment {n}", statement=position)
    with django_assert_max_num_queries(6):
        body = as_bob.get(f"/w/{workshop.slug}/s/{position.pk}/annotations/", **HX).content.decode()
    assert "Comment 29" in body


def withdraw_url(workshop, statement, annotation):
    return f"/w/{workshop.slug}/s/{statement.pk}/annotations/{annotation.pk}/withdraw/"


def test_an_author_withdraws_their_own_comment_and_tag(as_bob, workshop, bob, alice, position):
    comment = annotate(bob, "comment", "Second thoughts", statement=position)
    tag = annotate(bob, "tag", "funding", statement=position)
    others = annotate(alice, "comment", "Alice stands by hers", statement=position)
    panel = as_bob.get(f"/w/{workshop.slug}/s/{position.pk}/", **HX).content.decode()
    assert withdraw_url(workshop, position, comment) in panel and withdraw_url(workshop, position, tag) in panel
    assert withdraw_url(workshop, position, others) not in panel  # only one's own
    for annotation in (comment, tag):
        response = as_bob.post(withdraw_url(workshop, position, annotation), **HX)
        assert response.status_code == 200 and "Withdrawn." in response.content.decode()
    body = response.content.decode()
    assert "Second thoughts" not in body and "#funding" not in body and "Alice stands by hers" in body
    assert set(Annotation.objects.filter(is_hidden=True).values_list("pk", flat=True)) == {comment.pk, tag.pk}
    assert Event.objects.filter(verb="annotation.withdrawn", actor=bob).count() == 2


def test_nobody_withdraws_someone_elses_comment_or_one_others_answered(as_bob, workshop, bob, alice, position):
    others = annotate(alice, "comment", "Alice's view", statement=position)
    response = as_bob.post(withdraw_url(workshop, position, others), **HX)
    assert response.status_code == 403 and "only withdraw your own" in response.content.decode()
    answered = annotate(bob, "comment", "Bob's view", statement=position)
    own_reply = annotate(bob, "comment", "And more", statement=position, parent=answered)
    panel = as_bob.get(f"/w/{workshop.slug}/s/{position.pk}/", **HX).content.decode()
    assert withdraw_url(workshop, position, answered) in panel  # one's own replies do not hold it
    annotate(alice, "comment", "I disagree", statement=position, parent=answered)
    panel = as_bob.get(f"/w/{workshop.slug}/s/{position.pk}/", **HX).content.decode()
    assert withdraw_url(workshop, position, answered) not in panel  # no button for what would be refused
    assert withdraw_url(workshop, position, own_reply) in panel
    response = as_bob.post(withdraw_url(workshop, position, answered), **HX)
    assert response.status_code == 400 and "Others have replied to this comment" in response.content.decode()
    assert not Annotation.objects.filter(is_hidden=True).exists()


def edit_url(workshop, statement, annotation):
    return f"/w/{workshop.slug}/s/{statement.pk}/annotations/{annotation.pk}/edit/"


def test_an_author_changes_their_own_comment_and_readers_see_it_was_changed(as_bob, workshop, bob, alice, position):
    comment = annotate(bob, "comment", "Funding doubles <b>soon</b>", statement=position)
    others = annotate(alice, "question", "Says who?", statement=position, parent=comment)
    panel = as_bob.get(f"/w/{workshop.slug}/s/{position.pk}/", **HX).content.decode()
    assert edit_url(workshop, position, comment) in panel and edit_url(workshop, position, others) not in panel
    assert "(changed)" not in panel

    response = as_bob.post(edit_url(workshop, position, comment), {"text": "Funding <i>may</i> double"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and "Your comment is changed." in body
    assert "Funding &lt;i&gt;may&lt;/i&gt; double" in body and "<i>may</i>" not in body  # escaped
    assert "(changed)" in body and "Says who?" in body  # the reply stays under it
    stored = Annotation.objects.get(pk=comment.pk)
    assert stored.text == "Funding <i>may</i> double" and stored.edited_at is not None
    logged = Event.objects.get(verb="annotation.edited")
    assert (logged.actor, logged.payload["before"], logged.payload["after"]) == (
        bob,
        "Funding doubles <b>soon</b>",
        "Funding <i>may</i> double",
    )


def test_a_refused_change_keeps_the_words_and_changes_nothing(as_bob, workshop, bob, alice, position):
    comment = annotate(bob, "comment", "First words", statement=position)
    others = annotate(alice, "comment", "Alice's words", statement=position)
    tag = annotate(bob, "tag", "funding", statement=position)
    response = as_bob.post(edit_url(workshop, position, others), {"text": "Not yours"}, **HX)
    assert response.status_code == 403 and "only change your own comments" in response.content.decode()
    response = as_bob.post(edit_url(workshop, position, tag), {"text": "other"}, **HX)
    assert response.status_code == 400 and "Only comments and questions can be changed" in response.content.decode()

    too_long = "x" * (workshop.max_text_length + 1)
    response = as_bob.post(edit_url(workshop, position, comment), {"text": too_long}, **HX)
    body = response.content.decode()
    assert response.status_code == 400 and "this workshop allows at most" in body
    form = re.search(r'<details class="edit-comment" open>.*?</details>', body, re.S).group(0)
    assert too_long in form and "data-refused" in form  # the words come back to be put right

    workshop.phase = "closed"
    workshop.save()
    response = as_bob.post(edit_url(workshop, position, comment), {"text": "Too late"}, **HX)
    assert response.status_code == 403
    assert list(Annotation.objects.order_by("pk").values_list("text", flat=True)) == [
        "First words",
        "Alice's words",
        "funding",
    ]
    assert not Annotation.objects.filter(edited_at__isnull=False).exists()
    assert not Event.objects.filter(verb="annotation.edited").exists()


def test_the_same_words_again_are_no_change(as_bob, workshop, bob, position):
    comment = annotate(bob, "comment", "Steady", statement=position)
    response = as_bob.post(edit_url(workshop, position, comment), {"text": "  Steady  "}, **HX)
    assert response.status_code == 200 and "(changed)" not in response.content.decode()
    assert Annotation.objects.get(pk=comment.pk).edited_at is None
    assert not Event.objects.filter(verb="annotation.edited").exists()
