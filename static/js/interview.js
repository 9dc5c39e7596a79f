/* The video interview (视频面试): every participant sees and hears every other (a WebRTC mesh).
 *
 * Each browser keeps one RTCPeerConnection per other participant. daigang only signals, over
 * the WebSocket /ws/interviews/<token>/ (daigang/interviews/consumers.py): who is here
 * (peer-joined / peer-left), SDP descriptions and ICE candidates addressed to one peer, and the
 * interviewer's controls (muted, removed, focus = 当前面试者, ended). Media goes browser to
 * browser.
 *
 * Negotiation follows the "perfect negotiation" pattern: both sides add their tracks and may
 * offer at once; on a collision the polite side (the higher participant id) yields. To make
 * collisions rare, the polite side waits for the first offer (see addPeer). Peers are
 * identified by participant id AND connection id, so a reloaded page is a new peer and stale
 * messages for the old one are dropped.
 *
 * Config comes from the page (json_script "interview-config"): ws_path, ice_servers, me, role,
 * focus, labels. Tests read window.daigangInterview.peers() for getStats.
 */
(() => {
  "use strict";
  const root = document.getElementById("interview-call");
  const configNode = document.getElementById("interview-config");
  if (!root || !configNode) return;
  const config = JSON.parse(configNode.textContent);
  const L = config.labels;
  const $ = (id) => document.getElementById(id);
  const FINAL_CLOSE_CODES = [4403, 4409, 4410];
  const FINAL_ERRORS = ["not_found", "removed", "cancelled", "ended", "early"];
  const FIRST_OFFER_WAIT_MS = 4000;

  const state = {
    socket: null,
    conn: null,
    local: null,
    mediaPromise: null,
    peers: new Map(), // participant id -> peer
    focus: config.focus,
    mutedByInterviewer: false,
    micOn: true,
    camOn: true,
    stopped: true,
    retry: 0,
  };

  // --- small DOM helpers ------------------------------------------------------------------------

  function show(node, visible) {
    if (node) node.hidden = !visible;
  }

  function notice(text) {
    const node = $("call-notice");
    node.textContent = text || "";
    show(node, Boolean(text));
  }

  function panelOf(id) {
    return document.querySelector(`.candidate-panel[data-participant="${id}"]`);
  }

  function tileOf(id) {
    return $("tiles").querySelector(`.tile[data-participant="${id}"]`);
  }

  function refreshWaiting() {
    show($("waiting"), state.peers.size === 0);
    // How many video tiles: the stylesheet sizes the grid so the tiles fill the screen.
    $("tiles").dataset.count = String(state.peers.size + 1);
  }

  // --- local camera and microphone ----------------------------------------------------------------

  function localMedia() {
    // One request for camera and microphone, shared by the preview and the join button.
    if (!state.mediaPromise) state.mediaPromise = openMedia();
    return state.mediaPromise;
  }

  async function openMedia() {
    if (!navigator.mediaDevices || !window.RTCPeerConnection) {
      $("media-status").textContent = L.no_webrtc;
      state.local = new MediaStream();
      return state.local;
    }
    const attempts = [
      { video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: true },
      { audio: true },
      { video: true },
    ];
    for (const constraints of attempts) {
      try {
        state.local = await navigator.mediaDevices.getUserMedia(constraints);
        break;
      } catch (error) {
        console.warn("getUserMedia", constraints, error);
      }
    }
    if (!state.local) {
      $("media-status").textContent = L.no_media;
      state.local = new MediaStream();
    }
    $("self-preview").srcObject = state.local;
    $("tile-self").querySelector("video").srcObject = state.local;
    applyLocalTracks();
    return state.local;
  }

  function applyLocalTracks() {
    if (!state.local) return;
    for (const track of state.local.getAudioTracks()) {
      track.enabled = state.micOn && !state.mutedByInterviewer;
    }
    for (const track of state.local.getVideoTracks()) track.enabled = state.camOn;
    const mic = $("toggle-mic");
    mic.textContent = state.micOn && !state.mutedByInterviewer ? mic.dataset.on : mic.dataset.off;
    mic.disabled = state.mutedByInterviewer;
    const cam = $("toggle-cam");
    cam.textContent = state.camOn ? cam.dataset.on : cam.dataset.off;
    $("tile-self").dataset.muted = state.micOn && !state.mutedByInterviewer ? "0" : "1";
  }

  // --- the signalling socket --------------------------------------------------------------------

  function send(frame) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify(frame));
    }
  }

  function connect() {
    state.stopped = false;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${config.ws_path}`);
    state.socket = socket;
    socket.onmessage = (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      handle(message);
    };
    socket.onclose = (event) => {
      if (state.socket !== socket) return;
      state.socket = null;
      if (state.stopped || FINAL_CLOSE_CODES.includes(event.code)) return;
      // A network blip: every peer connection is renegotiated after the new hello.
      notice(L.reconnecting);
      const delay = Math.min(10000, 500 * 2 ** state.retry);
      state.retry += 1;
      setTimeout(() => {
        if (!state.stopped && !state.socket) connect();
      }, delay);
    };
  }

  function handle({ kind, data }) {
    switch (kind) {
      case "hello":
        state.conn = data.you.conn;
        state.retry = 0;
        closeAllPeers();
        notice("");
        applyMute(Boolean(data.you.muted), false);
        setFocus(data.focus);
        for (const person of data.roster) markMuted(person.id, person.muted);
        break;
      case "peer-joined":
        addPeer(data);
        break;
      case "peer-left":
        dropPeer(data.id, data.conn);
        break;
      case "signal":
        onSignal(data);
        break;
      case "muted":
        if (data.participant === config.me) applyMute(Boolean(data.muted), true);
        markMuted(data.participant, Boolean(data.muted));
        break;
      case "focus":
        setFocus(data.participant);
        break;
      case "removed":
        if (data.participant === config.me) {
          finish(L.removed, false);
        } else {
          dropPeer(data.participant);
          const panel = panelOf(data.participant);
          if (panel) panel.classList.add("is-removed");
        }
        break;
      case "ended":
        finish(L.ended, false);
        break;
      case "replaced":
        finish(L.replaced, true);
        break;
      case "error":
        if (FINAL_ERRORS.includes(data.code)) finish(data.message, false);
        else notice(data.message);
        break;
      default:
        break;
    }
  }

  // --- peers (one RTCPeerConnection each) --------------------------------------------------------

  function makeTile(info) {
    const tile = $("tile-template").content.firstElementChild.cloneNode(true);
    tile.dataset.participant = info.id;
    tile.dataset.role = info.role;
    tile.dataset.muted = info.muted ? "1" : "0";
    tile.querySelector(".who").textContent = info.name;
    tile.querySelector(".role").textContent = L[info.role] || "";
    tile.classList.toggle("focus", state.focus === info.id);
    $("tiles").appendChild(tile);
    return tile;
  }

  function signal(peer, data) {
    send({ kind: "signal", to: peer.id, to_conn: peer.conn, data });
  }

  function addPeer(info) {
    const existing = state.peers.get(info.id);
    if (existing) {
      if (existing.conn === info.conn) return;
      dropPeer(existing.id); // the same person reconnected: start afresh
    }
    const pc = new RTCPeerConnection({ iceServers: config.ice_servers });
    const peer = {
      id: info.id,
      conn: info.conn,
      pc,
      polite: config.me > info.id,
      makingOffer: false,
      ignoreOffer: false,
      settingAnswer: false,
      awaitingOffer: false,
      offerTimer: null,
      tile: makeTile(info),
    };
    state.peers.set(info.id, peer);
    refreshWaiting();
    const panel = panelOf(info.id);
    if (panel) panel.classList.add("is-online");

    pc.onicecandidate = ({ candidate }) => {
      if (candidate) signal(peer, { candidate });
    };
    pc.ontrack = ({ track, streams }) => {
      const video = peer.tile.querySelector("video");
      if (streams && streams[0]) {
        if (video.srcObject !== streams[0]) video.srcObject = streams[0];
      } else {
        if (!(video.srcObject instanceof MediaStream)) video.srcObject = new MediaStream();
        video.srcObject.addTrack(track);
      }
      video.play().catch(() => {});
    };
    pc.onnegotiationneeded = () => {
      if (!peer.awaitingOffer) negotiate(peer);
    };
    if (peer.polite) {
      // The polite side lets the other offer first. Both offering at once is handled (the
      // polite side rolls its offer back), but Chromium then sometimes gathers no ICE
      // candidates for the rolled-back connection and it never connects. If no offer comes,
      // offer anyway after a while.
      peer.awaitingOffer = true;
      peer.offerTimer = setTimeout(() => {
        if (peer.awaitingOffer && state.peers.get(peer.id) === peer) {
          peer.awaitingOffer = false;
          negotiate(peer);
        }
      }, FIRST_OFFER_WAIT_MS);
    }
    pc.onconnectionstatechange = () => {
      peer.tile.dataset.connection = pc.connectionState;
      if (pc.connectionState === "failed") pc.restartIce();
    };

    const tracks = state.local ? state.local.getTracks() : [];
    for (const track of tracks) pc.addTrack(track, state.local);
    // Without a camera or microphone still ask to receive the others' picture and sound.
    if (!tracks.some((t) => t.kind === "video")) pc.addTransceiver("video", { direction: "recvonly" });
    if (!tracks.some((t) => t.kind === "audio")) pc.addTransceiver("audio", { direction: "recvonly" });
  }

  async function negotiate(peer) {
    try {
      peer.makingOffer = true;
      await peer.pc.setLocalDescription();
      signal(peer, { description: peer.pc.localDescription });
    } catch (error) {
      console.warn("offer", error);
    } finally {
      peer.makingOffer = false;
    }
  }

  async function onSignal({ from, from_conn: fromConn, description, candidate }) {
    const peer = state.peers.get(from);
    if (!peer || peer.conn !== fromConn) return; // for a connection that is gone
    const pc = peer.pc;
    try {
      if (description) {
        if (peer.awaitingOffer) {
          peer.awaitingOffer = false;
          clearTimeout(peer.offerTimer);
        }
        const readyForOffer =
          !peer.makingOffer && (pc.signalingState === "stable" || peer.settingAnswer);
        const collision = description.type === "offer" && !readyForOffer;
        peer.ignoreOffer = !peer.polite && collision;
        if (peer.ignoreOffer) return;
        peer.settingAnswer = description.type === "answer";
        await pc.setRemoteDescription(description);
        peer.settingAnswer = false;
        if (description.type === "offer") {
          await pc.setLocalDescription();
          signal(peer, { description: pc.localDescription });
        }
      } else if (candidate) {
        try {
          await pc.addIceCandidate(candidate);
        } catch (error) {
          if (!peer.ignoreOffer) throw error;
        }
      }
    } catch (error) {
      console.warn("signal", error);
    }
  }

  function dropPeer(id, conn) {
    const peer = state.peers.get(id);
    if (!peer || (conn && peer.conn !== conn)) return;
    state.peers.delete(id);
    clearTimeout(peer.offerTimer);
    peer.pc.close();
    peer.tile.remove();
    const panel = panelOf(id);
    if (panel) panel.classList.remove("is-online");
    refreshWaiting();
  }

  function closeAllPeers() {
    for (const id of [...state.peers.keys()]) dropPeer(id);
  }

  // --- what the interviewer controls -------------------------------------------------------------

  function applyMute(muted, announce) {
    state.mutedByInterviewer = muted;
    show($("mute-notice"), muted);
    if (!muted && announce) notice(L.unmuted);
    applyLocalTracks();
  }

  function markMuted(id, muted) {
    const tile = tileOf(id);
    if (tile && id !== config.me) tile.dataset.muted = muted ? "1" : "0";
    const panel = panelOf(id);
    if (!panel) return;
    panel.dataset.muted = muted ? "1" : "0";
    const button = panel.querySelector('[data-action="mute"]');
    if (button) button.textContent = muted ? L.unmute : L.mute;
  }

  function setFocus(id) {
    state.focus = id == null ? null : Number(id);
    for (const tile of $("tiles").querySelectorAll(".tile")) {
      tile.classList.toggle("focus", Number(tile.dataset.participant) === state.focus);
    }
    for (const panel of document.querySelectorAll(".candidate-panel")) {
      const on = Number(panel.dataset.participant) === state.focus;
      panel.classList.toggle("is-focus", on);
      const button = panel.querySelector('[data-action="focus"]');
      if (button) button.textContent = on ? L.focus_off : L.focus_on;
    }
  }

  function refreshPanels() {
    // A verdict form swapped in by htmx brings a fresh panel: put back what only we know.
    for (const panel of document.querySelectorAll(".candidate-panel")) {
      const id = Number(panel.dataset.participant);
      panel.classList.toggle("is-online", state.peers.has(id));
    }
    setFocus(state.focus);
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button || !root.contains(button)) return;
    const id = Number(button.dataset.participant);
    const action = button.dataset.action;
    if (action === "focus") {
      send({ kind: "focus", participant: state.focus === id ? null : id });
    } else if (action === "mute") {
      const panel = panelOf(id);
      send({ kind: "mute", participant: id, muted: !(panel && panel.dataset.muted === "1") });
    } else if (action === "remove") {
      if (window.confirm(button.dataset.confirm || L.confirm_remove)) {
        send({ kind: "remove", participant: id });
      }
    }
  });
  // htmx:load fires for every element htmx puts in (an outerHTML swap detaches its target).
  document.body.addEventListener("htmx:load", refreshPanels);

  // --- joining and leaving -----------------------------------------------------------------------

  function finish(text, canRejoin) {
    state.stopped = true;
    if (state.socket) state.socket.close(1000);
    state.socket = null;
    closeAllPeers();
    if (!canRejoin && state.local) {
      for (const track of state.local.getTracks()) track.stop();
    }
    show($("call"), false);
    show($("prejoin"), false);
    $("left-text").textContent = text;
    show($("rejoin"), canRejoin);
    show($("left"), true);
    if (!canRejoin) {
      for (const control of root.querySelectorAll(".panel-controls")) control.hidden = true;
    }
  }

  async function join() {
    $("join").disabled = true;
    $("media-status").textContent = L.connecting;
    await localMedia();
    show($("prejoin"), false);
    show($("left"), false);
    show($("call"), true);
    refreshWaiting();
    connect();
  }

  $("join").addEventListener("click", join);
  $("rejoin").addEventListener("click", join);
  $("leave").addEventListener("click", () => finish(L.left, true));
  $("toggle-mic").addEventListener("click", () => {
    state.micOn = !state.micOn;
    applyLocalTracks();
  });
  $("toggle-cam").addEventListener("click", () => {
    state.camOn = !state.camOn;
    applyLocalTracks();
  });
  const end = $("end");
  if (end) {
    end.addEventListener("click", () => {
      if (window.confirm(end.dataset.confirm)) send({ kind: "end" });
    });
  }

  // Show the preview at once so people can check their camera before going in.
  localMedia();

  window.daigangInterview = {
    peers: () => [...state.peers.values()].map((peer) => ({ id: peer.id, pc: peer.pc })),
    state,
  };
})();
