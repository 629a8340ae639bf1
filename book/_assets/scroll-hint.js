// A table or diagram wider than the page scrolls sideways inside its own box
// (site.css); on a phone that box looks cut off, since touch screens hide scroll
// bars. So each one that overflows gets a visible word above it and a scroll bar
// that stays drawn; both go away when the box fits (a wider window, a rotation).
const WIDE = "article table.table, article pre.mermaid";

const hintFor = (box) => {
  const previous = box.previousElementSibling;
  if (previous && previous.classList.contains("tt-scroll-hint")) return previous;
  const hint = document.createElement("p");
  hint.className = "tt-scroll-hint";
  hint.textContent = "Wider than the screen: scroll sideways to see all of it →";
  box.before(hint);
  return hint;
};

const mark = () => {
  document.querySelectorAll(WIDE).forEach((box) => {
    const wide = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("tt-scrolls", wide);
    if (wide) hintFor(box).hidden = false;
    else if (box.previousElementSibling?.classList.contains("tt-scroll-hint")) {
      box.previousElementSibling.hidden = true;
    }
  });
};

let pending = 0;
const soon = () => {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(mark);
};
window.addEventListener("resize", soon);
document.addEventListener("DOMContentLoaded", soon);
new MutationObserver(soon).observe(document.documentElement, { childList: true, subtree: true });
