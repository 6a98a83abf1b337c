/* plugins/landing: dynamic text and conversion goals. Inline at the end of a
   landing page. Settings come from this element's data-* attributes, the
   visitor's arm from <html data-ab-arm> (set by the A/B script, if any), so
   these bytes are the same on every page (one CSP hash).
   Comments start a line; the build drops them and the indentation. */
(function (s, w) {
  var c = s.dataset, d = w.document, h = d.documentElement.dataset, q = new URLSearchParams(w.location.search),
    p = c.params.split(" "), l = w.dataLayer = w.dataLayer || [], i, v;
  function f(q, x) {
    d.querySelectorAll(q).forEach(x);
  }
  // Dynamic text: the first listed URL parameter holding short plain text (letters,
  // digits, spaces and . , ' & ! ? -) replaces the default words, as text only.
  for (i = 0; i < p.length && !v; i++) {
    v = (q.get(p[i]) || "").replace(/\s+/g, " ").trim();
    if (v.length > c.max || !/^[\p{L}\p{N} .,'&!?-]*$/u.test(v)) v = "";
  }
  if (v) f("[data-dtr]", function (e) { e.textContent = v; });
  // The assigned arm goes into the forms' hidden field and the campaign links' utm_content.
  if (h.abArm) {
    f("input[name=arm]", function (e) { e.value = h.abArm; });
    f("a[data-utm]", function (a) {
      var u = new URL(a.href);
      u.searchParams.set("utm_content", a.dataset.utm.replace("{arm}", h.abArm));
      a.href = u;
    });
  }
  // Conversion goals: CTA clicks and form submits, with experiment, arm and segment;
  // Plausible (ANALYTICS in the settings) gets them as custom events too.
  function g(n) {
    var e = {event: "landing_goal", goal: n, landing: c.landing, segment: c.segment, experiment: h.abExperiment || "", arm: h.abArm || ""};
    l.push(e);
    if (w.plausible) w.plausible(n, {props: e});
  }
  d.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-goal]");
    if (a) g(a.dataset.goal);
  });
  d.addEventListener("submit", function (e) {
    if (e.target.dataset.goal) g(e.target.dataset.goal);
  });
})(document.currentScript, window);
