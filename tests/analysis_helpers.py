"""A small workshop with two camps, built through the domain functions, for the analysis tests."""

from deliberation.domain import add_statement, cast_vote, join_workshop
from deliberation.models import Statement, Vote
from tests.seating import hold_seat


def build_two_camp_workshop(workshop, per_camp: int = 4, splits: int = 4, title: str = "Shared ground"):
    """`per_camp` people in camp "one" and in camp "two". Statement `title` everyone accepts; the
    `splits` others camp one accepts and camp two rejects. Everyone rates every statement on
    both lenses (shared ground: 3/4, splitting statements: 4/1)."""
    root = workshop.root()
    people = {
        "one": [join_workshop(workshop, f"One {n}") for n in range(per_camp)],
        "two": [join_workshop(workshop, f"Two {n}") for n in range(per_camp)],
    }
    author = people["one"][0]
    shared = add_statement(author, root, Statement.Kind.POSITION, "Everyone can live with this.", title=title)
    split = [
        add_statement(author, root, Statement.Kind.POSITION, f"A position the camps split on, number {n}.")
        for n in range(splits)
    ]
    for camp, members in people.items():
        for person in members:
            cast_vote(person, Vote.Kind.AGREEMENT, 2, statement=shared)
            cast_vote(person, Vote.Kind.LENS_A, 3, statement=shared)
            cast_vote(person, Vote.Kind.LENS_B, 4, statement=shared)
            for n, statement in enumerate(split):
                value = 2 if camp == "one" else -2
                if n == 0 and camp == "one":
                    value = 1
                cast_vote(person, Vote.Kind.AGREEMENT, value, statement=statement)
                cast_vote(person, Vote.Kind.LENS_A, 4, statement=statement)
                cast_vote(person, Vote.Kind.LENS_B, 1, statement=statement)
    return people, shared, split


def seat_client(client, participant):
    """Let the test client's browser hold `participant`'s seat (as joining would)."""
    hold_seat(client, participant)
    return client
