/* Hongfan's own behaviour, in one file so that pages carry no inline script
   (Content-Security-Policy: script-src 'self'). Each behaviour is switched on by a
   data attribute in the markup. */
(function () {
  "use strict";

  // <select data-search="/url/?branch=1">: search-as-you-type (Tom Select); the endpoint
  // answers ?q=… with {"results": [{"value", "text"}]}.
  function initSearch(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[data-search]").forEach(function (el) {
      if (el.tomselect) return;
      var url = el.getAttribute("data-search");
      // Tom Select points the field's <label> at its own typing box; the original select
      // stays in the page (hidden), so it keeps its name for screen readers.
      var label = el.labels && el.labels.length ? el.labels[0].textContent : "";
      label = label.replace(/\*/g, "").trim() || el.getAttribute("placeholder") || "输入姓名搜索";
      new TomSelect(el, {
        valueField: "value",
        labelField: "text",
        searchField: [],
        maxOptions: 20,
        loadThrottle: 250,
        placeholder: el.getAttribute("placeholder") || "输入姓名搜索",
        allowEmptyOption: false,
        // an optional field can be emptied again with the × at its end
        plugins: el.required ? [] : { clear_button: { title: "清除" } },
        shouldLoad: function (query) { return query.trim().length > 0; },
        load: function (query, callback) {
          var sep = url.indexOf("?") >= 0 ? "&" : "?";
          fetch(url + sep + "q=" + encodeURIComponent(query), {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          })
            .then(function (r) { return r.ok ? r.json() : { results: [] }; })
            .then(function (data) { callback(data.results); })
            .catch(function () { callback(); });
        },
        render: {
          no_results: function () { return '<div class="no-results">没有找到，换个关键字试试</div>'; },
          loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"></div>'; },
        },
      });
      el.setAttribute("aria-label", label);
    });
  }

  // <select data-reload="name">: changing it presses the form's button named "name"
  // (e.g. the meeting form refreshes its people when the branch changes).
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (!(el instanceof HTMLElement)) return;
    var reload = el.getAttribute("data-reload");
    if (reload && el.form) {
      var button = el.form.querySelector('[name="' + reload + '"]');
      if (button) button.click();
    }
    // <select data-autosubmit>: choosing a value submits its (GET) form.
    if (el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });

  // <form data-confirm="…"> or <button data-confirm="…">: ask before going on. Listening in
  // the capture phase, a "no" stops the submission before the form's own listeners run.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var submitter = e.submitter;
    var text = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);

  // A table wider than its box (.table-responsive) scrolls sideways: it takes the keyboard
  // focus (tabindex=0) and is named by its card's heading, so it can be scrolled without a
  // mouse and a screen reader says what it is.
  function focusableScrollers(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.hasAttribute("tabindex") || box.scrollWidth <= box.clientWidth + 1) return;
      var card = box.closest(".hf-card");
      var heading = card && card.querySelector("h2, h3");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", (heading ? heading.textContent.trim() + "：" : "") + "表格，可左右滚动");
    });
  }

  // <div data-scroll-here>: the page opens scrolled to it when it is below the screen
  // (this month of the working-day calendar, twelfth in line on a phone).
  function scrollHere() {
    var el = document.querySelector("[data-scroll-here]");
    if (!el || location.hash) return;
    var box = el.getBoundingClientRect();
    if (box.top > 0 && box.bottom <= window.innerHeight) return;
    el.scrollIntoView({ block: "start", behavior: "instant" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initSearch(document);
    focusableScrollers(document);
    scrollHere();
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    initSearch(e.target);
    focusableScrollers(e.target);
  });
})();
