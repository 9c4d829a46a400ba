"""Equation numbers and references, resolved in Python before KaTeX sees a formula."""

from __future__ import annotations

import pytest

from plugins.markdown.equation_refs import (
    LabelError,
    UnknownLabel,
    anchor,
    link,
    number_labels,
    prepare_display,
    resolve_inside,
)


def test_labelled_display_formulas_are_numbered_in_order_and_tags_keep_their_text():
    formulas = [r"a \label{eq:a}", "b", r"c \label{eq:c} \tag{*}", r"d \label{eq:d}"]
    assert number_labels(formulas) == {"eq:a": "1", "eq:c": "*", "eq:d": "2"}


def test_a_label_becomes_a_tag_and_the_box_gets_an_id():
    numbers = {"eq:gate": "1"}
    assert prepare_display(r"g(x) \label{eq:gate}", numbers) == (r"g(x)  \tag{1}", "eq-eq-gate")
    assert prepare_display(r"g \label{eq:gate} \tag{A}", {"eq:gate": "A"}) == (r"g  \tag{A}", "eq-eq-gate")
    assert prepare_display("plain", numbers) == ("plain", None)


def test_references_inside_a_formula_become_plain_numbers():
    numbers = {"eq:a": "1", "eq:b": "2"}
    assert resolve_inside(r"\eqref{eq:a} + \ref{eq:b}", numbers) == r"\text{(1)} + \text{2}"


def test_a_formula_that_is_only_a_reference_becomes_a_link():
    numbers = {"eq:gate": "1"}
    assert link(r" \eqref{eq:gate} ", numbers) == '<a class="eqref" href="#eq-eq-gate">(1)</a>'
    assert link(r"\ref{eq:gate}", numbers) == '<a class="eqref" href="#eq-eq-gate">1</a>'
    assert link(r"x + \eqref{eq:gate}", numbers) is None


def test_a_tag_with_html_in_it_is_escaped_in_the_link():
    assert link(r"\eqref{k}", {"k": "<b>"}) == '<a class="eqref" href="#eq-k">(&lt;b&gt;)</a>'


def test_anchors_are_lowercase_words_and_dashes():
    assert anchor("Eq:Two Words!") == "eq-eq-two-words"


def test_an_unknown_reference_names_the_label_and_the_known_ones():
    with pytest.raises(UnknownLabel, match=r"no equation has \\\\label\{eq:x\} \(labels: eq:a, eq:b\)"):
        link(r"\eqref{eq:x}", {"eq:b": "2", "eq:a": "1"})
    with pytest.raises(UnknownLabel, match=r"labels: none"):
        resolve_inside(r"\eqref{eq:x}", {})


def test_a_label_used_twice_names_it_and_the_second_formula():
    with pytest.raises(LabelError, match=r"\\label\{eq:a\} is used by two equations") as err:
        number_labels([r"\label{eq:a}", "x", r"\label{eq:a}"])
    assert err.value.index == 2


def test_two_labels_in_one_formula_are_refused():
    with pytest.raises(LabelError, match=r"has 2 labels \(eq:a, eq:b\)") as err:
        number_labels([r"a \label{eq:a} \\ b \label{eq:b}"])
    assert err.value.index == 0
