"""The minibatch lesson: small batches win per epoch, the full batch per update."""

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
