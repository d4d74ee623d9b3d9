"""Leg self-massage for relaxation: a Jupyter course kit.

Importing ``course`` stays cheap (no matplotlib, no widgets, no content parsing) so a
notebook's first cell is fast; the parts load when first used.
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "This course teaches self-massage at a comfortable pressure, for relaxation. It is no "
    "substitute for advice, diagnosis or treatment from a health professional. If in doubt, "
    "ask one before you start."
)
