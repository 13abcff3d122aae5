"""elastix through SimpleITK: a known affine, the initial-transform composition, B-spline."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data

from vident.errors import VidentError
from vident.register import elastix as elastix_module
from vident.register.affine import c2_to_c1, corner_distance, homogeneous
from vident.register.elastix import Elastix, ElastixSettings, require_elastix
from vident.register.resample import affine_positions

H, W = 96, 128
TRUE = np.array([[1.0185, -0.0356, 3.0], [0.0356, 1.0185, -2.0]])  # 2 deg, 2% scale, (3, -2)


STRONG = np.array([[1.0833, -0.1910, 12.0], [0.1910, 1.0833, -14.0]])  # 10 deg, 10% scale


def _make_pair(c2_to_c1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """C1 (fixed) and C2 (moving) grey frames: C1 = C2 warped by ``c2_to_c1``, with another
    colour response."""
    rgb = cv2.resize(data.astronaut(), (256, 256), interpolation=cv2.INTER_AREA)[60:60 + H,
                                                                                  80:80 + W]
    c1 = cv2.warpAffine(rgb, c2_to_c1, (W, H), flags=cv2.INTER_LINEAR,
                        borderMode=cv2.BORDER_REFLECT)
    c1 = np.clip(255 * (c1 / 255.0) ** 0.7 * [0.9, 1.0, 0.8] + 10, 0, 255).astype(np.uint8)
    grey = [cv2.cvtColor(x, cv2.COLOR_RGB2GRAY).astype(np.float32) for x in (c1, rgb)]
    return grey[0], grey[1]


@pytest.fixture(scope="module")
def pair() -> tuple[np.ndarray, np.ndarray]:
    return _make_pair(TRUE)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Elastix:
    return Elastix(ElastixSettings(iterations=200, samples=2048),
                   tmp_path_factory.mktemp("elastix"))


def test_recovers_known_affine_in_opencv_convention(pair: tuple, engine: Elastix) -> None:
    forward = engine.affine(*pair, None)
    assert corner_distance(c2_to_c1(forward), TRUE, H, W) < 0.15
    assert not list(Path.cwd().glob("TransformParameters*"))  # elastix wrote nothing here


def test_initial_transform_is_composed_correctly(tmp_path: Path) -> None:
    # a strong rig transform started 4 deg and (5, 3) px away: composing the initial and the
    # found transforms in the wrong order would leave the result pixels off
    engine = Elastix(ElastixSettings(tracking_iterations=256, tracking_resolutions=2), tmp_path)
    pair = _make_pair(STRONG)
    truth_forward = np.linalg.inv(homogeneous(STRONG))
    angle = np.deg2rad(4.0)
    nudge = np.array([[np.cos(angle), -np.sin(angle), 5.0], [np.sin(angle), np.cos(angle), 3.0],
                      [0, 0, 1]])
    init = truth_forward @ nudge
    assert corner_distance(c2_to_c1(init), STRONG, H, W) > 4
    found = engine.affine(*pair, init)
    assert corner_distance(c2_to_c1(found), STRONG, H, W) < 0.2


def test_bspline_on_an_affine_pair_stays_affine(pair: tuple, engine: Elastix) -> None:
    forward = engine.affine(*pair, None)
    positions = engine.bspline_positions(*pair, forward)
    expected = affine_positions(np.linalg.inv(homogeneous(TRUE)), H, W)
    inner = (slice(10, -10), slice(10, -10))
    assert np.abs(positions[inner] - expected[inner]).mean() < 0.3


def test_missing_elastix_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    import SimpleITK

    monkeypatch.delattr(SimpleITK, "ElastixImageFilter")
    with pytest.raises(VidentError, match="pip install SimpleITK-SimpleElastix"):
        require_elastix()
    assert elastix_module.FIX.startswith("pip uninstall -y SimpleITK")
