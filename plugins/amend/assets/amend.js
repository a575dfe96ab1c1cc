// Progressive enhancement only: every page is right without this script, as of
// the day it was built. It (1) corrects the upcoming banner when the reader's
// date has passed the revision's effective date on a stale build, and (2) lets
// the pair picker jump straight to a compare page.
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

  function ready() {
    markStaleBanners();
    enhancePickers();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(ready); // material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
