"""A rotated ellipse classified by n ReLU neurons and by n SwiGLU neurons, side by side."""

from __future__ import annotations

from dataclasses import dataclass

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
from figures.spec import SliderState, axis, interactive, percent, plotly_layout
from figures.style import COLORS

ID = "ellipse"
NEURONS = range(1, 9)
DEFAULT_N = 2
SEED = 7
N_TRAIN = 1500
GRID = 41  # heat-map resolution: 41² probabilities per panel and state (smoothed by plotly.js)
FINE = 161  # the learned boundary is traced on a finer grid, so it is smooth but costs few points
# Boundary points closer than this to the line through their neighbours are dropped: about 0.1 px on a
# 280 px panel showing 5 units, so the eye cannot tell, and the JSON keeps one point in seven.
TOLERANCE = 0.002
# A little weight decay keeps probabilities soft (the classes are separable, so
# without it the logits grow without bound and the heat map turns binary).
CONFIG = TrainConfig(seeds=8, l2=1e-5)
MODELS = {"ReLU": ReLULayer, "SwiGLU": SwiGLULayer}
# Probability (in %) as colour: transparent at 50 so the page shows through in both themes.
COLORSCALE = [[0, "rgba(224,123,40,0.55)"], [0.5, "rgba(128,128,128,0)"], [1, "rgba(59,125,216,0.6)"]]


# On a phone the two panels stack, each the column's width.
STACKED = {
    "height": 680,
    "xaxis.domain": [0, 1],
    "yaxis.domain": [0.54, 1],
    "xaxis2.domain": [0, 1],
    "yaxis2.domain": [0, 0.46],
}


@dataclass
class Trained:
    """For each model name, one trained network per n, with its held-out accuracy and size."""

    models: dict[str, list]
    accuracy: dict[str, list[float]]
    params: dict[str, list[int]]


def train() -> Trained:
    rng = np.random.default_rng(SEED)
    X, y, Xg, yg = ellipse_data(rng, N_TRAIN)
    models = {name: [fit(cls, 2, n, X, y, "bce", rng, CONFIG)[0] for n in NEURONS] for name, cls in MODELS.items()}
    return Trained(
        models=models,
        accuracy={name: [accuracy(m, Xg, yg) for m in runs] for name, runs in models.items()},
        params={name: [m.n_params for m in runs] for name, runs in models.items()},
    )


