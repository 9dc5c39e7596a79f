// Handwritten signature on a <canvas>: mouse, pen or finger (pointer events). The drawing is
// put into the form's hidden "signature" field as a PNG data URL; the server checks it.
// Without JavaScript the pad stays hidden and the form signs by "点击确认签署" (tapped).
(function () {
  "use strict";

  function setUp(box) {
    var form = box.closest("form");
    var canvas = box.querySelector("canvas");
    var output = form.querySelector("input[name=signature]");
    var drawn = form.querySelector("input[name=method][value=drawn]");
    var tapped = form.querySelector("input[name=method][value=tapped]");
    var error = form.querySelector("#signature-error");
    var clear = box.querySelector("#signature-clear");
    var context = canvas.getContext("2d");
    var inked = false;
    var last = null;

    form.querySelectorAll("[data-needs-js]").forEach(function (node) { node.hidden = false; });
    if (form.dataset.bound !== "true") {
      // Drawing is the default where it is possible; a tap stays one click away. A form
      // shown again after an error keeps the method the signer chose.
      drawn.checked = true;
    }

    function resize() {
      // Draw at device pixels (at most 2x, to keep the PNG small and under the size limit).
      var ratio = Math.min(window.devicePixelRatio || 1, 2);
      var rect = canvas.getBoundingClientRect();
      canvas.width = Math.round(rect.width * ratio);
      canvas.height = Math.round(rect.height * ratio);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#111";
      inked = false;
      output.value = "";
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }

    function show() {
      box.hidden = !drawn.checked;
      if (drawn.checked) { resize(); }
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
      context.fillStyle = "#111";
      context.fill();
      inked = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!last) { return; }
      event.preventDefault();
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    });
    function end() {
      if (!last) { return; }
      last = null;
      output.value = inked ? canvas.toDataURL("image/png") : "";
      if (error) { error.hidden = true; }
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);

    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      inked = false;
      output.value = "";
    });
    drawn.addEventListener("change", show);
    tapped.addEventListener("change", show);

    form.addEventListener("submit", function (event) {
      if (drawn.checked && !inked) {
        event.preventDefault();
        if (error) { error.hidden = false; }
        return;
      }
      if (!drawn.checked) { output.value = ""; }
    });

    show();
    box.dataset.ready = "true";
  }

  document.querySelectorAll("[data-signature-pad]").forEach(setUp);
})();
