// Behaviour of the desk pages, kept out of the HTML: the Content-Security-Policy runs no inline script or handler.
// <select data-autosubmit> sends its form when changed; <button data-print> prints the page.
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
}
for (const button of document.querySelectorAll("button[data-print]")) {
  button.addEventListener("click", () => window.print());
}
