/* Safe City, édition annotée — previews of notes and entries, and the reading modes.
   No library, no network: the preview text is already in the page (see .ed-previews).
   - Mouse: hover opens next to the word; keyboard: focus opens it, Escape closes.
   - Touch: one tap opens (on a narrow screen as a sheet at the bottom of the screen), the
     preview's own link or a second tap goes on; a tap outside or the close button closes.
   Wherever it opens, the preview is placed inside the window (position: fixed). */
(function () {
  "use strict";
  var d = document, pop, body, more, current = null, hideTimer = null, quiet = false;
  var REF = "a.ed-ref[href][aria-describedby]";

  function popover() {
    if (pop) return pop;
    pop = d.createElement("div");
    pop.className = "ed-popover";
    pop.id = "ed-popover";
    pop.hidden = true;
    body = d.createElement("div");
    body.className = "ed-popover__body";
    more = d.createElement("a");
    more.className = "ed-popover__more";
    var close = d.createElement("button");
    close.type = "button";
    close.className = "ed-popover__close";
    close.setAttribute("aria-label", "Fermer l’aperçu");
    close.addEventListener("click", function () { hide(true); });
    pop.append(close, body, more);
    pop.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    pop.addEventListener("mouseleave", function () { if (pop.dataset.mode === "hover") scheduleHide(); });
    d.body.appendChild(pop);
    return pop;
  }

  function moreLabel(link) { // a note call, an entry, or a finding (≠): the page that proves it
    var n = (link.getAttribute("href").match(/notes\/([^/#]+)/) || [])[1];
    if (!n) return "Voir l’entrée";
    return n === "asterisque" ? "Lire la note sur l’astérisque" : "Lire la note " + n;
  }

  // mode: "hover" (mouse), "focus" (keyboard) or "tap" (touch).
  function show(link, mode) {
    var source = d.getElementById(link.getAttribute("aria-describedby"));
    if (!source) return;
    clearTimeout(hideTimer);
    var box = popover();
    body.textContent = "";
    Array.prototype.forEach.call(source.childNodes, function (n) { body.appendChild(n.cloneNode(true)); });
    if (!body.firstElementChild || body.firstElementChild.tagName !== "P") { // bare text: one paragraph
      var p = d.createElement("p");
      p.append.apply(p, Array.prototype.slice.call(body.childNodes));
      body.appendChild(p);
    }
    Array.prototype.forEach.call(body.querySelectorAll("[id]"), function (e) { e.removeAttribute("id"); });
    more.href = link.href;
    more.textContent = moreLabel(link) + " →";
    var sheet = mode === "tap" && innerWidth < 720;
    var interactive = mode === "tap";
    box.dataset.mode = mode;
    box.classList.toggle("ed-popover--sheet", sheet);
    box.setAttribute("role", interactive ? "dialog" : "tooltip");
    if (interactive) box.setAttribute("aria-label", "Aperçu : " + (link.getAttribute("aria-label") || link.textContent.trim()));
    else box.removeAttribute("aria-label");
    box.querySelectorAll("a, button").forEach(function (e) { e.tabIndex = interactive ? 0 : -1; });
    box.hidden = false;
    current = link;
    place();
    if (sheet) { // keep the word in sight above the sheet
      var r = link.getBoundingClientRect(), top = innerHeight - box.offsetHeight;
      if (r.bottom > top - 8) scrollBy(0, r.bottom - top + 16);
      else if (r.top < 56) scrollBy(0, r.top - 72);
    }
  }

  // Below the word if it fits, else above, else on the side with more room (scrolling inside).
  function place() {
    if (!pop || pop.hidden || !current) return;
    var box = pop, vw = d.documentElement.clientWidth, vh = innerHeight, m = 8, gap = 6;
    box.style.maxHeight = "";
    if (box.classList.contains("ed-popover--sheet")) {
      box.style.left = box.style.top = "";
      return;
    }
    var rects = current.getClientRects(), r = rects[0] || current.getBoundingClientRect();
    var w = box.offsetWidth, h = box.offsetHeight;
    var below = vh - r.bottom - gap - m, above = r.top - gap - m;
    var top;
    if (h <= below) top = r.bottom + gap;
    else if (h <= above) top = r.top - gap - h;
    else if (below >= above) { box.style.maxHeight = below + "px"; top = r.bottom + gap; }
    else { box.style.maxHeight = above + "px"; top = r.top - gap - box.offsetHeight; }
    box.style.top = Math.max(m, top) + "px";
    box.style.left = Math.max(m, Math.min(r.left, vw - w - m)) + "px";
  }

  function hide(refocus) {
    clearTimeout(hideTimer);
    if (!pop || pop.hidden) return;
    var link = current;
    pop.hidden = true;
    current = null;
    if (refocus && link) {
      quiet = true; // focusing the word again must not reopen its preview
      link.focus({ preventScroll: true });
      quiet = false;
    }
  }

  function scheduleHide() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { hide(false); }, 250);
  }

  // What the reader used last: a tap focuses the link before its click, so remember
  // what was open when the finger came down.
  var lastPointer = "mouse", openAtPointerDown = null;
  d.addEventListener("pointerdown", function (e) {
    lastPointer = e.pointerType || lastPointer;
    openAtPointerDown = pop && !pop.hidden ? current : null;
  }, true);
  d.addEventListener("keydown", function (e) { if (e.key === "Tab" || e.key.indexOf("Arrow") === 0) lastPointer = "keyboard"; }, true);

  function refOf(e) { var t = e.target; return t && t.closest ? t.closest(REF) : null; }

  d.addEventListener("mouseover", function (e) {
    var link = refOf(e);
    if (!link || lastPointer === "touch") return;
    if (link !== current || pop.dataset.mode !== "tap") show(link, "hover");
  });
  d.addEventListener("mouseout", function (e) {
    var link = refOf(e);
    if (!link || link !== current || pop.dataset.mode !== "hover") return;
    if (e.relatedTarget && (link.contains(e.relatedTarget) || pop.contains(e.relatedTarget))) return;
    scheduleHide();
  });
  d.addEventListener("focusin", function (e) {
    var link = refOf(e);
    if (!link || quiet || lastPointer === "touch" || lastPointer === "mouse" && !link.matches(":focus-visible")) return;
    show(link, "focus");
  });
  d.addEventListener("focusout", function (e) {
    var link = refOf(e);
    if (!link || link !== current || !pop || pop.dataset.mode === "tap") return;
    // Focus moving on (Tab) closes at once, or the preview would cover the next stop;
    // focus or pointer going into the preview keeps it open.
    if ((e.relatedTarget && pop.contains(e.relatedTarget)) || pop.matches(":hover")) scheduleHide();
    else hide(false);
  });
  d.addEventListener("click", function (e) {
    var link = refOf(e);
    if (link) {
      // On touch the first tap opens the preview; its link (or a second tap) follows.
      // A click from the keyboard (Enter) or a mouse always follows the link.
      var kind = e.pointerType || (e.detail ? lastPointer : "keyboard");
      if (kind === "touch" && openAtPointerDown !== link) {
        e.preventDefault();
        show(link, "tap");
      }
      return;
    }
    if (!pop || pop.hidden || pop.contains(e.target)) return;
    var focusable = e.target.closest && e.target.closest("a, button, input, select, textarea, label, [tabindex]");
    hide(!focusable && pop.dataset.mode === "tap");
  });
  d.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && pop && !pop.hidden) hide(true);
  });
  addEventListener("scroll", function () {
    if (!pop || pop.hidden) return;
    var r = current.getBoundingClientRect();
    // A word scrolled out of the window takes its preview (not the sheet) with it.
    if (pop.dataset.mode !== "tap" && (r.bottom < 0 || r.top > innerHeight)) hide(false);
    else place();
  }, { passive: true });
  addEventListener("resize", place);

  // Material leaves its search overlay over the page when Tab leaves the search: close it.
  d.addEventListener("focusin", function (e) {
    var search = d.getElementById("__search");
    if (search && search.checked && !e.target.closest(".md-search")) {
      search.checked = false;
      search.dispatchEvent(new Event("change"));
    }
  });

  /* Reading modes, on the text page: « Annotations : toutes · premières mentions · aucune ».
     The build marks entries at their first mention only (class ed-ref--first; later mentions
     keep their address in data-href): that is the default, also without JavaScript. The
     reader's choice is kept in this browser (localStorage), never sent anywhere. */
  var firsts = d.querySelectorAll("article a.ed-ref--first");
  if (!firsts.length) return;
  var hrefs = {}, KEY = "edition.annotations";
  var MODES = [["toutes", "toutes"], ["premieres", "premières mentions"], ["aucune", "aucune"]];
  firsts.forEach(function (a) { hrefs[a.getAttribute("aria-describedby")] = a.getAttribute("href"); });
  function apply(mode) {
    d.querySelectorAll("article .ed-ref--glossaire, article .ed-ref--noms").forEach(function (el) {
      var on = mode === "toutes" || (mode === "premieres" && el.classList.contains("ed-ref--first"));
      if (el.tagName !== "A") { // a later mention, as built: the same element, as a link
        var a = d.createElement("a");
        Array.prototype.forEach.call(el.attributes, function (at) { a.setAttribute(at.name, at.value); });
        a.append.apply(a, Array.prototype.slice.call(el.childNodes));
        el.replaceWith(a);
        el = a;
      }
      if (on) el.setAttribute("href", hrefs[el.getAttribute("aria-describedby")]);
      else el.removeAttribute("href");
    });
    d.documentElement.dataset.edAnnotations = mode;
  }
  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  var mode = stored();
  if (!MODES.some(function (m) { return m[0] === mode; })) mode = "premieres";
  var form = d.createElement("fieldset");
  form.className = "ed-annotations";
  var legend = d.createElement("legend");
  legend.textContent = "Annotations";
  form.appendChild(legend);
  MODES.forEach(function (m) {
    var label = d.createElement("label"), input = d.createElement("input");
    input.type = "radio";
    input.name = "ed-annotations";
    input.value = m[0];
    input.checked = m[0] === mode;
    input.addEventListener("change", function () {
      apply(m[0]);
      try { localStorage.setItem(KEY, m[0]); } catch (e) { /* private mode: not remembered */ }
    });
    label.append(input, d.createTextNode(m[1]));
    form.appendChild(label);
  });
  var anchor = d.getElementById("passage") || firsts[0].closest("p");
  anchor.after(form);
  apply(mode);
})();

