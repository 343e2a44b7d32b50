// The live count of a segment's filter while someone types it. Optional help: without this script
// the "Zählen"/"Count" button posts the form and the page shows the same count or error.
"use strict";
(function () {
  var form = document.querySelector("form.segment[data-list]");
  if (!form || !window.fetch) { return; }
  var field = form.querySelector("textarea[name=where]");
  var count = document.getElementById("count-live");
  var error = document.getElementById("where-error");
  var warnings = document.getElementById("count-warnings");
  var timer = null;
  var asked = 0;

  function show(answer) {
    error.textContent = answer.error || "";
    count.textContent = answer.error ? "" : (answer.text || "");
    if (answer.error) { field.setAttribute("aria-invalid", "true"); } else { field.removeAttribute("aria-invalid"); }
    warnings.textContent = "";
    (answer.warnings || []).forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      warnings.appendChild(item);
    });
  }

  function ask() {
    var body = new URLSearchParams();
    body.set("csrf", form.querySelector("input[name=csrf]").value);
    body.set("list", form.getAttribute("data-list"));
    body.set("where", field.value);
    var mine = ++asked;
    fetch("/segments/count", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) { if (mine === asked) { show(answer); } })
      .catch(function () { /* the button still works */ });
  }

  field.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 300);
  });
})();
