/*
 * Behaviours any page's forms may ask for with a data- attribute, so that templates carry no
 * inline script (the Content-Security-Policy allows scripts from static files only):
 *
 * - <select data-autosubmit>: submits its form on change (the language switcher).
 * - <form data-confirm="…">: asks before submitting; cancelling keeps the page as it was.
 * - data-swap-429 on an htmx target: a 429 (rate limited) answer carries the message to show,
 *   so it is swapped in like a 200 instead of being dropped as an error.
 * - <button data-countdown="60" data-countdown-label="{seconds}秒后可重新获取">: an SMS code was
 *   just sent; the button waits that many seconds, saying how many are left, then comes back
 *   (without JavaScript it stays usable and the server answers a too-early resend itself).
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const select = event.target;
    if (select instanceof HTMLSelectElement && select.hasAttribute("data-autosubmit") && select.form) {
      select.form.submit();
    }
  });

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm !== undefined) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    }
  });

  function countdowns(root) {
    root.querySelectorAll("[data-countdown]").forEach(function (button) {
      let left = parseInt(button.dataset.countdown, 10);
      if (!(left > 0) || button.dataset.counting) return;
      button.dataset.counting = "1";
      const text = button.textContent;
      const label = button.dataset.countdownLabel || "{seconds}";
      (function tick() {
        if (!button.isConnected) return;
        if (left <= 0) {
          button.disabled = false;
          button.textContent = text;
          return;
        }
        button.disabled = true;
        button.textContent = label.replace("{seconds}", String(left));
        left -= 1;
        window.setTimeout(tick, 1000);
      })();
    });
  }
  countdowns(document);
  document.addEventListener("htmx:load", function (event) {
    countdowns(event.detail.elt.parentNode || document);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target || event.target;
    if (event.detail.xhr.status === 429 && target.closest && target.closest("[data-swap-429]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
