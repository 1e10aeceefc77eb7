// Progressive enhancement for the stellingen page: clicking or tapping an answer saves it at once.
// Without JavaScript the "Opslaan en volgende" button does the same. Arrow keys select each answer they
// pass, so after a key press nothing is sent until the resident presses the button (WCAG 3.2.2).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.mhs-vote").forEach(function (form) {
    var byKeyboard = false;
    form.addEventListener("keydown", function () { byKeyboard = true; });
    form.addEventListener("pointerdown", function () { byKeyboard = false; });
    form.querySelectorAll(".mhs-vote__hint").forEach(function (hint) {
      hint.hidden = false;  // true only with this script
      hint.closest("fieldset").setAttribute("aria-describedby", hint.id);
    });
    form.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (byKeyboard) {
          return;
        }
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
    });
  });
});
