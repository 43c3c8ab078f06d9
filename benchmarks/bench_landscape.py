"""Time of landscape.weight_slice and cost_along against the plain way, in the same run.

    python benchmarks/bench_landscape.py [--values 60] [--repeats 5] [--quick]

The plain way: for each value, set the parameters, ``model.forward(X)``, ``loss.cost``. Three
sizes the Step view meets: the spiral's train part (75 rows, 2-64-64-3), the digits overfit
preset's (180 rows of 64 features, 64-256-256-10, squared error) and a 100,000-row CSV
(8 features, the default 8-32-32-3). weight_slice is timed for a weight of the first, the
middle and the last layer (the earlier the layer, the more layers follow it), cost_along for
the direction of steepest descent. Both ways on one BLAS thread, as landscape runs. Each row:
best of the repeats, interleaved.
"""

from __future__ import annotations

import argparse
import time
from types import SimpleNamespace

import numpy as np

from tui_trainer.config import RunConfig
from tui_trainer.data import PRESETS
from tui_trainer.engine import Trainer, landscape
from tui_trainer.engine.threads import blas_threads


def spiral():
    return RunConfig(dataset="spiral").make_trainer()


def digits_overfit():
    keys = ("dataset", "train_fraction", "hidden", "dropout", "optimizer", "learning_rate", "loss",
            "activation", "batch_size", "epochs")
    return RunConfig(**{k: PRESETS["overfit"][k] for k in keys}).make_trainer()


def csv_100k():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100_000, 8))
    y = np.digitize(X[:, 0] + 0.5 * X[:, 1] * X[:, 2], [-0.5, 0.5])
    data = SimpleNamespace(task="classification", X_train=X, y_train=y, X_test=X[:100], y_test=y[:100])
    return Trainer(data, hidden=(32, 32))


def plain_costs(model, loss, X, y, params_for):
    kept = model.flat_params.copy()
    costs = []
    with blas_threads(1):  # as landscape's own products
        for params in params_for:
            model.flat_params[...] = params
            costs.append(loss.cost(model.forward(X), y))
    model.flat_params[...] = kept
    return np.array(costs)


def plain_slice(model, loss, X, y, index, values):
    def each():
        p = model.flat_params.copy()
        for v in values:
            p[index] = v
            yield p
    return plain_costs(model, loss, X, y, each())


def plain_along(model, loss, X, y, d, ts):
    p0 = model.flat_params.copy()
    return plain_costs(model, loss, X, y, (p0 + t * d for t in ts))


def best_of(repeats, *fns):
    """Best time of each function over interleaved repeats, and the last results."""
    best, results = [float("inf")] * len(fns), [None] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            started = time.perf_counter()
            results[i] = fn()
            best[i] = min(best[i], time.perf_counter() - started)
    return best, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="leave out the 100,000-row set")
    args = parser.parse_args()
    sets = [("spiral 75 x 2, 2-64-64-3", spiral), ("digits overfit 180 x 64, 64-256-256-10", digits_overfit)]
    if not args.quick:
        sets.append(("CSV 100,000 x 8, 8-32-32-3", csv_100k))
    print(f"{args.values} values a call; best of {args.repeats}; ms a call; plain / ours")
    print(f"{'set':42} {'call':22} {'ours ms':>9} {'plain ms':>9} {'ratio':>7} {'max rel diff':>13}")
    for name, build in sets:
        trainer = build()
        for _ in range(3):
            trainer.run_epoch()
        model, loss, X, y = trainer.model, trainer.loss, trainer.X_train, trainer.y_train
        out = model.forward(X, train=True, masks=[None] * (model.n_layers - 1))
        model.backward(loss.grad(out, y))
        grad = model.flat_grads.copy()
        repeats = args.repeats if len(X) < 10_000 else max(1, args.repeats // 2)
        starts = np.cumsum([0] + [p.size for p in model.params])
        cases = []
        for layer, label in ((0, "first"), (model.n_layers // 2, "middle"), (model.n_layers - 1, "last")):
            index = int(starts[2 * layer] + model.params[2 * layer].size // 2)
            w = model.flat_params[index]
            values = w + np.linspace(-2, 2, args.values)
            cases.append((f"weight_slice {label} W",
                          lambda index=index, values=values: landscape.weight_slice(model, loss, X, y, index, values),
                          lambda index=index, values=values: plain_slice(model, loss, X, y, index, values)))
        d = -grad / np.linalg.norm(grad)
        ts = np.linspace(-1, 1, args.values)
        cases.append(("cost_along -grad",
                      lambda: landscape.cost_along(model, loss, X, y, d, ts),
                      lambda: plain_along(model, loss, X, y, d, ts)))
        for call, ours, plain in cases:
            (t_ours, t_plain), (c_ours, c_plain) = best_of(repeats, ours, plain)
            diff = float(np.max(np.abs(c_ours - c_plain) / np.abs(c_plain)))
            print(f"{name:42} {call:22} {1e3 * t_ours:9.2f} {1e3 * t_plain:9.2f} {t_plain / t_ours:7.1f} {diff:13.1e}")


if __name__ == "__main__":
    main()
