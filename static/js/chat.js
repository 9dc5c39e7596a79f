/* Room chat and the room's WebSocket (/ws/rooms/<id>/).
 *
 * DOM contract — include this script (defer) on a page that has:
 *
 *   <div data-room-chat data-room-id="42">
 *     <ol data-chat-list aria-live="polite"></ol>        messages are appended here
 *     <p data-chat-notice hidden></p>                    rate-limit, login and error notices
 *     <form data-chat-form>                              works with Enter or the button
 *       <input name="text" maxlength="200" autocomplete="off">
 *       <button type="submit">发送</button>
 *     </form>
 *   </div>
 *
 * Optional on the root: data-max-messages (how many lines to keep, default 200), and the
 * translated texts data-label-anchor (主播), data-label-moderator (审核员) and
 * data-text-too-long (消息最多 200 个字).
 * The root gets data-connection="connecting|open|closed"; the form is disabled while the
 * viewer may not send (not logged in, room ended) and its fieldset-less controls get
 * `disabled`. Each message is an <li class="chat-line role-<role>" data-id> holding
 * <span class="chat-role"> (anchor and moderator only), <span class="chat-name"> and
 * <span class="chat-text">. All text is set with textContent: messages are never parsed as HTML.
 *
 * The anchor's messages (role "anchor": the organisation's people) stay on screen longer: the
 * list drops viewers' lines first when it is full, and, when the box holds a
 * <p data-chat-anchor-note hidden> (the viewer's room page), the anchor's latest message also
 * stays there, above the scrolling list, for ANCHOR_NOTE_MS.
 *
 * A `chat_deleted` {id} event (a moderator deleted it) removes that line at once; `muted`,
 * `unmuted` and `banned` {message} (to this viewer alone) show their message in the notice.
 *
 * Every event that arrives (hello, history, chat, viewers, state, pin, error, …) is also
 * dispatched on `document` as a `room:event` CustomEvent with detail {kind, data}, so other
 * modules (live.js) share this one socket.
 *
 * Frames from the server are {"events": [...]}, one per tick. After a dropped connection the
 * client reconnects with ?after=<last message id seen> and gets only what it missed; a message
 * whose send was not confirmed is sent again with the same token (stored once server-side).
 */
