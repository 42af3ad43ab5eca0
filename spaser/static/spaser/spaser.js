// Behaviours the pages ask for with data- attributes: the Content-Security-Policy forbids inline scripts.

// <button data-spaser-back hidden>: shown, and going back, when there is a page to go back to.
for (const button of document.querySelectorAll("[data-spaser-back]")) {
  if (window.history.length > 1) {
    button.hidden = false;
    button.addEventListener("click", () => window.history.back());
  }
}
