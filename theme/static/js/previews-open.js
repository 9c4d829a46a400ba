// Citation and footnote previews (previews.js, named in data-previews) are fetched on the
// first sign that a reader wants one: a pointer over, a focus on or a tap on such a link.
// Until then the links are plain links. A tap while previews.js is on its way does not
// follow the link: like any first tap it shows the preview, once previews.js arrives and
// hears which link was last wanted, whether it was tapped and the last pointer.
(function () {
  "use strict";
  var LINKS = "a.citation, a.footnote-ref, sup[id^='fnref'] > a";
  var src = document.currentScript.dataset.previews;
  var state = 0, pointer = null, link = null, tapped = false; // state: 0 idle, 1 fetching, 2 arrived

  function intent(event) {
    var target = event.target.closest && event.target.closest(LINKS);
    if (event.type === "pointerdown") pointer = event.pointerType;
    if (!target || state === 2) return;
    link = target;
    if (event.type === "click" && pointer === "touch") {
      event.preventDefault();
      tapped = true;
    }
    if (state) return;
    state = 1;
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () {
      state = 2;
      var detail = { link: link, pointer: pointer, tapped: tapped };
      document.dispatchEvent(new CustomEvent("previews-ready", { detail: detail }));
    };
    script.onerror = function () { state = 0; };
    document.head.append(script);
  }

  ["pointerover", "focusin", "pointerdown", "click"].forEach(function (type) {
    document.addEventListener(type, intent);
  });
})();
