"""The dev server: serve the built site locally, rebuild it when a source changes, and reload
open pages.

    python -m tools.serve [--host 127.0.0.1] [--port 8000] [--output output] [--no-reload]

Three parts, each usable alone (the tests and the bench drive them directly):
- `server`: the HTTP server over the output folder (static files only from inside it, content
  types and the Content-Security-Policy from tools/headers.py, gzip for browsers that ask, and
  in live-reload mode the /__reload event stream and the script that listens to it);
- `builder`: what turns a change into a new site (`Builder.build`, and `rebuild`, which says
  what to build first after a change and announces each success);
- `warm_site`: the site kept read in memory between saves, which writes a saved post's page
  after reading only that post;
- `watcher`: watches the sources with watchfiles and hands each batch of changes to the builder.
"""
