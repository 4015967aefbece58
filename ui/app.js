// The customer window. It renders the `view` the app sends (whole, on every
// change) and calls the app's commands; it holds no state of its own beyond
// what is being typed. Every string comes from the app's message catalogue
// (crates/i18n/locales/<language>/app.ftl), parsed by the app and formatted
// here.
"use strict";

const { invoke } = window.__TAURI__.core;
const { listen } = window.__TAURI__.event;

const $ = (id) => document.getElementById(id);

let catalogue = { messages: {}, isolate: false };
let language = null;
let view = null;
let offlineUntil = 0;
// What each topic of the live region ("status", "screen", …) last said, and
// what the render under way has to say (null outside a render).
const lastSaid = new Map();
let toSay = null;
let codePainted = false;
// When the page got this far (ms since navigation), for the click-to-code
// benchmark's milestones: sent with `code_painted`.
const pageMarks = {};
// "Not now" hides the expert's invitation until they ask again.
let connectDismissed = false;

// Formats a message of the window's language: `t(id, values)`. The
// formatter (crates/i18n/js/messages.js) is injected by the app before this
// script, the same one the expert console uses.
let t = lifelineMessages(catalogue);

// Problem codes and offline reasons are snake_case; message ids use dashes.
const dashed = (code) => String(code).replaceAll("_", "-");

async function useLanguage(tag) {
  if (tag === language) return;
  // The app injects its language's catalogue before this script runs
  // (src-tauri/src/view.rs, start_script), and the language does not change
  // while it runs. Should it be missing (the catalogue's tests say it cannot
  // be), the window shows message ids rather than stopping.
  catalogue = window.__LIFELINE_START__?.catalogue ?? catalogue;
  t = lifelineMessages(catalogue);
  language = tag;
  document.documentElement.lang = catalogue.language;
  document.documentElement.dir = catalogue.dir;
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
}

// The code as a screen reader should say it: digit by digit, a pause between
// the groups ("1 2 3, 4 5 6, 7 8 9"), whatever the language around it.
const spokenCode = (grouped) => grouped.split(" ").map((group) => [...group].join(" ")).join(", ");

// Contrast: pick white or black text for the accent, and darken the accent
// used as text on white (lighten it on the dark theme's page) until it
// reaches 4.5:1.
function luminance(hex) {
  const channel = (i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}
const contrast = (a, b) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};
// Each channel moved `share` of the way to `target` (0 black, 255 white).
function blend(hex, target, share) {
  const part = (i) => {
    const c = parseInt(hex.slice(i, i + 2), 16);
    return Math.round(c + (target - c) * share).toString(16).padStart(2, "0");
  };
  return `#${part(1)}${part(3)}${part(5)}`;
}
// The dark theme's page (style.css --page).
const DARK_PAGE = "#1b1b1b";
function applyBranding(branding) {
  const accent = branding.accent_color;
  const root = document.documentElement.style;
  root.setProperty("--accent", accent);
  root.setProperty("--on-accent", contrast(accent, "#ffffff") >= 4.5 ? "#ffffff" : "#000000");
  let text = accent;
  for (let i = 0; i < 20 && contrast(text, "#ffffff") < 4.5; i++) text = blend(text, 0, 0.15);
  root.setProperty("--accent-text", text);
  let textDark = accent;
  for (let i = 0; i < 20 && contrast(textDark, DARK_PAGE) < 4.5; i++) textDark = blend(textDark, 255, 0.15);
  root.setProperty("--accent-text-dark", textDark);
  $("heading").textContent = t("app-heading", { company: branding.company_name });
  document.title = t("window-title", { company: branding.company_name });
  const logo = $("logo");
  logo.hidden = !branding.logo;
  if (branding.logo) logo.src = branding.logo;
}

function statusWords(status) {
  const name = status.expert ?? t("status-expert-unknown");
  switch (status.kind) {
    case "waiting":
      return [t("status-waiting-title"), status.position
        ? t("status-waiting-next", { position: status.position })
        : t("status-waiting-next-unknown")];
    case "assigned": return [t("status-assigned-title"), t("status-assigned-next", { name })];
    case "expert_wants_to_connect": return [t("status-connect-title"), t("status-connect-next", { name })];
    case "in_session": return [t("status-in-session-title"), t("status-in-session-next", { name })];
    case "closed": return [t("status-closed-title"), t(status.by_customer ? "status-cancelled-next" : "status-closed-next")];
    case "expired": return [t("status-expired-title"), t("status-expired-next")];
    default: return [status.kind, ""];
  }
}