/* Safe City — copy/share links to paragraphs, notes, pages, quotes (#:~:text=); « Citer ».
   Web Share on touch devices that have it, else the clipboard. No library, no network. */
(function () {
  "use strict";
  var d = document, art = d.querySelector("article"), T = d.title, Q, tm;
  if (!art) return;
  var url = (d.querySelector("link[rel=canonical]") || location).href.split(/[?#]/)[0],
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
    st.t = setTimeout(function () { st.className = "ed-toast"; st.textContent = ""; }, touch ? 2000 : 3000);
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
    if (!touch) b.title = label; // a touch screen would leave the label over the text
    b.setAttribute("aria-label", label);
    b.onclick = function () { send(link, title); };
    return b;
  }

  var h1 = art.querySelector("h1");
  h1 && h1.before(button("de cette page", "ed-share--page", url, T));
  all("p.ed-par[id]", function (p) {
    var n = p.id.slice(1), a = p.querySelector(".ed-parnum"), b = button("vers le paragraphe " + n, "", url + n + "/", T + ", § " + n); // its share address (texte/3/)
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

  // Quotes: the words selected in the passage or the epigraph, with who wrote them and a link
  // to them (text fragment); and the same quote drawn as an image (canvas, 1200 × 630).
  var unit = art.querySelector(".ed-par");
  if (!unit) return;
  function meta(n) { var m = d.querySelector('meta[name="citation_' + n + '"]'); return m ? m.content.trim() : ""; }
  var who = meta("author").replace(/^([^,]+), (.+)$/, "$2 $1"), year = meta("publication_date").slice(0, 4),
    book = meta("title").split(/\s*[.:]\s/)[0] || T, by = (who ? who + ", " : "") + book + (year ? " (" + year + ")" : ""),
    epi = d.getElementById("epigraphe"), ebq = epi && epi.closest("blockquote"), host = new URL(url).hostname,
    font = getComputedStyle(unit).fontFamily,
    qs = mk("div", "ed-quote"), qb = mk("button", "", share ? "Partager la citation" : "Copier la citation"),
    ib = mk("button", "", "Image de la citation");
  if (/(^|\.)example(\.org|\.com)?$/.test(host)) host = ""; // placeholder site_url: no domain on the image
  qs.hidden = true;
  qs.setAttribute("role", "group");
  qs.setAttribute("aria-label", "Citation sélectionnée");
  qs.append(qb, ib);
  qs.onmousedown = function (e) { e.preventDefault(); }; // keeps the selection
  function done() { if (touch) { qs.hidden = true; getSelection().removeAllRanges(); } } // else back over the text
  function fresh() { // a click can come before the selection's last change was seen
    clearTimeout(tm);
    getSelection().isCollapsed || place();
    return !qs.hidden;
  }
  qb.onclick = function () {
    if (!fresh()) return;
    var t = Q.q + " — " + Q.by;
    if (share) navigator.share({ title: T, text: t, url: Q.link }).catch(function (e) { e.name == "AbortError" || copy(t + "\n" + Q.link, "Citation copiée"); });
    else copy(t + "\n" + Q.link, "Citation copiée");
    done();
  };
  ib.onclick = function () {
    if (!fresh()) return;
    var c = mk("canvas"), x = c.getContext("2d"), W = c.width = 1200, H = c.height = 630, s = 64, L, k, u, b, f, a;
    x.fillStyle = "#faf6ef"; x.fillRect(0, 0, W, H);
    x.fillStyle = "#7a1f2b"; x.fillRect(0, 0, 18, H); x.fillRect(80, 470, 120, 4);
    function wrap(t) { // lines of at most 1040 px
      var out = [], line = "";
      t.split(" ").forEach(function (w) { var n = line ? line + " " + w : w; if (line && x.measureText(n).width > 1040) { out.push(line); line = w; } else line = n; });
      return out.concat(line);
    }
    for (; ; s -= 4) { // the largest size that fits 380 px of height, else the smallest, cut with …
      x.font = s + "px " + font;
      L = wrap(Q.q.replace(/^« /, "«\u00a0").replace(/ »$/, "\u00a0»")); // a guillemet never alone on a line
      k = Math.floor(380 / (s * 1.3));
      if (L.length <= k || s <= 36) break;
    }
    if (L.length > k) {
      L = L.slice(0, k);
      for (u = L[k - 1].split(" "); u.length > 1 && x.measureText(u.join(" ") + "…\u00a0»").width > 1040;) u.pop();
      L[k - 1] = u.join(" ").replace(/[\s,;:.]+$/, "") + "…\u00a0»";
    }
    x.fillStyle = "#1d1d22";
    L.forEach(function (l, i) { x.fillText(l, 80, 70 + s + i * s * 1.3); });
    x.font = "italic 34px " + font;
    x.fillText(Q.who, 80, 530, 1040);
    x.font = "28px " + font; x.fillStyle = "#5a5a60";
    x.fillText(Q.n == "epigraphe" ? "épigraphe" : "§ " + Q.n, 80, 580);
    x.textAlign = "right";
    x.fillText(host ? host + new URL(url).pathname + Q.n + "/" : (d.querySelector('meta[property="og:site_name"]') || {}).content || "", 1120, 580, 900);
    // Bytes at once (not toBlob): a share sheet needs the click's user activation (Safari).
    u = atob(c.toDataURL("image/png").split(",")[1]);
    for (b = new Uint8Array(u.length), k = 0; k < u.length; k++) b[k] = u.charCodeAt(k);
    b = new Blob([b], { type: "image/png" });
    u = d.querySelector(".ed-cite[data-files]"); // mkdocs.yml extra.edition.files: the downloads' stem
    f = "citation-" + (u ? u.getAttribute("data-files") + "-" : "") + (Q.n == "epigraphe" ? "" : "p") + Q.n + ".png";
    u = share && navigator.canShare && new File([b], f, { type: "image/png" });
    if (u && navigator.canShare({ files: [u] })) navigator.share({ files: [u], title: T, text: Q.q + " — " + Q.by }).catch(function () {});
    else {
      a = mk("a");
      a.download = f;
      a.href = u = URL.createObjectURL(b);
      d.body.append(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(u); }, 6e4);
      say("Image téléchargée");
    }
    done();
  };
  d.addEventListener("keydown", function (e) { if (e.key == "Escape" && !qs.hidden) { qs.hidden = true; qb.blur(); ib.blur(); } });

  function mid(n, i) { return n.nodeType == 3 && i > 0 && /^[\p{L}\p{N}]{2}$/u.test(n.data.slice(i - 1, i + 1)); }
  function enc(w) { return encodeURIComponent(w.join(" ")).replace(/-/g, "%2D"); }
  function within(n) { // the paragraph or the epigraph a point of the selection is in
    n = n && (n.nodeType == 3 ? n.parentNode : n);
    var p = n && n.closest && n.closest("p.ed-par, blockquote");
    return p && (p.matches(".ed-par") || p == ebq) ? p : null;
  }
  function place() {
    var s = getSelection(), r = s.rangeCount && s.getRangeAt(0), c = r && r.commonAncestorContainer,
      u0 = r && within(r.startContainer), u1 = r && within(r.endContainer), t, w, R, first, last;
    c = c && c.nodeType == 3 ? c.parentNode : c;
    if (s.isCollapsed || !c || !u0 || !u1 || !art.contains(c)) return (qs.hidden = true);
    // The words as read, without margin numbers (« Paragraphe 3 ») or buttons; a note call
    // becomes \x01 and a block's end \x02: a text fragment cannot match across either (the
    // browser reads « social2. », where a note call is glued to its word).
    t = r.cloneContents();
    t.querySelectorAll(".ed-parnum, button, .ed-quote, .ed-previews").forEach(function (e) { e.remove(); });
    t.querySelectorAll("sup").forEach(function (e) { e.replaceWith("\x01"); });
    t.querySelectorAll("p, li").forEach(function (e) { e.append("\x02 "); });
    w = t.textContent.trim();
    if (mid(r.startContainer, r.startOffset)) w = w.replace(/^\S+\s*/, ""); // half-selected words: out
    if (mid(r.endContainer, r.endOffset)) w = w.replace(/\s*\S+$/, "");
    // Runs of words between note calls and block ends; the fragment: the words of a short run,
    // else the first five words of the first run and the last five of the last one.
    R = w.split(/[\x01\x02]/).map(function (x) { return x.trim().split(/\s+/); }).filter(function (x) { return /[\p{L}\p{N}]/u.test(x.join("")); });
    if (!R[0]) return (qs.hidden = true);
    first = R[0]; last = R[R.length - 1];
    Q = R.length == 1 && first.length <= 10 ? { f: enc(first) } : { f: enc(first.slice(0, 5)) + "," + enc(last.slice(-5)) };
    Q.link = url + "#:~:text=" + Q.f;
    Q.text = w.replace(/\x01/g, "").replace(/\s*\x02\s*|[ \t\r\n]+/g, " ").trim().replace(/^[,;:]\s*|\s*[,;:]$/g, ""); // no-break spaces kept
    Q.q = /^«[^«»]*»$/.test(Q.text) ? Q.text : "« " + Q.text + " »"; // a whole quotation: its own guillemets
    Q.n = u0 == ebq ? "epigraphe" : u0.id.slice(1);
    // The epigraph is Jacques Ellul's, quoted by the blog: its own attribution line, not Rigouste's.
    Q.who = u0 == ebq ? epi.textContent.replace(/^[\s–—-]+|[\s.]+$/g, "") : by;
    Q.by = Q.who + (u0 == ebq ? " (épigraphe)" : ", § " + Q.n);
    // Under the selection (below the touch handles), else above it; on screen in any case.
    u1.nextSibling == qs || u1.after(qs); // next in the tab order (moving it would blur it)
    qs.hidden = false;
    var rs = r.getClientRects(), lo = rs[rs.length - 1] || r.getBoundingClientRect(), hi = rs[0] || lo,
      h = qs.offsetHeight, gap = touch ? 40 : 8, top = lo.bottom + gap;
    if (top + h > innerHeight - 8) top = hi.top - gap - h >= 8 ? hi.top - gap - h : innerHeight - h - 8;
    qs.style.left = qs.style.top = "0px";
    var o = qs.getBoundingClientRect();
    qs.style.left = Math.max(8, Math.min(lo.left, d.documentElement.clientWidth - qs.offsetWidth - 8)) - o.left + "px";
    qs.style.top = top - o.top + "px";
  }
  d.addEventListener("selectionchange", function () { clearTimeout(tm); tm = setTimeout(place, 200); });
})();

/* Arriving from a search result (?h=words, #p4): the words are marked in the text even when
   typed without their accents (the search folds them; Material's own marks do not), and the
   first one inside the paragraph reached is brought into view. */
(function () {
  "use strict";
  var q = new URLSearchParams(location.search).get("h");
  var art = document.querySelector("article");
  if (!q || !art) return;
  function fold(c) { var f = c.normalize("NFD").replace(/[\u0300-\u036f]/g, ""); return f.length === 1 ? f : c; }
  function folded(s) { return Array.prototype.map.call(s, fold).join("").toLowerCase(); }
  var terms = folded(q).split(/\s+/).filter(function (t) { return t.length > 1; })
    .map(function (t) { return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
  if (!terms.length) return;
  var re = new RegExp("(^|[^\\p{L}\\p{N}])(" + terms.join("|") + ")[\\p{L}\\p{N}]*", "gu");
  function mark() {
    var walker = document.createTreeWalker(art, NodeFilter.SHOW_TEXT), nodes = [], n;
    while ((n = walker.nextNode()))
      if (!n.parentElement.closest("mark, script, style, .ed-previews, .ed-sr, .headerlink")) nodes.push(n);
    nodes.forEach(function (node) {
      var text = node.data, f = folded(text), m, last = 0, parts = [];
      re.lastIndex = 0;
      while ((m = re.exec(f))) {
        var start = m.index + m[1].length, end = m.index + m[0].length;
        parts.push(document.createTextNode(text.slice(last, start)));
        var mk = document.createElement("mark");
        mk.setAttribute("data-md-highlight", "");
        mk.textContent = text.slice(start, end);
        parts.push(mk);
        last = end;
      }
      if (!parts.length) return;
      parts.push(document.createTextNode(text.slice(last)));
      node.replaceWith.apply(node, parts);
    });
  }
  function bring() { // after the browser has scrolled to the paragraph (#p5)
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var first = target && target.querySelector("mark");
    if (!first) return;
    var r = first.getBoundingClientRect();
    if (r.top < 64 || r.bottom > innerHeight) first.scrollIntoView({ block: "center" });
  }
  if (document.readyState === "complete") setTimeout(bring, 50);
  else addEventListener("load", function () { setTimeout(bring, 50); });
  // After Material's own marks (its script runs first, on the same page load).
  setTimeout(mark, 0);
})();

/* Search results: a long paragraph is shown from a little before the first word found,
   not from its start (the reader sees the sentence they remember); CSS clamps the rest. */
(function () {
  "use strict";
  var list = document.querySelector(".md-search-result__list");
  if (!list || !window.MutationObserver) return;
  function excerpt(p) {
    var mark = p.querySelector("mark");
    if (p.dataset.edExcerpt || !mark) return;
    p.dataset.edExcerpt = "1";
    var before = document.createRange();
    before.setStart(p, 0);
    before.setEndBefore(mark);
    var text = before.toString();
    if (text.length <= 90) return;
    before.deleteContents();
    var keep = text.slice(-70);
    p.insertBefore(document.createTextNode("… " + keep.slice(keep.indexOf(" ") + 1)), p.firstChild);
  }
  new MutationObserver(function () {
    list.querySelectorAll(".md-search-result__article p:not(.md-search-result__terms)").forEach(excerpt);
  }).observe(list, { childList: true, subtree: true });
})();

/* Material's search dialog has no accessible name (Lighthouse: aria-dialog-name). */
(function () {
  "use strict";
  var dialog = document.querySelector(".md-search[role='dialog']");
  if (dialog && !dialog.getAttribute("aria-label")) dialog.setAttribute("aria-label", "Recherche dans l’édition");
})();
