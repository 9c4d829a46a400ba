// Previews of citations and footnotes: hovering or focusing a citation "[1]"
// or a footnote mark shows the entry it points to, in place. On touch screens
// the first tap shows the preview and a second tap follows the link. Without
// JavaScript the links simply jump to the references or footnotes. previews-open.js
// fetches this file on the first hover, focus or tap on such a link.
(function () {
  "use strict";
  var tip = document.createElement("div");
  tip.className = "preview";
  tip.id = "preview";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.appendChild(tip);
  var shownFor = null;
  var lastPointer = null;

  function target(link) {
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    return document.getElementById(id);
  }

  function show(link) {
    var entry = target(link);
    if (!entry) return;
    tip.innerHTML = "";
    var copy = entry.cloneNode(true);
    copy.removeAttribute("id");
    copy.querySelectorAll(".backref, .footnote-backref, [id]").forEach(function (el) {
      if (el.classList.contains("backref") || el.classList.contains("footnote-backref")) el.remove();
      else el.removeAttribute("id");
    });
    while (copy.firstChild) tip.appendChild(copy.firstChild);
    tip.hidden = false;
    var box = link.getBoundingClientRect();
    var width = Math.min(360, document.documentElement.clientWidth - 24);
    tip.style.width = width + "px";
    var left = Math.max(12, Math.min(box.left + window.scrollX - width / 2, document.documentElement.clientWidth - width - 12));
    tip.style.left = left + "px";
    tip.style.top = (box.bottom + window.scrollY + 8) + "px";
    link.setAttribute("aria-describedby", "preview");
    shownFor = link;
  }

  function hide() {
    tip.hidden = true;
    if (shownFor) shownFor.removeAttribute("aria-describedby");
    shownFor = null;
  }

  var links = document.querySelectorAll("a.citation, a.footnote-ref, sup[id^='fnref'] > a");
  Array.prototype.forEach.call(links, function (link) {
    // Pointer events, not mouse events: a tap also fires emulated mouseenter.
    link.addEventListener("pointerenter", function (event) { if (event.pointerType === "mouse") show(link); });
    link.addEventListener("pointerleave", function (event) { if (event.pointerType === "mouse") hide(); });
    // A tap focuses the link before its click: leave touch to the click handler below.
    link.addEventListener("focus", function () { if (lastPointer !== "touch") show(link); });
    link.addEventListener("blur", hide);
    link.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType; });
    link.addEventListener("click", function (event) {
      if (lastPointer !== "touch" || shownFor === link) return; // mouse, keyboard, or a second tap: follow
      event.preventDefault();
      show(link);
    });
  });
  document.addEventListener("keydown", function (event) {
    lastPointer = null; // keyboard from here on: focus shows previews again
    if (event.key === "Escape") hide();
  });
  // previews-open.js fetched this file on a first hover, focus or tap: show the link that
  // asked, if it was tapped or is still hovered or focused.
  document.addEventListener("previews-ready", function (event) {
    var asked = event.detail;
    lastPointer = asked.pointer;
    var stillWanted = asked.pointer !== "touch" && (asked.link.matches(":hover") || asked.link === document.activeElement);
    if (asked.tapped || stillWanted) show(asked.link);
  });
  document.addEventListener("pointerdown", function (event) {
    if (shownFor && !tip.contains(event.target) && event.target.closest("a") !== shownFor) hide();
  });
})();
