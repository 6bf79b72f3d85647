"""Votes under concurrency and faults, against real uvicorn processes and the real database:
many people voting at once, two devices editing one statement, an app process killed mid-load."""

import asyncio
import random
import time
from collections import Counter

import httpx
import pytest

from deliberation.domain import add_statement, join_workshop
from deliberation.models import Event, Statement, Vote
from tests.reliability import AppServer, in_thread, run_async, seated_client, shown_tally

VOTERS = 200
ROUNDS = 3


@pytest.fixture
def room(make_workshop, transactional_db):
    """An open workshop with three positions and 200 seated participants."""
    workshop = make_workshop()
    author = join_workshop(workshop, "Author")
    statements = [
        add_statement(author, workshop.root(), Statement.Kind.POSITION, f"Position number {n} for the room.")
        for n in range(3)
    ]
    voters = [join_workshop(workshop, f"Voter {n}") for n in range(VOTERS)]
    return workshop, author, statements, voters


async def seat_all(base_url, participants, at_once=20):
    """People arrive over a few seconds, not in the same millisecond."""
    gate = asyncio.Semaphore(at_once)

    async def arrive(participant):
        async with gate:
            return await seated_client(base_url, participant)

    return await asyncio.gather(*(arrive(participant) for participant in participants))


def vote_url(workshop, statement) -> str:
    return f"/w/{workshop.slug}/s/{statement.pk}/vote/"


def ground_truth(statement) -> tuple[int, int]:
    votes = Vote.objects.filter(statement=statement, kind=Vote.Kind.AGREEMENT)
    return votes.filter(value__gt=0).count(), votes.filter(value__lt=0).count()


async def _voter(client, workshop, statements, rng, statuses, model):
    """One person: votes, changes their mind, takes votes back; `model` is what they believe."""
    mine = {}
    for round_number in range(ROUNDS):
        statement = rng.choice(statements)
        if statement.pk in mine and rng.random() < 0.3:
            response = await client.post(vote_url(workshop, statement), data={"kind": "agreement", "retract": "1"})
            statuses.append(response.status_code)
            assert "Your vote is taken back" in response.text, response.text[:300]
            del mine[statement.pk]
            await asyncio.sleep(rng.uniform(0.2, 1.0))
            continue
        value = rng.randint(-2, 2)
        data = {"kind": "agreement", "value": str(value)}
        if round_number == 0:  # a double tap: the same vote twice at the same moment
            responses = await asyncio.gather(*(client.post(vote_url(workshop, statement), data=data) for _ in range(2)))
        else:
            responses = [await client.post(vote_url(workshop, statement), data=data)]
        for response in responses:
            statuses.append(response.status_code)
            assert "Your vote is counted" in response.text, response.text[:300]
        mine[statement.pk] = value
        await asyncio.sleep(rng.uniform(0.2, 1.0))  # a person reads before the next click
    model.append(mine)


def test_it_keeps_tallies_exact_when_200_people_vote_change_and_retract_at_once(room):
    workshop, author, statements, voters = room
    statuses: list[int] = []
    models: list[dict] = []

    async def run(base_url):
        clients = await seat_all(base_url, voters)
        try:
            await asyncio.gather(
                *(
                    _voter(client, workshop, statements, random.Random(n), statuses, models)
                    for n, client in enumerate(clients)
                )
            )
            tallies = []
            for statement in statements:
                response = await clients[0].get(f"/w/{workshop.slug}/s/{statement.pk}/tally/")
                assert response.status_code == 200
                tallies.append(shown_tally(response.text))
            return tallies
        finally:
            await asyncio.gather(*(client.aclose() for client in clients))

    with AppServer(workers=2) as server:
        try:
            shown = run_async(run(server.url))
        except AssertionError:
            print(server.output()[-5000:])
            raise
        assert Counter(statuses) == {200: len(statuses)}, server.output()[-3000:]

    assert len(models) == VOTERS
    for statement, tally in zip(statements, shown, strict=True):
        expected = Counter()
        for mine in models:
            value = mine.get(statement.pk)
            if value is not None:
                expected["agree" if value > 0 else "disagree" if value < 0 else "unsure"] += 1
        assert tally == ground_truth(statement) == (expected["agree"], expected["disagree"])
    assert Vote.objects.filter(workshop=workshop).count() == sum(len(mine) for mine in models)


