// A "Print" button (data-print) opens the browser's print dialog. Loaded from our own origin:
// the security policy allows no inline script.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
