// The lesson player (courses/lesson.html): resumes at the position the server remembered (any
// device), and tells the server where the seeker is — every ~10 s while playing, on pause, on
// leaving the page, and on `ended`, which completes the lesson. A text lesson completes when
// its end marker scrolls into view. The server's answer says whether the course is done and
// where its certificate is.
(function () {
  "use strict";
  var root = document.getElementById("lesson");
  if (!root) return;
  var url = root.dataset.progressUrl;
  var csrf = root.dataset.csrf;
  var status = document.getElementById("lesson-status");
  var done = document.getElementById("course-done");
  var download = document.getElementById("certificate-download");
  var INTERVAL_S = 10;

  function body(position, ended) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("position", String(Math.max(0, position || 0).toFixed(2)));
    if (ended) data.append("ended", "on");
    return data;
  }

  function answered(result) {
    if (!result) return;
    if (result.completed && status) status.hidden = false;
    if (result.course_completed && done) {
      if (result.certificate_url && download) download.setAttribute("href", result.certificate_url);
      done.hidden = false;
    }
    root.dataset.done = result.completed ? "true" : root.dataset.done;
  }

  function send(position, ended) {
    return fetch(url, { method: "POST", body: body(position, ended), credentials: "same-origin", keepalive: true })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(answered)
      .catch(function () { /* the next beacon carries the position again */ });
  }

  var video = document.getElementById("player");
  if (video) {
    var resume = parseFloat(root.dataset.resume || "0");
    var lastSent = -INTERVAL_S;
    video.addEventListener("loadedmetadata", function () {
      if (resume > 0 && resume < video.duration - 1) video.currentTime = resume;
    });
    video.addEventListener("timeupdate", function () {
      if (Math.abs(video.currentTime - lastSent) >= INTERVAL_S) {
        lastSent = video.currentTime;
        send(video.currentTime, false);
      }
    });
    video.addEventListener("pause", function () {
      if (!video.ended) send(video.currentTime, false);
    });
    video.addEventListener("ended", function () {
      root.dataset.ended = "true";
      send(video.duration || video.currentTime, true);
    });
    window.addEventListener("pagehide", function () {
      if (!video.paused && !video.ended && navigator.sendBeacon) {
        navigator.sendBeacon(url, body(video.currentTime, false));
      }
    });
    return;
  }

  var end = document.getElementById("lesson-end");
  if (end && "IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.disconnect();
          send(0, true);
        }
      });
    });
    observer.observe(end);
  }
})();
