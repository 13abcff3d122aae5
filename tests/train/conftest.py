"""Test helpers for the trainer: a tiny multi-task model following the MultiTaskOutput interface,
and a tiny vident store (written with vident.io.writer) whose labels are known exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import Dataset

from vident.io.dataset import ClipDataset
from vident.io.writer import root_attrs, write_root, write_video
from vident.models.output import SCALES, MultiTaskOutput
from vident.models.structure import HeadStructure
from vident.train.config import ModelConfig

SHIFT = (2.0, 1.0)  # content moves (dx, dy) pixels per frame at full resolution
HEIGHT, WIDTH = 32, 40


class TinyMTL(nn.Module):
    """A shared conv body (with batch norm) and per-scale R, M, H heads where ``heads`` keeps them;
    H is a translation regressed from pooled features (with dropout)."""

    def __init__(self, heads: HeadStructure | None = None, width: int = 8) -> None:
        super().__init__()
        self.heads = heads or HeadStructure()
        self.body = nn.Sequential(
            nn.Conv2d(6, width, 3, padding=1),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1),
            nn.ReLU(),
        )
        self.r = nn.ModuleDict(
            {
                str(s): nn.Conv2d(width + 3, 3, 3, padding=1)
                for s in range(SCALES)
                if self.heads.R[s]
            }
        )
        self.m = nn.ModuleDict(
            {
                str(s): nn.Conv2d(width + 3, 1, 3, padding=1)
                for s in range(SCALES)
                if self.heads.M[s]
            }
        )
        self.h = nn.ModuleDict(
            {
                str(s): nn.Sequential(nn.Dropout(0.1), nn.Linear(width, 2))
                for s in range(SCALES)
                if self.heads.H[s]
            }
        )

    def shared_parameters(self) -> list[nn.Parameter]:
        return list(self.body.parameters())

    def forward(self, prev: torch.Tensor, cur: torch.Tensor) -> MultiTaskOutput:
        feat = self.body(torch.cat([prev, cur], 1))
        out = MultiTaskOutput()
        for s in range(SCALES):
            f = F.avg_pool2d(feat, 2**s) if s else feat
            c = F.avg_pool2d(cur, 2**s) if s else cur
            x = torch.cat([f, c], 1)
            if str(s) in self.r:
                out.R[s] = c + self.r[str(s)](x)
            if str(s) in self.m:
                out.M[s] = self.m[str(s)](x)
            if str(s) in self.h:
                t = self.h[str(s)](f.mean((2, 3)))
                offset = t.new_zeros(t.shape[0], 3, 3)
                offset[:, :2, 2] = t
                out.H[s] = torch.eye(3, device=t.device) + offset
        return out


def build_tiny(cfg: ModelConfig, heads: HeadStructure | None) -> nn.Module:
    torch.manual_seed(1234)
    return TinyMTL(heads, **cfg.args)


def _video(rng: np.random.Generator, frames: int) -> dict[str, np.ndarray]:
    pad = 24
    canvas = rng.random((HEIGHT + 2 * pad, WIDTH + 2 * pad, 3))
    # smooth the texture so masks are blobs and the motion is visible in the pooled features
    k = np.ones(7) / 7
    for axis in (0, 1):
        canvas = np.apply_along_axis(lambda v: np.convolve(v, k, mode="same"), axis, canvas)
    canvas = (canvas - canvas.min()) / (canvas.max() - canvas.min())
    teeth = canvas[..., 1:2] > np.median(canvas[..., 1])  # bright blobs are the teeth
    canvas = 0.1 + 0.35 * canvas + 0.5 * teeth
    r, m = [], []
    for t in range(frames):
        y0, x0 = pad - int(SHIFT[1] * t), pad - int(SHIFT[0] * t)
        r.append(canvas[y0 : y0 + HEIGHT, x0 : x0 + WIDTH])
        m.append(teeth[y0 : y0 + HEIGHT, x0 : x0 + WIDTH, 0])
    r = np.stack(r)
    b = np.clip(0.6 * r + 0.15 + rng.normal(0, 0.03, r.shape), 0, 1)
    h = np.repeat(np.eye(3, dtype=np.float32)[None], frames, 0)
    h[1:, 0, 2], h[1:, 1, 2] = SHIFT
    return {
        "B": (b * 255).round().astype(np.uint8),
        "R": (r * 255).round().astype(np.uint8),
        "M": np.stack(m).astype(np.uint8),
        "H": h,
        "human": np.zeros(frames, bool),
        "frame": np.arange(frames, dtype=np.int32),
    }


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("store") / "tiny.zarr"
    write_root(
        store,
        root_attrs(
            "tiny",
            ["R", "M", "H"],
            (HEIGHT, WIDTH),
            ["synthetic"],
            "0" * 64,
            "2024-01-01T00:00:00+00:00",
        ),
    )
    rng = np.random.default_rng(0)
    for split, n in (("train", 2), ("val", 1)):
        for v in range(n):
            write_video(
                store,
                split,
                f"v{v}",
                _video(rng, 8),
                {"recording": f"{split}{v}", "fps": 25.0, "kind": "phantom"},
            )
    return store


class Materialised(Dataset):
    """The items of a ClipDataset read once and kept in memory (keeps the tests fast)."""

    def __init__(self, source: Dataset) -> None:
        self.items = [source[i] for i in range(len(source))]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        return self.items[i]


@pytest.fixture(scope="session")
def tiny_sets(tiny_store: Path) -> tuple[Dataset, Dataset]:
    """Train and val clips (K=2) of the tiny store, read through ClipDataset."""
    return (
        Materialised(ClipDataset(tiny_store, "train", clip_len=2)),
        Materialised(ClipDataset(tiny_store, "val", clip_len=2)),
    )


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny tensors: one intra-op thread is much faster than a contended pool on shared cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
