"""R2-D4 (§3): cascaded video denoising then deblurring from shared, deformably aligned
features; R2-D3 (one decoder, the MTL ablation) and R2-D4⁻ (ECA instead of MECA, plain RDBs
instead of multiscale ones; the block ablation).

§3 predicts two images: the "only denoised" R'_t and the fully restored R_t (eq. 3.21-3.22). A
Vident dataset labels only R (no denoised-but-blurred target), so the model returns R at scale 1;
the denoising decoder is the first stage of the cascade, supervised through R only.

Per frame pair (B_{t-1}, B_t) the network
1. encodes each frame (eq. 3.14: conv 16, MS-RDM 16, strided conv 32, MS-RDM 32; E for B_t, E'
   for B_{t-1}), features f at 1/2 resolution;
2. aligns f_{t-1} to f_t with a modulated deformable convolution (eq. 3.16: a 3x3 conv predicts
   18 offsets and 9 modulation scalars from (f_t, f_{t-1}), torchvision's deform_conv2d makes
   128 channels);
3. fuses (eq. 3.18: conv 128, 2 RDBs, strided conv 128, 2 RDBs) into shared features at 1/4;
4. decodes twice (eq. 3.20: conv 256, pixel shuffle, RDB 64, conv 128, pixel shuffle, RDB 32,
   conv 3): R' = B_t + D_den, R = R' + D_deb (eq. 3.22 with the stated residuals from B_t).

Depth of the dense blocks. §3 fixes every width and block count but not the number of layers l
of an RDB: it says RDBs "typically consist of l convolutional kernels" and writes eq. 3.11 (and
the MS-RDB of eq. 3.12) for "a single RDB with 3 layers" as an illustration. Read literally
(l = 3) the equations give 2.6M / 2.1M parameters for R2-D4 / R2-D3, half of Table 3.1's
5.1M / 4.4M. The RDB the chapter adopts is RDN's [134], whose configuration with growth 32 (the
growth §3 uses) has 6 layers per block; with l = 6 the second decoder costs 0.70M parameters and
52 GFLOPs at 640x480, Table 3.1's R2-D4 - R2-D3 difference (0.7M, 53.8 GFLOPs), and the totals
land within 10% of 5.1M / 4.4M. So every RDB here has RDB_LAYERS = 6 layers; the MS-RDB keeps
eq. 3.12's progressively larger dilations, each of its three rates over l/3 consecutive layers.

Where the text leaves a two-frame model a choice (see the report):
- N = 2 past frames become one; the fusion's second input, the other past frame's aligned
  features, is the current frame's own features passed through the same alignment (as EDVR does
  for its reference frame), so eq. 3.18's 2 x 128-channel input is kept;
- E' sees B_{t-1} only: the previous restored frame R_{t-1} does not exist for a stateless pair;
- the skip connections (split in halves, one per decoder) take the fusion's 1/2-resolution
  features into the decoder before its conv 128, and the encoder's full-resolution features
  before its last conv; R2-D3's single decoder takes them whole;
- MS-RDB dilation "rates" 0, 1, 2 of eq. 3.12 are read as dilations 1, 2, 3 (rate 0 = ordinary).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torchvision.ops import DeformConv2d

from vident.models.blocks import conv
from vident.models.estrnn import ResidualDenseBlock
from vident.models.output import MultiTaskOutput
from vident.models.zoo import MODELS

MULTISCALE_DILATIONS = (1, 2, 3)
RDB_LAYERS = 6  # layers per residual dense block (RDN's growth-32 configuration; see above)


def rdb(c: int, growth: int, layers: int = RDB_LAYERS, multiscale: bool = False) -> nn.Module:
    """RDB_{c,g} (eq. 3.11) with ``layers`` 3x3 layers; ``multiscale``: the MS-RDB of eq. 3.12,
    its layers dilated 1, 2, 3 in order, each rate over ``layers`` / 3 consecutive layers."""
    if not multiscale:
        return ResidualDenseBlock(c, growth, (1,) * layers)
    if layers % len(MULTISCALE_DILATIONS):
        raise ValueError(f"an MS-RDB needs a multiple of 3 layers, got {layers}")
    per_rate = layers // len(MULTISCALE_DILATIONS)
    dilations = tuple(d for d in MULTISCALE_DILATIONS for _ in range(per_rate))
    return ResidualDenseBlock(c, growth, dilations)


class ChannelAttention1D(nn.Module):
    """ECA (Wang et al. 2020, eq. 3.5) or MECA (eq. 3.8): a k-tap 1D convolution across channels
    of the global average (ECA) or of the stacked global average and max (MECA), sigmoid, scale."""

    def __init__(self, k: int = 7, modulated: bool = True) -> None:
        super().__init__()
        self.modulated = modulated
        self.conv = nn.Conv1d(2 if modulated else 1, 1, k, padding=k // 2, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        pooled = [x.mean((2, 3))] + ([x.amax((2, 3))] if self.modulated else [])
        weights = torch.sigmoid(self.conv(torch.stack(pooled, 1)))  # (N,1,C)
        return x * weights.transpose(1, 2).unsqueeze(-1)


class ResidualDenseModule(nn.Module):
    """RDM_MS (eq. 3.13): an MS-RDB (dilated; plain in R2-D4⁻) then a plain RDB, their outputs
    concatenated, channel attention (MECA_7; ECA in R2-D4⁻), 1x1 conv to c, + input."""

    def __init__(
        self,
        c: int,
        growth: int,
        multiscale: bool = True,
        modulated: bool = True,
        layers: int = RDB_LAYERS,
    ) -> None:
        super().__init__()
        self.coarse = rdb(c, growth, layers, multiscale)
        self.fine = rdb(c, growth, layers)
        self.attend = ChannelAttention1D(7, modulated)
        self.aggregate = nn.Conv2d(2 * c, c, 1)

    def forward(self, x: Tensor) -> Tensor:
        a = self.coarse(x)
        b = self.fine(a)
        return x + self.aggregate(self.attend(torch.cat([a, b], 1)))


class FrameEncoder(nn.Module):
    """E (eq. 3.14): features at full resolution (16 ch) and at 1/2 resolution (32 ch)."""

    def __init__(self, multiscale: bool, modulated: bool, layers: int = RDB_LAYERS) -> None:
        super().__init__()
        self.full = nn.Sequential(
            conv(3, 16), ResidualDenseModule(16, 16, multiscale, modulated, layers)
        )
        self.down = nn.Sequential(
            conv(16, 32, stride=2), ResidualDenseModule(32, 32, multiscale, modulated, layers)
        )

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        full = self.full(x)
        return full, self.down(full)


class DeformableAlignment(nn.Module):
    """DC (eq. 3.16): offsets and modulation predicted from (f_t, f_other); deform conv of f_other.

    The offset convolution starts at zero, so alignment starts as an ordinary convolution."""

    def __init__(self, c: int, cout: int = 128, k: int = 3) -> None:
        super().__init__()
        self.k2 = k * k
        self.offsets = nn.Conv2d(2 * c, 3 * self.k2, k, padding=k // 2)
        nn.init.zeros_(self.offsets.weight)
        nn.init.zeros_(self.offsets.bias)
        self.deform = DeformConv2d(c, cout, k, padding=k // 2)

    def forward(self, ref: Tensor, other: Tensor) -> Tensor:
        om = self.offsets(torch.cat([ref, other], 1))
        offset, mask = om[:, : 2 * self.k2], torch.sigmoid(om[:, 2 * self.k2 :])
        return F.relu(self.deform(other, offset, mask))


class Decoder(nn.Module):
    """D (eq. 3.20) with skip inputs: 1/4-res features -> 3-channel residual image at full res."""

    def __init__(self, skip_half: int, skip_full: int, layers: int = RDB_LAYERS) -> None:
        super().__init__()
        self.to_half = nn.Sequential(conv(128, 256), nn.PixelShuffle(2), rdb(64, 32, layers))
        self.to_full = nn.Sequential(
            conv(64 + skip_half, 128), nn.PixelShuffle(2), rdb(32, 16, layers)
        )
        self.to_image = conv(32 + skip_full, 3, relu=False)

    def forward(self, shared: Tensor, skip_half: Tensor, skip_full: Tensor) -> Tensor:
        x = self.to_full(torch.cat([self.to_half(shared), skip_half], 1))
        return self.to_image(torch.cat([x, skip_full], 1))


class R2D4(nn.Module):
    """R2-D4 and its ablations. decoders: 2 (cascade) or 1 (R2-D3); improved_blocks: MECA and
    MS-RDBs (False: R2-D4⁻, same size and GFLOPs); rdb_layers: layers per dense block (3 is
    the literal eq. 3.11, 2.6M). Frames' height and width must be divisible by 4."""

    def __init__(
        self, decoders: int = 2, improved_blocks: bool = True, rdb_layers: int = RDB_LAYERS
    ) -> None:
        super().__init__()
        if decoders not in (1, 2):
            raise ValueError(f"R2-D4 has 1 or 2 decoders, got {decoders}")
        self.encode_cur = FrameEncoder(improved_blocks, improved_blocks, rdb_layers)
        self.encode_prev = FrameEncoder(improved_blocks, improved_blocks, rdb_layers)
        self.align = DeformableAlignment(32)
        self.fuse_half = nn.Sequential(
            conv(256, 128), rdb(128, 32, rdb_layers), rdb(128, 32, rdb_layers)
        )
        self.fuse_quarter = nn.Sequential(
            conv(128, 128, stride=2), rdb(128, 32, rdb_layers), rdb(128, 32, rdb_layers)
        )
        self.decoders = nn.ModuleList(
            Decoder(128 // decoders, 16 // decoders, rdb_layers) for _ in range(decoders)
        )

    def forward(self, prev: Tensor, cur: Tensor) -> MultiTaskOutput:
        """Restored current frame R (scale 1) from the pair (B_{t-1}, B_t) in [0,1]."""
        h, w = cur.shape[-2:]
        if h % 4 or w % 4:
            raise ValueError(f"frame height and width must be divisible by 4, got {h}x{w}")
        full, f_cur = self.encode_cur(cur)
        _, f_prev = self.encode_prev(prev)
        aligned = torch.cat([self.align(f_cur, f_prev), self.align(f_cur, f_cur)], 1)
        half = self.fuse_half(aligned)
        shared = self.fuse_quarter(half)
        halves = half.chunk(len(self.decoders), 1)
        fulls = full.chunk(len(self.decoders), 1)
        restored = cur
        for decoder, skip_half, skip_full in zip(self.decoders, halves, fulls, strict=True):
            restored = restored + decoder(shared, skip_half, skip_full)  # R' then R (eq. 3.22)
        out = MultiTaskOutput()
        out.R[0] = restored if self.training else restored.clamp(0, 1)
        return out


@MODELS.register("r2d4")
def r2d4() -> R2D4:
    """R2-D4 (§3): 5.1M in the thesis, 4.67M here."""
    return R2D4()


@MODELS.register("r2d3")
def r2d3() -> R2D4:
    """R2-D3: one decoder instead of the denoise-then-deblur cascade (4.4M in the thesis, 3.97M
    here)."""
    return R2D4(decoders=1)


@MODELS.register("r2d4-")
def r2d4_minus() -> R2D4:
    """R2-D4⁻: ECA instead of MECA, plain RDBs instead of multiscale ones (5.1M
    in the thesis, as R2-D4: the swaps keep parameters and GFLOPs)."""
    return R2D4(improved_blocks=False)