// Says the outcome of something the customer did, at once.
function announce(text) {
  $("announcer").textContent = text;
}

// Says a change of `topic` once, however often the view is rendered. Changes
// of one render are said together at its end, so the status cannot cover up
// the expert's question that came with it.
function say(topic, text) {
  if (!text || lastSaid.get(topic) === text) return;
  lastSaid.set(topic, text);
  if (toSay) toSay.push(text);
  else announce(text);
}

function problemText(problem) {
  const id = `error-${dashed(problem.code)}`;
  return t.has(id) ? t(id) : t("error-other", { message: problem.message });
}

function showError(problem) {
  const error = $("error");
  error.hidden = !problem;
  error.textContent = problem ? problemText(problem) : "";
}

function renderOffline() {
  const banner = $("offline");
  if (!view || !view.offline) {
    banner.hidden = true;
    return;
  }
  const seconds = Math.max(0, Math.ceil((offlineUntil - Date.now()) / 1000));
  const host = view.server_host ?? "";
  banner.textContent = seconds > 0
    ? t(`offline-${dashed(view.offline.reason)}`, { host, seconds })
    : t("offline-now", { host });
  banner.hidden = false;
}

// Focus is moved on purpose, never lost. When what had the focus disappears
// (a button that hid itself, a panel that closed), it goes to the next thing a
// keyboard user would want, the first of these that is shown.
const FOCUS_NEXT = [
  "control-revoke", "screen-pause", "screen-resume", "screen-stop",
  "chat-text", "again", "copy-code", "start-session", "request-help", "join-toggle",
];
// The expert's questions. One that appears takes the focus itself (not one of
// its buttons, so a stray Enter answers nothing), unless the customer is in
// the middle of typing something.
const DIALOGS = ["connect-request", "screen-request", "control-request"];
const shown = (element) => !!element && element.getClientRects().length > 0;
let lastFocused = null;

function keepFocus(dialogsBefore) {
  const active = document.activeElement;
  const typing = (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement)
    && active.value.trim() !== "";
  const appeared = DIALOGS.map($).find((d) => shown(d) && !dialogsBefore.includes(d));
  if (appeared && !typing) {
    appeared.focus();
    return;
  }
  const lost = (!active || active === document.body || !shown(active)) && lastFocused && !shown(lastFocused);
  if (!lost) return;
  const next = [...DIALOGS, ...FOCUS_NEXT].map($).find(shown);
  if (next) next.focus();
}

// One render at a time: a view that arrives while the last one is still being
// painted (loading a language is asynchronous) waits for it, so what one
// render says and where it puts the focus never mixes with another's.
// A view older than the one shown (one asked for can cross one sent) is
// dropped; the same one again is rendered ("Not now" re-renders it).
let rendering = Promise.resolve();
function render(next) {
  rendering = rendering.catch(() => {}).then(() => {
    if (view && next.revision < view.revision) return;
    return renderNow(next);
  });
  return rendering;
}

async function renderNow(next) {
  const dialogsBefore = DIALOGS.map($).filter(shown);
  toSay = [];
  try {
    await paint(next);
  } finally {
    const said = toSay;
    toSay = null;
    if (said.length) announce(said.join(" "));
  }
  keepFocus(dialogsBefore);
}

