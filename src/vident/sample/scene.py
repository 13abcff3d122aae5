"""The phantom dental scene: a textured gum-and-teeth plane and a moving instrument.

The tooth plane is one supersampled RGBA canvas (RGB in [0, 1], A = tooth coverage) drawn once per
recording; cameras see it through homographies. The instrument (a bur on a steel shaft held from
outside the view) is not on the plane: it is evaluated per frame in reference (C2) pixel
coordinates and moves independently of the camera.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from skimage import data as skdata

# Scene looks: the phantom (frontal view of two tooth rows) and the "real" recording (occlusal view
# of molars on a different tissue texture), so the Vident-real branch sees a different scene.
STYLES = ("phantom", "real")


@dataclass(frozen=True)
class Plane:
    """The tooth plane: ``canvas`` (Hc, Wc, 4) float32 RGB + tooth coverage, ``ss`` canvas px per
    plane unit, ``hw`` the plane size in plane units (plane px centres at integers)."""

    canvas: np.ndarray
    ss: int
    hw: tuple[int, int]

    def plane_to_canvas(self) -> np.ndarray:
        """3x3 map from plane coordinates to canvas pixel coordinates (pixel-centre convention)."""
        s = float(self.ss)
        return np.array([[s, 0, (s - 1) / 2], [0, s, (s - 1) / 2], [0, 0, 1.0]])


def _normalised(img: np.ndarray) -> np.ndarray:
    img = img.astype(np.float32)
    return (img - img.mean()) / (img.std() + 1e-6)


def _texture_crop(
    rng: np.random.Generator, name: str, shape: tuple[int, int], zoom: float
) -> np.ndarray:
    """A random crop of a scikit-image photograph, resized so one source px spans ``zoom`` px."""
    src = getattr(skdata, name)()
    if src.ndim == 3:
        src = cv2.cvtColor(src, cv2.COLOR_RGB2GRAY)
    ch, cw = int(np.ceil(shape[0] / zoom)) + 2, int(np.ceil(shape[1] / zoom)) + 2
    reps = (int(np.ceil(ch / src.shape[0])) + 1, int(np.ceil(cw / src.shape[1])) + 1)
    src = np.tile(
        src, reps
    )  # small images / strong zoom-out: tile (mirrored seams are hidden by blending)
    y = int(rng.integers(0, src.shape[0] - ch + 1))
    x = int(rng.integers(0, src.shape[1] - cw + 1))
    crop = src[y : y + ch, x : x + cw].astype(np.float32)
    out = cv2.resize(crop, (int(cw * zoom), int(ch * zoom)), interpolation=cv2.INTER_CUBIC)
    return _normalised(out[: shape[0], : shape[1]])


def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    field = cv2.GaussianBlur(rng.standard_normal(shape).astype(np.float32), (0, 0), sigma)
    return _normalised(field)


def gum_rgb(rng: np.random.Generator, shape: tuple[int, int], ss: int, style: str) -> np.ndarray:
    """Gum-like tissue: multi-scale photographic texture tinted pink/red, with smooth shading."""
    fine, coarse = ("gravel", "moon") if style == "phantom" else ("grass", "cell")
    detail = 0.55 * _texture_crop(rng, fine, shape, 0.6 * ss) + 0.45 * _texture_crop(
        rng, coarse, shape, 1.5 * ss
    )
    detail = cv2.GaussianBlur(detail, (0, 0), 0.6 * ss)
    blotch = np.clip(_smooth_noise(rng, shape, 12.0 * ss), -1.2, 2.5)  # redder, never grey
    shade = 0.82 + 0.12 * _smooth_noise(rng, shape, 40.0 * ss)
    base = np.array([0.80, 0.40, 0.42] if style == "phantom" else [0.74, 0.34, 0.36], np.float32)
    base = base * rng.uniform(0.93, 1.07, 3).astype(np.float32)
    # Redder, darker patches (vascularised tissue) and fine stippling.
    red = np.array([0.05, -0.06, -0.05], np.float32)
    rgb = base * (1 + 0.10 * detail[..., None]) + red * blotch[..., None]
    return np.clip(rgb * shade[..., None], 0, 1)


@dataclass(frozen=True)
class Tooth:
    """A superellipse tooth in canvas px: centre, half-width/height, exponent, rotation (rad),
    taper (width change from top to bottom), base colour and whether it has occlusal fissures."""

    cx: float
    cy: float
    a: float
    b: float
    n: float
    angle: float
    taper: float
    colour: tuple[float, float, float]
    fissures: bool


LIGHT = np.array([-0.45, -0.55, 0.70]) / np.linalg.norm([-0.45, -0.55, 0.70])
HALF = (LIGHT + np.array([0, 0, 1.0])) / np.linalg.norm(LIGHT + np.array([0, 0, 1.0]))


def tooth_patch(t: Tooth, ss: int) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Render one tooth: (y0, x0, rgb (h,w,3), coverage (h,w)) over its bounding box.

    The body is a dome height field over the superellipse, shaded Lambert + Blinn-Phong so it has
    a gradient and a specular highlight; coverage is anti-aliased from the distance to the edge.
    """
    r = int(np.ceil(max(t.a, t.b) * (1 + abs(t.taper)) + 3))
    y0, x0 = int(t.cy) - r, int(t.cx) - r
    yy, xx = np.mgrid[y0 : y0 + 2 * r + 1, x0 : x0 + 2 * r + 1].astype(np.float64)
    c, s = np.cos(t.angle), np.sin(t.angle)
    u = c * (xx - t.cx) + s * (yy - t.cy)
    v = -s * (xx - t.cx) + c * (yy - t.cy)
    a_eff = t.a * (1 + t.taper * v / t.b)
    f = np.abs(u / a_eff) ** t.n + np.abs(v / t.b) ** t.n
    gy, gx = np.gradient(f)
    dist = (1 - f) / np.maximum(np.hypot(gx, gy), 1e-6)
    coverage = np.clip(0.5 + dist, 0, 1)
    z = np.sqrt(np.clip(1 - f, 0, 1)) ** 0.7 * 0.45 * min(t.a, t.b)
    zy, zx = np.gradient(z)
    if t.fissures:  # occlusal grooves: a cross of narrow valleys
        groove = np.exp(-((u / (0.10 * t.a)) ** 2)) * (np.abs(v) < 0.6 * t.b) + np.exp(
            -((v / (0.10 * t.b)) ** 2)
        ) * (np.abs(u) < 0.6 * t.a)
        z = z - 0.15 * min(t.a, t.b) * np.clip(groove, 0, 1)
        zy, zx = np.gradient(z)
    normal = np.stack([-zx, -zy, np.ones_like(z)], -1)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    diffuse = np.clip(normal @ LIGHT, 0, 1)
    spec = np.clip(normal @ HALF, 0, 1) ** 60
    colour = np.asarray(t.colour)
    # Enamel gradient: yellower towards the gum end (v > 0 is towards the root side).
    cervical = np.clip(v / t.b, -1, 1)[..., None]
    tint = colour * (1 + 0.06 * cervical * np.array([0.2, -0.1, -0.9]))
    rgb = tint * (0.45 + 0.55 * diffuse[..., None]) + 0.55 * spec[..., None]
    return y0, x0, np.clip(rgb, 0, 1).astype(np.float32), coverage.astype(np.float32)


