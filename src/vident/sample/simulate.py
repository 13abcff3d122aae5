"""Simulate one recording (phantom beam-splitter pair, or RAW Bayer "real" C1) and its truth.

Pure: a seed and sizes in, arrays and a truth dictionary out; nothing here touches files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from vident.sample.camera import (
    ColourModel,
    TimeWarp,
    beam_splitter_affine,
    defocus,
    gaussian_approx,
    mosaic_rggb,
    poisson_gaussian,
    random_colour_model,
    random_time_warp,
    to_uint8,
)
from vident.sample.motion import Trajectory, random_trajectory, relative_homographies
from vident.sample.render import View, render_view, teeth_mask
from vident.sample.scene import Instrument, Plane, build_plane, random_instrument

PLANE_MARGIN = 1.8  # plane size / image size: room for the camera to roam
# The reference camera: little noise, Poisson-Gaussian in its Gaussian approximation (exact
# enough at a this small, where y / a is in the thousands).
C2_NOISE = {"a": 0.0001, "sigma": 0.002, "model": "x = y + N(0, a*y + sigma^2)"}
RAW_WHITE = 65535  # RAW frames use the full 16-bit range: value = round(x * 65535)


@dataclass(frozen=True)
class SceneSetup:
    """Everything that defines what a camera sees at time t."""

    plane: Plane
    trajectory: Trajectory
    instrument: Instrument


@dataclass
class Recording:
    """A simulated recording: camera frames, truth arrays (R, D, M, H) and truth.json content."""

    name: str
    kind: str
    c1: np.ndarray  # (T1, H, W, 3) uint8, or (T1, H, W) uint16 RGGB RAW for kind real
    c2: np.ndarray | None  # (T2, H, W, 3) uint8
    R: np.ndarray
    D: np.ndarray
    M: np.ndarray
    H: np.ndarray
    truth: dict = field(default_factory=dict)
    annotations: dict[int, np.ndarray] = field(default_factory=dict)


def scene_rng(seed: int, kind: str, index: int) -> np.random.Generator:
    """The generator for a recording's scene, independent of every other recording's."""
    return np.random.default_rng([seed, ("phantom", "real").index(kind), index])


def noise_rng(seed: int, kind: str, index: int) -> np.random.Generator:
    """A separate stream for sensor noise, so the scene does not depend on frame counts."""
    return np.random.default_rng([seed, ("phantom", "real").index(kind), index, 1])


def build_setup(
    rng: np.random.Generator, image_hw: tuple[int, int], frames: int, style: str, strength: float
) -> SceneSetup:
    """Draw the plane, the camera trajectory and the instrument of one recording."""
    h, w = image_hw
    plane_hw = (int(round(PLANE_MARGIN * h)), int(round(PLANE_MARGIN * w)))
    plane = build_plane(rng, plane_hw, ss=2, style=style)
    trajectory = random_trajectory(rng, plane_hw, image_hw, frames, strength=strength)
    instrument = random_instrument(rng, image_hw, frames)
    return SceneSetup(plane, trajectory, instrument)


def c1_geometry(setup: SceneSetup, c2_to_c1: np.ndarray, t: float) -> np.ndarray:
    """Plane -> C1 px homography at time ``t``."""
    return np.vstack([c2_to_c1, [0, 0, 1.0]]) @ setup.trajectory.plane_to_image(t)


def render_c1(setup: SceneSetup, c2_to_c1: np.ndarray, t: float, image_hw: tuple[int, int]) -> View:
    """The clean C1 view (reference colours) at time ``t``."""
    a3 = np.vstack([c2_to_c1, [0, 0, 1.0]])
    return render_view(
        setup.plane,
        c1_geometry(setup, c2_to_c1, t),
        np.linalg.inv(a3),
        setup.instrument,
        t,
        image_hw,
    )


def render_c2(setup: SceneSetup, t: float, image_hw: tuple[int, int]) -> View:
    """The clean C2 (reference) view at time ``t``."""
    return render_view(
        setup.plane, setup.trajectory.plane_to_image(t), np.eye(3), setup.instrument, t, image_hw
    )


def annotated_frames(frames: int, split: str) -> list[int]:
    """The human-annotated C1 frames: the middle one for train, four spread out otherwise."""
    if split == "train":
        return [frames // 2]
    return sorted({int((i + 0.5) * frames / 4) for i in range(4)})


def _truth_frames(
    setup: SceneSetup,
    c2_to_c1: np.ndarray,
    warp: TimeWarp,
    colour: ColourModel,
    image_hw,
    desc: str,
):
    """Clean C1 views (R, D float, M) for every C1 frame, rendering each instant once."""
    views: dict[int, View] = {}
    rs, ds, ms = [], [], []
    for t in tqdm(warp.times.tolist(), desc=desc, leave=False, unit="frame"):
        if t not in views:
            views[t] = render_c1(setup, c2_to_c1, t, image_hw)
        view = views[t]
        rs.append(view.rgb)
        ds.append(colour.apply(view.rgb, t))
        ms.append(teeth_mask(view))
    return np.stack(rs), np.stack(ds), np.stack(ms)


@dataclass(frozen=True)
class PhantomSetup:
    """Everything random about a phantom recording except its sensor noise."""

    scene: SceneSetup
    c2_to_c1: np.ndarray
    warp: TimeWarp
    colour: ColourModel


def phantom_setup(seed: int, index: int, frames: int, image_hw: tuple[int, int]) -> PhantomSetup:
    """Draw phantom recording ``index`` of the sample with ``seed``."""
    rng = scene_rng(seed, "phantom", index)
    scene = build_setup(rng, image_hw, frames, "phantom", strength=1.0)
    return PhantomSetup(
        scene,
        beam_splitter_affine(rng, image_hw),
        random_time_warp(rng, frames),
        random_colour_model(rng, frames),
    )


def simulate_phantom(
    name: str,
    seed: int,
    index: int,
    split: str,
    frames: int,
    image_hw: tuple[int, int],
    a: float,
    sigma: float,
) -> Recording:
    """A phantom beam-splitter recording: C2 (reference) and C1 (microcamera) with exact truth."""
    ps = phantom_setup(seed, index, frames, image_hw)
    setup, c2_to_c1, warp, colour = ps.scene, ps.c2_to_c1, ps.warp, ps.colour
    noise = noise_rng(seed, "phantom", index)

    c2 = np.stack(
        [
            to_uint8(
                gaussian_approx(
                    noise, render_c2(setup, t, image_hw).rgb, C2_NOISE["a"], C2_NOISE["sigma"]
                )
            )
            for t in tqdm(range(frames), desc=f"{name} c2", leave=False, unit="frame")
        ]
    )
    r, d, m = _truth_frames(setup, c2_to_c1, warp, colour, image_hw, f"{name} c1")
    c1 = to_uint8(poisson_gaussian(noise, d, a, sigma))
    h = relative_homographies([c1_geometry(setup, c2_to_c1, t) for t in warp.times.tolist()])
    ann = annotated_frames(len(warp.times), split)
    truth = {
        "recording": name,
        "kind": "phantom",
        "seed": seed,
        "frames": {"c1": int(len(warp.times)), "c2": frames},
        "pairs": warp.pairs(frames),
        "c2_to_c1": c2_to_c1.tolist(),
        "noise": {
            "a": a,
            "sigma": sigma,
            "model": "x = a*Poisson(y/a) + N(0, sigma^2), y = D/255 (before rounding), "
            "then clip to [0, 1] and round to 8 bits",
        },
        "c2_noise": dict(C2_NOISE),
        "colour": colour.to_json(),
        "offset": warp.offset,
        "c1_times": warp.times.tolist(),
        "dropped": warp.dropped,
        "duplicated": warp.duplicated,
        "annotations": ann,
    }
    return Recording(
        name=name,
        kind="phantom",
        c1=c1,
        c2=c2,
        R=to_uint8(r),
        D=to_uint8(d),
        M=m,
        H=h.astype(np.float32),
        truth=truth,
        annotations={k: m[k] * 255 for k in ann},
    )


def real_setup(
    seed: int, index: int, frames: int, image_hw: tuple[int, int]
) -> tuple[SceneSetup, ColourModel, float]:
    """Draw real recording ``index``: its scene, C1 colour model and defocus blur sigma (px)."""
    rng = scene_rng(seed, "real", index)
    setup = build_setup(rng, image_hw, frames, "real", strength=1.8)
    return setup, random_colour_model(rng, frames), float(rng.uniform(0.9, 1.3))


def simulate_real(
    name: str, seed: int, index: int, frames: int, image_hw: tuple[int, int], a: float, sigma: float
) -> Recording:
    """A "real" recording: C1 only, RAW RGGB 16-bit, defocused, noisy in the RAW domain.

    The scene differs from the phantoms (occlusal view of molars, other tissue texture) and the
    camera moves faster.
    """
    if image_hw[0] % 2 or image_hw[1] % 2:
        raise ValueError("RAW Bayer frames need an even height and width")
    setup, colour, blur_sigma = real_setup(seed, index, frames, image_hw)
    noise = noise_rng(seed, "real", index)
    warp = TimeWarp(np.arange(frames), 0, [], [])
    r, d, m = _truth_frames(setup, np.eye(3)[:2], warp, colour, image_hw, f"{name} c1")
    blurred = np.stack([defocus(frame, blur_sigma) for frame in d])
    raw = np.stack([mosaic_rggb(frame) for frame in blurred])
    noisy = np.clip(poisson_gaussian(noise, raw, a, sigma), 0, 1)
    c1 = np.rint(noisy * RAW_WHITE).astype(np.uint16)
    h = relative_homographies([setup.trajectory.plane_to_image(t) for t in range(frames)])
    ann = annotated_frames(frames, "test")
    truth = {
        "recording": name,
        "kind": "real",
        "seed": seed,
        "frames": {"c1": frames, "c2": 0},
        "pairs": [],
        "c2_to_c1": None,
        "noise": {
            "a": a,
            "sigma": sigma,
            "model": "x = a*Poisson(y/a) + N(0, sigma^2) on the RGGB mosaic of the defocused D "
            "(y in [0, 1]), then clip to [0, 1] and scale to 16 bits",
        },
        "colour": colour.to_json(),
        "bayer": "RGGB",
        "raw": {"bits": 16, "black_level": 0, "white_level": RAW_WHITE},
        "blur_sigma": blur_sigma,
        "blur": "Gaussian PSF, std blur_sigma px, on the clean C1-colour frames before mosaicking",
        "annotations": ann,
    }
    return Recording(
        name=name,
        kind="real",
        c1=c1,
        c2=None,
        R=to_uint8(r),
        D=to_uint8(d),
        M=m,
        H=h.astype(np.float32),
        truth=truth,
        annotations={k: m[k] * 255 for k in ann},
    )
