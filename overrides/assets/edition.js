/* Safe City, édition annotée — previews of notes and entries (hover, focus, tap; Escape closes).
   No library, no network: the preview text is already in the page (see .ed-previews). */
(function () {
  "use strict";
  var pop, current = null, hideTimer = null;

  function popover() {
    if (pop) return pop;
    pop = document.createElement("div");
    pop.className = "ed-popover";
    pop.id = "ed-popover";
    pop.setAttribute("role", "tooltip");
    pop.hidden = true;
    pop.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    pop.addEventListener("mouseleave", function () { scheduleHide(); });
    document.body.appendChild(pop);
    return pop;
  }

  function show(link) {
    var source = document.getElementById(link.getAttribute("aria-describedby"));
    if (!source) return;
    clearTimeout(hideTimer);
    var box = popover();
    box.textContent = "";
    var p = document.createElement("p");
    p.innerHTML = source.innerHTML;
    box.appendChild(p);
    var more = document.createElement("a");
    more.href = link.href;
    more.tabIndex = -1;
    more.textContent = link.classList.contains("ed-ref--notes") ? "Lire la note →" : "Lire l’entrée →";
    box.appendChild(more);
    box.hidden = false;
    current = link;
    var r = link.getBoundingClientRect();
    var width = box.offsetWidth;
    var left = Math.min(Math.max(8, r.left + window.scrollX), window.scrollX + document.documentElement.clientWidth - width - 8);
    box.style.left = Math.max(8, left) + "px";
    box.style.top = (r.bottom + window.scrollY + 6) + "px";
  }

  function hide() {
    clearTimeout(hideTimer);
    if (pop) pop.hidden = true;
    current = null;
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 250);
  }

  function refs() {
    return document.querySelectorAll("a.ed-ref[aria-describedby]");
  }

  // What opened the preview matters on touch screens: a tap focuses the link (which shows its
  // preview) before its click, so remember what was open when the finger came down.
  var lastPointer = "mouse", openAtPointerDown = null;
  document.addEventListener("pointerdown", function (e) {
    lastPointer = e.pointerType;
    openAtPointerDown = pop && !pop.hidden ? current : null;
  }, true);
  document.addEventListener("keydown", function () { lastPointer = "keyboard"; }, true);

  refs().forEach(function (link) {
    link.addEventListener("mouseenter", function () { if (lastPointer !== "touch") show(link); });
    link.addEventListener("mouseleave", scheduleHide);
    link.addEventListener("focus", function () { show(link); });
    link.addEventListener("blur", function (e) {
      // Focus moving on (Tab) closes at once, or the preview would cover the next stop;
      // focus or pointer going into the preview keeps it open.
      if (pop && ((e.relatedTarget && pop.contains(e.relatedTarget)) || pop.matches(":hover"))) scheduleHide();
      else if (current === link) hide();
    });
    link.addEventListener("click", function (e) {
      // On touch, the first tap opens the preview; the preview's own link (or a second tap) follows.
      // A click from the keyboard (Enter) has no pointer type: it always follows the link.
      var kind = "pointerType" in e ? e.pointerType : lastPointer;
      if (kind === "touch" && openAtPointerDown !== link) {
        e.preventDefault();
        show(link);
      }
    });
  });

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && pop && !pop.hidden) {
      var link = current;
      hide();
      if (link) link.focus({ preventScroll: true });
      hide();  // focusing a link that only had the pointer on it shows its preview again
    }
  });
  // Material leaves its search overlay over the page when Tab leaves the search: close it.
  document.addEventListener("focusin", function (e) {
    var search = document.getElementById("__search");
    if (search && search.checked && !e.target.closest(".md-search")) {
      search.checked = false;
      search.dispatchEvent(new Event("change"));
    }
  });
  document.addEventListener("click", function (e) {
    if (!pop || pop.hidden) return;
    if (pop.contains(e.target) || (current && current.contains(e.target))) return;
    hide();
  });
})();
