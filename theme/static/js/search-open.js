// Opens site search: the header button or the "/" key. The dialog's code and stylesheet
// (search.js and search.css, named in data-search and data-search-css) are fetched the
// first time a reader asks for them, so a page that is only read loads none of it. Keys typed while it arrives are kept and handed to the
// dialog with the "search-open" event, as if typed into its field.
(function () {
  "use strict";
  var button = document.querySelector(".search-toggle");
  if (!button) return;
  var ready, typed = null;

  function fetched(element) {
    return new Promise(function (resolve, reject) {
      element.onload = resolve;
      element.onerror = reject;
      document.head.append(element);
    });
  }

  // The dialog's code and its stylesheet, together: it opens styled.
  function loadDialog() {
    if (!ready) {
      var script = document.createElement("script");
      script.src = button.dataset.search;
      var style = document.createElement("link");
      style.rel = "stylesheet";
      style.href = button.dataset.searchCss;
      ready = Promise.all([fetched(script), fetched(style)]).catch(function () {
        ready = null;
        script.remove();
        style.remove();
        throw new Error("search could not be loaded");
      });
    }
    return ready;
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
