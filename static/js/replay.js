// The replay page (回放): chapters by job and the card of the job pinned at the playback
// position. A chapter button seeks the <video> to its start (the server answers byte ranges,
// so the browser fetches only from there); on every timeupdate the card of the chapter the
// position is in is shown, the others hidden. 一键报名 on a card is static/js/apply.js, with
// the card's data-apply-source ("replay:<id>").
(function () {
  "use strict";
  const video = document.getElementById("replay-player");
  const now = document.getElementById("replay-now");
  if (!video || !now) return;
  const buttons = Array.from(document.querySelectorAll(".replay-chapters .chapter"));
  const chapters = buttons.map((button) => ({
    index: button.dataset.chapter,
    start: Number(button.dataset.start),
    end: Number(button.dataset.end),
    button,
  }));
  const cards = Array.from(now.querySelectorAll(".replay-card"));
  let shown = null;

  function chapterAt(time) {
    // The last chapter started at or before `time` that has not ended.
    let found = null;
    for (const chapter of chapters) {
      if (chapter.start <= time + 0.05 && time < chapter.end) found = chapter;
    }
    return found;
  }

  function show(chapter) {
    const index = chapter ? chapter.index : null;
    if (index === shown) return;
    shown = index;
    for (const card of cards) card.hidden = card.dataset.chapter !== index;
    now.hidden = index === null;
    for (const item of chapters) {
      item.button.classList.toggle("is-current", item.index === index);
      item.button.setAttribute("aria-current", item.index === index ? "true" : "false");
    }
  }

  function update() {
    show(chapterAt(video.currentTime));
  }

  video.addEventListener("timeupdate", update);
  video.addEventListener("seeked", update);
  video.addEventListener("loadedmetadata", update);
  for (const chapter of chapters) {
    chapter.button.addEventListener("click", () => {
      video.currentTime = chapter.start + 0.01;
      show(chapter); // at once: the card must not wait for the seek to finish
      const playing = video.play();
      if (playing && playing.catch) playing.catch(() => {}); // autoplay refused: stays paused
    });
  }
  update();
})();
