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

/* Safe City — copy/share links to paragraphs, notes, pages, quotes (#:~:text=); « Citer ».
   Web Share on touch devices that have it, else the clipboard. No library, no network. */
(function () {
  "use strict";
  var d = document, art = d.querySelector("article"), T = d.title, Q, tm;
  if (!art) return;
  var url = (d.querySelector("link[rel=canonical]") || location).href.split("#")[0],
    touch = matchMedia("(pointer:coarse)").matches, share = touch && navigator.share,
    verb = share ? "Partager" : "Copier", st = mk("div", "ed-toast");
  st.setAttribute("role", "status");
  d.body.append(st);

  function mk(tag, cls, txt) { var e = d.createElement(tag); e.className = cls; e.textContent = txt || ""; return e; }
  function all(sel, fn) { art.querySelectorAll(sel).forEach(fn); }
  function say(msg) {
    st.textContent = msg;
    st.classList.add("is-on");
    clearTimeout(st.t);
    st.t = setTimeout(function () { st.className = "ed-toast"; st.textContent = ""; }, 3000);
  }
  function legacy(text, msg) { // plain http:// away from localhost
    var t = mk("textarea", "ed-off", text), f = d.activeElement, ok;
    d.body.append(t);
    t.select();
    try { ok = d.execCommand("copy"); } catch (e) { /* refused */ }
    t.remove();
    f && f.focus();
    say(ok ? msg : "Copiez ce lien : " + text);
  }
  function copy(text, msg) {
    msg = msg || "Lien copié";
    if (!navigator.clipboard || !isSecureContext) return legacy(text, msg);
    navigator.clipboard.writeText(text).then(function () { say(msg); }, function () { legacy(text, msg); });
  }
  function send(link, title, text) {
    if (!share) return copy(link);
    navigator.share({ title: title, text: text, url: link }).catch(function (e) { e.name == "AbortError" || copy(link); });
  }
  function button(what, cls, link, title) {
    var b = mk("button", "ed-share " + cls), label = verb + " le lien " + what;
    b.title = label;
    b.setAttribute("aria-label", label);
    b.onclick = function () { send(link, title); };
    return b;
  }

  var h1 = art.querySelector("h1");
  h1 && h1.before(button("de cette page", "ed-share--page", url, T));
  all("p.ed-par[id]", function (p) {
    var n = p.id.slice(1), a = p.querySelector(".ed-parnum"), b = button("vers le paragraphe " + n, "", url + "#" + p.id, T + ", § " + n);
    a ? a.after(b) : p.prepend(b);
  });
  all('.footnote li[id^="note-"]', function (li) {
    var n = li.id.slice(5);
    (li.lastElementChild || li).append(button("vers la note " + n, "", url + "#" + li.id, T + ", note " + n));
  });
  all("[data-copy]", function (b) { // « Citer »
    b.hidden = false;
    b.onclick = function () { copy(d.getElementById(b.dataset.copy).textContent.replace(/[ \t\n]+/g, " ").trim(), "Référence copiée"); };
  });
  var now = new Date(), day = now.getDate();
  all(".ed-cite__date", function (e) {
    e.textContent = (day > 1 ? day : "1er") + " " + now.toLocaleDateString("fr-FR", { month: "long", year: "numeric" });
  });

  // Quote links: the words selected in the passage, as a text fragment.
  if (!art.querySelector(".ed-par")) return;
  var qb = mk("button", "ed-quote", share ? "Partager cette citation" : "Copier le lien vers cette citation");
  qb.hidden = true;
  qb.onmousedown = function (e) { e.preventDefault(); }; // keeps the selection
  qb.onclick = function () { qb.hidden = true; send(Q.link, T, "« " + Q.text + " »"); };
  d.body.append(qb);

  function mid(n, i) { return n.nodeType == 3 && i > 0 && /^[\p{L}\p{N}]{2}$/u.test(n.data.slice(i - 1, i + 1)); }
  function enc(w) { return encodeURIComponent(w.join(" ")).replace(/-/g, "%2D"); }
  function place() {
    var s = getSelection(), r = s.rangeCount && s.getRangeAt(0), c = r && r.commonAncestorContainer;
    c = c && c.nodeType == 3 ? c.parentNode : c;
    // One line per block, less the hidden « Paragraphe N » of the margin numbers.
    var L = s.toString().split(/\s*\n\s*/).filter(function (l, i, a) {
      return l && !(l == "Paragraphe" && /^\d+$/.test(a[i + 1])) && !(/^\d+$/.test(l) && a[i - 1] == "Paragraphe");
    });
    var first = (L[0] || "").trim().split(/\s+/), last = L.length > 1 ? L[L.length - 1].trim().split(/\s+/) : first;
    if (r && mid(r.startContainer, r.startOffset)) first.shift(); // half-selected words: out
    if (r && mid(r.endContainer, r.endOffset)) last.pop();
    if (s.isCollapsed || !c || !art.contains(c) || c.closest(".ed-cite") || !first[0] || !last[0]) return (qb.hidden = true);
    Q = L.length == 1 && first.length <= 10 ? { f: enc(first), text: first.join(" ") } : { f: enc(first.slice(0, 5)) + "," + enc(last.slice(-5)), text: L.join(" ") };
    Q.link = url + "#:~:text=" + Q.f;
    var rs = r.getClientRects(), box = rs[rs.length - 1] || r.getBoundingClientRect();
    qb.hidden = false;
    qb.style.left = Math.max(8, Math.min(box.left, innerWidth - qb.offsetWidth - 24)) + scrollX + "px";
    qb.style.top = box.bottom + scrollY + (touch ? 40 : 8) + "px";
  }
  d.addEventListener("selectionchange", function () { clearTimeout(tm); tm = setTimeout(place, 200); });
})();

/* Material's search dialog has no accessible name (Lighthouse: aria-dialog-name). */
(function () {
  "use strict";
  var dialog = document.querySelector(".md-search[role='dialog']");
  if (dialog && !dialog.getAttribute("aria-label")) dialog.setAttribute("aria-label", "Recherche dans l’édition");
})();
