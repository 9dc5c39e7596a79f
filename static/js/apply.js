// One-tap apply (一键报名) for job cards, e.g. the pinned job card in a live room.
//
// DOM contract — any element (an <a> with an href is best: it is the no-JS fallback):
//
//   <a href="/jobs/12/apply/?room=3"        the apply form page; used when JS cannot finish
//      data-apply-job="12"                  the marker, with the job id (if empty: data-job-id)
//      data-apply-room="3"                  optional: the room the seeker is watching
//                                           (data-room-id works too)
//      data-apply-source="feed:12"          optional: where the tap was (the application's
//                                           source; the href carries it as ?src= too)
//      data-label-busy="报名中…"            optional texts (translated by the template);
//      data-label-done="报名成功"           defaults are the Chinese shown here
//      data-label-retry="网络不稳，请再点一次"
//      data-apply-consent="#consent-12"     optional: a checkbox the seeker ticked to share
//   >一键报名</a>                            their phone with this organisation
//
// A tap POSTs /api/v1/applications with the session cookie, X-CSRFToken and an
// Idempotency-Key that stays the same for every retry of this tap, so a double tap or a
// retry after a lost response can never make a second application. While in flight the
// element is disabled. 201/200 → it shows 已报名 and fires `daigang:applied` (detail:
// the application). Not logged in (401), consent or name still needed (400), or anything
// the API cannot finish → the apply form, which handles the SMS code, the consent tick and
// error messages: in the page's sheet (#apply-sheet, the live room: the video and chat go
// on underneath) when there is one, else as its own page.
//
// The seeker's own state per card (data-apply-status: "applied" 已报名, "withdrawn" 重新报名,
// "" 一键报名) comes from the server with the page; the page keeps it as a map
// (#apply-states) for cards pinned later over the room's socket (one event for every viewer),
// and reads it again (#apply-sheet[data-apply-states-url]) when the tab comes back to the
// front, so a second tab catches up with an apply made in the first.
//
// Loaded as a module; one listener on the document also serves cards inserted later.

const API_URL = "/api/v1/applications";

function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  // randomUUID needs a secure context; getRandomValues does not (plain-http intranets).
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function csrfToken() {
  // base.html puts the token in <body hx-headers>; the csrftoken cookie is the fallback.
  const holder = document.querySelector("[hx-headers]");
  if (holder) {
    try {
      const token = JSON.parse(holder.getAttribute("hx-headers"))["X-CSRFToken"];
      if (token) return token;
    } catch (_) {
      /* not JSON: fall through to the cookie */
    }
  }
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function formUrl(el) {
  const href = el.getAttribute("href");
  if (href && href !== "#") return href;
  const room = el.dataset.applyRoom || el.dataset.roomId;
  const job = el.dataset.applyJob || el.dataset.jobId;
  return `/jobs/${job}/apply/${room ? `?room=${encodeURIComponent(room)}` : ""}`;
}

function setBusy(el, busy) {
  el.dataset.applyState = busy ? "busy" : "";
  el.setAttribute("aria-busy", busy ? "true" : "false");
  if ("disabled" in el) el.disabled = busy;
  el.classList.toggle("is-busy", busy);
}

function setLabel(el, text) {
  if (el.dataset.applyLabel === undefined) el.dataset.applyLabel = el.textContent;
  el.textContent = text;
}

/** POST one apply. Resolves to {status, body}; rejects only on a network failure. */
export async function applyToJob({ jobId, roomId = null, consent = false, key, source = "" }) {
  const response = await fetch(API_URL, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "Idempotency-Key": key,
      "X-CSRFToken": csrfToken(),
    },
    body: JSON.stringify({
      job_id: Number(jobId),
      room_id: roomId ? Number(roomId) : null,
      consent,
      ...(source ? { source } : {}),
    }),
  });
  let body = null;
  try {
    body = await response.json();
  } catch (_) {
    /* an HTML error page: body stays null */
  }
  return { status: response.status, body };
}

/* --- the seeker's state per card ------------------------------------------------------- */

let states = null; // {job id: "applied" | "withdrawn"}, this viewer's

function statesRead() {
  if (states) return states;
  const node = document.getElementById("apply-states");
  try {
    states = node ? JSON.parse(node.textContent) || {} : {};
  } catch (_) {
    states = {};
  }
  return states;
}

