// The fiche's "Imprimer" button: the printable layout itself is print.css.
document.querySelectorAll("[data-passinnov-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
