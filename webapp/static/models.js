// The models page refreshes itself: every 10 s while the tab is shown, it fetches the page again and swaps in its
// table (the scroll position and the focus elsewhere on the page are kept); without script the page is still whole.
// Its filter (name, state, trouble) works without script as a form (?name=&state=&trouble=, filtered by the server);
// with script it filters as one types, and keeps the address in step, so that a refresh fetches the same filter.
(function () {
  'use strict';
  var PERIOD_MS = 10000;
  var form = document.getElementById('models-filter');

  function chosen() {
    return {
      name: form ? form.elements.name.value.trim().toLowerCase() : '',
      state: form ? form.elements.state.value : '',
      trouble: form ? form.elements.trouble.value : ''
    };
  }

  function passes(card, f) {
    var state = card.getAttribute('data-state') || '';
    var serving = state === 'loaded';
    var bad = card.classList.contains('sev-bad');
    var quiet = card.classList.contains('sev-ok');
    if (f.name && (card.getAttribute('data-model') || '').toLowerCase().indexOf(f.name) < 0) {
      return false;
    }
    if (f.state && state !== f.state) {
      return false;
    }
    if (f.trouble === 'any') {
      return !quiet || !serving;
    }
    if (f.trouble === 'bad') {
      return bad;
    }
    if (f.trouble === 'none') {
      return quiet && serving;
    }
    return true;
  }

  // Hides the cards the filter leaves out; the server already left them out of a page asked for with the filter, so
  // this only matters while the choice is newer than the page.
  function apply() {
    if (!form) {
      return;
    }
    var f = chosen();
    var cards = document.querySelectorAll('#models tbody[data-model]');
    var shown = 0;
    for (var i = 0; i < cards.length; i++) {
      var pass = passes(cards[i], f);
      cards[i].hidden = !pass;
      shown += pass ? 1 : 0;
    }
    var params = new URLSearchParams();
    if (f.name) { params.set('name', form.elements.name.value.trim()); }
    if (f.state) { params.set('state', f.state); }
    if (f.trouble) { params.set('trouble', f.trouble); }
    var query = params.toString();
    var address = window.location.pathname + (query ? '?' + query : '');
    if (address !== window.location.pathname + window.location.search) {
      window.history.replaceState(null, '', address);
    }
    var output = document.getElementById('models-shown');
    var total = output ? output.getAttribute('data-total') : null;
    if (output && total !== null && cards.length === Number(total)) {
      output.textContent = (shown === cards.length ? total : shown + ' of ' + total)
        + (Number(total) === 1 ? ' version' : ' versions');
    }
  }

  // A filter wider than the page's (a name cleared) needs cards the page does not hold: ask the server soon after.
  var asking = null;
  function filterChanged() {
    apply();
    clearTimeout(asking);
    asking = setTimeout(refresh, 300);
  }
  if (form) {
    form.addEventListener('input', filterChanged);
    form.addEventListener('change', filterChanged);
  }

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
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        var freshTable = fresh.getElementById('models');
        var current = document.getElementById('models');
        if (freshTable && current && !current.querySelector('details[open]')) {
          current.replaceWith(freshTable);
          var freshShown = fresh.getElementById('models-shown');
          var shown = document.getElementById('models-shown');
          if (freshShown && shown) {
            shown.textContent = freshShown.textContent;
            shown.setAttribute('data-total', freshShown.getAttribute('data-total'));
          }
          apply();
        }
      })
      .catch(function () { /* the next turn tries again */ });
  }
  setInterval(refresh, PERIOD_MS);
  document.addEventListener('visibilitychange', refresh);
})();
