"""Training speed of the engine, side by side with scikit-learn and PyTorch in the same run.

    python benchmarks/bench_engine.py [--quick] [--threads auto|N] [--only W1,W3] [--repeats 5]

Prints samples per second of training (the steps only; "with eval" adds the per-epoch
evaluation of the train and test costs that the dashboard shows) and the ratios:
ours float64 / scikit-learn (float64), ours float32 / PyTorch (float32), and, on W3, the
fraction of the machine's matmul peak (a large GEMM timed here, same dtype and threads),
beside the fraction that the step's two large products reach by themselves: how near a step
can come on this CPU. The header names the CPU and the BLAS kernels, which move these figures
most (an AVX-512 machine's peak rises more than a small product's rate does).
Needs the `bench` extra (scikit-learn, threadpoolctl); PyTorch is used where installed, and our
compiled optimizer steps where numba is (the `fast` extra; --numpy-only leaves them out).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from tui_trainer.engine import Settings, Trainer, fused
from tui_trainer.engine.threads import largest_product, threads_for


REPEATS = 5  # runs of each measurement, interleaved; the best is kept (--repeats)


@dataclass
class Workload:
    name: str
    what: str
    n: int
    n_features: int
    hidden: tuple[int, ...]
    n_classes: int
    batch: int | str  # a size, or "batch" for full-batch GD
    epochs: int


WORKLOADS = [
    Workload("W1", "spiral 2,000 x 2, 2-32-32-3, batch 32, 50 epochs", 2000, 2, (32, 32), 3, 32, 50),
    Workload("W2", "blobs 10,000 x 64, 64-128-128-10, batch 128, 10 epochs", 10000, 64, (128, 128), 10, 128, 10),
    Workload("W3", "60,000 x 784, 784-256-10, batch 128, 2 epochs", 60000, 784, (256,), 10, 128, 2),
    Workload("W4", "pure SGD 2,000 x 2, 2-16-16-2, batch 1, 3 epochs", 2000, 2, (16, 16), 2, 1, 3),
    Workload("W5", "full-batch GD 2,000 x 2, 2-32-32-3, 500 steps", 2000, 2, (32, 32), 3, "batch", 500),
]


def make_data(w: Workload, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, w.n_classes, size=w.n)
    if w.n_features == 2:  # a noisy spiral with n_classes arms
        t = rng.uniform(0, 1, w.n)
        angle = y * 2 * np.pi / w.n_classes + 4 * t + rng.normal(0, 0.2, w.n)
        X = np.c_[t * np.cos(angle), t * np.sin(angle)]
    else:  # gaussian blobs
        centres = rng.normal(0, 1, size=(w.n_classes, w.n_features))
        X = centres[y] + rng.normal(0, 2.0, size=(w.n, w.n_features))
    X = (X - X.mean(0)) / X.std(0)
    return X, y


def ours(w: Workload, X, y, optimizer: str, dtype: str, threads: int | str) -> tuple[float, float]:
    """(samples/s of the training steps, samples/s with the per-epoch evaluation)."""
    data = SimpleNamespace(task="classification", X_train=X, y_train=y, X_test=X[:200], y_test=y[:200])
    mode = "batch" if w.batch == "batch" else ("sgd" if w.batch == 1 else "mini-batch")
    lr = 1e-3 if optimizer == "adam" else 1e-2
    settings = Settings(optimizer=optimizer, learning_rate=lr, batch_mode=mode,
                        batch_size=w.batch if isinstance(w.batch, int) else 32)
    trainer = Trainer(data, hidden=w.hidden, activation="relu", settings=settings, seed=0, dtype=dtype,
                      threads=threads)
    trainer.run_epoch()  # warm-up (allocations, BLAS)
    started = time.perf_counter()
    seconds = sum(s.seconds for s in trainer.epochs(w.epochs))
    wall = time.perf_counter() - started
    samples = w.n * w.epochs
    return samples / seconds, samples / wall


def sklearn(w: Workload, X, y, optimizer: str) -> float:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    batch = w.n if w.batch == "batch" else w.batch
    model = MLPClassifier(hidden_layer_sizes=w.hidden, activation="relu", solver=optimizer, alpha=0.0,
                          batch_size=batch, learning_rate_init=1e-3 if optimizer == "adam" else 1e-2,
                          max_iter=w.epochs, shuffle=True, tol=0.0, n_iter_no_change=10**9,
                          momentum=0.0, nesterovs_momentum=False, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        model.fit(X, y)
        return w.n * model.n_iter_ / (time.perf_counter() - started)


def pytorch(w: Workload, X, y, optimizer: str, threads: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    sizes = [w.n_features, *w.hidden, w.n_classes]
    layers: list = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = (torch.optim.Adam(net.parameters(), lr=1e-3) if optimizer == "adam"
           else torch.optim.SGD(net.parameters(), lr=1e-2))
    loss_fn = torch.nn.CrossEntropyLoss()
    tX, ty = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    batch = w.n if w.batch == "batch" else w.batch
    gen = torch.Generator().manual_seed(0)

    def epoch():
        order = torch.randperm(w.n, generator=gen)
        Xs, ys = tX[order], ty[order]
        for start in range(0, w.n, batch):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(Xs[start:start + batch]), ys[start:start + batch])
            loss.backward()
            opt.step()

    epoch()
    started = time.perf_counter()
    for _ in range(w.epochs):
        epoch()
    return w.n * w.epochs / (time.perf_counter() - started)


def matmul_peak(dtype: str, size: int = 2048, repeats: int = 5) -> float:
    """FLOP/s of a large square GEMM (the best of a few), the machine's practical peak."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=(size, size)).astype(dtype)
    b = rng.normal(size=(size, size)).astype(dtype)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * size**3 / best


