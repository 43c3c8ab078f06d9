"""How long load_csv takes on a large CSV file, beside np.loadtxt on the same file.

    .venv/bin/python benchmarks/bench_csv.py [--rows 100000] [--columns 50] [--repeat 3]

Writes a file of random numbers (the last column a class label 0..4, or text labels with
--text-labels) to a temporary directory and prints the best of --repeat runs of each reader.
load_csv does more than np.loadtxt (row and cell checks, missing values, the target, the
split and the scaling); the loadtxt column is the bare parse, as a reference.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from tui_trainer.data import load_csv


def write_file(path: Path, rows: int, columns: int, text_labels: bool, quoted: bool) -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=(rows, columns - 1))
    labels = rng.integers(0, 5, rows)
    with open(path, "w", encoding="utf-8") as f:
        names = [f"f{i}" for i in range(columns - 1)] + ["label"]
        f.write(",".join(f'"{n}"' if quoted else n for n in names) + "\n")
        label_text = [f'"class {k}"' if quoted else f"class {k}" for k in range(5)] if text_labels else \
            [str(k) for k in range(5)]
        for start in range(0, rows, 10_000):
            block = values[start:start + 10_000]
            body = np.char.mod("%.6g", block)
            lines = [",".join(r) + "," + label_text[k] for r, k in zip(body.tolist(), labels[start:start + 10_000])]
            f.write("\n".join(lines) + "\n")


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{args.rows:,} rows x {args.columns} columns, best of {args.repeat}\n")
    print(f"{'file':<34} {'MB':>6} {'load_csv s':>11} {'np.loadtxt s':>13} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for text_labels, quoted in [(False, False), (True, False), (True, True)]:
            kind = ("text labels" if text_labels else "numeric labels") + (", quoted" if quoted else "")
            path = Path(tmp) / "bench.csv"
            write_file(path, args.rows, args.columns, text_labels, quoted)
            ours = best_of(args.repeat, lambda: load_csv(path))
            if text_labels:  # loadtxt parses the numbers and keeps the label column as text
                usecols = range(args.columns - 1)
                kwargs = dict(usecols=usecols, quotechar='"') if quoted else dict(usecols=usecols)
            else:
                kwargs = {}
            reference = best_of(args.repeat, lambda: np.loadtxt(path, delimiter=",", skiprows=1, **kwargs))
            size = path.stat().st_size / 1e6
            print(f"{kind:<34} {size:>6.1f} {ours:>11.2f} {reference:>13.2f} {ours / reference:>6.2f}")


if __name__ == "__main__":
    main()
