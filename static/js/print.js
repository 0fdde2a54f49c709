// "Imprimer" buttons (a fiche, a sign-in sheet): the printable layouts themselves are print stylesheets.
document.querySelectorAll("[data-passinnov-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
