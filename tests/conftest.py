"""Shared test set-up: a private progress folder for every test, and Hypothesis profiles."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import platformdirs
import pytest
from hypothesis import HealthCheck, settings

# CI runs the same examples every time, so a red build is reproducible; locally each run
# explores new ones. Safety properties set their own example counts (>= 10,000).
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# The learner's real data folder, as the course would find it without any override: tests
# must never create or change anything there (issue 10, item 5).
REAL_DATA_DIR = Path(platformdirs.user_data_dir("legmassage-course"))
# Fallbacks for the whole session, before any test or fixture runs: whatever starts a process
# (a kernel, a server, a subprocess) outside the per-test fixture below still gets a temporary
# folder, both through COURSE_DATA_DIR and through the platform's own data-folder variable.
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="course-test-session-"))
os.environ["COURSE_DATA_DIR"] = str(_SESSION_DIR / "course-data")
os.environ["XDG_DATA_HOME"] = str(_SESSION_DIR / "xdg-data")
if sys.platform == "darwin":  # platformdirs reads ~/Library there, not XDG_DATA_HOME
    os.environ["HOME"] = str(_SESSION_DIR / "home")


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """No test ever touches the learner's real progress database."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path_factory.mktemp("course-data")))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """Where the learner's record goes in this test's own data folder (not created yet)."""
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    return tmp_path / "progress.sqlite3"


@pytest.fixture(autouse=True)
def _no_warning_leaks_between_tests():
    """A record moved aside in one test must not show up as news in the next one."""
    store = sys.modules.get("course.ui.store")
    if store is not None:
        store.take_warnings()
    yield
