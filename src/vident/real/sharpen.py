"""Restore-from-Restored sharpening (Lee et al. 2021) for the Vident-real branch (§6.3.1).

The pre-denoised frames P stand in for clean frames. They get extra defocus blur (a disk PSF of
random radius) and a little noise, a small residual CNN learns ``blur(P) -> P`` on random crops,
and is then applied to P itself: having learnt to undo defocus, it removes the camera's own
milder defocus. No clean frame is ever needed.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm import tqdm


def disk_kernel(radius: float, size: int | None = None) -> Tensor:
    """Antialiased disk PSF of ``radius`` px (sums to 1); radius 0 is the identity kernel."""
    size = size or 2 * math.ceil(radius) + 1
    c = (size - 1) / 2
    sub = (torch.arange(size * 4, dtype=torch.float64) + 0.5) / 4 - 0.5  # 4x4 supersampling
    yy, xx = torch.meshgrid(sub, sub, indexing="ij")
    inside = ((xx - c) ** 2 + (yy - c) ** 2 <= max(radius, 0.25) ** 2).double()
    k = inside.reshape(size, 4, size, 4).mean(dim=(1, 3))
    return (k / k.sum()).float()


def defocus(x: Tensor, radius: float) -> Tensor:
    """Blur (N,C,H,W) frames with a disk PSF, reflecting at the borders."""
    k = disk_kernel(radius).to(x)
    pad = k.shape[-1] // 2
    c = x.shape[1]
    weight = k.expand(c, 1, *k.shape)
    return F.conv2d(F.pad(x, (pad,) * 4, mode="reflect"), weight, groups=c)


class SharpenNet(nn.Module):
    """A small residual CNN: output = input + correction."""

    def __init__(self, channels: int = 3, width: int = 32, depth: int = 6) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU(True)]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, padding=1), nn.ReLU(True)]
        layers.append(nn.Conv2d(width, channels, 3, padding=1))
        self.body = nn.Sequential(*layers)
        self.config = {"channels": channels, "width": width, "depth": depth}

    def forward(self, x: Tensor) -> Tensor:
        return x + self.body(x)


def _crops(frames: Tensor, batch: int, crop: int, gen: torch.Generator) -> Tensor:
    t, _, h, w = frames.shape
    crop = min(crop, h, w)
    idx = torch.randint(t, (batch,), generator=gen)
    ys = torch.randint(h - crop + 1, (batch,), generator=gen)
    xs = torch.randint(w - crop + 1, (batch,), generator=gen)
    return torch.stack(
        [frames[i, :, y : y + crop, x : x + crop] for i, y, x in zip(idx, ys, xs, strict=True)]
    )


def train_sharpener(
    frames: Tensor,
    *,
    max_radius: float = 2.5,
    noise: float = 0.01,
    iters: int = 300,
    batch: int = 8,
    crop: int = 64,
    lr: float = 1e-3,
    seed: int = 0,
    device: str | torch.device = "cpu",
    width: int = 32,
    depth: int = 6,
) -> SharpenNet:
    """Fit a SharpenNet on pseudo-clean ``frames`` (T,3,H,W) in [0,1] (Restore-from-Restored)."""
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    net = SharpenNet(frames.shape[1], width, depth).to(device)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, iters, eta_min=lr / 100)
    net.train()
    for _ in tqdm(range(iters), desc="RfromR", unit="it", leave=False):
        target = _crops(frames, batch, crop, gen)
        radius = float(torch.rand((), generator=gen)) * max_radius
        sigma = float(torch.rand((), generator=gen)) * noise
        degraded = defocus(target, radius) + sigma * torch.randn(target.shape, generator=gen)
        loss = F.l1_loss(net(degraded.to(device)), target.to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
    return net.eval()


@torch.no_grad()
def sharpen(net: SharpenNet, frames: Tensor, batch: int = 4) -> Tensor:
    """Apply the trained network to (T,3,H,W) frames in [0,1]; returns frames in [0,1]."""
    device = next(net.parameters()).device
    out = [net(frames[i : i + batch].to(device)).clamp(0, 1).cpu()
           for i in range(0, len(frames), batch)]
    return torch.cat(out)
