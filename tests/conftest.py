"""Shared test settings: PyTorch is the oracle, in float64."""

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

torch = pytest.importorskip("torch", reason="torch==2.13.0 is part of the test extra")
torch.set_default_dtype(torch.float64)


# Debian's chromium, driven by playwright (never `playwright install`: no browser downloads
# here); without the background-networking flags it tries hosts this machine cannot reach.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
