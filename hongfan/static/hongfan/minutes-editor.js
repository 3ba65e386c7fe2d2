/* The minutes editor of orglife/meetings/close.html: a contenteditable box with bold and
   list buttons; on submit its HTML goes into the hidden minutes field (the server cleans
   it with nh3). */
(function () {
  "use strict";

  var editor = document.getElementById("minutes-editor");
  var field = document.getElementById("id_minutes");
  var form = document.getElementById("close-form");
  if (!editor || !field || !form) return;
  // Each line typed after Enter becomes a paragraph (the server also keeps the <div>s
  // other browsers write): the lines stay lines on the page and in the Word record.
  try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (e) { /* old browsers */ }
  var resolutions = document.getElementById("id_resolutions");
  if (resolutions) resolutions.classList.add("form-control");
  form.querySelectorAll("[data-cmd]").forEach(function (b) {
    b.addEventListener("click", function () { editor.focus(); document.execCommand(b.dataset.cmd); });
  });
  form.addEventListener("submit", function () {
    field.value = editor.innerHTML;
  });
})();