def _frontal_teeth(rng: np.random.Generator, hp: int, wp: int, ss: int) -> list[Tooth]:
    """Two rows (upper and lower) of incisor-like teeth along a gentle smile curve."""
    teeth = []
    yc = hp / 2 + rng.uniform(-0.05, 0.05) * hp
    curve = rng.uniform(0.3, 0.8) / wp
    unit = rng.uniform(0.085, 0.11) * wp
    for row, sign in (("upper", -1), ("lower", 1)):
        x = rng.uniform(-0.5, 0) * unit
        while x < wp + unit:
            width = unit * rng.uniform(0.8, 1.15) * (0.85 if row == "lower" else 1.0)
            height = width * rng.uniform(1.2, 1.5)
            cx = x + width / 2
            gap = 0.035 * hp
            cy = (
                yc
                + sign * (gap + height / 2)
                + curve * (cx - wp / 2) ** 2 * (1 if row == "upper" else 0.6)
            )
            shade = rng.uniform(0.9, 1.0)
            teeth.append(
                Tooth(
                    cx=cx * ss,
                    cy=cy * ss,
                    a=0.45 * width * ss,
                    b=0.5 * height * ss,
                    n=rng.uniform(2.4, 3.4),
                    angle=rng.uniform(-0.08, 0.08),
                    # the root side is towards the gum: +v points down for the upper row
                    taper=-0.12 * sign if row == "upper" else 0.12,
                    colour=(0.96 * shade, 0.91 * shade, 0.77 * shade),
                    fissures=False,
                )
            )
            x += width + rng.uniform(0.01, 0.03) * wp
    return teeth


