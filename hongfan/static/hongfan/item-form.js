/* The study-material form (study/item_form.html): show the content field of the chosen
   kind only (an article's body, a video's link or a document's file). */
(function () {
  "use strict";

  var kind = document.getElementById("id_kind");
  if (!kind) return;
  var fields = { article: "id_body", video: "id_video_url", document: "id_document" };
  function sync() {
    Object.keys(fields).forEach(function (k) {
      var el = document.getElementById(fields[k]);
      if (el) { el.closest("[class^='col']").classList.toggle("d-none", kind.value !== k); }
    });
  }
  kind.addEventListener("change", sync);
  sync();
})();
