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

  // Asks before a form (or the button that sends it) with data-confirm goes: freezing, unfreezing, bulk actions.
  function confirmations() {
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var button = event.submitter;
        var question = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
        if (question && !window.confirm(question)) {
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
    // Like the server's messages, each says its kind: a failed check must not read like "Checked."
    function say(text, kind) {
      status.textContent = text;
      status.setAttribute("data-kind", kind);
    }
    function run() {
      var mine = ++sequence;
      say("Checking…", "info");
      fetch(form.getAttribute("data-live-check"), {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
        redirect: "error" // a signed-out session answers with a redirect to /signin: say so, do not embed that page
      }).then(function (response) {
        var html = (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
        return response.text().then(function (text) { return { ok: response.ok, html: html, text: text }; });
      }).then(function (result) {
        if (mine !== sequence) { return; } // an older answer arriving late
        if (!result.html) {
          say("Could not check the post right now.", "danger");
          return;
        }
        target.innerHTML = result.text; // the server's findings fragment, every piece of user text escaped there
        localTimes(target);
        say(result.ok ? "Checked." : "Could not check.", result.ok ? "info" : "danger");
      }).catch(function () {
        if (mine === sequence) { say("Could not check: are you still signed in?", "danger"); }
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

  // Accounts: only the fields of the chosen publisher (without script every field shows, each labelled).
  function publisherFields() {
    var select = document.querySelector("select[data-publisher-select]");
    if (!select) { return; }
    function show() {
      document.querySelectorAll("[data-publisher]").forEach(function (el) {
        el.hidden = el.getAttribute("data-publisher").split(" ").indexOf(select.value) < 0;
      });
    }
    select.addEventListener("change", show);
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    publisherFields();
    localTimes(document);
    confirmations();
    liveCheck();
    selectAll();
  });
})();
