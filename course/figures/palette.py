"""The one palette of the course: Okabe & Ito (2008), safe for the common colour-vision
deficiencies. Every figure takes its colours from here, so a change is made once.

Meaning never rests on colour alone: never-zones are also hatched and labelled "never",
kept-out areas hatched and labelled "kept out", the margin hatched and labelled.
"""

from __future__ import annotations

ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"

# In the order the figures hand colours out (techniques, quiz banks): black is kept for
# outlines and text.
OKABE_ITO = [ORANGE, SKY_BLUE, GREEN, PURPLE, BLUE, VERMILLION, YELLOW]

# Roles: what each colour means wherever it appears.
SKIN = "#F4EBE1"        # neutral fill of the leg (not a colour that carries meaning)
OUTLINE = BLACK
NEVER = VERMILLION      # hollow of the knee, inner thigh: hatched "////" too
NEVER_FILL = "#F6C3A3"  # a light tint of vermillion under the hatching (opaque)
KEPT_OUT = "#BBBBBB"    # kept out by the screening: grey, hatched "xx"
MARGIN = YELLOW         # the hand's-width margin below (or above) the knee crease: hatched ".."
HAND = SKY_BLUE         # palms, thumbs, fingers
HAND_EDGE = BLUE
BALL = YELLOW           # the tennis ball
ARROW = BLUE            # stroke directions
HOLD = ORANGE           # numbered hold positions
WORKED = GREEN          # the area a step works on
TOWEL = ORANGE
GREY = "#DDDDDD"

HATCH_NEVER = "////"
HATCH_KEPT = "xx"
HATCH_MARGIN = ".."


def pressure_shade(value: float) -> str:
    """A shade of blue for a pressure on the 0-10 scale: white at 0, full blue at 10.

    One hue, varying only in lightness, so the order reads the same for every kind of
    colour vision (and in greyscale print).
    """
    v = min(max(float(value), 0.0), 10.0) / 10.0
    r0, g0, b0 = 0xFF, 0xFF, 0xFF
    r1, g1, b1 = 0x00, 0x3A, 0x66  # a darker blue than BLUE so 10 is clearly darkest
    mix = [round(a + (b - a) * v) for a, b in ((r0, r1), (g0, g1), (b0, b1))]
    return "#" + "".join(f"{c:02X}" for c in mix)
