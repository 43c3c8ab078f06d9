"""The NumPy training engine. Imports neither textual nor plotext.

    from tui_trainer.engine import MLP, LOSSES, OPTIMIZERS
    model = MLP([2, 16, 16, 3], activation="tanh", dropout=0.0, seed=0)
    out = model.forward(X, train=True)
    loss = LOSSES["cross_entropy"]
    grads = model.backward(loss.grad(out, y))
    opt = OPTIMIZERS["adam"](model.params, lr=1e-3)
    opt.step(grads)

or, an epoch at a time with evaluation and history: ``Trainer(data, ...).run_epoch()``.
Around the current weights: ``landscape.cost_along`` / ``landscape.weight_slice`` (the cost
along a direction, or as one weight moves), ``opt.preview(grads)`` (the next step's delta);
``find_learning_rate(trainer)`` (the learning-rate range test, on a copy).
"""

from . import landscape
from .activations import ACTIVATIONS, Activation
from .gradcheck import gradient_check, numerical_gradients
from .history import EpochStats, Event, History
from .losses import LOSSES, Loss
from .lr_finder import LRFinderResult, find_learning_rate
from .metrics import METRICS, accuracy, r2
from .mlp import DTYPES, MAX_DROPOUT, MLP
from .optimizers import OPTIMIZERS, Optimizer, effective_rates
from .registry import UnknownNameError
from .settings import BATCH_MODES, MAX_LEARNING_RATE, MIN_LEARNING_RATE, Change, Reset, Settings, apply_changes
from .trainer import Split, Trainer

__all__ = [
    "ACTIVATIONS", "Activation", "BATCH_MODES", "Change", "DTYPES", "EpochStats", "Event", "History",
    "LOSSES", "LRFinderResult", "Loss", "MAX_DROPOUT", "MAX_LEARNING_RATE", "METRICS", "MIN_LEARNING_RATE",
    "MLP", "OPTIMIZERS", "Optimizer", "Reset", "Settings", "Split", "Trainer", "UnknownNameError",
    "accuracy", "apply_changes", "effective_rates", "find_learning_rate", "gradient_check", "landscape",
    "numerical_gradients", "r2",
]
