"""The fault suite (``make test-faults``) at small counts, so every ``make test`` repeats it:
kill -9 during writes, 2 and 4 processes racing to create one record, a stray WAL, a full
disk and a read-only folder. Goal for both figures: 0."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.faults import suite


@pytest.mark.skipif(os.name != "posix", reason="kill -9, chown and fork servers are POSIX")
def test_the_fault_suite_loses_no_answer_and_moves_no_record_aside(monkeypatch):
    with tempfile.TemporaryDirectory(prefix="course-faults-", dir=suite.scratch()) as tmp:
        monkeypatch.setenv("COURSE_DATA_DIR", str(Path(tmp) / "course-data"))
        results = suite.run(Path(tmp), suite.SMALL)
    assert len(results) == 6
    for name, r in results.items():
        assert r["answers"] > 0, name
        assert r["answers_lost"] == 0, (name, r)
        assert r["moved_aside"] == 0, (name, r)
        assert r.get("errors", []) == [], (name, r["errors"][:3])
    kills = results["kill -9 during writes"]
    assert kills["kills"] == suite.SMALL["kills"] and kills["healthy"]
    assert results["stray -wal beside the record"]["warned"]
    full = results["disk full while saving"]
    assert full["failed_writes"] > 0 and all("the disk is full" in m for m in full["messages"])
    assert "cannot be written" in results["read-only folder"]["message"]
