"""One-hidden-layer ReLU and SwiGLU networks with analytic gradients, fit by L-BFGS.

Each layer keeps one flat float64 parameter vector that scipy.optimize trains
directly; the data the figures and tests share (x², a rotated ellipse) is here too.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import minimize

from figures.activations import sigmoid

Backward = Callable[[np.ndarray], np.ndarray]  # dL/df (N,) -> dL/dparams (P,)


class Layer:
    """Shared plumbing: flat parameters, losses, and the chain rule down to f."""

    n_mats = 1  # first-layer (n, nin+1) matrices: 1 for ReLU, wj and wi for SwiGLU

    def __init__(self, nin: int, n: int, rng: np.random.Generator):
        if nin < 1 or n < 1:
            raise ValueError(f"need nin, n >= 1, got {nin}, {n}")
        self.nin, self.n = nin, n
        W = rng.normal(0.0, np.sqrt(2.0 / (nin + 1)), (self.n_mats, n, nin + 1))  # He
        v = rng.normal(0.0, np.sqrt(1.0 / n), n)  # Glorot-like readout; c starts at 0
        self.p = np.concatenate([W.ravel(), v, [0.0]])  # (n_params,)

    @property
    def n_params(self) -> int:
        """Number of trainable scalars, for a fair ReLU-vs-SwiGLU comparison."""
        return self.p.size

    def parameters(self) -> np.ndarray:
        """A copy of all parameters as one flat float64 vector."""
        return self.p.copy()

    def set_parameters(self, vec: np.ndarray) -> None:
        """Replace all parameters from a flat vector (as returned by parameters())."""
        vec = np.asarray(vec, dtype=np.float64)
        if vec.shape != self.p.shape:
            raise ValueError(f"expected {self.p.shape}, got {vec.shape}")
        self.p = vec.copy()

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """Network output f(X), shape (N,); a logit when trained with "bce"."""
        return self._forward(self.p, X)[0]

    def loss_and_grad(
        self, params: np.ndarray, X: np.ndarray, y: np.ndarray, loss: str = "mse"
    ) -> tuple[float, np.ndarray]:
        """Loss at params and its exact gradient, in the (fun, jac) form L-BFGS wants."""
        f, backward = self._forward(params, X)
        N = y.shape[0]
        if loss == "mse":
            r = f - y  # (N,)
            return float(r @ r / N), backward(2.0 * r / N)
        if loss == "bce":  # y in {0, 1}, f a logit; logaddexp keeps it finite
            L = np.mean(np.logaddexp(0.0, f) - y * f)
            return float(L), backward((sigmoid(f) - y) / N)
        raise ValueError(f"unknown loss {loss!r}: use 'mse' or 'bce'")

    def _unpack(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        """Views of p as first-layer weights (n_mats, n, nin+1), v (n,) and c."""
        # a bias is the last column of each first-layer matrix: X gets a ones column
        k = self.n_mats * self.n * (self.nin + 1)
        return p[:k].reshape(self.n_mats, self.n, self.nin + 1), p[k:-1], p[-1]


class ReLULayer(Layer):
    """f(x) = Σ_k relu(x·w_k + b_k)·v_k + c; n(nin+1) + n + 1 parameters."""

    def _forward(self, p: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, Backward]:
        (W,), v, c = self._unpack(p)  # W (n, nin+1), last column the bias
        X1 = np.hstack([X, np.ones((len(X), 1))])  # (N, nin+1)
        A = X1 @ W.T  # (N, n) pre-activations
        H = np.maximum(A, 0.0)  # (N, n)

        def backward(g: np.ndarray) -> np.ndarray:
            dA = np.outer(g, v) * (A > 0)  # (N, n)
            return np.concatenate([(dA.T @ X1).ravel(), H.T @ g, [g.sum()]])

        return H @ v + c, backward


class SwiGLULayer(Layer):
    """f(x) = Σ_k (x·wj_k + bj_k)·SiLU(x·wi_k + bi_k)·v_k + c; 2n(nin+1) + n + 1 params.

    Equivalently a sigmoid gate σ(x·wi_k + bi_k) on the bilinear term (x·wj_k)(x·wi_k).
    """

    n_mats = 2  # wj (information) and wi (gate)

    def _forward(self, p: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, Backward]:
        (Wj, Wi), v, c = self._unpack(p)  # Wj, Wi (n, nin+1), last column the bias
        X1 = np.hstack([X, np.ones((len(X), 1))])  # (N, nin+1)
        A, B = X1 @ Wj.T, X1 @ Wi.T  # (N, n) information and gate pre-activations
        s = sigmoid(B)  # (N, n)
        S = B * s  # (N, n) SiLU(B)
        H = A * S  # (N, n)

        def backward(g: np.ndarray) -> np.ndarray:
            dH = np.outer(g, v)  # (N, n)
            dA = dH * S
            dB = dH * A * s * (1.0 + B * (1.0 - s))  # SiLU'(B) = σ(B)(1 + B·σ(−B))
            return np.concatenate([(dA.T @ X1).ravel(), (dB.T @ X1).ravel(), H.T @ g, [g.sum()]])

        return H @ v + c, backward


@dataclass
class TrainConfig:
    """How fit() trains: restarts, then options passed as-is to L-BFGS-B."""

    seeds: int = 8  # random restarts per fit; the lowest training loss is kept
    maxiter: int = 3000  # L-BFGS iterations per restart; enough to converge at n <= 8
    maxfun: int = 12000  # cap on loss evaluations per restart (line searches included)
    ftol: float = 1e-15  # stop on loss change < ftol·max(|loss|, 1): ~absolute
    gtol: float = 1e-10  # stop when every gradient component is below this
    maxcor: int = 20  # L-BFGS memory: number of past (step, gradient) pairs kept
    l2: float = 0.0  # weight decay λ‖p‖²; > 0 keeps logits finite on separable data


def fit(
    model_cls: type[Layer],
    nin: int,
    n: int,
    X: np.ndarray,
    y: np.ndarray,
    loss: str,
    rng: np.random.Generator,
    config: TrainConfig | None = None,
) -> tuple[Layer, float]:
    """Train config.seeds restarts of model_cls(nin, n) with L-BFGS; return the best.

    Each restart draws its init from rng.spawn, so a fresh rng with the same seed
    gives bit-identical parameters.
    """
    config = config or TrainConfig()
    opts = {k: v for k, v in asdict(config).items() if k not in ("seeds", "l2")}
    best, best_loss = None, np.inf
    for child in rng.spawn(config.seeds):
        model = model_cls(nin, n, child)

        def objective(p, model=model):
            L, g = model.loss_and_grad(p, X, y, loss)
            return L + config.l2 * (p @ p), g + 2.0 * config.l2 * p

        res = minimize(
            objective,
            model.parameters(),
            method="L-BFGS-B",
            jac=True,  # loss_and_grad returns (loss, analytic gradient)
            options=opts,
        )
        if res.fun < best_loss:
            model.set_parameters(res.x)
            best, best_loss = model, float(res.fun)
    if best is None:
        raise RuntimeError("every restart returned a non-finite loss")
    return best, best_loss


def x2_data(n_points: int, half_width: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced x on [−half_width, half_width] and y = x²: X (N, 1), y (N,)."""
    x = np.linspace(-half_width, half_width, n_points)
    return x[:, None], x**2


