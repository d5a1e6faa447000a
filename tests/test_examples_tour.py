"""The tour notebook runs headless and its outputs hold rendered pictures."""

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "tour.ipynb"
TIMEOUT = 300  # seconds per cell


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # "python3" resolves to ipykernel's own kernelspec: the interpreter running the tests.
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOK.parent.parent)}},
    )
    client.execute()
    return nb


def _outputs(nb, needle):
    cell = next(c for c in nb.cells if c.cell_type == "code" and needle in c.source)
    return cell.outputs


def _data(outputs, mime):
    return [o["data"][mime] for o in outputs if "data" in o and mime in o["data"]]


def test_engine_cell_prints_the_gradients(executed):
    text = "".join(o.get("text", "") for o in _outputs(executed, "y.backward()"))
    assert "y = -0.6044" in text and "∂y/∂w = 1.2695" in text


def test_graph_renders_as_svg(executed):
    svgs = _data(_outputs(executed, "draw_graph(y)"), "image/svg+xml")
    assert svgs and "<svg" in svgs[0] and "∂" in svgs[0]


def test_step_through_prints_every_step(executed):
    text = "".join(o.get("text", "") for o in _outputs(executed, "step_through(y)"))
    assert "∂y/∂w += ∂y/∂(w·x) · ∂(w·x)/∂w" in text and "Step 5 / 5" in text


def test_training_draws_the_boundary(executed):
    outputs = _outputs(executed, "plot_decision_boundary")
    assert _data(outputs, "image/png")
    text = "".join(o.get("text", "") for o in outputs)
    assert "train accuracy after 100 steps: 100%" in text


def test_live_cell_is_a_live_page(executed):
    html = _data(_outputs(executed, "viz.live(y"), "text/html")
    assert html and html[0].startswith("<iframe srcdoc=") and "chainruleLive" in html[0]


def test_the_notebook_is_saved_with_its_outputs(executed):
    """What a code host shows: the saved file holds every cell's outputs, the same texts and
    the same kinds of pictures as a fresh run (``python tests/test_examples_tour.py``
    refreshes it)."""
    saved = nbformat.read(NOTEBOOK, as_version=4)
    fresh = [c for c in executed.cells if c.cell_type == "code"]
    kept = [c for c in saved.cells if c.cell_type == "code"]
    assert [c.source for c in kept] == [c.source for c in fresh]
    for old, new in zip(kept, fresh):
        assert old.outputs, f"saved without outputs: {old.source[:40]!r}"
        assert _texts(old.outputs) == _texts(new.outputs), old.source[:40]
        assert _kinds(old.outputs) == _kinds(new.outputs), old.source[:40]


def _texts(outputs):
    return "".join(o.get("text", "") for o in outputs)


def _kinds(outputs):
    return sorted(mime for o in outputs for mime in o.get("data", {}))


if __name__ == "__main__":
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=TIMEOUT,
                            resources={"metadata": {"path": str(NOTEBOOK.parent.parent)}}).execute()
    nbformat.write(nb, NOTEBOOK)
