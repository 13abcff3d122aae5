"""ESTRNN (Zhong et al. 2020): efficient spatio-temporal recurrent network, the video-restoration
baseline of Tables 3.1 / 5.2 / 6.4 (2.3M parameters in the thesis), here on the frame pair.

An RDB cell (residual dense blocks, 16 base features, 15 blocks in its middle network) encodes
each frame at 1/4 resolution together with the hidden state left by the previous frame; the
cell runs on B_{t-1} (zero state) and then on B_t. Global spatio-temporal attention (GSA) fuses
the current frame's features with the previous frame's (one past frame, no future frames: the
pair), and a reconstructor of two transposed convolutions returns R at scale 1. Restoration only.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from vident.models.output import MultiTaskOutput
from vident.models.zoo import MODELS


def _conv(cin: int, cout: int, k: int = 3, stride: int = 1, dilation: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, k, stride, dilation * (k // 2), dilation=dilation)


class ResidualDenseBlock(nn.Module):
    """RDB (Zhang et al. 2018): ``len(dilations)`` 3x3 conv + ReLU layers, each adding ``growth``
    channels to the concatenated stack; a 1x1 convolution back to ``c`` channels; + input.
    ``dilations`` > 1 give R2-D4's multiscale block (MS-RDB)."""

    def __init__(self, c: int, growth: int, dilations: tuple[int, ...] = (1, 1, 1)) -> None:
        super().__init__()
        self.layers = nn.ModuleList(
            nn.Sequential(_conv(c + i * growth, growth, dilation=d), nn.ReLU(inplace=True))
            for i, d in enumerate(dilations)
        )
        self.aggregate = nn.Conv2d(c + len(dilations) * growth, c, 1)

    def forward(self, x: Tensor) -> Tensor:
        stack = x
        for layer in self.layers:
            stack = torch.cat([stack, layer(stack)], 1)
        return x + self.aggregate(stack)


class DownsamplingRDB(nn.Module):
    """An RDB followed by a strided 5x5 convolution doubling the channels (ESTRNN's RDB_DS)."""

    def __init__(self, c: int, growth: int) -> None:
        super().__init__()
        self.rdb = ResidualDenseBlock(c, growth)
        self.down = _conv(c, 2 * c, k=5, stride=2)

    def forward(self, x: Tensor) -> Tensor:
        return self.down(self.rdb(x))


class RDNet(nn.Module):
    """``blocks`` chained RDBs whose outputs are concatenated, mixed by 1x1 then 3x3 convs."""

    def __init__(self, c: int, growth: int, blocks: int) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(ResidualDenseBlock(c, growth) for _ in range(blocks))
        self.mix = nn.Sequential(nn.Conv2d(blocks * c, c, 1), _conv(c, c))

    def forward(self, x: Tensor) -> Tensor:
        outs = []
        for block in self.blocks:
            x = block(x)
            outs.append(x)
        return self.mix(torch.cat(outs, 1))


class RDBCell(nn.Module):
    """One recurrent step: frame (N,3,H,W) and hidden state (N,c,H/4,W/4) -> features
    (N,5c,H/4,W/4) and the next hidden state."""

    def __init__(self, c: int, blocks: int) -> None:
        super().__init__()
        self.encode = nn.Sequential(
            _conv(3, c, k=5),
            DownsamplingRDB(c, c),
            DownsamplingRDB(2 * c, 3 * c // 2),
        )
        self.middle = RDNet(5 * c, 2 * c, blocks)
        self.hidden = nn.Sequential(_conv(5 * c, c), ResidualDenseBlock(c, c), _conv(c, c))

    def forward(self, frame: Tensor, state: Tensor) -> tuple[Tensor, Tensor]:
        feats = self.middle(torch.cat([self.encode(frame), state], 1))
        return feats, self.hidden(feats)


class GlobalSpatioTemporalAttention(nn.Module):
    """GSA: each neighbour's features, paired with the reference frame's, are gated per channel
    by an MLP on their global average, projected and condensed; all are fused by a 1x1 conv."""

    def __init__(self, c: int, frames: int) -> None:
        super().__init__()
        self.gate = nn.Sequential(
            nn.Linear(2 * c, 4 * c), nn.ReLU(inplace=True), nn.Linear(4 * c, 2 * c), nn.Sigmoid()
        )
        self.project = nn.Sequential(nn.Conv2d(2 * c, 4 * c, 1), nn.Conv2d(4 * c, 2 * c, 1))
        self.condense = nn.Conv2d(2 * c, c, 1)
        self.fuse = nn.Conv2d(frames * c, frames * c, 1)

    def forward(self, ref: Tensor, neighbours: list[Tensor]) -> Tensor:
        parts = []
        for other in neighbours:
            pair = torch.cat([ref, other], 1)
            w = self.gate(F.adaptive_avg_pool2d(pair, 1).flatten(1))[..., None, None]
            parts.append(self.condense(w * self.project(pair)))
        return self.fuse(torch.cat([*parts, ref], 1))


class ESTRNN(nn.Module):
    """ESTRNN on a frame pair: R at scale 1 (frames' H and W divisible by 4)."""

    def __init__(self, features: int = 16, blocks: int = 15) -> None:
        super().__init__()
        self.features = features
        self.cell = RDBCell(features, blocks)
        self.fusion = GlobalSpatioTemporalAttention(5 * features, frames=2)
        self.reconstruct = nn.Sequential(
            nn.ConvTranspose2d(10 * features, 2 * features, 3, 2, 1, output_padding=1),
            nn.ConvTranspose2d(2 * features, features, 3, 2, 1, output_padding=1),
            _conv(features, 3, k=5),
        )

    def forward(self, prev: Tensor, cur: Tensor) -> MultiTaskOutput:
        """Restored current frame (scale 1) from the pair (B_{t-1}, B_t) in [0,1]."""
        n, _, h, w = cur.shape
        if h % 4 or w % 4:
            raise ValueError(f"frame height and width must be divisible by 4, got {h}x{w}")
        state = cur.new_zeros(n, self.features, h // 4, w // 4)
        past, state = self.cell(prev, state)
        now, _ = self.cell(cur, state)
        out = MultiTaskOutput()
        restored = self.reconstruct(self.fusion(now, [past]))
        out.R[0] = restored if self.training else restored.clamp(0, 1)
        return out


@MODELS.register("estrnn")
def estrnn() -> ESTRNN:
    """ESTRNN restoration baseline, 15 blocks of 80 channels (2.3M in the thesis)."""
    return ESTRNN()
