"""The regression lesson: descent approaches least squares; too large a rate diverges."""

from examples import regression

FIT_TOLERANCE = 0.02  # 100 steps at η = 0.2 land within this of the normal equations
RESULT = regression.run(fast=False)


def test_good_rate_reaches_least_squares():
    w, b = RESULT.fit
    assert abs(w - RESULT.exact[0]) <= FIT_TOLERANCE and abs(b - RESULT.exact[1]) <= FIT_TOLERANCE


def test_rates_order_and_divergence():
    loss = RESULT.final_loss
    assert RESULT.diverged == {"too small": False, "good": False, "too large": True}
    assert loss["good"] < loss["too small"] < loss["too large"]


def test_absolute_error_resists_viral_days():
    assert abs(RESULT.absolute_fit[0] - regression.TRUE_W) < abs(
        RESULT.squared_fit[0] - regression.TRUE_W
    )


def test_least_squares_on_an_exact_line():
    assert regression.least_squares([0.0, 1.0, 2.0], [1.0, 3.0, 5.0]) == (2.0, 1.0)
