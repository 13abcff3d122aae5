"""Render one camera view of the scene: the tooth plane through a homography plus the instrument.

A view is rendered at 2x resolution with one bilinear warp of the supersampled plane canvas, the
instrument is composited analytically, and the result is box-averaged 2x2 to the output size. The
2x2 box keeps pixel centres aligned (output px x covers render px 2x, 2x+1, centre 2x + 0.5), so a
plane point p appears exactly at plane_to_view(p) in the output, to the interpolation accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vident.sample.scene import Instrument, Plane, instrument_layer, instrument_near

SUPER = 2  # render supersampling factor
OUT_TO_SUPER = np.array([[SUPER, 0, (SUPER - 1) / 2], [0, SUPER, (SUPER - 1) / 2], [0, 0, 1.0]])


@dataclass(frozen=True)
class View:
    """A rendered view: ``rgb`` (H, W, 3) float32 in [0, 1] reference colours and ``teeth``
    (H, W) float32 visible tooth coverage (plane coverage times instrument transparency)."""

    rgb: np.ndarray
    teeth: np.ndarray


def _box_down(img: np.ndarray) -> np.ndarray:
    """Mean over SUPER x SUPER blocks (INTER_AREA at an integer factor is exactly that)."""
    size = (img.shape[1] // SUPER, img.shape[0] // SUPER)
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA)


def render_view(
    plane: Plane,
    plane_to_view: np.ndarray,
    view_to_ref: np.ndarray,
    instrument: Instrument | None,
    t: float,
    image_hw: tuple[int, int],
) -> View:
    """Render the plane seen through ``plane_to_view`` (3x3, plane -> view px) at time ``t``.

    ``view_to_ref`` (3x3) maps view px to reference (C2) px, where the instrument lives; both
    cameras share the optical path, so the instrument obeys the same C2 -> C1 map as the plane.
    """
    h, w = image_hw
    warp = OUT_TO_SUPER @ plane_to_view @ np.linalg.inv(plane.plane_to_canvas())
    big = cv2.warpPerspective(
        plane.canvas,
        warp,
        (w * SUPER, h * SUPER),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REFLECT,
    )
    rgb, cover = big[..., :3], big[..., 3]
    if instrument is not None:
        ys, xs = np.mgrid[0 : h * SUPER, 0 : w * SUPER].astype(np.float32)
        to_ref = (view_to_ref @ np.linalg.inv(OUT_TO_SUPER)).astype(np.float32)
        den = to_ref[2, 0] * xs + to_ref[2, 1] * ys + to_ref[2, 2]
        rx = (to_ref[0, 0] * xs + to_ref[0, 1] * ys + to_ref[0, 2]) / den
        ry = (to_ref[1, 0] * xs + to_ref[1, 1] * ys + to_ref[1, 2]) / den
        near = instrument_near(instrument, rx, ry, t)  # shade only where it or its shadow can be
        if near.any():
            inst_rgb, alpha, shadow = instrument_layer(instrument, rx[near], ry[near], t)
            rgb[near] = (
                alpha[:, None] * inst_rgb + (1 - alpha[:, None]) * rgb[near] * (1 - shadow)[:, None]
            )
            cover[near] = cover[near] * (1 - alpha)
    return View(rgb=_box_down(rgb), teeth=_box_down(cover))


def teeth_mask(view: View) -> np.ndarray:
    """0/1 uint8 mask of pixels more than half covered by visible tooth."""
    return (view.teeth >= 0.5).astype(np.uint8)
