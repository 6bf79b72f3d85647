"""The app's settings with the probe endpoints of `benchmarks/budget_site.py` mounted beside it."""

from deliberation.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.budget_site"
