"""Benchmarks run against a private progress folder, like the tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path_factory.mktemp("course-data")))
    monkeypatch.setenv("MPLBACKEND", "Agg")
