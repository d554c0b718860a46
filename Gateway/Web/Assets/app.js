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
      var data = new FormData(form);
      data.delete("upload"); // files not yet attached are sent once, by the Attach button, not at every keystroke
      fetch(form.getAttribute("data-live-check"), {
        method: "POST",
        body: data,
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
      timer = setTimeout(run, 250);
    });
    if (form.querySelector("textarea").value) { run(); }
  }

  // Calendars: a post's "Move" form, and dragging a post onto another day, both post to the page's Move handler (the
  // API's reschedule path) with fetch; a refusal is written by the post, a move reloads the page to show it in place.
  function calendar() {
    var forms = document.querySelectorAll("form.move-form");
    if (!forms.length) { return; }
    function move(form, undo) {
      var slot = form.closest(".slot");
      var result = slot.querySelector(".move-result");
      result.className = "move-result";
      result.textContent = "Moving…";
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
        redirect: "error"
      }).then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, message: answer.message }; });
      }).then(function (result_) {
        if (result_.ok) {
          window.location.reload();
          return;
        }
        if (undo) { undo(); }
        result.className = "move-result refused";
        result.textContent = result_.message; // textContent: the server's words stay text
      }).catch(function () {
        if (undo) { undo(); }
        result.className = "move-result refused";
        result.textContent = "Not moved: the gateway did not answer. Are you still signed in?";
      });
    }
    forms.forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        move(form, null);
      });
    });
    var dragged = null;
    document.querySelectorAll(".slot[draggable='true']").forEach(function (slot) {
      slot.addEventListener("dragstart", function (event) {
        dragged = slot;
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", slot.getAttribute("data-post"));
        slot.classList.add("dragging");
      });
      slot.addEventListener("dragend", function () {
        slot.classList.remove("dragging");
        dragged = null;
      });
    });
    document.querySelectorAll("[data-day]").forEach(function (day) {
      day.addEventListener("dragover", function (event) {
        if (dragged) {
          event.preventDefault();
          day.classList.add("drop-target");
        }
      });
      day.addEventListener("dragleave", function () { day.classList.remove("drop-target"); });
      day.addEventListener("drop", function (event) {
        event.preventDefault();
        day.classList.remove("drop-target");
        var slot = dragged;
        var from = slot && slot.parentNode;
        if (!slot || from === day) { return; }
        var next = slot.nextSibling;
        var form = slot.querySelector("form.move-form");
        form.querySelector("input[name='to']").value = day.getAttribute("data-day") + "T" + slot.getAttribute("data-time");
        day.appendChild(slot); // shown where it was dropped while the server decides; put back if refused
        move(form, function () { from.insertBefore(slot, next); });
      });
    });
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
    calendar();
    selectAll();
  });
})();
