// Progressive enhancement for the stellingen page: choosing an answer saves it at once.
// Without JavaScript the "Opslaan en volgende" button does the same.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.mhs-vote").forEach(function (form) {
    form.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
    });
  });
});
