/*
 * Province → city → district selects (the job form). A <select data-region-child="id_city"
 * data-region-list="/regions/000000/cities"> reloads the select it names from that URL, with
 * the chosen code in place of 000000, and empties the lists below that. A list with a single
 * choice (北京市 under 北京) is chosen at once. Without JavaScript the form's
 * [data-region-refresh] button asks the server for the same lists; with it, the button goes.
 */
(function () {
  "use strict";

  // Keeps only the first option ("请选择"); optgroups (every city, before a province is chosen)
  // go too.
  function reset(select) {
    const first = select.options[0];
    select.replaceChildren(...(first ? [first] : []));
    select.value = "";
  }

  function clearBelow(select) {
    const child = select.dataset.regionChild && document.getElementById(select.dataset.regionChild);
    if (!child) return;
    reset(child);
    clearBelow(child);
  }

  async function load(select) {
    const child = document.getElementById(select.dataset.regionChild);
    clearBelow(select);
    if (!child || !select.value) return;
    const response = await fetch(select.dataset.regionList.replace("000000", select.value), {
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    const { choices } = await response.json();
    for (const choice of choices) child.add(new Option(choice.name, choice.code));
    if (choices.length === 1) {
      child.value = choices[0].code;
      if (child.dataset.regionChild) await load(child);
    }
    child.dispatchEvent(new Event("regions:loaded", { bubbles: true }));
  }

  document.addEventListener("change", function (event) {
    const select = event.target;
    if (select instanceof HTMLSelectElement && select.dataset.regionChild) load(select);
  });

  // Removed, not hidden: as the form's first submit button it would take the Enter key.
  for (const button of document.querySelectorAll("[data-region-refresh]")) button.remove();
})();
