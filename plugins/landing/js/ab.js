/* plugins/landing: assigns the visitor to an arm of the page's experiment.
   Inline in <head>, so it runs before the first paint: the theme's CSS shows
   the arm named by <html data-ab="N"> (arm 0, "A", when nothing is assigned,
   and without JavaScript). The experiment comes from this element's data-*
   attributes, so these bytes are the same on every page (one CSP hash).
   Comments start a line; the build drops them and the indentation. */
(function (s, w) {
  var c = s.dataset, n = w.navigator, d = w.document, h = d.documentElement.dataset, a = c.arms.split(" "),
    i = 0, t = 0, r, u, v, x;
  // Nothing is assigned or stored under Do Not Track, Global Privacy Control or without consent.
  if (c.dnt && (n.doNotTrack == "1" || w.doNotTrack == "1") || c.gpc && n.globalPrivacyControl) return;
  try {
    x = w.localStorage;
    if (c.consent && x.getItem(c.consent) != "granted" && d.cookie.split("; ").indexOf(c.consent + "=granted") < 0) return;
    v = x.getItem(c.key);
    if (!v) {
      v = w.crypto.getRandomValues(new Uint32Array(4)).join("-");
      x.setItem(c.key, v);
    }
  } catch (e) {
    return;
  }
  // The visitor's random id and the experiment's name hashed to a number in [0, 100):
  // FNV-1a, then MurmurHash3's finaliser. The same id always lands in the same arm.
  v += "|" + c.experiment;
  for (r = 2166136261; i < v.length; i++) r = Math.imul(r ^ v.charCodeAt(i), 16777619);
  r = Math.imul(r ^ r >>> 16, 2246822507);
  r = Math.imul(r ^ r >>> 13, 3266489909);
  r = ((r ^ r >>> 16) >>> 0) / 42949672.96;
  // data-arms="A:50 B:50": the first arm whose cumulative weight exceeds r.
  for (i = 0; i < a.length - 1; i++) {
    t += +a[i].split(":")[1];
    if (r < t) break;
  }
  u = a[i].split(":")[0];
  h.ab = i;
  h.abArm = u;
  h.abExperiment = c.experiment;
  (w.dataLayer = w.dataLayer || []).push({event: "experiment_view", experiment: c.experiment, arm: u, segment: c.segment});
})(document.currentScript, window);
