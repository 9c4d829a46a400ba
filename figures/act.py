"""Fig 1: the common activation functions on one set of axes (a static SVG)."""

from __future__ import annotations

import numpy as np

from figures.activations import gelu, relu, relu2, sigmoid, silu, swiglu_slice
from figures.output import FigureOutput
from figures.registry import PICTURE_PATHS
from figures.style import COLORS, svg_bytes

ID = "act"
PATH = PICTURE_PATHS[ID]  # where the post's <img> points, under content/assets/

CURVES = [  # (label, function, colour key, line style)
    ("ReLU", relu, "relu", "-"),
    ("ReLU²", relu2, "relu2", "--"),
    ("sigmoid σ", sigmoid, "sigmoid", "-"),
    ("SiLU = xσ(x)", silu, "swish", "-"),
    ("GELU", gelu, "gelu", ":"),
    ("x·SiLU(x) = x²σ(x)", swiglu_slice, "swiglu", "-"),
]


def make() -> FigureOutput:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.linspace(-3, 3, 601)
    with plt.rc_context({"svg.fonttype": "none", "font.family": "sans-serif", "font.size": 11}):
        fig, ax = plt.subplots(figsize=(6.4, 4.0))
        for label, f, colour, style in CURVES:
            ax.plot(x, f(x), style, color=COLORS[colour], lw=2, label=label)
        ax.axhline(0, color="#999", lw=0.8)
        ax.axvline(0, color="#999", lw=0.8)
        ax.set(xlim=(-3, 3), ylim=(-1.2, 3.2), xlabel="x", ylabel="activation(x)")
        ax.grid(alpha=0.25)
        ax.legend(loc="upper left", frameon=False)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.patch.set_alpha(0)
        ax.patch.set_alpha(0)
        data = svg_bytes(fig)
        plt.close(fig)
    names = ", ".join(label for label, *_ in CURVES)
    return FigureOutput(
        id=ID,
        kind="static",
        label=f"Activation functions on one set of axes for x from −3 to 3: {names}.",
        caption="ReLU is flat on the left; SiLU and GELU dip slightly below zero; "
        "x²σ(x), one SwiGLU neuron along a line, grows like x² on the right.",
        files={PATH: data},
        facts={"curves": [label for label, *_ in CURVES]},
    )
