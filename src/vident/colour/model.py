"""The colour-mapping (CM) network: an image-adaptive 3D LUT (after Zeng et al. 2020).

A few basis LUTs are mixed by weights that a small CNN predicts from a downsampled copy of the
frame; the mixed LUT is then applied to every full-resolution pixel, so the cost of looking at
the frame does not grow with its size, and the learnt function is a colour -> colour map that
any RGB frame can go through (the Vident-real branch applies it to its own frames).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from vident.checkpoint import load_checkpoint, save_checkpoint
from vident.colour.lut import apply_lut, identity_lut


@dataclass(frozen=True)
class ColourConfig:
    """Architecture of the CM network (saved in its checkpoint)."""

    # Basis LUTs mixed per frame. The mixes span the maps of every camera in the dataset (the
    # sample's four phantom cameras each have their own colour model) and their exposure drift:
    # 3 could not tell four cameras apart (phantom-01 < 32 dB), 6 can.
    luts: int = 6
    size: int = 33  # lattice points per colour axis
    thumb: int = 64  # side of the square thumbnail the weight CNN sees
    width: int = 16  # channels of the CNN's first layer (doubled per layer, 4 layers, no
    # normalisation: an instance norm before the pooling would erase the colour statistics the
    # weights must depend on)


class ColourNet(nn.Module):
    """Image-adaptive 3D LUT: ``forward(image (N,3,H,W) in [0,1]) -> (N,3,H,W) in [0,1]``."""

    def __init__(self, config: ColourConfig = ColourConfig()) -> None:
        super().__init__()
        self.config = config
        basis = torch.zeros(config.luts, 3, config.size, config.size, config.size)
        basis[0] = identity_lut(config.size)
        self.basis = nn.Parameter(basis)
        layers: list[nn.Module] = []
        channels = 3
        for i in range(4):
            out = config.width * 2**i
            layers += [nn.Conv2d(channels, out, 3, stride=2, padding=1), nn.LeakyReLU(0.2)]
            channels = out
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(channels, config.luts)
        # Start near the identity map: weight 1 on the identity LUT, small image-dependent
        # weights on the (zero) others, so that both the LUTs and the weights get gradients.
        with torch.no_grad():
            self.head.weight.mul_(0.1)
            self.head.bias.copy_(F.one_hot(torch.tensor(0), config.luts).float())

    def weights(self, image: Tensor) -> Tensor:
        """(N, luts) mixing weights from the frame's thumbnail."""
        side = self.config.thumb
        thumb = F.interpolate(
            image, size=(side, side), mode="bilinear", align_corners=False, antialias=True
        )
        return self.head(self.features(thumb).mean(dim=(2, 3)))

    def luts(self, image: Tensor) -> tuple[Tensor, Tensor]:
        """The per-frame mixed LUTs (N,3,S,S,S) and the weights (N, luts) that made them."""
        w = self.weights(image)
        return torch.einsum("nk,kcdhw->ncdhw", w, self.basis), w

    def forward(self, image: Tensor) -> Tensor:
        return apply_lut(image, self.luts(image)[0])


def save_colour(model: ColourNet, path: str | os.PathLike[str], meta: dict | None = None) -> None:
    """Save config + weights atomically."""
    save_checkpoint(path, "vident-colour", asdict(model.config), model, meta)


def load_colour(path: str | os.PathLike[str], device: torch.device | str = "cpu") -> ColourNet:
    """A saved CM network, in eval mode on ``device``; bad files are user errors."""
    ckpt = load_checkpoint(path, "vident-colour", "vident colour train")
    model = ColourNet(ColourConfig(**ckpt["config"]))
    model.load_state_dict(ckpt["state_dict"])
    return model.to(device).eval()
