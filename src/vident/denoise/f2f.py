"""Frame-to-frame (F2F) training of a denoiser on one or more noisy videos (Ehret et al. 2019).

No clean frames: the target of frame t is its noisy neighbour t±1 warped onto t by optical
flow, so the network learns E[noisy neighbour | x_t] = the clean frame wherever the warp is
right. Pixels the forward-backward check flags as occluded (or whose match leaves the image)
are masked out of the L1 loss. Flow is computed once per video, in both directions, on the
noisy frames pre-smoothed by a small Gaussian (flow on raw noise at σ≈20/255 is ragged; a
σ=1.5 px pre-blur removes most of it while keeping the structure that drives the match).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor
from tqdm import tqdm

from vident.colour.train import gaussian_blur
from vident.denoise.net import DenoiserConfig, DnCNN
from vident.motion.warp import occlusion_mask, pixel_grid, sample_at

log = logging.getLogger(__name__)

Flow = Callable[[Tensor, Tensor], Tensor]


@dataclass(frozen=True)
class F2FTraining:
    """Optimisation settings of `train_f2f` (from the ``denoise`` config section)."""

    iterations: int = 300
    batch: int = 8
    crop: int = 64
    lr: float = 1e-3  # from random init; Ehret et al. fine-tune a pretrained DnCNN at 5e-5
    flow_blur: float = 1.5  # Gaussian sigma (px) of the pre-smoothing before flow
    seed: int = 0


@dataclass(frozen=True)
class VideoPairs:
    """The F2F pairs of one video: pair k trains frame ``source[k]`` towards frame
    ``neighbour[k]`` seen through ``flow[k]`` (source -> neighbour, px), where ``valid[k]``."""

    frames: Tensor  # (T,C,H,W) float32 in [0,1], the noisy frames
    source: Tensor  # (P,) long
    neighbour: Tensor  # (P,) long
    flow: Tensor  # (P,2,H,W) float16 (memory: flows of long videos add up)
    valid: Tensor  # (P,1,H,W) bool


def video_pairs(
    frames: Tensor, guide: Tensor, flow: Flow, blur: float, chunk: int = 8
) -> VideoPairs:
    """Both-direction pairs (t, t+1) and (t+1, t) of ``frames`` (T,C,H,W), with flow and
    occlusion computed on ``guide`` (T,3,H,W) RGB in [0,1] (the frames themselves, or an RGB view
    of packed Bayer planes) smoothed by a Gaussian of sigma ``blur``."""
    t = len(frames)
    if t < 2:
        raise ValueError("F2F needs at least 2 frames")
    smooth = gaussian_blur(guide, blur) if blur > 0 else guide
    flows, valids = [], []
    for start in tqdm(range(0, t - 1, chunk), desc="f2f flow", unit="chunk", leave=False):
        a, b = (
            smooth[start : min(start + chunk, t - 1)],
            smooth[start + 1 : min(start + chunk, t - 1) + 1],
        )
        with torch.no_grad():
            fab, fba = flow(a, b).float(), flow(b, a).float()
        fab, fba = fab.to(frames.device), fba.to(frames.device)
        flows += [fab, fba]
        valids += [~occlusion_mask(fab, fba), ~occlusion_mask(fba, fab)]
    fwd = torch.cat(flows[0::2]), torch.cat(valids[0::2])
    bwd = torch.cat(flows[1::2]), torch.cat(valids[1::2])
    idx = torch.arange(t - 1, device=frames.device)
    return VideoPairs(
        frames=frames,
        source=torch.cat([idx, idx + 1]),
        neighbour=torch.cat([idx + 1, idx]),
        flow=torch.cat([fwd[0], bwd[0]]).half(),
        valid=torch.cat([fwd[1], bwd[1]]),
    )


def crop_batch(
    videos: Sequence[VideoPairs], size: int, batch: int, gen: torch.Generator
) -> tuple[Tensor, Tensor, Tensor]:
    """``batch`` random crops (inputs, warped noisy targets, valid masks) drawn uniformly over all
    pairs of all videos; targets are sampled from the whole neighbour frame, so the flow may
    point outside the crop."""
    counts = torch.tensor([len(v.source) for v in videos])
    cum = counts.cumsum(0)
    xs, ys, ms = [], [], []
    for k in torch.randint(int(cum[-1]), (batch,), generator=gen).tolist():
        v = int(torch.searchsorted(cum, k, right=True))
        p = k - int(cum[v] - counts[v])
        video = videos[v]
        h, w = video.frames.shape[-2:]
        ch, cw = min(size, h), min(size, w)
        y0 = int(torch.randint(h - ch + 1, (1,), generator=gen))
        x0 = int(torch.randint(w - cw + 1, (1,), generator=gen))
        window = (slice(None), slice(y0, y0 + ch), slice(x0, x0 + cw))
        flow = video.flow[p][window].float().unsqueeze(0)
        offset = torch.tensor([x0, y0], dtype=flow.dtype, device=flow.device).view(1, 2, 1, 1)
        coords = pixel_grid(1, ch, cw, flow.device, flow.dtype) + offset + flow
        xs.append(video.frames[int(video.source[p])][window])
        ys.append(sample_at(video.frames[int(video.neighbour[p])].unsqueeze(0), coords)[0])
        ms.append(video.valid[p][window])
    return torch.stack(xs), torch.stack(ys), torch.stack(ms)


def masked_l1(pred: Tensor, target: Tensor, valid: Tensor) -> Tensor:
    """Mean |pred - target| over the pixels where ``valid`` (N,1,H,W) is True."""
    weight = valid.to(pred.dtype)
    return ((pred - target).abs() * weight).sum() / (weight.sum() * pred.shape[1]).clamp_min(1)


def train_f2f(
    videos: Sequence[VideoPairs],
    config: DenoiserConfig,
    training: F2FTraining | None = None,
    init: DnCNN | None = None,
    device: torch.device | None = None,
) -> tuple[DnCNN, list[float]]:
    """Train a denoiser F2F on ``videos`` (from random init, or continuing ``init``); returns
    the model (eval mode) and the loss of every iteration. Defaults: `F2FTraining()`, CPU."""
    training, device = training or F2FTraining(), device or torch.device("cpu")
    gen = torch.Generator().manual_seed(training.seed)
    torch.manual_seed(training.seed)
    model = (init if init is not None else DnCNN(config)).to(device).train()
    optimiser = torch.optim.Adam(model.parameters(), lr=training.lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimiser, training.iterations, eta_min=training.lr / 20
    )
    amp = device.type == "cuda"
    losses: list[float] = []
    start = time.perf_counter()
    for _ in tqdm(range(training.iterations), desc="f2f train", unit="it", leave=False):
        x, y, m = crop_batch(videos, training.crop, training.batch, gen)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp):
            pred = model(x.to(device))
        loss = masked_l1(pred.float(), y.to(device), m.to(device))
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        schedule.step()
        losses.append(loss.item())
    seconds = time.perf_counter() - start
    log.info(
        "f2f: %d iterations (batch %d, crop %d) in %.1f s (%.2f it/s), final loss %.4f",
        training.iterations,
        training.batch,
        training.crop,
        seconds,
        training.iterations / seconds,
        losses[-1],
    )
    return model.eval(), losses


def denoise_frames(model: DnCNN, frames: Tensor, batch: int = 4) -> Tensor:
    """Denoise (T,C,H,W) frames in [0,1] in batches; returns (T,C,H,W) float32 on the CPU."""
    device = next(model.parameters()).device
    out = []
    with (
        torch.no_grad(),
        torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"),
    ):
        for start in tqdm(
            range(0, len(frames), batch), desc="f2f denoise", unit="batch", leave=False
        ):
            out.append(model(frames[start : start + batch].to(device)).float().cpu())
    return torch.cat(out).clamp(0, 1)
