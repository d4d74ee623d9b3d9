"""Standalone apps (Voilà) and the offline lesson site: ``python -m course app|site``.

Two ways to reach learners who will never open JupyterLab:

* ``app``: the routine builder or the safety quiz alone, served by Voilà from a notebook in
  ``apps/``. Voilà runs the notebook in a kernel and shows only its outputs (the code is
  stripped), so a learner sees a web page with working widgets. It binds to 127.0.0.1 and
  asks for a token unless told otherwise, because anyone who reaches the page gets a kernel,
  and a kernel runs arbitrary code as the user who started it.
* ``site``: every lesson as a static HTML page plus an index, exported with nbconvert from the
  stored, executed notebooks. No kernel, no network, no CDN: the widgets' static fallbacks
  (their ``text/html`` output) are what the pages show, and images are embedded, so the
  folder can be copied to a USB stick, an intranet or any static host.
"""

from __future__ import annotations

import argparse
import copy
import ipaddress
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from course.files import write_atomic
from course.markup import esc
from course.page import html_page

REPO = Path(__file__).resolve().parent.parent
APPS_DIR = REPO / "apps"
NOTEBOOKS_DIR = REPO / "notebooks"
APPS = {"builder": "routine_builder.ipynb", "quiz": "quiz.ipynb"}
DEFAULT_PORT = 8866  # Voilà's own default, so its documentation still applies
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
INDEX = "index.html"


# The safety-quiz gate of the builder app is on unless an instructor starts the app with
# this flag (for a demonstration); the page then says so in a banner on top.
NO_QUIZ_GATE = "--no-quiz-gate"
QUIZ_GATE_ENV = "COURSE_REQUIRE_SAFETY_QUIZ"  # read by course.ui.builder.quiz_required


class AppError(Exception):
    """A problem the user can fix (bad address, missing folder); printed without a traceback."""


# --- Voilà apps ------------------------------------------------------------------------------


