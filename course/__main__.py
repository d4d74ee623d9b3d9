"""The course's command line: ``python -m course <command>``.

One entry point for authors (``check``), instructors (``agenda``, ``report``, ...) and CI, so
every tool reads the same validated content.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence


def cmd_check(args: argparse.Namespace) -> int:
    """Validate every content file and the quiz banks; print a summary or the problems."""
    from course.models import ContentError, load_content
    from course.quiz import lint

    try:
        c = load_content(args.content)
    except ContentError as exc:
        print(f"Content check failed: {len(exc.problems)} problem(s)", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    problems = lint(c)
    if problems:
        print(f"Question-bank lint failed: {len(problems)} problem(s)", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    counts = {
        "benefits": len(c.benefits),
        "techniques": len(c.techniques),
        "contraindications": len(c.contraindications),
        "areas": len(c.areas),
        "goals": len(c.goals),
        "lessons": len(c.lessons),
        "faq": len(c.faq),
        "quiz banks": len(c.quizzes),
        "questions": len(c.questions),
        "sources": len(c.sources),
    }
    print("Content OK: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return 0


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
    "check": (cmd_check, "validate the content and quiz banks and print a summary"),
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m course",
        description="Leg self-massage course kit: tools for authors, instructors and CI.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    check = sub.add_parser("check", help=COMMANDS["check"][1], description=COMMANDS["check"][1])
    check.add_argument("--content", default=None, help="content folder (default: the course's own)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return COMMANDS[args.command][0](args)


if __name__ == "__main__":
    sys.exit(main())
