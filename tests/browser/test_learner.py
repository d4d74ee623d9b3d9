"""Scenarios 2-4: the quiz, the routine builder and the guided timer, used in JupyterLab."""

from __future__ import annotations

import re

import pytest

from course.models import Kind, Question, content
from course.quiz import gate_quiz
from tests.browser.conftest import shot
from tests.browser.flows import builder_stop_then_routine, button, gated_timer
from tests.browser.notebook import cell_with, open_from_file_browser, output_problems, run_all

pytestmark = pytest.mark.browser


def safety_questions(count: int) -> list[tuple[int, Question]]:
    """The first ``count`` one-answer questions of lesson 05's quiz (the gate) about a
    contraindication, with their positions in the quiz (it asks them in the listed order)."""
    c = content()
    found = [(i, q) for i, q in enumerate(gate_quiz(c)[2])
             if q.kind is not Kind.MULTIPLE and set(q.about) & set(c.contraindication)]
    assert len(found) >= count, "too few one-answer contraindication questions"
    return found[:count]


def go_to(quiz, index: int, prompt: str, at: int = 0) -> None:
    for _ in range(index - at):
        button(quiz, "Next").click()
    quiz.locator(".lm-question").get_by_text(prompt, exact=True).wait_for()


def test_quiz_feedback_on_a_wrong_answer_and_score_on_a_right_one(lesson_page):
    """One contraindication question answered wrongly shows why; the next one answered
    right raises the score (the score counts first tries, so a retry would not)."""
    page = lesson_page
    open_from_file_browser(page, "05_when_not_to_massage.ipynb")
    run_all(page)
    (i, q1), (j, q2) = safety_questions(2)
    wrong = next(o for o in q1.options if not o.correct)
    right1 = next(o for o in q1.options if o.correct)
    right2 = next(o for o in q2.options if o.correct)

    quiz = cell_with(page, 'ui.lesson_quiz("05_when_not_to_massage")').locator(".lm-quiz")
    score = quiz.locator(".lm-score")
    feedback = quiz.locator(".lm-feedback")
    go_to(quiz, i, q1.prompt)
    assert "No answer checked yet" in score.inner_text()
    assert not feedback.is_visible()

    # wrong: the feedback says so, why this option is wrong, and which one is right
    quiz.get_by_role("radio", name=wrong.text, exact=True).check()
    quiz.locator(".lm-check").click()
    feedback.wait_for(state="visible")
    said = " ".join(feedback.inner_text().split())
    assert "Not quite." in said
    assert " ".join(wrong.feedback.split()) in said
    assert right1.text in said
    wrong_score = score.inner_text()
    assert re.search(r"Score so far: 0 points from 1 of \d+ answered", wrong_score), wrong_score
    shot(page, "lesson05-quiz-wrong", quiz)

    # the next contraindication question, answered right: the score goes up
    go_to(quiz, j, q2.prompt, at=i)
    assert not feedback.is_visible()
    quiz.get_by_role("radio", name=right2.text, exact=True).check()
    quiz.locator(".lm-check").click()
    page.wait_for_function("([el, old]) => el.innerText !== old",
                           arg=[score.element_handle(), wrong_score], timeout=10_000)
    assert re.search(r"Score so far: 1 point from 2 of \d+ answered", score.inner_text()), \
        score.inner_text()
    feedback.wait_for(state="visible")
    assert "Right." in feedback.inner_text()
    assert output_problems(page) == []
    shot(page, "lesson05-quiz-right", quiz)


def test_routine_builder_stops_for_a_clot_sign_then_builds_and_saves(lab, lesson_page):
    """Gate: COURSE_REQUIRE_SAFETY_QUIZ=0 in the server's environment (see conftest)."""
    page = lesson_page
    open_from_file_browser(page, "09_build_your_routine.ipynb")
    run_all(page)
    scope = cell_with(page, "ui.routine_builder()")
    seen = builder_stop_then_routine(
        page, scope, lab.data_dir, lambda name, target: shot(page, f"lesson09-{name}", target))
    assert seen["card"].parent == lab.data_dir / "routines"

    # "Start practice" opens the guided timer on this routine, under the builder
    button(scope, "Start practice").click()
    timer = scope.locator(".lm-timer")
    timer.wait_for()
    assert f"step 1 of {seen['steps']}" in timer.locator(".lm-remaining").inner_text()
    assert output_problems(page) == []
    assert page.js_errors == []


def test_guided_timer_moves_on_with_next_and_counts_down_with_play(lesson_page):
    page = lesson_page
    open_from_file_browser(page, "06_thumb_technique.ipynb")
    run_all(page)
    steps = content().technique["thumb"].steps
    n = 2 * len(steps)  # the technique on the left leg, then on the right
    # no screening stored yet: the gate asks the checklist first; nothing ticked is an answer
    scope = cell_with(page, "ui.practice_timer(")
    assert "Take your personal screening first" in scope.inner_text()
    timer = gated_timer(scope)
    step = timer.locator(".lm-timer-step")
    remaining = timer.locator(".lm-remaining")
    assert f"Step 1 of {n}" in step.inner_text() and "Left leg" in step.inner_text()
    assert " ".join(steps[0].instruction.split()) in " ".join(step.inner_text().split())
    shot(page, "lesson06-timer-step1", timer)

    button(timer, "Next").click()
    step.get_by_text(f"Step 2 of {n}").wait_for()
    assert " ".join(steps[1].instruction.split()) in " ".join(step.inner_text().split())
    assert f"step 2 of {n}" in remaining.inner_text()

    # Play: the clock runs (the remaining time goes down), Pause stops it
    button(timer, "Play").click()
    remaining.get_by_text("playing").wait_for()
    started = remaining.inner_text()
    page.wait_for_function("([el, old]) => el.innerText !== old && /playing/.test(el.innerText)",
                           arg=[remaining.element_handle(), started], timeout=10_000)
    button(timer, "Pause").click()
    remaining.get_by_text("paused").wait_for()
    assert output_problems(page) == []
    shot(page, "lesson06-timer-step2", timer)
