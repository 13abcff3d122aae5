"""Single-task baselines: parameter counts, one task each, the pretrained switch."""

from __future__ import annotations

import pytest
import segmentation_models_pytorch as smp
import torch

from vident.models.zoo import build_model, count_parameters

BASELINE_PARAMS = {"mimo-unet": 6.8, "deeplabv3+": 26.7, "unet++": 50.0}


@pytest.mark.parametrize("name", sorted(BASELINE_PARAMS))
def test_parameter_counts_match_the_thesis(name: str) -> None:
    millions = count_parameters(build_model(name)) / 1e6
    assert abs(millions - BASELINE_PARAMS[name]) <= 0.15 * BASELINE_PARAMS[name], millions


def test_baselines_predict_only_their_task() -> None:
    frames = torch.rand(1, 3, 48, 72), torch.rand(1, 3, 48, 72)  # 72 is no multiple of 32
    with torch.no_grad():
        restored = build_model("mimo-unet").eval()(*frames)
        segmented = build_model("deeplabv3+").eval()(*frames)
    assert restored.tasks() == ["R"] and restored.R[2].shape == (1, 3, 12, 18)
    assert segmented.tasks() == ["M"] and segmented.M[0].shape == (1, 1, 48, 72)
    assert segmented.M[1] is None


def test_pretrained_switch_asks_for_imagenet_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def fake(encoder: str, encoder_weights: str | None, classes: int) -> torch.nn.Module:
        seen.append((encoder, encoder_weights, classes))
        return torch.nn.Identity()

    monkeypatch.setattr(smp, "UnetPlusPlus", fake)
    build_model("unet++")
    build_model("unet++", pretrained=True)
    assert seen == [("resnet50", None, 1), ("resnet50", "imagenet", 1)]


def test_mimo_unet_trains_end_to_end() -> None:
    model = build_model("mimo-unet").train()
    out = model(torch.rand(1, 3, 32, 48), torch.rand(1, 3, 32, 48))
    sum(r.square().mean() for r in out.R).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())
