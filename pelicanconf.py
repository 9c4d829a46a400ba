"""Pelican settings for local development; publishconf.py overrides what publishing changes."""

import os
import sys
from pathlib import Path

from pymdownx.superfences import fence_div_format

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # so plugins can import the `figures` package

from plugins.jekyll.config import pelican_settings  # noqa: E402
from plugins.markdown.kramdown_blocks import gfm_slug  # noqa: E402

# A blog moved in with `make import` keeps its title and post URLs from its _config.yml.
JEKYLL_CONFIG = pelican_settings(ROOT / "content" / "_config.yml")

AUTHOR = JEKYLL_CONFIG.get("AUTHOR", "SwiGLU Intuition")
SITENAME = JEKYLL_CONFIG.get("SITENAME", "Wiggly Networks")
SITESUBTITLE = JEKYLL_CONFIG.get("SITESUBTITLE", "Interactive explainers about neural networks")
# Maths settings of a blog moved in with `make import` (content/_config.yml `katex:`, README
# "Moving a Jekyll blog"); without them, what our own posts get.
KATEX_MACROS = JEKYLL_CONFIG.get("KATEX_MACROS", {})  # site-wide macros: name → body or [body, nargs]
MATH_NUMBERING = JEKYLL_CONFIG.get("MATH_NUMBERING", "katex")  # none|ams|all; katex: KaTeX's own
MATH_SINGLE_DOLLAR = JEKYLL_CONFIG.get("MATH_SINGLE_DOLLAR", True)  # $…$ is inline maths
MATH_COMPAT = JEKYLL_CONFIG.get("MATH_COMPAT", None)  # 2|3: posts from a MathJax site; None: strict
MATH_ENVIRONMENTS = JEKYLL_CONFIG.get("MATH_ENVIRONMENTS", False)  # bare \begin{env} in text is maths
SITEURL = ""
RELATIVE_URLS = False  # root-relative links: right on every page, 404 included

PATH = "content"
# A Jekyll post dropped anywhere in content/ (posts/, _posts/ or content/ itself) is an article.
ARTICLE_PATHS = [""]
# Jekyll takes categories from front matter, never from a post's folder: `_posts/` is no category.
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "notes"
# Jekyll's own folders are not posts: includes are read by Liquid, layouts and plugins
# are the old theme's. Drafts are built only when asked for (`make serve DRAFTS=1`).
JEKYLL_DRAFTS = os.environ.get("DRAFTS", "") not in ("", "0")
ARTICLE_EXCLUDES = ["pages", "assets", "extra", "_includes", "_layouts", "_plugins", "_sass", "_data", "_site"]
ARTICLE_EXCLUDES += [] if JEKYLL_DRAFTS else ["_drafts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["assets", "extra"]
EXTRA_PATH_METADATA = {
    "extra/favicon.ico": {"path": "favicon.ico"},
    "extra/favicon.svg": {"path": "favicon.svg"},
}
OUTPUT_PATH = "output"
# sitemap.xml and robots.txt are theme templates. (pelican-sitemap stamps index
# pages with the build time, which would make every build's bytes different.)
TEMPLATE_PAGES = {"robots.txt": "robots.txt", "sitemap.xml": "sitemap.xml"}
BIBLIOGRAPHY = str(ROOT / "content" / "references.bib")  # plugins/features/citations.py
IGNORE_FILES = [".*", "*.meta.json"]  # figure metadata is read by the figure tag, not published
THEME = str(ROOT / "theme")

TIMEZONE = JEKYLL_CONFIG.get("TIMEZONE", "UTC")  # Jekyll's `timezone:`; dates in URLs are in it
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
DEFAULT_PAGINATION = 10

# Jekyll-style file names: 2026-11-26-swiglu-intuition.md gives the date and slug.
FILENAME_METADATA = r"(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>.*)"
# Jekyll's default permalink, /:year/:month/:day/:title/ (or _config.yml's).
ARTICLE_URL = JEKYLL_CONFIG.get("ARTICLE_URL", "{date:%Y}/{date:%m}/{date:%d}/{slug}/")
ARTICLE_SAVE_AS = JEKYLL_CONFIG.get("ARTICLE_SAVE_AS", ARTICLE_URL + "index.html")
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DRAFT_URL = "drafts/{slug}.html"  # Pelican's: `published: false` posts, not Jekyll's _drafts/
DRAFT_SAVE_AS = DRAFT_URL
# A post's `lang:` (kept for templates) never moves it: Jekyll gives `lang` no meaning, so
# `{% post_url %}` and old links still land. Each post stands alone, as in Jekyll: none is
# hidden as another's translation (a same-slug post in another language), and two posts
# that would share one URL fail the build (plugins/features/output_paths.py).
ARTICLE_LANG_URL, ARTICLE_LANG_SAVE_AS = ARTICLE_URL, ARTICLE_SAVE_AS
PAGE_LANG_URL, PAGE_LANG_SAVE_AS = PAGE_URL, PAGE_SAVE_AS
DRAFT_LANG_URL, DRAFT_LANG_SAVE_AS = DRAFT_URL, DRAFT_SAVE_AS
DRAFT_PAGE_URL = DRAFT_PAGE_LANG_URL = "drafts/pages/{slug}.html"
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = DRAFT_PAGE_URL
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = CATEGORY_URL + "index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = TAG_URL + "index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
AUTHOR_SAVE_AS = ""  # one author: no author pages
AUTHORS_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "categories", "tags", "archives"]

