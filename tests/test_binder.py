"""The repository is Binder-ready: repo2docker finds what it needs at the top level."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def requirement_names(name: str) -> set[str]:
    return {
        line.split(">")[0].split("=")[0].split("<")[0].strip().lower()
        for line in (ROOT / name).read_text().splitlines()
        if line.strip() and not line.startswith(("#", "-r"))
    }


def test_requirements_hold_the_learner_stack_only():
    """A learner (and Binder) installs what the lessons run, not the test tools."""
    names = requirement_names("requirements.txt")
    assert {"jupyterlab", "ipywidgets", "matplotlib", "pydantic", "voila"} <= names
    test_tools = {"pytest", "nbval", "hypothesis", "playwright", "jupyterhub", "nbgrader", "ruff"}
    assert not names & test_tools


def test_dev_requirements_add_the_test_tools_on_top():
    text = (ROOT / "requirements-dev.txt").read_text()
    assert "-r requirements.txt" in text
    assert {"pytest", "nbval", "hypothesis", "playwright", "nbgrader"} <= requirement_names(
        "requirements-dev.txt"
    )


def test_make_lab_installs_the_no_news_setting():
    overrides = json.loads((ROOT / "tools" / "lab-overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    makefile = (ROOT / "Makefile").read_text()
    lab_rule = next(line for line in makefile.splitlines() if line.startswith("lab:"))
    assert "$(LAB_OVERRIDES)" in lab_rule and "DEV_STAMP" not in lab_rule


def test_post_build_installs_the_package():
    post_build = ROOT / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert "pip install --no-deps --no-build-isolation -e ." in post_build.read_text()
    # a binder/ folder would make repo2docker ignore the top-level files
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


def test_runtime_is_a_supported_python():
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"
