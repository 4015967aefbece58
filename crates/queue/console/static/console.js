// The expert console's only script: live queue rows, live case page, and
// confirmation of destructive forms. Loaded from /static (the CSP allows no
// inline script). Rows arrive as HTML rendered and escaped by the server.
"use strict";

(function () {
  const rows = document.querySelector("[data-live-rows]");
  const livePage = document.querySelector("[data-live-case]");
  const session = document.querySelector("[data-session-url]");
  // While in a session the case page updates from the socket, not by reloading.
  let inSession = false;
  if (session) setUpSession(session, (value) => { inSession = value; });

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
    if (livePage && !inSession && event.data === livePage.dataset.liveCase) window.location.reload();
  });
  // Reconnected after a drop: changes may have been missed.
  events.addEventListener("open", () => {
    if (rows) scheduleRows();
  });
  // Waiting times and time left move on their own.
  if (rows) window.setInterval(scheduleRows, 30000);

  // The live session: Connect opens the case's WebSocket (the cookie signs it
  // in), chat goes both ways, a blip reconnects and re-sends what was not
  // echoed yet; messages are shown once each, by id.
  function setUpSession(panel, setInSession) {
    const status = document.getElementById("session-status");
    const chat = document.getElementById("chat");
    const form = document.getElementById("chat-form");
    const input = document.getElementById("chat-text");
    const connect = document.getElementById("connect");
    const leave = document.getElementById("leave");
    const url = new URL(panel.dataset.sessionUrl, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const seen = new Set();
    let unsent = []; // [{id, text}] not echoed by the server yet
    let socket = null;
    let wanted = false;
    let retry = 500;

    function say(text) { status.textContent = text; }
    function show(inSessionNow) {
      connect.hidden = inSessionNow;
      leave.hidden = !inSessionNow;
      form.hidden = !inSessionNow;
      setInSession(inSessionNow);
    }
    function newId() {
      if (window.crypto.randomUUID) return window.crypto.randomUUID();
      const b = window.crypto.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    function sendFrame(message) {
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "message", text: message.text, id: message.id }));
      }
    }
    function onCase(kase) {
      const yesNo = (v) => (v ? "yes" : "no");
      document.getElementById("presence-expert").textContent = yesNo(kase.expert_connected);
      document.getElementById("presence-customer").textContent = yesNo(kase.customer_connected);
      const state = document.getElementById("case-state");
      state.textContent = kase.state.replace("_", " ");
      state.className = `state state-${kase.state}`;
      say(kase.customer_connected ? "In session with the customer." : "Connected; waiting for the customer to join.");
      if (kase.state === "closed" || kase.state === "expired") {
        wanted = false;
        window.location.reload();
      }
    }
    function onMessage(message) {
      unsent = unsent.filter((m) => m.id !== message.id);
      if (seen.has(message.id)) return;
      seen.add(message.id);
      const item = document.createElement("li");
      item.className = `from-${message.from}`;
      const who = document.createElement("strong");
      who.textContent = `${message.author}: `;
      item.append(who, document.createTextNode(message.text));
      chat.append(item);
    }
    function open() {
      socket = new WebSocket(url);
      socket.addEventListener("open", () => {
        retry = 500;
        show(true);
        unsent.forEach(sendFrame);
      });
      socket.addEventListener("message", (event) => {
        let frame;
        try { frame = JSON.parse(event.data); } catch (_) { return; }
        if (frame.type === "case") onCase(frame);
        else if (frame.type === "message") onMessage(frame);
        else if (frame.type === "error") say(frame.message);
      });
      socket.addEventListener("close", () => {
        socket = null;
        if (!wanted) { show(false); say("Not connected."); return; }
        say(`Connection lost; reconnecting in ${Math.round(retry / 1000)} s…`);
        window.setTimeout(() => { if (wanted) open(); }, retry);
        retry = Math.min(retry * 2, 8000);
      });
    }
    connect.addEventListener("click", () => {
      wanted = true;
      // From now on the page must not reload on its own: the join itself is
      // a change of this case, and its notice may beat the socket's "open".
      setInSession(true);
      say("Connecting…");
      open();
    });
    leave.addEventListener("click", () => {
      wanted = false;
      if (socket) socket.close();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      const message = { id: newId(), text };
      unsent.push(message);
      sendFrame(message);
      input.value = "";
    });
  }
})();
