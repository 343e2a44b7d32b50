// The edition editor's live preview: while someone types, the draft is posted (with the form's CSRF
// token) to /previews after a short pause, and the frames load the preview it answers with. Without
// this script the "Vorschau" button does the same with a full round trip.
(function () {
  "use strict";
  var form = document.getElementById("edition-form");
  var html = document.getElementById("preview-html");
  var text = document.getElementById("preview-text");
  var status = document.getElementById("preview-status");
  if (!form || !html || !text || !window.fetch || !window.URLSearchParams) { return; }
  var timer = null;
  var latest = 0;

  function refresh() {
    var mine = ++latest;
    var body = new URLSearchParams(new FormData(form));
    fetch("/previews", {
      method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
    }).then(function (result) {
      if (mine !== latest) { return; }
      if (result.ok) {
        html.src = result.answer.html;
        text.src = result.answer.text;
        status.textContent = "";
      } else {
        status.textContent = result.answer.error || "";
      }
    }).catch(function () {
      if (mine === latest) { status.textContent = form.getAttribute("data-offline") || ""; }
    });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  });
})();
