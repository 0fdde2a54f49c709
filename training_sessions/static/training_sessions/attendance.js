// Participants page: « Tout le monde présent » ticks "present" for every participant of the attendance form;
// the facilitator then changes the exceptions and saves the whole list at once. Without this script the
// radio buttons work alone.
(function () {
  "use strict";
  document.querySelectorAll("[data-passinnov-all-present]").forEach(function (button) {
    var form = button.closest("form");
    var wrapper = button.closest("[data-passinnov-all-present-wrapper]");
    var status = form.querySelector("[data-passinnov-attendance-status]");
    if (wrapper) {
      wrapper.hidden = false;
    }
    button.addEventListener("click", function () {
      form.querySelectorAll('input[type="radio"][value="present"]').forEach(function (radio) {
        radio.checked = true;
      });
      if (status) {
        status.textContent = status.getAttribute("data-message");
      }
    });
  });
})();
