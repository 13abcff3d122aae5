"""Fine-tune RAFT on synthetic dental pairs whose flow is known exactly (§6.3.1).

A pair is a frame crop ``a`` and its warp ``b`` by a random homography G (corner offsets up to
``max_shift`` px), plus an elliptical occluder (a tinted patch of another place of the frame)
that moves by its own random translation d between the two. The true flow is G(x) - x on the
background and d on the occluder; background pixels that the occluder covers in ``b`` have no
match and are left out of the loss and of the end-point error (EPE).
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import Tensor, nn
from tqdm import tqdm

from vident.homography import apply_homography, offsets_to_homography
from vident.motion.raft import raft_train_forward
from vident.motion.warp import backward_warp, pixel_grid, sample_at, warp_homography

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FinetuneConfig:
    """Training length and the synthetic-pair distribution.

    From random init on the sample, learning rate and length decide: 40 steps at 4e-4 leave
    MACE at identity's 1.3 px; 300 steps at 1e-3 reach 0.25-0.28 px (two seeds). Shifts well
    beyond the recordings' inter-frame motion train better features than matched ones
    (max_shift 2.5: 0.76-0.79 px after 300 steps, and 1.31 px at lr 2e-3).
    """

    steps: int = 300
    batch: int = 4
    crop: int = 128
    lr: float = 1e-3
    flow_updates: int = 6
    gamma: float = 0.8
    max_shift: float = 6.0
    occluder_shift: float = 8.0
    eval_pairs: int = 8
    seed: int = 0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class SyntheticPairs:
    """A batch of pairs: frames a, b (N,3,H,W) in [0,1], flow a -> b (N,2,H,W), valid (N,1,H,W)."""

    a: Tensor
    b: Tensor
    flow: Tensor
    valid: Tensor


def random_crops(frames: Tensor, n: int, crop: int, gen: torch.Generator) -> Tensor:
    """``n`` random crops (n,3,crop,crop) of frames (T,3,H,W) (edge-padded if smaller)."""
    t, _, h, w = frames.shape
    if h < crop or w < crop:
        frames = torch.nn.functional.pad(
            frames, (0, max(0, crop - w), 0, max(0, crop - h)), mode="replicate"
        )
        h, w = frames.shape[-2:]
    pick = torch.randint(0, t, (n,), generator=gen)
    ys = torch.randint(0, h - crop + 1, (n,), generator=gen)
    xs = torch.randint(0, w - crop + 1, (n,), generator=gen)
    return torch.stack(
        [frames[i, :, y : y + crop, x : x + crop] for i, y, x in zip(pick, ys, xs, strict=True)]
    )


def ellipse_mask(n: int, size: int, centre: Tensor, axes: Tensor, angle: Tensor) -> Tensor:
    """(n,1,size,size) float 0/1 ellipses with centres, semi-axes (n,2) px and angles (n,) rad."""
    grid = pixel_grid(n, size, size, centre.device, centre.dtype)
    d = grid - centre[:, :, None, None]
    c, s = torch.cos(angle)[:, None, None], torch.sin(angle)[:, None, None]
    u = (c * d[:, 0] + s * d[:, 1]) / axes[:, 0, None, None]
    v = (-s * d[:, 0] + c * d[:, 1]) / axes[:, 1, None, None]
    return ((u.square() + v.square()) <= 1.0).to(centre.dtype)[:, None]


def make_pairs(
    frames: Tensor, n: int, config: FinetuneConfig, gen: torch.Generator
) -> SyntheticPairs:
    """``n`` synthetic pairs from frames (T,3,H,W) in [0,1] (see the module doc)."""
    size = config.crop
    a = random_crops(frames, n, size, gen)
    offsets = (torch.rand(n, 4, 2, generator=gen) * 2 - 1) * config.max_shift
    hom = offsets_to_homography(offsets, size, size)
    b = warp_homography(a, hom, padding_mode="border")
    grid = pixel_grid(n, size, size, a.device, torch.float64).reshape(n, 2, -1).transpose(1, 2)
    flow_bg = (apply_homography(hom.double(), grid) - grid).transpose(1, 2)
    flow_bg = flow_bg.reshape(n, 2, size, size).float()
    # The occluder: a tinted patch of another crop, inside an ellipse, translated by d.
    texture = (
        random_crops(frames, n, size, gen) * (0.5 + torch.rand(n, 3, 1, 1, generator=gen))
    ).clamp(0, 1)
    centre = torch.rand(n, 2, generator=gen) * size
    axes = (0.1 + 0.2 * torch.rand(n, 2, generator=gen)) * size
    angle = torch.rand(n, generator=gen) * np.pi
    d = (torch.rand(n, 2, generator=gen) * 2 - 1) * config.occluder_shift
    occ_a = ellipse_mask(n, size, centre, axes, angle)
    occ_b = ellipse_mask(n, size, centre + d, axes, angle)
    shift = -d[:, :, None, None].expand(n, 2, size, size)
    texture_b = backward_warp(texture, shift)
    a_out = a * (1 - occ_a) + texture * occ_a
    b_out = b * (1 - occ_b) + texture_b * occ_b
    flow = flow_bg * (1 - occ_a) + d[:, :, None, None] * occ_a
    hidden = (sample_at(occ_b, pixel_grid(n, size, size, a.device, a.dtype) + flow) > 0.5) & (
        occ_a < 0.5
    )
    return SyntheticPairs(a_out, b_out, flow, ~hidden)


def sequence_loss(predictions: list[Tensor], flow: Tensor, valid: Tensor, gamma: float) -> Tensor:
    """RAFT's loss: sum_i gamma^(n-1-i) * mean L1 error of prediction i over valid pixels."""
    n = len(predictions)
    weight = valid.to(flow.dtype)
    denom = weight.sum().clamp_min(1.0) * 2
    return sum(
        gamma ** (n - 1 - i) * ((p - flow).abs() * weight).sum() / denom
        for i, p in enumerate(predictions)
    )


