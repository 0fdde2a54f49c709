// Wagtail's rich-text editors (Draftail) and tag inputs (tag-it) are typed into through an element of their
// own, not the field the label points at: screen readers announced them without a name. Each gets the name of
// its field's label (aria-labelledby), also when a StreamField block adds one later.
(function () {
  "use strict";
  var SELECTOR = ".public-DraftEditor-content, input.ui-autocomplete-input";
  var counter = 0;
  var pending = false;

  function fieldLabel(element) {
    // The field's own input (hidden by the widget) is what its label points at.
    var container = element.closest(".w-field__input");
    var input = container && container.querySelector("input[id], textarea[id]");
    var label = input && document.querySelector('label[for="' + CSS.escape(input.id) + '"]');
    // Otherwise the nearest label of the field around it (a StreamField block's child field puts its label
    // beside the field's wrapper, without `for`).
    for (var node = element.parentElement; !label && node && node !== document.body; node = node.parentElement) {
      label = node.querySelector(":scope > label.w-field__label");
    }
    if (!label) {
      return null;
    }
    if (!label.id) {
      counter += 1;
      label.id = "passinnov-field-label-" + counter;
    }
    return label;
  }

  function nameAll() {
    pending = false;
    document.querySelectorAll(SELECTOR).forEach(function (element) {
      if (element.hasAttribute("aria-label") || element.hasAttribute("aria-labelledby")) {
        return;
      }
      var label = fieldLabel(element);
      if (label) {
        element.setAttribute("aria-labelledby", label.id);
      }
    });
  }

  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(nameAll);
    }
  }

  function start() {
    nameAll();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
