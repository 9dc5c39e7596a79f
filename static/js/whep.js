/* WHEP player: watch a room's picture and sound.
 *
 *   const session = await DaigangWHEP.play({url, video, iceServers});
 *   session.stop();   // DELETE the resource (also sent on pagehide); stop(false) skips it
 *
 * recvonly video + audio, the offer sent once ICE gathering is complete (non-trickle).
 */
(function () {
  "use strict";

  function waitForIceGathering(pc, timeoutMs) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise(function (resolve) {
      const timer = setTimeout(resolve, timeoutMs);
      pc.addEventListener("icegatheringstatechange", function () {
        if (pc.iceGatheringState === "complete") {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  async function play(options) {
    const pc = new RTCPeerConnection({ iceServers: options.iceServers || [] });
    const stream = new MediaStream();
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.addTransceiver("audio", { direction: "recvonly" });
    pc.addEventListener("track", function (event) {
      stream.addTrack(event.track);
      if (options.video.srcObject !== stream) options.video.srcObject = stream;
    });
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc, options.iceTimeoutMs || 3000);

    // The endpoint may be given relative to the page (the built-in relay).
    const endpoint = new URL(options.url, window.location.href).href;
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/sdp" },
      body: pc.localDescription.sdp,
      credentials: "omit",
    });
    if (response.status !== 201) {
      pc.close();
      const error = new Error("WHEP " + response.status);
      error.status = response.status;
      throw error;
    }
    const location = response.headers.get("Location");
    const resource = location ? new URL(location, endpoint).href : null;
    await pc.setRemoteDescription({ type: "answer", sdp: await response.text() });

    let stopped = false;
    // `release` false: the server already ended the session (the room ended), skip the DELETE.
    const stop = function (release) {
      if (stopped) return;
      stopped = true;
      window.removeEventListener("pagehide", stop);
      // keepalive lets the DELETE outlive the page when the viewer leaves.
      if (resource && release !== false) {
        fetch(resource, { method: "DELETE", keepalive: true, credentials: "omit" }).catch(
          function () {}
        );
      }
      pc.close();
    };
    window.addEventListener("pagehide", stop);
    return { pc: pc, resource: resource, stream: stream, stop: stop };
  }

  window.DaigangWHEP = { play: play };
})();
