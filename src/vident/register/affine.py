"""Affine transforms between elastix's parameterisation and OpenCV 2x3 matrices.

elastix's AffineTransform maps *fixed* (C1) points to *moving* (C2) points in physical
coordinates: y = A (x - c) + c + t with parameters (a00, a01, a10, a11, tx, ty) and centre c.
With unit spacing and zero origin, physical coordinates are OpenCV pixel coordinates (pixel
centres at integers, x right, y down). vident stores the inverse direction, C2 px -> C1 px.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def homogeneous(m: np.ndarray) -> np.ndarray:
    """2x3 affine -> 3x3 matrix."""
    return np.vstack([np.asarray(m, np.float64)[:2], [0.0, 0.0, 1.0]])


def elastix_to_matrix(parameters: Sequence[float], centre: Sequence[float]) -> np.ndarray:
    """3x3 matrix of an elastix 2-D AffineTransform (fixed point -> moving point)."""
    p = np.asarray(parameters, np.float64)
    c = np.asarray(centre, np.float64)
    a = p[:4].reshape(2, 2)
    return homogeneous(np.hstack([a, (c + p[4:] - a @ c)[:, None]]))


def matrix_to_elastix(matrix: np.ndarray, centre: Sequence[float]) -> np.ndarray:
    """elastix AffineTransform parameters (6,) for a 3x3 fixed -> moving matrix and centre."""
    a, b = matrix[:2, :2], matrix[:2, 2]
    c = np.asarray(centre, np.float64)
    return np.concatenate([a.ravel(), b + a @ c - c])


def c2_to_c1(fixed_to_moving: np.ndarray) -> np.ndarray:
    """2x3 C2 px -> C1 px matrix of a 3x3 C1 -> C2 (fixed -> moving) transform."""
    return np.linalg.inv(fixed_to_moving)[:2]


def rig_median(matrices: np.ndarray) -> np.ndarray:
    """One rig transform for a rigid rig: the element-wise median of (N,2,3) per-frame affines
    (robust to frames where registration failed)."""
    return np.median(np.asarray(matrices, np.float64), axis=0)


def corner_distance(a: np.ndarray, b: np.ndarray, height: int, width: int) -> float:
    """Mean distance between the four image corners mapped by 2x3 affines ``a`` and ``b``."""
    corners = np.array([[0, 0, 1], [width - 1, 0, 1], [0, height - 1, 1],
                        [width - 1, height - 1, 1]], np.float64).T
    return float(np.linalg.norm(np.asarray(a)[:2] @ corners - np.asarray(b)[:2] @ corners,
                                axis=0).mean())
