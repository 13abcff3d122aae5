"""Colour mapping (CM): an image-adaptive 3D LUT learnt on (denoised C1, registered C2) pairs.

The saved network is a self-contained colour function: `load_colour` + `apply_colour` map any
RGB frames (the Vident-real branch uses it on its own frames).
"""

from vident.colour.apply import apply_colour
from vident.colour.model import load_colour

__all__ = ["apply_colour", "load_colour"]
