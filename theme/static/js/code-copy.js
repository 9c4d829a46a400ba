// A "Copy" button on each code block (and on the BibTeX of "Cite this post"), loaded like the
// other openers (deferred) and only by pages that have one; under 1 KB minified (a test
// measures it). The button sits over the block's top-right corner (position: absolute, in
// site.css), so adding it moves nothing. It copies the block's text, without Pygments' line
// numbers; a status line for screen readers, and the button's own text, say "Copied". With
// no clipboard (a page served over plain http) the text is selected instead, for Ctrl+C.
// Without JavaScript the code is plain selectable text.
(function () {
  "use strict";
  var status = document.createElement("p");
  status.className = "copy-status";
  status.setAttribute("role", "status");
  document.body.append(status);

  function say(button, text) {
    status.textContent = button.textContent = text;
    setTimeout(function () { button.textContent = "Copy"; status.textContent = ""; }, 2000);
  }

  document.querySelectorAll("main pre:not(.linenos pre)").forEach(function (pre) {
    var box = pre.closest(".highlight");
    if (!box) {
      box = document.createElement("div");
      pre.before(box);
      box.append(pre);
    }
    box.classList.add("code-box");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", pre.dataset.copy || "Copy code");
    button.onclick = function () {
      var clip = navigator.clipboard;
      (clip ? clip.writeText(pre.textContent.replace(/\n$/, "")) : Promise.reject()).then(function () {
        say(button, "Copied");
      }, function () {
        getSelection().selectAllChildren(pre);
        say(button, "Selected");
      });
    };
    box.append(button);
  });
})();
