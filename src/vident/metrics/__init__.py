"""Evaluation metrics: PSNR, SSIM, MACE, IoU, temporal warping error, and model cost helpers."""

from vident.metrics.cost import count_parameters, fps, gflops
from vident.metrics.homography import corner_errors, mace
from vident.metrics.image import psnr, ssim
from vident.metrics.segmentation import iou
from vident.metrics.warping import warping_error

__all__ = [
    "corner_errors",
    "count_parameters",
    "fps",
    "gflops",
    "iou",
    "mace",
    "psnr",
    "ssim",
    "warping_error",
]
