/*
 * The home page's filter chips (jobs/home.html). The form works without this file: the chips
 * are checkboxes, the 城市 and 工价 sheets are <details> that open in place, 搜索 sends it.
 * Here: a chip shows what is chosen as soon as it changes (htmx sends the form on every
 * change), a sheet closes with its × button, Esc, a tap on the shade around it or a choice, and focus goes into the sheet
 * and back to its chip. Back and forward (htmx history) put the chips back as the address says.
 * Listeners sit on the document: an htmx history restore replaces the form.
 */
(function () {
  "use strict";

  const FILTERS = ["city", "room_and_board", "couple_rooms", "flexible", "wage_min"];

  function form() {
    return document.getElementById("job-filters");
  }

  function sheetChosen(sheet) {
    const checked = sheet.querySelector("input[type=radio]:checked");
    if (checked) return checked.value ? checked.parentElement.textContent.trim() : "";
    const wage = sheet.querySelector("input[name=wage_min]");
    if (wage && wage.value.trim()) {
      const unit = sheet.querySelector("select[name=wage_unit]");
      return "≥ " + wage.value.trim() + " " + unit.options[unit.selectedIndex].text;
    }
    return "";
  }

  function render() {
    const filters = form();
    if (!filters) return;
    let any = false;
    filters.querySelectorAll(".sheet").forEach(function (sheet) {
      const chip = sheet.querySelector("summary");
      const chosen = sheetChosen(sheet);
      chip.textContent = chosen || chip.dataset.chipLabel;
      chip.classList.toggle("on", Boolean(chosen));
      any = any || Boolean(chosen);
    });
    filters.querySelectorAll("label.chip input[type=checkbox]").forEach(function (box) {
      box.parentElement.classList.toggle("on", box.checked);
      any = any || box.checked;
    });
    const clear = document.getElementById("chip-clear");
    if (clear) clear.hidden = !any;
  }

  function close(sheet) {
    if (!sheet.open) return;
    sheet.open = false;
    sheet.querySelector("summary").focus();
  }

  function setup() {
    document.querySelectorAll("#job-filters .sheet-close").forEach(function (button) {
      button.hidden = false;
    });
    render();
  }

  // Opening a sheet closes the other and moves focus to its choice.
  document.addEventListener(
    "toggle",
    function (event) {
      const sheet = event.target;
      if (!sheet.classList || !sheet.classList.contains("sheet") || !sheet.open) return;
      document.querySelectorAll("#job-filters .sheet[open]").forEach(function (other) {
        if (other !== sheet) other.open = false;
      });
      const first = sheet.querySelector("input:checked, input[type=text]");
      if (first) first.focus();
    },
    true
  );

  document.addEventListener("click", function (event) {
    const closer = event.target.closest("#job-filters .sheet-close");
    if (closer) {
      close(closer.closest(".sheet"));
      return;
    }
    // A tap on the shade around an open sheet lands on its <details>.
    if (event.target.matches && event.target.matches("#job-filters .sheet[open]")) {
      close(event.target);
      return;
    }
    const clear = event.target.closest("#chip-clear");
    if (!clear) return;
    event.preventDefault();
    const filters = form();
    FILTERS.forEach(function (name) {
      filters.querySelectorAll("[name=" + name + "]").forEach(function (field) {
        if (field.type === "checkbox") field.checked = false;
        else if (field.type === "radio") field.checked = field.value === "";
        else field.value = "";
      });
    });
    render();
    if (filters.requestSubmit) filters.requestSubmit();
    else filters.submit();
    filters.querySelector(".chip").focus();
  });

  document.addEventListener("change", function (event) {
    if (!event.target.closest("#job-filters")) return;
    render();
    if (event.target.type === "radio") close(event.target.closest(".sheet"));
  });

  document.addEventListener("submit", function (event) {
    if (event.target.id !== "job-filters") return;
    event.target.querySelectorAll(".sheet[open]").forEach(close);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("#job-filters .sheet[open]").forEach(close);
  });

  // htmx restores the page as it was left, with the chips as they were then; the address
  // says what the list shows.
  document.addEventListener("htmx:historyRestore", function () {
    const filters = form();
    if (!filters) return;
    const params = new URLSearchParams(window.location.search);
    filters.querySelectorAll("input[name], select[name]").forEach(function (field) {
      const value = params.get(field.name);
      if (field.type === "checkbox") field.checked = value !== null;
      else if (field.type === "radio") field.checked = field.value === (value || "");
      else if (field.tagName === "SELECT") field.value = value || field.options[0].value;
      else field.value = value || "";
    });
    const unit = filters.querySelector("select[name=wage_unit]");
    if (unit && !params.get("wage_unit")) unit.value = "month";
    setup();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
