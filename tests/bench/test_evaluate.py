"""`vident bench evaluate`: rows per scale whose values equal the metrics computed directly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from benchtiny import HEIGHT, SHIFT, TINY, WIDTH

from vident.bench.checkpoint import load_trained
from vident.bench.table import COLUMNS
from vident.cli import main
from vident.io.reader import open_store, read_arrays
from vident.io.scales import downsample, scale_matrix
from vident.metrics import iou, mace, psnr, ssim, warping_error


@pytest.fixture(scope="module")
def rows(trained: Path, tiny_store: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("eval") / "tiny.parquet"
    main(
        [
            "bench",
            "evaluate",
            "--model",
            str(trained),
            "--store",
            str(tiny_store),
            "--split",
            "test",
            "--out",
            str(out),
            "--device",
            "cpu",
            "--batch-size",
            "3",
            "--size",
            "48",
            "64",
            "--fps-size",
            "32",
            "32",
            "--warmup",
            "1",
            "--fps-iters",
            "2",
        ]
    )
    return pd.read_parquet(out)


def _test_videos(store: Path) -> list[dict[str, np.ndarray]]:
    root = open_store(store)
    return [read_arrays(root, "test", v, ("B", "R", "M", "H")) for v in ("test0", "test1")]


def _direct(model: torch.nn.Module, video: dict[str, np.ndarray]) -> dict[str, list[float]]:
    """Scale-1 metrics of ``model`` on every pair of one video, computed without vident.bench:
    R from its scale-1 head, M upsampled from scale 2, H conjugated from scale 3 (x4 pixels)."""
    b = torch.from_numpy(video["B"]).permute(0, 3, 1, 2).float() / 255
    r = torch.from_numpy(video["R"]).permute(0, 3, 1, 2).float() / 255
    m = torch.from_numpy(video["M"])[:, None].float()
    with torch.no_grad():
        out = model(b[:-1], b[1:])
    restored = out.R[0].clamp(0, 1)
    mask = F.interpolate(out.M[1], size=(HEIGHT, WIDTH), mode="bilinear", align_corners=False)
    s3 = torch.from_numpy(scale_matrix(3))
    h = torch.linalg.inv(s3) @ out.H[2].double() @ s3
    frames = restored.permute(0, 2, 3, 1).numpy()
    # E(W): frame t+1 brought back by the true shift, over the teeth of frame t that stay in view
    flows = np.zeros((len(frames) - 1, HEIGHT, WIDTH, 2), np.float32)
    flows[..., 0], flows[..., 1] = SHIFT
    visible = video["M"][1:-1].astype(bool).copy()
    visible[:, :, WIDTH - SHIFT[0] :] = False
    visible[:, HEIGHT - SHIFT[1] :, :] = False
    return {
        "psnr": psnr(restored, r[1:]).tolist(),
        "ssim": ssim(restored, r[1:]).tolist(),
        "iou": iou(torch.sigmoid(mask), m[1:]).tolist(),
        "mace": mace(h, torch.from_numpy(video["H"][1:]).double(), HEIGHT, WIDTH).tolist(),
        "ew": [warping_error(frames, flows, visible)] * (len(frames) - 1),
    }


def test_rows_have_the_columns_and_one_row_per_scale(rows: pd.DataFrame) -> None:
    assert list(rows.columns) == COLUMNS
    assert rows["scale"].tolist() == [1, 2, 3]
    assert set(rows["model"]) == {TINY} and set(rows["balancer"]) == {"atb"}
    assert set(rows["dataset"]) == {"tiny"} and set(rows["split"]) == {"test"}
    assert rows["pairs"].tolist() == [10, 10, 10]  # 2 test videos of 6 frames
    # heads: R at 1 and 3, M at 2 and 3, H at 3 -> where each scale's value came from
    assert rows["r_source"].tolist() == [1, 1, 3]
    assert rows["m_source"].tolist() == [2, 2, 3]
    assert rows["h_source"].tolist() == [3, 3, 3]


def test_scale_one_equals_the_metrics_computed_directly(
    rows: pd.DataFrame, trained: Path, tiny_store: Path
) -> None:
    model = load_trained(trained, torch.device("cpu")).model
    direct: dict[str, list[float]] = {}
    for video in _test_videos(tiny_store):
        for k, v in _direct(model, video).items():
            direct.setdefault(k, []).extend(v)
    row = rows[rows["scale"] == 1].iloc[0]
    for name in ("psnr", "ssim", "iou", "mace"):
        assert row[name] == pytest.approx(np.mean(direct[name]), rel=1e-6), name
    # E(W) is a mean over the 4 consecutive restored pairs of each video (weights 4 and 4)
    assert row["ew"] == pytest.approx(np.mean(direct["ew"]), rel=1e-5)
    assert row["ew"] > 1e-4  # a barely trained model flickers


def test_coarser_scales_use_the_scaled_labels(
    rows: pd.DataFrame, trained: Path, tiny_store: Path
) -> None:
    model = load_trained(trained, torch.device("cpu")).model
    values = []
    for video in _test_videos(tiny_store):
        b = torch.from_numpy(video["B"]).permute(0, 3, 1, 2).float() / 255
        r = downsample(torch.from_numpy(video["R"]).permute(0, 3, 1, 2).float() / 255, 3)
        with torch.no_grad():
            values += psnr(model(b[:-1], b[1:]).R[2].clamp(0, 1), r[1:]).tolist()
    assert rows[rows["scale"] == 3]["psnr"].iloc[0] == pytest.approx(np.mean(values), rel=1e-6)


def test_cost_columns(rows: pd.DataFrame, trained: Path) -> None:
    model = load_trained(trained, torch.device("cpu")).model
    row = rows.iloc[0]
    assert row["params"] == sum(p.numel() for p in model.parameters())
    # conv 6->4 3x3 at 48x64, heads 1x1: MACs = 32*40*4*6*9 + R/M heads + linear, ~0.3 MMAC
    body = HEIGHT * WIDTH * 4 * 6 * 9
    assert body / 1e9 < row["gflops"] < 1.5 * body / 1e9
    assert row["fps"] > 0 and row["device"] == "cpu" and row["size"] == "48x64"
    assert row["fps_size"] == "32x32"


def test_baseline_rows_score_the_inputs(tiny_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "baseline.parquet"
    main(
        [
            "bench",
            "evaluate",
            "--baseline",
            "--store",
            str(tiny_store),
            "--out",
            str(out),
            "--device",
            "cpu",
        ]
    )
    base = pd.read_parquet(out)
    assert base["model"].tolist() == ["baseline"] * 3 and np.isnan(base["fps"]).all()
    videos = _test_videos(tiny_store)
    b = np.concatenate([v["B"][1:] for v in videos]).astype(float)
    r = np.concatenate([v["R"][1:] for v in videos]).astype(float)
    mse = ((b - r) ** 2).mean(axis=(1, 2, 3))
    expected = np.mean(10 * np.log10(255**2 / mse))
    assert base["psnr"].iloc[0] == pytest.approx(expected, rel=1e-6)
    # identity H against a (2, 1) pixel shift: every corner is off by sqrt(5) at scale 1
    assert base["mace"].iloc[0] == pytest.approx(np.sqrt(5), rel=1e-6)
    assert base["iou"].iloc[0] == pytest.approx(
        np.mean([v["M"][1:].mean(axis=(1, 2)) for v in videos]), rel=1e-6
    )
