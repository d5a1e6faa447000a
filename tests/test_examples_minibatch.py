"""The minibatch lesson: smaller batches fall faster per epoch and jitter, the full batch
needs fewest updates; the prose says what the numbers say."""

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
    """The text ranks the batches by how fast they fall and by their mean over the last
    quarter of epochs, and says so when the last epoch alone ranks them otherwise."""
    jitter = {64: [0.3, 0.25, 0.2, 0.19, 0.18, 0.17, 0.16, 0.158],
              4: [0.2, 0.15, 0.1, 0.08, 0.06, 0.04, 0.03, 0.0316],
              1: [0.1, 0.05, 0.04, 0.03, 0.02, 0.018, 0.0133, 0.0447]}
    text = minibatch.per_epoch(jitter, 64, 8)
    assert "the smaller the batch, the faster the loss falls: after 2 epochs, the full " \
        "batch 0.2500, batch 4 0.1500, batch 1 0.0500." in text
    assert "batch 1 moves between 0.0133 and 0.0447" in text
    assert "the last epoch alone puts batch 4 first (0.0316 against 0.0447) although " \
        "batch 1 is lower on average over those epochs (0.0290 against 0.0308)" in text
    steady = minibatch.per_epoch({64: [0.3, 0.2], 4: [0.2, 0.1], 1: [0.25, 0.05]}, 64, 2)
    assert "after 1 epoch batch 4 is lowest" in steady
    assert "on average over them batch 1 gets lowest (0.0500)" in steady
    assert "last epoch alone" not in steady
    late = len(RESULT.losses[1]) // 4
    mean = {s: sum(v[-late:]) / late for s, v in RESULT.losses.items()}
    assert f"{min(mean.values()):.4f} over the last {late}" in RESULT.summary()