def ellipse_outline(points: int = 121) -> tuple[list, list]:
    t = np.linspace(0, 2 * np.pi, points)
    (a, b), r = ELLIPSE_AXES, ELLIPSE_ANGLE
    u, w = a * np.cos(t), b * np.sin(t)
    return rounded(u * np.cos(r) - w * np.sin(r), 4), rounded(u * np.sin(r) + w * np.cos(r), 4)


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Ramer-Douglas-Peucker: the points of a polyline that matter at this tolerance, ends kept."""
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    spans = [(0, len(points) - 1)]
    while spans:
        a, b = spans.pop()
        if b - a < 2:
            continue
        chord, rest = points[b] - points[a], points[a + 1 : b] - points[a]
        length = np.hypot(*chord)
        cross = chord[0] * rest[:, 1] - chord[1] * rest[:, 0]
        far = np.abs(cross) / length if length else np.hypot(rest[:, 0], rest[:, 1])
        i = a + 1 + int(np.argmax(far))
        if far[i - a - 1] > tolerance:
            keep[i] = True
            spans += [(a, i), (i, b)]
    return points[keep]


def probabilities(model) -> dict:
    """P(inside) on the heat map's grid, as whole percentages."""
    g = np.linspace(-ELLIPSE_BOX, ELLIPSE_BOX, GRID)
    gx, gy = np.meshgrid(g, g)
    return percent(sigmoid(model(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(GRID, GRID))


def boundary(model) -> tuple[list, list]:
    """The learned boundary P(inside) = 0.5 as one polyline (None separates pieces)."""
    import contourpy

    g = np.linspace(-ELLIPSE_BOX, ELLIPSE_BOX, FINE)
    gx, gy = np.meshgrid(g, g)
    logit = model(np.column_stack([gx.ravel(), gy.ravel()])).reshape(g.size, g.size)
    xs, ys = [], []
    for line in contourpy.contour_generator(g, g, logit).lines(0.0):
        line = simplify(line, TOLERANCE)
        xs += rounded(line[:, 0], 3) + [None]
        ys += rounded(line[:, 1], 3) + [None]
    return xs, ys


def title(trained: Trained, name: str, i: int) -> str:
    return f"{name}: {100 * trained.accuracy[name][i]:.1f} % held out"


def traces(trained: Trained, i: int) -> tuple[list[dict], list[dict]]:
    """The two panels' traces (heat map, learned boundary, true ellipse) and titles, at n = NEURONS[i]."""
    g = rounded(np.linspace(-ELLIPSE_BOX, ELLIPSE_BOX, GRID), 3)
    ex, ey = ellipse_outline()
    data, annotations = [], []
    for k, (name, models) in enumerate(trained.models.items()):
        on = {"xaxis": "x" if k == 0 else "x2", "yaxis": "y" if k == 0 else "y2"}
        bx, by = boundary(models[i])
        data += [
            {
                "type": "heatmap",
                "x": g,
                "y": g,
                "z": probabilities(models[i]),
                "zsmooth": "best",
                "zmin": 0,
                "zmax": 100,
                "colorscale": COLORSCALE,
                "showscale": False,
                "name": f"{name} P(inside)",
                "hovertemplate": "P(inside) = %{z} %<extra></extra>",
                **on,
            },
            {
                "x": bx,
                "y": by,
                "mode": "lines",
                "name": f"{name} boundary",
                "hoverinfo": "skip",
                "line": {"width": 2.5, "color": COLORS[name.lower()]},
                **on,
            },
            {
                "x": ex,
                "y": ey,
                "mode": "lines",
                "name": "true ellipse",
                "showlegend": k == 0,
                "hoverinfo": "skip",
                "line": {"dash": "dash", "width": 1.5, "color": COLORS["target"]},
                **on,
            },
        ]
        annotations.append(
            {
                "text": title(trained, name, i),
                "xref": f"{on['xaxis']} domain",
                "yref": f"{on['yaxis']} domain",
                "x": 0.5,
                "y": 1.0,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13},
            }
        )
    return data, annotations


def layout(annotations: list[dict]) -> dict:
    # constrain="domain": keep the ±box range and shrink the panel to a square instead.
    square = {
        "range": [-ELLIPSE_BOX, ELLIPSE_BOX],
        "fixedrange": True,
        "zeroline": False,
        "showgrid": False,
        "constrain": "domain",
    }
    return plotly_layout(
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


def states(trained: Trained) -> list[SliderState]:
    """One slider state per n: both heat maps and boundaries, the panel titles, the state in words."""
    acc, params = trained.accuracy, trained.params
    out = []
    for i, n in enumerate(NEURONS):
        data, annotations = traces(trained, i)
        out.append(
            SliderState(
                label=f"n = {n}",
                text=(
                    f"n = {n} neuron{'s' if n > 1 else ''}: held-out accuracy ReLU {100 * acc['ReLU'][i]:.1f} % "
                    f"({params['ReLU'][i]} parameters), "
                    f"SwiGLU {100 * acc['SwiGLU'][i]:.1f} % ({params['SwiGLU'][i]} parameters)."
                ),
                restyle=[
                    ({"z": [data[0]["z"], data[3]["z"]]}, [0, 3]),
                    ({"x": [data[1]["x"], data[4]["x"]], "y": [data[1]["y"], data[4]["y"]]}, [1, 4]),
                ],
                layout={f"annotations[{k}].text": a["text"] for k, a in enumerate(annotations)},
            )
        )
    return out


def caption(trained: Trained) -> str:
    acc, ns = trained.accuracy, list(NEURONS)
    best = next(i for i in range(len(ns)) if acc["SwiGLU"][i] >= 0.99)
    return (
        "Colour is the predicted probability of being inside (blue) or outside (orange); the solid line is the "
        "learned boundary, the dashed line the true ellipse. "
        f"With {ns[best]} neurons SwiGLU draws the ellipse ({100 * acc['SwiGLU'][best]:.1f} % of a held-out grid "
        f"right) while ReLU reaches {100 * acc['ReLU'][best]:.1f} %; ReLU's boundary is a polygon at every n."
    )


def make() -> FigureOutput:
    trained = train()
    i0 = DEFAULT_N - 1
    data, annotations = traces(trained, i0)
    return FigureOutput(
        id=ID,
        kind="interactive",
        label="Classifying points inside a rotated ellipse with n ReLU neurons and with n SwiGLU neurons",
        caption=caption(trained),
        files={
            f"figures/{ID}.json": interactive(data, layout(annotations), "neurons", states(trained), i0, narrow=STACKED)
        },
        facts={"neurons": list(NEURONS), "accuracy": trained.accuracy, "params": trained.params},
    )
