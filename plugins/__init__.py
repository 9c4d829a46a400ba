"""The build's pipeline: Pelican plugins grouped by stage, in the order pelicanconf.py's PLUGINS lists them.

| stage | package | what it does |
|---|---|---|
| read | `plugins.jekyll` | a Jekyll post → front matter, Liquid (python-liquid), then Markdown → HTML and metadata |
| read | `plugins.notebooks` | a Jupyter notebook → the same Jekyll text (cells as Markdown, outputs as HTML and files), read the same way |
| convert | `plugins.markdown` | the Markdown extensions the reader converts with (kramdown maths and blocks, figure tags, epigraphs, embeds, local files, reading counts); not a Pelican plugin |
| maths | `plugins.katex` | formulas rendered by KaTeX in node at build time; KaTeX's CSS and fonts cut down to what is used |
| diagrams | `plugins.mermaid` | ```mermaid fences drawn by Mermaid in headless Chromium into inline SVG |
| features | `plugins.features` | citations, reading time, neighbours, social cards, figure pages, search, the output check |
| assets | `plugins.assets` | plotly.js and the theme's minified CSS and JS into the output |
| speed | `plugins.incremental` | the same output, faster: reader cache, linear link search, unchanged pages kept (`INCREMENTAL`) |
| state | `plugins.build_state` | one `BuildState` per build, opened at `initialized`, closed at `finalized` (last) |

Pelican calls each signal's handlers in the order they were connected: package by package
in PLUGINS order, and within a package in the order its `register()` connects them. Each
package's docstring has its table of signals and handlers.

Shared modules: `build_state` (what one build holds), `build_cache` (the on-disk cache of
slow, pure steps), `child_process` (node processes that die with the build), `chromium`
(which Chromium to start).
"""
