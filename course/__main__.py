"""The course's command line: ``python -m course <command>``.

One entry point for authors (``check``), instructors (``agenda``, ``report``, ...) and CI, so
every tool reads the same validated content. Commands other than ``check`` live next to the
code they drive; each such module has a ``register(subparsers)`` function that adds its
sub-command and sets ``func`` (listed in ``COMMAND_MODULES``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that add sub-commands, in the order --help lists them.
COMMAND_MODULES = ("course.exercises", "course.instructor", "course.apps")


def cmd_check(args: argparse.Namespace) -> int:
    """Validate every content file and the quiz banks; print a summary or the problems."""
    from course.models import ContentError, load_content
    from course.quiz import guessers, lesson_guessers, lint, measure_lint
    from course.screening import load_policy

    try:
        c = load_content(args.content)
        load_policy(args.content)  # when the screening and clearances are asked again
    except ContentError as exc:
        print(f"Content check failed: {len(exc.problems)} problem(s)", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    problems = lint(c) + measure_lint(c)
    if args.content is None:  # the drawings belong to the course's own content
        from course.figures.data import check as drawing_problems

        problems += [f"drawing.yaml: {p}" for p in drawing_problems()]
    guessing = ["Guessing strategies, expected score per bank (chance = blind guessing):"]
    guessing += [f"  {bank.id} {guessers(bank).summary()}" for bank in c.quizzes]
    guessing.append(
        "Per lesson quiz, on the questions a sitting asks (the gate is judged like a bank; "
        "the others are too small to judge, shown so an author sees a giveaway):"
    )
    try:
        guessing += [
            f"  {g.lesson.id} quizzes[{g.index}] {g.quiz.bank}{' (the gate)' * g.quiz.gate} "
            f"{g.report.summary()}"
            for g in lesson_guessers(c)
        ]
    except ValueError as exc:  # e.g. a draw larger than its bank; the lint says so too
        guessing.append(f"  (not available: {exc})")
    if problems:
        print("\n".join(guessing))
        print(f"Question-bank lint failed: {len(problems)} problem(s)", file=sys.stderr)
        for line in problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    from course.sources import lint_sources, source_quality

    source_problems, source_warnings = lint_sources(c)
    if source_problems:
        print(f"Source lint failed: {len(source_problems)} problem(s)", file=sys.stderr)
        for line in source_problems:
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
    for line in source_quality(c.sources).lines():
        print(line)
    for line in source_warnings:
        print(f"  warning: {line}")
    print("\n".join(guessing))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m course",
        description="Leg self-massage course kit: tools for authors, instructors and CI.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    about = "validate the content and quiz banks and print a summary"
    check = sub.add_parser("check", help=about, description=about)
    check.add_argument("--content", default=None, help="content folder (default: the course's own)")
    check.set_defaults(func=cmd_check)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that part of the kit is not installed yet
                continue
            raise
        module.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except OSError as exc:
        # The last net under every command: a file problem no command foresaw is still one
        # line naming the file, never a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{args.command}: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
