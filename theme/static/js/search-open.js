// Opens site search: the header button or the "/" key. The dialog's code (search.js,
// named in data-search) is fetched the first time a reader asks for it, so a page that
// is only read loads none of it. Keys typed while it arrives are kept and handed to the
// dialog with the "search-open" event, as if typed into its field.
(function () {
  "use strict";
  var button = document.querySelector(".search-toggle");
  if (!button) return;
  var ready, typed = null;

  function loadDialog() {
    if (!ready) {
      ready = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = button.dataset.search;
        script.onload = resolve;
        script.onerror = function () { ready = null; reject(); };
        document.head.append(script);
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
