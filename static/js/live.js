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
    // HLS (the room's WebRTC seats are taken): hls.js, or the browser's own HLS on iPhones.
    let hls = null;
    let hlsOn = false;
    let hlsTimer = null;

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
      if (hlsOn) return;
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
        if (error.status === 503 && config.hls_url) {
          // The room's WebRTC seats are taken (WHEP 503): the same picture over HLS.
          hlsStart();
          return;
        }
        // Not publishing yet (the anchor is still connecting) or a passing fault: try again.
        console.warn("WHEP:", error.status || "", error.message || error);
        retryLater();
      } finally {
        starting = false;
      }
    }

    function scriptLoad(src) {
      return new Promise(function (resolve, reject) {
        if (window.Hls) return resolve();
        const script = document.createElement("script");
        script.src = src;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }

    async function hlsStart() {
      if (hlsOn || root.dataset.state !== "live") return;
      hlsOn = true;
      root.dataset.transport = "hls";
      root.dataset.playing = "no";
      // The relay starts a room's HLS when its playlist is first asked for: the first
      // segment is there a few seconds later.
      for (;;) {
        let ready = false;
        try {
          ready = (await fetch(config.hls_url, { cache: "no-store" })).ok;
        } catch (error) { /* a passing fault: ask again */ }
        if (!hlsOn) return;
        if (ready) break;
        await new Promise(function (resolve) { hlsTimer = setTimeout(resolve, RETRY_MS); });
        if (!hlsOn) return;
      }
      video.srcObject = null;
      video.addEventListener("playing", function () { root.dataset.playing = "yes"; },
        { once: true });
      // The browser's own HLS where there is no MediaSource for hls.js (iPhones); hls.js
      // elsewhere, also where the browser claims HLS too (recent Chromium), for one behaviour.
      if (!window.MediaSource && video.canPlayType("application/vnd.apple.mpegurl")) {
        root.dataset.hlsPlayer = "native";
        video.src = config.hls_url;
      } else {
        try {
          await scriptLoad(config.hls_js);
        } catch (error) {
          console.warn("HLS: hls.js did not load", error);
        }
        if (!hlsOn) return;
        if (!window.Hls || !window.Hls.isSupported()) {
          hlsStop();
          return;
        }
        root.dataset.hlsPlayer = "hls.js";
        // No worker: the page's CSP allows no blob: script, and one 480p stream is light.
        hls = new window.Hls({ enableWorker: false, liveSyncDurationCount: 2 });
        hls.on(window.Hls.Events.ERROR, function (event, data) {
          if (!data.fatal) return;
          console.warn("HLS:", data.type, data.details);
          hlsStop();
          hlsTimer = setTimeout(hlsStart, RETRY_MS);
        });
        hls.loadSource(config.hls_url);
        hls.attachMedia(video);
      }
      unmuteIfAllowed();
    }

    function hlsStop() {
      clearTimeout(hlsTimer);
      if (!hlsOn) return;
      hlsOn = false;
      if (hls) {
        hls.destroy();
        hls = null;
      }
      video.removeAttribute("src");
      delete root.dataset.transport;
      delete root.dataset.hlsPlayer;
      root.dataset.playing = "no";
    }

    function stop(release) {
      clearTimeout(retryTimer);
      hlsStop();
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
        // Interrupted: keep the connection and the last picture; the anchor's return is on
        // this same connection (the relay keeps its viewers for a while).
        else if (data.state !== "interrupted") stop(data.state !== "ended");
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

  // Connected, but the server has not put the room live (no media reached it) by then: say so.
  const MEDIA_TIMEOUT_MS = 20000;
  const POLL_MS = 1500;
  // The room still has a publisher (409): try again this often, for at most this long.
  const BUSY_RETRY_MS = 3000;
  const BUSY_WAIT_MS = 45000;

  function consolePage(root) {
    const config = readJSON("publisher-config");
    const preview = document.getElementById("preview");
    const goLive = document.getElementById("go-live");
    const endLive = document.getElementById("end-live");
    const status = document.getElementById("publish-status");
    const problem = document.getElementById("publish-error");
    const statsNode = document.getElementById("publish-stats");
    const keyNode = document.getElementById("stream-key");
    const dialog = document.getElementById("end-dialog");
    const endForm = document.getElementById("end-form");
    let stream = null;
    let session = null;
    let waitTimer = null;
    let pollTimer = null;
    let statsTimer = null;

    function say(key) { status.textContent = status.dataset[key] || ""; }

    function step(name, value) {
      const node = root.querySelector('[data-step="' + name + '"]');
      if (node) node.dataset.status = value || "";
    }

    function phase(value) { root.dataset.phase = value; }

    function problemShow(text) {
      problem.textContent = text;
      problem.hidden = false;
    }

    function problemClear() {
      problem.hidden = true;
      problem.textContent = "";
    }

    // Something stopped the way on air: say why, and offer to try again.
    function fail(text, label) {
      phase("failed");
      status.textContent = "";
      problemShow(text);
      goLive.textContent = goLive.dataset[label || "labelRetry"];
      goLive.hidden = false;
      goLive.disabled = root.dataset.state === "ended";
    }

    function cameraProblem(error) {
      const name = (error && error.name) || "";
      if (name === "NotAllowedError" || name === "SecurityError") return problem.dataset.cameraDenied;
      if (name === "NotFoundError" || name === "OverconstrainedError") {
        return problem.dataset.cameraMissing;
      }
      if (name === "NotReadableError" || name === "AbortError") return problem.dataset.cameraBusy;
      return problem.dataset.cameraOther + " " + (name || String(error));
    }

    async function camera(quiet) {
      if (stream && stream.getTracks().every(function (t) { return t.readyState === "live"; })) {
        return stream;
      }
      step("camera", "active");
      if (!quiet) say("camera");
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      preview.srcObject = stream;
      step("camera", "done");
      return stream;
    }

    // The camera and microphone are given back: the browser's recording light goes off.
    function cameraRelease() {
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      preview.srcObject = null;
    }

    function timersStop() {
      clearTimeout(waitTimer);
      clearInterval(pollTimer);
      clearInterval(statsTimer);
      waitTimer = pollTimer = statsTimer = null;
      statsNode.hidden = true;
    }

    async function sessionDrop() {
      timersStop();
      const old = session;
      session = null;
      if (old) {
        try { await old.stop(); } catch (error) { /* the server forgot it already */ }
      }
    }

    // What the browser sends, once a second: the anchor sees the picture is really going out.
    function statsStart() {
      let last = null;
      clearInterval(statsTimer);
      statsTimer = setInterval(async function () {
        if (!session) return;
        let bytes = 0;
        let fps = 0;
        (await session.pc.getStats()).forEach(function (report) {
          if (report.type !== "outbound-rtp") return;
          bytes += report.bytesSent || 0;
          if (report.kind === "video") fps = report.framesPerSecond || fps;
        });
        const now = performance.now();
        if (last) {
          const kbps = Math.round(((bytes - last.bytes) * 8) / (now - last.at));
          root.dataset.sentKbps = String(kbps);
          root.dataset.sentFps = String(Math.round(fps));
          statsNode.textContent = statsNode.dataset.template
            .replace("{kbps}", String(kbps)).replace("{fps}", String(Math.round(fps)));
          statsNode.hidden = false;
        }
        last = { bytes: bytes, at: now };
      }, 1000);
    }

    // On air: our connection is up AND the server says the room is live (it has our media).
    function onAirCheck() {
      if (!session || root.dataset.phase !== "connecting") return;
      if (session.pc.connectionState !== "connected" || root.dataset.state !== "live") return;
      clearTimeout(waitTimer);
      clearInterval(pollTimer);
      phase("live");
      step("connect", "done");
      step("air", "done");
      problemClear();
      say("live");
      goLive.hidden = true;
      endLive.hidden = false;
      statsStart();
    }

    function poll() {
      fetch("/api/v1/rooms/" + encodeURIComponent(root.dataset.roomId), {
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (room) { if (room) stateChange(room.state); })
        .catch(function () {});
    }

    function watch(current) {
      const pc = current.pc;
      pc.addEventListener("connectionstatechange", function () {
        if (session !== current) return;
        const s = pc.connectionState;
        if (s === "connected") {
          step("connect", "done");
          step("air", "active");
          say("waitingMedia");
          onAirCheck();
        } else if (s === "failed") {
          const wasLive = root.dataset.phase === "live";
          sessionDrop();
          if (wasLive) {
            fail(problem.dataset.dropped, "labelResume");
          } else {
            step("connect", "failed");
            fail(problem.dataset.noIce);
          }
        }
      });
    }

    async function start() {
      if (root.dataset.phase === "connecting" || root.dataset.state === "ended") return;
      problemClear();
      goLive.disabled = true;
      step("connect", "");
      step("air", "");
      try {
        await camera();
      } catch (error) {
        step("camera", "failed");
        fail(cameraProblem(error));
        return;
      }
      await sessionDrop();
      phase("connecting");
      step("connect", "active");
      say("connecting");
      let current;
      // 409 while the room is not ended: the relay still holds a publisher, often this page's
      // own from before a crash or a reload whose goodbye was lost; the relay notices it gone
      // within about half a minute. Wait for that rather than give up at once.
      const busyUntil = performance.now() + BUSY_WAIT_MS;
      for (;;) {
        try {
          current = await window.DaigangWHIP.publish({
            url: config.whip_url,
            token: keyNode.textContent.trim(),
            stream: stream,
            iceServers: config.ice_servers,
          });
          break;
        } catch (error) {
          const busy = error.status === 409 && root.dataset.state !== "ended";
          if (busy && performance.now() < busyUntil) {
            say("busy");
            await new Promise(function (resolve) { setTimeout(resolve, BUSY_RETRY_MS); });
            continue;
          }
          step("connect", "failed");
          fail(error.status
            ? problem.dataset.serverRefused + " " + (error.body || error.message)
            : problem.dataset.network);
          return;
        }
      }
      session = current;
      watch(current);
      waitTimer = setTimeout(function () {
        if (session !== current || root.dataset.phase !== "connecting") return;
        const connected = current.pc.connectionState === "connected";
        step(connected ? "air" : "connect", "failed");
        sessionDrop();
        fail(connected ? problem.dataset.noMedia : problem.dataset.noIce);
      }, MEDIA_TIMEOUT_MS);
      // The room's socket says when the room goes live; asking too covers a socket that is
      // reconnecting just then.
      pollTimer = setInterval(poll, POLL_MS);
    }

    function ended() {
      phase("ended");
      sessionDrop();
      cameraRelease();
      ["camera", "connect", "air"].forEach(function (name) { step(name, ""); });
      goLive.hidden = true;
      goLive.disabled = true;
      endLive.hidden = true;
      problemClear();
      say("ended");
      if (dialog.open) dialog.close();
      // Nothing to pin in a room that is over (the server refuses it too).
      root.querySelectorAll("#console-jobs button").forEach(function (b) { b.disabled = true; });
    }

    function stateChange(state) {
      if (!state) return;
      const before = root.dataset.state;
      showState(root, state);
      if (state === "ended") {
        if (root.dataset.phase !== "ended") ended();
        return;
      }
      if (state === "live") {
        endLive.hidden = false;
        onAirCheck();
      } else if (state === "interrupted") {
        endLive.hidden = false;
        // Our own session is still connecting (the old one's drop being told): wait for it.
        if (root.dataset.phase === "connecting") return;
        if (before !== "interrupted" || root.dataset.phase === "live") {
          if (root.dataset.phase === "live") sessionDrop();
          phase("idle");
          step("air", "");
          goLive.textContent = goLive.dataset.labelResume;
          goLive.hidden = false;
          goLive.disabled = false;
          say("interrupted");
        }
      }
    }

    goLive.addEventListener("click", start);

    endLive.addEventListener("click", function () { dialog.showModal(); });
    document.getElementById("end-cancel").addEventListener("click", function () { dialog.close(); });
    endForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      const confirm = document.getElementById("end-confirm");
      confirm.disabled = true;
      try {
        const response = await fetch(endForm.action, {
          method: "POST",
          body: new FormData(endForm),
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!response.ok) throw new Error(String(response.status));
        const room = await response.json();
        dialog.close();
        stateChange(room.state);
      } catch (error) {
        dialog.close();
        problemShow(problem.dataset.endFailed + " " + (error.message || ""));
      } finally {
        confirm.disabled = false;
      }
    });

    // Leaving or reloading the page: end our session now (DELETE, kept alive past the page),
    // so viewers see the room interrupted at once, not after the connection times out.
    window.addEventListener("pagehide", function () {
      if (session) session.stop();
    });

    // New applicants from the room: the panel (htmx, hiring's) is asked for again once for a
    // burst of them, a moment after the first, so a pinned job's rush is one request a second.
    let applicantsTimer = null;
    function applicantsRefresh() {
      if (applicantsTimer || !document.getElementById("console-applicants")) return;
      applicantsTimer = setTimeout(function () {
        applicantsTimer = null;
        document.body.dispatchEvent(new CustomEvent("room-applicants"));
      }, 800);
    }

    let hellos = 0;
    window.daigangLive = { publisher: function () { return session; } };
    onRoomEvent(function (kind, data) {
      if ((kind === "state" || kind === "hello") && data.state) stateChange(data.state);
      if (kind === "hello") {
        showViewers(data.viewers);
        hellos += 1;
        if (hellos > 1) applicantsRefresh(); // events sent while the socket was away are lost
      } else if (kind === "viewers") showViewers(data.count);
      else if (kind === "applicants") applicantsRefresh();
    });

    showState(root, root.dataset.state);
    if (root.dataset.state === "ended") {
      ended();
    } else {
      // An interrupted room keeps saying so (and offering to resume) while the camera opens.
      const interrupted = root.dataset.state === "interrupted";
      camera(interrupted).then(function () {
        if (root.dataset.phase === "idle" && !interrupted) say("cameraReady");
      }).catch(function (error) {
        step("camera", "failed");
        fail(cameraProblem(error));
      });
    }
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
