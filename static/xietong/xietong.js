// Behaviour the pages need without inline scripts (the Content-Security-Policy allows only
// files from our own origin). Pages arrive by Turbo navigations as well as full loads, so
// everything is delegated from the document or set up again on each "turbo:load".
//
// - a select marked data-submit-on-change sends its form;
// - checkbox lists (core.forms.CheckboxList) get a filter box and a "chosen" line;
// - fields marked data-show-when (core.forms.ConditionalFieldsMixin) are shown only while the
//   answer they depend on is chosen; hidden fields keep what was typed in them;
// - the error summary at the top of a form takes the focus, its links go to the fields;
// - the process chart (.xt-chart) gets zoom buttons and opens on the current step.
(function () {
  "use strict";

  // -- a select that sends its form ----------------------------------------------------------
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
      target.form.submit();
    }
  });

  // -- checkbox lists with a filter box ------------------------------------------------------
  var FILTER_FROM = 6; // a shorter list is read at a glance

  function normalise(text) {
    return (text || "").replace(/\s+/g, "").toLowerCase();
  }

  function choicesFilter(box) {
    var input = box.querySelector("[data-xt-choices-filter]");
    var query = normalise(input ? input.value : "");
    var shown = 0;
    box.querySelectorAll(".xt-choices__option").forEach(function (option) {
      var match = !query || normalise(option.textContent).indexOf(query) !== -1;
      option.hidden = !match;
      if (match) shown += 1;
    });
    box.querySelectorAll(".xt-choices__group").forEach(function (group) {
      group.hidden = !group.querySelector(".xt-choices__option:not([hidden])");
    });
    var empty = box.querySelector("[data-xt-choices-empty]");
    if (empty) empty.hidden = shown > 0;
  }

  function choicesChosen(box) {
    var line = box.querySelector("[data-xt-choices-chosen]");
    if (!line) return;
    var names = [];
    box.querySelectorAll(".xt-choices__option input:checked").forEach(function (input) {
      names.push(input.parentNode.textContent.trim());
    });
    line.textContent = names.length ? line.getAttribute("data-some").replace("{names}", names.join("、")) : line.getAttribute("data-none");
  }

  function setUpChoices(root) {
    root.querySelectorAll("[data-xt-choices]").forEach(function (box) {
      var input = box.querySelector("[data-xt-choices-filter]");
      if (input && box.querySelectorAll(".xt-choices__option").length >= FILTER_FROM) {
        input.hidden = false;
        box.classList.add("xt-choices--filtered");
      }
      choicesFilter(box);
      choicesChosen(box);
    });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-xt-choices-filter]")) {
      choicesFilter(event.target.closest("[data-xt-choices]"));
    }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target.matches && target.matches("[data-xt-choices-filter]"))) return;
    if (event.key === "Enter") {
      event.preventDefault(); // narrowing the list, not sending the form
      var box = target.closest("[data-xt-choices]");
      var first = box.querySelector(".xt-choices__option:not([hidden]) input");
      if (first) first.focus();
    } else if (event.key === "Escape" && target.value) {
      event.preventDefault();
      target.value = "";
      choicesFilter(target.closest("[data-xt-choices]"));
    }
  });
  document.addEventListener("change", function (event) {
    var box = event.target.closest && event.target.closest("[data-xt-choices]");
    if (box) choicesChosen(box);
  });

  // -- fields shown only when they apply -----------------------------------------------------
  // The rule is JSON from the form: {"decision": ["refer"]} — every named field must have one
  // of the values; "*" is any value, "" is none (a box left unticked). Read as
  // core.forms.submitted_values reads what the browser sends.
  function currentValues(form, name) {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (element.name !== name || element.disabled) return;
      if (element.type === "radio" || element.type === "checkbox") {
        if (element.checked) values.push(element.value);
      } else if (element instanceof HTMLSelectElement) {
        Array.prototype.forEach.call(element.selectedOptions, function (option) {
          if (option.value !== "") values.push(option.value);
        });
      } else if (element.value !== "") {
        values.push(element.value);
      }
    });
    return values.length ? values : [""];
  }

  function ruleHolds(form, rule) {
    return Object.keys(rule).every(function (name) {
      var accepted = rule[name];
      return currentValues(form, name).some(function (value) {
        return accepted.indexOf(value) !== -1 || (accepted.indexOf("*") !== -1 && value !== "");
      });
    });
  }

  function applyShowWhen(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (element) {
      // a control inside a field wrapper that carries the rule is hidden with its wrapper
      var wrapper = element.parentNode && element.parentNode.closest("[data-show-when]");
      if (wrapper && form.contains(wrapper)) return;
      var rule;
      try {
        rule = JSON.parse(element.getAttribute("data-show-when"));
      } catch (error) {
        return; // a broken rule shows the field: the server still decides
      }
      element.hidden = !ruleHolds(form, rule);
    });
  }

  function setUpShowWhen(root) {
    root.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-show-when]")) applyShowWhen(form);
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.querySelector("[data-show-when]")) applyShowWhen(form);
  });

  // -- the error summary ---------------------------------------------------------------------
  function setUpErrorSummary(root) {
    var summary = root.querySelector("[data-xt-error-summary]");
    if (summary && !summary.hasAttribute("data-xt-seen")) {
      summary.setAttribute("data-xt-seen", "");
      summary.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-xt-error-summary] a[href^='#']");
    if (!link) return;
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) return;
    event.preventDefault();
    var field = target.closest(".xt-field") || target;
    field.scrollIntoView({ block: "center" });
    var control = target.matches("input, select, textarea") ? target : target.querySelector("input:not([hidden]):not([type=hidden]), select, textarea");
    if (control) control.focus({ preventScroll: true });
  });

  // -- the process chart ---------------------------------------------------------------------
  var ZOOMS = [0.5, 0.67, 0.8, 1, 1.25, 1.5, 2];

  function setUpChart(root) {
    root.querySelectorAll(".xt-chart").forEach(function (chart) {
      var svg = chart.querySelector("svg");
      if (!svg || chart.hasAttribute("data-xt-zoom")) return;
      var box = svg.viewBox && svg.viewBox.baseVal;
      if (!box || !box.width) return;
      chart.setAttribute("data-xt-zoom", "1");
      var level = ZOOMS.indexOf(1);
      var tools = document.createElement("div");
      tools.className = "xt-chart-tools";
      tools.setAttribute("role", "group");
      tools.setAttribute("aria-label", svg.getAttribute("data-label-tools") || "Zoom");
      var readout = document.createElement("span");
      readout.className = "xt-chart-tools__level";
      readout.setAttribute("aria-live", "polite");

      function button(text, label, step) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "xt-button xt-button--secondary xt-chart-tools__button";
        b.textContent = text;
        b.setAttribute("aria-label", label);
        b.title = label;
        b.addEventListener("click", function () {
          level = step === 0 ? ZOOMS.indexOf(1) : Math.min(ZOOMS.length - 1, Math.max(0, level + step));
          zoom();
        });
        tools.appendChild(b);
        return b;
      }
      var out = button("−", svg.getAttribute("data-label-out") || "Zoom out", -1);
      var into = button("+", svg.getAttribute("data-label-in") || "Zoom in", 1);
      button("1:1", svg.getAttribute("data-label-reset") || "Actual size", 0);
      tools.appendChild(readout);

      function zoom() {
        var scale = ZOOMS[level];
        svg.setAttribute("width", Math.round(box.width * scale));
        svg.setAttribute("height", Math.round(box.height * scale));
        readout.textContent = Math.round(scale * 100) + "%";
        out.disabled = level === 0;
        into.disabled = level === ZOOMS.length - 1;
      }
      zoom();
      chart.parentNode.insertBefore(tools, chart);
      // open on the step now under way
      var current = svg.querySelector("g.new, g.assigned, g.started");
      if (current) {
        var c = current.getBoundingClientRect();
        var v = chart.getBoundingClientRect();
        chart.scrollLeft += c.left - v.left - (v.width - c.width) / 2;
        chart.scrollTop += c.top - v.top - (v.height - c.height) / 2;
      }
    });
  }

  // -- on every page -------------------------------------------------------------------------
  function setUp() {
    setUpChoices(document);
    setUpShowWhen(document);
    setUpErrorSummary(document);
    setUpChart(document);
  }

  // a page arriving by Turbo gets its lists and hidden fields ready before it is painted,
  // so no field shows for a moment and then disappears
  document.addEventListener("turbo:before-render", function (event) {
    var body = event.detail && event.detail.newBody;
    if (body) {
      setUpChoices(body);
      setUpShowWhen(body);
    }
  });
  document.addEventListener("turbo:load", setUp);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();

// A link or button marked data-print prints the page (the print stylesheet keeps the list).
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});
