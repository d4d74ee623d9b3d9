"""Keyboard control for the guided timer: space = pause/resume, arrows = back/next.

ipywidgets has no key events, so this is a small anywidget (a maintained way to write a
widget's browser side in a few lines of JavaScript): a focusable, labelled area that sends
the key to Python. It stops the key from reaching JupyterLab's own shortcuts while it has
the focus, and says in words which keys do what.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

KEYS = {" ": "toggle", "ArrowLeft": "back", "ArrowRight": "next"}
HELP = "Keys: Space pause or resume · Left arrow back · Right arrow next"

_ESM = """
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "lm-keys";
  box.tabIndex = 0;
  box.setAttribute("role", "application");
  box.setAttribute("aria-label", model.get("label"));
  box.setAttribute("aria-keyshortcuts", "Space ArrowLeft ArrowRight");
  box.setAttribute("data-lm-suppress-shortcuts", "true");
  box.textContent = "\\u2328 " + model.get("label");
  box.style.cssText = "border:1px dashed #0072B2;padding:4px 8px;margin:4px 0;" +
    "border-radius:4px;cursor:pointer;display:inline-block";
  box.addEventListener("focus", () => { box.style.outline = "3px solid #0072B2"; });
  box.addEventListener("blur", () => { box.style.outline = ""; });
  box.addEventListener("keydown", (event) => {
    const keys = model.get("watched");
    if (!(event.key in keys)) { return; }
    event.preventDefault();
    event.stopPropagation();
    model.send({ key: event.key });
  });
  el.appendChild(box);
}
export default { render };
"""


class KeyControl(anywidget.AnyWidget):
    """A focusable area; a key from :data:`KEYS` pressed there calls ``on_key(action)``."""

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    label = traitlets.Unicode(HELP).tag(sync=True)
    watched = traitlets.Dict(KEYS).tag(sync=True)

    def __init__(self, on_key: Callable[[str], None], **kwargs: Any):
        super().__init__(**kwargs)
        self._on_key = on_key
        self.on_msg(self._handle)

    def _handle(self, _widget: Any, content: Any, _buffers: Any) -> None:
        action = KEYS.get(content.get("key", "")) if isinstance(content, dict) else None
        if action is not None:
            self._on_key(action)

    def press(self, key: str) -> None:
        """What the browser does when ``key`` is pressed in the area (tests, scripts)."""
        self._handle(self, {"key": key}, [])
