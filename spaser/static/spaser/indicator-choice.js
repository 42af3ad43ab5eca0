// The objective form (plans/_indicator_choice.html): a search that narrows the list of indicators, and the unit of
// the chosen one written next to the baseline and the targets. Without it the whole list shows, grouped by theme.

const choice = document.querySelector("[data-indicator-choice]");

const searchable = (text) => text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();

function filterIndicators(search, count) {
  const words = searchable(search.value).split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const option of choice.querySelectorAll("[data-indicator-option]")) {
    const text = searchable(option.textContent);
    option.hidden = !words.every((word) => text.includes(word));
    shown += option.hidden ? 0 : 1;
  }
  for (const group of choice.querySelectorAll("[data-indicator-group]")) {
    group.hidden = !group.querySelector("[data-indicator-option]:not([hidden])");
  }
  count.textContent = words.length ? `${shown} indicateur${shown > 1 ? "s" : ""} correspond${shown > 1 ? "ent" : ""} à la recherche.` : "";
}

function showUnit() {
  const chosen = choice.querySelector("input[type=radio]:checked");
  if (!chosen) {
    return;
  }
  for (const hint of document.querySelectorAll("[data-shows-unit] .fr-hint-text")) {
    hint.textContent = chosen.dataset.unitHint;
  }
}

if (choice) {
  const group = choice.querySelector("[data-indicator-search-group]");
  const search = group.querySelector("[data-indicator-search]");
  const count = group.querySelector("[data-indicator-count]");
  group.hidden = false;
  search.addEventListener("input", () => filterIndicators(search, count));
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault(); // a search narrows the list; it does not send the form
    }
  });
  choice.addEventListener("change", showUnit);
}
