"""Which suggestion rule of the learning-rate range test picks a rate that trains well?

    python benchmarks/lr_finder_rules.py [--epochs 50] [--optimizers adam,sgd] [--only spiral,moons]

For every built-in data set at its defaults, with each optimizer: run find_learning_rate once,
take each rule's suggestion from the same curve, and train fresh runs for ``--epochs`` epochs
at the suggestion, a tenth of it and ten times it. Prints the final train cost of each
("div" where the run diverged) and, per rule, on how many sets the suggestion beat a tenth of
it without diverging. Not a speed benchmark: the numbers are deterministic.
"""

from __future__ import annotations

import argparse
import math

from tui_trainer.config import RunConfig
from tui_trainer.data import DATASETS
from tui_trainer.engine import MAX_LEARNING_RATE, MIN_LEARNING_RATE, find_learning_rate
from tui_trainer.engine.lr_finder import SUGGESTION_RULES, suggest


def final_cost(config: RunConfig, lr: float, epochs: int) -> float:
    """The train cost after ``epochs`` epochs at ``lr``; inf if the run diverged."""
    lr = min(max(lr, MIN_LEARNING_RATE), MAX_LEARNING_RATE)
    trainer = config.replace(learning_rate=lr).make_trainer()
    for stats in trainer.epochs(epochs):
        if stats.state == "diverged":
            return math.inf
    return stats.train_cost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--optimizers", default="adam,sgd")
    parser.add_argument("--only", default="", help="comma-separated data set names")
    args = parser.parse_args()
    names = [n for n in DATASETS if not args.only or n in args.only.split(",")]
    wins = {(rule, opt): 0 for rule in SUGGESTION_RULES for opt in args.optimizers.split(",")}
    print(f"train cost after {args.epochs} epochs at lr/10, lr, lr*10 ('div': diverged)")
    print(f"{'set':14} {'opt':5} {'stop':10} {'rule':8} {'lr':>9} {'at lr/10':>10} {'at lr':>10} "
          f"{'at lr*10':>10}  beats /10")
    for opt in args.optimizers.split(","):
        for name in names:
            config = RunConfig(dataset=name, optimizer=opt)
            result = find_learning_rate(config.make_trainer())
            seen: dict[float, float] = {}
            for rule in SUGGESTION_RULES:
                lr = suggest(result.lrs, result.losses, rule, 100)
                costs = []
                for factor in (0.1, 1.0, 10.0):
                    key = min(max(lr * factor, MIN_LEARNING_RATE), MAX_LEARNING_RATE)
                    if key not in seen:
                        seen[key] = final_cost(config, key, args.epochs)
                    costs.append(seen[key])
                ok = math.isfinite(costs[1]) and costs[1] < costs[0]
                wins[(rule, opt)] += ok
                shown = ["div" if not math.isfinite(c) else f"{c:.4g}" for c in costs]
                print(f"{name:14} {opt:5} {result.stopped:10} {rule:8} {lr:9.2e} {shown[0]:>10} {shown[1]:>10} "
                      f"{shown[2]:>10}  {'yes' if ok else 'NO'}")
    print()
    for (rule, opt), count in wins.items():
        print(f"{rule:8} {opt:5} beats a tenth of its rate, without diverging, on {count} of {len(names)} sets")


if __name__ == "__main__":
    main()
