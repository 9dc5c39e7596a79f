// One-tap apply (一键报名) for job cards, e.g. the pinned job card in a live room.
//
// DOM contract — any element (an <a> with an href is best: it is the no-JS fallback):
//
//   <a href="/jobs/12/apply/?room=3"        the apply form page; used when JS cannot finish
//      data-apply-job="12"                  the marker, with the job id (if empty: data-job-id)
//      data-apply-room="3"                  optional: the room the seeker is watching
//                                           (data-room-id works too)
//      data-label-busy="报名中…"            optional texts (translated by the template);
//      data-label-done="报名成功"           defaults are the Chinese shown here
//      data-label-retry="网络不稳，请再点一次"
//      data-apply-consent="#consent-12"     optional: a checkbox the seeker ticked to share
//   >一键报名</a>                            their phone with this organisation
//
// A tap POSTs /api/v1/applications with the session cookie, X-CSRFToken and an
// Idempotency-Key that stays the same for every retry of this tap, so a double tap or a
// retry after a lost response can never make a second application. While in flight the
// element is disabled. 201/200 → it shows 报名成功 and fires `daigang:applied` (detail:
// the application). Not logged in (401), consent or name still needed (400), or anything
// the API cannot finish → the browser goes to the apply form page, which handles the SMS
// code, the consent tick and error messages.
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
export async function applyToJob({ jobId, roomId = null, consent = false, key }) {
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
    setLabel(el, el.dataset.labelDone || "报名成功");
    el.dispatchEvent(new CustomEvent("daigang:applied", { bubbles: true, detail: result.body }));
    return;
  }
  // 401 (not logged in), 400 (consent/name needed, job closed…), 403 (CSRF), 5xx: the form
  // page explains and finishes the job. A key-reuse conflict (409) gets a fresh key.
  if (result.status === 409) delete el.dataset.applyKey;
  const url = (result.body && result.body.apply_url) || formUrl(el);
  window.location.assign(url);
}

function onClick(event) {
  const el = event.target.closest("[data-apply-job]");
  if (!el) return;
  event.preventDefault();
  onTap(el);
}

if (!window.__daigangApply) {
  window.__daigangApply = true;
  document.addEventListener("click", onClick);
}
