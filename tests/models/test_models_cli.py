"""`vident models`: one line per model with parameters in M and GFLOPs (MACs)."""

from __future__ import annotations

import re

import pytest
import torch
from torch import nn

from vident.cli import main
from vident.models.cli import gmacs


class _OneConv(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1, bias=False)

    def forward(self, prev: torch.Tensor, cur: torch.Tensor) -> torch.Tensor:
        return self.conv(cur)


def test_gmacs_counts_multiply_accumulates() -> None:
    # 8 outputs x 3 inputs x 9 taps x (4 x 4) pixels = 3456 MACs
    assert gmacs(_OneConv(), 4, 4) == pytest.approx(3456e-9)


def test_lists_models_with_params_and_flops(capsys: pytest.CaptureFixture[str]) -> None:
    main(["models", "--names", "most-nss++", "most-net++", "--height", "32", "--width", "48"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert "MACs" in lines[0]
    assert re.fullmatch(r"most-nss\+\+\s+6\.\d\dM\s+\d+\.\d GFLOPs", lines[1].strip())
    assert lines[2].startswith("most-net++")


def test_unknown_name_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["models", "--names", "no-such-net", "--no-flops"])
    assert exit_info.value.code == 2
    assert "known:" in (err := capsys.readouterr().err) and "most-nss++" in err
