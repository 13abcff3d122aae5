"""MOST networks (multi-output, multi-scale, multi-task): MOST-NET (§5.2.1), its ablations
NS / NE / NW / NMO (§5.3.3), MOST-NET++ (§6.2.1) and MOST-NSS++ (§6.3.3).

One class, ``MOSTNet``; the variants are constructor arguments registered under their own names.
Per frame pair (B_{t-1}, B_t) the network

1. encodes both frames at 3 scales (widths 32, 64, 128 = 2^(s+4)) with 5 residual blocks per
   scale: Fourier residual blocks (MOST-NET) or plain ones with batch norm, image-level features of
   the downsampled frame (MIMO-UNet SCM) and Asymmetric Feature Fusion at s=1,2 (MOST-NET++);
2. decodes bottom-up (s = 3, 2, 1): previous-frame features are warped by the homography from
   the coarser scale (identity at s=3), fused with the current ones by channel attention, and
   joined with the upsampled decoder features into the scale's shared backbone g^s;
3. predicts, where the head structure keeps them, R^s (residual on the input frame), M^s (fed the
   coarser mask; refined residually in MOST-NET++) and H^s: motion-gated attention (features
   times sigmoid(M^s), halved by a 3x3 conv) joined with features of R^s, for both frames, feed a
   corner-offset regressor; the offsets, turned into a homography by DLT, refine the coarser
   homography conjugated to this scale (cascade).

Where code and text leave the two-frame model a choice (documented in the report):
- the motion-gated attention uses encoder features f^s for both frames (the text uses decoder
  features g_t^s in MOST-NET++, which have no previous-frame counterpart without decoding B_{t-1});
- the previous frame's restored output is not available to a stateless two-frame model: its
  input frame B_{t-1}^s stands in, and the current mask M_t^s gates both frames (the previous
  frame's maps are first warped into the current frame by the coarser homography).
"""

from __future__ import annotations

import dataclasses

import torch
from torch import Tensor, nn

from vident.homography import full_precision, offsets_to_homography, rescale_homography
from vident.models.blocks import (
    AsymmetricFeatureFusion,
    ChannelAttentionFusion,
    HomographyRegressor,
    ImageFeatures,
    conv,
    downsample_pyramid,
    res_stack,
    resize,
    up_conv,
    warp,
)
from vident.models.output import SCALES, MultiTaskOutput
from vident.models.structure import ALL_SCALES, NSS_FOUND, HeadStructure
from vident.models.zoo import MODELS

WIDTHS = (32, 64, 128)  # 2^(s+4) at s = 1, 2, 3
HOMOGRAPHY_PLAN = (64, 128, 256, 256, 256)  # s=1; truncated from the front at s=2, 3


