// Opens site search: the header button or the "/" key. The dialog's code and stylesheet
// (search.js and search.css, named in data-search and data-search-css) are fetched the
// first time a reader asks for them, so a page that is only read loads none of it. Keys
// typed while they arrive are kept and handed to the dialog with the "search-open" event,
// as if typed into its field.
(function () {
  "use strict";
  var button = document.querySelector(".search-toggle");
  if (!button) return;
  var typed = null;

  function fetched(element) {
    return new Promise(function (resolve, reject) {
      element.onload = resolve;
      element.onerror = reject;
      document.head.append(element);
    });
  }

  // The dialog's code and its stylesheet, fetched together so that it opens styled. The
  // code is fetched again only if it failed (it never ran then); a stylesheet that fails
  // leaves the dialog unstyled but working.
  var script, style;
  function loadDialog() {
    if (!script) {
      var element = document.createElement("script");
      element.src = button.dataset.search;
      script = fetched(element).catch(function (error) {
        script = null;
        element.remove();
        throw error;
      });
    }
    if (!style) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = button.dataset.searchCss;
      style = fetched(link).catch(function () {});
    }
    return Promise.all([script, style]);
  }

  function open() {
    if (typed === null) typed = "";
    loadDialog().then(function () {
      button.dispatchEvent(new CustomEvent("search-open", { detail: typed }));
      typed = null;
    }, function () { typed = null; });
  }

  button.addEventListener("click", open);
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (typed !== null && (e.key.length === 1 || e.key === "Backspace")) {
      e.preventDefault(); // search is opening: this key is meant for its field
      typed = e.key === "Backspace" ? typed.slice(0, -1) : typed + e.key;
    } else if (e.key === "/") {
      e.preventDefault();
      open();
    }
  });
})();
