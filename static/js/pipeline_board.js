// The pipeline board (hiring/pipeline_board.html).
// - Drag a card to another column (SortableJS, static/vendor/sortable.min.js): the move goes to
//   the JSON API's advance endpoint, the one the API clients use; a refused move puts the card
//   back where it was and says why in the status line. Without JavaScript (or without a mouse)
//   each card's 移到 select and 移动 button still move it.
// - Collapse a column to a narrow strip with its name and count; remembered per organisation in
//   localStorage.
// - Follow colleagues' moves and new applications the way the back office follows new rows:
//   ask every few seconds whether the board changed (204 when not) and redraw it when it did.
(function () {
  "use strict";
  if (window.daigangBoard) {
    // htmx re-runs this file when a boosted form or link brings the board page back.
    window.daigangBoard.init();
    return;
  }
  var timer = null;
  var dragging = false;
  var pending = 0;

  function board() {
    return document.getElementById("pipeline-board");
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function say(text, kind, link) {
    var status = document.querySelector(".board-status");
    if (!status) return;
    status.textContent = text;
    status.className = "board-status" + (kind ? " msg-" + kind : "");
    if (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      status.appendChild(document.createTextNode(" "));
      status.appendChild(a);
    }
  }

  // Collapsed columns, per organisation (its own stages differ from another's).
  function storageKey(el) {
    return "daigang:board-collapsed:" + el.dataset.organisation;
  }

  function collapsedRead(el) {
    try {
      var keys = JSON.parse(window.localStorage.getItem(storageKey(el)) || "[]");
      return Array.isArray(keys) ? keys : [];
    } catch (e) {
      return [];
    }
  }

  function collapsedWrite(el) {
    var keys = [];
    el.querySelectorAll(".pipeline-column.is-collapsed").forEach(function (column) {
      keys.push(column.dataset.stage);
    });
    try {
      window.localStorage.setItem(storageKey(el), JSON.stringify(keys));
    } catch (e) {
      // Private mode or storage full: the column still collapses, just not remembered.
    }
  }

  function collapse(column, collapsed) {
    var toggle = column.querySelector(".column-toggle");
    column.classList.toggle("is-collapsed", collapsed);
    toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
    var label = collapsed ? toggle.dataset.labelExpand : toggle.dataset.labelCollapse;
    toggle.setAttribute("aria-label", label);
    toggle.title = label;
  }

  function count(column, delta) {
    var node = column.querySelector(".count");
    if (node) node.textContent = String(Math.max(0, parseInt(node.textContent, 10) + delta));
  }

  function moveBack(evt) {
    var card = evt.item;
    evt.from.insertBefore(card, evt.from.children[evt.oldIndex] || null);
    count(evt.to.closest(".pipeline-column"), -1);
    count(evt.from.closest(".pipeline-column"), 1);
    card.classList.add("is-refused");
    window.setTimeout(function () {
      card.classList.remove("is-refused");
    }, 1500);
  }

  function moved(evt) {
    dragging = false;
    if (evt.from === evt.to) return;
    var el = board();
    var card = evt.item;
    var toColumn = evt.to.closest(".pipeline-column");
    count(evt.from.closest(".pipeline-column"), -1);
    count(toColumn, 1);
    card.classList.add("is-busy");
    pending += 1;
    var url = el.dataset.advanceUrl.replace("/0/", "/" + card.dataset.applicationId + "/");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify({ to_stage: evt.to.dataset.stage }),
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (body) {
            if (response.ok) {
              var stage = toColumn.querySelector("h2").firstChild.textContent.trim();
              say(
                el.dataset.messageMoved
                  .replace("{name}", card.dataset.name)
                  .replace("{stage}", stage),
                "success"
              );
            } else {
              moveBack(evt);
              // 不合适 needs one of the organisation's reasons: chosen on the card's own page.
              var link = null;
              if (body.code === "reason_required") {
                link = { href: card.querySelector("a.name").href + "#reject-reason", text: el.dataset.messageReason };
              }
              say(body.message || el.dataset.messageFailed, "error", link);
            }
          });
      })
      .catch(function () {
        moveBack(evt);
        say(el.dataset.messageFailed, "error");
      })
      .then(function () {
        card.classList.remove("is-busy");
        pending -= 1;
        // Redraw now: the card's 移到 menu and the columns' counts come from the server.
        schedule(0);
      });
  }

  function init() {
    var el = board();
    if (!el || el.dataset.ready) return;
    el.dataset.ready = "1";
    var hint = document.querySelector(".board-hint");
    if (hint) hint.hidden = false;
    var collapsed = collapsedRead(el);
    el.querySelectorAll(".pipeline-column").forEach(function (column) {
      var toggle = column.querySelector(".column-toggle");
      toggle.hidden = false;
      collapse(column, collapsed.indexOf(column.dataset.stage) !== -1);
      toggle.addEventListener("click", function () {
        collapse(column, !column.classList.contains("is-collapsed"));
        collapsedWrite(el);
      });
    });
    if (window.Sortable) {
      el.querySelectorAll(".application-list").forEach(function (list) {
        window.Sortable.create(list, {
          group: "pipeline",
          sort: false,
          draggable: ".pipeline-card[data-movable]",
          // The card's own controls keep working: a drag never starts on them.
          filter: "select, button, input, option",
          preventOnFilter: false,
          // Mouse events rather than the browser's drag and drop: the same on every browser,
          // and a press on the card's name still opens it unless the pointer moves.
          forceFallback: true,
          fallbackOnBody: true,
          fallbackTolerance: 4,
          // On a touch screen a short press first, so a swipe still scrolls the page.
          delay: 200,
          delayOnTouchOnly: true,
          animation: 120,
          ghostClass: "is-ghost",
          chosenClass: "is-chosen",
          dragClass: "is-dragged",
          onStart: function () {
            dragging = true;
          },
          onEnd: moved,
        });
      });
    }
    if (timer === null) schedule();
  }

  // What has the focus inside the board, to give it back after a redraw.
  function focusKey(el) {
    var active = document.activeElement;
    if (!active || !el.contains(active)) return null;
    var card = active.closest(".pipeline-card");
    var column = active.closest(".pipeline-column");
    if (card) {
      var kind = active.matches("a.name") ? "a.name" : active.matches("a.phone") ? "a.phone" : "button";
      return '.pipeline-card[data-application-id="' + card.dataset.applicationId + '"] ' + kind;
    }
    if (column && active.matches(".column-toggle")) {
      return '.pipeline-column[data-stage="' + column.dataset.stage + '"] .column-toggle';
    }
    return null;
  }

  function redraw(html) {
    var el = board();
    var active = document.activeElement;
    // Never under someone's hands: a drag, a move on its way, a menu being chosen from.
    if (!el || dragging || pending || (active && el.contains(active) && active.tagName === "SELECT")) {
      return false;
    }
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var fresh = template.content.querySelector("#pipeline-board");
    if (!fresh) return false;
    var known = {};
    el.querySelectorAll(".pipeline-card").forEach(function (card) {
      known[card.dataset.applicationId] = true;
    });
    var focus = focusKey(el);
    var left = el.scrollLeft;
    el.replaceWith(fresh);
    fresh.scrollLeft = left;
    fresh.querySelectorAll(".pipeline-card").forEach(function (card) {
      if (!known[card.dataset.applicationId]) card.classList.add("is-new");
    });
    if (window.htmx) window.htmx.process(fresh);
    init();
    if (focus) {
      var target = fresh.querySelector(focus);
      if (target) target.focus();
    }
    return true;
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    var el = board();
    if (!el) {
      timer = null;
      return;
    }
    var seconds = parseFloat(el.dataset.pollSeconds) || 3;
    timer = window.setTimeout(tick, delay === undefined ? seconds * 1000 : delay);
  }

  function tick() {
    var el = board();
    if (!el) {
      timer = null;
      return;
    }
    if (document.hidden || dragging || pending) {
      schedule();
      return;
    }
    var url = el.dataset.changesUrl;
    url += (url.indexOf("?") === -1 ? "?" : "&") + "version=" + encodeURIComponent(el.dataset.version);
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.status === 200) {
          return response.text().then(function (html) {
            redraw(html);
            schedule();
          });
        }
        // 204: nothing changed. 403/404: no longer a member here, stop asking.
        if (response.status < 400 || response.status >= 500) schedule();
        else timer = null;
      })
      .catch(function () {
        schedule();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer !== null) schedule(0);
  });

  window.daigangBoard = { init: init };
  init();
})();
