/* The activity form's shifts (service/activity/form.html): add a row on the page (a copy
   of the empty row in <template id="shift-row-template">) and remove one (its fields are
   emptied, so the server drops it; a shift people signed up for is refused there). Without
   JavaScript the "添加班次" button asks the server for one more row instead. */
(function () {
  "use strict";

  var rows = document.getElementById("shift-rows");
  var template = document.getElementById("shift-row-template");
  var add = document.querySelector("[data-shift-add]");
  if (!rows || !template || !add) return;
  var prefix = rows.getAttribute("data-prefix");
  var max = parseInt(rows.getAttribute("data-max"), 10) || 20;
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  if (!total) return;

  function showRemove(root) {
    root.querySelectorAll("[data-shift-remove]").forEach(function (b) { b.hidden = false; });
  }
  function sync() {
    add.disabled = parseInt(total.value, 10) >= max;
  }

  // On the page a row is added here: the button no longer submits (nor takes the Enter key
  // that saves the form).
  add.type = "button";
  add.addEventListener("click", function () {
    var n = parseInt(total.value, 10);
    if (n >= max) return;
    var html = template.innerHTML.replace(/__prefix__/g, String(n));
    var box = document.createElement("div");
    box.innerHTML = html.trim();
    var row = box.firstElementChild;
    rows.appendChild(row);
    total.value = String(n + 1);
    showRemove(row);
    // the lead's search box (app.js sets it up on new content)
    row.dispatchEvent(new CustomEvent("htmx:afterSwap", { bubbles: true }));
    var first = row.querySelector("input:not([type=hidden])");
    if (first) first.focus();
    sync();
  });

  rows.addEventListener("click", function (e) {
    var button = e.target instanceof Element ? e.target.closest("[data-shift-remove]") : null;
    if (!button) return;
    var row = button.closest("[data-shift-row]");
    // Emptied, not taken out: the rows keep their numbers, and the server drops an empty row.
    row.querySelectorAll("input:not([type=hidden]), select").forEach(function (el) {
      if (el.tomselect) el.tomselect.clear();
      el.value = "";
    });
    row.hidden = true;
  });

  showRemove(rows);
  sync();
})();
