"""Shared fixtures: one miniature sample per test session (the sample is deterministic)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default miniature sample (seed 0), generated once per session."""
    from vident.sample import make_sample

    return make_sample(tmp_path_factory.mktemp("sample") / "sample", seed=0)
