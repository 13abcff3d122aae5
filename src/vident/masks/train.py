"""Fine-tune the HRNet segmenter on a handful of annotated frames (pure: arrays in, model out)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor
from tqdm import tqdm

from vident.masks.augment import augment, make_augmentation
from vident.masks.network import HRNetSegmenter, SegmenterConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """Training length and schedule (a real config trains longer and larger crops)."""

    steps: int = 300
    batch: int = 8
    crop: int = 64
    lr: float = 3e-3
    seed: int = 0


def to_tensor(frames: np.ndarray) -> Tensor:
    """(N,H,W,3) uint8 frames -> (N,3,H,W) float32 in [0,1]."""
    return torch.from_numpy(np.ascontiguousarray(frames)).permute(0, 3, 1, 2).float().div_(255.0)


def soft_dice_loss(logits: Tensor, target: Tensor) -> Tensor:
    """1 - soft Dice of the teeth class over the batch (balances the BCE on small teeth)."""
    p = torch.sigmoid(logits)
    inter = (p * target).sum()
    return 1.0 - (2.0 * inter + 1.0) / (p.sum() + target.sum() + 1.0)


def train_segmenter(
    frames: np.ndarray,
    masks: np.ndarray,
    model_config: SegmenterConfig,
    config: TrainConfig,
    *,
    pretrained: bool = False,
    device: str = "cpu",
) -> HRNetSegmenter:
    """Train on annotated ``frames`` (N,H,W,3) uint8 with 0/1 ``masks`` (N,H,W); returns the model
    in eval mode. Each step draws ``batch`` frames (with replacement, seeded) and augments them."""
    torch.manual_seed(config.seed)
    gen = np.random.default_rng(config.seed)
    model = HRNetSegmenter(model_config, pretrained=pretrained).to(device).train()
    images = to_tensor(frames).to(device)
    targets = torch.from_numpy(np.ascontiguousarray(masks)).float()[:, None].to(device)
    aug = make_augmentation(config.crop)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=config.lr, total_steps=config.steps, pct_start=0.15
    )
    amp = device.startswith("cuda")
    start = time.perf_counter()
    bar = tqdm(range(config.steps), desc="masks train", unit="step", leave=False)
    for _ in bar:
        pick = torch.from_numpy(gen.integers(0, len(images), config.batch)).to(device)
        x, y = augment(aug, images[pick], targets[pick])
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
            logits = model(x)
        logits = logits.float()
        loss = F.binary_cross_entropy_with_logits(logits, y) + soft_dice_loss(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        bar.set_postfix(loss=f"{loss.item():.3f}")
    seconds = time.perf_counter() - start
    log.info(
        "masks train: %d steps on %d frames in %.1f s (%.2f steps/s)",
        config.steps,
        len(images),
        seconds,
        config.steps / max(seconds, 1e-9),
    )
    return model.eval()
