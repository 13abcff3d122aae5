"""Training the CM network on (denoised C1, registered C2) frame pairs.

Loss = L1 between the Gaussian-blurred prediction and the Gaussian-blurred target over pixels
whose whole blur footprint is valid registered C2 (blurring both sides makes the comparison
tolerant of sub-pixel to ~1 px residual misregistration: a colour function cannot explain an
edge that is displaced, but it can match local colour averages), plus the regularisers of
`vident.colour.lut`: smoothness of every basis LUT (Zeng et al.) and own-channel monotonicity of
the batch's typical LUT (the basis mixed by the mean weights; the correction bases alone need not
be monotone). Both cost the same whatever the batch size.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor
from tqdm import tqdm

from vident.colour.lut import apply_lut, monotonicity, smoothness
from vident.colour.model import ColourConfig, ColourNet
from vident.errors import VidentError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ColourTraining:
    """Optimisation settings of `train_colour` (from the ``colour`` config section)."""

    iterations: int = 600
    batch: int = 4
    crop: int = 64  # side of the random crop the loss sees (the CNN always sees the whole frame)
    lr: float = 2e-3
    blur: float = 1.0  # Gaussian sigma (px) of the misregistration-tolerant comparison
    smooth: float = 1e-4  # weight of the LUT smoothness term
    mono: float = 10.0  # weight of the LUT monotonicity term
    seed: int = 0


def gaussian_blur(x: Tensor, sigma: float) -> Tensor:
    """Separable Gaussian blur of (N,C,H,W), 2·ceil(2σ)+1 taps, edge-replicated borders."""
    radius = max(1, int(np.ceil(2 * sigma)))
    t = torch.arange(-radius, radius + 1, dtype=x.dtype, device=x.device)
    g = torch.exp(-0.5 * (t / sigma) ** 2)
    g = g / g.sum()
    c = x.shape[1]
    x = F.pad(x, (radius, radius, radius, radius), mode="replicate")
    x = F.conv2d(x, g.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    return F.conv2d(x, g.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)


def tolerant_l1(pred: Tensor, target: Tensor, valid: Tensor, sigma: float) -> Tensor:
    """Mean |blur(pred) - blur(target)| over pixels of ``valid`` (N,1,H,W) bool whose blur
    footprint is entirely valid (so invalid target pixels never leak into the loss)."""
    radius = max(1, int(np.ceil(2 * sigma)))
    inner = -F.max_pool2d((~valid).float(), 2 * radius + 1, stride=1, padding=radius) + 1
    diff = (gaussian_blur(pred, sigma) - gaussian_blur(target, sigma)).abs()
    return (diff * inner).sum() / (inner.sum() * pred.shape[1]).clamp_min(1)


def random_window(size: tuple[int, int], crop: int, gen: torch.Generator) -> tuple[slice, ...]:
    """Index of a random ``crop`` x ``crop`` window (the whole side where the frame is smaller)."""
    (h, w), ch, cw = size, min(crop, size[0]), min(crop, size[1])
    y0 = int(torch.randint(h - ch + 1, (1,), generator=gen))
    x0 = int(torch.randint(w - cw + 1, (1,), generator=gen))
    return (slice(None), slice(None), slice(y0, y0 + ch), slice(x0, x0 + cw))


def to_tensor(frames: np.ndarray, device: torch.device) -> Tensor:
    """(N,H,W,3) uint8 -> (N,3,H,W) float32 in [0,1]."""
    return (
        torch.from_numpy(np.ascontiguousarray(frames)).to(device).permute(0, 3, 1, 2).float() / 255
    )


def train_colour(
    inputs: np.ndarray,
    targets: np.ndarray,
    valid: np.ndarray,
    config: ColourConfig | None = None,
    training: ColourTraining | None = None,
    device: torch.device | None = None,
) -> tuple[ColourNet, list[float]]:
    """Fit a CM network mapping ``inputs`` to ``targets`` ((P,H,W,3) uint8 pairs, ``valid``
    (P,H,W) bool); returns the model (eval mode) and the loss of every iteration.
    Defaults: `ColourConfig()`, `ColourTraining()`, CPU."""
    config, training = config or ColourConfig(), training or ColourTraining()
    device = device or torch.device("cpu")
    if not (inputs.shape == targets.shape and inputs.shape[:3] == valid.shape and len(inputs)):
        raise VidentError(
            f"colour pairs disagree: inputs {inputs.shape}, targets {targets.shape}, "
            f"valid {valid.shape}"
        )
    order = torch.Generator().manual_seed(training.seed)
    torch.manual_seed(training.seed)
    model = ColourNet(config).to(device).train()
    optimiser = torch.optim.Adam(model.parameters(), lr=training.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimiser, training.iterations, eta_min=training.lr / 20
    )
    losses: list[float] = []
    start = time.perf_counter()
    for _ in tqdm(range(training.iterations), desc="colour train", unit="it", leave=False):
        pick = torch.randint(
            len(inputs), (min(training.batch, len(inputs)),), generator=order
        ).numpy()
        x, y = to_tensor(inputs[pick], device), to_tensor(targets[pick], device)
        mask = torch.from_numpy(valid[pick]).to(device).unsqueeze(1)
        luts, weights = model.luts(x)
        window = random_window(x.shape[-2:], training.crop, order)
        pred = apply_lut(x[window], luts)
        typical = torch.einsum("k,kcdhw->cdhw", weights.mean(0), model.basis)
        loss = (
            tolerant_l1(pred, y[window], mask[window], training.blur)
            + training.smooth * smoothness(model.basis)
            + training.mono * monotonicity(typical)
        )
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        schedule.step()
        losses.append(loss.item())
    seconds = time.perf_counter() - start
    log.info(
        "colour: %d iterations on %d pairs in %.1f s (%.1f it/s), final loss %.4f",
        training.iterations,
        len(inputs),
        seconds,
        training.iterations / seconds,
        losses[-1],
    )
    return model.eval(), losses
