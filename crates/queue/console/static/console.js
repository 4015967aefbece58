// The expert console's only script: live queue rows, live case page, alerts
// (notifications, chime, title count) and confirmation of destructive forms.
// Loaded from /static (the CSP allows no inline script). Rows and case parts
// arrive as HTML rendered and escaped by the server. What a person reads
// comes from the templates (data-* attributes) or from the page's
// #console-messages block: the script-* messages of the console's Fluent
// catalogue (crates/i18n/locales/*/console.ftl) in the page's language,
// parsed by the server into text, placeholders and plural choices.
"use strict";

(function () {
  const catalogue = (() => {
    const block = document.getElementById("console-messages");
    try { return JSON.parse(block.textContent); } catch (_) { return { messages: {}, isolate: false }; }
  })();
  // The formatter shared with the desktop window (/static/messages.js,
  // crates/i18n/js/messages.js), loaded before this script.
  const t = lifelineMessages(catalogue);
  const stateName = (state) => t(`script-state-${state}`);

  const rows = document.querySelector("[data-live-rows]");
  const livePage = document.querySelector("[data-live-case]");
  const session = document.querySelector("[data-session-url]");
  if (session) setUpSession(session);

  // When the control that had focus was just hidden or removed, focus
  // `fallback` instead of letting it fall to the page body.
  function keepFocus(before, fallback) {
    if (!before || before === document.body || !fallback) return;
    if (!before.isConnected || before.getClientRects().length === 0) fallback.focus();
  }

  // On the document, so forms put in by a live update ask too.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Signed-in pages only: they carry the session's CSRF token.
  if (!document.querySelector('meta[name="csrf-token"]')) return;
  const events = new EventSource("/console/events");
  setUpAlerts(events);

  if (!rows && !livePage) return;

  let pending = null;
  // The rows last put in the table: an unchanged answer leaves the table
  // alone, so focus and what a screen reader is reading stay where they are.
  let shownRows = null;
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
        const html = await response.text();
        if (html !== shownRows) {
          patchRows(html);
          shownRows = html;
        }
      }
    } catch (_) {
      // Offline for a moment: the next change or tick tries again.
    }
  }
  function scheduleRows() {
    if (pending === null) pending = window.setTimeout(refreshRows, 100);
  }

  // Brings the table to the server's rows without replacing it: a row stays
  // the same element while its case is listed and only its changed cells
  // are rewritten, so focus on a case link stays put. What a person would
  // want to hear (a case came, left, or changed state) is said once in
  // #queue-news; the waiting times moving are not.
  function patchRows(html) {
    const body = document.getElementById("queue-rows");
    const fresh = document.createElement("tbody");
    fresh.innerHTML = html;
    const focused = document.activeElement;
    const focusedRow = body.contains(focused) ? focused.closest("tr") : null;
    const focusedAt = focusedRow ? focusedRow.sectionRowIndex : -1;
    const key = (tr) => tr.dataset.case || "empty";
    const old = new Map(Array.from(body.rows, (tr) => [key(tr), tr]));
    const news = [];
    Array.from(fresh.rows).forEach((tr, index) => {
      let row = old.get(key(tr));
      if (row) {
        old.delete(key(tr));
        const wasState = stateOf(row);
        Array.from(tr.cells).forEach((cell, i) => {
          const mine = row.cells[i];
          if (!mine) row.append(cell.cloneNode(true));
          else if (mine.innerHTML !== cell.innerHTML) mine.innerHTML = cell.innerHTML;
        });
        if (tr.dataset.case && stateOf(row) !== wasState) news.push(["changed", row]);
      } else {
        row = tr.cloneNode(true);
        if (tr.dataset.case) news.push(["added", row]);
      }
      // Only a row out of place moves (moving one that holds focus blurs it).
      if (body.rows[index] !== row) body.insertBefore(row, body.rows[index] || null);
    });
    old.forEach((row) => {
      if (row.dataset.case) news.push(["removed", row]);
      row.remove();
    });
    if (focusedRow && !focused.isConnected) {
      // The focused case left the list: focus the link of the row now in its
      // place (or the last one), else the page's main area.
      const near = body.rows[Math.min(focusedAt, body.rows.length - 1)];
      const link = near && near.querySelector("a.code");
      (link || document.getElementById("main")).focus();
    }
    announceRows(news);
  }
  function stateOf(row) {
    const cell = row.querySelector(".state");
    return cell ? cell.textContent.trim() : "";
  }
  function announceRows(news) {
    const region = document.getElementById("queue-news");
    if (!region || news.length === 0) return;
    region.textContent = news.map(([what, row]) => region.dataset[what]
      .replace("{code}", (row.querySelector(".code") || row).textContent.trim())
      .replace("{state}", stateOf(row))).join(" ");
  }

  // The case page follows changes made elsewhere (another expert, the
  // customer, this expert in another tab) by reading the page again and
  // putting in the parts that differ, then saying what changed in
  // #case-news. Focus inside a replaced part goes to the same control in
  // the new part, or to the Actions heading.
  let caseReading = null;
  async function refreshCase() {
    caseReading = null;
    let html;
    try {
      const response = await fetch(window.location.pathname, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (response.status === 401) { window.location.reload(); return; }
      if (!response.ok) return;
      html = await response.text();
    } catch (_) {
      return; // offline for a moment: the next change tries again
    }
    const next = new DOMParser().parseFromString(html, "text/html");
    const focused = document.activeElement;
    const focusedId = focused && focused.id;
    const said = [];
    const oldHistory = new Set(Array.from(document.querySelectorAll("#history li"), lineOf));
    next.querySelectorAll("#history li").forEach((li) => {
      if (!oldHistory.has(lineOf(li))) said.push(lineOf(li));
    });
    const changedDetails = [];
    document.querySelectorAll("[data-live-part]").forEach((part) => {
      const fresh = next.getElementById(part.id);
      if (!fresh || fresh.innerHTML === part.innerHTML) return;
      if (part.id === "case-details") changedDetails.push(...detailChanges(part, fresh));
      const hadFocus = part.contains(focused);
      part.className = fresh.className;
      part.innerHTML = fresh.innerHTML;
      if (hadFocus) {
        const again = focusedId && document.getElementById(focusedId);
        (again || document.getElementById("actions")).focus();
      }
    });
    // A case closed elsewhere has no session any more.
    const sessionPart = document.getElementById("session");
    if (sessionPart && !next.getElementById("session")) {
      const hadFocus = sessionPart.contains(focused);
      sessionPart.remove();
      if (hadFocus) document.getElementById("actions").focus();
    }
    const what = said.length > 0 ? said : changedDetails;
    const region = document.getElementById("case-news");
    if (region && what.length > 0) region.textContent = region.dataset.changed.replace("{what}", what.join("; "));
  }
  // A history line as said: what happened, without the time.
  function lineOf(li) {
    return Array.from(li.childNodes).filter((n) => n.nodeName !== "TIME")
      .map((n) => n.textContent).join("").replace(/\s+/g, " ").trim();
  }
  // "Name: value" for each detail whose value differs.
  function detailChanges(dl, fresh) {
    const values = (list) => new Map(Array.from(list.querySelectorAll("dt"),
      (dt) => [dt.textContent.trim(), dt.nextElementSibling ? dt.nextElementSibling.textContent.trim() : ""]));
    const before = values(dl);
    return Array.from(values(fresh)).filter(([name, value]) => before.get(name) !== value)
      .map(([name, value]) => `${name}: ${value}`);
  }
  function scheduleCase() {
    if (caseReading === null) caseReading = window.setTimeout(refreshCase, 100);
  }

  events.addEventListener("changed", (event) => {
    if (rows) scheduleRows();
    if (livePage && event.data === livePage.dataset.liveCase) scheduleCase();
  });
  // A session side joined or left: patch the row's state in place rather
  // than read the queue again. Only a page filtered to one open state can
  // gain or lose the row, and only it reads its rows again.
  events.addEventListener("presence", (event) => {
    let change;
    try { change = JSON.parse(event.data); } catch (_) { return; }
    if (livePage && change.case_id === livePage.dataset.liveCase) scheduleCase();
    if (!rows) return;
    const state = new URL(rows.dataset.liveRows, window.location.href).searchParams.get("state");
    if (state === "new" || state === "pending" || state === "in_progress") {
      scheduleRows();
      return;
    }
    const row = Array.from(document.querySelectorAll("#queue-rows tr[data-case]"))
      .find((tr) => tr.dataset.case === change.case_id);
    const cell = row && row.querySelector(".state");
    if (cell) {
      shownRows = null; // the table no longer matches the last answer
      const was = stateOf(row);
      cell.textContent = stateName(change.state);
      cell.className = `state state-${change.state}`;
      if (stateOf(row) !== was) announceRows([["changed", row]]);
    }
  });
  // Reconnected after a drop: changes may have been missed.
  events.addEventListener("open", () => {
    if (rows) scheduleRows();
  });
  // Waiting times and time left move on their own.
  if (rows) window.setInterval(scheduleRows, 30000);

  // Alerts on every signed-in page, the tab in the background too: a desktop
  // notification (once the expert allowed them, asked from a click), a short
  // tone unless turned off, and the count of waiting cases in the title. The
  // server says what needs attention (/console/attention); this page reads it
  // again on every queue change and when the next case passes its group's
  // alert time, and tells each case's moment once per tab: the ids already
  // told live in sessionStorage, so moving between pages repeats nothing,
  // and a tab's first answer is taken as seen (the expert is looking).
  function setUpAlerts(queueEvents) {
    const TOLD_KEY = "lifeline.alerts.told";
    const SOUND_KEY = "lifeline.alerts.sound";
    const REREAD_MS = 60000; // an alert time changed by an admin, a missed change
    const permission = document.getElementById("notify-permission");
    const soundButton = document.getElementById("notify-sound");
    const baseTitle = document.title;
    let told = null;
    try { told = JSON.parse(window.sessionStorage.getItem(TOLD_KEY)); } catch (_) { told = null; }
    let audio = null;
    let pendingRead = null;
    let overdueTimer = null;

    function soundOn() { return window.localStorage.getItem(SOUND_KEY) !== "off"; }
    function showSoundButton() {
      soundButton.hidden = false;
      soundButton.textContent = soundOn() ? t("script-sound-on") : t("script-sound-off");
      soundButton.setAttribute("aria-pressed", String(soundOn()));
    }
    function showPermissionButton() {
      permission.hidden = !("Notification" in window) || window.Notification.permission !== "default";
    }
    // A short two-note chime made here (Web Audio): no sound file to fetch.
    function chime() {
      if (!soundOn()) return;
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      try {
        if (!audio) audio = new Context();
        if (audio.state === "suspended") audio.resume().catch(() => {});
        const start = audio.currentTime;
        const tone = audio.createOscillator();
        const volume = audio.createGain();
        tone.type = "sine";
        tone.frequency.setValueAtTime(880, start);
        tone.frequency.setValueAtTime(660, start + 0.12);
        volume.gain.setValueAtTime(0.0001, start);
        volume.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
        volume.gain.exponentialRampToValueAtTime(0.0001, start + 0.3);
        tone.connect(volume).connect(audio.destination);
        tone.start(start);
        tone.stop(start + 0.32);
      } catch (_) {
        // No audio device: the notification and the title still tell.
      }
    }
    function notify(title, body, caseId, moment) {
      const Shown = window.Notification;
      if (!Shown || Shown.permission !== "granted") return;
      try {
        const shown = new Shown(title, { body, tag: `lifeline-${moment}-${caseId}` });
        shown.addEventListener("click", () => {
          window.focus();
          window.location.href = `/cases/${caseId}`;
          shown.close();
        });
      } catch (_) {
        // Browsers that show notifications only from a service worker.
      }
    }
    function overdueBody(name, seconds) {
      return seconds < 120 ? t("script-alert-overdue-seconds", { name, seconds })
        : t("script-alert-overdue-minutes", { name, minutes: Math.round(seconds / 60) });
    }

    function onAttention(answer) {
      document.title = answer.waiting > 0 ? `(${answer.waiting}) ${baseTitle}` : baseTitle;
      const now = {
        waiting: answer.waiting_cases.map((c) => c.id),
        overdue: answer.waiting_cases.filter((c) => c.overdue).map((c) => c.id),
        assigned: answer.assigned_cases.map((c) => c.id),
      };
      if (told) {
        const fresh = (moment, kase) => !told[moment].includes(kase.id);
        const alerts = [];
        answer.waiting_cases.filter((c) => fresh("waiting", c)).forEach((c) => alerts.push(
          [t("script-alert-new", { group: c.group }), t("script-alert-new-body", { name: c.customer }), c.id, "waiting"]));
        answer.waiting_cases.filter((c) => c.overdue && fresh("overdue", c)).forEach((c) => alerts.push(
          [t("script-alert-overdue", { group: c.group }), overdueBody(c.customer, c.alert_after_seconds), c.id, "overdue"]));
        answer.assigned_cases.filter((c) => fresh("assigned", c)).forEach((c) => alerts.push(
          [t("script-alert-assigned"), t("script-alert-assigned-body", { name: c.customer, group: c.group }), c.id, "assigned"]));
        alerts.forEach((alert) => notify(...alert));
        if (alerts.length > 0) chime();
      }
      // Only the cases still there are kept: one that comes back is news again.
      told = now;
      try { window.sessionStorage.setItem(TOLD_KEY, JSON.stringify(told)); } catch (_) { /* private mode */ }
      window.clearTimeout(overdueTimer);
      if (answer.next_overdue_in_ms !== null) {
        overdueTimer = window.setTimeout(readAttention, Math.min(answer.next_overdue_in_ms + 100, REREAD_MS));
      }
    }
    async function readAttention() {
      pendingRead = null;
      try {
        const response = await fetch("/console/attention", {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (response.ok) onAttention(await response.json());
      } catch (_) {
        // Offline for a moment: the next change or re-read tries again.
      }
    }
    function scheduleRead() {
      if (pendingRead === null) pendingRead = window.setTimeout(readAttention, 100);
    }

    permission.addEventListener("click", () => {
      // Asked only from this click: browsers refuse or mute prompts made on their own.
      window.Notification.requestPermission().then(showPermissionButton, showPermissionButton);
      chime(); // also lets audio play on this page
    });
    soundButton.addEventListener("click", () => {
      window.localStorage.setItem(SOUND_KEY, soundOn() ? "off" : "on");
      showSoundButton();
    });
    showPermissionButton();
    showSoundButton();
    queueEvents.addEventListener("changed", scheduleRead);
    queueEvents.addEventListener("open", scheduleRead);
    window.setInterval(scheduleRead, REREAD_MS);
  }

  // The live session: Connect opens the case's WebSocket (the cookie signs it
  // in), chat goes both ways, a blip reconnects and re-sends what was not
  // echoed yet; messages are shown once each, by id.
  function setUpSession(panel) {
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
    const screen = setUpScreen((frame) => {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    });

    function say(text) { status.textContent = text; }
    function show(inSessionNow) {
      const focused = document.activeElement;
      connect.hidden = inSessionNow;
      leave.hidden = !inSessionNow;
      form.hidden = !inSessionNow;
      document.getElementById("screen").hidden = !inSessionNow;
      // Connect and Leave take each other's place, and focus with them.
      keepFocus(focused, inSessionNow ? leave : connect);
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
      const yesNo = (v) => (v ? t("script-yes") : t("script-no"));
      document.getElementById("presence-expert").textContent = yesNo(kase.expert_connected);
      document.getElementById("presence-customer").textContent = yesNo(kase.customer_connected);
      const state = document.getElementById("case-state");
      state.textContent = stateName(kase.state);
      state.className = `state state-${kase.state}`;
      say(kase.customer_connected ? t("script-session-in") : t("script-session-waiting"));
      if (kase.state === "closed" || kase.state === "expired") {
        // The server ends the session; the page's live update shows the case closed.
        wanted = false;
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
      socket.binaryType = "arraybuffer";
      socket.addEventListener("open", () => {
        retry = 500;
        show(true);
        unsent.forEach(sendFrame);
      });
      socket.addEventListener("message", (event) => {
        if (event.data instanceof ArrayBuffer) { screen.onUpdate(event.data); return; }
        let frame;
        try { frame = JSON.parse(event.data); } catch (_) { return; }
        if (frame.type === "case") onCase(frame);
        else if (frame.type === "message") onMessage(frame);
        else if (frame.type === "screen") screen.onState(frame);
        else if (frame.type === "error") say(frame.message);
      });
      socket.addEventListener("close", () => {
        socket = null;
        screen.reset();
        if (!wanted) { show(false); say(t("script-session-not-connected")); return; }
        say(t("script-session-lost", { seconds: Math.round(retry / 1000) }));
        window.setTimeout(() => { if (wanted) open(); }, retry);
        retry = Math.min(retry * 2, 8000);
      });
    }
    connect.addEventListener("click", () => {
      if (wanted) return; // already connecting
      wanted = true;
      say(t("script-session-connecting"));
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

  // The customer's screen (docs/architecture.md, "The remote screen"): View
  // screen asks over the session socket; binary updates are drawn into an
  // offscreen canvas in order, the cursor on top, and each update is acked
  // once drawn (the customer sends no more than 2 ahead). While control is
  // granted, pointer and keys over the focused canvas become input frames in
  // the customer's screen pixels.
  function setUpScreen(send) {
    const status = document.getElementById("screen-status");
    const view = document.getElementById("view-screen");
    const control = document.getElementById("request-control");
    const stop = document.getElementById("stop-screen");
    const canvas = document.getElementById("screen-canvas");
    const context = canvas.getContext("2d");
    const pixels = document.createElement("canvas");
    const pixelContext = pixels.getContext("2d");
    const cursor = { x: 0, y: 0, hotX: 0, hotY: 0, image: null };
    let state = { view: "off", control: "off" };
    let viewing = false; // this page asked and the customer has not stopped
    let drawing = Promise.resolve();
    let pendingMove = null;

    function say(text) { status.textContent = text; }
    function controlling() { return viewing && state.control === "granted" && state.view === "sharing"; }
    function render() {
      const focused = document.activeElement;
      view.hidden = viewing;
      control.hidden = !viewing || state.control !== "off" || !["sharing", "paused"].includes(state.view);
      stop.hidden = !viewing;
      canvas.hidden = !viewing || !["sharing", "paused"].includes(state.view);
      canvas.classList.toggle("paused", state.view === "paused");
      canvas.classList.toggle("controlling", controlling());
      if (!viewing) {
        if (state.view === "off") say(t("script-screen-not-shared"));
        else if (state.expert) say(t("script-screen-other-expert", { name: state.expert }));
        else say(t("script-screen-another-expert"));
      } else if (state.view === "requested") {
        say(t("script-screen-waiting-share"));
      } else if (state.view === "paused") {
        say(t("script-screen-paused"));
      } else if (state.control === "requested") {
        say(t("script-screen-waiting-control"));
      } else if (state.control === "granted") {
        say(t("script-screen-control"));
      } else {
        say(t("script-screen-viewing"));
      }
      // View screen and Stop take each other's place.
      keepFocus(focused, viewing ? stop : view);
    }

    function onState(next) {
      const wasViewing = viewing && state.view !== "off";
      state = next;
      if (viewing && state.view === "off" && wasViewing) {
        viewing = false;
        render();
        say(t("script-screen-ended"));
        return;
      }
      render();
    }

    function resize(width, height) {
      if (pixels.width !== width || pixels.height !== height) {
        pixels.width = width;
        pixels.height = height;
        canvas.width = width;
        canvas.height = height;
      }
    }

    // Reads one message; null when it is not a screen update this page understands.
    function parse(buffer) {
      const data = new DataView(buffer);
      if (buffer.byteLength < 14 || data.getUint8(0) !== 1 || data.getUint8(1) !== 1) return null;
      const flags = data.getUint8(2);
      const message = {
        last: (flags & 1) !== 0,
        seq: data.getUint32(4),
        width: data.getUint16(8),
        height: data.getUint16(10),
        rects: [],
      };
      let at = 14;
      const count = data.getUint16(12);
      for (let i = 0; i < count; i += 1) {
        if (at + 13 > buffer.byteLength) return null;
        const rect = {
          x: data.getUint16(at), y: data.getUint16(at + 2),
          w: data.getUint16(at + 4), h: data.getUint16(at + 6),
          codec: data.getUint8(at + 8),
        };
        const len = data.getUint32(at + 9);
        at += 13;
        if (at + len > buffer.byteLength) return null;
        rect.payload = new Uint8Array(buffer, at, len);
        at += len;
        message.rects.push(rect);
      }
      return message;
    }

    async function draw(buffer) {
      const message = parse(buffer);
      if (!message) return;
      resize(message.width, message.height);
      // Decode the JPEGs together, then paint every rectangle in order.
      const images = await Promise.all(message.rects.map((r) => (r.codec === 1
        ? createImageBitmap(new Blob([r.payload], { type: "image/jpeg" })).catch(() => null)
        : null)));
      for (let i = 0; i < message.rects.length; i += 1) {
        const r = message.rects[i];
        if (r.codec === 1 && images[i]) {
          pixelContext.drawImage(images[i], r.x, r.y, r.w, r.h);
          images[i].close();
        } else if (r.codec === 2 && r.payload.length === 3) {
          pixelContext.fillStyle = `rgb(${r.payload[0]}, ${r.payload[1]}, ${r.payload[2]})`;
          pixelContext.fillRect(r.x, r.y, r.w, r.h);
        } else if (r.codec === 3 && r.payload.length >= 4) {
          cursor.x = r.x;
          cursor.y = r.y;
          const p = new DataView(r.payload.buffer, r.payload.byteOffset, r.payload.length);
          if (r.w > 0 && r.h > 0 && r.payload.length === 4 + r.w * r.h * 4) {
            cursor.hotX = p.getUint16(0);
            cursor.hotY = p.getUint16(2);
            const rgba = new ImageData(new Uint8ClampedArray(r.payload.slice(4)), r.w, r.h);
            if (cursor.image) cursor.image.close();
            cursor.image = await createImageBitmap(rgba);
          }
        }
      }
      if (message.last) {
        context.drawImage(pixels, 0, 0);
        if (cursor.image) context.drawImage(cursor.image, cursor.x - cursor.hotX, cursor.y - cursor.hotY);
        send({ type: "screen_ack", seq: message.seq });
      }
    }

    function onUpdate(buffer) {
      if (!viewing) return;
      drawing = drawing.then(() => draw(buffer)).catch(() => {});
    }

    function reset() {
      viewing = false;
      state = { view: "off", control: "off" };
      render();
    }

    // Page coordinates to the customer's screen pixels.
    function toScreen(event) {
      const box = canvas.getBoundingClientRect();
      const clamp = (v, max) => Math.min(Math.max(Math.floor(v), 0), max - 1);
      return {
        x: clamp(((event.clientX - box.left) * canvas.width) / box.width, canvas.width),
        y: clamp(((event.clientY - box.top) * canvas.height) / box.height, canvas.height),
      };
    }
    function input(event) { if (controlling()) send({ type: "input", event }); }
    const buttons = ["left", "middle", "right"];

    canvas.addEventListener("pointermove", (event) => {
      if (!controlling()) return;
      // One move per frame is plenty.
      if (pendingMove === null) {
        window.requestAnimationFrame(() => { input({ kind: "pointer_move", ...pendingMove }); pendingMove = null; });
      }
      pendingMove = toScreen(event);
    });
    ["pointerdown", "pointerup"].forEach((type) => {
      canvas.addEventListener(type, (event) => {
        if (!controlling() || !buttons[event.button]) return;
        event.preventDefault();
        canvas.focus();
        input({ kind: "button", ...toScreen(event), button: buttons[event.button], down: type === "pointerdown" });
      });
    });
    canvas.addEventListener("contextmenu", (event) => { if (controlling()) event.preventDefault(); });
    canvas.addEventListener("wheel", (event) => {
      if (!controlling()) return;
      event.preventDefault();
      input({ kind: "wheel", ...toScreen(event), dx: Math.sign(event.deltaX), dy: Math.sign(event.deltaY) });
    }, { passive: false });
    ["keydown", "keyup"].forEach((type) => {
      canvas.addEventListener(type, (event) => {
        if (!controlling() || event.isComposing) return;
        event.preventDefault();
        input({ kind: "key", key: event.key, down: type === "keydown" });
      });
    });

    view.addEventListener("click", () => {
      viewing = true;
      send({ type: "screen_request", mode: "view" });
      render();
    });
    control.addEventListener("click", () => send({ type: "screen_request", mode: "control" }));
    stop.addEventListener("click", () => {
      send({ type: "screen_stop" });
      viewing = false;
      render();
    });
    render();
    return { onState, onUpdate, reset };
  }
})();
