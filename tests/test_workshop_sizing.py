"""The workshop's resource settings follow the class-size measurement, not a guess.

benchmarks/class_size.py measures memory per learner; workshop/sizing.md turns it into settings
and workshop/z2jh-values.yaml and the TLJH advice carry them. When the measurement changes, these
checks say which setting no longer fits it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MEASURED = json.loads((ROOT / "benchmarks" / "results" / "class_size.json").read_text())
VALUES = yaml.safe_load((ROOT / "workshop" / "z2jh-values.yaml").read_text())


def mib(size: str) -> float:
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([MG])i?", size).groups()
    return float(number) * (1024 if unit == "G" else 1)


def per_learner() -> float:
    return max(run["memory_per_learner_mib_max"] for run in MEASURED["runs"])


def test_the_measurement_covers_a_real_class():
    sizes = [run["learners"] for run in MEASURED["runs"]]
    assert max(sizes) >= 20 and all(run["memory_per_learner_mib_median"] > 0
                                    for run in MEASURED["runs"])


def test_the_memory_guarantee_covers_a_learner_with_one_lesson_open():
    memory = VALUES["singleuser"]["memory"]
    assert mib(memory["guarantee"]) >= per_learner()
    # the limit leaves room for a few more lesson kernels, never less than the guarantee
    assert mib(memory["limit"]) >= 2 * per_learner() > mib(memory["guarantee"]) / 2


def test_idle_servers_and_kernels_are_culled():
    assert VALUES["cull"]["enabled"] is True and VALUES["cull"]["timeout"] <= 3600
    server_config = VALUES["singleuser"]["extraFiles"]["kernel-culling"]["data"]
    assert server_config["MappingKernelManager"]["cull_idle_timeout"] > 0


def test_tljh_advice_and_sizing_doc_use_the_same_limit():
    limit = VALUES["singleuser"]["memory"]["limit"]
    for doc in ("workshop/sizing.md", "workshop/README.md"):
        assert f"limits.memory {limit}" in (ROOT / doc).read_text(), doc
