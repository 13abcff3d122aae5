"""Flow engine: DIS recovers known warps; RAFT runs at any size, loads checkpoints, trains."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from vident.errors import VidentError
from vident.motion.flow import FLOW_BACKENDS, make_flow
from vident.motion.raft import raft_train_forward
from vident.motion.warp import backward_warp


def texture(h: int, w: int, seed: int = 0) -> np.ndarray:
    """(H,W,3) float32 in [0,1]: smooth random texture at two scales (good for flow)."""
    rng = np.random.default_rng(seed)
    fine = cv2.GaussianBlur(rng.random((h, w, 3)).astype(np.float32), (0, 0), 1.5)
    coarse = cv2.GaussianBlur(rng.random((h, w, 3)).astype(np.float32), (0, 0), 6.0)
    out = fine + 2 * coarse
    return (out - out.min()) / np.ptp(out)


def as_batch(img: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(img).permute(2, 0, 1)[None].contiguous()


def warped_pair(
    A: np.ndarray, h: int = 96, w: int = 128
) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
    """Frame a and b = a moved by the 2x3 affine A (a px -> b px); the true flow a -> b (H,W,2)."""
    a = texture(h, w)
    b = cv2.warpAffine(a, A, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    points = np.stack([xs, ys, np.ones_like(xs)], axis=-1)
    flow = points @ A.T - points[..., :2]
    return as_batch(a), as_batch(b), flow.astype(np.float32)


@pytest.mark.parametrize(
    "A",
    [
        np.array([[1.0, 0.0, 2.4], [0.0, 1.0, -1.7]]),  # translation
        np.array([[1.02, 0.03, -1.0], [-0.02, 0.99, 1.5]]),  # affine
    ],
    ids=["translation", "affine"],
)
def test_dis_recovers_a_known_warp(A: np.ndarray) -> None:
    a, b, truth = warped_pair(A)
    flow = make_flow("dis", preset="medium")(a, b)
    assert flow.shape == (1, 2, 96, 128) and flow.dtype == torch.float32
    epe = np.linalg.norm(flow[0].permute(1, 2, 0).numpy() - truth, axis=-1)
    assert epe[12:-12, 12:-12].mean() < 0.3
    # And the convention: b warped back by the flow is a.
    back = backward_warp(b, flow)
    assert (back - a)[..., 12:-12, 12:-12].abs().mean() < 0.02 < (b - a).abs().mean()


def test_dis_options_and_errors() -> None:
    a, b, _ = warped_pair(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]))
    flow = make_flow("dis", preset="fast", finest_scale=0, variational_refinement_iterations=5)(
        a, b
    )
    assert flow.shape == (1, 2, 96, 128)
    with pytest.raises(VidentError, match="unknown DIS options"):
        make_flow("dis", patch=3)
    with pytest.raises(VidentError, match="preset"):
        make_flow("dis", preset="slow")
    with pytest.raises(VidentError, match="known: dis, raft_large, raft_small"):
        make_flow("farneback")


def test_registry_names() -> None:
    assert list(FLOW_BACKENDS) == ["dis", "raft_large", "raft_small"]


@pytest.fixture(scope="module")
def raft_small() -> torch.nn.Module:
    torch.manual_seed(0)
    return make_flow("raft_small", num_flow_updates=2)


def test_raft_random_init_odd_size(raft_small: torch.nn.Module) -> None:
    a = torch.rand(1, 3, 37, 51)
    b = torch.rand(1, 3, 37, 51)
    flow = raft_small(a, b)
    assert flow.shape == (1, 2, 37, 51) and flow.dtype == torch.float32
    assert torch.isfinite(flow).all() and not flow.requires_grad
    assert not raft_small.training and not raft_small.module.training


def test_raft_checkpoint_round_trip(raft_small: torch.nn.Module, tmp_path: Path) -> None:
    a, b = torch.rand(1, 3, 40, 40), torch.rand(1, 3, 40, 40)
    expected = raft_small(a, b)
    bare, wrapped = tmp_path / "bare.pt", tmp_path / "wrapped.pt"
    torch.save(raft_small.module.state_dict(), bare)
    torch.save(
        {"state_dict": raft_small.module.state_dict(), "config": {"arch": "raft_small"}}, wrapped
    )
    for path in (bare, wrapped):
        torch.manual_seed(123)  # a different random init, overwritten by the checkpoint
        loaded = make_flow("raft_small", weights=str(path), num_flow_updates=2)
        torch.testing.assert_close(loaded(a, b), expected)
    with pytest.raises(VidentError, match="does not fit raft_large"):
        make_flow("raft_large", weights=str(bare))
    with pytest.raises(VidentError, match="not found"):
        make_flow("raft_small", weights=str(tmp_path / "missing.pt"))


def test_raft_train_forward_gives_every_iteration_with_gradients(
    raft_small: torch.nn.Module,
) -> None:
    a, b = torch.rand(1, 3, 33, 45), torch.rand(1, 3, 33, 45)
    predictions = raft_train_forward(raft_small.module, a, b, num_flow_updates=3)
    assert len(predictions) == 3 and all(p.shape == (1, 2, 33, 45) for p in predictions)
    sum(p.abs().mean() for p in predictions).backward()
    grads = [p.grad for p in raft_small.module.parameters() if p.grad is not None]
    assert grads and any(g.abs().sum() > 0 for g in grads)
    raft_small.module.zero_grad(set_to_none=True)
