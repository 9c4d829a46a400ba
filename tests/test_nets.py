"""Gradients, determinism and the trained results the post's captions claim."""

import numpy as np
import pytest

from figures.nets import (
    ReLULayer,
    SwiGLULayer,
    TrainConfig,
    accuracy,
    ellipse_data,
    fit,
    inside_ellipse,
    x2_data,
)

MODELS = [ReLULayer, SwiGLULayer]


def _central_difference(fun, p: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Gradient of a scalar function by central differences, one coordinate at a time."""
    grad = np.empty_like(p)
    for k in range(p.size):
        e = np.zeros_like(p)
        e[k] = h
        grad[k] = (fun(p + e) - fun(p - e)) / (2 * h)
    return grad


@pytest.mark.parametrize("model_cls", MODELS)
@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("nin", [1, 2])
def test_analytic_gradient_matches_finite_differences(model_cls, loss, nin):
    rng = np.random.default_rng(7)
    net = model_cls(nin, 3, rng)
    X = rng.normal(size=(40, nin))
    y = rng.integers(0, 2, 40).astype(float) if loss == "bce" else rng.normal(size=40)
    p = rng.normal(size=net.n_params)
    _, grad = net.loss_and_grad(p, X, y, loss)
    fd = _central_difference(lambda q: net.loss_and_grad(q, X, y, loss)[0], p)
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-8)


def test_unknown_loss_is_rejected_by_name():
    net = ReLULayer(1, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="'mae'"):
        net.loss_and_grad(net.parameters(), np.zeros((3, 1)), np.zeros(3), "mae")


def test_parameter_counts_follow_the_formulas():
    for nin, n in [(1, 1), (1, 8), (2, 5)]:
        assert ReLULayer(nin, n, np.random.default_rng(0)).n_params == n * (nin + 1) + n + 1
        swiglu = SwiGLULayer(nin, n, np.random.default_rng(0))
        assert swiglu.n_params == 2 * n * (nin + 1) + n + 1


def test_set_parameters_round_trips_and_copies():
    net = SwiGLULayer(2, 3, np.random.default_rng(0))
    p = np.arange(net.n_params, dtype=float)
    net.set_parameters(p)
    p[0] = -1.0
    assert net.parameters()[0] == 0.0
    assert np.array_equal(net.parameters()[1:], np.arange(1.0, net.n_params))


@pytest.mark.parametrize("model_cls", MODELS)
def test_two_fits_with_the_same_seed_give_identical_parameters(model_cls):
    X, y = x2_data(50)
    config = TrainConfig(seeds=3, maxiter=200)
    a, la = fit(model_cls, 1, 3, X, y, "mse", np.random.default_rng(42), config)
    b, lb = fit(model_cls, 1, 3, X, y, "mse", np.random.default_rng(42), config)
    assert la == lb
    assert np.array_equal(a.parameters(), b.parameters())


def test_x2_data_is_x_squared_on_minus_two_to_two():
    X, y = x2_data(5)
    assert X.shape == (5, 1) and np.array_equal(X[:, 0], [-2.0, -1.0, 0.0, 1.0, 2.0])
    assert np.array_equal(y, X[:, 0] ** 2)


def test_ellipse_is_rotated_with_semi_axes_1_6_and_0_8():
    t = np.pi / 6
    along, across = np.array([np.cos(t), np.sin(t)]), np.array([-np.sin(t), np.cos(t)])
    pts = np.array([1.55 * along, 1.65 * along, 0.75 * across, 0.85 * across, [0, 0]])
    assert inside_ellipse(pts).tolist() == [True, False, True, False, True]


def test_ellipse_data_shapes_and_labels():
    X, y, Xg, yg = ellipse_data(np.random.default_rng(0), 100, n_grid=11)
    assert X.shape == (100, 2) and y.shape == (100,)
    assert Xg.shape == (121, 2) and yg.shape == (121,)
    assert np.array_equal(y, inside_ellipse(X)) and set(np.unique(yg)) == {0.0, 1.0}


@pytest.fixture(scope="module")
def x2_mse():
    """Best training MSE on y = x² (200 points) for both models, n = 2..8."""
    X, y = x2_data(200)
    return {(cls, n): fit(cls, 1, n, X, y, "mse", np.random.default_rng(0))[1] for cls in MODELS for n in range(2, 9)}


@pytest.mark.parametrize("n", range(2, 9))
def test_swiglu_fits_x_squared_to_mse_below_1e_4(x2_mse, n):
    assert x2_mse[SwiGLULayer, n] < 1e-4


@pytest.mark.parametrize("n", range(2, 9))
def test_relu_fits_x_squared_worse_than_swiglu(x2_mse, n):
    assert x2_mse[ReLULayer, n] > x2_mse[SwiGLULayer, n]


def test_swiglu_draws_the_ellipse_with_few_neurons_and_relu_does_not():
    X, y, Xg, yg = ellipse_data(np.random.default_rng(0), 1500)
    for n in range(1, 5):
        swiglu, _ = fit(SwiGLULayer, 2, n, X, y, "bce", np.random.default_rng(0))
        if accuracy(swiglu, Xg, yg) >= 0.99:
            break
    else:
        pytest.fail("SwiGLU never reached 99% held-out accuracy with n <= 4")
    relu, _ = fit(ReLULayer, 2, n, X, y, "bce", np.random.default_rng(0))
    assert accuracy(relu, Xg, yg) < accuracy(swiglu, Xg, yg)
