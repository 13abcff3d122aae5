"""MTL-AD-MPGT (§4): recurrent video deblurring and segmentation sharing STFAN-style
spatio-temporal features (Zhou et al. 2019), and the ablations MTL-V, MTL-A, MTL-AD, MTL-AD-MPP
(Table 4.1).

One recurrent step at time t (Fig. 4.1):
- a contracting block (conv, 2 residual blocks, at 1, 1/2, 1/4 resolution; 32, 64, 128 channels)
  encodes B_t into I_t; an identical one encodes (B_t, R_{t-1}, B_{t-1}) into T_t;
- from T_t, STFAN's kernel branch predicts per-pixel 5x5 filters: alignment K_a and deblurring
  K_d; filter-adaptive convolution (FAC) applies them to the memory G_{t-1} (F_a) and to I_t (F_d);
- R_t = B_t + D_deb(conv(F_a, F_d)) (eq. 4.6), M_t = D_seg(conv(F_a, F_d, I_t, M_{t-1})) (eq. 4.7);
  each decoder mirrors the contracting block (2 residual blocks, then transposed convolution and
  2 residual blocks per resolution); G_t = conv(F_a, F_d).

Variants: MTL-V has no kernels (F_a = T_t, no memory; F_d = I_t), MTL-A only K_a, MTL-AD both;
MTL-AD-MPP also feeds the previous predicted mask to D_seg, MTL-AD-MPGT the previous true mask
while training (``prev_mask``), its prediction otherwise.

On a frame pair the step runs twice: on B_{t-1} as STFAN starts a video (previous frame and
output = B_{t-1}, memory from its own features, empty previous mask), then on B_t with that
step's R, M and G. The 2-channel softmax of eq. 4.7 is returned as one logit (the same model of
p(teeth)), so M fits the BCE of the other models. Outputs: R and M at scale 1.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from vident.models.blocks import ResBlock, conv, up_conv
from vident.models.output import MultiTaskOutput
from vident.models.zoo import MODELS

WIDTHS = (32, 64, 128)
FAC_SIZE = 5


def filter_adaptive_conv(x: Tensor, kernels: Tensor, k: int = FAC_SIZE) -> Tensor:
    """FAC: out[n,c,y,x] = sum_ij kernels[n, c*k*k + i*k + j, y, x] * x[n, c, y+i-k//2, x+j-k//2].

    x (N,C,H,W), kernels (N,C*k*k,H,W): a separate k x k filter per pixel and channel, zero
    padding at the borders."""
    n, c, h, w = x.shape
    patches = F.unfold(x, k, padding=k // 2).view(n, c, k * k, h, w)
    return (patches * kernels.view(n, c, k * k, h, w)).sum(2)


def contracting_block(cin: int) -> nn.Sequential:
    """conv + 2 residual blocks at each of 3 resolutions (strided convs between): 1/4, 128 ch."""
    layers: list[nn.Module] = []
    for i, c in enumerate(WIDTHS):
        layers += [conv(cin, c, stride=1 if i == 0 else 2), ResBlock(c), ResBlock(c)]
        cin = c
    return nn.Sequential(*layers)


def expanding_block(cout: int) -> nn.Sequential:
    """The mirror: 2 residual blocks at 1/4, then transposed conv + 2 residual blocks per
    resolution up to full, and a 3x3 conv to ``cout`` channels."""
    w1, w2, w3 = WIDTHS
    return nn.Sequential(
        ResBlock(w3), ResBlock(w3),
        up_conv(w3, w2), ResBlock(w2), ResBlock(w2),
        up_conv(w2, w1), ResBlock(w1), ResBlock(w1),
        conv(w1, cout, relu=False),
    )  # fmt: skip


def kernel_head(cin: int) -> nn.Sequential:
    """STFAN's kernel predictor: conv, 2 residual blocks, 1x1 conv to 128 x 5 x 5 filters."""
    c = WIDTHS[-1]
    return nn.Sequential(conv(cin, c), ResBlock(c), ResBlock(c), nn.Conv2d(c, c * FAC_SIZE**2, 1))


class MTLAD(nn.Module):
    """The §4 family. align / deblur: predict K_a / K_d; propagate_mask: M_{t-1} enters D_seg;
    teacher_forcing: in training, a given ``prev_mask`` (the true M_{t-1}) replaces the
    prediction (MPGT). Frames' height and width must be divisible by 4."""

    def __init__(
        self,
        align: bool = True,
        deblur: bool = True,
        propagate_mask: bool = True,
        teacher_forcing: bool = True,
    ) -> None:
        super().__init__()
        c = WIDTHS[-1]
        self.propagate_mask, self.teacher_forcing = propagate_mask, teacher_forcing
        self.encode_frame = contracting_block(3)
        self.encode_motion = contracting_block(9)
        self.align_kernels = kernel_head(c) if align else None
        if deblur:
            # K_d sees T_t and a summary of K_a (STFAN), or T_t alone without alignment kernels
            self.summarise = nn.Conv2d(c * FAC_SIZE**2, c, 1) if align else None
            self.deblur_kernels = kernel_head(2 * c if align else c)
        else:
            self.summarise, self.deblur_kernels = None, None
        self.memory = conv(2 * c, c) if align else None
        self.to_deblur = conv(2 * c, c)
        self.to_segment = conv(3 * c + int(propagate_mask), c)
        self.deblur = expanding_block(3)
        self.segment = expanding_block(1)

    def step(
        self, frame: Tensor, last_frame: Tensor, last_restored: Tensor,
        last_mask: Tensor, last_state: Tensor | None,
    ) -> tuple[Tensor, Tensor, Tensor]:  # fmt: skip
        """One recurrent step: restored frame, mask logits and the state for the next step."""
        feats = self.encode_frame(frame)
        motion = self.encode_motion(torch.cat([frame, last_restored, last_frame], 1))
        f_a, f_d = motion, feats
        k_a = None
        if self.align_kernels is not None and self.memory is not None:
            memory = self.memory(feats.repeat(1, 2, 1, 1) if last_state is None else last_state)
            k_a = self.align_kernels(motion)
            f_a = filter_adaptive_conv(memory, k_a)
        if self.deblur_kernels is not None:
            cue = motion if k_a is None else torch.cat([motion, self.summarise(k_a)], 1)
            f_d = filter_adaptive_conv(feats, self.deblur_kernels(cue))
        state = torch.cat([f_a, f_d], 1)
        restored = frame + self.deblur(self.to_deblur(state))
        seg_in = [state, feats]
        if self.propagate_mask:
            seg_in.append(F.interpolate(last_mask, size=feats.shape[-2:], mode="area"))
        mask = self.segment(self.to_segment(torch.cat(seg_in, 1)))
        return restored, mask, state

    def forward(
        self, prev: Tensor, cur: Tensor, prev_mask: Tensor | None = None
    ) -> MultiTaskOutput:
        """R and M logits (scale 1) of the current frame for the pair (B_{t-1}, B_t) in [0,1].

        ``prev_mask`` (N,1,H,W), the true teeth mask of B_{t-1}, is used by MPGT in training."""
        n, _, h, w = cur.shape
        if h % 4 or w % 4:
            raise ValueError(f"frame height and width must be divisible by 4, got {h}x{w}")
        empty = cur.new_zeros(n, 1, h, w)
        restored, logits, state = self.step(prev, prev, prev, empty, None)
        last_mask = torch.sigmoid(logits)
        if self.teacher_forcing and self.training and prev_mask is not None:
            last_mask = prev_mask.to(cur.dtype)
        restored, logits, _ = self.step(cur, prev, restored, last_mask, state)
        out = MultiTaskOutput()
        out.R[0] = restored if self.training else restored.clamp(0, 1)
        out.M[0] = logits
        return out


@MODELS.register("mtl-ad-mpgt")
def mtl_ad_mpgt() -> MTLAD:
    """MTL-AD-MPGT (§4): mask propagation with true previous masks in training (8.2M in thesis)."""
    return MTLAD()


@MODELS.register("mtl-ad-mpp")
def mtl_ad_mpp() -> MTLAD:
    """MTL-AD-MPP: propagates the previous predicted mask (8.2M in the thesis)."""
    return MTLAD(teacher_forcing=False)


@MODELS.register("mtl-ad")
def mtl_ad() -> MTLAD:
    """MTL-AD: alignment and deblurring kernels, no mask propagation (7.6M in the thesis)."""
    return MTLAD(propagate_mask=False, teacher_forcing=False)


@MODELS.register("mtl-a")
def mtl_a() -> MTLAD:
    """MTL-A: alignment kernels only (7.2M in the thesis)."""
    return MTLAD(deblur=False, propagate_mask=False, teacher_forcing=False)


@MODELS.register("mtl-v")
def mtl_v() -> MTLAD:
    """MTL-V: vanilla sharing, no filter-adaptive kernels (6.8M in the thesis)."""
    return MTLAD(align=False, deblur=False, propagate_mask=False, teacher_forcing=False)
