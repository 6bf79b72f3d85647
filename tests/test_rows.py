"""`deliberation.rows` builds the same instances from a hand-written SELECT as the ORM does."""

from datetime import timedelta

from django.db import connection
from django.db.models.signals import post_init
from django.utils import timezone

from deliberation import rows
from deliberation.models import Participant, Statement, Workshop
from deliberation.views.seats import remembered_seat
from tests.seating import hold_seat


def fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_instances_equal_the_orms_field_by_field(workshop, position):
    Workshop.objects.filter(pk=workshop.pk).update(
        join_code_expires_at=timezone.now() + timedelta(hours=2), premoderation=True, focus_statement=position
    )
    for model, pk in ((Workshop, workshop.pk), (Statement, position.pk), (Participant, position.author_id)):
        with connection.cursor() as cursor:
            sql = f"SELECT {rows.columns(model, 't')} FROM {model._meta.db_table} t WHERE t.id = %s"  # noqa: S608
            cursor.execute(sql, [pk])
            built = rows.instance(model, cursor.fetchone())
        reference = model.objects.get(pk=pk)
        assert fields(built) == fields(reference)
        assert not built._state.adding and built._state.db == "default"
    assert built.joined_at.tzinfo is not None  # aware datetimes, as the ORM gives them


def test_a_remembered_seat_comes_with_its_workshop_and_focus(client, rf, workshop, position, alice, make_workshop):
    request = rf.get("/")
    request.COOKIES = {name: morsel.value for name, morsel in hold_seat(client, alice).cookies.items()}
    assert remembered_seat(request, workshop.slug).workshop.slug == workshop.slug
    seat = remembered_seat(request, workshop.slug, with_focus=True)
    assert (seat.pk, seat.workshop.pk, seat.workshop.focus_statement) == (alice.pk, workshop.pk, None)
    Workshop.objects.filter(pk=workshop.pk).update(focus_statement=position)
    seat = remembered_seat(request, workshop.slug, with_focus=True)
    assert fields(seat.workshop.focus_statement) == fields(Statement.objects.get(pk=position.pk))
    assert fields(seat) == fields(Participant.objects.get(pk=alice.pk))
    assert fields(seat.workshop) == fields(Workshop.objects.get(pk=workshop.pk))
    assert remembered_seat(request, make_workshop().slug) is None  # no seat held there
    Participant.objects.filter(pk=alice.pk).update(is_banned=True)
    assert remembered_seat(request, workshop.slug) is None


def _read(model, pk, only=None):
    with connection.cursor() as cursor:
        sql = f"SELECT {rows.columns(model, 't', only)} FROM {model._meta.db_table} t WHERE t.id = %s"  # noqa: S608
        cursor.execute(sql, [pk])
        return rows.instance(model, cursor.fetchone(), only=only)


def test_fields_left_out_are_deferred_as_the_orms_only_leaves_them(workshop, django_assert_num_queries):
    only = ("id", "slug", "phase")
    built, reference = _read(Workshop, workshop.pk, only), Workshop.objects.only(*only).get(pk=workshop.pk)
    assert built.get_deferred_fields() == reference.get_deferred_fields() != set()
    with django_assert_num_queries(1):
        assert built.title == workshop.title  # read when first used, as the ORM does
    built.title = "Renamed"
    built.save(update_fields=["title"])
    assert Workshop.objects.get(pk=workshop.pk).title == "Renamed"


def test_a_model_with_init_signal_receivers_is_built_through_its_init(workshop):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Workshop)
    try:
        built = _read(Workshop, workshop.pk)
    finally:
        post_init.disconnect(receiver, sender=Workshop)
    assert seen == [built] and seen[0] is built
    assert fields(built) == fields(Workshop.objects.get(pk=workshop.pk))
