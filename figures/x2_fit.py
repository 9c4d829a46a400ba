"""y = x² fitted by one layer of n ReLU neurons and one layer of n SwiGLU neurons (n on a slider)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from figures.nets import ReLULayer, SwiGLULayer, TrainConfig, fit, x2_data
from figures.output import FigureOutput, rounded
from figures.spec import SliderState, axis, float32, interactive, plotly_layout
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
NS = list(NEURONS)


@dataclass
class Trained:
    """For each model name, one trained network per n, with its training MSE and size."""

    models: dict[str, list]
    mse: dict[str, list[float]]
    params: dict[str, list[int]]


def train() -> Trained:
    """Every model and n, from one seeded generator."""
    X, y = x2_data(200)
    rng = np.random.default_rng(SEED)
    runs = {name: [fit(cls, 1, n, X, y, "mse", rng, CONFIGS[name]) for n in NEURONS] for name, cls in CLASSES.items()}
    return Trained(
        models={name: [m for m, _ in r] for name, r in runs.items()},
        mse={name: [loss for _, loss in r] for name, r in runs.items()},
        params={name: [m.n_params for m, _ in r] for name, r in runs.items()},
    )


def curve(trained: Trained, name: str, i: int) -> dict:
    return float32(trained.models[name][i](X_PLOT))


def traces(trained: Trained, i: int) -> list[dict]:
    """Top: the target and both fits at n = NS[i]; bottom: MSE against n, with n = NS[i] ringed."""
    x = rounded(X_PLOT[:, 0], 3)
    lower = {"xaxis": "x2", "yaxis": "y2", "showlegend": False}

    def ring(name: str) -> dict:
        colour = COLORS[name.lower()]
        return {
            "x": [NS[i]],
            "y": [trained.mse[name][i]],
            **lower,
            "mode": "markers",
            "hoverinfo": "skip",
            "marker": {"size": 13, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": colour}},
        }

    return [
        {
            "x": x,
            "y": float32(X_PLOT[:, 0] ** 2),
            "name": "target x²",
            "line": {"width": 6, "color": COLORS["target"]},
            "opacity": 0.35,
            "hoverinfo": "skip",
        },
        {"x": x, "y": curve(trained, "ReLU", i), "name": "ReLU layer", "line": {"width": 2.5, "color": COLORS["relu"]}},
        {
            "x": x,
            "y": curve(trained, "SwiGLU", i),
            "name": "SwiGLU layer",
            "line": {"width": 2.5, "dash": "dash", "color": COLORS["swiglu"]},
        },
        *(
            {
                "x": NS,
                "y": trained.mse[name],
                **lower,
                "mode": "lines+markers",
                "name": f"{name} MSE",
                "line": {"color": COLORS[name.lower()]},
                "hovertemplate": "n = %{x}: MSE %{y:.1e}",
            }
            for name in ("ReLU", "SwiGLU")
        ),
        ring("ReLU"),
        ring("SwiGLU"),
    ]


def layout(trained: Trained) -> dict:
    floor = 10 ** np.floor(np.log10(max(min(trained.mse["SwiGLU"]), 1e-16)))
    return plotly_layout(
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
            range=[np.log10(floor), np.log10(max(trained.mse["ReLU"])) + 0.5],
            zeroline=False,
        ),
    )


def states(trained: Trained) -> list[SliderState]:
    """One slider state per n: both fits, the ringed MSE markers, the state in words."""
    mse, params = trained.mse, trained.params
    return [
        SliderState(
            label=f"n = {n}",
            text=(
                f"n = {n} neuron{'s' if n > 1 else ''}: ReLU MSE {mse['ReLU'][i]:.1e} "
                f"({params['ReLU'][i]} parameters), SwiGLU MSE {mse['SwiGLU'][i]:.1e} "
                f"({params['SwiGLU'][i]} parameters)."
            ),
            restyle=[
                ({"y": [curve(trained, "ReLU", i), curve(trained, "SwiGLU", i)]}, [1, 2]),
                ({"x": [[n], [n]], "y": [[mse["ReLU"][i]], [mse["SwiGLU"][i]]]}, [5, 6]),
            ],
        )
        for i, n in enumerate(NS)
    ]


def caption(trained: Trained) -> str:
    mse = trained.mse
    return (
        "Add neurons with the slider. The dashed SwiGLU curve sits on the target x² from n = 2 on "
        f"(MSE {mse['SwiGLU'][1]:.0e}): two SwiGLU neurons make x² exactly, since x²σ(x) + x²σ(−x) = x². "
        f"The ReLU layer bends a straight line into a polygon, and even with 8 neurons its MSE is "
        f"{mse['ReLU'][-1]:.1e}. The lower panel shows the training error for every n."
    )


def make() -> FigureOutput:
    trained = train()
    i0 = DEFAULT_N - 1
    return FigureOutput(
        id=ID,
        kind="interactive",
        label="Fitting y = x² with n ReLU neurons and with n SwiGLU neurons",
        caption=caption(trained),
        files={f"figures/{ID}.json": interactive(traces(trained, i0), layout(trained), "neurons", states(trained), i0)},
        facts={"neurons": NS, "mse": trained.mse, "params": trained.params},
    )
