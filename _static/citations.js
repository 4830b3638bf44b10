/* The formatted reference of an in-text citation, shown beside it while the
   pointer is over the citation or the keyboard's focus is on it; Escape hides
   it. The text is the link's own title (report.citelinks), moved to a data
   attribute so the browser does not show it a second time. The popover is one
   absolutely positioned element at the end of the body: showing it moves
   nothing on the page. */
(() => {
  "use strict";
  const GAP = 6;
  let popover = null;
  let owner = null;

  function box() {
    if (!popover) {
      popover = document.createElement("div");
      popover.id = "citation-popover";
      popover.className = "citation-popover";
      popover.setAttribute("role", "tooltip");
      popover.hidden = true;
      popover.addEventListener("mouseleave", (event) => {
        if (event.relatedTarget !== owner) hide();
      });
      document.body.appendChild(popover);
    }
    return popover;
  }

  function show(link) {
    const text = link.dataset.reference;
    if (!text) return;
    const element = box();
    if (owner && owner !== link) owner.removeAttribute("aria-describedby");
    element.textContent = text;
    element.hidden = false;
    owner = link;
    link.setAttribute("aria-describedby", element.id);
    const anchor = link.getBoundingClientRect();
    const page = document.documentElement.clientWidth;
    const left = Math.max(GAP, Math.min(anchor.left, page - element.offsetWidth - GAP));
    const below = anchor.bottom + GAP + element.offsetHeight <= window.innerHeight;
    const top = below ? anchor.bottom + GAP : anchor.top - GAP - element.offsetHeight;
    element.style.left = `${left + window.scrollX}px`;
    element.style.top = `${Math.max(GAP, top + window.scrollY)}px`;
  }

  function hide() {
    if (popover) popover.hidden = true;
    if (owner) owner.removeAttribute("aria-describedby");
    owner = null;
  }

  for (const link of document.querySelectorAll("a.citation-link[title]")) {
    link.dataset.reference = link.title;
    link.removeAttribute("title");
    link.addEventListener("mouseenter", () => show(link));
    link.addEventListener("focus", () => show(link));
    link.addEventListener("mouseleave", (event) => {
      if (event.relatedTarget !== popover) hide();
    });
    link.addEventListener("blur", hide);
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && owner) hide();
  });
})();
