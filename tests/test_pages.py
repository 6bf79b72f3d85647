"""The landing page and joining by code, as a browser without JavaScript would use them."""

from deliberation.models import Participant, Statement


def test_the_landing_page_offers_to_join(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b'name="code"' in response.content and b'name="display_name"' in response.content


def test_joining_by_code_seats_the_participant_and_shows_the_map(client, workshop, position):
    response = client.post("/join/", {"code": workshop.display_join_code, "display_name": "Nia"}, follow=True)
    assert response.status_code == 200
    assert Participant.objects.filter(workshop=workshop, display_name="Nia").exists()
    assert position.text.encode() in response.content


def test_a_wrong_code_shows_the_form_with_a_message(client, db):
    response = client.post("/join/", {"code": "WRONG-CODE1", "display_name": "Nia"})
    assert response.status_code == 404
    assert "No workshop has the code" in response.content.decode()
    assert not Participant.objects.filter(display_name="Nia").exists()


def test_user_text_is_escaped_on_the_map(client, workshop, alice):
    from deliberation.domain import add_statement

    add_statement(alice, workshop.root(), Statement.Kind.POSITION, "<script>alert(1)</script>")
    client.post("/join/", {"code": workshop.join_code, "display_name": "Reader"})
    page = client.get(f"/w/{workshop.slug}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
