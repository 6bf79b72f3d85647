"""Duplicate suggestions by word and trigram overlap."""

from dataclasses import dataclass

from deliberation.similarity import similarity, suggest_duplicates, words


@dataclass(frozen=True)
class Item:
    pk: int
    text: str


def test_it_ignores_case_function_words_and_simple_endings():
    assert words("The labs are SHARING data") == {"labs", "shar", "data"}
    assert words("Sharing the data") == words("shared data")


def test_it_scores_near_duplicates_high_and_unrelated_text_low():
    assert similarity("We should share research data openly.", "Research data should be shared openly!") > 0.6
    assert similarity("We should share research data openly.", "Military secrets must stay secret.") < 0.2


def test_it_suggests_the_likely_pairs_best_first():
    items = [
        Item(1, "Open science speeds up progress for everyone."),
        Item(2, "National security requires keeping some research secret."),
        Item(3, "Open science speeds progress for everybody."),
        Item(4, "Keeping some research secret is required by national security."),
        Item(5, "Climate change needs global cooperation."),
    ]
    pairs = [(s.first.pk, s.second.pk) for s in suggest_duplicates(items)]
    assert set(pairs) == {(1, 3), (2, 4)}
    scores = [s.score for s in suggest_duplicates(items)]
    assert scores == sorted(scores, reverse=True)


def test_it_handles_many_statements_quickly():
    import time

    items = [Item(n, f"Statement number {n} about topic {n % 37} and idea {n % 11}") for n in range(1500)]
    started = time.perf_counter()
    suggest_duplicates(items, limit=10)
    assert time.perf_counter() - started < 5


def test_it_leaves_out_the_pairs_the_caller_cannot_pair():
    items = [
        Item(1, "Open science speeds up progress."),
        Item(2, "Open science speeds progress up."),
        Item(3, "Open science speeds up progress!"),
    ]
    assert {(s.first.pk, s.second.pk) for s in suggest_duplicates(items)} == {(1, 2), (1, 3), (2, 3)}
    odd_one_out = suggest_duplicates(items, pairable=lambda a, b: 2 not in (a.pk, b.pk))
    assert [(s.first.pk, s.second.pk) for s in odd_one_out] == [(1, 3)]
