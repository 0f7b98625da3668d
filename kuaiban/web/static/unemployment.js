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

  // 登记失业地 follows “登记失业地是” (1 户籍所在地, 2 常住地: 3号 一, registration at one of the two) until the
  // person picks it themselves; the server derives it the same way when it is left empty
  form.querySelectorAll(".js-drop").forEach(function (note) { note.remove(); });  // notes for pages without script
  var placeSource = {"1": "AAB299", "2": "AAF016"};
  var ownPlace = false;
  function regionBox(code) { return form.querySelector('[data-field="' + code + '"][data-regions-api]'); }
  function followPlace() {
    var kind = form.querySelector("#ADC221"), basis = form.querySelector("#place_basis");
    var target = regionBox("AAB301"), from = kind && regionBox(placeSource[kind.value]);
    if (ownPlace || channel !== "online" || !target || !from) return;  // a window files for its own region
    if (basis && basis.value && basis.value !== "户籍地" && basis.value !== "常住地") return;
    if (!from.querySelector('[data-level="province"]').value) return;
    ["province", "city", "county"].forEach(function (level) {
      var a = from.querySelector('[data-level="' + level + '"]'), b = target.querySelector('[data-level="' + level + '"]');
      if (!a || !b) return;
      b.innerHTML = a.innerHTML;
      b.value = a.value;
      b.disabled = a.disabled;
    });
  }
  var placeTarget = regionBox("AAB301");
  if (placeTarget) placeTarget.addEventListener("change", function (event) { if (event.isTrusted) ownPlace = true; });
  form.addEventListener("change", function (event) {
    var box = event.target.closest && event.target.closest("[data-field]");
    var code = box && box.getAttribute("data-field");
    if (code === "ADC221" || code === "place_basis" || code === "AAB299" || code === "AAF016") followPlace();
  });
  // the next level of a source region arrives after its change event (regions.js asks the server): copy again
  if (window.MutationObserver) {
    ["AAB299", "AAF016"].forEach(function (code) {
      var box = regionBox(code);
      if (box) new MutationObserver(followPlace).observe(box, {childList: true, subtree: true});
    });
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
