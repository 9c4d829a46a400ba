"""One look for every figure: colours that read on light and dark pages, fonts, margins.

Plotly figures get page colours from the site's figures.js at run time (so the
theme toggle restyles them), and their static pictures from figures.theme (the
site's CSS); here are the trace colours, which read on both themes.
"""

from __future__ import annotations

import io

# Mid-luminance colours: enough contrast on the light and the dark page background alike.
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


def svg_bytes(fig) -> bytes:
    """A matplotlib figure as SVG bytes that are the same on every run."""
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "figures"  # fixed ids instead of random ones
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return buf.getvalue()
