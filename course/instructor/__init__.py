"""Tools for instructors: the workshop agenda, the instructor guide and the class report.

:func:`register` adds the three sub-commands to ``python -m course``. The heavy parts (the
content, matplotlib) are imported inside the commands, so ``python -m course --help`` stays
fast.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

GUIDE_PATH = Path("docs") / "instructor-guide.md"


def _write_or_print(text: str, out: str | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    from course.files import write_atomic

    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text.encode("utf-8"))
    print(f"Written to {target}", file=sys.stderr)


def _bad_output(command: str, out: str | None, *, folder: bool = False) -> bool:
    """Print one line and return True when ``out`` cannot be written (see course.cli)."""
    from course.cli import OutputError, check_output

    if out is None:
        return False
    try:
        check_output(out, folder=folder)
    except OutputError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return True
    return False


def cmd_agenda(args: argparse.Namespace) -> int:
    """Plan the workshop; exit 1 (with the minimum) when the time is too short."""
    from course.instructor.agenda import AgendaError, plan_agenda, render_html, render_markdown
    from course.models import content

    if _bad_output("agenda", args.out):
        return 1
    try:
        agenda = plan_agenda(
            content().lessons,
            args.minutes,
            start=args.start,
            break_every=args.break_every,
            break_minutes=args.break_minutes,
        )
    except AgendaError as exc:
        print(f"agenda: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"agenda: {exc}", file=sys.stderr)
        return 2
    fmt = args.format or ("html" if args.out and args.out.endswith((".html", ".htm")) else "md")
    text = render_html(agenda) if fmt == "html" else render_markdown(agenda)
    _write_or_print(text, args.out)
    return 0


def cmd_guide(args: argparse.Namespace) -> int:
    """Write the instructor guide; with --results, misconceptions come from the class."""
    from course.instructor.classdata import load_class, question_stats
    from course.instructor.guide import render_guide
    from course.models import content

    if _bad_output("guide", args.out):
        return 1
    c = content()
    stats, learners = None, 0
    if args.results is not None:
        folder = Path(args.results)
        if not folder.is_dir():
            print(f"guide: {folder} is not a folder", file=sys.stderr)
            return 1
        data = load_class(folder, c, on_skip=lambda s: print(str(s), file=sys.stderr))
        if not data.learners:
            print(f"guide: no results file in {folder} could be read", file=sys.stderr)
            return 1
        stats, learners = question_stats(c, data.learners), len(data.learners)
    _write_or_print(render_guide(c, stats, learners), args.out)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Build the class report; see :func:`course.instructor.report.cmd_report`."""
    from course.instructor.report import cmd_report as run

    return run(args)


MAX_MINUTES = 7 * 24 * 60  # a week: far beyond any workshop, far below a runaway number


def _minutes(text: str) -> int:
    """A whole number of minutes, 0 up to a week; ``10^30`` or 5,000 digits are refused
    before Python is asked to turn them into a number."""
    t = text.strip()
    if re.fullmatch(r"-[0-9]+", t):
        raise argparse.ArgumentTypeError(f"{t[:12]} minutes: must be 0 or more")
    if not re.fullmatch(r"[0-9]+", t):
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a whole number of minutes")
    if len(t) > 6 or int(t) > MAX_MINUTES:
        shown = t if len(t) <= 12 else t[:12] + "..."
        raise argparse.ArgumentTypeError(f"{shown} minutes: at most {MAX_MINUTES} (a week)")
    return int(t)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``agenda``, ``guide`` and ``report`` to the course's command line."""
    about = "plan a workshop agenda that fits the time, safety lessons first"
    p = subparsers.add_parser("agenda", help=about, description=about)
    p.add_argument("--minutes", type=_minutes, required=True, help="time available")
    p.add_argument("--format", choices=("md", "html"), default=None, help="default: md")
    p.add_argument("--out", default=None, help="write to FILE instead of standard output")
    p.add_argument("--start", default="09:00", help="start time, HH:MM (default 09:00)")
    p.add_argument("--break-every", type=_minutes, default=60, help="minutes between breaks")
    p.add_argument("--break-minutes", type=_minutes, default=10, help="length of a break")
    p.set_defaults(func=cmd_agenda)

    about = "generate the instructor guide (objectives, notes, answer keys, misconceptions)"
    p = subparsers.add_parser("guide", help=about, description=about)
    p.add_argument("--results", default=None, metavar="DIR", help="learners' results files")
    p.add_argument("--out", default=None, help=f"write to FILE (the repo keeps {GUIDE_PATH})")
    p.set_defaults(func=cmd_guide)

    about = "build an HTML class report from learners' exported results files"
    p = subparsers.add_parser("report", help=about, description=about)
    p.add_argument("dir", metavar="DIR", help="folder of *.json results files")
    p.add_argument("--out", default=None, metavar="OUTDIR", help="default: DIR/report")
    p.add_argument(
        "--safety-bank", default=None,
        help="bank to judge (default: the builder's gate quiz, as lessons.yaml declares it)",
    )
    p.add_argument("--progress", action="store_true", help="show a progress bar on stderr")
    p.set_defaults(func=cmd_report)
