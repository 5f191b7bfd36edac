// Keep a staff member who stays on one admin page logged in: swap the refresh cookie for a new token
// pair a minute before the access token (the cookie the admins read) runs out, while the tab is open.
// Without it a form edited for longer than the access token lives would be lost to the login redirect.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.dataset.refreshUrl;
  if (!url) return;
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function refresh() {
    fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } })
      .catch(function () { /* the next page load goes through the login, which refreshes too */ });
  }
  var everyMs = Math.max(30, Number(script.dataset.everySeconds || 240)) * 1000;
  setInterval(refresh, everyMs);
})();
