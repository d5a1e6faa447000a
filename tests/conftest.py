"""Shared test settings: PyTorch is the oracle, in float64."""

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

torch = pytest.importorskip("torch", reason="torch==2.13.0 is part of the test extra")
torch.set_default_dtype(torch.float64)
