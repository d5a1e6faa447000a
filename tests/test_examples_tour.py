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


def test_step_through_renders_inline(executed):
    outputs = _outputs(executed, "step_through(y)")
    html = _data(outputs, "text/html")
    assert html and ("svg" in html[0] or "iframe" in html[0])
    text = "".join(o.get("text", "") for o in outputs)
    assert "∂y/∂w" in text


def test_training_draws_the_boundary(executed):
    outputs = _outputs(executed, "plot_decision_boundary")
    assert _data(outputs, "image/png")
    text = "".join(o.get("text", "") for o in outputs)
    assert "train accuracy after 100 steps: 100%" in text
