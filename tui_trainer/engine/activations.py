"""Hidden-layer activations, each a forward and its derivative side by side.

The derivative is written in terms of the activation's *output* ``h = f(z)`` so the
backward pass needs no copy of ``z``: e.g. tanh'(z) = 1 - h**2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .registry import Registry

LEAKY_SLOPE = 0.01  # torch.nn.LeakyReLU's default negative_slope


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0, out=z)


def _relu_grad(h: np.ndarray, delta: np.ndarray) -> None:
    np.multiply(delta, h > 0, out=delta)


def _leaky_relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, LEAKY_SLOPE * z, out=z)


def _leaky_relu_grad(h: np.ndarray, delta: np.ndarray) -> None:
    delta *= np.where(h > 0, 1.0, LEAKY_SLOPE).astype(delta.dtype, copy=False)


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z, out=z)


def _tanh_grad(h: np.ndarray, delta: np.ndarray) -> None:
    delta *= 1 - h * h


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # 1 / (1 + exp(-z)) overflows harmlessly to 0 for z << 0; silence that warning only.
    with np.errstate(over="ignore"):
        np.negative(z, out=z)
        np.exp(z, out=z)
    z += 1
    return np.reciprocal(z, out=z)


def _sigmoid_grad(h: np.ndarray, delta: np.ndarray) -> None:
    delta *= h * (1 - h)


def _linear(z: np.ndarray) -> np.ndarray:
    return z


def _linear_grad(h: np.ndarray, delta: np.ndarray) -> None:
    return None


@dataclass(frozen=True)
class Activation:
    """``forward(z)`` overwrites ``z`` with f(z) and returns it;
    ``backward(h, delta)`` multiplies ``delta`` in place by f'(z), given ``h = f(z)``."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray], None]
    init: str  # "he" or "glorot"
    formula: str


ACTIVATIONS: Registry[Activation] = Registry(
    "activation",
    {
        "relu": Activation("relu", _relu, _relu_grad, "he", "max(0, z)"),
        "leaky_relu": Activation(
            "leaky_relu", _leaky_relu, _leaky_relu_grad, "he", f"max({LEAKY_SLOPE}*z, z)"
        ),
        "tanh": Activation("tanh", _tanh, _tanh_grad, "glorot", "tanh(z)"),
        "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_grad, "glorot", "1 / (1 + e^-z)"),
        "linear": Activation("linear", _linear, _linear_grad, "glorot", "z"),
    },
)
