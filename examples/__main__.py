"""``python -m examples`` (``make demo``): run every lesson in its default setting."""

from examples import quickstart

if __name__ == "__main__":
    quickstart.main()
