/* Room pages: the viewer's player (WHEP) and the anchor's console (WHIP).
 *
 * Room events (state, pin, viewers, …) arrive over the room's WebSocket, which chat.js owns;
 * it re-dispatches each event on `document` as a `room:event` CustomEvent whose detail is
 * `{kind, data}`. This file only reacts to them.
 */
(function () {
  "use strict";

  const RETRY_MS = 2000;

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

  function showState(root, state) {
    root.dataset.state = state;
    const badge = document.getElementById("room-state");
    if (badge) {
      badge.className = "state-badge " + state;
      badge.textContent = badge.dataset["label" + state[0].toUpperCase() + state.slice(1)] || state;
    }
  }

  function showViewers(count) {
    const node = document.querySelector("#room-viewers .n");
    if (node && typeof count === "number") node.textContent = String(count);
  }

  /* --- the viewer's page ------------------------------------------------------------------ */

  function fillCard(card, job) {
    card.dataset.jobId = job.id;
    const set = function (field, apply) {
      const node = card.querySelector('[data-field="' + field + '"]');
      if (node) apply(node);
    };
    set("title", function (n) { n.textContent = job.title; n.href = job.url; });
    set("wage", function (n) { n.textContent = job.wage; });
    set("place", function (n) {
      n.firstChild.textContent = job.place + " · ";
    });
    set("organisation", function (n) { n.textContent = job.organisation; });
    set("tags", function (n) {
      n.replaceChildren.apply(n, job.tags.map(function (tag) {
        const li = document.createElement("li");
        li.className = "tag";
        li.textContent = tag;
        return li;
      }));
    });
    set("apply", function (n) {
      n.href = job.apply_url;
      n.dataset.applyJob = job.id;
    });
    const listen = card.querySelector(".listen-btn");
    if (listen) {
      listen.dataset.listenText = job.listen_text || "";
      listen.dataset.listenAudio = job.listen_url || "";
      listen.setAttribute("aria-label", listen.dataset.labelFor.replace("{title}", job.title));
      document.dispatchEvent(new CustomEvent("listen:added", { detail: listen }));
    }
  }

  function showPin(job) {
    const slot = document.getElementById("pin-slot");
    const body = document.getElementById("pin-body");
    const template = document.getElementById("pin-card-tpl");
    if (!slot || !body) return;
    if (!job) {
      slot.classList.remove("shown");
      return;
    }
    const card = template.content.firstElementChild.cloneNode(true);
    fillCard(card, job);
    const wasShown = slot.classList.contains("shown");
    body.replaceChildren(card);
    if (wasShown) {
      // A new job replaces the old one: slide down and up again so the change is seen.
      slot.classList.remove("shown");
      void slot.offsetWidth;
    }
    slot.classList.add("shown");
    document.dispatchEvent(new CustomEvent("room:pinned", { detail: job }));
  }

  function viewerPage(root) {
    const config = readJSON("player-config");
    const video = document.getElementById("player");
    const unmute = document.getElementById("unmute");
    let session = null;
    let starting = false;
    let retryTimer = null;

    function unmuteIfAllowed() {
      video.muted = false;
      const played = video.play();
      if (played && played.catch) {
        played.then(function () { unmute.hidden = true; }).catch(function (error) {
          if (error.name !== "NotAllowedError") return;
          // Sound needs a tap first (autoplay policy): play muted and offer the button.
          video.muted = true;
          video.play().catch(function () {});
          unmute.hidden = false;
        });
      }
    }

    unmute.addEventListener("click", function () {
      video.muted = false;
      video.play().catch(function () {});
      unmute.hidden = true;
    });

    function retryLater() {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(start, RETRY_MS);
    }

    async function start() {
      if (session || starting || root.dataset.state !== "live" || !window.DaigangWHEP) return;
      starting = true;
      root.dataset.playing = "no";
      try {
        session = await window.DaigangWHEP.play({
          url: config.whep_url,
          video: video,
          iceServers: config.ice_servers,
        });
        session.pc.addEventListener("connectionstatechange", function () {
          const s = session && session.pc.connectionState;
          if (s === "connected") root.dataset.playing = "yes";
          if (s === "failed" || s === "closed") {
            stop();
            retryLater();
          }
        });
        video.addEventListener("playing", function () { root.dataset.playing = "yes"; },
          { once: true });
        unmuteIfAllowed();
      } catch (error) {
        // Not publishing yet (the anchor is still connecting) or a passing fault: try again.
        console.warn("WHEP:", error.status || "", error.message || error);
        retryLater();
      } finally {
        starting = false;
      }
    }

    function stop(release) {
      clearTimeout(retryTimer);
      if (session) {
        session.stop(release);
        session = null;
      }
      root.dataset.playing = "no";
    }

    let hellos = 0;

    // After a dropped socket, events sent meanwhile are lost: read the pin again.
    function resync() {
      fetch("/api/v1/rooms/" + encodeURIComponent(root.dataset.roomId), {
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (room) {
          if (!room) return;
          const body = document.getElementById("pin-body");
          const shown = document.getElementById("pin-slot").classList.contains("shown");
          const card = body && body.firstElementChild;
          const current = shown && card ? Number(card.dataset.jobId) : null;
          const wanted = room.pinned_job ? room.pinned_job.id : null;
          if (current !== wanted) showPin(room.pinned_job);
        })
        .catch(function () {});
    }

    onRoomEvent(function (kind, data) {
      if (kind === "hello") {
        // (Re)connected: the state may have changed while the socket was away.
        hellos += 1;
        if (hellos > 1) resync();
        showViewers(data.viewers);
        if (data.state && data.state !== root.dataset.state) kind = "state";
      }
      if (kind === "state" && data.state) {
        showState(root, data.state);
        if (data.state === "live") start();
        else stop(data.state !== "ended");
        if (data.state === "ended") {
          video.srcObject = null;
          unmute.hidden = true;
        }
      } else if (kind === "taken_down") {
        // A moderator ended and blocked the room (daigang.safety): it leaves the screen.
        stop(false);
        video.srcObject = null;
        const notice = document.getElementById("room-taken-down");
        Array.prototype.forEach.call(root.children, function (child) {
          if (child !== notice) child.hidden = true;
        });
        if (notice) {
          notice.querySelector("[data-taken-down-message]").textContent = data.message || "";
          notice.hidden = false;
        }
      } else if (kind === "pin") {
        showPin(data.job || null);
      } else if (kind === "viewers") {
        showViewers(data.count);
      }
    });

    // For debugging in the console and for the browser tests (getStats on the player).
    window.daigangLive = { player: function () { return session; } };
    showState(root, root.dataset.state);
    start();
  }

  /* --- the anchor's console --------------------------------------------------------------- */

  function consolePage(root) {
    const config = readJSON("publisher-config");
    const preview = document.getElementById("preview");
    const goLive = document.getElementById("go-live");
    const endLive = document.getElementById("end-live");
    const status = document.getElementById("publish-status");
    const keyNode = document.getElementById("stream-key");
    let stream = null;
    let session = null;

    function say(text) { status.textContent = text; }

    async function camera() {
      if (stream) return stream;
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      preview.srcObject = stream;
      return stream;
    }

    camera().catch(function (error) {
      say(goLive.dataset.noCamera + " (" + error.name + ")");
    });

    goLive.addEventListener("click", async function () {
      goLive.disabled = true;
      say(goLive.dataset.connecting);
      try {
        session = await window.DaigangWHIP.publish({
          url: config.whip_url,
          token: keyNode.textContent.trim(),
          stream: await camera(),
          iceServers: config.ice_servers,
        });
        goLive.hidden = true;
        endLive.hidden = false;
        say(goLive.dataset.live);
        showState(root, "live");
      } catch (error) {
        goLive.disabled = false;
        say(goLive.dataset.failed + " " + (error.message || error.name || ""));
      }
    });

    endLive.addEventListener("click", async function () {
      endLive.disabled = true;
      try {
        if (session) await session.stop();
      } finally {
        session = null;
        endLive.hidden = true;
        say(endLive.dataset.ended);
        showState(root, "ended");
        if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      }
    });

    window.daigangLive = { publisher: function () { return session; } };
    onRoomEvent(function (kind, data) {
      if ((kind === "state" || kind === "hello") && data.state) showState(root, data.state);
      if (kind === "hello") showViewers(data.viewers);
      else if (kind === "viewers") showViewers(data.count);
    });
  }

  function init() {
    const room = document.getElementById("live-room");
    if (room) viewerPage(room);
    const console_ = document.getElementById("live-console");
    if (console_) consolePage(console_);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
