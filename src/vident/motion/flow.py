"""Dense optical flow behind one interface: ``make_flow(name)`` -> a callable ``flow(a, b)``.

Every backend maps two batches of RGB frames ``a, b`` of shape (N,3,H,W), float32 in [0,1], to
the flow from ``a`` to ``b``: (N,2,H,W) float32 in pixels, channel 0 = dx, channel 1 = dy, such
that pixel x of ``a`` is seen at x + F(x) in ``b`` (so ``backward_warp(b, F) ≈ a``).
Backends: ``raft_small`` and ``raft_large`` (torchvision RAFT, see ``vident.motion.raft``) and
``dis`` (OpenCV's Dense Inverse Search, a fast classical option).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import cv2
import numpy as np
import torch
from torch import Tensor, nn

from vident.device import pick_device
from vident.errors import VidentError
from vident.registry import Registry

FLOW_BACKENDS: Registry[type[FlowBackend]] = Registry("flow backend")


class FlowBackend(nn.Module, ABC):
    """Base of every flow backend: ``forward(a, b) -> flow`` with the shapes of the module doc."""

    @abstractmethod
    def forward(self, a: Tensor, b: Tensor) -> Tensor:
        """Flow from ``a`` to ``b``."""

    @classmethod
    @abstractmethod
    def build(cls, *, weights: str | None, device: torch.device, **options: Any) -> FlowBackend:
        """Construct the backend on ``device`` from ``weights`` and backend-specific options."""


def check_pair(a: Tensor, b: Tensor) -> None:
    """Frames must be two (N,3,H,W) batches of the same shape."""
    if a.ndim != 4 or a.shape[1] != 3 or a.shape != b.shape:
        shapes = f"{tuple(a.shape)} and {tuple(b.shape)}"
        raise ValueError(f"flow expects two (N,3,H,W) batches of one shape, got {shapes}")


def make_flow(
    name: str, *, weights: str | None = None, device: str | torch.device = "cpu", **options: Any
) -> FlowBackend:
    """Build the flow backend registered as ``name`` on ``device``, in eval mode.

    ``weights``: None (random init / no weights), ``"default"`` (the library's pretrained
    weights, RAFT only) or the path of a local checkpoint. ``options`` are backend-specific
    (RAFT: ``num_flow_updates``; DIS: ``preset`` and the OpenCV DIS setters' parameters).
    """
    backend = FLOW_BACKENDS.get(name).build(
        weights=weights, device=pick_device(device), **options
    )
    return backend.eval()


_DIS_PRESETS = {
    "ultrafast": cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST,
    "fast": cv2.DISOPTICAL_FLOW_PRESET_FAST,
    "medium": cv2.DISOPTICAL_FLOW_PRESET_MEDIUM,
}
# DIS options accepted by make_flow("dis", ...) -> the OpenCV setter they call.
_DIS_SETTERS = {
    "finest_scale": "setFinestScale",
    "coarsest_scale": "setCoarsestScale",
    "patch_size": "setPatchSize",
    "patch_stride": "setPatchStride",
    "gradient_descent_iterations": "setGradientDescentIterations",
    "variational_refinement_iterations": "setVariationalRefinementIterations",
    "variational_refinement_alpha": "setVariationalRefinementAlpha",
    "variational_refinement_delta": "setVariationalRefinementDelta",
    "variational_refinement_gamma": "setVariationalRefinementGamma",
    "use_mean_normalization": "setUseMeanNormalization",
    "use_spatial_propagation": "setUseSpatialPropagation",
}


def to_grey_uint8(frames: Tensor) -> np.ndarray:
    """(N,3,H,W) float [0,1] -> (N,H,W) uint8 luma (ITU-R 601 weights, as cv2's RGB2GRAY)."""
    weights = torch.tensor([0.299, 0.587, 0.114], dtype=frames.dtype, device=frames.device)
    grey = torch.einsum("nchw,c->nhw", frames.clamp(0, 1), weights)
    return (grey * 255).round().to(torch.uint8).cpu().numpy()


@FLOW_BACKENDS.register("dis")
class DisFlow(FlowBackend):
    """OpenCV DIS on grey uint8 frames, one pair at a time (C code, no gradients)."""

    def __init__(self, preset: str = "medium", **setters: Any) -> None:
        super().__init__()
        if preset not in _DIS_PRESETS:
            raise VidentError(f"unknown DIS preset {preset!r}; known: {', '.join(_DIS_PRESETS)}")
        unknown = sorted(set(setters) - set(_DIS_SETTERS))
        if unknown:
            raise VidentError(f"unknown DIS options {unknown}; known: {', '.join(_DIS_SETTERS)}")
        self.dis = cv2.DISOpticalFlow_create(_DIS_PRESETS[preset])
        for key, value in setters.items():
            getattr(self.dis, _DIS_SETTERS[key])(value)

    @classmethod
    def build(cls, *, weights: str | None, device: torch.device, **options: Any) -> DisFlow:
        if weights is not None:
            raise VidentError(f"the DIS flow backend takes no weights (got {weights!r})")
        return cls(**options)

    def forward(self, a: Tensor, b: Tensor) -> Tensor:
        check_pair(a, b)
        ga, gb = to_grey_uint8(a), to_grey_uint8(b)
        flows = np.stack([self.dis.calc(x, y, None) for x, y in zip(ga, gb, strict=True)])
        return torch.from_numpy(flows).permute(0, 3, 1, 2).contiguous().to(a.device)
