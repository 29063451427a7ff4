// Behaviour every page shares, kept out of the HTML because the Content-Security-Policy allows no
// inline script: a <select data-autosubmit> submits its form when it changes (the language switch).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});
