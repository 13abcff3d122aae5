"""Register every synchronised C2 frame of a recording onto its C1 frame.

Each frame's affine starts from the previous frame's (the rig is rigid, so they barely
change). The per-frame affines are then either kept (``per-frame``) or replaced by their
median (``median``: one rig transform, robust to frames elastix got wrong). With ``bspline``
a per-frame B-spline registration refines the chosen affine before resampling.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from tqdm import tqdm

from vident.errors import VidentError
from vident.register.affine import c2_to_c1, homogeneous, rig_median
from vident.register.elastix import Elastix
from vident.register.resample import affine_positions, normalised_mutual_information, resample

RIGS = ("median", "per-frame")


@dataclass(frozen=True)
class Registration:
    """Per registered pair: frame indices, the 2x3 C2 px -> C1 px affine used (and elastix's
    own per-frame estimate), the NMI of C1 and the registered C2 frame, and the registered
    (H,W,3) frame with its (H,W) validity mask."""

    c1: np.ndarray
    c2: np.ndarray
    matrices: np.ndarray
    per_frame: np.ndarray
    metric: np.ndarray
    frames: np.ndarray
    valid: np.ndarray


def grey(frame: np.ndarray) -> np.ndarray:
    """RGB uint8 -> grey uint8."""
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)


def register_recording(c1: np.ndarray, c2: np.ndarray, pairs: np.ndarray, elastix: Elastix,
                       rig: str = "median", bspline: bool = False) -> Registration:
    """Register C2 frames onto C1 frames for ``pairs`` (N,2 of C1, C2 indices) of (T,H,W,3)
    uint8 recordings."""
    if rig not in RIGS:
        raise VidentError(f"unknown rig mode {rig!r}; known: {', '.join(RIGS)}")
    if c1.shape[1:] != c2.shape[1:]:
        raise VidentError(f"frame size differs: C1 frames are {c1.shape[2]}x{c1.shape[1]}, "
                          f"C2 frames {c2.shape[2]}x{c2.shape[1]}")
    for name, column, count in (("C1", 0, len(c1)), ("C2", 1, len(c2))):
        bad = pairs[(pairs[:, column] < 0) | (pairs[:, column] >= count), column]
        if len(bad):
            raise VidentError(f"{name} frame {bad[0]} does not exist ({name} has {count} frames)")
    h, w = c1.shape[1:3]
    forward = []  # C1 px -> C2 px, 3x3
    init = None
    for i, j in tqdm(pairs, desc="register affine", leave=False):
        init = elastix.affine(grey(c1[i]).astype(np.float32), grey(c2[j]).astype(np.float32),
                              init)
        forward.append(init)
    per_frame = np.stack([c2_to_c1(m) for m in forward])
    matrices = (np.broadcast_to(rig_median(per_frame), per_frame.shape).copy()
                if rig == "median" else per_frame)
    frames = np.empty((len(pairs), h, w, 3), np.uint8)
    valid = np.empty((len(pairs), h, w), bool)
    metric = np.empty(len(pairs))
    for k, (i, j) in enumerate(tqdm(pairs, desc="resample", leave=False)):
        to_c2 = np.linalg.inv(homogeneous(matrices[k]))
        if bspline:
            positions = elastix.bspline_positions(grey(c1[i]).astype(np.float32),
                                                  grey(c2[j]).astype(np.float32), to_c2)
        else:
            positions = affine_positions(to_c2, h, w)
        frames[k], valid[k] = resample(c2[j], positions)
        metric[k] = normalised_mutual_information(grey(c1[i]), grey(frames[k]), valid[k])
    return Registration(pairs[:, 0].copy(), pairs[:, 1].copy(), matrices, per_frame, metric,
                        frames, valid)
