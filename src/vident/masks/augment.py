"""Strong joint augmentation of (image, mask) batches for training on very few annotated frames:
flips, rotation/scale/shear/translation, colour jitter and random crops (kornia, on tensors)."""

from __future__ import annotations

import kornia.augmentation as K
from torch import Tensor, nn


def make_augmentation(crop: int) -> nn.Module:
    """A module mapping (images (N,3,H,W) in [0,1], masks (N,1,H,W) 0/1) to augmented
    ``crop`` x ``crop`` pairs; geometry is shared by image and mask, colour changes only the
    image."""
    return K.AugmentationSequential(
        K.RandomHorizontalFlip(),
        K.RandomVerticalFlip(),
        K.RandomAffine(
            degrees=20.0,
            translate=(0.1, 0.1),
            scale=(0.75, 1.33),
            shear=8.0,
            p=0.9,
            padding_mode="reflection",
        ),
        K.ColorJitter(brightness=0.3, contrast=0.3, saturation=0.3, hue=0.04, p=0.9),
        K.RandomGaussianBlur((5, 5), (0.1, 1.5), p=0.3),
        K.RandomCrop((crop, crop)),
        data_keys=["input", "mask"],
    )


def augment(aug: nn.Module, images: Tensor, masks: Tensor) -> tuple[Tensor, Tensor]:
    """Apply ``aug`` to a batch; masks come back 0/1 (nearest-valued after interpolation)."""
    out_img, out_mask = aug(images, masks)
    return out_img.clamp(0, 1), (out_mask > 0.5).to(images.dtype)
