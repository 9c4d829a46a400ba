"""Responsive images: every `srcset` entry leads to a file the site publishes.

al-folio's `figure.html` include writes `<picture><source srcset="x-480.webp">…<img
src="x.png"></picture>`, for WebP sizes that its ImageMagick plugin made at build time.
Here, for each `<source srcset>` and `<img srcset>` entry that leads to a local file:

- the file is in the content folder: kept;
- it is missing but named `NAME-WIDTH.webp` beside a raster image `NAME.jpg/.jpeg/.png/.tiff`:
  kept, and made at build time from that image with Pillow (WIDTH pixels wide, never
  wider than the image; fixed encoder settings, so the same bytes every time; cached by
  the image's bytes and the width) and published beside it (`write_derived`);
- missing beside a picture that cannot be made into WebP (`NAME.svg`, `NAME.gif`, al-folio's
  `NAME.svg-480.webp`): dropped, as the old site's fallback script dropped it;
- anything else (a missing file, another host's image, a path outside the content folder):
  dropped, with an author warning naming the line and the URL.

A `<source>` left with no entry is removed; an `<img>` loses its `srcset` and `sizes`.
An `<img>`'s `width="auto"`/`height="auto"` (not HTML) are removed, so that the image
gets its intrinsic size as any other (plugins/markdown/local_files.py). Inline event
handlers (`onerror=…`), which the site's CSP never runs, are removed from every tag.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor

from plugins.build_cache import cached, fingerprint
from plugins.markdown import source_text
from plugins.markdown.external_embeds import origin_of
from plugins.markdown.local_files import inside, site_path

TAG = re.compile(r"""<(?P<name>[A-Za-z][\w:-]*)(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>""")
ATTR = re.compile(r"""(?P<space>\s+)(?P<name>[^\s=>/"']+)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s>"']+))?""")
RAW_TEXT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
SIZED = re.compile(r"^(?P<name>.+)-(?P<width>\d{1,5})\.webp$", re.IGNORECASE)
RASTER = (".jpg", ".jpeg", ".png", ".tiff", ".tif")  # what al-folio's ImageMagick plugin converts
NOT_CONVERTED = (".svg", ".gif", ".webp")  # pictures it leaves as they are
SIZES, NO_SIZE = ("width", "height"), ("auto", "")  # what an <img> may not say as its size
LIBRARIES = ["pillow"]
FACT = "derived_images"  # md.page_facts key: [[image, width, webp], …], paths in the content folder


def attributes(attrs: str) -> list[tuple[str, str, str | None]]:
    """(leading space, name, raw value with its quotes or None) for each attribute."""
    return [(m["space"], m["name"], m["value"]) for m in ATTR.finditer(attrs)]


def value_of(raw: str | None) -> str:
    if raw is None:
        return ""
    return html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw)


def candidates(srcset: str) -> list[tuple[str, str]]:
    """(URL, descriptor) of each srcset entry, as the HTML standard splits them."""
    out, i, n = [], 0, len(srcset)
    while i < n:
        while i < n and (srcset[i].isspace() or srcset[i] == ","):
            i += 1
        if i >= n:
            break
        j = i
        while j < n and not srcset[j].isspace():
            j += 1
        url = srcset[i:j]
        if url.endswith(","):
            out.append((url.rstrip(","), ""))
            i = j
            continue
        k = srcset.find(",", j)
        k = n if k < 0 else k
        out.append((url, srcset[j:k].strip()))
        i = k + 1
    return out


class Srcsets:
    """One page's srcset entries checked against the content folder."""

    def __init__(self, md: Markdown, root: Path, baseurls: tuple[str, ...], own: frozenset[str]):
        self.md, self.root, self.baseurls, self.own = md, root, baseurls, own
        self.derived: dict[str, tuple[str, int]] = {}  # webp → (image, width), content-relative
        self.failed: dict[str, str] = {}  # image → why Pillow could not make its sizes
        self.told: set[str] = set()
        self.quiet = False  # a first pass, that only finds what to make

    def warn(self, url: str, message: str) -> None:
        if not self.quiet:
            source_text.warn(self.md, source_text.line_of(self.md, url), message)

    def make(self) -> None:
        """Every WebP size found so far, made (or found in the build cache), two at a time:
        Pillow lets go of the GIL while it resizes and encodes."""
        from concurrent.futures import ThreadPoolExecutor

        code = fingerprint(__file__, LIBRARIES)

        def attempt(item: tuple[str, int]) -> tuple[str, str | None]:
            image, width = item
            try:
                webp(self.root / image, width, code)
            except Exception as err:  # Pillow's errors vary by format: a file it cannot read
                return image, f"{type(err).__name__}: {err}"
            return image, None

        with ThreadPoolExecutor(max_workers=2) as pool:
            for image, why in pool.map(attempt, sorted(set(self.derived.values()))):
                if why and image not in self.failed:
                    self.failed[image] = why

    def keep(self, url: str) -> bool:
        parts = urlsplit(url)
        if url.startswith("data:"):
            return True
        if (parts.scheme or parts.netloc) and origin_of(url) not in self.own:
            self.warn(url, f"image {url!r} is on another host, which the site never loads from: left out of srcset")
            return False
        path = site_path(url, self.baseurls)
        if not path.startswith("/"):
            return True  # relative to the page's URL, which is not known here: left as written
        target = inside(self.root, self.root / path.lstrip("/"))
        if target is None:
            self.warn(url, f"image {url!r} leads outside the content folder: left out of srcset")
            return False
        if target.is_file():
            return True
        sized = SIZED.match(target.name)
        if sized:
            base = target.with_name(sized["name"])
            for suffix in RASTER + tuple(s.upper() for s in RASTER):
                image = base.with_name(base.name + suffix)
                if image.is_file():
                    source = self.relative(image)
                    if source in self.failed:
                        if source not in self.told:  # once per image, not per size
                            self.told.add(source)
                            self.warn(
                                url, f"image {url!r} cannot be made from {source} ({self.failed[source]}): left out"
                            )
                        return False
                    self.derived[self.relative(target)] = (source, int(sized["width"]))
                    return True
            if base.is_file() or any(base.with_name(base.name + s).is_file() for s in NOT_CONVERTED):
                return False  # a picture with no WebP sizes: the <img> shows it
        self.warn(url, f"image {url!r} in srcset not found (looked for {target}): left out")
        return False

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def tag(self, m: re.Match) -> str:
        name = m["name"].lower()
        attrs = attributes(m["attrs"])
        kept = [(s, n, v) for s, n, v in attrs if not n.lower().startswith("on")]
        if name in ("source", "img"):
            srcset = next((v for _, n, v in kept if n.lower() == "srcset"), None)
            if srcset is not None:
                entries = candidates(value_of(srcset))
                good = [(url, d) for url, d in entries if self.keep(url)]
                if not good and name == "source":
                    return ""
                if len(good) < len(entries):
                    value = html.escape(", ".join(f"{url} {d}".strip() for url, d in good))
                    kept = [(s, n, f'"{value}"' if n.lower() == "srcset" else v) for s, n, v in kept]
                    kept = [(s, n, v) for s, n, v in kept if good or n.lower() not in ("srcset", "sizes")]
            if name == "img":
                kept = [(s, n, v) for s, n, v in kept if not (n.lower() in SIZES and value_of(v).strip() in NO_SIZE)]
        if kept == attrs:
            return m.group(0)
        tail = re.search(r"\s*/?\s*$", m["attrs"]).group(0)
        body = "".join(f"{s}{n}" + (f"={v}" if v is not None else "") for s, n, v in kept)
        return f"<{m['name']}{body}{tail if '/' in tail else ''}>"


class ResponsiveImages(Postprocessor):
    def __init__(self, md: Markdown, root: Path, baseurls, own: frozenset[str]):
        super().__init__(md)
        self.root, self.baseurls, self.own = root, baseurls, own

    def run(self, text: str) -> str:
        if "srcset" not in text and not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE):
            return text
        page = Srcsets(self.md, self.root, self.baseurls() if callable(self.baseurls) else self.baseurls, self.own)
        page.quiet = True
        self.rewrite(text, page)  # what WebP sizes the page asks for
        if page.derived:
            page.make()
            page.derived, page.quiet = {}, False
            text = self.rewrite(text, page)  # with the sizes that could not be made left out
        else:
            page.quiet = False
            text = self.rewrite(text, page)
        if page.derived:
            facts = getattr(self.md, "page_facts", None)
            if facts is None:
                facts = self.md.page_facts = {}
            facts[FACT] = [[image, width, webp] for webp, (image, width) in sorted(page.derived.items())]
        return text

    @staticmethod
    def rewrite(text: str, page: Srcsets) -> str:
        out, at = [], 0
        for raw in RAW_TEXT.finditer(text):  # scripts and styles hold text, not tags
            out += [TAG.sub(page.tag, text[at : raw.start()]), raw.group(0)]
            at = raw.end()
        out.append(TAG.sub(page.tag, text[at:]))
        return "".join(out)


class ResponsiveImagesExtension(Extension):
    """`content` is the content folder; `baseurls` the site paths a URL may start with
    (Liquid's, the old site's), or a function giving them when a page first needs them;
    a URL at `site_url`'s origin is the site's own. A relative srcset entry (relative to
    the page's URL) is left as written."""

    def __init__(self, content: str | Path, baseurls=("",), site_url: str = ""):
        super().__init__()
        self.root = Path(content)
        self.baseurls = baseurls
        self.own = frozenset(filter(None, [origin_of(site_url)]))

    def extendMarkdown(self, md: Markdown) -> None:
        source_text.remember(md)
        # After raw HTML is put back (30), so the includes' HTML is seen.
        md.postprocessors.register(ResponsiveImages(md, self.root, self.baseurls, self.own), "srcsets", 7)


def webp(image: Path, width: int, code: bytes | None = None) -> bytes:
    """`image` as WebP, `width` pixels wide (its own width if smaller), the same bytes each time."""
    code = code or fingerprint(__file__, LIBRARIES)

    def make() -> bytes:
        from PIL import Image

        with Image.open(image) as picture:
            picture.load()
            frame = picture.convert("RGBA" if "A" in picture.getbands() or "transparency" in picture.info else "RGB")
        if frame.width > width:
            frame = frame.resize((width, max(1, round(frame.height * width / frame.width))), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        frame.save(out, format="WEBP", quality=80, method=4, exact=False)
        return out.getvalue()

    return cached("webp", [image.read_bytes(), str(width), code], make, suffix=".webp")


def write_derived(generator, writer) -> None:
    """The WebP sizes the generator's pages asked for, written beside their images."""
    from plugins.build_state import contents_of
    from plugins.jekyll.front_matter import author_warning  # (plugins.jekyll imports this package)

    if getattr(writer, "pages_only", False):
        return  # the dev server's pages-only build: the full build follows
    root = Path(generator.settings["PATH"])
    output = Path(writer.output_path)
    code = fingerprint(__file__, LIBRARIES)
    wanted = {}
    for content in contents_of([generator]):
        for image, width, target in content.metadata.get(FACT) or ():
            wanted[target] = (image, width)
    for target, (image, width) in sorted(wanted.items()):
        source, dest = inside(root, root / image), inside(output, output / target)
        if source is None or dest is None or not source.is_file():
            continue
        try:
            data = webp(source, width, code)  # made when the page was read: from the build cache
        except Exception as err:  # the image changed since and Pillow cannot read it
            author_warning(source, None, f"cannot make its {width}-pixel WebP size ({err}): {target} is missing")
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.unlink(missing_ok=True)  # never write through a link into another file
        dest.write_bytes(data)
