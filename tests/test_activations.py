"""The activation identities the post states, checked against the formulas."""

import warnings
from itertools import pairwise

import numpy as np
import pytest

from figures.activations import (
    gelu,
    relu,
    relu2,
    sigmoid,
    silu,
    swiglu_slice,
    swish,
    swish_relu_gap_constant,
    xor_relu_network,
)
from figures.nets import SwiGLULayer, x2_data

X = np.linspace(-8.0, 8.0, 4001)


def test_swish_at_beta_zero_is_half_x():
    assert np.array_equal(swish(X, 0.0), X / 2)


def test_silu_is_swish_at_beta_one():
    assert np.array_equal(silu(X), swish(X, 1.0))


def test_swish_rejects_negative_beta():
    with pytest.raises(ValueError, match="beta >= 0"):
        swish(X, -1.0)


def test_gap_constant_is_0_2785_at_u_star_1_2785():
    c, u = swish_relu_gap_constant()
    assert c == pytest.approx(0.27846, abs=1e-5)
    assert u == pytest.approx(1.27846, abs=1e-5)
    assert c == pytest.approx(u - 1.0, abs=1e-14)  # u·σ(u) = 1 at the maximum


def test_gap_constant_is_the_maximum_of_u_sigmoid_minus_u():
    c, u = swish_relu_gap_constant()
    grid = np.linspace(0.0, 10.0, 1_000_001)
    assert np.max(grid * sigmoid(-grid)) == pytest.approx(c, rel=1e-10)
    assert grid[np.argmax(grid * sigmoid(-grid))] == pytest.approx(u, abs=1e-5)


@pytest.mark.parametrize("beta", [0.5, 1.0, 2.0, 5.0, 10.0, 50.0])
def test_swish_is_within_c_over_beta_of_relu(beta):
    c, _ = swish_relu_gap_constant()
    x = np.linspace(-20.0, 20.0, 400_001)
    gap = np.max(np.abs(swish(x, beta) - relu(x)))
    assert gap == pytest.approx(c / beta, rel=1e-3)


def test_swish_approaches_relu_as_beta_grows():
    gaps = [np.max(np.abs(swish(X, b) - relu(X))) for b in (1, 10, 100, 1000)]
    assert all(a > b for a, b in pairwise(gaps))
    assert gaps[-1] < 1e-3


def test_sigmoid_of_x_and_minus_x_sum_to_one():
    np.testing.assert_allclose(sigmoid(X) + sigmoid(-X), 1.0, rtol=0, atol=1e-15)


def test_sigmoid_derivative_is_sigma_x_times_sigma_minus_x():
    h = 1e-5
    fd = (sigmoid(X + h) - sigmoid(X - h)) / (2 * h)
    np.testing.assert_allclose(fd, sigmoid(X) * sigmoid(-X), rtol=0, atol=1e-10)


def test_sigmoid_does_not_overflow_at_plus_minus_1000():
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise"):
        warnings.simplefilter("error")
        s = sigmoid(np.array([-1000.0, 1000.0]))
    assert s[0] == 0.0 and s[1] == 1.0


def test_relu2_gelu_and_swiglu_slice_match_their_formulas():
    np.testing.assert_array_equal(relu2(X), np.where(X > 0, X * X, 0.0))
    np.testing.assert_allclose(swiglu_slice(X), X**2 * sigmoid(X), rtol=1e-15)
    assert gelu(np.array([0.0]))[0] == 0.0
    assert gelu(np.array([1.0]))[0] == pytest.approx(0.8413447460685429, rel=1e-14)
    np.testing.assert_allclose(gelu(X) - gelu(-X), X, rtol=0, atol=1e-14)


def test_two_swiglu_slices_make_an_exact_square():
    t = X
    np.testing.assert_allclose(swiglu_slice(t) + swiglu_slice(-t), t**2, rtol=1e-15)


def _two_neuron_square(nin: int, w: list[float]) -> SwiGLULayer:
    """A SwiGLU layer computing t²σ(t) + t²σ(−t) = t² with t = x·w (no biases)."""
    net = SwiGLULayer(nin, 2, np.random.default_rng(0))
    W = np.array([w + [0.0], [-wk for wk in w] + [0.0]])  # (2, nin+1); last col bias
    net.set_parameters(np.concatenate([W.ravel(), W.ravel(), [1.0, 1.0], [0.0]]))
    return net


def test_swiglu_layer_with_hand_set_weights_computes_x_squared():
    X1, y = x2_data(201)
    np.testing.assert_allclose(_two_neuron_square(1, [1.0])(X1), y, rtol=1e-14)


def test_swiglu_layer_with_t_equal_x_minus_y_computes_xor():
    X2 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    z = _two_neuron_square(2, [1.0, -1.0])(X2)
    np.testing.assert_allclose(z, [0.0, 1.0, 1.0, 0.0], rtol=0, atol=1e-15)


def test_xor_relu_network_has_the_xor_truth_table():
    x = np.array([0.0, 0.0, 1.0, 1.0])
    y = np.array([0.0, 1.0, 0.0, 1.0])
    assert np.array_equal(xor_relu_network(x, y), [0.0, 1.0, 1.0, 0.0])
