"""An evaluation forward, a training step and a whole epoch: this tree's engine against a
reference revision's, measured in the same run.

    .venv/bin/python benchmarks/bench_eval.py [--ref REV] [--rounds 200] [--seconds 0.005] [--only forward,step,epoch]

The reference is the engine as it was at ``--ref`` (default: the commit before the evaluation
backward and the step-by-step trainer), read with ``git archive`` into a temporary package, so
both sides run in this process on the same NumPy and BLAS. Tables:

1. Evaluation forward, ``forward(X, train=False)``: the reference is a copy of the forward as it
   was (``reference_eval_forward`` below: it kept nothing), against this tree's, which keeps the
   activations ``backward`` needs. One BLAS thread.
2. Training forward + backward (``forward(X, train=True)``, ``loss.grad``, ``backward``; no
   optimizer step) on one batch, the reference revision's MLP against this tree's. One thread.
3. ``Trainer.run_epoch`` epochs/s, the reference revision's trainer against this tree's, on
   data sets as the dashboard starts them (threads as the trainer chooses). Each pair of
   trainers is checked to give the same numbers, bit for bit.

Each measurement is many short rounds, the old side then the new one back to back in each, and
keeps each side's best round (the machine is shared: a round is only ever slowed by its
neighbours); the median of the rounds' own ratios shows how steady the comparison was. Times:
new/old above 1 is slower. Epochs/s: new/old below 1 is slower.
"""

from __future__ import annotations

import argparse
import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from tui_trainer.config import RunConfig, preset
from tui_trainer.engine import LOSSES, MLP
from tui_trainer.engine.threads import blas_threads

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REF = "7e3a521"  # main before the evaluation backward (and the trainer's step)


def load_reference_engine(ref: str):
    """The engine package as it was at ``ref``, imported as ``ref_engine`` (relative imports only)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "tui_trainer/engine"],
                             capture_output=True, check=True).stdout
    where = Path(tempfile.mkdtemp(prefix="bench_eval_ref_"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(where, filter="data")
    (where / "tui_trainer" / "engine").rename(where / "ref_engine")
    sys.path.insert(0, str(where))
    return importlib.import_module("ref_engine")


def reference_eval_forward(model: MLP, X: np.ndarray) -> np.ndarray:
    """The evaluation forward as it was at the reference (its train=False path, line for line)."""
    a = np.asarray(X, dtype=model.dtype)
    cache = []
    last = model.n_layers - 1
    for i in range(model.n_layers):
        W, b = model.params[2 * i], model.params[2 * i + 1]
        z = a @ W
        z += b
        if i == last:
            cache.append((a, z, None))
            a = z
            break
        h = model.activation.forward(z)
        mask = None
        a_next = h
        cache.append((a, h, mask))
        a = a_next
    return a


def paired_times(old, new, seconds: float, rounds: int) -> tuple[float, float, float]:
    """Seconds a call of ``old`` and of ``new``: the best of ``rounds`` rounds, each round a
    run of calls of ``old`` then one of ``new`` (about ``seconds`` each), back to back; and the
    median of the rounds' ratios new/old (how steady the comparison was)."""
    old(), new()  # warm-up: allocations, BLAS
    started = time.perf_counter()
    old()
    once = time.perf_counter() - started
    new()  # as many calls of each side (trainers then stand at the same epoch)
    number = max(5, int(seconds / max(once, 1e-7)))
    times = {old: [], new: []}
    for _ in range(rounds):
        for fn in (old, new):
            started = time.perf_counter()
            for _ in range(number):
                fn()
            times[fn].append((time.perf_counter() - started) / number)
    a, b = np.array(times[old]), np.array(times[new])
    return float(a.min()), float(b.min()), float(np.median(b / a))


def net_cases():
    rng = np.random.default_rng(0)
    for sizes, rows in (([2, 64, 64, 3], 75), ([2, 64, 64, 3], 2000), ([784, 256, 10], 2000)):
        yield "-".join(map(str, sizes)), sizes, rng.normal(size=(rows, sizes[0])), rng.integers(0, sizes[-1], rows)


def row(*cells) -> str:
    return "| " + " | ".join(cells) + " |"


