"""Shared fixtures: one miniature sample per test session (the sample is deterministic), and
one torch thread: the tests use small tensors, for which OpenMP threads only add contention on
a 2-core machine."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch


def pytest_configure(config: pytest.Config) -> None:
    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default miniature sample (seed 0), generated once per session."""
    from vident.sample import make_sample

    return make_sample(tmp_path_factory.mktemp("sample") / "sample", seed=0)
