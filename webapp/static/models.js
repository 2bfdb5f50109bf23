// The models page refreshes itself: every 10 s while the tab is shown, it fetches the page again and swaps in its
// table (the scroll position and the focus elsewhere on the page are kept); without script the page is still whole.
(function () {
  'use strict';
  var PERIOD_MS = 10000;
  function refresh() {
    if (document.hidden) {
      return;
    }
    var table = document.getElementById('models');
    if (!table || table.contains(document.activeElement)) {
      return; // someone is using it (an open list of inputs, a focused link): wait for the next turn
    }
    fetch(window.location.href, {headers: {Accept: 'text/html'}, cache: 'no-store'})
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) {
        if (!html) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('models');
        var current = document.getElementById('models');
        if (fresh && current && !current.querySelector('details[open]')) {
          current.replaceWith(fresh);
        }
      })
      .catch(function () { /* the next turn tries again */ });
  }
  setInterval(refresh, PERIOD_MS);
  document.addEventListener('visibilitychange', refresh);
})();
