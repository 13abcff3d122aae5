"""Apply a trained segmenter to every frame (pure: arrays in, arrays out)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import Tensor
from tqdm import tqdm

from vident.masks.train import to_tensor

FlowFn = Callable[[Tensor, Tensor], Tensor]
WarpFn = Callable[[Tensor, Tensor], Tensor]


@torch.no_grad()
def predict_probabilities(
    model: torch.nn.Module, frames: np.ndarray, *, batch: int = 8, device: str = "cpu"
) -> np.ndarray:
    """Teeth probabilities (T,H,W) float32 for frames (T,H,W,3) uint8."""
    model.eval()
    out = np.empty(frames.shape[:3], np.float32)
    for i in tqdm(range(0, len(frames), batch), desc="masks apply", unit="batch", leave=False):
        x = to_tensor(frames[i : i + batch]).to(device)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=device.startswith("cuda")):
            logits = model(x)
        out[i : i + batch] = torch.sigmoid(logits.float())[:, 0].cpu().numpy()
    return out


@torch.no_grad()
def smooth_probabilities(
    prob: np.ndarray, frames: np.ndarray, flow: FlowFn, warp: WarpFn, weight: float
) -> np.ndarray:
    """Temporal smoothing: p'_t = (1 - w) p_t + w * (p'_{t-1} warped onto frame t's grid).

    ``flow(a, b)`` is the flow a -> b on a's grid, so flow(R_t, R_{t-1}) tells where each pixel of
    frame t lies in frame t-1, and ``warp(img, flow)`` (backward warp) samples p'_{t-1} there.
    """
    out = prob.copy()
    for t in tqdm(range(1, len(prob)), desc="masks smooth", unit="frame", leave=False):
        f = flow(to_tensor(frames[t : t + 1]), to_tensor(frames[t - 1 : t]))
        prev = warp(torch.from_numpy(out[t - 1])[None, None], f)[0, 0].numpy()
        out[t] = (1.0 - weight) * prob[t] + weight * prev
    return out


def binarise(prob: np.ndarray, annotations: dict[int, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """M (T,H,W) uint8 0/1 from probabilities (> 0.5), with annotated frames replaced by their
    annotation, and ``human`` (T,) bool marking those frames."""
    masks = (prob > 0.5).astype(np.uint8)
    human = np.zeros(len(prob), bool)
    for t, mask in annotations.items():
        masks[t] = mask
        human[t] = True
    return masks, human
