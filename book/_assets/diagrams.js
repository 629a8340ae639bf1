// Mermaid diagrams at a readable size: never enlarged past their natural size (16 px
// text), never shrunk below three quarters of it. On a narrow screen a wide diagram
// scrolls sideways inside its own box (book/_assets/site.css) instead of shrinking
// until its text is unreadable. sphinxcontrib-mermaid's own style stretches every
// diagram to the page's width, hence the inline, important sizes.
const MIN_SCALE = 0.75;

const fit = (svg) => {
  const natural = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width;
  if (!natural || svg.dataset.fitted === String(natural)) return;
  svg.dataset.fitted = String(natural);
  svg.style.setProperty("width", "100%", "important");
  svg.style.setProperty("max-width", `${natural}px`, "important");
  svg.style.setProperty("min-width", `${Math.round(natural * MIN_SCALE)}px`, "important");
};

const fitAll = () => document.querySelectorAll("pre.mermaid > svg").forEach(fit);

new MutationObserver(fitAll).observe(document.documentElement, {
  childList: true,
  subtree: true,
});
document.addEventListener("DOMContentLoaded", fitAll);
