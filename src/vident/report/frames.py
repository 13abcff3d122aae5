"""Example frames of a dataset video, laid out as the dissertation's Fig. 6.11: the input B, the
restored R, the teeth mask M over R, and the previous frame warped by H_t over the current one."""

from __future__ import annotations

import cv2
import numpy as np
from matplotlib.figure import Figure

COLUMNS = ("B", "R", "M over R", "R$_{t-1}$ warped by H$_t$ (red) over R$_t$ (cyan)")
MASK_COLOUR = (0, 255, 0)


def pick_frames(count: int, shown: int) -> np.ndarray:
    """``shown`` distinct frame indices spread evenly over 1..count-1 (frame 0 has no H_t)."""
    if count < 2:
        return np.zeros(0, int)
    return np.unique(np.linspace(1, count - 1, shown).round().astype(int))


def overlay_mask(rgb: np.ndarray, mask: np.ndarray, alpha: float = 0.5,
                 colour: tuple[int, int, int] = MASK_COLOUR) -> np.ndarray:
    """``rgb`` (H,W,3) uint8 blended with ``colour`` at ``alpha`` where ``mask`` (H,W) is set."""
    out = rgb.astype(np.float32)
    on = mask.astype(bool)
    out[on] = (1 - alpha) * out[on] + alpha * np.asarray(colour, np.float32)
    return np.rint(out).astype(np.uint8)


def red_cyan(warped: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Grey levels of ``warped`` in red and of ``current`` in green and blue: aligned content
    looks grey, misalignment shows as red/cyan fringes."""
    a = cv2.cvtColor(warped, cv2.COLOR_RGB2GRAY)
    b = cv2.cvtColor(current, cv2.COLOR_RGB2GRAY)
    return np.stack([a, b, b], axis=-1)


def warp_previous(previous: np.ndarray, H: np.ndarray) -> np.ndarray:
    """``previous`` (H,W,3) warped into the current frame by ``H`` (x_t = H x_{t-1}, OpenCV)."""
    h, w = previous.shape[:2]
    return cv2.warpPerspective(previous, H.astype(np.float64), (w, h), flags=cv2.INTER_LINEAR)


def example_tiles(B: np.ndarray, R: np.ndarray, M: np.ndarray, H: np.ndarray,
                  frames: np.ndarray) -> list[list[np.ndarray]]:
    """One row of four tiles (see COLUMNS) per index t of ``frames`` (t ≥ 1) of a video's arrays."""
    return [
        [B[t], R[t], overlay_mask(R[t], M[t]), red_cyan(warp_previous(R[t - 1], H[t]), R[t])]
        for t in frames
    ]


def frames_figure(tiles: list[list[np.ndarray]], frames: np.ndarray, title: str) -> Figure:
    """A grid figure of ``tiles`` with column titles and a ``t = ...`` label per row."""
    rows, cols = len(tiles), len(COLUMNS)
    h, w = tiles[0][0].shape[:2]
    fig = Figure(figsize=(cols * 2.4, rows * 2.4 * h / w + 0.6), dpi=100)
    axes = fig.subplots(rows, cols, squeeze=False)
    for r, (row, t) in enumerate(zip(tiles, frames, strict=True)):
        for c, tile in enumerate(row):
            ax = axes[r, c]
            ax.imshow(tile, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(COLUMNS[c], fontsize=7)
        axes[r, 0].set_ylabel(f"t = {t}", fontsize=8)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig
