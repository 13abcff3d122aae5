"""F2F on the miniature sample against its truth (issue 4: gain >= 4 dB on every recording)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import zarr

from vident.cli import main
from vident.denoise.f2f import F2FTraining, denoise_frames, train_f2f, video_pairs
from vident.denoise.net import DenoiserConfig, load_denoiser
from vident.io.video import read_video
from vident.motion.flow import make_flow
from vident.sample.camera import defocus, mosaic_rggb

PHANTOMS = ["phantom-00", "phantom-01", "phantom-02", "phantom-03"]


def psnr(a: np.ndarray, b: np.ndarray, peak: float = 255.0) -> float:
    return float(
        10 * np.log10(peak**2 / np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    )


# Cheap training for the tests (the sample config trains longer): 120 iterations of
# 4 crops of 48 px still clears +4 dB with a margin of about 1 dB.
CHEAP = ["--iterations", "120", "--batch", "4", "--crop", "48"]


def truth(sample: Path, rec: str, name: str) -> np.ndarray:
    return zarr.open_group(sample / rec / "truth" / "truth.zarr", mode="r")[name][:]


@pytest.fixture(scope="module")
def denoised(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One F2F model trained on all phantom recordings through the CLI; one store each."""
    out = tmp_path_factory.mktemp("denoise")
    main(
        [
            "denoise",
            "--c1",
            *[str(sample_dir / r / "c1") for r in PHANTOMS],
            "--out",
            *[str(out / f"{r}.zarr") for r in PHANTOMS],
            "--model",
            str(out / "denoise.pt"),
            *CHEAP,
            "--device",
            "cpu",
        ]
    )
    return out


@pytest.mark.parametrize("rec", PHANTOMS)
def test_f2f_gains_4db_on_every_phantom(denoised: Path, sample_dir: Path, rec: str) -> None:
    store = zarr.open_group(denoised / f"{rec}.zarr", mode="r")
    d, n = store["D"][:], store["N"][:]
    c1, clean = read_video(sample_dir / rec / "c1"), truth(sample_dir, rec, "D")
    assert d.dtype == np.uint8 and n.dtype == np.int16
    assert tuple(store["D"].metadata.dimension_names) == ("t", "y", "x", "c")
    assert store["D"].chunks == (1, *d.shape[1:])
    assert np.array_equal(d.astype(np.int16) + n, c1.astype(np.int16))  # N = C1 - D, lossless
    assert psnr(d, clean) >= psnr(c1, clean) + 4.0


def test_checkpoint_loads_alone(denoised: Path) -> None:
    model = load_denoiser(denoised / "denoise.pt")
    assert model.config == DenoiserConfig()


def test_f2f_gains_4db_at_stronger_noise(sample_dir: Path) -> None:
    """Truth D of one recording with 3x stronger Poisson-Gaussian noise (a=0.03, sigma=0.06)."""
    clean = truth(sample_dir, "phantom-01", "D")[:16]
    rng = np.random.default_rng(7)
    y = clean.astype(np.float64) / 255
    noisy = np.clip(0.03 * rng.poisson(y / 0.03) + rng.normal(0, 0.06, y.shape), 0, 1)
    noisy = np.rint(noisy * 255).astype(np.uint8)
    x = torch.from_numpy(noisy).permute(0, 3, 1, 2).float() / 255
    pairs = video_pairs(x, x, make_flow("dis"), blur=1.5)
    cheap = F2FTraining(iterations=120, batch=4, crop=48)
    model, _ = train_f2f([pairs], DenoiserConfig(), cheap)
    d = (denoise_frames(model, x) * 255).round().permute(0, 2, 3, 1).numpy().astype(np.uint8)
    assert psnr(noisy, clean) < 20
    assert psnr(d, clean) >= psnr(noisy, clean) + 4.0


def test_raw_bayer_recording(sample_dir: Path, tmp_path: Path) -> None:
    """--raw denoises the real-00 RGGB mosaics; compared with the clean (defocused) truth mosaic."""
    out = tmp_path / "real.zarr"
    main(
        [
            "denoise",
            "--raw",
            "--c1",
            str(sample_dir / "real-00" / "c1"),
            "--out",
            str(out),
            "--model",
            str(tmp_path / "raw.pt"),
            *["--iterations", "300", "--batch", "8", "--crop", "32"],  # RAW learns slower
            "--device",
            "cpu",
        ]
    )
    store = zarr.open_group(out, mode="r")
    d, n, rgb = store["D"][:], store["N"][:], store["RGB"][:]
    c1 = read_video(sample_dir / "real-00" / "c1", raw=True)
    info = json.loads((sample_dir / "real-00" / "truth" / "truth.json").read_text())
    clean = (
        np.stack(
            [
                mosaic_rggb(defocus(f.astype(np.float32) / 255, info["blur_sigma"]))
                for f in truth(sample_dir, "real-00", "D")
            ]
        )
        * 65535
    )
    assert d.dtype == np.uint16 and n.dtype == np.int32 and rgb.shape == (*d.shape, 3)
    assert np.array_equal(d.astype(np.int32) + n, c1.astype(np.int32))
    assert psnr(d, clean, 65535) >= psnr(c1, clean, 65535) + 4.0