ELLIPSE_AXES = (1.6, 0.8)  # semi-axes: ratio 2, so no ReLU symmetry makes it easy
ELLIPSE_ANGLE = np.pi / 6  # rotation of the long axis from the x axis (30°)
ELLIPSE_BOX = 2.5  # points live in [−box, box]²


def inside_ellipse(X: np.ndarray) -> np.ndarray:
    """True where a point (row of X, shape (N, 2)) is inside the rotated ellipse."""
    (a, b), t = ELLIPSE_AXES, ELLIPSE_ANGLE
    u = X[:, 0] * np.cos(t) + X[:, 1] * np.sin(t)  # coordinate along the long axis
    w = -X[:, 0] * np.sin(t) + X[:, 1] * np.cos(t)  # along the short axis
    return (u / a) ** 2 + (w / b) ** 2 < 1.0


def ellipse_data(
    rng: np.random.Generator, n_train: int, n_grid: int = 81
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Uniform train points X (n_train, 2), y and a held-out grid Xg (n_grid², 2), yg.

    Labels are 0/1 floats; Xg[:, 0].reshape(n_grid, n_grid) is a meshgrid (rows = y).
    """
    X = rng.uniform(-ELLIPSE_BOX, ELLIPSE_BOX, (n_train, 2))
    g = np.linspace(-ELLIPSE_BOX, ELLIPSE_BOX, n_grid)
    gx, gy = np.meshgrid(g, g)
    Xg = np.column_stack([gx.ravel(), gy.ravel()])
    return X, inside_ellipse(X).astype(float), Xg, inside_ellipse(Xg).astype(float)


def accuracy(model: Layer, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of points whose predicted class (logit > 0) matches the 0/1 label."""
    return float(np.mean((model(X) > 0) == (y > 0.5)))