def test_it_lets_exactly_one_of_two_concurrent_edits_win_and_tells_the_other(room):
    workshop, author, statements, _voters = room
    statement = statements[0]

    async def run(base_url):
        laptop, phone = [await seated_client(base_url, author) for _ in range(2)]
        outcomes = []
        try:
            for round_number in range(5):
                version = (await in_thread(Statement.objects.get, pk=statement.pk)).version
                url = f"/w/{workshop.slug}/s/{statement.pk}/edit/"
                texts = [f"Laptop wording, take {round_number}.", f"Phone wording, take {round_number}."]
                responses = await asyncio.gather(
                    *(
                        device.post(url, data={"text": text, "version": str(version)})
                        for device, text in zip((laptop, phone), texts, strict=True)
                    )
                )
                outcomes.append((version, texts, responses))
        finally:
            await laptop.aclose()
            await phone.aclose()
        return outcomes

    with AppServer(workers=2) as server:
        outcomes = run_async(run(server.url))
        assert "Traceback" not in server.output(), server.output()[-3000:]

    for _version, texts, responses in outcomes:
        codes = sorted(response.status_code for response in responses)
        assert codes == [200, 409], codes
        loser = next(response for response in responses if response.status_code == 409)
        assert "Someone changed this statement while you were editing" in loser.text
        winner_text = texts[[response.status_code for response in responses].index(200)]
        assert winner_text in next(response for response in responses if response.status_code == 200).text
    statement.refresh_from_db()
    last_version, last_texts, last_responses = outcomes[-1]
    assert statement.version == outcomes[0][0] + len(outcomes)
    assert statement.text == last_texts[[r.status_code for r in last_responses].index(200)]
    assert Event.objects.filter(verb="statement.edited", statement=statement).count() == len(outcomes)


def test_it_loses_no_acknowledged_vote_when_an_app_process_is_killed_mid_load(room):
    """Two app processes behind a (simulated) balancer; one gets SIGKILL while 40 people vote.
    A client whose request is cut retries on the other process, as a balancer would send it, and a
    follower of the live stream reconnects there with Last-Event-ID."""
    workshop, _author, statements, voters = room
    extra_follower, voters = voters[40], voters[:40]
    acknowledged: list[tuple[int, int, int]] = []  # (participant, statement, value) that got a 2xx
    statuses: list[int] = []
    cut = Counter()

    async def voter(participant, clients, rng):
        which = rng.randrange(2)
        for _ in range(8):
            statement = rng.choice(statements)
            value = rng.randint(-2, 2)
            while True:
                try:
                    response = await clients[which].post(
                        vote_url(workshop, statement), data={"kind": "agreement", "value": str(value)}
                    )
                    break
                except httpx.TransportError:
                    cut[which] += 1
                    which = 1  # the balancer sends the retry to the process that is still up
            statuses.append(response.status_code)
            if 200 <= response.status_code < 300:
                acknowledged.append((participant.pk, statement.pk, value))
            await asyncio.sleep(rng.uniform(0.05, 0.3))

    received: list[int] = []  # SSE ids a follower of the live stream got, across its reconnect
    start_id = Event.objects.filter(workshop=workshop).order_by("-id").values_list("id", flat=True).first()

    async def follower(clients):
        """Follows the stream on the first process; when that dies, reconnects to the other one with
        Last-Event-ID, as a browser's EventSource does."""
        which, last = 0, start_id
        while True:
            try:
                headers = {"Last-Event-ID": str(last), "Accept": "text/event-stream"}
                async with clients[which].stream("GET", f"/w/{workshop.slug}/events", headers=headers) as stream:
                    assert stream.status_code == 200
                    async for line in stream.aiter_lines():
                        if line.startswith("id: "):
                            last = int(line[4:])
                            received.append(last)
            except (httpx.TransportError, httpx.RemoteProtocolError):
                which = 1

    def final_event_id():
        return Event.objects.filter(workshop=workshop).order_by("-id").values_list("id", flat=True).first()

    async def run(servers):
        devices = [await seat_all(server.url, voters) for server in servers]
        watcher = [await seated_client(server.url, extra_follower) for server in servers]
        try:
            following = asyncio.create_task(follower(watcher))
            tasks = [
                asyncio.create_task(voter(participant, [devices[0][n], devices[1][n]], random.Random(n)))
                for n, participant in enumerate(voters)
            ]
            await asyncio.sleep(1.0)
            servers[0].kill()
            await asyncio.gather(*tasks)
            final, deadline = await in_thread(final_event_id), time.monotonic() + 20
            while (not received or received[-1] < final) and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            following.cancel()
        finally:
            await asyncio.gather(*(client.aclose() for clients in [*devices, watcher] for client in clients))

    victim, survivor = AppServer(), AppServer()
    with victim, survivor:
        run_async(run([victim, survivor]))
        assert cut[0] > 0, "the kill landed after the load: nothing was cut"
        victim.start()  # the killed process comes back and serves again
        assert httpx.get(victim.url + "/healthz").status_code == 200
        assert "Traceback" not in survivor.output(), survivor.output()[-3000:]

    assert Counter(statuses) == {200: len(statuses)}, Counter(statuses)
    last_acknowledged = {(p, s): v for p, s, v in acknowledged}  # each client votes in order
    stored = {
        (vote.participant_id, vote.statement_id): vote.value
        for vote in Vote.objects.filter(workshop=workshop, kind=Vote.Kind.AGREEMENT)
    }
    assert stored == last_acknowledged
    events = Counter(
        (event.actor_id, event.payload.get("statement_id"))
        for event in Event.objects.filter(workshop=workshop, verb="vote.cast")
    )
    acknowledged_per_target = Counter((p, s) for p, s, _v in acknowledged)
    for target, count in acknowledged_per_target.items():
        assert events[target] >= count  # every acknowledged vote has its event; a retried one may have two
    # The follower saw every event exactly once and in order, across the kill and its reconnect.
    logged = list(Event.objects.filter(workshop=workshop, id__gt=start_id).order_by("id").values_list("id", flat=True))
    assert received == logged