async function paint(next) {
  const previous = view;
  view = next;
  await useLanguage(view.language || "en");
  applyBranding(view.branding);
  $("starting").hidden = true;

  if (view.offline && (!previous || previous.offline !== view.offline)) {
    offlineUntil = Date.now() + view.offline.retry_in_ms;
    if (!previous || !previous.offline) say("offline", t(`offline-${dashed(view.offline.reason)}`, {
      host: view.server_host ?? "", seconds: Math.ceil(view.offline.retry_in_ms / 1000),
    }));
  }
  renderOffline();

  if (view.broken) {
    for (const id of ["idle", "requesting", "case", "join", "screen-banner"]) $(id).hidden = true;
    $("broken").hidden = false;
    $("broken-detail").textContent = view.broken.message;
    showError(null);
    say("broken", t("broken-title"));
    return;
  }
  $("broken").hidden = true;
  showError(view.problem || view.incompatible);
  renderScreen();

  const kase = view.case;
  const over = !kase || kase.status.kind === "closed" || kase.status.kind === "expired";
  $("requesting").hidden = !view.requesting;
  $("idle").hidden = view.requesting || !!kase;
  $("idle-intro").textContent = t("idle-intro", { company: view.branding.company_name });
  $("join").hidden = view.requesting || !over;
  $("case").hidden = !kase;
  if (view.requesting) say("requesting", t("requesting"));
  if (!kase) return;

  $("code").textContent = kase.code_grouped;
  $("code-spoken").textContent = spokenCode(kase.code_grouped);
  if (!codePainted) {
    codePainted = true;
    // For the click-to-code benchmark (a no-op otherwise): the first
    // requestAnimationFrame callback runs before the frame holding the code is
    // painted, the second after it.
    pageMarks.rendered = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => {
      pageMarks.painted = performance.now();
      invoke("code_painted", { page: pageMarks }).catch(() => {});
    }));
  }
  const [title, detail] = statusWords(kase.status);
  $("state").textContent = title;
  $("state").dataset.kind = kase.status.kind;
  $("state-detail").textContent = detail;
  const expert = kase.status.expert;
  $("assignee-row").hidden = !expert;
  $("assignee").textContent = expert ?? "";
  say("status", `${title}. ${detail}`);

  $("description-form").hidden = over;
  const description = $("description");
  if (document.activeElement !== description && !description.dataset.dirty) {
    description.value = kase.description ?? "";
  }
  $("cancel").hidden = over;
  $("again").hidden = !over;
  if (over) $("cancel-confirm").hidden = true;
  renderSession(kase, over, expert);
}

function renderSession(kase, over, expert) {
  const session = view.session;
  const invited = kase.status.kind === "expert_wants_to_connect";
  if (!invited) connectDismissed = false;
  $("connect-question").textContent = t("session-invite", { name: expert ?? t("status-expert-unknown") });
  $("connect-request").hidden = over || session.joined || !invited || connectDismissed;
  $("start-session").hidden = over || session.joined || (invited && !connectDismissed);
  $("chat-panel").hidden = over || !session.joined;
  $("session-status").textContent = session.reconnecting ? t("session-reconnecting") : "";
  const chat = $("chat");
  // Messages only ever append, each once: add the ones not shown yet.
  for (const message of session.messages.slice(chat.children.length)) {
    const item = document.createElement("li");
    item.className = message.mine ? "mine" : "theirs";
    const who = document.createElement("strong");
    who.textContent = `${message.mine ? t("session-me") : message.author}: `;
    const text = document.createElement("span");
    text.dir = "auto"; // each message runs its own way, whatever the window's language
    text.textContent = message.text;
    item.append(who, text);
    chat.append(item);
  }
  if (session.messages.length < chat.children.length) chat.replaceChildren();
}

// The remote screen: the expert's requests, and while shared a banner and a
// frame round the window that cannot be missed, with Pause / Stop and, while
// the expert controls, "Take back control" (also Escape).
function renderScreen() {
  const screen = view.screen;
  const name = screen.expert ?? t("status-expert-unknown");
  const shared = screen.view === "sharing" || screen.view === "paused";
  const controlled = screen.control === "granted";
  document.body.classList.toggle("screen-shared", shared);
  document.body.classList.toggle("screen-controlled", controlled);
  $("screen-request-question").textContent = t("screen-request", { name });
  $("screen-request").hidden = screen.view !== "requested" || !screen.available;
  $("control-request-question").textContent = t("screen-control-request", { name });
  $("control-request").hidden = screen.control !== "requested";
  $("screen-unavailable").hidden = !screen.unavailable_asked;
  $("screen-banner").hidden = !shared;
  const banner = controlled ? t("screen-controlled", { name })
    : screen.view === "paused" ? t("screen-paused", { name }) : t("screen-sharing", { name });
  $("screen-banner-text").textContent = shared ? banner : "";
  $("control-revoke").hidden = !controlled;
  $("screen-pause").hidden = screen.view !== "sharing";
  $("screen-resume").hidden = screen.view !== "paused";
  if (screen.view === "requested" && screen.available) say("screen", t("screen-request", { name }));
  else if (screen.control === "requested") say("screen", t("screen-control-request", { name }));
  else if (shared) say("screen", banner);
  // Nothing to say: the same question asked again later is said again.
  else lastSaid.delete("screen");
}

