"""Per-video figures for the dataset card: sizes, baseline metrics of the inputs against the
labels (Tables 5.1 / 6.1), and, where a recording has ground truth, the labels against it."""

from __future__ import annotations

import numpy as np
import torch

from vident.metrics import iou, mace, psnr, ssim

BLOCK = 16  # frames per metric batch (bounded memory at any frame size)


def _frames(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x)).permute(0, 3, 1, 2).float() / 255


def _per_frame(fn, *arrays: np.ndarray) -> np.ndarray:
    """Apply a batched torch metric over blocks of frames; returns one value per frame."""
    out = [fn(*(a[i : i + BLOCK] for a in arrays)).numpy() for i in range(0, len(arrays[0]), BLOCK)]
    return np.concatenate(out).astype(np.float64)


def image_metrics(pred: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frame-wise PSNR and SSIM of uint8 RGB frames (T,H,W,3)."""
    return (_per_frame(lambda a, b: psnr(_frames(a), _frames(b)), pred, target),
            _per_frame(lambda a, b: ssim(_frames(a), _frames(b)), pred, target))


def mask_iou(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Frame-wise teeth IoU of 0/1 masks (T,H,W)."""
    def one(p: np.ndarray, t: np.ndarray) -> torch.Tensor:
        return iou(torch.from_numpy(p[:, None]).float(), torch.from_numpy(t[:, None]).float())

    return _per_frame(one, pred, target)


def homography_mace(pred: np.ndarray, target: np.ndarray, height: int, width: int) -> np.ndarray:
    """Frame-wise MACE (px) of (T,3,3) homographies at full resolution."""
    return mace(torch.tensor(pred, dtype=torch.float64), torch.tensor(target, dtype=torch.float64),
                height, width).numpy()


def baseline(B: np.ndarray, R: np.ndarray, M: np.ndarray, H: np.ndarray) -> dict[str, float]:
    """Sums over frames of the inputs' metrics against the labels: PSNR/SSIM of B vs R, MACE of
    the identity homography vs H, IoU of an all-teeth mask vs M (sums, so splits can pool)."""
    height, width = M.shape[1:]
    p, s = image_metrics(B, R)
    identity = np.broadcast_to(np.eye(3, dtype=np.float32), H.shape)
    return {
        "psnr": float(p.sum()), "ssim": float(s.sum()),
        "mace": float(homography_mace(identity, H, height, width)[1:].sum()),
        "iou": float(mask_iou(np.ones_like(M), M).sum()),
    }


def against_truth(R: np.ndarray, M: np.ndarray, H: np.ndarray, truth: dict[str, np.ndarray],
                  B: np.ndarray) -> dict[str, float]:
    """Means over frames of the labels against a recording's ground truth (sample recordings):
    PSNR(R, truth R), PSNR(B, truth R), IoU(M, truth M), MACE(H, truth H) over t ≥ 1."""
    height, width = M.shape[1:]
    return {
        "psnr_R": float(image_metrics(R, truth["R"])[0].mean()),
        "psnr_B": float(image_metrics(B, truth["R"])[0].mean()),
        "iou_M": float(mask_iou(M, truth["M"]).mean()),
        "mace_H": float(homography_mace(H[1:], truth["H"][1:], height, width).mean()),
    }
