/* Chat moderation in the browser: per-message actions, undo, settings (daigang.live.moderation).
 *
 * DOM contract — include after chat.js (defer) on a page whose chat box (live/_chat_box.html)
 * has `data-chat-moderate` and the translated labels data-label-delete, data-label-mute-short,
 * data-label-mute-hour, data-label-mute-session, data-label-ban, data-text-failed, data-text-done:
 *
 * - each viewer's line (li.chat-line.role-viewer) gets buttons [data-moderate=delete|mute|ban]
 *   (mute with data-duration=10m|1h|session);
 * - buttons [data-lift=mutes|bans][data-user-id] lift a mute or a ban;
 * - a form [data-chat-settings] with slow_seconds and blocked_words (one per line) saves both;
 * - [data-moderate-status] shows what happened.
 *
 * Every action is a POST to /api/v1/rooms/<id>/… with the session cookie and X-CSRFToken;
 * afterwards (and when another moderator's `moderation` event arrives on the room's socket)
 * `moderation-changed` is triggered on <body>, which htmx answers by reloading the lists.
 */
(function () {
  "use strict";

  const STATUS_MS = 4000;

  function csrfToken() {
    // base.html puts the token in <body hx-headers>; the csrftoken cookie is the fallback.
    try {
      const token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
      if (token) return token;
    } catch (err) { /* fall through */ }
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function Moderation(root) {
    this.root = root;
    this.roomId = root.dataset.roomId;
    this.list = root.querySelector("[data-chat-list]");
    this.status = document.querySelector("[data-moderate-status]");
    this.statusTimer = null;
    this.refreshTimer = null;
    const self = this;
    if (this.list) {
      Array.prototype.forEach.call(this.list.children, this.decorate, this);
      new MutationObserver(function (changes) {
        changes.forEach(function (change) {
          Array.prototype.forEach.call(change.addedNodes, self.decorate, self);
        });
      }).observe(this.list, { childList: true });
    }
    document.addEventListener("click", this.onClick.bind(this));
    document.addEventListener("submit", this.onSubmit.bind(this));
    document.addEventListener("room:event", function (event) {
      if (event.detail && event.detail.kind === "moderation") self.refresh();
    });
  }

  Moderation.prototype.decorate = function (line) {
    if (!line.classList || !line.classList.contains("role-viewer")) return;
    if (line.querySelector(".chat-actions")) return;
    const actions = document.createElement("span");
    actions.className = "chat-actions";
    const labels = this.root.dataset;
    [
      ["delete", null, labels.labelDelete],
      ["mute", "10m", labels.labelMuteShort],
      ["mute", "1h", labels.labelMuteHour],
      ["mute", "session", labels.labelMuteSession],
      ["ban", null, labels.labelBan],
    ].forEach(function (action) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "chat-action";
      button.dataset.moderate = action[0];
      if (action[1]) button.dataset.duration = action[1];
      button.textContent = action[2] || action[0];
      actions.appendChild(button);
    });
    line.appendChild(actions);
  };

  Moderation.prototype.post = function (path, body) {
    const self = this;
    return fetch("/api/v1/rooms/" + encodeURIComponent(this.roomId) + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.message || self.root.dataset.textFailed || "");
        self.show(self.root.dataset.textDone || "");
        self.refresh();
        return data;
      });
    }).catch(function (err) {
      self.show(err.message || self.root.dataset.textFailed || "");
    });
  };

  Moderation.prototype.onClick = function (event) {
    const button = event.target.closest("[data-moderate], [data-lift]");
    if (!button) return;
    if (button.dataset.lift) {
      this.post("/" + button.dataset.lift + "/" + encodeURIComponent(button.dataset.userId) + "/lift");
      return;
    }
    const line = button.closest("[data-id]");
    if (!line) return;
    const action = button.dataset.moderate;
    const body = action === "mute" ? { duration: button.dataset.duration } : {};
    this.post("/chat/" + encodeURIComponent(line.dataset.id) + "/" + action, body);
  };

  Moderation.prototype.onSubmit = function (event) {
    const form = event.target.closest("[data-chat-settings]");
    if (!form) return;
    event.preventDefault();
    const words = form.elements.blocked_words.value.split(/[\n,，]/)
      .map(function (word) { return word.trim(); })
      .filter(Boolean);
    this.post("/chat-settings", {
      slow_seconds: parseInt(form.elements.slow_seconds.value || "0", 10) || 0,
      blocked_words: words,
    });
  };

  Moderation.prototype.refresh = function () {
    // Several events in a row (a ban reaches every room) make one reload.
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(function () {
      if (window.htmx) window.htmx.trigger(document.body, "moderation-changed");
    }, 150);
  };

  Moderation.prototype.show = function (text) {
    if (!this.status) return;
    const status = this.status;
    status.textContent = text;
    status.hidden = !text;
    window.clearTimeout(this.statusTimer);
    this.statusTimer = window.setTimeout(function () { status.hidden = true; }, STATUS_MS);
  };

  function start() {
    document.querySelectorAll("[data-room-chat][data-chat-moderate]").forEach(function (root) {
      if (!root.moderation) root.moderation = new Moderation(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
