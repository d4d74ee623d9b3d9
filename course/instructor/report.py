"""The class report: one HTML page (and one chart) from a folder of learners' results files.

The instructor runs it on files that learners sent, so the input is untrusted (see
:mod:`course.instructor.classdata`). The output is written only inside the output folder,
under fixed names (``report.html``, ``difficulty.png``) that never come from the files; each
file is written to a temporary name and renamed, so a symlink planted at ``report.html`` is
replaced, not followed. Every text that reaches the page is HTML-escaped.
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from course.cli import OutputError, check_output
from course.figures import palette
from course.files import write_atomic
from course.instructor.classdata import (
    ClassResults,
    ClassStats,
    Learner,
    QuestionStats,
    SafetyStatus,
    Skipped,
    is_tty,
    load_class,
    not_passed,
    progress_bar,
    question_stats,
)
from course.markup import esc
from course.models import Content
from course.page import html_page

REPORT_NAME = "report.html"
CHART_NAME = "difficulty.png"
TOP_WRONG = 3


@dataclass(frozen=True)
class Report:
    """What :func:`build_report` found and wrote."""

    html_path: Path
    chart_path: Path | None
    learners: int
    skipped: list[Skipped]
    flagged: list[Learner] = field(default_factory=list)


# Difficulty bands of the chart: (below this % right at the first attempt, label, colour,
# hatch). Colours from the course palette (colour-blind safe); the hardest band is also
# hatched and every band is named in the legend, so nothing rests on colour alone.
BANDS = (
    (50, "under 50%", palette.VERMILLION, "////"),
    (80, "50-79%", palette.ORANGE, ""),
    (101, "80% or more", palette.BLUE, ""),
)


def chart_alt(stats: list[QuestionStats]) -> str:
    """The chart's alt text, shown with it on the page: what it plots and the band counts."""
    shares = [100 * (s.share_right_first or 0) for s in stats]
    counts = []
    low = 0
    for top, label, _, _ in BANDS:
        counts.append(f"{sum(low <= v < top for v in shares)} {label}")
        low = top
    return ("Bar chart: share of learners right at their first attempt, per question, "
            f"hardest at the bottom ({len(stats)} questions: {', '.join(counts)})")


