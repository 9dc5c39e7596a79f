/* WHIP publisher (RFC 9725): send the camera to a room from the browser.
 *
 *   const session = await DaigangWHIP.publish({url, token, stream, iceServers});
 *   await session.stop();   // DELETE the resource: the room is interrupted (not ended)
 *
 * Non-trickle: the offer is sent once ICE gathering is complete, so the server needs no
 * PATCH support and any standard WHIP endpoint accepts it.
 */
(function () {
  "use strict";

  function waitForIceGathering(pc, timeoutMs) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise(function (resolve) {
      const done = function () {
        if (pc.iceGatheringState === "complete") {
          pc.removeEventListener("icegatheringstatechange", done);
          clearTimeout(timer);
          resolve();
        }
      };
      // A stuck STUN/TURN server must not stop the anchor going live: send what we have.
      const timer = setTimeout(function () {
        pc.removeEventListener("icegatheringstatechange", done);
        resolve();
      }, timeoutMs);
      pc.addEventListener("icegatheringstatechange", done);
    });
  }

  async function publish(options) {
    const pc = new RTCPeerConnection({ iceServers: options.iceServers || [] });
    for (const track of options.stream.getTracks()) {
      pc.addTransceiver(track, { direction: "sendonly", streams: [options.stream] });
    }
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc, options.iceTimeoutMs || 3000);

    // The endpoint may be given relative to the page (the built-in relay).
    const endpoint = new URL(options.url, window.location.href).href;
    // A stream key is a bearer token; a mic-link guest is its login session instead (same
    // origin, with the page's CSRF token in options.headers).
    const headers = Object.assign({ "Content-Type": "application/sdp" }, options.headers || {});
    if (options.token) headers.Authorization = "Bearer " + options.token;
    const response = await fetch(endpoint, {
      method: "POST",
      headers: headers,
      body: pc.localDescription.sdp,
      credentials: options.token ? "omit" : "same-origin",
    });
    if (response.status !== 201) {
      pc.close();
      const body = await response.text();
      const error = new Error("WHIP " + response.status + ": " + body);
      error.status = response.status;
      error.body = body; // the server's reason, in words (plain text)
      throw error;
    }
    const location = response.headers.get("Location");
    const resource = location ? new URL(location, endpoint).href : null;
    await pc.setRemoteDescription({ type: "answer", sdp: await response.text() });

    let stopped = false;
    return {
      pc: pc,
      resource: resource,
      // `release` false: the server already ended the session (a mic-link turn), skip DELETE.
      stop: async function (release) {
        if (stopped) return;
        stopped = true;
        try {
          if (resource && release !== false) {
            await fetch(resource, {
              method: "DELETE",
              headers: options.token ? { Authorization: "Bearer " + options.token } : {},
              credentials: "omit",
              keepalive: true,
            });
          }
        } finally {
          pc.close();
        }
      },
    };
  }

  window.DaigangWHIP = { publish: publish, waitForIceGathering: waitForIceGathering };
})();