def end_point_error(pred: Tensor, flow: Tensor, valid: Tensor) -> float:
    """Mean Euclidean distance between predicted and true flow over valid pixels."""
    err = (pred - flow).norm(dim=1, keepdim=True)
    return float(err[valid].mean())


@torch.no_grad()
def evaluate_epe(module: nn.Module, pairs: SyntheticPairs, flow_updates: int, device: str) -> float:
    """EPE of RAFT ``module`` (eval mode) on held-out pairs, evaluated one pair at a time."""
    module.eval()
    errors = []
    for k in range(len(pairs.a)):
        a, b = pairs.a[k : k + 1].to(device), pairs.b[k : k + 1].to(device)
        pred = raft_train_forward(module, a, b, flow_updates)[-1].float().cpu()
        errors.append(end_point_error(pred, pairs.flow[k : k + 1], pairs.valid[k : k + 1]))
    return float(np.mean(errors))


def finetune_raft(
    module: nn.Module,
    train_frames: Tensor,
    eval_frames: Tensor,
    config: FinetuneConfig,
    device: str = "cpu",
) -> tuple[nn.Module, dict[str, float]]:
    """Train ``module`` (torchvision RAFT) on synthetic pairs from ``train_frames`` (T,3,H,W) in
    [0,1]; returns it in eval mode and {epe_before, epe_after, seconds_per_step} measured on
    ``config.eval_pairs`` held-out pairs made from ``eval_frames`` with a separate seed."""
    torch.manual_seed(config.seed)
    held_out = make_pairs(
        eval_frames, config.eval_pairs, config, torch.Generator().manual_seed(config.seed + 1)
    )
    module = module.to(device)
    before = evaluate_epe(module, held_out, config.flow_updates, device)
    gen = torch.Generator().manual_seed(config.seed)
    opt = torch.optim.AdamW(module.parameters(), lr=config.lr, weight_decay=1e-5, eps=1e-8)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt,
        max_lr=config.lr,
        total_steps=max(config.steps, 1),
        pct_start=0.1,
        anneal_strategy="linear",
    )
    amp = device.startswith("cuda")
    module.train()
    start = time.perf_counter()
    bar = tqdm(range(config.steps), desc="raft finetune", unit="step", leave=False)
    for _ in bar:
        pairs = make_pairs(train_frames, config.batch, config, gen)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
            preds = raft_train_forward(
                module, pairs.a.to(device), pairs.b.to(device), config.flow_updates
            )
        loss = sequence_loss(
            [p.float() for p in preds], pairs.flow.to(device), pairs.valid.to(device), config.gamma
        )
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(module.parameters(), 1.0)
        opt.step()
        sched.step()
        bar.set_postfix(loss=f"{loss.item():.3f}")
    per_step = (time.perf_counter() - start) / max(config.steps, 1)
    after = evaluate_epe(module, held_out, config.flow_updates, device)
    log.info(
        "raft finetune: %d steps, %.2f s/step, held-out EPE %.3f -> %.3f px",
        config.steps,
        per_step,
        before,
        after,
    )
    return module.eval(), {"epe_before": before, "epe_after": after, "seconds_per_step": per_step}
