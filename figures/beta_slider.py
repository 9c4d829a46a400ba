"""Swish_β with a β slider: from the straight line x/2 (β = 0) towards ReLU (β → ∞)."""

from __future__ import annotations

import numpy as np

from figures.activations import relu, swish, swish_relu_gap_constant
from figures.output import FigureOutput, rounded, signed
from figures.spec import SliderState, axis, float32, interactive, plotly_layout
from figures.style import COLORS

ID = "beta-slider"
BETAS = [0, 0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]  # denser near small β
DEFAULT_BETA = 1  # SiLU
# Every 0.05: a straight segment strays from the curve by at most h²/8·max|f''| = 0.0016 at β = 10,
# a tenth of a pixel; finer sampling only makes the JSON longer.
X = np.linspace(-4, 4, 161)


def words(beta: float, c: float) -> str:
    """The state in words, every number computed from the curve itself."""
    y = swish(X, beta)
    if beta == 0:
        return "β = 0: Swish₀(x) = x/2 exactly, a straight line with no gate at all."
    gap = float(np.max(np.abs(y - relu(X))))
    low = int(np.argmin(y))
    name = " (SiLU)" if beta == 1 else ""
    return (
        f"β = {beta:g}{name}: lowest value {signed(y[low], '.3f')} at x = {signed(X[low], '.2f')}; "
        f"largest distance from ReLU {gap:.3f} = c/β with c = {c:.4f}."
    )


def make() -> FigureOutput:
    c, _ = swish_relu_gap_constant()
    x = rounded(X, 3)
    faint = {"width": 2.5}
    data = [
        {
            "x": x,
            "y": float32(X / 2),
            "name": "x/2 (β = 0)",
            "line": {**faint, "dash": "dash", "color": COLORS["limit"]},
            "opacity": 0.45,
            "hoverinfo": "skip",
        },
        {
            "x": x,
            "y": float32(relu(X)),
            "name": "ReLU (β → ∞)",
            "line": {**faint, "color": COLORS["relu"]},
            "opacity": 0.45,
            "hoverinfo": "skip",
        },
        {
            "x": x,
            "y": float32(swish(X, 1.0)),
            "name": "SiLU (β = 1)",
            "line": {"width": 1.5, "dash": "dot", "color": COLORS["swiglu"]},
            "hoverinfo": "skip",
        },
        {
            "x": x,
            "y": float32(swish(X, DEFAULT_BETA)),
            "name": f"Swish β = {DEFAULT_BETA:g}",
            "line": {"width": 3.5, "color": COLORS["swish"]},
            "hovertemplate": "%{y:.3f}",
        },
    ]
    layout = plotly_layout(
        xaxis=axis("x", range=[-4, 4]),
        yaxis=axis("Swish_β(x) = x·σ(βx)", range=[-1, 4]),
        height=380,
    )
    states = [
        SliderState(
            label=f"β = {b:g}",
            text=words(b, c),
            restyle=[({"y": [float32(swish(X, b))], "name": [f"Swish β = {b:g}"]}, [3])],
        )
        for b in BETAS
    ]
    default = BETAS.index(DEFAULT_BETA)
    return FigureOutput(
        id=ID,
        kind="interactive",
        label="Swish with a β slider, between its limits x/2 and ReLU",
        caption=(
            "Move β: at 0 the green curve is the straight line x/2; as β grows it hugs ReLU, "
            f"never further than {c:.4f}/β from it. The faint curves are the two limits; "
            "the dotted one is SiLU (β = 1), the gate inside SwiGLU."
        ),
        files={f"figures/{ID}.json": interactive(data, layout, "β", states, default)},
        facts={"betas": BETAS, "c": c, "default": default},
    )
