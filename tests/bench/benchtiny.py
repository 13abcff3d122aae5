"""Benchmark test helpers: a tiny registered multi-task model (R at scales 1 and 3, M at 2 and 3,
H at 3, like MOST-NSS++) and a tiny video whose labels are known exactly (a whole-pixel shift)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from stores import panning_video
from torch import Tensor, nn

from vident.models.output import SCALES, MultiTaskOutput
from vident.models.structure import NSS_FOUND, HeadStructure
from vident.models.zoo import MODELS

HEIGHT, WIDTH, FRAMES = 48, 64, 6
SHIFT = (2, 1)  # the scene moves (dx, dy) whole pixels per frame
TINY = "bench-tiny"


class Tiny(nn.Module):
    """One shared conv layer and 1x1 heads where ``heads`` keeps them; H is a regressed shift."""

    def __init__(self, heads: HeadStructure = NSS_FOUND, width: int = 4) -> None:
        super().__init__()
        self.heads = heads
        self.body = nn.Sequential(nn.Conv2d(6, width, 3, padding=1), nn.ReLU())
        self.r = nn.ModuleDict(
            {str(s): nn.Conv2d(width, 3, 1) for s in range(SCALES) if heads.R[s]}
        )
        self.m = nn.ModuleDict(
            {str(s): nn.Conv2d(width, 1, 1) for s in range(SCALES) if heads.M[s]}
        )
        self.h = nn.ModuleDict({str(s): nn.Linear(width, 2) for s in range(SCALES) if heads.H[s]})

    def forward(self, prev: Tensor, cur: Tensor) -> MultiTaskOutput:
        feat = self.body(torch.cat([prev, cur], 1))
        out = MultiTaskOutput()
        for s in range(SCALES):
            f = F.avg_pool2d(feat, 2**s) if s else feat
            c = F.avg_pool2d(cur, 2**s) if s else cur
            if str(s) in self.r:
                out.R[s] = (c + self.r[str(s)](f)).clamp(0, 1)
            if str(s) in self.m:
                out.M[s] = self.m[str(s)](f)
            if str(s) in self.h:
                h = torch.eye(3).repeat(cur.shape[0], 1, 1)
                h[:, :2, 2] = self.h[str(s)](f.mean((2, 3)))
                out.H[s] = h
        return out


if TINY not in MODELS:
    MODELS.register(TINY)(Tiny)


def tiny_video(rng: np.random.Generator) -> dict[str, np.ndarray]:
    pad = 16
    canvas = rng.random((HEIGHT + 2 * pad, WIDTH + 2 * pad, 3))
    canvas = (canvas + np.roll(canvas, 1, 0) + np.roll(canvas, 1, 1)) / 3
    teeth = canvas[..., 1] > np.median(canvas[..., 1])
    return panning_video(canvas, teeth, (HEIGHT, WIDTH), FRAMES, SHIFT, (0.7, 0.1), rng)