/** Show `state` ("applied", "withdrawn" or "") on one card's apply button. */
export function applyStateShow(el, state) {
  if (el.dataset.applyState === "busy") return;
  el.dataset.applyStatus = state || "";
  delete el.dataset.applyKey;
  const done = state === "applied";
  el.dataset.applyState = done ? "done" : "";
  el.classList.toggle("is-applied", done);
  if (done) el.setAttribute("aria-disabled", "true");
  else el.removeAttribute("aria-disabled");
  if ("disabled" in el) el.disabled = done;
  const label = done
    ? el.dataset.labelDone || "已报名"
    : state === "withdrawn"
      ? el.dataset.labelAgain || "重新报名"
      : el.dataset.labelApply || "一键报名";
  el.textContent = label;
  el.dataset.applyLabel = label;
}

function statesShow(root = document) {
  const known = statesRead();
  root.querySelectorAll("[data-apply-job]").forEach((el) => {
    const jobId = el.dataset.applyJob || el.dataset.jobId;
    applyStateShow(el, known[jobId] || "");
  });
}

function markApplied(jobId) {
  statesRead()[jobId] = "applied";
  document.querySelectorAll(`[data-apply-job="${CSS.escape(String(jobId))}"]`).forEach((el) => {
    applyStateShow(el, "applied");
  });
}

async function statesRefresh() {
  const sheet = document.getElementById("apply-sheet");
  const room = document.getElementById("live-room");
  if (!sheet || !room || !("signedIn" in room.dataset)) return;
  const ids = new Set();
  document.querySelectorAll("[data-apply-job]").forEach((el) => {
    const id = el.dataset.applyJob || el.dataset.jobId;
    if (id) ids.add(id);
  });
  if (!ids.size) return;
  try {
    const response = await fetch(
      `${sheet.dataset.applyStatesUrl}?jobs=${encodeURIComponent([...ids].join(","))}`,
      { credentials: "same-origin", headers: { Accept: "application/json" } },
    );
    if (!response.ok) return;
    states = (await response.json()).states || {};
    statesShow();
  } catch (_) {
    /* offline for a moment: the cards keep what they showed */
  }
}

/* --- the sheet (the apply form over the room) ------------------------------------------- */

// How long 报名成功 stays on the sheet before the sheet gives the room back.
const SUCCESS_SHOWN_MS = 2000;
let closeTimer = null;
let opener = null;

function sheetClose() {
  const sheet = document.getElementById("apply-sheet");
  if (!sheet || sheet.hidden) return;
  clearTimeout(closeTimer);
  sheet.hidden = true;
  document.documentElement.classList.remove("sheet-open");
  document.getElementById("apply-sheet-content").replaceChildren();
  if (opener && document.contains(opener)) opener.focus({ preventScroll: true });
  opener = null;
}

function sheetSay(content, text) {
  const p = document.createElement("p");
  p.className = "muted";
  p.setAttribute("role", "status");
  p.textContent = text;
  content.replaceChildren(p);
}

async function sheetOpen(el, url) {
  const sheet = document.getElementById("apply-sheet");
  if (!sheet || !window.htmx) {
    window.location.assign(url);
    return;
  }
  opener = el;
  const jobId = el.dataset.applyJob || el.dataset.jobId;
  const card = el.closest("[data-job-id]");
  const title = card && card.querySelector('[data-field="title"]');
  sheet.dataset.jobId = jobId;
  sheet.querySelector("[data-sheet-title]").textContent = title ? title.textContent : "";
  const content = document.getElementById("apply-sheet-content");
  sheetSay(content, sheet.dataset.textLoading || "…");
  sheet.hidden = false;
  document.documentElement.classList.add("sheet-open");
  // Into the dialog for keyboards and screen readers, without raising a phone's keyboard.
  sheet.querySelector(".apply-sheet-body").focus({ preventScroll: true });
  try {
    await window.htmx.ajax("GET", url, { target: "#apply-sheet-content", swap: "innerHTML" });
  } catch (_) {
    sheetSay(content, sheet.dataset.textFailed || "");
  }
}

