"""A stylesheet cut down to the rules a drawing or a site can use (KaTeX's, Mermaid's)."""

from __future__ import annotations

from collections.abc import Callable


def top_level_rules(css: str) -> list[str]:
    """The top-level rules of a minified stylesheet, @-blocks kept whole."""
    rules, depth, start = [], 0, 0
    for i, ch in enumerate(css):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                rules.append(css[start : i + 1].strip())
                start = i + 1
    return [r for r in rules if r]


def pruned(rules: list[str], used: Callable[[str], bool], keep_at_rule: Callable[[str], bool]) -> list[str]:
    """Each rule with only the selectors `used` accepts (gone when none is left); an @-rule
    (@font-face, @keyframes, @media…) kept whole when `keep_at_rule` accepts it."""
    kept = []
    for rule in rules:
        if rule.startswith("@"):
            if keep_at_rule(rule):
                kept.append(rule)
            continue
        selectors, body = rule.split("{", 1)
        live = [s for s in selectors.split(",") if used(s)]
        if live:
            kept.append(",".join(live) + "{" + body)
    return kept
