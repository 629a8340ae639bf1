// Small helpers of the box's page code.

let ids = 0;

// A fresh id for an element of the box (a page may hold more than one box).
export const uniqueId = (name) => `tt-ag-${name}-${++ids}`;

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

// A character as the page shows it: a visible mark for the newline and the space.
export const shown = (c) => (c === "\n" ? "↵" : c === " " ? "␣" : c);

export const percent = (p) => `${(100 * p).toFixed(1)}\u00a0%`; // a no-break space

// Let the browser paint and handle input between two steps of the model, without
// waiting for a frame when none is due (scheduler.yield where there is one).
export function yieldToBrowser() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

// Resolves once the browser has shown what the page changed (after the next frame).
export function afterPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

// The theme's colour `property` (a CSS custom property) as [r, g, b], read through an
// element so that named and hex colours alike come back as rgb().
export function themeColour(property) {
  const probe = element("span", { style: `color: var(${property})`, hidden: "" });
  document.body.append(probe);
  const colour = getComputedStyle(probe).color.match(/[\d.]+/g).slice(0, 3).map(Number);
  probe.remove();
  return colour;
}