async function call(command, args) {
  try {
    showError(null);
    return await invoke(command, args);
  } catch (problem) {
    showError(typeof problem === "object" ? problem : { code: "other", message: String(problem) });
    throw problem;
  }
}

function wire() {
  document.addEventListener("focusin", (event) => { lastFocused = event.target; });
  $("request-help").addEventListener("click", () => call("request_help").catch(() => {}));
  $("again").addEventListener("click", () => call("request_help").catch(() => {}));

  $("copy-code").addEventListener("click", async () => {
    const code = view?.case?.code ?? "";
    try {
      await navigator.clipboard.writeText(code);
      announce(t("code-copied"));
    } catch {
      const range = document.createRange();
      range.selectNodeContents($("code"));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      announce(document.execCommand("copy") ? t("code-copied") : t("code-copy-failed"));
    }
  });

  const description = $("description");
  description.addEventListener("input", () => { description.dataset.dirty = "1"; });
  $("description-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await call("set_description", { text: description.value }).then(() => {
      delete description.dataset.dirty;
      announce(t("description-saved"));
    }).catch(() => {});
  });

  $("cancel").addEventListener("click", () => {
    $("cancel-confirm").hidden = false;
    $("confirm-cancel").focus();
  });
  $("keep-request").addEventListener("click", () => {
    $("cancel-confirm").hidden = true;
    $("cancel").focus();
  });
  // The question stays until the case shows closed: that render hides it and
  // moves the focus on to "Ask again" (on a failure it stays, with the error).
  $("confirm-cancel").addEventListener("click", async () => {
    await call("cancel_request").then(() => announce(t("cancel-done"))).catch(() => {});
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    // Taking control back comes first: one key, wherever the focus is in the window.
    if (view?.screen?.control === "granted") {
      event.preventDefault();
      call("revoke_control").catch(() => {});
    } else if (!$("cancel-confirm").hidden) {
      $("keep-request").click();
    }
  });

  const answer = (mode, allow) => call("answer_screen", { mode, allow }).catch(() => {});
  $("screen-share").addEventListener("click", () => answer("view", true));
  $("screen-decline").addEventListener("click", () => answer("view", false));
  $("control-allow").addEventListener("click", () => answer("control", true));
  $("control-decline").addEventListener("click", () => answer("control", false));
  const sharing = (status) => call("set_screen_sharing", { status }).catch(() => {});
  $("screen-pause").addEventListener("click", () => sharing("paused"));
  $("screen-resume").addEventListener("click", () => sharing("sharing"));
  $("screen-stop").addEventListener("click", () => sharing("stopped"));
  $("control-revoke").addEventListener("click", () => call("revoke_control").catch(() => {}));

  $("join-session").addEventListener("click", () => call("join_session").then(() => $("chat-text").focus()).catch(() => {}));
  $("start-session").addEventListener("click", () => call("join_session").then(() => $("chat-text").focus()).catch(() => {}));
  $("not-now").addEventListener("click", () => {
    connectDismissed = true;
    // The question is gone: on to the button that starts the session later.
    render(view).then(() => $("start-session").focus());
  });
  $("leave-session").addEventListener("click", () => call("leave_session").catch(() => {}));
  $("chat-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("chat-text");
    const text = input.value.trim();
    if (!text) return;
    await call("send_message", { text }).then(() => { input.value = ""; }).catch(() => {});
  });

  $("join-toggle").addEventListener("click", () => {
    const form = $("join-form");
    form.hidden = !form.hidden;
    $("join-toggle").setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) $("join-code").focus();
  });
  $("join-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await call("join_case", { code: $("join-code").value }).then(() => {
      $("join-code").value = "";
      $("join-form").hidden = true;
    }).catch(() => {});
  });
}

async function start() {
  pageMarks.script = performance.now();
  wire();
  // The view is asked for while the listener is being set up, so the code
  // can be on screen one round trip after the page loads; it is asked for
  // again once listening, for a change made in between (revisions keep an
  // older view from replacing a newer one).
  const listening = listen("view", (event) => render(event.payload));
  const first = await invoke("get_view");
  pageMarks.view = performance.now();
  await render(first);
  await listening;
  await render(await invoke("get_view"));
  setInterval(renderOffline, 1000);
}

start();