class MotionGatedAttention(nn.Module):
    """h^s: features gated by the teeth mask and halved (3x3 conv), joined with features of the
    restored frame (3x3 conv). Without ``use_features`` (NE ablation) only the image stream
    remains, at full width."""

    def __init__(self, c: int, use_features: bool = True) -> None:
        super().__init__()
        self.features = conv(c, c // 2) if use_features else None
        self.image = conv(3, c // 2 if use_features else c)

    def forward(self, feats: Tensor, gate: Tensor | None, image: Tensor) -> Tensor:
        img = self.image(image)
        if self.features is None:
            return img
        return torch.cat([self.features(feats if gate is None else feats * gate), img], 1)


def _dense_head(cin: int, c: int, cout: int, depth: int) -> nn.Sequential:
    """``depth`` 3x3 convolutions with ReLUs between: cin -> c -> ... -> cout."""
    if depth == 1:
        return conv(cin, cout, relu=False)
    layers = [conv(cin, c)] + [conv(c, c) for _ in range(depth - 2)] + [conv(c, cout, relu=False)]
    return nn.Sequential(*layers)


class MOSTNet(nn.Module):
    """MOST-NET / MOST-NET++ with a configurable head structure and ablation switches.

    plus: MOST-NET++ (image-level features, AFF, batch norm, no Fourier branch, 3-conv heads,
        residual mask refinement) instead of MOST-NET.
    heads: which (task, scale) heads exist; dropped heads have no parameters and give None.
    warp_features: warp previous-frame features by the coarser homography (False: NW ablation).
    gate_features: encoder features enter the motion-gated attention (False: NE ablation).
    """

    def __init__(
        self,
        plus: bool = False,
        heads: HeadStructure = ALL_SCALES,
        warp_features: bool = True,
        gate_features: bool = True,
    ) -> None:
        super().__init__()
        self.plus, self.heads, self.warp_features = plus, heads, warp_features
        kind = "bn" if plus else "fourier"
        w1, w2, w3 = WIDTHS
        self.stem = nn.ModuleList([conv(3, w1), conv(w1, w2, stride=2), conv(w2, w3, stride=2)])
        self.encoder = nn.ModuleList([res_stack(c, 5, kind) for c in WIDTHS])
        if plus:
            self.image_features = nn.ModuleList([ImageFeatures(c) for c in WIDTHS[1:]])
            self.merge = nn.ModuleList([conv(2 * c, c, k=1) for c in WIDTHS[1:]])
            self.aff = nn.ModuleList([AsymmetricFeatureFusion(sum(WIDTHS), c) for c in WIDTHS[:2]])
        self.align = nn.ModuleList([ChannelAttentionFusion(c) for c in WIDTHS])
        self.decoder = nn.ModuleList([res_stack(c, 2, kind) for c in WIDTHS])
        self.upsample = nn.ModuleList([up_conv(w2, w1), up_conv(w3, w2)])  # into s=1, s=2
        self.reduce = nn.ModuleList([conv(2 * w1, w1), conv(2 * w2, w2)])
        depth_r, depth_m = (3, 3) if plus else (1, 2)
        self.r_heads = nn.ModuleDict()
        self.m_heads = nn.ModuleDict()
        self.mga = nn.ModuleDict()
        self.h_heads = nn.ModuleDict()
        for s, c in zip(range(1, SCALES + 1), WIDTHS, strict=True):
            if heads.has("R", s):
                self.r_heads[str(s)] = _dense_head(c, c, 3, depth_r)
            if heads.has("M", s):
                fed = heads.lower("M", s) is not None
                self.m_heads[str(s)] = _dense_head(c + int(fed), c, 1, depth_m)
            if heads.has("H", s):
                self.mga[str(s)] = MotionGatedAttention(c, gate_features)
                self.h_heads[str(s)] = HomographyRegressor(2 * c, list(HOMOGRAPHY_PLAN[s - 1 :]))

    def encode(self, x: Tensor, pyramid: list[Tensor]) -> list[Tensor]:
        """Features f^1, f^2, f^3 of one frame."""
        feats: list[Tensor] = []
        z = x
        for i in range(SCALES):
            z = self.stem[i](z)
            if self.plus and i > 0:
                z = self.merge[i - 1](torch.cat([z, self.image_features[i - 1](pyramid[i])], 1))
            z = self.encoder[i](z)
            feats.append(z)
        if self.plus:
            fused = [aff(feats, f.shape[-2:]) for aff, f in zip(self.aff, feats, strict=False)]
            feats = fused + feats[2:]
        return feats

    def forward(self, prev: Tensor, cur: Tensor) -> MultiTaskOutput:
        """Outputs per scale for the frame pair (B_{t-1}, B_t), each (N,3,H,W) in [0,1]."""
        n, _, h, w = cur.shape
        if prev.shape != cur.shape or h % 4 or w % 4:
            raise ValueError(
                f"need two equal (N,3,H,W) frames with H, W divisible by 4, got "
                f"{tuple(prev.shape)} and {tuple(cur.shape)}"
            )
        both = torch.cat([prev, cur])
        pyramid = downsample_pyramid(both, SCALES)
        feats = self.encode(both, pyramid)
        out = MultiTaskOutput()
        eye = torch.eye(3, dtype=cur.dtype, device=cur.device).expand(n, 3, 3)
        hom, hom_scale = eye, SCALES  # latest homography and the scale it lives at
        g: Tensor | None = None
        for s in range(SCALES, 0, -1):
            i = s - 1
            f_prev, f_cur = feats[i][:n], feats[i][n:]
            b_prev, b_cur = pyramid[i][:n], pyramid[i][n:]
            size = f_cur.shape[-2:]
            h_tilde = rescale_homography(hom, hom_scale, s)
            if self.warp_features:
                f_prev = warp(f_prev, h_tilde)
            fused = self.align[i](f_cur, f_prev)
            if g is None:
                g = self.decoder[i](fused)
            else:
                g = self.decoder[i](self.reduce[i](torch.cat([self.upsample[i](g), fused], 1)))
            if str(s) in self.r_heads:
                out.R[i] = self.r_heads[str(s)](g) + b_cur
            if str(s) in self.m_heads:
                below = self.heads.lower("M", s)
                if below is None:
                    out.M[i] = self.m_heads[str(s)](g)
                else:
                    coarse = resize(out.M[below - 1], size)
                    m = self.m_heads[str(s)](torch.cat([g, coarse], 1))
                    out.M[i] = m + coarse if self.plus else m
            if str(s) in self.h_heads:
                mask = self._nearest(out.M, s, size)
                gate = None if mask is None else torch.sigmoid(mask)
                restored = self._nearest(out.R, s, size)
                restored = b_cur if restored is None else restored
                b_prev_w = warp(b_prev, h_tilde) if self.warp_features else b_prev
                mga = self.mga[str(s)]
                offsets = self.h_heads[str(s)](
                    mga(f_cur, gate, restored), mga(f_prev, gate, b_prev_w)
                )
                with full_precision(offsets):
                    hom = offsets_to_homography(offsets, *size) @ h_tilde
                hom_scale = s
                out.H[i] = hom
        if not self.training:
            out.R = [None if r is None else r.clamp(0, 1) for r in out.R]
        return out

    @staticmethod
    def _nearest(maps: list[Tensor | None], s: int, size: torch.Size) -> Tensor | None:
        """The task's output at scale s, else its nearest coarser output resized, else None."""
        for q in range(s, SCALES + 1):
            if maps[q - 1] is not None:
                return maps[q - 1] if q == s else resize(maps[q - 1], tuple(size))
        return None


def _without(structure: HeadStructure, task: str) -> HeadStructure:
    return dataclasses.replace(structure, **{task: (False,) * SCALES})


@MODELS.register("most-net")
def most_net(heads: HeadStructure = ALL_SCALES) -> MOSTNet:
    """MOST-NET (§5.2.1): 9.8M parameters in the thesis."""
    return MOSTNet(heads=heads)


@MODELS.register("most-net-ns")
def most_net_ns() -> MOSTNet:
    """NS ablation: no segmentation task (the homography modules lose their mask gate)."""
    return MOSTNet(heads=_without(ALL_SCALES, "M"))


@MODELS.register("most-net-ne")
def most_net_ne() -> MOSTNet:
    """NE ablation: encoder features do not enter the motion-gated attention."""
    return MOSTNet(gate_features=False)


@MODELS.register("most-net-nw")
def most_net_nw() -> MOSTNet:
    """NW ablation: previous-frame features are not warped (identity alignment)."""
    return MOSTNet(warp_features=False)


@MODELS.register("most-net-nmo")
def most_net_nmo() -> MOSTNet:
    """NMO ablation: outputs only at scale 1, so no task interaction across scales."""
    full_res = (True, False, False)
    return MOSTNet(heads=HeadStructure(R=full_res, M=full_res, H=full_res))


@MODELS.register("most-net++")
def most_net_plus(heads: HeadStructure = ALL_SCALES) -> MOSTNet:
    """MOST-NET++ (§6.2.1): 8.9M parameters in the thesis. Pass ``heads`` for a derived network."""
    return MOSTNet(plus=True, heads=heads)


@MODELS.register("most-nss++")
def most_nss_plus(heads: HeadStructure = NSS_FOUND) -> MOSTNet:
    """MOST-NSS++ (§6.3.3): MOST-NET++ with the structure NSS found (6.8M in the thesis)."""
    return MOSTNet(plus=True, heads=heads)
