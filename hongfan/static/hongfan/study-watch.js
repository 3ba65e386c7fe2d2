/* Watching a study video (study/item.html): the seconds really played (not skipped by
   seeking) are counted on the page and posted to #study-video[data-watch-url] every 15
   seconds, on pause and at the end; the server keeps them only forward and never faster
   than time passes, and finishes the item when enough has been watched. */
(function () {
  "use strict";

  var video = document.getElementById("study-video");
  var form = document.getElementById("watch-form");
  var status = document.getElementById("watch-status"), bar = document.getElementById("watch-bar");
  if (!video || !form || !video.dataset.watchUrl) return;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var watched = 0, last = null, sentAt = 0, done = false, started = false, busy = false, again = false;

  function show(percent, text, kind) {
    if (bar) {
      bar.setAttribute("aria-valuenow", percent);
      bar.firstElementChild.className = "progress-bar " + (percent >= 100 ? "bg-success" : "bg-danger") + " hf-pct-" + percent;
    }
    if (status && text) { status.textContent = text; status.className = "small " + (kind || "text-muted"); }
  }

  function report() {
    if (done) return;
    if (busy) { again = true; return; }  // sent once the report in flight is answered
    busy = true;
    sentAt = watched;
    var body = new FormData();
    body.append("watched", Math.floor(watched));
    if (isFinite(video.duration) && video.duration > 0) body.append("duration", Math.floor(video.duration));
    fetch(video.dataset.watchUrl, {method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : "", "Accept": "application/json", "X-Requested-With": "fetch"}})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, d: d}; }); })
      .then(function (res) {
        if (!res.ok) { show(0, res.d.detail || "记录失败", "text-danger"); return; }
        show(res.d.percent, res.d.message, res.d.finished ? "text-success" : "text-muted");
        if (res.d.finished) {
          done = true;
          var card = document.getElementById("my-item-progress");
          if (card && res.d.progress) card.innerHTML = res.d.progress;
        }
      })
      .catch(function () { show(0, "网络异常，观看进度稍后再记录", "text-warning"); })
      .then(function () {
        busy = false;
        if (again) { again = false; report(); }
      });
  }

  video.addEventListener("play", function () {
    last = video.currentTime;
    if (!started) { started = true; report(); }  // the first report starts the server's clock
  });
  video.addEventListener("timeupdate", function () {
    var now = video.currentTime;
    if (last !== null) {
      var step = now - last;
      if (step > 0 && step <= 2) watched += step;  // a seek forward does not count
    }
    last = now;
    if (watched - sentAt >= 15) report();
  });
  video.addEventListener("seeking", function () { last = null; });
  video.addEventListener("pause", report);
  video.addEventListener("ended", report);
})();
