/* The room page's card-open beacon: a tap on the pinned job's card (its title or the apply
 * button) tells the server once per pin, so the fair's funnel counts 看了卡片 (card opened).
 * The server counts a viewer once per pin whatever this sends; the page never waits for it.
 */
(function () {
  "use strict";

  function csrfToken() {
    const holder = document.querySelector("[hx-headers]");
    if (holder) {
      try {
        const token = JSON.parse(holder.getAttribute("hx-headers"))["X-CSRFToken"];
        if (token) return token;
      } catch (error) { /* fall back to the cookie */ }
    }
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  const sent = new Set();

  function cardOpened(slot, jobId) {
    const pin = slot.dataset.pinSerial || "0";
    const key = jobId + ":" + pin;
    if (sent.has(key)) return;
    sent.add(key);
    const url = slot.dataset.cardOpenUrl.replace(/\/0\/opened\/$/, "/" + jobId + "/opened/");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "X-CSRFToken": csrfToken() },
    }).catch(function () { /* a lost beacon is a lost count, never an error on screen */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const slot = document.getElementById("pin-slot");
    if (!slot || !slot.dataset.cardOpenUrl) return;
    // A new pin is a new chance to count: the server keys by pin, the page by this serial.
    document.addEventListener("room:pinned", function () {
      slot.dataset.pinSerial = String(Number(slot.dataset.pinSerial || "0") + 1);
    });
    slot.addEventListener("click", function (event) {
      const link = event.target.closest("a");
      const card = event.target.closest("[data-job-id]");
      if (!link || !card || !card.dataset.jobId) return;
      cardOpened(slot, card.dataset.jobId);
    });
  });
})();
