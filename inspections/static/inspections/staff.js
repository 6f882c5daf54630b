// Behaviour of the desk pages, kept out of the HTML: the Content-Security-Policy runs no inline script or handler.
// <select data-autosubmit> sends its form when changed; <button data-print> prints the page.
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
}
for (const button of document.querySelectorAll("button[data-print]")) {
  button.addEventListener("click", () => window.print());
}
// A table wider than the phone scrolls sideways in its .scroll box: the box then takes the keyboard focus (arrow keys
// scroll it) and is announced as a region named after the heading before it (or its first column), unique per page.
const regionNames = new Set();
for (const box of document.querySelectorAll(".scroll")) {
  if (box.scrollWidth <= box.clientWidth) continue;
  let heading = box.previousElementSibling;
  while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
  let name = (heading || box.querySelector("th") || document.querySelector("h1"))?.textContent.trim() || document.title;
  for (let n = 2; regionNames.has(name); n++) name = `${name.replace(/ \(\d+\)$/, "")} (${n})`;
  regionNames.add(name);
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", name);
}
