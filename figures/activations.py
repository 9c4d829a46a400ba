"""Activation functions the post plots and reasons about, as plain NumPy."""

import numpy as np
from scipy.optimize import brentq
from scipy.special import erf, expit


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1/(1+e^{-x}); scipy's expit never overflows, even at |x| = 1000."""
    return expit(x)


def relu(x: np.ndarray) -> np.ndarray:
    """ReLU(x) = max(0, x): the piecewise-linear baseline."""
    return np.maximum(x, 0.0)


def relu2(x: np.ndarray) -> np.ndarray:
    """ReLU(x)²: the sparse quadratic activation of arXiv 2402.03804."""
    return relu(x) ** 2


def swish(x: np.ndarray, beta: float) -> np.ndarray:
    """Swish_β(x) = x·σ(βx); β = 0 gives x/2, β → ∞ gives ReLU."""
    if beta < 0:
        raise ValueError(f"Swish needs beta >= 0, got {beta}")
    return x * sigmoid(beta * x)


def silu(x: np.ndarray) -> np.ndarray:
    """SiLU(x) = x·σ(x) = Swish_1, the gate's activation inside SwiGLU."""
    return swish(x, 1.0)


def gelu(x: np.ndarray) -> np.ndarray:
    """Exact GELU(x) = x·Φ(x) with the Gaussian CDF written through erf."""
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def swiglu_slice(x: np.ndarray) -> np.ndarray:
    """x·SiLU(x) = x²σ(x): one SwiGLU neuron along a line with w_j = w_i = 1."""
    return x * silu(x)


def swish_relu_gap_constant() -> tuple[float, float]:
    """Return (c, u*) with c = max_u u·σ(−u) = u*σ(−u*), so max|Swish_β − ReLU| = c/β.

    The maximum is where the derivative σ(−u)(1 − u·σ(u)) vanishes, i.e. u·σ(u) = 1,
    which is a clean root for Brent's method; then c = u* − 1 exactly.
    """
    u = brentq(lambda u: u * sigmoid(u) - 1.0, 0.0, 5.0, xtol=1e-15)
    return float(u * sigmoid(-u)), float(u)


def xor_relu_network(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The post's two-neuron XOR: h1 = x OR y, h2 = x AND y, z = h1 − 2·h2."""
    h1 = relu(x + y)
    h2 = relu(x + y - 1.0)
    return h1 - 2.0 * h2
