"""Trainer test helpers: a tiny multi-task model following the MultiTaskOutput interface, and a
tiny video whose labels are known exactly (a whole-pixel shift)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from stores import panning_video
from torch import nn

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


def tiny_video(rng: np.random.Generator, frames: int) -> dict[str, np.ndarray]:
    pad = 24
    canvas = rng.random((HEIGHT + 2 * pad, WIDTH + 2 * pad, 3))
    # smooth the texture so masks are blobs and the motion is visible in the pooled features
    k = np.ones(7) / 7
    for axis in (0, 1):
        canvas = np.apply_along_axis(lambda v: np.convolve(v, k, mode="same"), axis, canvas)
    canvas = (canvas - canvas.min()) / (canvas.max() - canvas.min())
    teeth = canvas[..., 1:2] > np.median(canvas[..., 1])  # bright blobs are the teeth
    canvas = 0.1 + 0.35 * canvas + 0.5 * teeth
    shift = (int(SHIFT[0]), int(SHIFT[1]))
    return panning_video(canvas, teeth[..., 0], (HEIGHT, WIDTH), frames, shift, (0.6, 0.15), rng)
