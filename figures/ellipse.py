"""A rotated ellipse classified by n ReLU neurons and by n SwiGLU neurons, side by side."""

from __future__ import annotations

import numpy as np

from figures.activations import sigmoid
from figures.nets import (
    ELLIPSE_ANGLE,
    ELLIPSE_AXES,
    ELLIPSE_BOX,
    ReLULayer,
    SwiGLULayer,
    TrainConfig,
    accuracy,
    ellipse_data,
    fit,
)
from figures.output import FigureOutput, rounded
from figures.spec import SliderState, axis, interactive, plotly_layout
from figures.style import COLORS

ID = "ellipse"
NEURONS = range(1, 9)
DEFAULT_N = 2
SEED = 7
N_TRAIN = 1500
GRID = 41  # heat-map resolution: 41² probabilities per panel and state (smoothed by plotly.js)
FINE = 161  # the learned boundary is traced on a finer grid, so it is smooth but costs few points
# A little weight decay keeps probabilities soft (the classes are separable, so
# without it the logits grow without bound and the heat map turns binary).
CONFIG = TrainConfig(seeds=8, l2=1e-5)
MODELS = {"ReLU": ReLULayer, "SwiGLU": SwiGLULayer}
# Probability as colour: transparent at 0.5 so the page shows through in both themes.
COLORSCALE = [[0, "rgba(224,123,40,0.55)"], [0.5, "rgba(128,128,128,0)"], [1, "rgba(59,125,216,0.6)"]]


# On a phone the two panels stack, each the column's width.
STACKED = {
    "height": 680,
    "xaxis.domain": [0, 1],
    "yaxis.domain": [0.54, 1],
    "xaxis2.domain": [0, 1],
    "yaxis2.domain": [0, 0.46],
}


def ellipse_outline(points: int = 121) -> tuple[list, list]:
    t = np.linspace(0, 2 * np.pi, points)
    (a, b), r = ELLIPSE_AXES, ELLIPSE_ANGLE
    u, w = a * np.cos(t), b * np.sin(t)
    return rounded(u * np.cos(r) - w * np.sin(r), 4), rounded(u * np.sin(r) + w * np.cos(r), 4)


def boundary(model, g: np.ndarray) -> tuple[list, list]:
    """The learned boundary P(inside) = 0.5 as one polyline (None separates pieces)."""
    import contourpy

    gx, gy = np.meshgrid(g, g)
    logit = model(np.column_stack([gx.ravel(), gy.ravel()])).reshape(g.size, g.size)
    xs, ys = [], []
    for line in contourpy.contour_generator(g, g, logit).lines(0.0):
        xs += rounded(line[:, 0], 3) + [None]
        ys += rounded(line[:, 1], 3) + [None]
    return xs, ys


