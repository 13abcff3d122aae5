"""HRNet segmenter: a timm HRNet backbone and an HRNetV2-style fused multi-resolution head."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import timm
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from vident.errors import VidentError

STRIDE = 32  # coarsest HRNet branch


@dataclass(frozen=True)
class SegmenterConfig:
    """What a checkpoint needs to rebuild the network: timm model name and head width."""

    backbone: str = "hrnet_w18_small"
    head_channels: int = 64

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class HRNetSegmenter(nn.Module):
    """Teeth logits (N,1,H,W) for images (N,3,H,W) in [0,1].

    The backbone's four parallel branches (strides 4..32, raw branch outputs, not the
    classification "incre" blocks) are upsampled to the finest branch, concatenated and mixed by
    1x1 convolutions into one logit map, then bilinearly upsampled to the input size (HRNetV2).
    """

    MEAN = (0.485, 0.456, 0.406)
    STD = (0.229, 0.224, 0.225)

    def __init__(self, config: SegmenterConfig, pretrained: bool = False) -> None:
        super().__init__()
        self.config = config
        if config.backbone not in timm.list_models("hrnet*"):
            known = ", ".join(timm.list_models("hrnet*"))
            raise VidentError(f"unknown HRNet backbone {config.backbone!r}; known: {known}")
        self.backbone = timm.create_model(
            config.backbone,
            features_only=True,
            pretrained=pretrained,
            feature_location="",
            out_indices=(1, 2, 3, 4),
        )
        fused = sum(self.backbone.feature_info.channels())
        self.head = nn.Sequential(
            nn.Conv2d(fused, config.head_channels, 1, bias=False),
            nn.BatchNorm2d(config.head_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(config.head_channels, 1, 1),
        )
        self.register_buffer("mean", torch.tensor(self.MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(self.STD).view(1, 3, 1, 1), persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        h, w = x.shape[-2:]
        # The branches halve the resolution 5 times: pad right/bottom to a multiple of 32.
        padded = F.pad(
            (x - self.mean) / self.std, (0, -w % STRIDE, 0, -h % STRIDE), mode="replicate"
        )
        feats = self.backbone(padded)
        size = feats[0].shape[-2:]
        fused = torch.cat(
            [feats[0]]
            + [
                F.interpolate(f, size=size, mode="bilinear", align_corners=False) for f in feats[1:]
            ],
            1,
        )
        logits = F.interpolate(
            self.head(fused), size=padded.shape[-2:], mode="bilinear", align_corners=False
        )
        return logits[..., :h, :w]
