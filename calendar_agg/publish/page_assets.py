"""The inline CSS and JavaScript of output/index.html (no external files, fonts or CDNs).

The script only reads data-* attributes and toggles ``hidden``: it never turns
event text into HTML, so escaping in page.py is the only line of defence needed.
"""

STYLE = """
:root{color-scheme:light dark;--muted:#666;--line:#ddd;--accent:#b7410e}
*{box-sizing:border-box}
body{font-family:system-ui,sans-serif;max-width:64rem;margin:auto;padding:1rem;
line-height:1.45;overflow-wrap:anywhere}
h1{margin-top:0}h2{border-bottom:2px solid var(--accent);padding-bottom:.2rem}
a{color:inherit}.muted{color:var(--muted)}
ul.feeds,ul.events{list-style:none;padding:0;margin:0}
.feed{border:1px solid var(--line);border-radius:.4rem;padding:.6rem .8rem;margin:.5rem 0}
.feed h3{margin:.1rem 0;font-size:1.05rem}.feed p{margin:.25rem 0}
.copy{display:flex;gap:.4rem}.copy input{flex:1;min-width:0;font:inherit;padding:.3rem}
button,select,input{font:inherit;padding:.35rem .5rem}
dl.clients dt{font-weight:bold;margin-top:.5rem}dl.clients dd{margin-left:1rem}
#filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:.5rem 0 1rem}
#filters label{display:flex;flex-direction:column;font-size:.9rem}
.day h4{margin:.8rem 0 .2rem;font-size:1rem}
.event{padding:.35rem 0;border-bottom:1px solid var(--line)}
.event .where{color:var(--muted)}.cancelled .title{text-decoration:line-through}
.badge{font-size:.8rem;border:1px solid currentColor;border-radius:.3rem;padding:0 .25rem}
table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;text-align:left;
vertical-align:top;border-bottom:1px solid var(--line)}
@media (max-width:40rem){body{padding:.6rem}.copy{flex-direction:column}
#filters label,#filters select,#filters input{width:100%}}
"""

SCRIPT = """
(function () {
  "use strict";
  function copied(button, ok) {
    button.textContent = ok ? "Copied" : "Press Ctrl+C";
    setTimeout(function () { button.textContent = "Copy"; }, 2500);
  }
  function selectInput(button) {
    var input = button.parentNode.querySelector("input");
    input.focus();
    input.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { copied(button, true); },
          function () { copied(button, selectInput(button)); });
      } else {
        copied(button, selectInput(button));
      }
    });
  });

  var form = document.getElementById("filters");
  if (!form) { return; }
  var region = document.getElementById("filter-region");
  var country = document.getElementById("filter-country");
  var text = document.getElementById("filter-text");
  var shown = document.getElementById("shown");
  var none = document.getElementById("no-match");
  function apply() {
    var wantRegion = region.value, wantCountry = country.value;
    var words = text.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var visible = {};
    document.querySelectorAll("section.region").forEach(function (section) {
      var regionOk = !wantRegion || section.getAttribute("data-region") === wantRegion;
      var sectionShown = false;
      section.querySelectorAll(".day").forEach(function (day) {
        var dayShown = false;
        day.querySelectorAll(".event").forEach(function (event) {
          var haystack = event.getAttribute("data-text");
          var ok = regionOk &&
            (!wantCountry || event.getAttribute("data-country") === wantCountry) &&
            words.every(function (word) { return haystack.indexOf(word) !== -1; });
          event.hidden = !ok;
          if (ok) { dayShown = true; visible[event.getAttribute("data-uid")] = true; }
        });
        day.hidden = !dayShown;
        sectionShown = sectionShown || dayShown;
      });
      section.hidden = !sectionShown;
    });
    var count = Object.keys(visible).length;
    shown.textContent = count === 1 ? "1 event" : count + " events";
    none.hidden = count !== 0;
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  [region, country].forEach(function (el) { el.addEventListener("change", apply); });
  text.addEventListener("input", apply);
  form.hidden = false;
  apply();
})();
"""
