"""Camera trajectories: relative homographies by hand, smoothness, views inside the plane."""

from __future__ import annotations

import numpy as np

from vident.sample.motion import (
    random_trajectory,
    relative_homographies,
    translation,
    view_inside_plane,
)


def test_relative_homographies_by_hand() -> None:
    p0 = np.eye(3)
    p1 = translation(2.0, -1.0)
    p2 = np.diag([2.0, 2.0, 1.0]) @ p1
    hs = relative_homographies([p0, p1, p1, p2])
    np.testing.assert_array_equal(hs[0], np.eye(3))
    np.testing.assert_allclose(hs[1], translation(2.0, -1.0))
    np.testing.assert_array_equal(hs[2], np.eye(3))  # same instant again
    np.testing.assert_allclose(hs[3], np.diag([2.0, 2.0, 1.0]))


def test_trajectory_is_smooth_and_stays_on_the_plane() -> None:
    traj = random_trajectory(np.random.default_rng(0), (230, 288), (128, 160), 40)
    assert view_inside_plane(traj, np.arange(-40, 81))
    centre = np.array([79.5, 63.5, 1.0])
    track = []
    for t in np.arange(0, 40, 1.0):
        p = np.linalg.inv(traj.plane_to_image(t)) @ centre
        track.append(p[:2] / p[2])
    speed = np.linalg.norm(np.diff(track, axis=0), axis=1)
    assert 0.2 < speed.mean() < 6  # moves every frame, a few px at most
    assert np.abs(np.diff(speed)).max() < 1.0  # no jerks: smooth motion


def test_stronger_trajectory_moves_faster() -> None:
    def mean_speed(strength: float) -> float:
        traj = random_trajectory(np.random.default_rng(1), (230, 288), (128, 160), 40, strength)
        corners = np.array([[0, 0, 1], [159, 127, 1.0]])
        moves = []
        for t in range(40):
            a = corners @ traj.plane_to_image(t).T
            b = corners @ traj.plane_to_image(t + 1).T
            moves.append(np.linalg.norm(a[:, :2] / a[:, 2:] - b[:, :2] / b[:, 2:], axis=1).mean())
        return float(np.mean(moves))

    assert mean_speed(1.8) > 1.5 * mean_speed(1.0)
