import numpy as np

from course_lib.training.history import History


def test_summary_and_properties():
    h = History(steps=np.arange(3), lr=np.full(3, 0.1), loss=np.array([3.0, 2.0, 1.0]), label="sgd")
    assert h.n_steps == 3 and h.final_loss == 1.0
    assert h.summary() == "sgd: 3 steps, final loss 1"
    h2 = History(diverged=True, diverged_step=5)
    assert "DIVERGED at step 5 (lr=?)" in h2.summary()
    assert np.isnan(h2.final_loss) and np.isnan(h2.final_val_acc)


def test_histories_compare_by_identity_not_elementwise():
    a, b = History(loss=np.ones(3)), History(loss=np.ones(3))
    assert a == a and a != b