def is_loopback(ip: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, "localhost")."""
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def check_ip(ip: str) -> str:
    """``ip`` if it is an address to listen on (an IP literal or "localhost"), else AppError:
    Voilà would otherwise fail with a traceback deep in Tornado."""
    if ip != "localhost":
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise AppError(
                f"--ip {ip[:60]!r} is not an IP address (use 127.0.0.1 for this machine only, "
                "or this machine's network address)"
            ) from None
    return ip


def voila_command(
    app: str,
    *,
    port: int = DEFAULT_PORT,
    ip: str = "127.0.0.1",
    token: bool = True,
    apps_dir: Path = APPS_DIR,
) -> list[str]:
    """The command line that serves one app: Voilà through :mod:`course.voila_server`, which
    binds the port before it prints the address (``port=0``: the system picks a free one,
    and the line printed names it) and, on a loopback address, answers only requests whose
    Host (and Origin) name this machine.

    The token itself never appears here: Voilà reads it from ``JUPYTER_TOKEN`` in its
    environment, so it does not show up in ``ps`` for other users of the machine.
    """
    if app not in APPS:
        raise AppError(f"unknown app {app!r}; choose one of: {', '.join(APPS)}")
    notebook = apps_dir / APPS[app]
    if not notebook.is_file():
        raise AppError(f"{notebook} is missing: run this from a copy of the course repository")
    if not 0 <= port < 65536:
        raise AppError(f"port must be between 1 and 65535 (or 0 for any free one), not {port}")
    check_ip(ip)
    if not token and not is_loopback(ip):
        raise AppError(
            f"refusing to serve on {ip} without a token: anyone who can reach the page gets a "
            "Python kernel. Keep the token, or bind to 127.0.0.1."
        )
    return [
        sys.executable,
        "-m",
        "course.voila_server",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        f"--Voila.auto_token={token}",
        "--Voila.port_retries=0",
        f"--CourseVoila.app_label={app}",
        f"--CourseVoila.loopback_only={is_loopback(ip)}",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
    ]


def app_env(app: str, *, quiz_gate: bool = True, base: dict[str, str] | None = None) -> dict:
    """The environment Voilà (and so the app's kernel) runs in.

    The quiz gate is set explicitly either way: a ``COURSE_REQUIRE_SAFETY_QUIZ=0`` left in an
    instructor's shell must not switch it off for learners unnoticed; only ``--no-quiz-gate``
    does, and only for the builder.
    """
    if not quiz_gate and app != "builder":
        raise AppError(f"{NO_QUIZ_GATE} applies to the builder app only, not to {app!r}")
    env = dict(os.environ if base is None else base)
    env[QUIZ_GATE_ENV] = "1" if quiz_gate else "0"
    return env


def quiz_gate_html(required: bool) -> str:
    """What the builder app says on top about the safety-quiz gate."""
    if required:
        return (
            '<div class="lm-quiz-gate-on" role="status" style="border:2px solid #0072B2;'
            'padding:6px 10px"><strong>Safety quiz required.</strong> The builder opens once '
            "you have passed the whole safety quiz (lesson 05, or the quiz app: "
            "<code>python -m course app quiz</code>).</div>"
        )
    return (
        '<div class="lm-quiz-gate-off" role="alert" style="border:3px solid #D55E00;'
        'padding:8px 10px;background:#FFF4E5"><strong>Instructor mode: the safety-quiz gate '
        "is OFF.</strong> Anyone on this page can build a routine without having passed the "
        "safety quiz. It was started with <code>--no-quiz-gate</code> for a demonstration; "
        "restart without it before learners use the app.</div>"
    )


def builder_app(
    require_quiz: bool | None = None, *, now: Callable[[], datetime] | None = None, **builder: Any
) -> Any:
    """The routine builder as the standalone app shows it: the quiz-gate state on top, the
    state of the learner's personal screening, then the builder.

    The builder's checklist (step 1) starts from the learner's stored screening; the answers
    are stored, dated, whenever the learner confirms them ("These are my answers", Save or
    Start practice), so the app's practice uses a screening just as the lessons' timers do.
    ``require_quiz`` None follows ``$COURSE_REQUIRE_SAFETY_QUIZ``, which
    ``python -m course app`` always sets. ``now`` and ``opener`` are for tests.

    Returns a displayable view with ``.builder`` (the RoutineBuilder), ``.banner``,
    ``.screening`` (an HTML line) and ``.quiz_required``.
    """
    import ipywidgets as w

    from course.screening import current_answers
    from course.ui.builder import RoutineBuilder, quiz_required
    from course.ui.display import Fallback, error_html, esc
    from course.ui.gate import starting_answers, store_answers, utc_now
    from course.ui.store import DB_ERRORS

    clock = now or utc_now

    def default_opener() -> Any:
        from course.progress import Progress

        return Progress.open(clock=clock)

    opener = builder.pop("opener", None) or default_opener

    class BuilderApp(Fallback):
        def __init__(self) -> None:
            self.quiz_required = quiz_required(require_quiz)
            self.banner = w.HTML(quiz_gate_html(self.quiz_required))
            self.banner.add_class("lm-quiz-gate")
            self.screening = w.HTML()
            self.screening.add_class("lm-app-screening")
            initial = None
            try:
                with opener() as progress:
                    stored, clearance = progress.latest_screening(), progress.latest_clearance()
                a = current_answers(stored, clearance, clock())
                initial = a.profile or starting_answers(stored, clearance, clock().date())
                ask = (
                    ""
                    if not a.ask
                    else (
                        " Check every answer in step 1, change what has changed, and press "
                        "“These are my answers”."
                    )
                )
                self.screening.value = (
                    f"<p><strong>Your screening:</strong> {esc(a.reason)}{ask}</p>"
                )
            except DB_ERRORS as exc:
                self.screening.value = error_html(f"Your progress record could not be read: {exc}")
            self.builder = RoutineBuilder(
                self.quiz_required, opener=opener, initial=initial, on_profile=self.keep, **builder
            )
            box = w.VBox([self.banner, self.screening, self.builder.widget])
            box.add_class("lm-builder-app")
            super().__init__(box, html=self.static_html_now, text=self.summary)

        def keep(self, profile: Any) -> None:
            """Store the answers the learner confirmed (incomplete ones are not stored)."""
            try:
                with opener() as progress:
                    store_answers(progress, profile, clock().date())
            except ValueError as exc:
                self.screening.value = error_html(f"Your answers were not saved: {exc}")
                return
            except DB_ERRORS as exc:
                self.screening.value = error_html(f"Your answers could not be saved: {exc}")
                return
            self.screening.value = (
                "<p><strong>Your screening:</strong> saved with today's date; the practice "
                "timers of the lessons use it too.</p>"
            )

        def static_html_now(self) -> str:
            return self.banner.value + self.screening.value + self.builder.static_html_now()

        def summary(self) -> str:
            off = "" if self.quiz_required else "[safety-quiz gate OFF] "
            return off + self.builder.summary()

    return BuilderApp()


def cmd_app(args: argparse.Namespace) -> int:
    """Start Voilà in the foreground (Ctrl+C stops it). The server prints the address to
    open once it holds the port, so the address printed is always the one served."""
    try:
        command = voila_command(args.app, port=args.port, ip=args.ip, token=not args.no_token)
        env = app_env(args.app, quiz_gate=not args.no_quiz_gate)
    except AppError as exc:
        print(f"Cannot start the app: {exc}", file=sys.stderr)
        return 2
    if args.no_quiz_gate:
        print(
            "Instructor mode: the safety-quiz gate is OFF; the page shows a banner saying so.",
            file=sys.stderr,
        )
    if args.no_token:
        env.pop("JUPYTER_TOKEN", None)
    else:
        env.setdefault("JUPYTER_TOKEN", secrets.token_urlsafe(24))
    if not is_loopback(args.ip):
        print(f"Warning: listening on {args.ip}, reachable from other machines.", file=sys.stderr)
    sys.stdout.flush()
    if os.name == "posix":  # become the server, so signals and exit codes reach it directly
        os.execve(command[0], command, env)
    return subprocess.call(command, env=env)  # pragma: no cover - Windows


# --- the static site ---------------------------------------------------------------------

# Extends nbconvert's "lab" page and drops everything it would load from a CDN: require.js
# and the widget manager (widget views are replaced by their static HTML, see _static_copy),
# MathJax and Mermaid (the lessons use neither). A small bar links the pages together.
SITE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}<style>{{ resources.course_css }}</style>{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.course_nav }}
{%- endblock body_header -%}
{% block body_footer %}
{{ resources.course_nav }}
<footer class="lm-site-footer"><p>{{ resources.course_disclaimer }}</p></footer>
{{ super() }}
{% endblock body_footer %}
"""

SITE_CSS = """
.lm-site-nav { display: flex; gap: 1.5em; flex-wrap: wrap; padding: 0.6em 1em;
  border-bottom: 1px solid #ccc; font-family: system-ui, sans-serif; }
.lm-site-footer { border-top: 1px solid #ccc; padding: 0.6em 1em; font-size: 0.9em;
  font-family: system-ui, sans-serif; }
main { max-width: 60em; margin: 0 auto; }
"""

# The body of the site's index; course.page.html_page gives it the course's page shell.
INDEX_BODY = """<main>
<h1>{title}</h1>
<p class="lm-disclaimer" role="note"><strong>Disclaimer.</strong> {disclaimer}</p>
{red_flags}
<h2>The lessons</h2>
<table>
<thead><tr><th scope="col">Lesson</th><th scope="col">Title</th>
<th scope="col">Teaching (min)</th><th scope="col">Practice (min)</th>
<th scope="col">Quiz (min)</th><th scope="col">Total (min)</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<p>These pages are a read-only copy of the course. To use the interactive tools (the routine
builder, the practice timer, the quizzes), open the notebooks in Jupyter.</p>
</main>"""

SITE_TITLE = "Leg self-massage for relaxation"


def _static_copy(nb: Any) -> Any:
    """The notebook as a page without a kernel shows it: widget views give way to their
    static HTML fallback, and the saved widget state (which would pull in a CDN script to
    render live widgets without a kernel) is dropped."""
    page = copy.deepcopy(nb)
    page.metadata.pop("widgets", None)
    for cell in page.cells:
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
    return page


def _nav(lessons: Sequence[Any], i: int) -> str:
    """Index / previous / next links for lesson ``i``."""
    links = [f'<a href="{INDEX}">All lessons</a>']
    if i > 0:
        prev = lessons[i - 1]
        links.append(f'<a href="{prev.id}.html" rel="prev">← {esc(prev.title)}</a>')
    if i + 1 < len(lessons):
        nxt = lessons[i + 1]
        links.append(f'<a href="{nxt.id}.html" rel="next">{esc(nxt.title)} →</a>')
    return f'<nav class="lm-site-nav" aria-label="Lessons">{" ".join(links)}</nav>'


def build_site(
    out: Path, notebooks: Path = NOTEBOOKS_DIR, *, show_code: bool = False
) -> list[Path]:
    """Write one page per lesson (in the order of lessons.yaml) and ``index.html`` to ``out``.

    Every lesson must have its notebook: a site with a lesson missing is broken, so the
    build stops and names the missing files rather than publishing a gap. Returns the pages
    written, index first.
    """
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    import course
    from course.lesson import red_flags
    from course.models import content

    lessons = list(content().lessons)
    missing = [
        f"{lesson.id}.ipynb"
        for lesson in lessons
        if not (notebooks / f"{lesson.id}.ipynb").is_file()
    ]
    if missing:
        raise AppError(f"{notebooks} lacks the notebook of: {', '.join(missing)}")

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"course_site.html.j2": SITE_TEMPLATE})],
        template_file="course_site.html.j2",
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    out.mkdir(parents=True, exist_ok=True)
    disclaimer = esc(course.DISCLAIMER)
    written: list[Path] = []
    unexecuted: list[str] = []
    for i, lesson in enumerate(lessons):
        nb = nbformat.read(notebooks / f"{lesson.id}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
        if code and not any(c.get("outputs") for c in code):
            unexecuted.append(lesson.id)
        page = _static_copy(nb)
        page.metadata["title"] = f"{lesson.title} · {SITE_TITLE}"
        resources = {
            "metadata": {"name": lesson.title, "path": str(notebooks)},
            "course_nav": _nav(lessons, i),
            "course_css": SITE_CSS,
            "course_disclaimer": disclaimer,
        }
        body, _ = exporter.from_notebook_node(page, resources=resources)
        target = out / f"{lesson.id}.html"
        write_atomic(target, body.encode("utf-8"))
        written.append(target)

    rows = "\n".join(
        f'<tr><td>{i}</td><td><a href="{lesson.id}.html">{esc(lesson.title)}</a></td>'
        f"<td>{lesson.teaching_minutes}</td><td>{lesson.practice_minutes}</td>"
        f"<td>{lesson.quiz_minutes}</td><td>{lesson.minutes}</td></tr>"
        for i, lesson in enumerate(lessons)
    )
    index = out / INDEX
    body = INDEX_BODY.format(
        title=esc(SITE_TITLE), disclaimer=disclaimer, red_flags=red_flags().html, rows=rows,
    )
    write_atomic(index, html_page(SITE_TITLE, body).encode("utf-8"))
    if unexecuted:
        print(
            "Warning: stored without outputs (their tools will be missing from the site): "
            + ", ".join(unexecuted),
            file=sys.stderr,
        )
    return [index, *written]


def cmd_site(args: argparse.Namespace) -> int:
    from course.cli import OutputError, check_output

    try:
        check_output(args.out, folder=True)
        pages = build_site(Path(args.out), Path(args.notebooks), show_code=args.show_code)
    except (AppError, OutputError) as exc:
        print(f"Cannot build the site: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Cannot build the site: {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Wrote {len(pages)} pages to {args.out}/ (open {pages[0]})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``app`` and ``site`` (called by ``course.__main__``)."""
    about = "serve the routine builder or the safety quiz as a standalone web app (Voilà)"
    p = subparsers.add_parser("app", help=about, description=about)
    p.add_argument("app", nargs="?", default="builder", choices=sorted(APPS))
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="default: %(default)s; 0 lets the system pick a free port (the line printed names it)",
    )
    p.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s, this machine only)",
    )
    p.add_argument(
        "--no-token",
        action="store_true",
        help="serve without a token (refused unless --ip is a loopback address)",
    )
    p.add_argument(
        NO_QUIZ_GATE,
        action="store_true",
        help="instructors only: let the builder work without a passed safety quiz "
        "(the page shows a banner)",
    )
    p.set_defaults(func=cmd_app)

    about = "build the lessons as an offline HTML site (no kernel, no network needed)"
    s = subparsers.add_parser("site", help=about, description=about)
    s.add_argument("--out", default="site", help="output folder (default: %(default)s)")
    s.add_argument(
        "--notebooks", default=str(NOTEBOOKS_DIR), help="lesson notebooks (default: notebooks/)"
    )
    s.add_argument("--show-code", action="store_true", help="keep the code cells on the pages")
    s.set_defaults(func=cmd_site)
