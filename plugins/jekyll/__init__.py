"""Jekyll posts in: front matter, `_config.yml`, the site model and Liquid, then Markdown.

| signal | handler | reads → writes |
|---|---|---|
| `initialized` | `reader.check_config` | `content/_config.yml` → one error naming its line if it is bad |
| `readers_init` | `reader.add_reader` | → this package's reader for every Markdown suffix, in any case |
| `readers_init` | `html_reader.add_reader` | → `.html`/`.htm`: posts under `_posts/`/`_drafts/`, other files as Pelican's HTMLReader |
| `content_object_init` | `reader.emit_warnings` | the warnings the reader recorded (cached with the post) → the build's warnings |
| `all_generators_finalized` | `links.check_links` | each post's links to pages (`site_links`) → a warning for one the build does not make |

Modules: `reader` (a post → HTML and metadata), `html_reader` (`.html` posts), `front_matter` (YAML between `---` lines),
`links` (links to pages the site lacks), `config` (`_config.yml` as Pelican settings; Jekyll's permalink placeholders), `site`
(every post's URL, title and date before any is read: what Liquid links to), `liquid`
(the Liquid environment and rendering), `liquid_tags` (Jekyll's tags), `liquid_lax` (what
Jekyll's Liquid only warns about), `liquid_lines`
(which source line each line of Liquid's output came from).
"""

from pelican import signals


def register():
    # Imported here, not above: the Markdown stage's modules read this package's site model
    # (`plugins.jekyll.site`), and importing that must not pull in the reader, which uses them.
    from plugins.jekyll import html_reader, links, reader

    signals.initialized.connect(reader.check_config)
    signals.readers_init.connect(reader.add_reader)
    signals.readers_init.connect(html_reader.add_reader)
    signals.content_object_init.connect(reader.emit_warnings)
    signals.all_generators_finalized.connect(links.check_links)
