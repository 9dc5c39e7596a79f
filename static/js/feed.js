/* 刷岗位 (#17): one job video per screen. Only the video on screen plays (an
 * IntersectionObserver); the next one loads its metadata, the rest only their poster, for
 * weak connections. Muted until the seeker taps 开声音 (then every video plays with sound);
 * a tap on the picture pauses or resumes. Plays and opens are counted by job_video.js.
 */
(function () {
  "use strict";

  const feed = document.getElementById("feed");
  if (!feed || !("IntersectionObserver" in window)) return;
  let soundOn = false;
  let current = null;

  function play(video) {
    current = video;
    video.muted = !soundOn;
    if (video.preload !== "auto") video.preload = "auto";
    video.play().catch(function () {
      // A browser that refuses sound without a gesture still plays it muted.
      video.muted = true;
      video.play().catch(function () { /* the poster stays */ });
    });
    const next = video.closest(".feed-item").nextElementSibling;
    const nextVideo = next && next.querySelector("video");
    if (nextVideo && nextVideo.preload === "none") nextVideo.preload = "metadata";
  }

  const observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      const video = entry.target;
      if (entry.isIntersecting && entry.intersectionRatio >= 0.6) {
        play(video);
      } else if (!video.paused) {
        video.pause();
      }
    });
  }, { threshold: [0, 0.6] });
  feed.querySelectorAll(".feed-item video").forEach(function (video) { observer.observe(video); });

  function soundShow() {
    feed.querySelectorAll("[data-feed-sound]").forEach(function (button) {
      button.textContent = soundOn ? button.dataset.labelOff : button.dataset.labelOn;
      button.setAttribute("aria-pressed", soundOn ? "true" : "false");
    });
  }

  feed.addEventListener("click", function (event) {
    if (event.target.closest("[data-feed-sound]")) {
      soundOn = !soundOn;
      soundShow();
      if (current) {
        current.muted = !soundOn;
        if (current.paused) current.play().catch(function () {});
      }
      return;
    }
    if (event.target.tagName === "VIDEO") {
      const video = event.target;
      if (video.paused) video.play().catch(function () {});
      else video.pause();
    }
  });
})();
