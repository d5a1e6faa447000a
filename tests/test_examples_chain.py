"""The chain lesson: it flips the sign; the engine matches central differences, the bug not."""

from examples import chain

ENGINE_AGREEMENT = 1e-9  # central differences with ε = 1e-4 on a cubic: error ~1e-12
PITFALL_AT_LEAST = 1e-4  # the updated-w₃ bug is off by ~6e-4 on the first update
RESULT = chain.run(fast=True)


def test_predictions_flip_the_sign():
    assert RESULT.predictions[1.0] < 0 < RESULT.predictions[-1.0]
    assert RESULT.predictions[1.0] == -RESULT.predictions[-1.0]
    assert len(RESULT.history) == chain.EPOCHS


def test_engine_agrees_with_central_differences():
    assert len(RESULT.rows) == 3 * chain.CHECKED_UPDATES
    assert RESULT.engine_error <= ENGINE_AGREEMENT


def test_pitfall_disagrees_on_w2_and_w1_only():
    assert RESULT.naive_error >= PITFALL_AT_LEAST
    for row in RESULT.rows:
        wrong = abs(row.naive - row.numeric) >= PITFALL_AT_LEAST
        assert wrong == (row.weight != "w₃"), row


def test_shared_factor_is_the_engines_z_grad():
    assert abs(RESULT.shared_factor - RESULT.shared_factor_by_hand) <= 1e-15
    assert RESULT.naive_weights != RESULT.weights


def test_keeps_learning_past_the_saddle():
    assert RESULT.loss < RESULT.history[0]
    assert RESULT.converged_epoch is not None and RESULT.converged_epoch > chain.EPOCHS
