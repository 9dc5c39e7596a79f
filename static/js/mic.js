/* Mic link (连麦) on the room page and in the console.
 *
 * Viewer: 申请连麦 raises a hand (or typing 连麦 in chat); when the anchor accepts, the room's
 * socket brings `mic_you` {state: "accepted"} to this viewer alone and the consent dialog says
 * who will hear them (every viewer of the room). 上麦 opens the microphone (echo cancellation
 * on: the guest hears the anchor through the room's player), tells the server, and publishes
 * the voice with WHIP to the room's guest endpoint, authorised by the login session. When the
 * turn ends (the anchor, the time limit, 结束连麦) `mic_you` says so and the microphone is
 * given back.
 *
 * Console: the queue is an htmx partial redrawn on every `mic` event; this file only fires
 * `room-mic` on <body> and counts down each guest's time left.
 *
 * Events come from chat.js as `room:event` on document ({kind, data}).
 */
(function () {
  "use strict";

  const RETRY_MS = 3000;
  const OPEN = ["raised", "accepted", "on_air"];

  function readJSON(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function onRoomEvent(handler) {
    document.addEventListener("room:event", function (event) {
      const detail = event.detail || {};
      handler(detail.kind, detail.data || {});
    });
  }

  function csrfToken() {
    // base.html puts the token in <body hx-headers>; a form's hidden field is the fallback.
    const holder = document.querySelector("[hx-headers]");
    if (holder) {
      try {
        const token = JSON.parse(holder.getAttribute("hx-headers"))["X-CSRFToken"];
        if (token) return token;
      } catch (_) { /* not JSON */ }
    }
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      body: body,
    });
    let answer = {};
    try { answer = await response.json(); } catch (_) { /* no JSON */ }
    if (!response.ok) {
      const error = new Error(answer.message || String(response.status));
      error.status = response.status;
      throw error;
    }
    return answer;
  }

  function minutesSeconds(ms) {
    const total = Math.max(0, Math.round(ms / 1000));
    return Math.floor(total / 60) + ":" + String(total % 60).padStart(2, "0");
  }

  function showOnAir(summary) {
    const line = document.getElementById("mic-on-air");
    if (!line || !summary) return;
    const names = (summary.on_air || []).map(function (guest) { return guest.name; });
    line.querySelector("[data-mic-names]").textContent = names.join("、");
    line.hidden = names.length === 0;
  }

  /* --- the viewer ------------------------------------------------------------------------ */

  function viewerMic(section) {
    const config = readJSON("mic-config");
    const dialog = document.getElementById("mic-consent");
    const problem = document.getElementById("mic-problem");
    const note = document.getElementById("mic-note");
    const left = section.querySelector("[data-mic-left]");
    let me = config.me;
    let stream = null;
    let session = null;
    let starting = false;
    let consenting = false;
    let retryTimer = null;
    let tick = null;

    function say(text) {
      if (!problem) return;
      problem.textContent = text || "";
      problem.hidden = !text;
    }

    function state() { return me && OPEN.indexOf(me.state) >= 0 ? me.state : ""; }

    function microphoneRelease() {
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }

    async function microphone() {
      if (stream && stream.getTracks().every(function (t) { return t.readyState === "live"; })) {
        return stream;
      }
      // The guest hears the anchor (and the room) through the player: cancel that echo.
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
        video: false,
      });
      return stream;
    }

    // The server ends the guest's media itself when the turn ends (whoever ended it), so no
    // DELETE is sent then; leaving the page sends one (pagehide below).
    function publishStop() {
      clearTimeout(retryTimer);
      const old = session;
      session = null;
      if (old) old.stop(false).catch(function () {});
      microphoneRelease();
      section.dataset.publishing = "no";
    }

    async function publishStart() {
      if (session || starting || state() !== "on_air" || !window.DaigangWHIP) return;
      starting = true;
      try {
        const current = await window.DaigangWHIP.publish({
          url: config.guest_url,
          stream: await microphone(),
          iceServers: config.ice_servers,
          headers: { "X-CSRFToken": csrfToken() },
        });
        if (state() !== "on_air") {
          current.stop();
          return;
        }
        session = current;
        say("");
        current.pc.addEventListener("connectionstatechange", function () {
          const s = current.pc.connectionState;
          if (session !== current) return;
          if (s === "connected") section.dataset.publishing = "yes";
          if (s === "failed" || s === "closed") {
            session = null;
            section.dataset.publishing = "no";
            retryTimer = setTimeout(publishStart, RETRY_MS);
          }
        });
      } catch (error) {
        if (error && (error.name === "NotAllowedError" || error.name === "SecurityError")) {
          say(section.dataset.textMicDenied);
        } else {
          // The anchor's stream is reconnecting (409) or a passing fault: try again.
          say(section.dataset.textConnectFailed);
          retryTimer = setTimeout(publishStart, RETRY_MS);
        }
      } finally {
        starting = false;
      }
    }

    function countdown() {
      clearInterval(tick);
      tick = null;
      if (state() !== "on_air" || !me.ends_at || !left) {
        if (left) left.textContent = "";
        return;
      }
      const ends = Date.parse(me.ends_at);
      const show = function () {
        left.textContent = (left.dataset.label || "") + " " + minutesSeconds(ends - Date.now());
      };
      show();
      tick = setInterval(show, 1000);
    }

    function render() {
      const current = state();
      section.dataset.micState = current === "accepted" ? "raised" : current;
      if (current === "accepted" && !dialog.open) {
        dialog.querySelector("[data-mic-minutes]").textContent =
          String(Math.round(me.turn_seconds / 60));
        dialog.showModal();
      } else if (current !== "accepted" && dialog.open && !consenting) {
        dialog.close();
      }
      if (note) note.textContent = current === "on_air" && me.muted ? section.dataset.textMuted : "";
      if (current === "on_air") publishStart();
      else publishStop();
      countdown();
    }

    function update(data) {
      me = data;
      render();
    }

    function act(url, event, body) {
      if (event) event.preventDefault();
      say("");
      return post(url, body).then(function (body) { update(body.mic); }).catch(function (error) {
        say(error.message || section.dataset.textError);
      });
    }

    const raiseForm = document.getElementById("mic-raise-form");
    if (raiseForm) {
      raiseForm.addEventListener("submit", function (event) {
        // The job on screen now is the one the viewer most likely asks about.
        const body = new FormData();
        const slot = document.getElementById("pin-slot");
        const card = slot && slot.classList.contains("shown") &&
          document.querySelector("#pin-body [data-job-id]");
        if (card) body.append("job", card.dataset.jobId);
        act(config.raise_url, event, body);
      });
      document.getElementById("mic-cancel-form").addEventListener("submit", function (event) {
        act(config.cancel_url, event);
      });
      document.getElementById("mic-leave").addEventListener("click", function () {
        act(config.cancel_url);
      });
    }

    document.getElementById("mic-consent-no").addEventListener("click", function () {
      dialog.close();
      act(config.cancel_url);
    });
    document.getElementById("mic-consent-yes").addEventListener("click", async function () {
      consenting = true;
      say("");
      try {
        await microphone(); // asked before going on air: a refusal leaves the request as it is
        const body = await post(config.consent_url);
        consenting = false;
        dialog.close();
        update(body.mic);
      } catch (error) {
        consenting = false;
        dialog.close();
        microphoneRelease();
        if (error && (error.name === "NotAllowedError" || error.name === "NotFoundError")) {
          say(section.dataset.textMicDenied);
        } else {
          say(error.message || section.dataset.textError);
        }
        // Still accepted: offer the dialog again on the next tap of the waiting line.
      }
    });
    // Esc closes the dialog without an answer: ask again a moment later.
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); });

    onRoomEvent(function (kind, data) {
      if (kind === "mic_you") update(data);
      else if (kind === "mic") showOnAir(data);
      else if (kind === "state" && data.state) {
        const raise = document.getElementById("mic-raise");
        if (raise) raise.disabled = data.state !== "live";
      }
    });
    window.addEventListener("pagehide", function () { if (session) session.stop(); });
    window.daigangMic = {
      me: function () { return me; },
      publisher: function () { return session; },
      microphone: function () { return stream; },
    };
    showOnAir(config.room);
    render();
  }

  /* --- the console ----------------------------------------------------------------------- */

  function consoleMic() {
    onRoomEvent(function (kind) {
      // The queue panel (htmx) redraws itself; after a reconnect, events may have been missed.
      if (kind === "mic" || kind === "hello") {
        document.body.dispatchEvent(new CustomEvent("room-mic"));
      }
    });
    setInterval(function () {
      document.querySelectorAll("#console-mic [data-mic-ends]").forEach(function (node) {
        node.textContent = (node.dataset.label || "") + " " +
          minutesSeconds(Date.parse(node.dataset.micEnds) - Date.now());
      });
    }, 1000);
  }

  function init() {
    const section = document.getElementById("mic");
    if (section && document.getElementById("mic-config")) viewerMic(section);
    if (document.getElementById("live-console")) consoleMic();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
