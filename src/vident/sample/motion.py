"""Smooth random camera trajectories: homographies of the tooth plane as functions of time.

The camera pose is a sum of a few slow sinusoids per parameter (translation, rotation, log-scale,
perspective), so it is smooth, defined at any real time (C1 frames may lie outside C2's range) and
exactly known. Frame-to-frame motion follows from composing the poses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Parameter order of a pose: tx, ty (image px), rotation (rad), log-scale, px, py (perspective,
# per half image size).
N_PARAMS = 6


@dataclass(frozen=True)
class Trajectory:
    """Plane-to-image homography G(t) of a camera looking at a plane of size ``plane_hw``.

    ``amplitude``, ``frequency`` (cycles per frame) and ``phase`` have shape (N_PARAMS, terms);
    the pose at time t is the sum over terms of amplitude * sin(2 pi frequency t + phase).
    """

    plane_hw: tuple[int, int]
    image_hw: tuple[int, int]
    amplitude: np.ndarray
    frequency: np.ndarray
    phase: np.ndarray

    def pose(self, t: float) -> np.ndarray:
        """The six pose parameters at time ``t``."""
        return (self.amplitude * np.sin(2 * np.pi * self.frequency * t + self.phase)).sum(axis=1)

    def plane_to_image(self, t: float) -> np.ndarray:
        """3x3 homography from plane coordinates to image pixels (OpenCV pixel centres)."""
        tx, ty, rot, log_s, px, py = self.pose(t)
        hp, wp = self.plane_hw
        h, w = self.image_hw
        to_origin = translation(-(wp - 1) / 2, -(hp - 1) / 2)
        s = np.exp(log_s)
        similarity = np.array(
            [
                [s * np.cos(rot), -s * np.sin(rot), tx],
                [s * np.sin(rot), s * np.cos(rot), ty],
                [0.0, 0.0, 1.0],
            ]
        )
        half = np.array([[1.0, 0, 0], [0, 1.0, 0], [px / (w / 2), py / (h / 2), 1.0]])
        return translation((w - 1) / 2, (h - 1) / 2) @ half @ similarity @ to_origin


def translation(dx: float, dy: float) -> np.ndarray:
    """3x3 translation matrix."""
    return np.array([[1.0, 0, dx], [0, 1.0, dy], [0, 0, 1.0]])


def random_trajectory(
    rng: np.random.Generator,
    plane_hw: tuple[int, int],
    image_hw: tuple[int, int],
    frames: int,
    strength: float = 1.0,
) -> Trajectory:
    """A smooth random trajectory whose view stays inside the plane over t in [-frames, 2 frames].

    ``strength`` scales the speed (periods shrink) and the range of the motion; amplitudes are
    shrunk until every view corner lies inside the plane, so rendering never samples outside it.
    """
    h, w = image_hw
    terms = 3
    # Per-parameter amplitude scale: tx, ty (px), rotation (rad), log-scale, perspective.
    scale = np.array([0.10 * w, 0.10 * h, np.deg2rad(5.0), 0.05, 0.02, 0.02]) * strength
    amplitude = scale[:, None] * rng.uniform(0.3, 1.0, (N_PARAMS, terms)) / np.sqrt(terms)
    periods = rng.uniform(0.6, 2.5, (N_PARAMS, terms)) * max(frames, 8) / strength
    frequency = 1.0 / periods
    phase = rng.uniform(0, 2 * np.pi, (N_PARAMS, terms))
    for _ in range(40):
        traj = Trajectory(plane_hw, image_hw, amplitude, frequency, phase)
        if view_inside_plane(traj, np.arange(-frames, 2 * frames + 1, 0.5)):
            return traj
        amplitude = amplitude * 0.8
    raise ValueError("could not fit the camera trajectory inside the plane")


def view_inside_plane(traj: Trajectory, times: np.ndarray, margin: float = 3.0) -> bool:
    """True when the image corners map inside the plane (with ``margin`` px) at every time."""
    h, w = traj.image_hw
    hp, wp = traj.plane_hw
    corners = np.array(
        [[-0.5, -0.5, 1], [w - 0.5, -0.5, 1], [w - 0.5, h - 0.5, 1], [-0.5, h - 0.5, 1]]
    )
    for t in times:
        p = corners @ np.linalg.inv(traj.plane_to_image(float(t))).T
        p = p[:, :2] / p[:, 2:]
        if (
            (p < margin).any()
            or (p[:, 0] > wp - 1 - margin).any()
            or (p[:, 1] > hp - 1 - margin).any()
        ):
            return False
    return True


def relative_homographies(poses: list[np.ndarray]) -> np.ndarray:
    """x_t = H_t x_{t-1}: H_t = P_t P_{t-1}^-1 for plane-to-image maps P_t; H_0 = I.

    Consecutive equal poses (a frame showing the same instant again) give exactly I.
    """
    out = np.empty((len(poses), 3, 3))
    out[0] = np.eye(3)
    for k in range(1, len(poses)):
        if np.array_equal(poses[k], poses[k - 1]):
            out[k] = np.eye(3)
            continue
        hk = poses[k] @ np.linalg.inv(poses[k - 1])
        out[k] = hk / hk[2, 2]
    return out
