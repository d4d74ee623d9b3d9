"""Drawn pictures of the leg and of every technique step.

The shapes are data (``course/content/drawing.yaml``); the modules here only turn that data
into matplotlib figures: :mod:`~course.figures.leg` (the leg, its areas, never-zones and the
hand's-width margin), :mod:`~course.figures.steps` (hands, ball, arrows, numbered holds,
pressure and body position for each step, and their animation) and
:mod:`~course.figures.palette` (the one colour-blind-safe palette every figure uses).
Nothing here is imported by ``import course``: matplotlib loads on first use.
"""
