"""Likely duplicates among a workshop's statements, for a moderator to review before merging.

The measure is plain and database-agnostic: the Jaccard overlap of word stems (lower case, without
common function words), blended with the overlap of character trigrams so that small spelling
differences still match. Only pairs that share at least one word are compared, through an
inverted index, so a map of a thousand statements is checked in well under a second.
"""

import re
from dataclasses import dataclass
from itertools import combinations

WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "more",
        "most",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "to",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
DEFAULT_THRESHOLD = 0.45
COMMON_WORD_SHARE = 0.5  # words in more than half of all statements say nothing about duplicates


@dataclass(frozen=True)
class Suggestion:
    first: object
    second: object
    score: float


def words(text: str) -> frozenset[str]:
    """Content words, crudely stemmed (plural and -ing/-ed endings), so 'sharing data' ~ 'shared data'."""
    found = set()
    for word in WORD.findall(text.lower()):
        if word in STOPWORDS or len(word) < 2:
            continue
        for ending in ("ing", "ed", "es", "s"):
            if len(word) > len(ending) + 3 and word.endswith(ending):
                word = word[: -len(ending)]
                break
        found.add(word)
    return frozenset(found)


def trigrams(text: str) -> frozenset[str]:
    squeezed = " " + " ".join(WORD.findall(text.lower())) + " "
    return frozenset(squeezed[i : i + 3] for i in range(len(squeezed) - 2))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similarity(a: str, b: str) -> float:
    """0 (nothing in common) … 1 (same words)."""
    return 0.6 * jaccard(words(a), words(b)) + 0.4 * jaccard(trigrams(a), trigrams(b))


def suggest_duplicates(
    statements, threshold: float = DEFAULT_THRESHOLD, limit: int = 30, pairable=None
) -> list[Suggestion]:
    """The most similar pairs among `statements` (objects with `.pk`, `.text`), best first; with
    `pairable(first, second)`, only the pairs it accepts (those that could really be merged)."""
    statements = list(statements)
    word_sets = {s.pk: words(s.text) for s in statements}
    gram_sets = {s.pk: trigrams(s.text) for s in statements}
    index: dict[str, list] = {}
    for statement in statements:
        for word in word_sets[statement.pk]:
            index.setdefault(word, []).append(statement)
    too_common = max(10, int(len(statements) * COMMON_WORD_SHARE))
    candidates = set()
    for sharing in index.values():
        if len(sharing) <= too_common:
            candidates.update(combinations(sorted(sharing, key=lambda s: s.pk), 2))
    found = []
    for first, second in candidates:
        if pairable is not None and not pairable(first, second):
            continue
        score = 0.6 * jaccard(word_sets[first.pk], word_sets[second.pk]) + 0.4 * jaccard(
            gram_sets[first.pk], gram_sets[second.pk]
        )
        if score >= threshold:
            found.append(Suggestion(first, second, round(score, 2)))
    found.sort(key=lambda s: (-s.score, s.first.pk, s.second.pk))
    return found[:limit]
