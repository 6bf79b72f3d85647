"""The merge page shows where each statement of a pair sits in the map (kind, status, the statements
it speaks to and how, its votes and what speaks to it), in a constant number of queries."""

import re

import pytest
from django.urls import reverse

from deliberation.domain import add_statement, cast_vote, join_workshop, moderator_seat
from deliberation.models import Statement

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
Kind = Statement.Kind


def merge_url(workshop, name="moderate_merge"):
    return reverse(name, args=[workshop.slug])


def statement_url(workshop, statement):
    return reverse("moderate_statement", args=[workshop.slug, statement.pk])


def sides(body: str, workshop) -> dict[int, str]:
    """The HTML of each side shown on the page, by statement number (the first side of each)."""
    found = {}
    for chunk in body.split('<div class="merge-side">')[1:]:
        number = int(re.search(rf'href="/moderate/w/{workshop.slug}/s/(\d+)/?"', chunk).group(1))
        found.setdefault(number, chunk.split("</div>", 1)[0])
    return found


@pytest.fixture
def twins(workshop, alice, bob):
    """One sentence twice: supporting one position, and opposing another."""
    national = add_statement(alice, workshop.root(), Kind.POSITION, "Put the national interest first.")
    global_good = add_statement(bob, workshop.root(), Kind.POSITION, "Serve the global public good.")
    pro = add_statement(alice, national, Kind.CLAIM, "Shared laboratories cut research costs.", relation="supports")
    con = add_statement(bob, global_good, Kind.CLAIM, "Shared laboratories cut research costs!", relation="opposes")
    return national, global_good, pro, con


def test_it_shows_kind_relation_and_parent_of_each_side(mod_client, workshop, twins, alice, bob):
    national, global_good, pro, con = twins
    add_statement(
        alice,
        pro,
        Kind.EVIDENCE,
        "A 2019 audit of joint facilities.",
        relation="supports",
        source_citation="Audit 2019",
    )
    cast_vote(bob, "agreement", 1, statement=pro)
    cast_vote(alice, "agreement", -1, statement=pro)

    body = mod_client.get(merge_url(workshop)).content.decode()

    shown = sides(body, workshop)
    assert {pro.pk, con.pk} <= set(shown)
    first, second = shown[pro.pk], shown[con.pk]
    assert "Claim" in first and "Claim" in second
    assert f'<a href="{statement_url(workshop, pro)}">#{pro.pk}</a>' in first
    assert f'<a href="{statement_url(workshop, con)}">#{con.pk}</a>' in second
    assert 'class="stance-supports"' in first and ">supports<" in first
    assert f'<a href="{statement_url(workshop, national)}">#{national.pk}</a> {national.title}' in first
    assert global_good.title not in first and "opposes" not in first
    assert 'class="stance-opposes"' in second and ">opposes<" in second
    assert f'<a href="{statement_url(workshop, global_good)}">#{global_good.pk}</a> {global_good.title}' in second
    assert national.title not in second and "supports" not in second
    assert "Visible" in first and "Visible" in second
    assert "2 votes" in first and "1 statement under it" in first
    assert "0 votes" in second and "0 statements under it" in second


def test_the_fragment_carries_the_same_context(mod_client, workshop, twins):
    national, _global_good, pro, _con = twins
    body = mod_client.get(merge_url(workshop), **HX).content.decode()
    assert "<html" not in body
    assert (
        f'<a href="{statement_url(workshop, national)}">#{national.pk}</a> {national.title}'
        in sides(body, workshop)[pro.pk]
    )


def test_a_refused_manual_merge_shows_both_statements_in_place(mod_client, workshop, twins):
    national, _global_good, pro, _con = twins
    response = mod_client.post(
        merge_url(workshop, "moderate_merge_do"), {"duplicate": f"#{pro.pk}", "survivor": national.pk}, **HX
    )
    assert response.status_code == 400
    body = response.content.decode()
    picks = body.split('class="pair merge-picks"', 1)[1].split("<h2>", 1)[0]
    assert picks.index(f"#{pro.pk}</a>") < picks.index(f"#{national.pk}</a>")  # merge #pro into #national
    shown = sides(picks, workshop)
    assert "Claim" in shown[pro.pk] and "Position" in shown[national.pk]
    assert f"#{national.pk}</a> {national.title}" in shown[pro.pk]
    assert "answers" in shown[national.pk]  # the position answers the question