# Atom feeds need absolute URLs: publishconf.py makes them.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None


# The pipeline, in order: Pelican calls each signal's handlers in the order the packages
# connect them (plugins/__init__.py has the table of stages).
PLUGINS = [
    "plugins.jekyll",  # Jekyll posts: front matter, _config.yml, Liquid, the reader
    "plugins.notebooks",  # Jupyter notebooks as posts, read by the Jekyll reader's path
    "plugins.katex",  # formulas at build time; KaTeX's CSS and fonts cut to what is used
    "plugins.mermaid",  # diagrams drawn at build time
    "plugins.features",  # citations, reading time, social cards, figure pages, search, output check
    "plugins.assets",  # plotly.js and the theme's minified CSS and JS into the output
    "plugins.incremental",  # the speed layer (INCREMENTAL = False turns it off)
    "plugins.build_state",  # last: the build's state closes after every other stage
]
INCREMENTAL = True

MARKDOWN = {
    "extensions": [
        "markdown.extensions.tables",
        "markdown.extensions.footnotes",
        "markdown.extensions.attr_list",
        "markdown.extensions.def_list",
        "markdown.extensions.abbr",
        "markdown.extensions.md_in_html",
        "pymdownx.highlight",
        "pymdownx.superfences",
        "markdown.extensions.toc",
        "pymdownx.magiclink",  # Jekyll's GFM input links bare URLs; so do we
    ],
    "extension_configs": {
        # Classes instead of inline styles: colours come from the theme's CSS.
        "pymdownx.highlight": {"css_class": "highlight", "guess_lang": False},
        "pymdownx.superfences": {
            # ```mermaid fences become <div class="mermaid">; plugins/mermaid/render.py draws them as SVG.
            "custom_fences": [
                {
                    "name": "mermaid",
                    "class": "mermaid",
                    "format": fence_div_format,
                }
            ]
        },
        "pymdownx.magiclink": {"hide_protocol": False},
        # Numbered in the order the text cites them, as kramdown numbers them.
        "markdown.extensions.footnotes": {"USE_DEFINITION_ORDER": False},
        # Heading ids as Jekyll's kramdown (GFM) makes them, so links into old posts land.
        "markdown.extensions.toc": {
            "permalink": "#",
            "permalink_title": "Link to this section",
            "slugify": gfm_slug,
        },
    },
    "output_format": "html5",
}
# Maths may link to these (plugins/katex/render.py); nothing else \\href, \\url, \\includegraphics…:
# KATEX_TRUST = [{"command": "\\href", "protocol": "https", "host": "my.site"}]

# Every page carries this policy as a <meta> tag; tools/serve/ also sends it as a
# header. Scripts only from this site, never inline or eval'd; nothing from other
# hosts. Styles allow inline because KaTeX positions glyphs with style attributes
# and Mermaid (at build time) and plotly.js write <style> into the SVG they draw.
# Frames only of the site's own files (a figure exported as HTML); the header adds
# that only the site may frame its pages (tools/headers.py).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Pagefind's search runs WebAssembly: 'wasm-unsafe-eval' compiles wasm, never JS.
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "child-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

# Templates escape every variable (a front-matter title with `<` or `&` prints as text);
# only HTML that Markdown rendered is marked `|safe` in the theme.
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
    "autoescape": True,
}

# Same sources, same bytes: no build timestamps anywhere in the output.
LOAD_CONTENT_CACHE = False
SLUGIFY_SOURCE = "basename"
