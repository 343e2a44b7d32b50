// Live progress for the console's sends: every <progress data-progress="URL"> polls its JSON
// (the console's /sends/ID/progress.json) every 1.5 s and updates the bar, the text beside it
// ([data-progress-text=ID]) and the state ([data-progress-status=ID]) until the send is no
// longer running or scheduled. Without this script the pages show the counts as of loading.
(function () {
  "use strict";
  var interval = 1500;
  var of = document.documentElement.lang === "de" ? " von " : " of ";

  function follow(bar) {
    var url = bar.getAttribute("data-progress");
    var id = bar.getAttribute("data-send");
    var text = document.querySelector('[data-progress-text="' + id + '"]');
    var state = document.querySelector('[data-progress-status="' + id + '"]');
    function poll() {
      fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (send) {
          if (!send) { return; }
          if (send.total > 0) {
            bar.max = send.total;
            bar.value = send.done;
            bar.textContent = send.done + "/" + send.total;
            if (text) { text.textContent = send.done + of + send.total; }
          }
          if (state) {
            state.textContent = send.status_label;
            state.className = "status status-" + send.status;
          }
          if (send.status === "running" || send.status === "scheduled") { window.setTimeout(poll, interval); }
        })
        .catch(function () { window.setTimeout(poll, interval * 4); });
    }
    window.setTimeout(poll, interval);
  }

  var bars = document.querySelectorAll("progress[data-progress]");
  for (var i = 0; i < bars.length; i++) { follow(bars[i]); }
})();
