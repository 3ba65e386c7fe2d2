/* The 获取验证码 button after a code was sent: disabled, counting down the seconds until
   another may be asked for (<button data-countdown="60">). No inline script (CSP). */
(function () {
  "use strict";
  document.querySelectorAll("button[data-countdown]").forEach(function (button) {
    var left = parseInt(button.getAttribute("data-countdown"), 10) || 0;
    var label = button.textContent;
    function tick() {
      if (left <= 0) {
        button.disabled = false;
        button.textContent = label;
        return;
      }
      button.disabled = true;
      button.textContent = left + "秒后重新获取";
      left -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  });
})();
