// Behaviour the pages need without inline scripts (the Content-Security-Policy allows only
// files from our own origin): a select marked data-submit-on-change sends its form.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
    target.form.submit();
  }
});

// A link or button marked data-print prints the page (the print stylesheet keeps the list).
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});