def test_it_escapes_the_text_and_titles_it_shows(mod_client, workshop, alice, bob):
    evil = add_statement(alice, workshop.root(), Kind.POSITION, "<b>Bold</b> plan for labs.")
    add_statement(alice, evil, Kind.CLAIM, "Joint observatories pay for themselves.", relation="supports")
    add_statement(bob, evil, Kind.CLAIM, "Joint observatories pay for themselves!", relation="opposes")
    body = mod_client.get(merge_url(workshop)).content.decode()
    assert "<b>Bold</b>" not in body and "&lt;b&gt;Bold&lt;/b&gt; plan" in body


def build_pairs(workshop, count: int) -> None:
    """`count` duplicate pairs, each under its own two positions, with votes and children; no two
    pairs share a word, so each pair is suggested once and never with another."""
    mod = moderator_seat(workshop, workshop.owner)
    people = [join_workshop(workshop, f"Voter {n}") for n in range(3)]
    for i in range(count):
        letter = chr(ord("a") + i)
        left = add_statement(mod, workshop.root(), Kind.POSITION, f"Stance{letter} left{letter}.")
        right = add_statement(mod, workshop.root(), Kind.POSITION, f"Stance{letter} right{letter} other{letter}.")
        text = f"Pair{letter} fund{letter} labs{letter} grow{letter} science{letter}"
        first = add_statement(mod, left, Kind.CLAIM, f"{text}.", relation="supports")
        second = add_statement(mod, right, Kind.CLAIM, f"{text}!", relation="opposes")
        add_statement(
            mod, first, Kind.EVIDENCE, f"Source{letter} report{letter}.", relation="supports", source_citation="x"
        )
        for person in people:
            cast_vote(person, "agreement", 1, statement=first)
            cast_vote(person, "agreement", -1, statement=second)


def test_the_query_count_is_the_same_for_2_and_10_pairs(
    client, moderator_user, make_workshop, django_assert_max_num_queries
):
    client.force_login(moderator_user)
    counts = []
    for pairs in (2, 10):
        room = make_workshop()
        build_pairs(room, pairs)
        with django_assert_max_num_queries(8) as queries:
            body = client.get(merge_url(room)).content.decode()
        assert body.count('class="suggestion card"') == pairs
        assert body.count('class="stance-opposes"') == pairs
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.browser
def test_a_pair_with_long_titles_fits_a_phone(workshop, moderator_user, alice, bob, live_server_url, chromium):
    long_word = "Intergovernmentalorganisationcooperationagreement" * 2
    parent = add_statement(alice, workshop.root(), Kind.POSITION, f"{long_word} is the way forward for everyone.")
    add_statement(alice, parent, Kind.CLAIM, f"{long_word} shares costs of big labs.", relation="supports")
    add_statement(bob, parent, Kind.CLAIM, f"{long_word} shares the costs of big labs.", relation="opposes")
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        path = merge_url(workshop)
        phone.goto(f"{live_server_url}/accounts/login/?next={path}")
        phone.fill("#id_username", "mod")
        phone.fill("#id_password", "a-long-test-password")
        phone.click("main button[type=submit]")
        phone.wait_for_url(f"**{path}")
        assert phone.locator(".merge-side").count() == 2
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_it_suggests_only_pairs_that_can_be_merged(mod_client, workshop, moderator_user):
    """A position and a claim in the same words are no duplicates the merge would accept; two
    claims (or a claim and evidence) are."""
    mod = moderator_seat(workshop, moderator_user)
    position = add_statement(mod, workshop.root(), Kind.POSITION, "Labs should share their research data openly.")
    claim = add_statement(
        mod, position, Kind.CLAIM, "Labs should share their research data openly!", relation="supports"
    )
    evidence = add_statement(
        mod,
        position,
        Kind.EVIDENCE,
        "Labs should share research data openly.",
        relation="supports",
        source_citation="A survey",
    )
    body = mod_client.get(merge_url(workshop)).content.decode()
    pattern = r'name="duplicate" value="(\d+)"><input type="hidden" name="survivor" value="(\d+)"'
    offered = {frozenset(pair) for pair in re.findall(pattern, body)}
    assert offered == {frozenset({str(evidence.pk), str(claim.pk)})}