(function () {
  "use strict";

  const MAX_TEXT = 200;
  const RETRY_MIN_MS = 1000;
  const RETRY_MAX_MS = 30000;
  const NOTICE_MS = 4000;
  const CLOSE_ROOM_NOT_FOUND = 4404;
  const ANCHOR_NOTE_MS = 60000;

  function token() {
    const bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function RoomChat(root) {
    this.root = root;
    this.roomId = root.dataset.roomId;
    this.list = root.querySelector("[data-chat-list]");
    // 举报 per message (daigang.safety): the report form's URL for message 1, made per id.
    this.reportUrl = root.dataset.reportUrl || "";
    this.notice = root.querySelector("[data-chat-notice]");
    this.anchorNote = root.querySelector("[data-chat-anchor-note]");
    this.anchorNoteTimer = null;
    this.form = root.querySelector("[data-chat-form]");
    this.input = this.form ? this.form.querySelector("[name=text]") : null;
    this.maxMessages = parseInt(root.dataset.maxMessages || "200", 10);
    // Labels come from the template (translated there); these are the zh-hans defaults.
    this.roleLabels = {
      anchor: root.dataset.labelAnchor || "主播",
      moderator: root.dataset.labelModerator || "审核员",
    };
    this.tooLongText = root.dataset.textTooLong || "消息最多 200 个字";
    this.lastId = null;
    this.seen = new Set();
    this.pending = null; // {token, text} sent but not yet seen back
    this.canSend = false;
    this.socket = null;
    this.retryMs = RETRY_MIN_MS;
    this.noticeTimer = null;
    this.stopped = false;
    if (this.form) this.form.addEventListener("submit", this.onSubmit.bind(this));
    this.setCanSend(false);
    this.connect();
  }

  RoomChat.prototype.url = function () {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    let url = scheme + "//" + window.location.host + "/ws/rooms/" + encodeURIComponent(this.roomId) + "/";
    if (this.lastId !== null) url += "?after=" + encodeURIComponent(this.lastId);
    return url;
  };

  RoomChat.prototype.connect = function () {
    const self = this;
    this.root.dataset.connection = "connecting";
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("open", function () {
      self.root.dataset.connection = "open";
      self.retryMs = RETRY_MIN_MS;
    });
    socket.addEventListener("message", function (message) {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch (err) {
        return;
      }
      (frame.events || []).forEach(function (event) { self.onEvent(event.kind, event.data || {}); });
    });
    socket.addEventListener("close", function (event) {
      self.root.dataset.connection = "closed";
      self.setCanSend(false);
      if (self.stopped || event.code === CLOSE_ROOM_NOT_FOUND) return;
      // Back off (with jitter) so thousands of viewers do not all come back at once.
      const wait = self.retryMs * (0.5 + Math.random());
      self.retryMs = Math.min(RETRY_MAX_MS, self.retryMs * 2);
      window.setTimeout(function () { self.connect(); }, wait);
    });
  };

  RoomChat.prototype.onEvent = function (kind, data) {
    if (kind === "hello") {
      this.setCanSend(Boolean(data.can_send));
      if (!data.can_send && data.notice) this.showNotice(data.notice, 0);
      if (data.can_send) this.signedIn();
    } else if (kind === "history") {
      (data.messages || []).forEach(this.addMessage, this);
      // Still unconfirmed after catching up: send again (same token, stored once).
      if (this.canSend && this.pending) this.sendPending();
    } else if (kind === "chat") {
      this.addMessage(data);
    } else if (kind === "chat_deleted") {
      this.removeMessage(data.id);
    } else if (kind === "muted" || kind === "banned" || kind === "unmuted") {
      this.showNotice(data.message || "", kind === "unmuted" ? null : 0);
    } else if (kind === "error") {
      this.onError(data);
    } else if (kind === "state" && data.state === "ended") {
      this.setCanSend(false);
    }
    document.dispatchEvent(new CustomEvent("room:event", { detail: { kind: kind, data: data } }));
  };

  RoomChat.prototype.addMessage = function (message) {
    if (!message || typeof message.id !== "number" || this.seen.has(message.id)) return;
    this.seen.add(message.id);
    if (this.lastId === null || message.id > this.lastId) this.lastId = message.id;
    if (this.pending && message.token && message.token === this.pending.token) {
      this.pending = null;
    }
    if (!this.list) return;
    const nearBottom =
      this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    const line = document.createElement("li");
    line.className = "chat-line role-" + (message.role || "viewer");
    line.dataset.id = String(message.id);
    const label = this.roleLabels[message.role];
    if (label) {
      const role = document.createElement("span");
      role.className = "chat-role";
      role.textContent = label;
      line.appendChild(role);
    }
    const name = document.createElement("span");
    name.className = "chat-name";
    name.textContent = String(message.name || "");
    const text = document.createElement("span");
    text.className = "chat-text";
    text.textContent = String(message.text || "");
    line.appendChild(name);
    line.appendChild(text);
    if (this.reportUrl) {
      const report = document.createElement("a");
      report.className = "chat-report";
      report.href = this.reportUrl.replace(/\/1\/$/, "/" + message.id + "/");
      report.textContent = this.root.dataset.labelReport || "";
      line.appendChild(report);
    }
    this.list.appendChild(line);
    while (this.list.children.length > this.maxMessages) {
      // Viewers' lines go first: the anchor's answers are what most viewers came to read.
      const first = this.list.querySelector(".chat-line:not(.role-anchor)") ||
        this.list.firstElementChild;
      this.seen.delete(Number(first.dataset.id));
      first.remove();
    }
    if (nearBottom) this.list.scrollTop = this.list.scrollHeight;
    if (message.role === "anchor") this.showAnchorNote(message, line);
  };

  RoomChat.prototype.showAnchorNote = function (message, line) {
    const note = this.anchorNote;
    if (!note) return;
    const age = message.at ? Date.now() - Date.parse(message.at) : 0;
    if (!(age < ANCHOR_NOTE_MS)) return; // history from long ago stays in the list only
    const copy = line.cloneNode(true);
    const report = copy.querySelector(".chat-report");
    if (report) report.remove();
    note.replaceChildren.apply(note, Array.from(copy.childNodes));
    note.dataset.id = String(message.id);
    note.hidden = false;
    window.clearTimeout(this.anchorNoteTimer);
    this.anchorNoteTimer = window.setTimeout(function () {
      note.hidden = true;
    }, ANCHOR_NOTE_MS - Math.max(0, age));
  };

  // Logged in since the page was served (the apply sheet's SMS code): show the form.
  RoomChat.prototype.signedIn = function () {
    const login = this.root.querySelector("[data-chat-login]");
    if (!login) return;
    login.remove();
    if (this.form) this.form.hidden = false;
    this.showNotice("", null);
  };

  /** Open the socket again (the session changed: it now speaks for the logged-in user). */
  RoomChat.prototype.reconnect = function () {
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) {
      this.retryMs = RETRY_MIN_MS;
      this.socket.close();
    }
  };

  RoomChat.prototype.removeMessage = function (id) {
    if (typeof id !== "number" || !this.list) return;
    const line = this.list.querySelector('[data-id="' + id + '"]');
    if (line) line.remove();
    if (this.anchorNote && this.anchorNote.dataset.id === String(id)) this.anchorNote.hidden = true;
  };

  RoomChat.prototype.onError = function (data) {
    if (data.code === "rate_limited" || data.code === "too_long" || data.code === "empty") {
      // Put the text back so the viewer can send it again.
      if (this.pending && this.input && !this.input.value) this.input.value = this.pending.text;
      this.pending = null;
    } else if (data.code === "login_required" || data.code === "room_ended") {
      this.pending = null;
      this.setCanSend(false);
    }
    this.showNotice(data.message || "", data.code === "rate_limited" ? data.retry_after_ms : null);
  };

  RoomChat.prototype.showNotice = function (text, forMs) {
    if (!this.notice) return;
    const notice = this.notice;
    notice.textContent = text;
    notice.hidden = !text;
    window.clearTimeout(this.noticeTimer);
    if (forMs !== 0) {
      this.noticeTimer = window.setTimeout(function () {
        notice.hidden = true;
      }, Math.max(NOTICE_MS, forMs || 0));
    }
  };

  RoomChat.prototype.setCanSend = function (canSend) {
    this.canSend = canSend;
    if (!this.form) return;
    Array.prototype.forEach.call(this.form.elements, function (el) { el.disabled = !canSend; });
  };

  RoomChat.prototype.sendPending = function () {
    if (!this.pending || !this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify({ kind: "chat", text: this.pending.text, token: this.pending.token }));
  };

  RoomChat.prototype.onSubmit = function (event) {
    event.preventDefault();
    if (!this.input || !this.canSend) return;
    const text = this.input.value.trim();
    if (!text) return;
    // Count characters as the server does (code points, not UTF-16 units).
    if (Array.from(text).length > MAX_TEXT) {
      this.showNotice(this.tooLongText, null);
      return;
    }
    this.pending = { token: token(), text: text };
    this.input.value = "";
    this.sendPending();
  };

  function start() {
    document.querySelectorAll("[data-room-chat]").forEach(function (root) {
      if (!root.roomChat) root.roomChat = new RoomChat(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
