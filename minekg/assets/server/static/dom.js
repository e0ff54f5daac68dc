// The element builder the server's pages share (loaded before curate.js and workbench.js).
// Plain browser JavaScript, no libraries.
"use strict";

// el("a", {href: "/x", text: "label"}, child...): an element with its attributes ("text" sets its text
// content, never HTML) and its children appended.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}
