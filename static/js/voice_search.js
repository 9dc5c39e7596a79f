/*
 * Voice search on the home page: where the browser offers speech recognition
 * (SpeechRecognition, webkitSpeechRecognition in Chrome), the microphone button beside the
 * search box fills it with what was said, in Mandarin, and searches. Elsewhere the button stays
 * hidden. A recogniser that cannot work here (no network to its service, the microphone
 * refused) hides the button again and says so in the box.
 */
(function () {
  "use strict";

  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  const button = document.getElementById("voice-search");
  const box = document.getElementById("id_q");
  if (!Recognition || !button || !box) return;
  button.hidden = false;
  let recognition = null;

  function done() {
    recognition = null;
    button.setAttribute("aria-pressed", "false");
    button.classList.remove("listening");
  }

  button.addEventListener("click", function () {
    if (recognition) {
      recognition.abort();
      return;
    }
    recognition = new Recognition();
    recognition.lang = "zh-CN";
    recognition.interimResults = false;
    recognition.maxAlternatives = 1;
    recognition.onresult = function (event) {
      const said = event.results[0][0].transcript.replace(/[。，,.!?！？\s]+$/u, "").trim();
      if (!said) return;
      box.value = said;
      if (box.form.requestSubmit) box.form.requestSubmit();
      else box.form.submit();
    };
    recognition.onerror = function (event) {
      if (event.error === "no-speech" || event.error === "aborted") return;
      button.hidden = true;
      box.placeholder = button.dataset.labelFailed || box.placeholder;
    };
    recognition.onend = done;
    button.setAttribute("aria-pressed", "true");
    button.classList.add("listening");
    try {
      recognition.start();
    } catch (error) {
      done();
    }
  });
})();
