"""MHN / HMG (Le et al. 2020): multi-scale homography network, the homography-only baseline of
Tables 5.2 / 6.4 (6.2M parameters in the thesis).

Three regressors work coarse to fine (scales 3, 2, 1). Each sees the grayscale frame pair at its
scale, the previous frame warped by the homography estimated so far, and regresses the 4 corner
offsets (in that scale's pixels) of a residual homography (DLT); the estimates compose, as in
PWC-Net's residual cascade. Each regressor is HomographyNet's (DeTone et al. 2016) VGG body: 8
3x3 convolutions (64, 64, 64, 64, 128, 128, 128, 128, batch norm, ReLU, 2x2 max-pooling after
every second), then two fully connected layers (1024, dropout 0.5, 8).

HomographyNet flattens a fixed 16x16 feature grid of its 128x128 patches; whole frames of any
size are pooled here to a fixed 3x4 grid instead (the 320x416 frames' aspect), which keeps the
fully connected layer's input at 1536 and gives 6.63M parameters (thesis 6.2M).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from vident.homography import full_precision, offsets_to_homography, rescale_homography
from vident.models.blocks import conv, downsample_pyramid, warp
from vident.models.output import SCALES, MultiTaskOutput
from vident.models.zoo import MODELS

VGG_WIDTHS = (64, 64, 64, 64, 128, 128, 128, 128)
POOLED_GRID = (3, 4)
LUMA = (0.299, 0.587, 0.114)


def grayscale(x: Tensor) -> Tensor:
    """ITU-R BT.601 luma of RGB frames (N,3,H,W) -> (N,1,H,W)."""
    w = torch.tensor(LUMA, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    return (x * w).sum(1, keepdim=True)


class CornerRegressor(nn.Module):
    """HomographyNet: 4 corner offsets (N,4,2) from a stacked grayscale pair (N,2,H,W)."""

    def __init__(self, hidden: int = 1024, dropout: float = 0.5) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        cin = 2
        for i, c in enumerate(VGG_WIDTHS):
            layers.append(conv(cin, c, norm=True))
            if i % 2 == 1 and i < len(VGG_WIDTHS) - 1:
                layers.append(nn.MaxPool2d(2, ceil_mode=True))
            cin = c
        self.features = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(POOLED_GRID))
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(cin * POOLED_GRID[0] * POOLED_GRID[1], hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(hidden, 8),
        )
        # Start near "no residual motion" so each level begins from the coarser estimate.
        with torch.no_grad():
            self.head[-1].weight.mul_(0.1)
            self.head[-1].bias.zero_()

    def forward(self, pair: Tensor) -> Tensor:
        return self.head(self.features(pair)).view(-1, 4, 2)


class MHN(nn.Module):
    """Multi-scale homography network: H at scales 3, 2, 1, each refining the coarser one."""

    def __init__(self) -> None:
        super().__init__()
        self.levels = nn.ModuleList([CornerRegressor() for _ in range(SCALES)])  # index s-1

    def forward(self, prev: Tensor, cur: Tensor) -> MultiTaskOutput:
        """Homographies x_t = H x_{t-1} at every scale for the pair (B_{t-1}, B_t) in [0,1]."""
        n = cur.shape[0]
        pyramid = downsample_pyramid(grayscale(torch.cat([prev, cur])), SCALES)
        out = MultiTaskOutput()
        hom = torch.eye(3, dtype=cur.dtype, device=cur.device).expand(n, 3, 3)
        for s in range(SCALES, 0, -1):
            g_prev, g_cur = pyramid[s - 1][:n], pyramid[s - 1][n:]
            h_tilde = hom if s == SCALES else rescale_homography(hom, s + 1, s)
            aligned = g_prev if s == SCALES else warp(g_prev, h_tilde)
            offsets = self.levels[s - 1](torch.cat([aligned, g_cur], 1))
            with full_precision(offsets):
                hom = offsets_to_homography(offsets, *g_cur.shape[-2:]) @ h_tilde.float()
            out.H[s - 1] = hom
        return out


@MODELS.register("mhn")
def mhn() -> MHN:
    """MHN / HMG homography baseline (Le et al. 2020; 6.2M in the thesis)."""
    return MHN()
