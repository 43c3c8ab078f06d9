"""tui-trainer: watch, and steer, a small neural network learning in your terminal."""

__version__ = "0.1.0"
