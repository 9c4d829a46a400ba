"""The site's maths settings, checked before any post is read: KATEX_TRUST, KATEX_MACROS, MATH_COMPAT."""

from __future__ import annotations

import re

from plugins.katex.process import MATHJAX_PACKAGE, KaTeXError, katex_version

TRUSTABLE = {"\\href", "\\url", "\\includegraphics", "\\htmlId", "\\htmlClass", "\\htmlStyle", "\\htmlData"}
TRUST_KEYS = {"command", "protocol", "host", "class", "id", "style"}


def trust_list(value) -> list[dict]:
    """KATEX_TRUST checked: a list of {command, and any of protocol, host, class, id, style}."""
    entries = list(value or [])
    for entry in entries:
        if not (isinstance(entry, dict) and entry.get("command") in TRUSTABLE and set(entry) <= TRUST_KEYS):
            raise ValueError(
                f"KATEX_TRUST: {entry!r} is not a {{'command': one of {sorted(TRUSTABLE)}, and any of "
                f"{sorted(TRUST_KEYS - {'command'})}: a string}}"
            )
        if not all(isinstance(v, str) for v in entry.values()):
            raise ValueError(f"KATEX_TRUST: the values of {entry!r} must be strings")
    return entries


def site_macros(macros: dict | None) -> dict:
    """KATEX_MACROS checked: {name: body | [body, nargs] | [body, nargs, default]}, names without
    the backslash (MathJax's form)."""
    out = {}
    for name, body in (macros or {}).items():
        ok = isinstance(name, str) and bool(re.fullmatch(r"[A-Za-z@]+|[^A-Za-z\s]", name))
        if isinstance(body, (list, tuple)):
            ok = ok and 1 <= len(body) <= 3 and isinstance(body[0], str)
            ok = ok and (len(body) < 2 or (isinstance(body[1], int) and 0 <= body[1] <= 9))
            ok = ok and (len(body) < 3 or isinstance(body[2], str))
            body = list(body)
        else:
            ok = ok and isinstance(body, str)
        if not ok:
            raise ValueError(
                f"KATEX_MACROS: {name!r}: {body!r} is not a macro (a name without the backslash, and a body, "
                "[body, number of arguments] or [body, number of arguments, the first one's default])"
            )
        out[name] = body
    return dict(sorted(out.items()))


def compat_version(value) -> int | None:
    """MATH_COMPAT checked: None (strict KaTeX), 2 or 3 (the MathJax version the posts were written for)."""
    if value in (None, 2, 3, "2", "3"):
        return None if value is None else int(value)
    raise ValueError(f"MATH_COMPAT: {value!r} is not 2, 3 or None")


def check_settings(pelican) -> None:
    """A malformed KATEX_TRUST, KATEX_MACROS or MATH_COMPAT fails before any post is read; npm's
    KaTeX must be installed (and mathjax-full, for MATH_COMPAT)."""
    katex_version()
    try:
        trust_list(pelican.settings.get("KATEX_TRUST"))
        site_macros(pelican.settings.get("KATEX_MACROS"))
        compat = compat_version(pelican.settings.get("MATH_COMPAT"))
    except ValueError as err:
        from plugins.jekyll.front_matter import SourceError  # the site's mistake: one message, no traceback

        raise SourceError("the settings", None, str(err)) from None
    if compat and not MATHJAX_PACKAGE.is_dir():
        raise KaTeXError(f"MathJax is not installed at {MATHJAX_PACKAGE} (MATH_COMPAT needs it): run `npm ci`.")
