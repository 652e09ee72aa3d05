// On a phone the menu folds behind one button (its links would take three lines of the screen).
// Without script every link stays in sight.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".menu-button button");
  var links = document.getElementById("nav-links");
  if (!button || !links) return;
  document.documentElement.classList.add("has-menu-button");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = links.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
});
