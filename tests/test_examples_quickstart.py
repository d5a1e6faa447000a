"""The quickstart: the README's numbers."""

import contextlib
import io

from examples import quickstart


def test_quickstart_numbers():
    with contextlib.redirect_stdout(io.StringIO()) as out:
        result = quickstart.main()
    assert round(result["y"], 4) == -0.6044 and round(result["w"], 4) == 1.2695
    assert "central differences agree: True" in out.getvalue()
