// CrisisGateway dashboard: small, plain, and loaded from a file so the CSP can forbid inline scripts.
(function () {
  "use strict";

  // Forms read typed times in this zone (server side, from the cookie); shown times are rewritten into it here.
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  document.cookie = "cg.tz=" + encodeURIComponent(zone) + "; path=/; samesite=strict";

  function localTimes(root) {
    var format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var at = new Date(el.getAttribute("datetime"));
      if (!isNaN(at)) {
        el.title = el.getAttribute("datetime");
        el.textContent = format.format(at);
      }
    });
  }

  // Asks before a form with data-confirm is sent: freezing, unfreezing, bulk actions.
  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });
  }

  // Compose: findings and preview as the editor types, from the server (which escapes everything it returns).
  function liveCheck() {
    var form = document.querySelector("form[data-live-check]");
    if (!form) { return; }
    var target = document.getElementById("live");
    var status = document.getElementById("live-status");
    var timer = null, sequence = 0;
    function run() {
      var mine = ++sequence;
      status.textContent = "Checking…";
      fetch(form.getAttribute("data-live-check"), {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.text().then(function (html) { return { ok: response.ok, html: html }; });
      }).then(function (result) {
        if (mine !== sequence) { return; } // an older answer arriving late
        target.innerHTML = result.html;
        localTimes(target);
        status.textContent = result.ok ? "Checked." : "Could not check.";
      }).catch(function () {
        if (mine === sequence) { status.textContent = "Could not reach the gateway."; }
      });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 400);
    });
    if (form.querySelector("textarea").value) { run(); }
  }

  // Select-all for bulk actions on held posts.
  function selectAll() {
    document.querySelectorAll("input[data-select-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        document.querySelectorAll("input[name='" + box.getAttribute("data-select-all") + "']").forEach(function (other) {
          other.checked = box.checked;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes(document);
    confirmations();
    liveCheck();
    selectAll();
  });
})();