def make() -> FigureOutput:
    rng = np.random.default_rng(SEED)
    X, y, Xg, yg = ellipse_data(rng, N_TRAIN)
    g = np.linspace(-ELLIPSE_BOX, ELLIPSE_BOX, GRID)
    gx, gy = np.meshgrid(g, g)
    Xplot = np.column_stack([gx.ravel(), gy.ravel()])
    fits = {name: [fit(cls, 2, n, X, y, "bce", rng, CONFIG)[0] for n in NEURONS] for name, cls in MODELS.items()}
    acc = {name: [accuracy(m, Xg, yg) for m in models] for name, models in fits.items()}
    params = {name: [m.n_params for m in models] for name, models in fits.items()}
    ns = list(NEURONS)
    i0 = DEFAULT_N - 1

    fine = np.linspace(-ELLIPSE_BOX, ELLIPSE_BOX, FINE)

    def prob(name, i):
        p = sigmoid(fits[name][i](Xplot)).reshape(GRID, GRID)
        return [rounded(row, 2) for row in p]

    def line(name, i):
        return boundary(fits[name][i], fine)

    def title(name, i):
        return f"{name}: {100 * acc[name][i]:.1f} % held out"

    ex, ey = ellipse_outline()
    data, annotations = [], []
    for k, name in enumerate(MODELS):
        suffix = "" if k == 0 else "2"
        data.append(
            {
                "type": "heatmap",
                "x": rounded(g, 3),
                "y": rounded(g, 3),
                "z": prob(name, i0),
                "zsmooth": "best",
                "zmin": 0,
                "zmax": 1,
                "colorscale": COLORSCALE,
                "showscale": False,
                "name": f"{name} P(inside)",
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "hovertemplate": "P(inside) = %{z:.2f}<extra></extra>",
            }
        )
        bx, by = line(name, i0)
        data.append(
            {
                "x": bx,
                "y": by,
                "mode": "lines",
                "name": f"{name} boundary",
                "hoverinfo": "skip",
                "line": {"width": 2.5, "color": COLORS[name.lower()]},
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
            }
        )
        data.append(
            {
                "x": ex,
                "y": ey,
                "mode": "lines",
                "name": "true ellipse",
                "showlegend": k == 0,
                "hoverinfo": "skip",
                "line": {"dash": "dash", "width": 1.5, "color": COLORS["target"]},
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
            }
        )
        annotations.append(
            {
                "text": title(name, i0),
                "xref": f"x{suffix} domain",
                "yref": f"y{suffix} domain",
                "x": 0.5,
                "y": 1.0,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
            }
        )
    # constrain="domain": keep the ±box range and shrink the panel to a square instead.
    square = {
        "range": [-ELLIPSE_BOX, ELLIPSE_BOX],
        "fixedrange": True,
        "zeroline": False,
        "showgrid": False,
        "constrain": "domain",
    }
    layout = plotly_layout(
        height=360,
        hovermode="closest",
        showlegend=False,
        margin={"l": 30, "r": 8, "t": 30, "b": 30},
        xaxis={**axis("", domain=[0, 0.47]), **square},
        yaxis={**axis("", scaleanchor="x"), **square},
        xaxis2={**axis("", domain=[0.53, 1]), **square},
        yaxis2={**axis("", anchor="x2", scaleanchor="x2"), **square},
        annotations=annotations,
    )

    def words(i):
        n = ns[i]
        return (
            f"n = {n} neuron{'s' if n > 1 else ''}: held-out accuracy ReLU {100 * acc['ReLU'][i]:.1f} % "
            f"({params['ReLU'][i]} parameters), "
            f"SwiGLU {100 * acc['SwiGLU'][i]:.1f} % ({params['SwiGLU'][i]} parameters)."
        )

    states = [
        SliderState(
            label=f"n = {n}",
            text=words(i),
            restyle=[
                ({"z": [prob("ReLU", i), prob("SwiGLU", i)]}, [0, 3]),
                (
                    {
                        "x": [line("ReLU", i)[0], line("SwiGLU", i)[0]],
                        "y": [line("ReLU", i)[1], line("SwiGLU", i)[1]],
                    },
                    [1, 4],
                ),
            ],
            layout={f"annotations[{k}].text": title(name, i) for k, name in enumerate(MODELS)},
        )
        for i, n in enumerate(ns)
    ]
    best = next(i for i in range(len(ns)) if acc["SwiGLU"][i] >= 0.99)
    return FigureOutput(
        id=ID,
        kind="interactive",
        label="Classifying points inside a rotated ellipse with n ReLU neurons and with n SwiGLU neurons",
        caption=(
            "Colour is the predicted probability of being inside (blue) or outside (orange); the solid line is the "
            "learned boundary, the dashed line the true ellipse. "
            f"With {ns[best]} neurons SwiGLU draws the ellipse ({100 * acc['SwiGLU'][best]:.1f} % of a held-out grid "
            f"right) while ReLU reaches {100 * acc['ReLU'][best]:.1f} %; ReLU's boundary is a polygon at every n."
        ),
        files={f"figures/{ID}.json": interactive(data, layout, "neurons", states, i0, narrow=STACKED)},
        facts={"neurons": ns, "accuracy": acc, "params": params},
    )
