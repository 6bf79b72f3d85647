"""Results of a workshop: where the room agrees, where it splits, and what serves both poles.

`core` holds pure functions over vote arrays (importable without Django); `results` loads a
workshop's votes into arrays and caches the computed figures. Nothing here imports HTTP.
"""

__all__ = ["VoteData", "compute_results", "load_vote_data", "results_for_export", "workshop_results"]


def __getattr__(name):
    # Lazy, so `deliberation.analysis.core` can be used (and benchmarked) without Django models.
    if name in __all__:
        from . import results

        return getattr(results, name)
    raise AttributeError(name)
