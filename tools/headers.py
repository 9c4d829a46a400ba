"""One table of the HTTP headers and content types the site needs, written out for every host.

    python -m tools.headers nginx --root /srv/site [--listen 80] [--server-name example.org]
    python -m tools.headers netlify            # the _headers file (make publish writes it)

The same rules become: the `_headers` file that Netlify and Cloudflare Pages
read (written into the output by `make publish`), the header, caching and
content-type parts of the nginx server block (deploy/nginx.conf.template), and
the Content-Security-Policy and content types the dev server (tools/serve/) sends.

Caching: every file under /theme/ and /assets/ has a content hash or a package
version in its name (tools/publish.py), as do Pagefind's index fragments, so
they are cached for a year as `immutable`. Everything else (pages, feeds,
pagefind.js) is revalidated on every visit (`max-age=0, must-revalidate`, with
ETag/Last-Modified), which is also what Netlify and Cloudflare Pages send by
default, so `_headers` leaves it to them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pelicanconf import CONTENT_SECURITY_POLICY  # noqa: E402  (the pages' meta tag has the same policy)

TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")  # Debian's package

# A header can say what a <meta> tag cannot: who may frame a file. Only the site itself
# (a post frames a figure exported as HTML, one of the site's own files); no other host.
CSP_HEADER = f"{CONTENT_SECURITY_POLICY}; frame-ancestors 'self'"
SECURITY = {
    "Content-Security-Policy": CSP_HEADER,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",  # frame-ancestors for browsers that predate it
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"  # also Netlify's and Cloudflare Pages' default


@dataclass(frozen=True)
class Rule:
    prefix: str  # a URL path prefix: "/" is every file
    headers: dict[str, str]


RULES = [
    Rule("/", SECURITY),
    Rule("/theme/", {"Cache-Control": IMMUTABLE}),  # hashed names, or versioned vendor folders
    Rule("/assets/", {"Cache-Control": IMMUTABLE}),  # hashed names
    Rule("/pagefind/fragment/", {"Cache-Control": IMMUTABLE}),  # Pagefind names these by hash
    Rule("/pagefind/index/", {"Cache-Control": IMMUTABLE}),
]
DEFAULT_CACHE = REVALIDATE  # where no rule sets Cache-Control

# Content types for every kind of file the site has (nginx's own map lacks .mjs, .csv and Pagefind's).
CONTENT_TYPES = {
    "text/html": ["html"],
    "text/css": ["css"],
    "text/javascript": ["js", "mjs"],
    "application/json": ["json", "map"],
    "application/xml": ["xml"],
    "application/atom+xml": ["atom"],
    "text/plain": ["txt"],
    "text/csv": ["csv"],
    "image/svg+xml": ["svg"],
    "image/png": ["png"],
    "image/jpeg": ["jpg", "jpeg"],
    "image/webp": ["webp"],
    "image/gif": ["gif"],
    "image/x-icon": ["ico"],
    "application/pdf": ["pdf"],
    "font/woff2": ["woff2"],
    "application/wasm": ["wasm"],
    # Pagefind's wasm, index and fragments: binary files its JavaScript decodes itself.
    "application/octet-stream": ["pagefind", "pf_meta", "pf_index", "pf_fragment"],
}
TEXT_TYPES = ["text/html", "text/css", "text/javascript", "application/json", "application/xml"]
TEXT_TYPES += ["application/atom+xml", "text/plain", "text/csv", "image/svg+xml"]  # sent with charset=utf-8
DEFAULT_TYPE = "application/octet-stream"  # a suffix the table does not name
TYPE_OF_SUFFIX = {f".{ext}": kind for kind, exts in CONTENT_TYPES.items() for ext in exts}


def content_type(suffix: str) -> str:
    """The Content-Type of a file with this suffix (".css"), as nginx sends it: the table's
    type, with `; charset=utf-8` for text types; DEFAULT_TYPE for a suffix it does not name."""
    kind = TYPE_OF_SUFFIX.get(suffix.lower(), DEFAULT_TYPE)
    return f"{kind}; charset=utf-8" if kind in TEXT_TYPES else kind


def headers_for(path: str) -> dict[str, str]:
    """The headers the table gives a URL path (later, longer rules win for the same header)."""
    found = {"Cache-Control": DEFAULT_CACHE}
    for rule in RULES:
        if path.startswith(rule.prefix):
            found.update(rule.headers)
    return found


def netlify_headers() -> str:
    """The `_headers` file (Netlify, Cloudflare Pages). Hosts add the headers of every
    matching rule, so a header appears in one rule per path; DEFAULT_CACHE is theirs."""
    lines = []
    for rule in RULES:
        lines.append(f"{rule.prefix}*")
        lines += [f"  {name}: {value}" for name, value in rule.headers.items()]
    return "\n".join(lines) + "\n"


def nginx_add_headers(headers: dict[str, str], indent: str) -> str:
    # `always`: error pages (404) get them too.
    return "\n".join(f'{indent}add_header {name} "{value}" always;' for name, value in headers.items())


def nginx_locations() -> str:
    """A location per rule. nginx's add_header in a location replaces the server's, so each
    location repeats the full set of headers for its paths."""
    blocks = []
    for rule in RULES[1:]:
        body = nginx_add_headers(headers_for(rule.prefix), "        ")
        blocks.append(f"    location {rule.prefix} {{\n{body}\n    }}")
    return "\n".join(blocks)


def nginx_types() -> str:
    return "\n".join(f"        {kind} {' '.join(exts)};" for kind, exts in CONTENT_TYPES.items())


def brotli_available() -> bool:
    """Is nginx's brotli_static module installed (Debian: libnginx-mod-http-brotli-static)?"""
    if BROTLI_MODULE.exists():
        return True
    nginx = shutil.which("nginx")
    version = subprocess.run([nginx, "-V"], capture_output=True, text=True).stderr if nginx else ""
    return "brotli" in version


def nginx_server(root: Path, listen: str = "80", server_name: str = "_", brotli: bool | None = None) -> str:
    """deploy/nginx.conf.template filled in: a server block for `make publish`'s output."""
    brotli = brotli_available() if brotli is None else brotli
    values = {
        "@LISTEN@": listen,
        "@SERVER_NAME@": server_name,
        "@ROOT@": str(root),
        "@TYPES@": nginx_types(),
        "@CHARSET_TYPES@": " ".join(TEXT_TYPES),
        "@BROTLI@": "brotli_static on;" if brotli else "# brotli_static on;  (needs libnginx-mod-http-brotli-static)",
        "@HEADERS@": nginx_add_headers(headers_for("/"), "        "),
        "@LOCATIONS@": nginx_locations(),
    }
    text = TEMPLATE.read_text()
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def write_netlify_headers(output: Path) -> None:
    (output / "_headers").write_text(netlify_headers())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="kind", required=True)
    nginx = sub.add_parser("nginx", help="print the nginx server block")
    nginx.add_argument("--root", type=Path, required=True, help="the folder make publish wrote")
    nginx.add_argument("--listen", default="80")
    nginx.add_argument("--server-name", default="_")
    sub.add_parser("netlify", help="print the _headers file")
    args = parser.parse_args(argv)
    if args.kind == "nginx":
        print(nginx_server(args.root.resolve(), args.listen, args.server_name), end="")
    else:
        print(netlify_headers(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
