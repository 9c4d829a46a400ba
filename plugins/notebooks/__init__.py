"""Jupyter notebooks as posts: a `.ipynb` in `content/` is read like a Markdown post, its outputs shown as the site shows such things.

| signal | handler | reads → writes |
|---|---|---|
| `readers_init` | `reader.add_reader` | → the notebook reader for `.ipynb`, in any case |
| `article_generator_init` | `publish.only_posts` | → the articles read only the notebooks named as posts; the others stay files |
| `get_generators` | `publish.get_generators` | → a generator writing each notebook's output files and its figures' pages |

Modules: `source` (the notebook file → cells, front matter, each code cell's options),
`execute` (running a notebook only when asked; the freeze), `convert` (the notebook → one
Jekyll text of front matter and Markdown, code cells as markers), `blocks` (the Markdown
extension that puts each marker's HTML in place), `outputs` (each kind of output → HTML or
a file), `plotly_figures` (a Plotly output → one of the site's interactive figures), `svg`
(an SVG output made safe), `reader` (the Pelican reader), `publish` (the files into the output).
The warnings the reader records are emitted by plugins/jekyll's `emit_warnings`, as a Markdown post's are.
"""

from pelican import signals

from plugins.notebooks.publish import get_generators, only_posts
from plugins.notebooks.reader import add_reader


def register():
    signals.readers_init.connect(add_reader)
    signals.article_generator_init.connect(only_posts)
    signals.get_generators.connect(get_generators)
