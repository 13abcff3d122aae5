"""Building blocks shared by the multi-task video models: convolutions, residual blocks,
channel-attention fusion and warping by homographies (the maths is in `vident.homography`).

Pixel coordinates follow OpenCV (pixel centres at integers).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from vident.homography import at_least_float32, full_precision


def conv(
    cin: int, cout: int, k: int = 3, stride: int = 1, relu: bool = True, norm: bool = False
) -> nn.Sequential:
    """k x k convolution (same padding), optional batch norm and ReLU."""
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, k, stride, k // 2, bias=not norm)]
    if norm:
        layers.append(nn.BatchNorm2d(cout))
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


def up_conv(cin: int, cout: int) -> nn.Sequential:
    """Transposed 4 x 4 convolution with stride 2 (doubles H and W) followed by ReLU."""
    return nn.Sequential(nn.ConvTranspose2d(cin, cout, 4, 2, 1), nn.ReLU(inplace=True))


class ResBlock(nn.Module):
    """Residual block conv-(BN)-ReLU-conv-(BN) + identity; ``norm`` adds batch norm (MOST-NET++)."""

    def __init__(self, c: int, norm: bool = False) -> None:
        super().__init__()
        self.body = nn.Sequential(conv(c, c, norm=norm), conv(c, c, relu=False, norm=norm))

    def forward(self, x: Tensor) -> Tensor:
        return x + self.body(x)


class FourierResBlock(nn.Module):
    """Residual block with an extra Fourier-domain branch (MOST-NET §5.2.1, after Mao et al.).

    The spatial branch is two 3 x 3 convolutions; the spectral branch applies two 1 x 1
    convolutions (ReLU between) to the stacked real and imaginary parts of rfft2(x), which mixes
    information over the whole frame at once.
    """

    def __init__(self, c: int) -> None:
        super().__init__()
        self.spatial = nn.Sequential(conv(c, c), conv(c, c, relu=False))
        self.spectral = nn.Sequential(
            nn.Conv2d(2 * c, 2 * c, 1, bias=False),
            nn.ReLU(inplace=True),
            nn.Conv2d(2 * c, 2 * c, 1, bias=False),
        )

    def forward(self, x: Tensor) -> Tensor:
        h, w = x.shape[-2:]
        spec = torch.fft.rfft2(x.float(), norm="backward")
        y = self.spectral(torch.cat([spec.real, spec.imag], 1).to(x.dtype))
        re, im = y.float().chunk(2, 1)
        glob = torch.fft.irfft2(torch.complex(re, im), s=(h, w), norm="backward").to(x.dtype)
        return x + self.spatial(x) + glob


def res_stack(c: int, n: int, kind: str) -> nn.Sequential:
    """``n`` residual blocks of width ``c``: kind "fourier", "plain" or "bn" (with batch norm)."""
    if kind == "fourier":
        return nn.Sequential(*[FourierResBlock(c) for _ in range(n)])
    return nn.Sequential(*[ResBlock(c, norm=kind == "bn") for _ in range(n)])


class ChannelAttentionFusion(nn.Module):
    """Fuses current and (aligned) previous features by channel attention (after ESTRNN's GSA).

    A gate computed from the globally pooled pair selects channels of a projection of the pair;
    the gated context is fused with the current features by a 1 x 1 convolution.
    """

    def __init__(self, c: int) -> None:
        super().__init__()
        self.gate = nn.Sequential(
            nn.Conv2d(2 * c, 2 * c, 1), nn.ReLU(inplace=True), nn.Conv2d(2 * c, c, 1), nn.Sigmoid()
        )
        self.project = nn.Sequential(nn.Conv2d(2 * c, 2 * c, 1), nn.Conv2d(2 * c, c, 1))
        self.fuse = nn.Conv2d(2 * c, c, 1)

    def forward(self, cur: Tensor, prev: Tensor) -> Tensor:
        pair = torch.cat([cur, prev], 1)
        ctx = self.gate(F.adaptive_avg_pool2d(pair, 1)) * self.project(pair)
        return self.fuse(torch.cat([cur, ctx], 1))


class ImageFeatures(nn.Module):
    """Shallow features of the downsampled input image itself (MIMO-UNet's SCM), ``c`` channels."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.body = nn.Sequential(conv(3, c // 2), conv(c // 2, c - 3))
        self.mix = nn.Conv2d(c, c, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.mix(torch.cat([x, self.body(x)], 1))


class AsymmetricFeatureFusion(nn.Module):
    """Asymmetric Feature Fusion (MIMO-UNet): features of all scales, resized to one scale and
    concatenated, are mixed into ``cout`` channels (1 x 1 conv + ReLU, then 3 x 3 conv)."""

    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.body = nn.Sequential(conv(cin, cout, k=1), conv(cout, cout, relu=False))

    def forward(self, feats: list[Tensor], size: tuple[int, int]) -> Tensor:
        resized = [f if f.shape[-2:] == size else resize(f, size) for f in feats]
        return self.body(torch.cat(resized, 1))


def resize(x: Tensor, size: tuple[int, int]) -> Tensor:
    """Bilinear resize (pixel-centre aligned, as the dataset's downsampling)."""
    return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


def downsample_pyramid(x: Tensor, scales: int = 3) -> list[Tensor]:
    """[x at scale 1, scale 2, ...]: bilinear halving, the dataset's label downsampling."""
    out = [x]
    for _ in range(scales - 1):
        h, w = out[-1].shape[-2:]
        out.append(resize(out[-1], (h // 2, w // 2)))
    return out


class HomographyRegressor(nn.Module):
    """Shallow network regressing 4 corner offsets (N,4,2) from a pair of feature maps.

    Blocks of 3 x 3 conv, batch norm, ReLU and 3 x 3 max-pooling (stride 2) shrink the features
    (after DeTone et al.); global average pooling, dropout 0.2 and a linear layer give 8 numbers.
    ``channels`` is the scale's channel plan (64-128-256-256-256 at s=1, truncated below).
    """

    def __init__(self, cin: int, channels: list[int], dropout: float = 0.2) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        for c in channels:
            layers += [conv(cin, c, norm=True), nn.MaxPool2d(3, 2, 1)]
            cin = c
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(cin, 8))
        # Start near "no residual motion" so the cascade begins from its coarser estimate.
        with torch.no_grad():
            self.head[1].weight.mul_(0.1)
            self.head[1].bias.zero_()

    def forward(self, cur: Tensor, prev: Tensor) -> Tensor:
        x = self.features(torch.cat([cur, prev], 1))
        return self.head(x.mean((2, 3))).view(-1, 4, 2)


def warp(x: Tensor, hom: Tensor) -> Tensor:
    """Warp previous-frame maps x (N,C,H,W) into the current frame given x_t = hom x_{t-1}.

    out(p) = x(hom^-1 p), bilinear, zeros outside; pixel centres at integer coordinates.
    """
    n, _, h, w = x.shape
    with full_precision(x):
        ys, xs = torch.meshgrid(
            torch.arange(h, dtype=torch.float32, device=x.device),
            torch.arange(w, dtype=torch.float32, device=x.device),
            indexing="ij",
        )
        pts = torch.stack([xs, ys, torch.ones_like(xs)], -1).reshape(1, -1, 3)
        src = pts @ torch.linalg.inv(hom.float()).transpose(1, 2)
    xy = src[..., :2] / src[..., 2:].clamp_min(1e-8)
    grid = torch.stack(
        [xy[..., 0] * (2 / max(w - 1, 1)) - 1, xy[..., 1] * (2 / max(h - 1, 1)) - 1], -1
    )
    # sampled in float32: a half-precision grid would be off by up to a pixel
    out = F.grid_sample(at_least_float32(x), grid.view(n, h, w, 2), align_corners=True)
    return out.to(x.dtype)
