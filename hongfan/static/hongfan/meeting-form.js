/* The meeting form of orglife/meetings/form.html follows the kind of meeting: the fields
   only some kinds have (党小组, 授课人, 谈话对象: wrappers with data-kinds="kind …") show
   when such a kind is chosen and hide otherwise. The page is drawn that way already for
   the kind it was given; this keeps it so as the kind changes. */
(function () {
  "use strict";

  var kind = document.getElementById("id_kind");
  if (!kind) return;
  function sync() {
    document.querySelectorAll("[data-kinds]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kinds").split(" ").indexOf(kind.value) < 0;
    });
  }
  kind.addEventListener("change", sync);
  sync();
})();
