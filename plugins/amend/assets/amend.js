// Progressive enhancement only: every page is right without this script, as of
// the day it was built. It (1) corrects the upcoming banner when the reader's
// date has passed the revision's effective date on a stale build, (2) lets
// the pair picker jump straight to a compare page, and (3) lets the history
// page's date form open the revision in force on the chosen day (without it,
// the form leads to the table of days each revision is in force).
(function () {
  "use strict";

  // Today in the agreement's time zone (the banner's data-amend-zone), not the reader's:
  // a revision takes effect at 00:00 there.
  function today(zone) {
    var now = new Date();
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
        .formatToParts(now)
        .forEach(function (part) { parts[part.type] = part.value; });
      return parts.year + "-" + parts.month + "-" + parts.day;
    } catch (e) {
      var m = String(now.getMonth() + 1).padStart(2, "0");
      var d = String(now.getDate()).padStart(2, "0");
      return now.getFullYear() + "-" + m + "-" + d;
    }
  }

  function markStaleBanners() {
    var banners = document.querySelectorAll("[data-amend-effective]");
    banners.forEach(function (banner) {
      var now = today(banner.getAttribute("data-amend-zone") || "UTC");
      if (banner.getAttribute("data-amend-effective") <= now) {
        var status = banner.querySelector("[data-amend-stale-text]");
        if (status) {
          status.textContent = status.getAttribute("data-amend-stale-text");
        }
        banner.classList.add("amend-banner--stale");
      }
    });
  }

  function enhancePickers() {
    document.querySelectorAll("form[data-amend-compare-base]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var from = form.elements["from"].value;
        var to = form.elements["to"].value;
        if (from === to) {
          return; // the index page lists every pair
        }
        if (from > to) {
          var swap = from; from = to; to = swap;
        }
        event.preventDefault();
        window.location.href = form.getAttribute("data-amend-compare-base") + from + "..." + to + "/";
      });
    });
  }

  function revisionOn(form, day) {
    var section = form.closest(".amend-on-date") || document;
    var rows = section.querySelectorAll("tr[data-amend-from]");
    for (var i = 0; i < rows.length; i++) {
      var from = rows[i].getAttribute("data-amend-from");
      var until = rows[i].getAttribute("data-amend-until");
      if (from <= day && (until === "" || day <= until)) {
        return rows[i];
      }
    }
    return null;
  }

  function enhanceDateForms() {
    document.querySelectorAll("form[data-amend-on-date]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var day = form.elements["on"].value;
        var answer = form.querySelector("output");
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
          return; // no date chosen: the browser's own check, or the table, answers
        }
        event.preventDefault();
        var row = revisionOn(form, day);
        if (row === null) {
          answer.textContent = "No revision was in force on " + day + ": the first took effect later.";
          return;
        }
        answer.textContent = "Revision " + row.getAttribute("data-amend-revision") + " is the one in force on " +
          day + ". Opening it\u2026";
        window.location.href = row.getAttribute("data-amend-href");
      });
    });
  }

  function ready() {
    markStaleBanners();
    enhancePickers();
    enhanceDateForms();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(ready); // material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