def products_rate(w: Workload, dtype: str, repeats: int = 200) -> float:
    """FLOP/s of a step's two large products alone, at the workload's shapes (the forward
    product and the first layer's weight gradient, on one batch), kept hot in cache: the
    best rate any implementation's step could reach, since the rest of a step adds time but
    next to no FLOPs. Counted with the step's FLOPs, as the step's rate is."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(w.batch, w.n_features)).astype(dtype)
    W = rng.normal(size=(w.n_features, w.hidden[0])).astype(dtype)
    Z, G = np.empty((w.batch, w.hidden[0]), dtype), np.empty_like(W)

    def both():
        for _ in range(repeats):
            np.matmul(X, W, out=Z)
            np.matmul(X.T, Z, out=G)

    both()
    best = min(_timed(both) for _ in range(5)) / repeats
    return flops_per_sample(w) * w.batch / best


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def flops_per_sample(w: Workload) -> float:
    """Multiply-adds x 2 of one training step per example: forward, the weight gradients,
    and the back-propagated deltas (none needed into the input layer)."""
    sizes = [w.n_features, *w.hidden, w.n_classes]
    total = 0.0
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        total += 2 * a * b * (2 if i == 0 else 3)
    return total


def cpu_model() -> str:
    """The CPU's name, core count and widest vector unit, from /proc/cpuinfo where there is one."""
    name, flags = "", set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and not name:
                    name = value.strip()
                elif key.strip() == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    vector = next((label for flag, label in (("avx512f", "AVX-512"), ("avx2", "AVX2")) if flag in flags), "")
    return ", ".join(part for part in (f"{name or 'unknown'} x {os.cpu_count()}", vector) if part)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a fifth of the epochs (W3: 1)")
    parser.add_argument("--threads", default="auto", type=lambda v: v if v == "auto" else int(v),
                        help="BLAS threads of our trainer: auto (its default: one for small products, the BLAS "
                             "library's own count for large ones) or a number. scikit-learn and the matmul "
                             "peak run with the same count on each workload (the 'threads' column)")
    parser.add_argument("--torch-threads", type=int, default=2, help="PyTorch threads (default 2)")
    parser.add_argument("--only", default="", help="comma-separated workload names")
    parser.add_argument("--numpy-only", action="store_true",
                        help="our optimizer steps in NumPy even when numba is installed (the `fast` extra)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="runs of each measurement, the best kept, for every library alike (default 5): "
                             "on shared cores a run is only ever slowed down by its neighbours")
    args = parser.parse_args()
    global REPEATS
    REPEATS = max(1, args.repeats)
    chosen = [w for w in WORKLOADS if not args.only or w.name in args.only.split(",")]
    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    default_threads = blas[0]["num_threads"] if blas else 1
    names = ", ".join(f"{lib['internal_api']} {lib.get('version')} ({lib.get('architecture', '?')} kernels)"
                      for lib in blas)
    if os.environ.get("OPENBLAS_CORETYPE"):
        names += f", OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']}"
    if args.numpy_only:
        fused.ENABLED = False
    steps = "compiled by numba (one pass)" if fused.kernels() is not None else "NumPy"
    print(f"# CPU: {cpu_model()}; BLAS: {names}, {default_threads} threads by default; PyTorch threads {args.torch_threads}; "
          f"samples/s: the best of {REPEATS} runs each; our optimizer steps: {steps} "
          f"from {fused.FUSED_FROM:,} parameters")
    print(HEADER)
    rows = []
    peaks = {"float64": 0.0, "float32": 0.0}
    products = {"float64": 0.0, "float32": 0.0}
    for w in chosen:
        if args.quick:
            w = Workload(**{**w.__dict__, "epochs": max(1, w.epochs // 5)})
        X, y = make_data(w)
        rows_per_step = w.n if w.batch == "batch" else w.batch
        threads = threads_for(args.threads, largest_product([w.n_features, *w.hidden, w.n_classes],
                                                             rows_per_step)) or default_threads
        for optimizer in ("sgd", "adam"):
            runs = []
            for _ in range(REPEATS):  # interleaved, so a busy spell of the machine slows them all alike
                o64 = ours(w, X, y, optimizer, "float64", args.threads)
                o32 = ours(w, X, y, optimizer, "float32", args.threads)
                with threadpool_limits(threads):
                    sk = sklearn(w, X, y, optimizer)
                pt = pytorch(w, X, y, optimizer, args.torch_threads)
                runs.append((*o64, sk, *o32, pt or 0.0))
                if w.name == "W3" and optimizer == "sgd":  # the peak, in the same spells as the runs
                    with threadpool_limits(threads):
                        for dtype in peaks:
                            peaks[dtype] = max(peaks[dtype], matmul_peak(dtype))
                            products[dtype] = max(products[dtype], products_rate(w, dtype))
            o64, o64_eval, sk, o32, o32_eval, pt = (max(column) for column in zip(*runs))
            # each round's ratio, of two runs made back to back: their spread shows how steady
            # the comparison was in this run, beside the best-of ratio
            spread = (_spread([r[0] / r[2] for r in runs]),
                      _spread([r[3] / r[5] for r in runs if r[5]]) if pt else "n/a")
            rows.append((w, optimizer, threads, o64, o64_eval, sk, o32, o32_eval, pt or None, *spread))
            print(_row(*rows[-1]), flush=True)
    if any(w.name == "W3" for w in chosen):
        w3, threads = next((r[0], r[2]) for r in rows if r[0].name == "W3")
        print()
        print(f"| W3 share of matmul peak ({threads} threads) | dtype | peak GFLOP/s | ours GFLOP/s (sgd) | fraction "
              "| its two large products alone: fraction |")
        print("|---|---|---|---|---|---|")
        for dtype, column in (("float64", 3), ("float32", 6)):
            peak = peaks[dtype]
            rate = next(r[column] for r in rows if r[0].name == "W3" and r[1] == "sgd") * flops_per_sample(w3)
            print(f"| | {dtype} | {peak / 1e9:.1f} | {rate / 1e9:.1f} | {rate / peak:.2f} "
                  f"| {products[dtype] / peak:.2f} |")


HEADER = ("| workload | opt | threads | ours f64 samples/s | (with eval) | sklearn f64 | ours/sklearn | (rounds) "
          "| ours f32 | (with eval) | torch f32 | ours/torch | (rounds) |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def _spread(ratios: list[float]) -> str:
    return f"{min(ratios):.2f}-{max(ratios):.2f}" if len(ratios) > 1 else f"{ratios[0]:.2f}"


def _row(w, optimizer, threads, o64, o64_eval, sk, o32, o32_eval, pt, sk_rounds, pt_rounds) -> str:
    torch_cells = f"{pt:,.0f} | {o32 / pt:.2f}x | {pt_rounds}" if pt else "n/a | n/a | n/a"
    return (f"| {w.name} | {optimizer} | {threads} | {o64:,.0f} | {o64_eval:,.0f} | {sk:,.0f} | {o64 / sk:.2f}x "
            f"| {sk_rounds} | {o32:,.0f} | {o32_eval:,.0f} | {torch_cells} |")


if __name__ == "__main__":
    main()
