// Table of contents: mark the section being read (aria-current) in both copies
// of the contents (beside the text on wide screens, collapsible on phones).
(function () {
  "use strict";
  var links = Array.prototype.slice.call(document.querySelectorAll(".toc a[href^='#']"));
  var headings = [];
  links.forEach(function (a) {
    var h = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    if (h && headings.indexOf(h) < 0) headings.push(h);
  });
  if (!headings.length) return;

  function mark() {
    // The current section: the last heading above the upper third of the viewport.
    var line = window.innerHeight / 3, current = headings[0];
    headings.forEach(function (h) { if (h.getBoundingClientRect().top <= line) current = h; });
    links.forEach(function (a) {
      if (a.getAttribute("href") === "#" + current.id) a.setAttribute("aria-current", "location");
      else a.removeAttribute("aria-current");
    });
  }

  var scheduled = false;
  window.addEventListener("scroll", function () {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(function () { scheduled = false; mark(); });
  }, { passive: true });
  mark();
})();
