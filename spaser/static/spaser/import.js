// A long import shows that it runs: <form data-spaser-progress-from="5000"> with a [data-spaser-progress] block.
// The lines come from data-spaser-lines (counted by the server) or from the chosen file, counted here. The server
// checks then stores the whole file in one request (all or nothing): the bar is indeterminate, it does not invent
// a percentage.
const LINES = new WeakMap();

function announce(form, lines) {
  const block = form.querySelector("[data-spaser-progress]");
  const text = new Intl.NumberFormat("fr-FR").format(lines);
  block.querySelector("[data-spaser-progress-text]").textContent =
    `Import de ${text} lignes en cours : vérification puis enregistrement. Cela peut prendre une minute, ne fermez pas la page.`;
  block.hidden = false;
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.disabled = true;
  }
}

for (const form of document.querySelectorAll("form[data-spaser-progress-from]")) {
  if (form.dataset.spaserLines) {
    LINES.set(form, Number(form.dataset.spaserLines));
  }
  const input = form.querySelector("input[type=file]");
  input?.addEventListener("change", async () => {
    const file = input.files[0];
    const text = file ? await file.text() : "";
    LINES.set(form, text.split("\n").filter((line) => line.replace(/[;,\s]/g, "")).length - 1);
  });
  form.addEventListener("submit", () => {
    const lines = LINES.get(form) || 0;
    if (lines > Number(form.dataset.spaserProgressFrom)) {
      // After the browser has taken the form's data: a disabled button would not be sent.
      window.setTimeout(() => announce(form, lines), 0);
    }
  });
}

// Back to this page from the browser's cache: the form is usable again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) {
    return;
  }
  for (const block of document.querySelectorAll("[data-spaser-progress]")) {
    block.hidden = true;
  }
  for (const button of document.querySelectorAll("form[data-spaser-progress-from] button[type=submit]")) {
    button.disabled = false;
  }
});
