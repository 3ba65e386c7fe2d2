/* Reading an article (study/item.html): when the reader reaches the end (#read-end) and
   has had the page open at least #read-form[data-min-seconds], the reading is recorded;
   if that cannot be done here, the form's button is shown instead. */
(function () {
  "use strict";

  var end = document.getElementById("read-end"), status = document.getElementById("read-status");
  var form = document.getElementById("read-form");
  if (!end || !status || !form) return;
  var MIN = parseInt(form.dataset.minSeconds, 10) || 0, opened = Date.now(), sent = false;
  function say(text, kind) { status.textContent = text; status.className = "alert alert-" + (kind || "info") + " py-2 mt-2 mb-0 small"; }
  function post() {
    if (sent) { return; }
    var waited = (Date.now() - opened) / 1000;
    if (waited < MIN) {
      say("已读到末尾，还需阅读" + Math.ceil(MIN - waited) + "秒后自动记为完成……");
      setTimeout(post, 1000);
      return;
    }
    sent = true;
    say("正在记录……");
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "application/json", "X-Requested-With": "fetch"}})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, d: d}; }); })
      .then(function (res) {
        if (res.ok) {
          say(res.d.message, "success");
          // 我的学习 on this page shows the credited minutes at once; the log form goes.
          var card = document.getElementById("my-item-progress"), log = document.getElementById("log-form");
          if (card && res.d.progress) { card.innerHTML = res.d.progress; }
          if (log) { log.remove(); }
        }
        else { say(res.d.detail || "记录失败，请刷新后重试", "warning"); sent = false; form.classList.remove("d-none"); }
      })
      .catch(function () { sent = false; say("网络异常，请点击下方按钮提交", "warning"); form.classList.remove("d-none"); });
  }
  if (!("IntersectionObserver" in window)) { form.classList.remove("d-none"); return; }
  new IntersectionObserver(function (entries, observer) {
    entries.forEach(function (e) { if (e.isIntersecting) { observer.disconnect(); post(); } });
  }, {threshold: 1.0}).observe(end);
})();
