/* A "select all" box: <input type="checkbox" data-check-all="users"> ticks or clears every
   checkbox named "users" in its form. No inline script (CSP). */
(function () {
  "use strict";
  document.querySelectorAll("input[data-check-all]").forEach(function (box) {
    var name = box.getAttribute("data-check-all");
    box.addEventListener("change", function () {
      var form = box.form || document;
      form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (el) {
        el.checked = box.checked;
      });
    });
  });
})();