def _occlusal_teeth(rng: np.random.Generator, hp: int, wp: int, ss: int) -> list[Tooth]:
    """A U-shaped arch of molar-like rounded squares with fissures, seen from above."""
    teeth = []
    radius = np.array([0.30 * wp, 0.40 * hp]) * rng.uniform(0.9, 1.1, 2)
    centre = np.array([wp / 2, 0.25 * hp]) + rng.uniform(-0.04, 0.04, 2) * [wp, hp]
    unit = rng.uniform(0.10, 0.12) * wp
    for phi in np.linspace(0.05 * np.pi, 0.95 * np.pi, 7):
        pos = centre + radius * [np.cos(phi), np.sin(phi)]
        size = unit * rng.uniform(0.8, 1.1)
        shade = rng.uniform(0.85, 0.97)
        teeth.append(
            Tooth(
                cx=pos[0] * ss,
                cy=pos[1] * ss,
                a=0.45 * size * ss,
                b=0.42 * size * ss,
                n=rng.uniform(3.0, 4.0),
                angle=phi - np.pi / 2 + rng.uniform(-0.1, 0.1),
                taper=0.0,
                colour=(0.93 * shade, 0.86 * shade, 0.68 * shade),
                fissures=True,
            )
        )
    return teeth


def build_plane(rng: np.random.Generator, hw: tuple[int, int], ss: int, style: str) -> Plane:
    """Draw the tooth plane of size ``hw`` (plane units) at ``ss`` canvas px per unit."""
    if style not in STYLES:
        raise ValueError(f"unknown scene style {style!r}")
    hp, wp = hw
    shape = (hp * ss, wp * ss)
    rgb = gum_rgb(rng, shape, ss, style)
    teeth = (_frontal_teeth if style == "phantom" else _occlusal_teeth)(rng, hp, wp, ss)
    cover = np.zeros(shape, np.float32)
    tooth_rgb = np.zeros(shape + (3,), np.float32)
    for t in teeth:
        y0, x0, trgb, tcov = tooth_patch(t, ss)
        ys, xs = (
            slice(max(y0, 0), min(y0 + tcov.shape[0], shape[0])),
            slice(max(x0, 0), min(x0 + tcov.shape[1], shape[1])),
        )
        if ys.stop <= ys.start or xs.stop <= xs.start:
            continue  # entirely off the plane
        py, px = slice(ys.start - y0, ys.stop - y0), slice(xs.start - x0, xs.stop - x0)
        take = tcov[py, px] > cover[ys, xs]
        cover[ys, xs] = np.where(take, tcov[py, px], cover[ys, xs])
        tooth_rgb[ys, xs] = np.where(take[..., None], trgb[py, px], tooth_rgb[ys, xs])
    if style == "phantom":  # the dark mouth opening between the two rows
        rows = np.arange(shape[0], dtype=np.float32)[:, None]
        mid = np.median([t.cy for t in teeth])
        slit = np.exp(-(((rows - mid) / (0.06 * shape[0])) ** 2))
        rgb = rgb * (1 - 0.8 * slit[..., None]) + 0.8 * slit[..., None] * np.array(
            [0.25, 0.06, 0.08], np.float32
        )
    # Darker, redder gum margin hugging the teeth (contact shadow).
    margin = cv2.GaussianBlur(cover, (0, 0), 2.5 * ss)
    rgb = rgb * (1 - 0.35 * margin[..., None] * np.array([0.6, 1.0, 1.0], np.float32))
    rgb = cover[..., None] * tooth_rgb + (1 - cover[..., None]) * rgb
    canvas = np.concatenate([np.clip(rgb, 0, 1), cover[..., None]], axis=-1).astype(np.float32)
    return Plane(canvas=canvas, ss=ss, hw=hw)


