"""Store notebooks executed, with deterministic output: ``python tools/execute_notebooks.py NB...``.

Each notebook runs in its own kernel against an empty progress folder (so no learner's
record leaks into a stored lesson), from its own folder, and is saved without widget
state: a viewer with no kernel then shows each widget's static fallback instead of a blank
or a "model not found" box, and the files stay small.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

MODEL_ID = re.compile(r'"model_id": "[0-9a-f]{32}"')


def _same_but_model_ids(old: str, new: str) -> bool:
    """Widget model ids are random on every run; a re-run that changes nothing else is not
    written, so the history shows only real changes."""
    return MODEL_ID.sub("", old) == MODEL_ID.sub("", new)


def execute(path: Path) -> str:
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    with tempfile.TemporaryDirectory(prefix="course-data-") as data:
        os.environ["COURSE_DATA_DIR"] = data  # inherited by the kernel started below
        client = NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            store_widget_state=False,
            record_timing=False,  # no run timestamps: re-running gives the same file
        )
        client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:  # timings left by earlier runs or other tools
        cell.metadata.pop("execution", None)
    after = nbformat.writes(nb) + "\n"
    if _same_but_model_ids(before, after):
        return f"unchanged {path}"
    path.write_text(after, encoding="utf-8")
    return f"executed {path}"


def main(paths: list[str]) -> int:
    # one at a time: the progress folder is handed to each kernel through the environment
    for path in paths:
        print(execute(Path(path)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
