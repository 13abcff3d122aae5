"""Single-task baselines of Tables 5.2 / 6.4 behind the MOST interface: MIMO-UNet (restoration,
Cho et al. 2021; R at 3 scales), DeepLabV3+ and UNet++ (teeth segmentation with ResNet-50
encoders from segmentation-models-pytorch; M at scale 1). Each returns only its own task.

Single-frame models: they see the current frame only (``prev`` is ignored), as in the thesis.
"""

from __future__ import annotations

import segmentation_models_pytorch as smp
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from vident.models.blocks import (
    AsymmetricFeatureFusion,
    ImageFeatures,
    conv,
    downsample_pyramid,
    res_stack,
)
from vident.models.output import SCALES, MultiTaskOutput
from vident.models.zoo import MODELS


class FeatureAttention(nn.Module):
    """MIMO-UNet's FAM: x + conv3x3(x * y), letting image-level features y modulate x."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.merge = conv(c, c, relu=False)

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        return x + self.merge(x * y)


class MIMOUNet(nn.Module):
    """MIMO-UNet (multi-input multi-output U-Net, 8 residual blocks per scale): 6.8M parameters."""

    def __init__(self, blocks: int = 8) -> None:
        super().__init__()
        w = (32, 64, 128)
        self.stem = nn.ModuleList(
            [conv(3, w[0]), conv(w[0], w[1], stride=2), conv(w[1], w[2], stride=2)]
        )
        self.image_features = nn.ModuleList([ImageFeatures(c) for c in w[1:]])
        self.attend = nn.ModuleList([FeatureAttention(c) for c in w[1:]])
        self.encoder = nn.ModuleList([res_stack(c, blocks, "plain") for c in w])
        self.aff = nn.ModuleList([AsymmetricFeatureFusion(sum(w), c) for c in w[:2]])
        self.decoder = nn.ModuleList([res_stack(c, blocks, "plain") for c in w])
        self.up = nn.ModuleList([
            nn.Sequential(nn.ConvTranspose2d(w[2], w[1], 4, 2, 1), nn.ReLU(inplace=True)),
            nn.Sequential(nn.ConvTranspose2d(w[1], w[0], 4, 2, 1), nn.ReLU(inplace=True)),
        ])  # fmt: skip
        self.reduce = nn.ModuleList([conv(2 * w[1], w[1], k=1), conv(2 * w[0], w[0], k=1)])
        self.to_image = nn.ModuleList([conv(c, 3, relu=False) for c in w])

    def forward(self, prev: Tensor, cur: Tensor) -> MultiTaskOutput:
        """Restored current frame at scales 1-3 (residual on the downsampled input)."""
        pyramid = downsample_pyramid(cur, SCALES)
        feats, z = [], cur
        for i in range(SCALES):
            z = self.stem[i](z)
            if i > 0:
                z = self.attend[i - 1](z, self.image_features[i - 1](pyramid[i]))
            z = self.encoder[i](z)
            feats.append(z)
        skips = [aff(feats, f.shape[-2:]) for aff, f in zip(self.aff, feats, strict=False)]
        out = MultiTaskOutput()
        z = self.decoder[2](feats[2])
        out.R[2] = self.to_image[2](z) + pyramid[2]
        for i in (1, 0):
            z = self.reduce[1 - i](torch.cat([self.up[1 - i](z), skips[i]], 1))
            z = self.decoder[i](z)
            out.R[i] = self.to_image[i](z) + pyramid[i]
        if not self.training:
            out.R = [r.clamp(0, 1) for r in out.R]
        return out


class SegmentationBaseline(nn.Module):
    """A segmentation-models-pytorch network predicting teeth logits M at scale 1.

    Frames are padded (replicate) to a multiple of 32 for the encoder and cropped back.
    """

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, prev: Tensor, cur: Tensor) -> MultiTaskOutput:
        h, w = cur.shape[-2:]
        ph, pw = -h % 32, -w % 32
        x = F.pad(cur, (0, pw, 0, ph), mode="replicate") if ph or pw else cur
        out = MultiTaskOutput()
        out.M[0] = self.net(x)[..., :h, :w]
        return out


def _weights(pretrained: bool) -> str | None:
    return "imagenet" if pretrained else None


@MODELS.register("mimo-unet")
def mimo_unet() -> MIMOUNet:
    """MIMO-UNet restoration baseline (6.8M)."""
    return MIMOUNet()


@MODELS.register("deeplabv3+")
def deeplabv3_plus(pretrained: bool = False) -> SegmentationBaseline:
    """DeepLabV3+ with a ResNet-50 encoder (26.7M); ``pretrained`` loads ImageNet weights."""
    return SegmentationBaseline(
        smp.DeepLabV3Plus("resnet50", encoder_weights=_weights(pretrained), classes=1)
    )


@MODELS.register("unet++")
def unet_plus_plus(pretrained: bool = False) -> SegmentationBaseline:
    """UNet++ with a ResNet-50 encoder (50.0M); ``pretrained`` loads ImageNet encoder weights."""
    return SegmentationBaseline(
        smp.UnetPlusPlus("resnet50", encoder_weights=_weights(pretrained), classes=1)
    )
