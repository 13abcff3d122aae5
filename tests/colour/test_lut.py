"""The LUT maths, pinned to hand-computed values."""

from __future__ import annotations

import torch

from vident.colour.lut import apply_lut, identity_lut, monotonicity, smoothness
from vident.colour.model import ColourConfig, ColourNet, load_colour, save_colour


def test_identity_lut_returns_the_input() -> None:
    image = torch.rand(2, 3, 7, 9, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(apply_lut(image, identity_lut(5)), image, atol=1e-6)


def test_per_channel_curve_is_reproduced() -> None:
    """A LUT sampling (r², √g, 1-b) returns exactly that at lattice colours and within the
    trilinear interpolation error (h²/8 · max|f''| = 1/256 for r² on 9 points) elsewhere."""
    lattice = identity_lut(9)
    lut = torch.stack([lattice[0] ** 2, lattice[1].sqrt(), 1 - lattice[2]])
    on_grid = torch.tensor([0.0, 0.25, 0.5, 1.0]).view(1, 1, 1, 4).expand(1, 3, 1, 4)
    out = apply_lut(on_grid, lut)
    assert torch.allclose(out[0, 0], on_grid[0, 0] ** 2, atol=1e-6)
    assert torch.allclose(out[0, 2], 1 - on_grid[0, 2], atol=1e-6)
    image = torch.rand(1, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    out = apply_lut(image, lut)
    assert (out[0, 0] - image[0, 0] ** 2).abs().max() <= 1 / 256 + 1e-6
    assert torch.allclose(out[0, 2], 1 - image[0, 2], atol=1e-6)


def test_trilinear_lookup_between_corners() -> None:
    """On a 2-point lattice whose red output is r + 2g + 4b (linear, so trilinear is exact),
    colour (0.25, 0.5, 0.75) maps to 0.25 + 1 + 3 = 4.25 in channel 0."""
    lattice = identity_lut(2)
    lut = torch.stack([lattice[0] + 2 * lattice[1] + 4 * lattice[2], lattice[1], lattice[2]])
    colour = torch.tensor([0.25, 0.5, 0.75]).view(1, 3, 1, 1)
    assert torch.allclose(apply_lut(colour, lut)[0, :, 0, 0], torch.tensor([4.25, 0.5, 0.75]))


def test_regularisers_hand_values() -> None:
    # identity on 5 points: each channel steps 0.25 along its own axis only -> per axis the mean
    # squared step over the 3 channels is 0.0625 / 3; three axes sum to 0.0625.
    assert torch.isclose(smoothness(identity_lut(5)), torch.tensor(0.0625))
    assert monotonicity(identity_lut(5)) == 0
    # 1 - identity decreases by 0.25 per step along each channel's own axis: 3 x 0.25.
    assert torch.isclose(monotonicity(1 - identity_lut(5)), torch.tensor(0.75))
    # A decreasing cross-term (red falling with green) is allowed.
    lattice = identity_lut(5)
    cross = torch.stack([lattice[0] - 0.1 * lattice[1], lattice[1], lattice[2]])
    assert monotonicity(cross) == 0


def test_new_network_is_near_identity_and_round_trips(tmp_path) -> None:
    torch.manual_seed(0)
    model = ColourNet(ColourConfig(luts=3, size=9, thumb=32, width=8)).eval()
    image = torch.rand(2, 3, 24, 32)
    with torch.no_grad():
        assert (model(image) - image).abs().max() < 0.05
        save_colour(model, tmp_path / "c.pt")
        again = load_colour(tmp_path / "c.pt")
        assert torch.equal(again(image), model(image))
