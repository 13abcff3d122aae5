"""The F2F denoiser: a DnCNN-style residual CNN (Zhang et al. 2017), as in Ehret et al. 2019.

Why DnCNN rather than a U-Net: it predicts the noise, so the noise map N = x - f(x) is the
network's own output; it has no down-sampling, so it runs on any frame size (RGB frames and
half-resolution packed Bayer planes alike) without padding; and it is the network F2F was
published with. Plain convolutions + ReLU (no batch norm: F2F trains on small batches of
crops from one video, where batch statistics are noisy); He-initialised hidden layers (with
PyTorch's default init the activations shrink layer by layer and training from random init
barely moves for hundreds of steps) and a zero last layer, so training starts from the identity.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn

from vident.checkpoint import load_checkpoint, save_checkpoint


@dataclass(frozen=True)
class DenoiserConfig:
    """Architecture of the denoiser (saved in its checkpoint)."""

    channels: int = 3  # 3 for RGB frames, 4 for packed RGGB Bayer planes
    features: int = 32
    depth: int = 8  # convolution layers; receptive field 2·depth+1 pixels


class DnCNN(nn.Module):
    """``forward(x (N,C,H,W) in [0,1]) -> denoised x - noise(x)``; ``noise(x)`` is the residual."""

    def __init__(self, config: DenoiserConfig = DenoiserConfig()) -> None:
        super().__init__()
        self.config = config
        c, f = config.channels, config.features
        layers: list[nn.Module] = [nn.Conv2d(c, f, 3, padding=1), nn.ReLU(inplace=True)]
        for _ in range(config.depth - 2):
            layers += [nn.Conv2d(f, f, 3, padding=1), nn.ReLU(inplace=True)]
        layers.append(nn.Conv2d(f, c, 3, padding=1))
        self.body = nn.Sequential(*layers)
        for conv in self.body[:-1:2]:  # He init keeps activations alive through the ReLU stack
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            nn.init.zeros_(conv.bias)
        nn.init.zeros_(self.body[-1].weight)  # start as the identity: no noise predicted
        nn.init.zeros_(self.body[-1].bias)

    def noise(self, x: Tensor) -> Tensor:
        return self.body(x)

    def forward(self, x: Tensor) -> Tensor:
        return x - self.body(x)


def save_denoiser(model: DnCNN, path: str | os.PathLike[str], meta: dict | None = None) -> None:
    """Save config + weights atomically."""
    save_checkpoint(path, "vident-f2f", asdict(model.config), model, meta)


def load_denoiser(path: str | os.PathLike[str], device: torch.device | str = "cpu") -> DnCNN:
    """A saved denoiser on ``device`` (eval mode); bad files are user errors."""
    ckpt = load_checkpoint(path, "vident-f2f", "vident denoise")
    model = DnCNN(DenoiserConfig(**ckpt["config"]))
    model.load_state_dict(ckpt["state_dict"])
    return model.to(device).eval()
