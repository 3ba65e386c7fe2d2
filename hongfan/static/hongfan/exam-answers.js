/* Saving exam answers as they are given (study/attempt.html): each change of a question's
   choice posts that question's answer to #answer-form[data-save-url], so that a reload or a
   lost connection loses nothing (the page restores the saved choices). The submit button
   still sends every answer; what could not be saved here is sent then. */
(function () {
  "use strict";

  var form = document.getElementById("answer-form");
  if (!form || !form.dataset.saveUrl) return;
  var url = form.dataset.saveUrl;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var busy = {}, again = {};

  function say(fieldset, text, warn) {
    var el = fieldset.querySelector(".hf-save-status");
    if (!el) return;
    el.textContent = text;
    el.className = "small hf-save-status " + (warn ? "text-danger" : "text-muted");
  }

  function save(fieldset) {
    var id = fieldset.dataset.question;
    if (busy[id]) { again[id] = true; return; }
    busy[id] = true;
    var body = new FormData();
    body.append("question", id);
    fieldset.querySelectorAll("input:checked").forEach(function (i) { body.append("answer", i.value); });
    say(fieldset, "正在保存……");
    fetch(url, {method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : "", "Accept": "application/json", "X-Requested-With": "fetch"}})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, d: d}; }); })
      .then(function (res) { say(fieldset, res.ok ? "已保存" : (res.d.detail || "保存失败"), !res.ok); })
      .catch(function () { say(fieldset, "网络异常，未能保存；交卷时会一并提交", true); })
      .then(function () {
        busy[id] = false;
        if (again[id]) { again[id] = false; save(fieldset); }
      });
  }

  form.addEventListener("change", function (e) {
    var fieldset = e.target.closest("fieldset[data-question]");
    if (fieldset) save(fieldset);
  });
})();
