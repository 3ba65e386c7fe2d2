/* The countdown of an exam attempt (study/attempt.html): #countdown[data-remaining] holds
   the seconds left; when they run out, the answers given so far are handed in. */
(function () {
  "use strict";

  var el = document.getElementById("countdown");
  var form = document.getElementById("answer-form");
  if (!el || !form) return;
  var deadline = Date.now() + parseInt(el.dataset.remaining, 10) * 1000;
  var done = false;
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    el.textContent = Math.floor(left / 60) + "分" + ("0" + (left % 60)).slice(-2) + "秒";
    if (left <= 60) { el.classList.add("text-warning"); }
    if (left <= 0 && !done) { done = true; form.submit(); return; }  // time is up: hand in what is there
    if (!done) { setTimeout(tick, 500); }
  }
  form.addEventListener("submit", function (e) { if (!e.defaultPrevented) done = true; });
  tick();
})();
