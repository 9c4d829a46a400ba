// Search the posts with Pagefind (index built by plugins/features/search.py): the dialog.
// search-open.js fetches this file when a reader first opens search (header button or
// "/") and then sends "search-open". Nothing of Pagefind (its JS, wasm or index) is
// fetched before that either; the dialog itself is made on first open.
(function () {
  "use strict";
  var button = document.querySelector(".search-toggle");
  if (!button) return;
  var MAX_RESULTS = 8;
  var dialog, input, status, list, pagefind;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  // The index is in pieces (plugins/features/search.py): the bundle beside pagefind.js and
  // the folders pieces.json lists, merged with Pagefind's mergeIndex (they share its wasm).
  function load() {
    if (!pagefind) {
      var base = button.dataset.pagefind.replace(/[^/]*$/, "");
      var options = { excerptLength: 24 };
      pagefind = import(button.dataset.pagefind).then(function (pf) {
        return pf.options(options)
          .then(function () { return fetch(base + "pieces.json"); })
          .then(function (r) {
            if (!r.ok) throw new Error("no pieces.json (" + r.status + ")");
            return r.json();
          })
          .then(function (pieces) {
            return Promise.all(pieces.map(function (p) { return pf.mergeIndex(base + p, options); }));
          })
          .then(function () { return pf; });
      });
      pagefind.catch(function () { pagefind = null; });
    }
    return pagefind;
  }

  function build() {
    dialog = el("dialog", { class: "search-dialog", "aria-labelledby": "search-label" });
    var form = el("div", { class: "search-form", role: "search" });
    var head = el("div", { class: "search-head" });
    head.append(
      el("label", { id: "search-label", for: "search-input" }, "Search posts"),
      el("button", { class: "search-close", type: "button", "aria-label": "Close search" }, "×")
    );
    input = el("input", { id: "search-input", type: "search", autocomplete: "off", spellcheck: "false" });
    status = el("p", { class: "search-status", role: "status" });
    list = el("ol", { class: "search-results", "aria-label": "Results" });
    form.append(head, input, status, list);
    dialog.append(form);
    document.body.append(dialog);
    head.lastChild.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });
    dialog.addEventListener("close", function () { button.focus(); });
    input.addEventListener("input", function () { search(input.value); });
    input.addEventListener("keydown", function (e) {
      var first = list.querySelector("a");
      if (e.key === "Enter" && first) first.click();
      if (e.key === "ArrowDown" && first) { e.preventDefault(); first.focus(); }
      // A search field's own Escape only clears it; one Escape should close search.
      if (e.key === "Escape") { e.preventDefault(); dialog.close(); }
    });
  }

  // Pagefind marks hits with <mark> and escapes < and >; rebuild it as text nodes.
  function excerpt(html) {
    var p = el("p", { class: "search-excerpt" });
    html.split(/(<\/?mark>)/).reduce(function (inMark, part) {
      if (part === "<mark>" || part === "</mark>") return part === "<mark>";
      var text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      p.append(inMark ? el("mark", {}, text) : document.createTextNode(text));
      return inMark;
    }, false);
    return p;
  }

  function search(query) {
    if (!query.trim()) { list.replaceChildren(); status.textContent = ""; return; }
    load().then(function (pf) {
      return pf.debouncedSearch(query, {}, 150).then(function (found) {
        if (found === null) return; // a newer query replaced this one
        return Promise.all(found.results.slice(0, MAX_RESULTS).map(function (r) { return r.data(); }))
          .then(function (pages) { show(query, found.results.length, pages); });
      });
    }).catch(function (err) {
      status.textContent = "Search could not load: " + err.message;
    });
  }

  function show(query, total, pages) {
    if (query !== input.value) return;
    list.replaceChildren.apply(list, pages.map(function (page) {
      var item = el("li");
      item.append(el("a", { href: page.url }, page.meta.title || page.url), excerpt(page.excerpt));
      return item;
    }));
    status.textContent = total === 0 ? "No posts match “" + query + "”."
      : total + (total === 1 ? " post matches" : " posts match") + " “" + query + "”.";
  }

  function open(event) {
    if (!dialog) build();
    if (!dialog.open) dialog.showModal();
    input.focus();
    input.select();
    var typed = event && event.detail; // keys pressed while this file was on its way
    if (typed) {
      input.value = typed;
      search(typed);
    }
    load().catch(function (err) { status.textContent = "Search could not load: " + err.message; });
  }

  // search-open.js loaded this file on the reader's first request and asks it to open
  // (it also handles the button and "/" from then on).
  button.addEventListener("search-open", open);
})();
