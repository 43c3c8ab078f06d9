"""BLAS threads: small products on one thread, the count put back after each epoch."""

import sys
import numpy as np
import pytest
from threadpoolctl import threadpool_info

from tui_trainer.engine import Settings, Trainer
from tui_trainer.engine.threads import AUTO, SHARE_FROM, blas_threads, check_threads, largest_product, threads_for


def blas_count() -> int | None:
    counts = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return counts[0] if counts else None


needs_blas = pytest.mark.skipif(blas_count() is None, reason="no BLAS that threadpoolctl can drive")


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, None])
def test_threads_are_auto_or_a_whole_number(bad):
    with pytest.raises(ValueError, match="'auto' or a whole number >= 1"):
        check_threads(bad)
    assert check_threads(AUTO) == AUTO and check_threads(3) == 3


def test_auto_keeps_small_products_on_one_thread_and_leaves_large_ones_to_blas():
    assert largest_product([2, 32, 32, 3], 32) == 32 * 32 * 32
    assert largest_product([784, 256, 10], 128) == 128 * 784 * 256
    assert threads_for(AUTO, SHARE_FROM - 1) == 1
    assert threads_for(AUTO, SHARE_FROM) is None
    assert threads_for(2, 10) == 2


@needs_blas
def test_blas_threads_sets_the_count_and_puts_it_back():
    def counts():  # every BLAS library loaded (numpy's, and any other), by file
        return {i["filepath"]: i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    before = counts()
    other = 1 if max(before.values()) != 1 else 2
    with blas_threads(other):
        assert set(counts().values()) == {other}, counts()
    assert counts() == before
    with blas_threads(None):
        assert counts() == before


@needs_blas
@pytest.mark.parametrize("threads,expected", [(AUTO, 1), (2, 2)])
def test_the_trainer_steps_with_the_count_it_chose(spiral_like, threads, expected, monkeypatch):
    monkeypatch.setattr("tui_trainer.engine.trainer.POLL_INTERVAL", 0.0)  # poll between every two steps
    before = blas_count()
    trainer = Trainer(spiral_like, settings=Settings(batch_size=8), threads=threads)
    seen = []
    trainer.poll = lambda: seen.append(blas_count())
    trainer.run_epoch()
    seen = seen[1:]  # the first poll comes before the epoch's steps
    assert seen and set(seen) == {expected}  # a small network: one thread under auto
    assert blas_count() == before


def test_two_threads_give_the_same_numbers_run_after_run(spiral_like):
    runs = []
    for _ in range(2):
        trainer = Trainer(spiral_like, hidden=(64, 64), settings=Settings(batch_size=16), threads=2, seed=1)
        list(trainer.epochs(3))
        runs.append(np.concatenate([p.ravel() for p in trainer.model.params]))
    assert runs[0].tobytes() == runs[1].tobytes()


def test_blas_libraries_are_listed_again_after_an_import(monkeypatch):
    # a BLAS loaded after the first epoch (scipy's own OpenBLAS, imported with scikit-learn)
    # must be driven too: the list is made again once modules have been imported
    import types

    import threadpoolctl

    from tui_trainer.engine import threads

    made = []

    class Controller:
        def __init__(self):
            made.append(self)
            self.lib_controllers = []

    monkeypatch.setattr(threadpoolctl, "ThreadpoolController", Controller)
    monkeypatch.setattr(threads, "_libraries", None)
    threads._blas_libraries()
    threads._blas_libraries()
    assert len(made) == 1  # nothing imported in between: the list is kept
    monkeypatch.setitem(sys.modules, "a_module_with_a_blas", types.ModuleType("a_module_with_a_blas"))
    threads._blas_libraries()
    assert len(made) == 2
