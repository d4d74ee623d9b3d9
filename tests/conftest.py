"""Shared test set-up: a private progress folder for every test, and Hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# CI runs the same examples every time, so a red build is reproducible; locally each run
# explores new ones. Safety properties set their own example counts (>= 10,000).
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """No test ever touches the learner's real progress database."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path_factory.mktemp("course-data")))
    monkeypatch.setenv("MPLBACKEND", "Agg")
