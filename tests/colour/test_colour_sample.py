"""CM on the miniature sample: trained on (truth D, C2 warped by the truth c2_to_c1) pairs through
the CLI, exactly as the workflow feeds it (denoise.zarr + register/registered.zarr)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
import torch
import zarr

from vident.cli import main
from vident.colour import apply_colour, load_colour
from vident.colour.train import tolerant_l1
from vident.io.stage import write_stage
from vident.io.video import read_video

PHANTOMS = ["phantom-00", "phantom-01", "phantom-02", "phantom-03"]


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(
        10 * np.log10(255.0**2 / np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    )


def truth(sample: Path, rec: str, name: str) -> np.ndarray:
    return zarr.open_group(sample / rec / "truth" / "truth.zarr", mode="r")[name][:]


def fake_upstream(sample: Path, rec: str, out: Path) -> tuple[Path, Path]:
    """denoise.zarr (D = truth D) and a register folder (C2 warped into C1 by the truth affine)."""
    info = json.loads((sample / rec / "truth" / "truth.json").read_text())
    d, c2 = truth(sample, rec, "D"), read_video(sample / rec / "c2")
    h, w = d.shape[1:3]
    m = np.asarray(info["c2_to_c1"], np.float64)
    pairs = np.asarray(info["pairs"])
    frames = np.stack(
        [cv2.warpAffine(c2[j], m, (w, h), flags=cv2.INTER_LINEAR) for j in pairs[:, 1]]
    )
    ones = np.ones((h, w), np.uint8)
    valid = np.stack([cv2.warpAffine(ones, m, (w, h), flags=cv2.INTER_NEAREST) > 0] * len(pairs))
    denoised = write_stage(out / rec / "denoise.zarr", {"D": d})
    register = out / rec / "register"
    write_stage(
        register / "registered.zarr",
        {
            "frames": frames,
            "valid": valid,
            "c1_frame": pairs[:, 0].astype(np.int32),
            "c2_frame": pairs[:, 1].astype(np.int32),
        },
    )
    pd.DataFrame({"c1_frame": pairs[:, 0], "c2_frame": pairs[:, 1]}).to_parquet(
        register / "registration.parquet"
    )
    return denoised, register / "registration.parquet"


@pytest.fixture(scope="module")
def trained(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("colour")
    stores = [fake_upstream(sample_dir, rec, out) for rec in PHANTOMS]
    main(
        [
            "colour",
            "train",
            "--denoised",
            *[str(s[0]) for s in stores],
            "--registration",
            *[str(s[1]) for s in stores],
            "--out",
            str(out / "colour.pt"),
            *["--luts", "6", "--size", "17", "--iterations", "600"],  # the sample config
            "--device",
            "cpu",
        ]
    )
    for rec in PHANTOMS:
        main(
            [
                "colour",
                "apply",
                "--model",
                str(out / "colour.pt"),
                "--denoised",
                str(out / rec / "denoise.zarr"),
                "--out",
                str(out / rec / "colour.zarr"),
                "--device",
                "cpu",
            ]
        )
    return out


@pytest.mark.parametrize("rec", PHANTOMS)
def test_cm_of_truth_d_reaches_32db(trained: Path, sample_dir: Path, rec: str) -> None:
    store = zarr.open_group(trained / rec / "colour.zarr", mode="r")
    r, ref, d = store["R"][:], truth(sample_dir, rec, "R"), truth(sample_dir, rec, "D")
    assert r.dtype == np.uint8 and tuple(store["R"].metadata.dimension_names) == (
        "t",
        "y",
        "x",
        "c",
    )
    assert psnr(d, ref) < 25  # the colour gap the stage must close
    assert psnr(r, ref) >= 32.0


def test_saved_function_applies_alone(trained: Path, sample_dir: Path) -> None:
    """The checkpoint maps arbitrary RGB frames on its own (the Vident-real branch's use)."""
    model = load_colour(trained / "colour.pt")
    d = truth(sample_dir, "phantom-03", "D")[:3]
    stored = zarr.open_group(trained / "phantom-03" / "colour.zarr", mode="r")["R"][:3]
    assert np.array_equal(apply_colour(model, d), stored)


def test_tolerant_loss_ignores_invalid_pixels_and_small_shifts() -> None:
    gen = torch.Generator().manual_seed(0)
    target = torch.nn.functional.avg_pool2d(torch.rand(1, 3, 40, 40, generator=gen), 5, 1, 2)
    valid = torch.ones(1, 1, 40, 40, dtype=torch.bool)
    valid[..., :, 30:] = False
    garbage = target.clone()
    garbage[..., :, 30:] = 1.0
    assert torch.equal(tolerant_l1(target, target, valid, 1.0), torch.tensor(0.0))
    assert torch.equal(tolerant_l1(target, garbage, valid, 1.0), torch.tensor(0.0))
    shifted = torch.roll(target, 1, dims=-1)
    plain = (shifted - target).abs().mean()
    assert tolerant_l1(shifted, target, valid, 1.0) < 0.7 * plain
