"""y = x² fitted by one layer of n ReLU neurons and one layer of n SwiGLU neurons (n on a slider)."""

from __future__ import annotations

import numpy as np

from figures.nets import ReLULayer, SwiGLULayer, TrainConfig, fit, x2_data
from figures.output import FigureOutput, rounded
from figures.spec import SliderState, axis, interactive, plotly_layout
from figures.style import COLORS

ID = "x2-fit"
NEURONS = range(1, 9)
DEFAULT_N = 3
SEED = 2026
# ReLU restarts are cheap and its loss surface has many poor minima: give it more
# restarts than SwiGLU, so ReLU's errors are its best, not bad luck.
CONFIGS = {"ReLU": TrainConfig(seeds=32), "SwiGLU": TrainConfig(seeds=8)}
CLASSES = {"ReLU": ReLULayer, "SwiGLU": SwiGLULayer}
X_PLOT = np.linspace(-2, 2, 201)[:, None]


def train_all() -> dict[str, list[tuple[object, float]]]:
    """For each model and n: (trained model, training MSE), from one seeded generator."""
    X, y = x2_data(200)
    rng = np.random.default_rng(SEED)
    return {name: [fit(cls, 1, n, X, y, "mse", rng, CONFIGS[name]) for n in NEURONS] for name, cls in CLASSES.items()}


def make() -> FigureOutput:
    fits = train_all()
    x = X_PLOT[:, 0]
    mse = {name: [loss for _, loss in runs] for name, runs in fits.items()}
    params = {name: [m.n_params for m, _ in runs] for name, runs in fits.items()}
    i0 = DEFAULT_N - 1
    ns = list(NEURONS)

    def curve(name, i):
        return rounded(fits[name][i][0](X_PLOT), 5)

    def marker(name, i):
        return {"x": [ns[i]], "y": [mse[name][i]]}

    data = [
        {
            "x": rounded(x, 3),
            "y": rounded(x**2),
            "name": "target x²",
            "line": {"width": 6, "color": COLORS["target"]},
            "opacity": 0.35,
            "hoverinfo": "skip",
        },
        {
            "x": rounded(x, 3),
            "y": curve("ReLU", i0),
            "name": "ReLU layer",
            "line": {"width": 2.5, "color": COLORS["relu"]},
        },
        {
            "x": rounded(x, 3),
            "y": curve("SwiGLU", i0),
            "name": "SwiGLU layer",
            "line": {"width": 2.5, "dash": "dash", "color": COLORS["swiglu"]},
        },
        {
            "x": ns,
            "y": mse["ReLU"],
            "xaxis": "x2",
            "yaxis": "y2",
            "mode": "lines+markers",
            "showlegend": False,
            "name": "ReLU MSE",
            "line": {"color": COLORS["relu"]},
            "hovertemplate": "n = %{x}: MSE %{y:.1e}",
        },
        {
            "x": ns,
            "y": mse["SwiGLU"],
            "xaxis": "x2",
            "yaxis": "y2",
            "mode": "lines+markers",
            "showlegend": False,
            "name": "SwiGLU MSE",
            "line": {"color": COLORS["swiglu"]},
            "hovertemplate": "n = %{x}: MSE %{y:.1e}",
        },
        {
            **marker("ReLU", i0),
            "xaxis": "x2",
            "yaxis": "y2",
            "mode": "markers",
            "showlegend": False,
            "hoverinfo": "skip",
            "marker": {"size": 13, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": COLORS["relu"]}},
        },
        {
            **marker("SwiGLU", i0),
            "xaxis": "x2",
            "yaxis": "y2",
            "mode": "markers",
            "showlegend": False,
            "hoverinfo": "skip",
            "marker": {"size": 13, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": COLORS["swiglu"]}},
        },
    ]
    floor = 10 ** np.floor(np.log10(max(min(mse["SwiGLU"]), 1e-16)))
    layout = plotly_layout(
        height=520,
        hovermode="closest",
        xaxis=axis("x", range=[-2, 2], anchor="y"),
        yaxis=axis("y", domain=[0.5, 1], range=[-0.3, 4.3]),
        xaxis2=axis("neurons n", anchor="y2", dtick=1, range=[0.5, 8.5], zeroline=False),
        yaxis2=axis(
            "training MSE",
            domain=[0, 0.3],
            type="log",
            exponentformat="e",
            dtick=3,
            range=[np.log10(floor), np.log10(max(mse["ReLU"])) + 0.5],
            zeroline=False,
        ),
    )

    def words(i):
        return (
            f"n = {ns[i]} neuron{'s' if ns[i] > 1 else ''}: ReLU MSE {mse['ReLU'][i]:.1e} "
            f"({params['ReLU'][i]} parameters), SwiGLU MSE {mse['SwiGLU'][i]:.1e} ({params['SwiGLU'][i]} parameters)."
        )

    states = [
        SliderState(
            label=f"n = {n}",
            text=words(i),
            restyle=[
                ({"y": [curve("ReLU", i), curve("SwiGLU", i)]}, [1, 2]),
                ({"x": [[n], [n]], "y": [marker("ReLU", i)["y"], marker("SwiGLU", i)["y"]]}, [5, 6]),
            ],
        )
        for i, n in enumerate(ns)
    ]
    return FigureOutput(
        id=ID,
        kind="interactive",
        label="Fitting y = x² with n ReLU neurons and with n SwiGLU neurons",
        caption=(
            "Add neurons with the slider. The dashed SwiGLU curve sits on the target x² from n = 2 on "
            f"(MSE {mse['SwiGLU'][1]:.0e}): two SwiGLU neurons make x² exactly, since x²σ(x) + x²σ(−x) = x². "
            f"The ReLU layer bends a straight line into a polygon, and even with 8 neurons its MSE is "
            f"{mse['ReLU'][-1]:.1e}. The lower panel shows the training error for every n."
        ),
        files={f"figures/{ID}.json": interactive(data, layout, "neurons", states, i0)},
        facts={"neurons": ns, "mse": mse, "params": params},
    )