def table_eval_forward(rounds: int, seconds: float) -> None:
    print("| evaluation forward | rows | old us | new us | new/old | (median of rounds) |")
    print("|---|---|---|---|---|---|")
    for name, sizes, X, _ in net_cases():
        model = MLP(sizes, activation="tanh", dropout=0.2, seed=0)
        assert reference_eval_forward(model, X).tobytes() == model.forward(X, train=False).tobytes()
        with blas_threads(1):
            old, new, median = paired_times(lambda: reference_eval_forward(model, X),
                                            lambda: model.forward(X, train=False), seconds, rounds)
        print(row(name, str(len(X)), f"{old * 1e6:.1f}", f"{new * 1e6:.1f}", f"{new / old:.3f}", f"{median:.3f}"),
              flush=True)


def table_training_step(ref, rounds: int, seconds: float) -> None:
    print("| training forward + backward | batch | old us | new us | new/old | (median of rounds) |")
    print("|---|---|---|---|---|---|")
    loss = LOSSES["cross_entropy"]
    for name, sizes, X, y in net_cases():
        batch = 32 if len(X) < 1000 else 128
        Xb, yb = X[:batch], y[:batch]
        old_model = ref.MLP(sizes, activation="tanh", dropout=0.2, seed=0)
        new_model = MLP(sizes, activation="tanh", dropout=0.2, seed=0)

        def step(model):
            out = model.forward(Xb, train=True)
            return model.backward(loss.grad(out, yb))

        assert all(a.tobytes() == b.tobytes() for a, b in zip(step(old_model), step(new_model)))
        with blas_threads(1):
            old, new, median = paired_times(lambda: step(old_model), lambda: step(new_model), seconds, rounds)
        print(row(name, str(batch), f"{old * 1e6:.1f}", f"{new * 1e6:.1f}", f"{new / old:.3f}", f"{median:.3f}"),
              flush=True)


EPOCH_CASES = (("spiral defaults", {}), ("digits, preset overfit", preset("overfit")))


def table_run_epoch(ref, rounds: int, seconds: float) -> None:
    print("| run_epoch | epochs/s old | epochs/s new | new/old | (median of rounds) | same numbers |")
    print("|---|---|---|---|---|---|")
    for name, fields in EPOCH_CASES:
        config = RunConfig(**fields)
        data = config.load_data()
        new_trainer = config.make_trainer(data)
        new_trainer.max_epochs = None
        old_trainer = ref.Trainer(data, hidden=new_trainer.hidden, activation=new_trainer.activation,
                                  settings=ref.Settings(**asdict(new_trainer.settings)), seed=new_trainer.seed,
                                  dtype=new_trainer.dtype.name)
        old, new, median = paired_times(old_trainer.run_epoch, new_trainer.run_epoch, seconds, rounds)
        same = all(old_trainer.history[c].tobytes() == new_trainer.history[c].tobytes()
                   for c in ("train_cost", "test_cost", "train_metric", "test_metric", "steps"))
        same = same and old_trainer.model.flat_params.tobytes() == new_trainer.model.flat_params.tobytes()
        print(row(name, f"{1 / old:,.0f}", f"{1 / new:,.0f}", f"{old / new:.3f}", f"{1 / median:.3f}",
                  "yes" if same else "NO"), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ref", default=DEFAULT_REF, help=f"the reference revision (default {DEFAULT_REF})")
    parser.add_argument("--rounds", type=int, default=200, help="rounds of each measurement (default 200)")
    parser.add_argument("--seconds", type=float, default=0.005,
                        help="seconds of calls of each side in a round (default 0.005): short rounds, "
                             "interleaved, see the same spells of a busy machine")
    parser.add_argument("--only", default="forward,step,epoch", help="tables to print (default all three)")
    args = parser.parse_args()
    ref = load_reference_engine(args.ref)
    print(f"# reference: {args.ref}; the best of {args.rounds} interleaved rounds of ~{args.seconds * 1e3:g} ms "
          "a side; one BLAS thread for the first two tables")
    tables = {"forward": lambda: table_eval_forward(args.rounds, args.seconds),
              "step": lambda: table_training_step(ref, args.rounds, args.seconds),
              "epoch": lambda: table_run_epoch(ref, args.rounds, args.seconds)}
    for i, name in enumerate(args.only.split(",")):
        if i:
            print()
        tables[name]()


if __name__ == "__main__":
    main()