// After each swap in the sheet: take the fresh CSRF token (logging in with the SMS code
// rotates it), and on 报名成功 mark the cards, then close the sheet over the room again.
function onSheetSwap(event) {
  const sheet = document.getElementById("apply-sheet");
  if (!sheet || !sheet.contains(event.target)) return;
  const panel = sheet.querySelector("#apply-panel");
  if (!panel) return;
  const body = document.querySelector("[hx-headers]");
  if (panel.dataset.csrf && body) {
    body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": panel.dataset.csrf }));
  }
  const room = document.getElementById("live-room");
  const success = panel.querySelector(".apply-success");
  if (success) {
    const wasSignedIn = room && "signedIn" in room.dataset;
    if (room) room.dataset.signedIn = "";
    markApplied(panel.dataset.jobId || sheet.dataset.jobId);
    if (!wasSignedIn) {
      // Logged in by the SMS code in the sheet: the cards and the chat catch up, in place.
      statesRefresh();
      document.querySelectorAll("[data-room-chat]").forEach((chat) => {
        if (chat.roomChat) chat.roomChat.reconnect();
      });
    }
    clearTimeout(closeTimer);
    closeTimer = setTimeout(sheetClose, SUCCESS_SHOWN_MS);
    return;
  }
}

// A seeker who touches the success (附上求职资料, 查看我的报名) keeps the sheet open.
function onSheetTouch(event) {
  const body = event.target.closest && event.target.closest(".apply-sheet-body");
  if (body && body.querySelector(".apply-success")) clearTimeout(closeTimer);
}

async function onTap(el) {
  const state = el.dataset.applyState;
  if (state === "busy" || state === "done") return;
  const jobId = el.dataset.applyJob || el.dataset.jobId;
  if (!jobId) return;
  // One key per tap intention: kept until it succeeds, so retries replay instead of adding.
  if (!el.dataset.applyKey) el.dataset.applyKey = newKey();
  const consentBox = el.dataset.applyConsent
    ? document.querySelector(el.dataset.applyConsent)
    : null;
  setBusy(el, true);
  setLabel(el, el.dataset.labelBusy || "报名中…");
  let result;
  try {
    result = await applyToJob({
      jobId,
      roomId: el.dataset.applyRoom || el.dataset.roomId || null,
      consent: Boolean(consentBox && consentBox.checked),
      key: el.dataset.applyKey,
      source: el.dataset.applySource || "",
    });
  } catch (_) {
    // Network trouble: the apply may or may not have landed; the same key makes a
    // second tap safe either way.
    setBusy(el, false);
    setLabel(el, el.dataset.labelRetry || "网络不稳，请再点一次");
    return;
  }
  if (result.status === 200 || result.status === 201) {
    setBusy(el, false);
    el.dataset.applyState = "done";
    if ("disabled" in el) el.disabled = true;
    el.setAttribute("aria-disabled", "true");
    el.classList.add("is-applied");
    setLabel(el, el.dataset.labelDone || "已报名");
    markApplied(jobId);
    el.dispatchEvent(new CustomEvent("daigang:applied", { bubbles: true, detail: result.body }));
    return;
  }
  // 401 (not logged in), 400 (consent/name needed, job closed…), 403 (CSRF), 5xx: the form
  // explains and finishes the job. A key-reuse conflict (409) gets a fresh key.
  setBusy(el, false);
  setLabel(el, el.dataset.applyLabel);
  if (result.status === 409) delete el.dataset.applyKey;
  const url = (result.body && result.body.apply_url) || formUrl(el);
  sheetOpen(el, url);
}

function onClick(event) {
  if (event.target.closest("[data-sheet-close]")) {
    sheetClose();
    return;
  }
  const el = event.target.closest("[data-apply-job]");
  if (!el) return;
  event.preventDefault();
  onTap(el);
}

function onKey(event) {
  if (event.key === "Escape") sheetClose();
}

if (!window.__daigangApply) {
  window.__daigangApply = true;
  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onKey);
  document.addEventListener("pointerdown", onSheetTouch);
  document.addEventListener("htmx:afterSettle", onSheetSwap);
  // A card pinned over the socket is the same for every viewer: this viewer's state is ours.
  document.addEventListener("room:pinned", () => statesShow(document.getElementById("pin-slot")));
  // Another tab may have applied meanwhile: ask again when this one comes back to the front.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") statesRefresh();
  });
}
