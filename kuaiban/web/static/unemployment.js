// 失业登记 form: instant field messages from the server's own validator (POST /api/unemployment/validate)
// when a field is left. Progressive enhancement only: without this script the form is checked on submit.
(function () {
  "use strict";
  var form = document.getElementById("ue-form");
  if (!form || !window.fetch) return;
  var channel = form.getAttribute("data-channel") || "online";

  function record() {
    var out = {};
    form.querySelectorAll("[data-field] input, [data-field] select, [data-field] textarea").forEach(function (el) {
      var v = el.value.trim();
      if (v && el.name !== "place_basis") out[el.name] = v;
    });
    return out;
  }

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
        p.className = "field-error";
        p.id = id;
        box.appendChild(p);
      }
      p.textContent = message;
      described.push(id);
      el.setAttribute("aria-invalid", "true");
      box.classList.add("has-error");
    } else {
      if (p) p.remove();
      el.removeAttribute("aria-invalid");
      box.classList.remove("has-error");
    }
    if (described.length) el.setAttribute("aria-describedby", described.join(" "));
    else el.removeAttribute("aria-describedby");
  }

  form.addEventListener("focusout", function (event) {
    var code = event.target && event.target.name;
    if (!code || !form.querySelector('[data-field="' + code + '"]')) return;
    var basis = form.querySelector("#place_basis");
    var body = {record: record(), channel: channel, place_basis: basis && basis.value ? basis.value : null};
    fetch("/api/unemployment/validate", {method: "POST", headers: {"Content-Type": "application/json"},
                                          body: JSON.stringify(body)})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (!answer) return;
        var messages = {};
        answer.errors.forEach(function (e) {
          messages[e.field] = messages[e.field] ? messages[e.field] + "；" + e.message : e.message;
        });
        // the field just left, and any field already showing a message (so a fix clears it);
        // untouched empty fields are not flagged before the form is sent
        var shown = Array.prototype.map.call(form.querySelectorAll(".field-error"), function (p) {
          return p.id.replace(/-error$/, "");
        });
        [code].concat(shown).forEach(function (c) { show(c, messages[c]); });
      })
      .catch(function () { /* offline: the server checks again on submit */ });
  });
})();
