"""Every check cell of the practice notebooks can fail for a plausible wrong answer.

A check that compares an answer with the same expression, or accepts anything, teaches
nothing. For each check cell this file names the mistakes learners really make (the wrong
Profile id, a forgotten area, the pressure they asked for instead of the one they got, the
fencepost count of 6 spots for 7) and runs the solution notebook's code with the wrong
answer in place of the worked one: the check must fail with its "Not yet." hint. The worked
answers themselves must pass, so a failure cannot come from the harness.

The cells run in-process (``exec``), without a kernel: this is fast, and the notebooks'
code is plain Python apart from ``%matplotlib`` lines, which are dropped.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import nbformat
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = {p.stem: p for p in sorted((ROOT / "solutions").glob("*.ipynb"))}

# notebook -> check cell grade_id -> plausible wrong answers, each {task grade_id: code}.
# The code replaces the whole solution cell of that task; the other tasks keep their worked answer.
WRONG: dict[str, dict[str, list[dict[str, str]]]] = {
    "01_classify_safety_scenarios": {
        "check_task1_ana": [
            {"task1_ana": 'ana = Profile.of("fluid_swelling")'},  # "it is swollen"
            {"task1_ana": 'ana = Profile.of("injury_or_surgery", injury_or_surgery=["calf"])'},
        ],
        "check_task2_ana_next": [
            {"task2_ana_next": 'ana_next = "A"'},  # massage the good leg
            {"task2_ana_next": 'ana_next = "D"'},  # warm the calf
        ],
        "check_task3_ben": [
            {"task3_ben": 'ben = Profile.of("varicose_veins", varicose_veins=["shin"], '
             'sides={"varicose_veins": "left"})'},
            {"task3_ben": 'ben = Profile.of("bleeding_risk")'},  # "veins bleed"
            # no leg named: both calves kept out, though his right leg is fine
            {"task3_ben": 'ben = Profile.of("varicose_veins", varicose_veins=["calf"])'},
            {"task3_ben": 'ben = Profile.of("varicose_veins", varicose_veins=["calf"], '
             'sides={"varicose_veins": "right"})'},
        ],
        "check_task4_ben_why": [
            {"task4_ben_why": 'ben_why = "D"'},
            {"task4_ben_why": 'ben_why = "C"'},
        ],
        "check_task5_chloe": [
            # numb feet were "lighter" in the old model: now they wait for a clinician
            {"task5_chloe_answers": 'chloe_now = "lighter"\nchloe_towel = False'},
            {"task5_chloe_answers": 'chloe_now = "wait"\nchloe_towel = True'},  # warmth is nice
            {"task5_chloe_answers": 'chloe_now = "stop"\nchloe_towel = False'},
            {"task5_chloe": 'chloe = Profile.of("arterial_disease")'},
        ],
        "check_task6_sorting": [
            {"task6_sorting": 'my_sorting = {"Dev": "keep out", "Eli": "stop", '
             '"Fay": "stop", "Gus": "stop", "Hal": "lighter"}'},  # blood thinners rule it out
            # the old answer: blood thinners only mean lighter pressure, no need to wait
            {"task6_sorting": 'my_sorting = {"Dev": "keep out", "Eli": "lighter", '
             '"Fay": "stop", "Gus": "stop", "Hal": "lighter"}'},
            {"task6_sorting": 'my_sorting = {"Dev": "keep out", "Eli": "wait", '
             '"Fay": "lighter", "Gus": "stop", "Hal": "lighter"}'},  # a fever only calls for care
            {"task6_sorting": 'my_sorting = {"Dev": "keep out", "Eli": "wait", '
             '"Fay": "stop", "Gus": "stop", "Hal": "wait"}'},  # bed rest needs a doctor first
            {"task6_sorting": 'my_sorting = {"Dev": "keep out", "Eli": "wait", '
             '"Fay": "stop", "Gus": "stop"}'},  # Hal forgotten
        ],
    },
    "02_read_the_evidence_table": {
        "check_task1_best": [
            {"task1_best": 'best = ["Less stress"]'},
            {"task1_best": 'best = ["Less stress", "Muscle recovery after exercise", '
             '"Better sleep"]'},
        ],
        "check_task2_levels": [
            {"task2_levels": 'circulation_level = "limited"\ninjuries_level = "not supported"'},
            {"task2_levels": 'circulation_level = "not supported"\ninjuries_level = "limited"'},
        ],
        "check_task3_stress": [
            {"task3_stress": 'stress_meaning = "A"'},  # read the level, not the note
            {"task3_stress": 'stress_meaning = "D"'},  # the cortisol myth
        ],
        "check_task4_drainage": [{"task4_drainage": 'drainage_meaning = "A"'}],
        "check_task5_not_for_me": [
            # the best level in each row: drainage looks "limited" (review item 11)
            {"task5_not_for_me": 'not_for_me = ["Fewer injuries", "Better blood circulation"]'},
            # "limited for self-massage" read as "not supported"
            {"task5_not_for_me": 'not_for_me = ["Fewer injuries", "Better blood circulation", '
             '"Lymphatic drainage", "Less stress"]'},
        ],
    },
    "03_plan_runner_routine": {
        "check_task1_screen": [
            {"task1_screen": "jo_profile = Profile()"},  # forgot the graze
            {"task1_screen": 'jo_profile = Profile.of("injury_or_surgery", '
             'injury_or_surgery=["shin"], sides={"injury_or_surgery": "left"})'},
            # no leg named: her right shin, which is fine, is kept out too
            {"task1_screen": 'jo_profile = Profile.of("open_wound_or_burn", '
             'open_wound_or_burn=["shin"])'},
        ],
        "check_task2_build": [
            {"task2_build": 'jo = build(jo_profile, goal="recover", minutes=15, pressure="firm")'},
            {"task2_build": 'jo = build(jo_profile, goal="relax", minutes=15, '
             'equipment=["tennis_ball"], pressure="firm")'},
            {"task2_build": 'jo = build(Profile(), goal="recover", minutes=15, '
             'equipment=["tennis_ball"], pressure="firm")'},
        ],
        "check_task3_pressure": [
            {"task3_pressure": "strokes_pressure = 7"},  # what Jo asked for
            {"task3_pressure": "strokes_pressure = 6"},  # the thumb work
        ],
        "check_task4_sam": [
            {"task4_sam": 'sam = build(Profile(), goal="recover", minutes=15, '
             'equipment=["tennis_ball"], pressure="firm")'},
            {"task4_sam": 'sam = build(Profile.of("bleeding_risk", cleared=True), goal="recover", '
             'minutes=10, equipment=["tennis_ball"], pressure="firm")'},
            # "cleared" without the answer it clears: nothing was waiting, so no limits either
            {"task4_sam": 'sam = build(Profile(cleared=True), goal="recover", minutes=15, '
             'equipment=["tennis_ball"], pressure="firm")'},
        ],
    },
    "04_tennis_ball_timing": {
        "check_task1_last_spot": [
            {"task1_last_spot": 'last_spot = "A"'},
            {"task1_last_spot": 'last_spot = "D"'},
        ],
        "check_task2_spots": [
            {"task2_spots": "spots = 6"},  # 30 / 5, forgetting the first spot
            {"task2_spots": "spots = 5"},
        ],
        "check_task3_enough_time": [{"task3_enough_time": "enough_time = True"}],
        "check_task4_sharp_pain": [
            {"task4_sharp_pain": 'sharp_pain = "A"'},
            {"task4_sharp_pain": 'sharp_pain = "B"'},
        ],
        "check_task5_mia": [
            {"task5_mia": 'mia_pressure = "firm"'},
            {"task5_mia": 'mia_pressure = "hard"'},
        ],
    },
    "05_plan_a_week": {
        "check_task1_week": [
            {"task1_week": 'week = {"Mon": 15, "Tue": 15, "Wed": 15, "Thu": 15, "Fri": 15, '
             '"Sat": 15, "Sun": 15}'},  # no rest day
            {"task1_week": 'week = {"Mon": 30, "Tue": 0, "Wed": 30, "Thu": 0, "Fri": 30, '
             '"Sat": 45, "Sun": 0}'},  # longer is better
            {"task1_week": 'week = {"Mon": 10, "Tue": 0, "Wed": 15}'},  # three days only
        ],
        "check_task2_weeks": [
            {"task2_weeks": "weeks = 4"},
            {"task2_weeks": "weeks = 2"},
        ],
        "check_task3_thursday": [
            {"task3_thursday": 'thursday = "A"'},  # keep the calf out
            {"task3_thursday": 'thursday = "B"'},  # a rest day and carry on
        ],
    },
}


def nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def code_cells(stem: str) -> list:
    nb = nbformat.read(SOLUTIONS[stem], as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


def run_until(stem: str, check_id: str, replace: dict[str, str]) -> None:
    """Run the solution's code cells up to and including the check ``check_id``, with the
    solution cells named in ``replace`` swapped for the given code."""
    namespace: dict = {"__name__": "__practice__"}
    for cell in code_cells(stem):
        grade_id = nbgrader(cell).get("grade_id")
        source = replace.get(grade_id, cell.source)
        source = "\n".join(
            line for line in source.splitlines() if not line.lstrip().startswith("%")
        )
        try:
            exec(compile(source, f"{stem}:{grade_id or 'cell'}", "exec"), namespace)
        except AssertionError as exc:
            if grade_id != check_id:  # rejected, but by another cell than the one under test
                raise RuntimeError(f"{stem}: {grade_id or 'a cell'} failed first: {exc}") from exc
            raise
        if grade_id == check_id:
            plt.close("all")
            return
    raise AssertionError(f"{stem}: no check cell {check_id}")


def checks(stem: str) -> list[str]:
    return [
        nbgrader(c)["grade_id"]
        for c in code_cells(stem)
        if nbgrader(c).get("grade") and not nbgrader(c).get("solution")
    ]


CASES = [
    pytest.param(stem, check_id, wrong, id=f"{stem[:2]}-{check_id}-{n}")
    for stem, by_check in WRONG.items()
    for check_id, answers in by_check.items()
    for n, wrong in enumerate(answers, start=1)
]


def test_every_check_cell_has_wrong_answers_to_reject():
    assert sorted(WRONG) == sorted(SOLUTIONS), "a practice notebook without wrong answers here"
    for stem in SOLUTIONS:
        assert sorted(WRONG[stem]) == sorted(checks(stem)), stem


def test_the_wrong_answers_replace_real_task_cells():
    for stem, by_check in WRONG.items():
        tasks = {nbgrader(c)["grade_id"] for c in code_cells(stem) if nbgrader(c).get("solution")}
        for answers in by_check.values():
            for wrong in answers:
                assert set(wrong) <= tasks, f"{stem}: no task {set(wrong) - tasks}"


@pytest.mark.parametrize("stem", sorted(WRONG))
def test_the_worked_answers_pass_every_check(stem, capsys):
    run_until(stem, checks(stem)[-1], {})
    assert capsys.readouterr().out.count("✓ ") == len(checks(stem))


@pytest.mark.parametrize(("stem", "check_id", "wrong"), CASES)
def test_a_plausible_wrong_answer_fails_the_check(stem, check_id, wrong):
    with pytest.raises(AssertionError, match=r"^Not yet\. "):
        run_until(stem, check_id, wrong)
