/* Introduction videos on job cards and pages (#17), and the cards' counts.
 *
 * - [data-video-tap] over a <video muted playsinline preload="none">: the first tap plays it
 *   (still muted: nothing is fetched before), the next tap turns the sound on, then off.
 * - [data-video-open] (a list card's compact video, jobs/_video.html): the player is made from
 *   the figure's <template> on the tap (so a list fetches no poster) and starts at once.
 * - Counts for the organisation's statistics (jobs/counts.py): a card [data-card-job] half on
 *   screen is an impression, a tap on [data-card-open] an open, a <video data-video-job> that
 *   starts a play; each once per page visit. They are batched into one beacon
 *   (POST [data-counts-url] or /jobs/counts/, e=i:12,o:12,p:13) every 5 s and when the page
 *   is left; the page never waits for it.
 */
(function () {
  "use strict";

  const queue = [];
  const seen = new Set();

  function csrfToken() {
    const holder = document.querySelector("[hx-headers]");
    if (holder) {
      try {
        const token = JSON.parse(holder.getAttribute("hx-headers"))["X-CSRFToken"];
        if (token) return token;
      } catch (error) { /* fall back to the cookie */ }
    }
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function countsUrl() {
    const holder = document.querySelector("[data-counts-url]");
    return holder ? holder.dataset.countsUrl : "/jobs/counts/";
  }

  function flush() {
    if (!queue.length) return;
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    body.append("e", queue.splice(0).join(","));
    // A random id per beacon: if the browser sends it twice, the server counts it once.
    body.append("b", Date.now().toString(36) + Math.random().toString(36).slice(2, 10));
    if (navigator.sendBeacon && navigator.sendBeacon(countsUrl(), body)) return;
    fetch(countsUrl(), { method: "POST", body, credentials: "same-origin", keepalive: true })
      .catch(function () { /* a lost count is only a count */ });
  }

  function count(kind, jobId) {
    if (!jobId) return;
    const key = kind + ":" + jobId;
    if (seen.has(key)) return;
    seen.add(key);
    queue.push(key);
    if (queue.length >= 100) flush();
  }
  window.daigangCardCount = count;

  setInterval(flush, 5000);
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });

  const observer = "IntersectionObserver" in window
    ? new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        count("i", entry.target.dataset.cardJob);
        observer.unobserve(entry.target);
      });
    }, { threshold: 0.5 })
    : null;

  function scan() {
    if (!observer) return;
    document.querySelectorAll("[data-card-job]:not([data-card-watched])").forEach(function (card) {
      card.dataset.cardWatched = "";
      observer.observe(card);
    });
  }

  function tap(button) {
    const figure = button.closest("[data-intro-video]");
    const video = figure && figure.querySelector("video");
    if (!video) return;
    if (video.paused) {
      video.muted = true;
      video.play().catch(function () { /* the poster stays */ });
      button.textContent = button.dataset.labelSound;
    } else if (video.muted) {
      video.muted = false;
      button.textContent = button.dataset.labelMute;
    } else {
      video.muted = true;
      button.textContent = button.dataset.labelSound;
    }
    figure.classList.add("is-playing");
  }

  function playerOpen(button) {
    const figure = button.closest("[data-intro-video]");
    const template = figure && figure.querySelector("template");
    if (!template) return;
    figure.insertBefore(template.content.cloneNode(true), template);
    button.remove();
    const tapper = figure.querySelector("[data-video-tap]");
    if (tapper) tap(tapper);
  }

  document.addEventListener("click", function (event) {
    const opener = event.target.closest("[data-video-open]");
    if (opener) {
      event.preventDefault();
      playerOpen(opener);
      return;
    }
    const button = event.target.closest("[data-video-tap]");
    if (button) {
      event.preventDefault();
      tap(button);
      return;
    }
    const open = event.target.closest("[data-card-open]");
    if (open) {
      count("o", open.dataset.cardOpen);
      flush();
    }
  });
  document.addEventListener("play", function (event) {
    const video = event.target;
    if (video.dataset && video.dataset.videoJob) count("p", video.dataset.videoJob);
  }, true);
  document.addEventListener("htmx:afterSwap", scan);
  scan();
})();
