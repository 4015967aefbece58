// The one formatter of Lifeline's messages in the browser, for the desktop
// window (injected by the app before its own script) and the expert console
// (served as /static/messages.js). It formats a catalogue as lifeline-i18n
// exports it (src/window.rs): each message is parts, each part text,
// { var } or { select, variants, default }. Placeholders are wrapped in
// Unicode isolation marks where the language runs right to left, as the Rust
// side (fluent-bundle) does. A select picks Fluent's way: an exact number,
// then the number's plural category in the catalogue's language, else a key
// equal to the value, else the default.
"use strict";

globalThis.lifelineMessages = function lifelineMessages(catalogue) {
  const messages = catalogue.messages || {};
  const plurals = new Intl.PluralRules(catalogue.language || "en");

  function formatParts(parts, values) {
    const isolate = catalogue.isolate && parts.length > 1;
    const wrap = (text) => (isolate ? `\u2068${text}\u2069` : text);
    let text = "";
    for (const part of parts) {
      if (typeof part === "string") text += part;
      else if ("var" in part) text += wrap(String(values[part.var] ?? ""));
      else text += wrap(formatParts(chooseVariant(part, values[part.select]).value, values));
    }
    return text;
  }

  function chooseVariant(select, value) {
    const { variants } = select;
    const found = typeof value === "number"
      ? variants.find((v) => v.number === value) ?? variants.find((v) => v.key === plurals.select(value))
      : variants.find((v) => v.key === String(value));
    return found ?? variants[select.default];
  }

  // Message `id` with its placeholders filled from `values`; the id itself
  // if the catalogue lacks it (the catalogue's tests say it never does).
  const t = (id, values = {}) => (Object.hasOwn(messages, id) ? formatParts(messages[id], values) : id);
  t.has = (id) => Object.hasOwn(messages, id);
  return t;
};
