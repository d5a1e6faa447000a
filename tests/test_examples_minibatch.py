"""The minibatch lesson: smaller batches get further per epoch (down to a point), the full
batch per update; the prose says what the numbers say."""

from examples import minibatch

RESULT = minibatch.run(fast=True)


def test_per_epoch_small_batches_get_further():
    full = RESULT.losses[RESULT.n][-1]
    assert RESULT.losses[1][-1] < full and RESULT.losses[4][-1] < full


def test_per_update_the_full_batch_needs_fewest():
    reach = RESULT.updates_to_match_full
    assert reach[RESULT.n] == len(RESULT.losses[RESULT.n])
    assert all(r is None or r >= reach[RESULT.n] for r in reach.values())
    assert RESULT.updates_per_epoch == {RESULT.n: 1, 4: 6, 1: 24}


def test_the_prose_follows_the_numbers_per_epoch():
    """The text names the batch that ends lowest, and says so when the smallest trails it."""
    trailing = minibatch.per_epoch({64: [0.1578], 16: [0.1411], 4: [0.0315], 1: [0.0447]}, 64, 40)
    assert "batch 4 ends lowest" in trailing and "batch 1 ends at 0.0447, behind it" in trailing
    leading = minibatch.per_epoch({64: [0.2], 4: [0.05], 1: [0.01]}, 64, 40)
    assert "batch 1 ends lowest" in leading and "behind" not in leading
    best = min(RESULT.losses, key=lambda s: RESULT.losses[s][-1])
    assert f"{RESULT.losses[best][-1]:.4f}" in RESULT.summary()
