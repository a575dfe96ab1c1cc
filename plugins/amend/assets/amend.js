// Progressive enhancement only: every page is right without this script, as of
// the day it was built. It (1) corrects the upcoming banner when the reader's
// date has passed the revision's effective date on a stale build, (2) lets
// the pair picker jump straight to a compare page, and (3) lets the history
// page's date form open the revision in force on the chosen day (without it,
// the form leads to the table of days each revision is in force), and (4) on
// the verify page, computes a chosen file's SHA-256 with Web Crypto and looks
// it up in versions.json (the file never leaves the browser; without script the
// page explains how to compare a checksum by hand).
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

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  function longDate(iso) {
    if (typeof iso !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
      return String(iso);
    }
    return MONTHS[Number(iso.slice(5, 7)) - 1] + " " + Number(iso.slice(8, 10)) + ", " + iso.slice(0, 4);
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function publishedFiles(versions) {
    var found = {};
    // Each revision and each redline as a PDF and as a Word file (versions.json's "pdf" and "docx").
    (versions.revisions || []).forEach(function (r) {
      ["pdf", "docx"].forEach(function (format) {
        if (r[format] && r[format].sha256) {
          found[r[format].sha256.toLowerCase()] = {kind: "revision", record: r, page: r.url, format: format};
        }
      });
    });
    (versions.redlines || []).forEach(function (r) {
      ["pdf", "docx"].forEach(function (format) {
        if (r[format] && r[format].sha256) {
          found[r[format].sha256.toLowerCase()] = {kind: "redline", record: r, page: r.url, format: format};
        }
      });
    });
    return found;
  }

  function siteHref(root, url) {
    if (!url) {
      return null;
    }
    return /^[a-z][a-z0-9+.-]*:/i.test(url) || url.charAt(0) === "/" ? url : root + url;
  }

  function say(output, parts) {
    // Built from text nodes and elements only: nothing from the file or the JSON is parsed as HTML.
    output.textContent = "";
    parts.forEach(function (part) {
      if (typeof part === "string") {
        output.appendChild(document.createTextNode(part));
      } else {
        var element = document.createElement(part.tag);
        element.textContent = part.text;
        if (part.href) {
          element.setAttribute("href", part.href);
        }
        if (part.className) {
          element.className = part.className;
        }
        output.appendChild(element);
      }
    });
  }

  function describe(output, match, digest, root, asOf) {
    var r = match.record;
    var link = match.page ? [" ", {tag: "a", text: "Open it", href: siteHref(root, match.page)}, "."] : [];
    var word = match.format === "docx" ? ", as a Word file" : "";
    output.setAttribute("data-amend-result", "published");
    if (match.kind === "redline") {
      say(output, [{tag: "strong", text: "This is the redline from revision " + r.from + " to revision " + r.to +
        word + "."},
        " It is the file we published, unchanged."].concat(link, [
        {tag: "span", className: "amend-verify__digest", text: "SHA-256 " + digest}]));
      return;
    }
    say(output, [{tag: "strong", text: "This is revision " + r.id + word + "."}, " Posted " + longDate(r.posted) +
      ", effective " + longDate(r.effective) + "; " + r.status + " as of " + longDate(asOf) +
      ". It is the file we published, unchanged."].concat(link, [
      {tag: "span", className: "amend-verify__digest", text: "SHA-256 " + digest}]));
  }

  function check(form, file) {
    var output = form.querySelector("output");
    var root = form.getAttribute("data-amend-root") || "";
    output.removeAttribute("data-amend-result");
    if (!window.crypto || !window.crypto.subtle) {
      say(output, ["Your browser offers no SHA-256 on this page (it needs a secure, https connection): " +
        "check the file by hand, as below."]);
      return;
    }
    say(output, ["Checking " + file.name + "\u2026"]);
    var versions = fetch(form.getAttribute("data-amend-versions"), {credentials: "omit"}).then(function (response) {
      if (!response.ok) {
        throw new Error("versions.json: HTTP " + response.status);
      }
      return response.json();
    });
    var digest = file.arrayBuffer().then(function (data) {
      return window.crypto.subtle.digest("SHA-256", data);
    });
    Promise.all([versions, digest]).then(function (results) {
      var sum = hex(results[1]);
      var match = publishedFiles(results[0])[sum];
      if (match) {
        describe(output, match, sum, root, results[0].as_of);
      } else {
        output.setAttribute("data-amend-result", "unknown");
        say(output, [{tag: "strong", text: "This file is not one we published."}, " No revision or redline " +
          "we published has its fingerprint. It may have been changed, re-saved or printed to PDF again: " +
          "download the original from the revision history.",
          {tag: "span", className: "amend-verify__digest", text: "SHA-256 " + sum}]);
      }
    }).catch(function (error) {
      output.setAttribute("data-amend-result", "error");
      say(output, ["The check could not finish (" + error.message + "): check the file by hand, as below."]);
    });
  }

  function enhanceVerify() {
    document.querySelectorAll("form[data-amend-verify]").forEach(function (form) {
      var input = form.querySelector("input[type=file]");
      var drop = form.querySelector(".amend-verify__drop");
      form.hidden = false;
      document.querySelectorAll(".amend-verify__noscript").forEach(function (note) { note.hidden = true; });
      input.addEventListener("change", function () {
        if (input.files && input.files[0]) {
          check(form, input.files[0]);
        }
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      ["dragenter", "dragover"].forEach(function (name) {
        drop.addEventListener(name, function (event) {
          event.preventDefault();
          drop.classList.add("amend-verify__drop--over");
        });
      });
      ["dragleave", "drop"].forEach(function (name) {
        drop.addEventListener(name, function () { drop.classList.remove("amend-verify__drop--over"); });
      });
      drop.addEventListener("drop", function (event) {
        event.preventDefault();
        var files = event.dataTransfer && event.dataTransfer.files;
        if (files && files[0]) {
          check(form, files[0]);
        }
      });
    });
  }

  function ready() {
    markStaleBanners();
    enhancePickers();
    enhanceDateForms();
    enhanceVerify();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(ready); // material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
