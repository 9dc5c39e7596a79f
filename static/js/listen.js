/*
 * 听岗位: a .listen-btn reads its job aloud in Mandarin (data-listen-text, written by
 * daigang.jobs.presenters.job_listen_text).
 *
 * - The browser's own Chinese voice when it has one (speechSynthesis, a zh-CN voice).
 * - Otherwise the server's recording of the same text (data-listen-audio, an MP3 made by
 *   espeak-ng), played by one <audio id="listen-player"> for the page.
 * - If that fails too (the server answers 503 without espeak-ng, or no network), any voice the
 *   browser has, asked for zh-CN; with none, the buttons are hidden.
 *
 * Buttons come hidden from the server (no JavaScript, no button); this file shows them, also
 * those htmx swaps in (the home page's list) and those live.js fills (the room's pinned card,
 * event "listen:added"). Tapping the button that is speaking stops it.
 */
(function () {
  "use strict";

  const synth = window.speechSynthesis || null;
  let player = null;
  let speaking = null; // the button whose job is being read

  function chineseVoice() {
    if (!synth) return null;
    const voices = synth.getVoices();
    const mandarin = function (voice) {
      return /^(zh|cmn)([-_](CN|Hans|SG))?$/i.test(voice.lang) || /^zh[-_]CN/i.test(voice.lang);
    };
    return voices.find(mandarin) || null;
  }

  function show(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll(".listen-btn[hidden]").forEach(function (button) {
      if (button.dataset.listenText && !document.documentElement.dataset.listenOff) {
        button.hidden = false;
      }
    });
  }

  function mark(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.classList.toggle("playing", on);
  }

  function stop() {
    if (synth) synth.cancel();
    if (player) player.pause();
    if (speaking) mark(speaking, false);
    speaking = null;
  }

  function speak(button, voice) {
    const utterance = new SpeechSynthesisUtterance(button.dataset.listenText);
    utterance.lang = "zh-CN";
    if (voice) utterance.voice = voice;
    utterance.rate = 0.9;
    utterance.onend = utterance.onerror = function () {
      if (speaking === button) stop();
    };
    speaking = button;
    mark(button, true);
    synth.speak(utterance);
  }

  function failed(button) {
    if (speaking !== button) return; // stopped meanwhile, or another job tapped since
    stop();
    if (synth && synth.getVoices().length) {
      speak(button, null);
      return;
    }
    document.documentElement.dataset.listenOff = "1";
    document.querySelectorAll(".listen-btn").forEach(function (other) { other.hidden = true; });
  }

  function playRecording(button) {
    if (!player) {
      player = document.createElement("audio");
      player.id = "listen-player";
      player.preload = "auto";
      player.hidden = true;
      player.addEventListener("ended", stop);
      document.body.appendChild(player);
    }
    speaking = button;
    mark(button, true);
    player.onerror = function () { failed(button); };
    player.src = button.dataset.listenAudio;
    const playing = player.play();
    // A refused source also fires "error" above; only a blocked play() is left to catch.
    if (playing && playing.catch) playing.catch(function () {});
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest(".listen-btn");
    if (!button) return;
    const again = speaking === button;
    stop();
    if (again) return;
    const voice = chineseVoice();
    if (voice) speak(button, voice);
    else if (button.dataset.listenAudio) playRecording(button);
    else if (synth) speak(button, null);
  });

  // Voices load after the page in some browsers: asking once makes them load.
  if (synth) synth.getVoices();
  document.addEventListener("DOMContentLoaded", function () { show(document); });
  document.addEventListener("htmx:afterSettle", function (event) { show(event.target); });
  document.addEventListener("listen:added", function (event) {
    if (speaking === event.detail) stop();
    event.detail.hidden = true;
    show(event.detail.parentNode);
  });
  if (document.readyState !== "loading") show(document);
})();
