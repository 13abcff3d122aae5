"""`vident blur` on the sample: truth D as the denoised frames, C1 - D as the noise map."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import zarr

from vident.cli import main
from vident.io.stage import write_stage
from vident.io.video import read_video

DIMS = ("t", "y", "x", "c")


def gradient_energy(frame: np.ndarray) -> float:
    """Mean squared horizontal plus vertical finite difference of one (H,W,3) frame."""
    x = frame.astype(np.float64)
    return float(np.square(np.diff(x, axis=0)).mean() + np.square(np.diff(x, axis=1)).mean())


def phantom_recordings(sample_dir: Path) -> list[str]:
    table = pd.read_csv(sample_dir / "recordings.tsv", sep="\t")
    return list(table.loc[table["kind"] == "phantom", "recording"])


@pytest.fixture(scope="module")
def blurred(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Per phantom recording: D, C1, and the B and S that `vident blur` wrote."""
    out = tmp_path_factory.mktemp("blur")
    results = {}
    for rec in phantom_recordings(sample_dir):
        d = np.asarray(zarr.open_group(sample_dir / rec / "truth" / "truth.zarr", mode="r")["D"])
        c1 = read_video(sample_dir / rec / "c1")
        noise = c1.astype(np.int16) - d.astype(np.int16)
        write_stage(out / f"{rec}-denoise.zarr", {"D": d, "N": noise})
        store = out / f"{rec}-blur.zarr"
        main(["blur", "--denoised", str(out / f"{rec}-denoise.zarr"), "--out", str(store),
              "--threads", "1"])
        group = zarr.open_group(store, mode="r")
        results[rec] = {"D": d, "C1": c1, "N": noise, "B": group["B"], "S": group["S"]}
    return results


def test_blur_store_layout(blurred: dict[str, dict]) -> None:
    assert len(blurred) == 4
    for arrays in blurred.values():
        for name in ("B", "S"):
            array = arrays[name]
            assert array.dtype == np.uint8 and array.shape == arrays["D"].shape
            assert array.chunks == (1, *array.shape[1:])
            assert tuple(array.metadata.dimension_names) == DIMS


def test_blur_lowers_gradient_energy_on_every_frame(blurred: dict[str, dict]) -> None:
    for rec, arrays in blurred.items():
        d, c1, b, s = arrays["D"], arrays["C1"], arrays["B"][:], arrays["S"][:]
        for t in range(len(d)):
            # The blur alone is smoother than the sharp frame ...
            assert gradient_energy(s[t]) < 0.95 * gradient_energy(d[t]), (rec, t)
            # ... and with the same noise added back, B is smoother than the captured C1.
            assert gradient_energy(b[t]) < gradient_energy(c1[t]), (rec, t)
        # B is the blur plus N: exact wherever no clipping happened.
        inside = (s.astype(np.int32) + arrays["N"] >= 0) & (s.astype(np.int32) + arrays["N"] <= 255)
        diff = b.astype(np.int32) - s - arrays["N"]
        assert np.abs(diff[inside]).max() <= 1
        # And the blur keeps the frames aligned: small mean change, no global shift.
        assert np.abs(s.astype(np.int32) - d).mean() < 6


def test_blur_rejects_a_store_without_noise(tmp_path: Path) -> None:
    frames = np.zeros((2, 8, 8, 3), np.uint8)
    write_stage(tmp_path / "d.zarr", {"D": frames})
    with pytest.raises(SystemExit) as exit_info:
        main(["blur", "--denoised", str(tmp_path / "d.zarr"), "--out", str(tmp_path / "b.zarr")])
    assert exit_info.value.code == 2
    assert not (tmp_path / "b.zarr").exists()
