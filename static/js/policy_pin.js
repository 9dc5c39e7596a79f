/* A 宣策 room's pinned policy on the viewer's screen.
 *
 * The room event `policy_pin` {policy: card or null} (chat.js re-dispatches room events on
 * `document` as `room:event`) shows or hides the card over the picture; tapping the card opens
 * the policy in a sheet over the room, which keeps playing. After the socket comes back (a
 * second `hello`) the pin is read again, since events sent meanwhile are lost.
 */
(function () {
  "use strict";

  const slot = document.getElementById("policy-slot");
  const sheet = document.getElementById("policy-sheet");
  if (!slot || !sheet) return;
  const link = document.getElementById("policy-card");
  let current = null;
  let opener = null;

  function fill(root, policy) {
    root.querySelectorAll("[data-field]").forEach(function (node) {
      node.textContent = policy[node.dataset.field] || "";
    });
    root.querySelectorAll("[data-field-href]").forEach(function (node) {
      node.href = policy[node.dataset.fieldHref] || "#";
    });
  }

  function show(policy) {
    const wasShown = slot.classList.contains("shown");
    current = policy;
    if (!policy) {
      slot.classList.remove("shown");
      close();
      return;
    }
    fill(slot, policy);
    link.href = policy.url;
    slot.dataset.policyId = String(policy.id);
    if (wasShown) {
      // Another policy replaces the card: slide it out and in again so the change is seen.
      slot.classList.remove("shown");
      void slot.offsetWidth;
    }
    slot.classList.add("shown");
    if (!sheet.hidden) fill(sheet, policy);
  }

  function open() {
    if (!current) return;
    fill(sheet, current);
    opener = document.activeElement;
    sheet.hidden = false;
    sheet.querySelector(".sheet-body").focus({ preventScroll: true });
  }

  function close() {
    if (sheet.hidden) return;
    sheet.hidden = true;
    if (opener && document.contains(opener)) opener.focus({ preventScroll: true });
  }

  function resync() {
    fetch(slot.dataset.pinnedUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        const wanted = data.policy ? data.policy.id : null;
        const shown = current ? current.id : null;
        if (wanted !== shown) show(data.policy);
      })
      .catch(function () {});
  }

  const initial = document.getElementById("policy-pinned");
  current = initial ? JSON.parse(initial.textContent) : null;
  if (current) slot.dataset.policyId = String(current.id);

  link.addEventListener("click", function (event) {
    if (!current) return;
    event.preventDefault();
    open();
  });
  sheet.addEventListener("click", function (event) {
    if (event.target.closest("[data-sheet-close]")) close();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });

  let hellos = 0;
  document.addEventListener("room:event", function (event) {
    const detail = event.detail || {};
    if (detail.kind === "hello") {
      hellos += 1;
      if (hellos > 1) resync();
    } else if (detail.kind === "policy_pin") {
      show((detail.data || {}).policy || null);
    }
  });
})();
