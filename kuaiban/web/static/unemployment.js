// 失业登记 form: instant field messages from the server's own validator (POST /api/unemployment/validate)
// when a field is left. Progressive enhancement only: without this script the form is checked on submit.
(function () {
  "use strict";
  var form = document.getElementById("ue-form");
  if (!form || !window.fetch) return;
  var channel = form.getAttribute("data-channel") || "online";
  var latest = 0;  // answers can arrive out of order: only the answer to the latest request is used
  var touched = {};  // fields left since the last answer was used

  // the record as the specification spells it: a picked date without dashes, a region as its deepest choice
  function record() {
    var out = {};
    form.querySelectorAll("[data-field]").forEach(function (box) {
      var code = box.getAttribute("data-field");
      if (code === "place_basis") return;
      var v = "";
      if (box.hasAttribute("data-regions-api")) {
        ["county", "city", "province"].some(function (level) {
          var s = box.querySelector('[data-level="' + level + '"]');
          if (s && s.value) { v = s.value; return true; }
          return false;
        });
      } else {
        var el = box.querySelector("input, select, textarea");
        if (el) { v = el.value.trim(); if (el.type === "date") v = v.replace(/-/g, ""); }
      }
      if (v) out[code] = v;
    });
    return out;
  }

  function plain(message) { return message.replace(/（[A-Z]{3}\d{3}）/g, ""); }

  function show(code, message) {
    var el = document.getElementById(code);
    var box = form.querySelector('[data-field="' + code + '"]');
    if (!el || !box) return;
    var id = code + "-error";
    var p = document.getElementById(id);
    var described = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) { return x && x !== id; });
    if (message) {
      if (!p) {
        p = document.createElement("p");
        p.id = id;
        box.appendChild(p);
      }
      p.className = "field-error";
      p.textContent = message;
      described.push(id);
      el.setAttribute("aria-invalid", "true");
      box.classList.add("has-error");
    } else {
      // a corrected field says so in the message's place: nothing below it moves under the pointer
      if (p) {
        p.className = "field-ok";
        p.textContent = "已更正";
      }
      el.removeAttribute("aria-invalid");
      box.classList.remove("has-error");
    }
    if (described.length) el.setAttribute("aria-describedby", described.join(" "));
    else el.removeAttribute("aria-describedby");
  }

  form.addEventListener("focusout", function (event) {
    // focus moving to a button of the form: the form is being sent and the server checks everything
    if (event.relatedTarget && event.relatedTarget.form === form && event.relatedTarget.type === "submit") return;
    var box = event.target && event.target.closest && event.target.closest("[data-field]");
    var code = box && box.getAttribute("data-field");
    if (!code) return;
    touched[code] = true;
    var asked = ++latest;
    var basis = form.querySelector("#place_basis");
    var body = {record: record(), channel: channel, place_basis: basis && basis.value ? basis.value : null};
    fetch("/api/unemployment/validate", {method: "POST", headers: {"Content-Type": "application/json"},
                                          body: JSON.stringify(body)})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (!answer || asked !== latest) return;
        var messages = {};
        answer.errors.forEach(function (e) {
          var m = plain(e.message);
          messages[e.field] = messages[e.field] ? messages[e.field] + "；" + m : m;
        });
        // the fields left, and any field already showing a message (so a fix clears it);
        // untouched empty fields are not flagged before the form is sent
        var shown = Array.prototype.map.call(form.querySelectorAll(".field-error"), function (p) {
          return p.id.replace(/-error$/, "");
        });
        Object.keys(touched).concat(shown).forEach(function (c) { show(c, messages[c]); });
        touched = {};
      })
      .catch(function () { /* offline: the server checks again on submit */ });
  });
})();