@dataclass(frozen=True)
class Instrument:
    """A diamond bur on a steel shaft, held from a pivot outside the view, in reference (C2) pixels.

    The tip reaches in from the pivot and back out (``reach`` oscillates), so it enters the view,
    occludes teeth for a while and leaves; the shaft swings slowly around the pivot direction.
    """

    pivot: tuple[float, float]
    reach_mean: float
    reach_amp: float
    reach_freq: float
    reach_phase: float
    swing_amp: float
    swing_freq: float
    swing_phase: float
    base_angle: float
    shaft_radius: float
    head_radius: float
    colour: tuple[float, float, float]
    head_colour: tuple[float, float, float]

    def segment(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """Tip and pivot positions (x, y) at time ``t``."""
        reach = self.reach_mean + self.reach_amp * np.sin(
            2 * np.pi * self.reach_freq * t + self.reach_phase
        )
        ang = self.base_angle + self.swing_amp * np.sin(
            2 * np.pi * self.swing_freq * t + self.swing_phase
        )
        pivot = np.asarray(self.pivot)
        return pivot + reach * np.array([np.cos(ang), np.sin(ang)]), pivot


def random_instrument(
    rng: np.random.Generator, image_hw: tuple[int, int], frames: int
) -> Instrument:
    """An instrument whose tip visits the view about once per ``frames`` frames."""
    h, w = image_hw
    centre = np.array([(w - 1) / 2, (h - 1) / 2])
    side = rng.uniform(0, 2 * np.pi)
    dist = 0.9 * np.hypot(w, h)
    pivot = centre + dist * np.array([np.cos(side), np.sin(side)])
    reach_in = dist + rng.uniform(0.0, 0.25) * min(h, w)  # deepest: past the centre
    reach_out = dist - 0.75 * np.hypot(w, h)  # shallowest: tip outside the view
    return Instrument(
        pivot=(float(pivot[0]), float(pivot[1])),
        reach_mean=(reach_in + reach_out) / 2,
        reach_amp=(reach_in - reach_out) / 2,
        reach_freq=1.0 / (rng.uniform(0.7, 1.1) * max(frames, 8)),
        reach_phase=rng.uniform(0, 2 * np.pi),
        swing_amp=rng.uniform(0.1, 0.25),
        swing_freq=1.0 / (rng.uniform(0.8, 1.6) * max(frames, 8)),
        swing_phase=rng.uniform(0, 2 * np.pi),
        base_angle=side + np.pi,
        shaft_radius=rng.uniform(0.025, 0.035) * w,
        head_radius=rng.uniform(0.045, 0.06) * w,
        colour=(0.60, 0.64, 0.70),
        head_colour=(0.52, 0.56, 0.62),
    )


SHADOW_SOFTNESS = 4.0  # px


def _shadow_offset(inst: Instrument) -> tuple[float, float]:
    """The shadow falls away from the light (towards +x, +y), by about one head size."""
    return 0.8 * inst.head_radius, 1.0 * inst.head_radius


def instrument_near(inst: Instrument, x: np.ndarray, y: np.ndarray, t: float) -> np.ndarray:
    """Boolean mask of points (C2 px) that the instrument or its shadow may touch at time ``t``."""
    tip, pivot = inst.segment(t)
    ox, oy = _shadow_offset(inst)
    reach = inst.head_radius + np.hypot(ox, oy) + SHADOW_SOFTNESS + 2
    axis = pivot - tip
    length = float(np.linalg.norm(axis))
    d = axis / length
    rx, ry = x - np.float32(tip[0]), y - np.float32(tip[1])
    along = rx * np.float32(d[0]) + ry * np.float32(d[1])
    across = np.abs(rx * np.float32(-d[1]) + ry * np.float32(d[0]))
    return (across < reach) & (along > -reach) & (along < length + reach)


def instrument_layer(
    inst: Instrument, x: np.ndarray, y: np.ndarray, t: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Instrument colour (..., 3), coverage (...) and soft shadow strength (...) at C2 px (x, y).

    Shaft and head are shaded as a cylinder and a sphere lit by the scene light; the shadow is the
    same shape, offset and softened, darkening the plane beneath.
    """
    tip, pivot = inst.segment(t)
    axis = pivot - tip
    length = np.linalg.norm(axis)
    d = axis / length
    rx, ry = x - tip[0], y - tip[1]
    along = np.clip(rx * d[0] + ry * d[1], 0, length)
    across = (rx - along * d[0]) * -d[1] + (ry - along * d[1]) * d[0]  # signed distance to the axis
    shaft_dist = np.hypot(rx - along * d[0], ry - along * d[1])
    head_dist = np.hypot(rx, ry)
    shaft_cov = np.clip(inst.shaft_radius - shaft_dist + 0.5, 0, 1)
    head_cov = np.clip(inst.head_radius - head_dist + 0.5, 0, 1)
    cover = np.maximum(shaft_cov, head_cov)
    # Cylinder shading across the shaft.
    q = np.clip(across / inst.shaft_radius, -1, 1)
    n2 = np.stack([q * -d[1], q * d[0], np.sqrt(1 - q**2)], -1)
    shaft_rgb = np.asarray(inst.colour) * (0.35 + 0.65 * np.clip(n2 @ LIGHT, 0, 1))[..., None]
    shaft_rgb = shaft_rgb + 0.7 * (np.clip(n2 @ HALF, 0, 1) ** 40)[..., None]
    # Sphere shading for the head, with a fine grit pattern (diamond bur).
    hx, hy = rx / inst.head_radius, ry / inst.head_radius
    hz = np.sqrt(np.clip(1 - hx**2 - hy**2, 0, 1))
    n3 = np.stack([hx, hy, hz], -1)
    grit = 0.9 + 0.1 * np.sin(7.3 * x + 3.1 * y) * np.sin(5.7 * y - 2.3 * x)
    head_rgb = (
        np.asarray(inst.head_colour)
        * (0.3 + 0.7 * np.clip(n3 @ LIGHT, 0, 1))[..., None]
        * grit[..., None]
    )
    head_rgb = head_rgb + 0.6 * (np.clip(n3 @ HALF, 0, 1) ** 30)[..., None]
    rgb = np.where((head_cov >= shaft_cov)[..., None], head_rgb, shaft_rgb)
    # Shadow: same silhouette shifted away from the light, soft-edged.
    ox, oy = _shadow_offset(inst)
    sx, sy = x - ox, y - oy
    srx, sry = sx - tip[0], sy - tip[1]
    s_along = np.clip(srx * d[0] + sry * d[1], 0, length)
    s_dist = np.minimum(
        np.hypot(srx - s_along * d[0], sry - s_along * d[1]) - inst.shaft_radius,
        np.hypot(srx, sry) - inst.head_radius,
    )
    shadow = 0.35 * np.clip(0.5 - s_dist / SHADOW_SOFTNESS, 0, 1)
    return np.clip(rgb, 0, 1), cover, shadow