def chart_png(stats: list[QuestionStats]) -> bytes:
    """A horizontal bar per answered question: share right at the first attempt.

    Made like every figure of the kit (:func:`course.plots.new_figure`: the Agg canvas, no
    pyplot, so no global backend a notebook may have chosen is touched; matplotlib is only
    imported when there is something to draw).
    """
    from course.plots import new_figure, png_bytes

    rows = sorted(stats, key=lambda s: (s.share_right_first or 0, s.bank.id, s.question.id))
    height = 1.2 + 0.28 * len(rows)
    fig = new_figure((9, height), 100, chart_alt(rows))
    # Fixed margins, not a constrained layout: that would draw the figure twice, and the
    # drawing is most of the report's time for a large class.
    fig.subplots_adjust(left=0.3, right=0.8, top=1 - 0.45 / height, bottom=0.65 / height)
    ax = fig.add_subplot()
    shares = [100 * (s.share_right_first or 0) for s in rows]
    low = 0
    for top, label, colour, hatch in BANDS:
        band = [(i, v) for i, v in enumerate(shares) if low <= v < top]
        low = top
        if band:
            ax.barh([i for i, _ in band], [v for _, v in band], color=colour, hatch=hatch,
                    edgecolor=palette.OUTLINE if hatch else colour, linewidth=0.5, label=label)
    ax.set_yticks(range(len(rows)), [f"{s.bank.id}: {s.question.id}" for s in rows], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel("% of learners right at their first attempt")
    ax.set_title("Question difficulty (hardest at the bottom)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False,
              title="Right first time", title_fontsize=8)  # beside the bars, never on them
    # barh draws row 0 at the bottom, so the hardest question ends up there.
    return png_bytes(fig)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _best(s: SafetyStatus) -> str:
    if s.never_taken:
        return "never taken"
    text = _pct(s.best)
    if s.result.answered < s.questions:
        text += f" ({s.result.answered} of {s.questions} questions answered)"
    return text


def _safety_rows(missing: list[SafetyStatus], pass_mark: float) -> list[str]:
    if not missing:
        return ["<p>Every learner has passed the safety quiz.</p>"]
    out = [
        f"<p>{len(missing)} learner(s) have not passed the safety quiz (pass mark "
        f"{_pct(pass_mark)} on all its questions in one sitting, answers re-graded from the "
        "question bank). The routine builder stays closed for them: go through lesson 05 "
        "with them before they practise.</p>",
        '<table><thead><tr><th scope="col">Learner</th><th scope="col">File</th>'
        '<th scope="col">Best sitting</th></tr></thead><tbody>',
    ]
    for s in sorted(missing, key=lambda s: (s.learner.name.lower(), s.learner.file)):
        out.append(
            f"<tr><td>{esc(s.learner.shown_name)}</td><td>{esc(s.learner.file)}</td>"
            f"<td>{esc(_best(s))}</td></tr>"
        )
    out.append("</tbody></table>")
    return out


def _flagged_rows(flagged: list[Learner]) -> list[str]:
    """Files whose own ``correct``/``score`` claims disagree with the re-grading."""
    if not flagged:
        return []
    out = [
        "<h2>Files whose claims disagree with the re-grading</h2>",
        f"<p>{len(flagged)} file(s) claim results that their answers do not earn. Every "
        "answer above was re-graded from the question bank, so these claims changed nothing; "
        "the file may have been edited by hand.</p>",
        '<table><thead><tr><th scope="col">Learner</th><th scope="col">File</th>'
        '<th scope="col">Answers with a wrong claim</th>'
        '<th scope="col">Answers that do not fit their question</th></tr></thead><tbody>',
    ]
    for x in sorted(flagged, key=lambda x: (x.name.lower(), x.file)):
        out.append(
            f"<tr><td>{esc(x.shown_name)}</td><td>{esc(x.file)}</td><td>{x.disagree}</td>"
            f"<td>{x.invalid}</td></tr>"
        )
    out.append("</tbody></table>")
    return out


def _question_rows(stats: ClassStats) -> list[str]:
    answered = stats.answered()
    if not answered:
        return ["<p>No quiz answers in these files yet.</p>"]
    out = [
        '<table><thead><tr><th scope="col">Bank</th><th scope="col">Question</th>'
        '<th scope="col">Learners</th><th scope="col">Right at first attempt</th>'
        '<th scope="col">Attempts</th><th scope="col">Most-chosen wrong answers</th>'
        "</tr></thead><tbody>"
    ]
    for s in sorted(answered, key=lambda s: (s.share_right_first or 0, s.bank.id, s.question.id)):
        wrong = sorted(s.wrong.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_WRONG]
        picks = "".join(
            f"<li>{esc(s.option_text(o))} — {n} learner(s), {s.wrong_times[o]} time(s)</li>"
            for o, n in wrong
        )
        out.append(
            f"<tr><td>{esc(s.bank.id)}</td>"
            f"<td><code>{esc(s.question.id)}</code><br>{esc(s.question.prompt)}</td>"
            f"<td>{s.learners}</td>"
            f"<td>{s.right_first}/{s.learners} ({_pct(s.share_right_first)})</td>"
            f"<td>{s.attempts} ({s.mean_attempts:.1f} per learner)</td>"
            f"<td>{'<ul>' + picks + '</ul>' if picks else 'none'}</td></tr>"
        )
    out.append("</tbody></table>")
    if stats.ignored_answers:
        out.append(
            f"<p>{stats.ignored_answers} answer(s) to questions that are no longer in the "
            "question banks were left out.</p>"
        )
    return out


def render_report(
    data: ClassResults,
    stats: ClassStats,
    missing: list[SafetyStatus],
    pass_mark: float,
    chart: str | None,
) -> str:
    """The report page. ``chart`` is the chart's file name next to the page, if drawn."""
    body = [
        "<h1>Class report</h1>",
        f"<p>{len(data.learners)} learner file(s) read, {len(data.skipped)} skipped.</p>",
        "<h2>Safety quiz</h2>",
        *_safety_rows(missing, pass_mark),
        "<h2>Question difficulty</h2>",
    ]
    if chart:
        body.append(
            f'<img src="{esc(chart)}" alt="{esc(chart_alt(stats.answered()))}">'
        )
    body += _question_rows(stats)
    body += _flagged_rows(data.flagged)
    if data.skipped:
        body.append("<h2>Files skipped</h2><ul>")
        body += [f"<li><code>{esc(s.name)}</code>: {esc(s.reason)}</li>" for s in data.skipped]
        body.append("</ul>")
    return html_page("Class report", "\n".join(body), css="body{max-width:70em}")


def gate_of(content: Content, bank: str | None = None) -> tuple[str, list[str] | None]:
    """The bank the report judges and the question ids a pass needs: by default the builder's
    gate quiz (:func:`course.quiz.gate_quiz`), so the report and the builder judge the same
    sitting; another bank named by the instructor is judged whole."""
    from course.quiz import gate_quiz

    _, gate, asked = gate_quiz(content)
    if bank is None or bank == gate.bank:
        return gate.bank, [q.id for q in asked]
    return bank, None


def build_report(
    content: Content,
    folder: Path,
    out_dir: Path,
    *,
    safety_bank: str = "safety",
    gate_questions: Collection[str] | None = None,
    progress: bool = False,
    stderr=None,
) -> Report:
    """Read ``folder``, write ``out_dir/report.html`` (and the chart); skipped files are
    reported on ``stderr`` as they are found. ValueError for an unknown bank.

    Who passed is judged by :func:`course.quiz.passed` on ``gate_questions`` (the question
    ids of the quiz that opens the builder), by default the whole ``safety_bank``: give the
    same ids the builder's gate uses, so the two can never disagree."""
    err = stderr if stderr is not None else sys.stderr
    bank = content.quiz.get(safety_bank)
    if bank is None:
        raise ValueError(
            f"unknown quiz bank {safety_bank!r}; banks are {', '.join(sorted(content.quiz))}"
        )
    bar = progress_bar(err, progress)

    def skip(s: Skipped) -> None:
        if progress:
            err.write("\r" + " " * 60 + "\r")
        print(str(s), file=err)

    gate = list(gate_questions) if gate_questions is not None else None
    if gate is not None:
        unknown = sorted(set(gate) - {q.id for q in bank.questions})
        if unknown or not gate:
            raise ValueError(
                f"the gate quiz must be questions of bank {safety_bank!r}; "
                + (f"not in it: {', '.join(unknown[:5])}" if unknown else "none given")
            )
    quizzes = {safety_bank: gate} if gate else None
    data = load_class(folder, content, quizzes=quizzes, on_file=bar, on_skip=skip)
    for x in data.flagged:
        print(
            f"flagged {x.file}: {x.disagree} answer(s) claim a result the re-grading does "
            "not give; re-graded",
            file=err,
        )
    stats = question_stats(content, data.learners)
    missing = not_passed(data.learners, bank, len(set(gate)) if gate else None)
    out_dir.mkdir(parents=True, exist_ok=True)
    chart_path = None
    if stats.answered():
        chart_path = out_dir / CHART_NAME
        write_atomic(chart_path, chart_png(stats.answered()))
    page = render_report(
        data, stats, missing, bank.pass_mark, chart_path.name if chart_path else None
    )
    html_path = out_dir / REPORT_NAME
    write_atomic(html_path, page.encode("utf-8"))
    return Report(html_path, chart_path, len(data.learners), data.skipped, data.flagged)


def cmd_report(args) -> int:
    """``python -m course report DIR``: exit 0 if at least one file was read, else 1."""
    from course.models import content

    folder = Path(args.dir)
    if not folder.is_dir():
        print(f"report: {folder} is not a folder", file=sys.stderr)
        return 1
    if args.out is None:
        out_dir = folder / "report"
        # The default lives inside the learners' folder, which may hold anything.
        if out_dir.is_symlink():
            print(
                f"report: {out_dir} is a symlink; refusing to write through it "
                "(give --out to choose a folder)",
                file=sys.stderr,
            )
            return 1
    else:
        out_dir = Path(args.out)
    try:
        check_output(out_dir, folder=True)
    except OutputError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    show = args.progress or is_tty(sys.stderr)
    try:
        c = content()
        bank, gate_ids = gate_of(c, args.safety_bank)
        report = build_report(
            c, folder, out_dir, safety_bank=bank, gate_questions=gate_ids, progress=show
        )
    except ValueError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    print(
        f"Report written to {report.html_path}: {report.learners} learner(s), "
        f"{len(report.skipped)} file(s) skipped."
    )
    if report.learners == 0:
        print(f"report: no results file in {folder} could be read", file=sys.stderr)
        return 1
    return 0
