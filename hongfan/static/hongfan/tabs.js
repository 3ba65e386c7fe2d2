/* A tab strip that scrolls sideways on a phone (<ul class="hf-tabs">): keep the chosen tab
   in view, on load and after htmx swaps a tab in. */
(function () {
  "use strict";
  function reveal(root) {
    var active = root.querySelector(".hf-tabs .active");
    if (active && active.scrollIntoView) {
      active.scrollIntoView({ block: "nearest", inline: "center", behavior: "instant" });
    }
  }
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:afterSwap", function (e) { reveal(e.target); });
})();
