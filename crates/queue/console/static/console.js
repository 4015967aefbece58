// The expert console's only script: live queue rows, live case page, and
// confirmation of destructive forms. Loaded from /static (the CSP allows no
// inline script). Rows arrive as HTML rendered and escaped by the server.
"use strict";

(function () {
  const rows = document.querySelector("[data-live-rows]");
  const livePage = document.querySelector("[data-live-case]");

  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  if (!rows && !livePage) return;

  let pending = null;
  async function refreshRows() {
    pending = null;
    try {
      const response = await fetch(rows.dataset.liveRows, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (response.status === 401) {
        window.location.reload(); // signed out elsewhere: go to the sign-in page
        return;
      }
      if (response.ok) {
        document.getElementById("queue-rows").innerHTML = await response.text();
      }
    } catch (_) {
      // Offline for a moment: the next change or tick tries again.
    }
  }
  function scheduleRows() {
    if (pending === null) pending = window.setTimeout(refreshRows, 100);
  }

  const events = new EventSource("/console/events");
  events.addEventListener("changed", (event) => {
    if (rows) scheduleRows();
    if (livePage && event.data === livePage.dataset.liveCase) window.location.reload();
  });
  // Reconnected after a drop: changes may have been missed.
  events.addEventListener("open", () => {
    if (rows) scheduleRows();
  });
  // Waiting times and time left move on their own.
  if (rows) window.setInterval(scheduleRows, 30000);
})();
