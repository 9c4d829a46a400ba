"""One look for every figure: colours that read on light and dark pages, fonts, margins.

Plotly figures get page colours from the site's figures.js at run time (so the
theme toggle restyles them); here we set what does not change with the theme.
"""

from __future__ import annotations

import io

# Mid-luminance colours: enough contrast on #fdfcf9 and on #16181c alike.
COLORS = {
    "relu": "#e07b28",
    "swiglu": "#3b7dd8",
    "swish": "#2a9d6f",
    "target": "#8a8f98",
    "limit": "#9b59b6",
    "sigmoid": "#d64545",
    "gelu": "#b8860b",
    "relu2": "#c2185b",
}

FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"


def plotly_layout(**overrides) -> dict:
    """Base Plotly layout: transparent background, no mode bar clutter, tight margins."""
    layout = {
        "font": {"family": FONT, "size": 13},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 60, "r": 12, "t": 28, "b": 40},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "hovermode": "x unified",
        "dragmode": False,
    }
    layout.update(overrides)
    return layout


def axis(title: str, **overrides) -> dict:
    spec = {"title": {"text": title}, "zeroline": True, "fixedrange": True, "automargin": True}
    spec.update(overrides)
    return spec


def svg_bytes(fig) -> bytes:
    """A matplotlib figure as SVG bytes that are the same on every run."""
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "figures"  # fixed ids instead of random ones
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return buf.getvalue()
