/*
 * Stagepunt progressive enhancement. Every page must work fully without this
 * file: forms POST to the server, validation happens on the server, and the
 * server renders the error summary. This script only improves the experience.
 *
 * Load with: <script type="module" src="{{enhance_js}}"></script>
 * (type="module" is deferred and skipped by very old browsers; no inline
 * script is needed, so it works under CSP default-src 'self'.)
 *
 * Hooks (all optional, set by the templates):
 *   .sp-error-summary                 focused on page load (GOV.UK pattern);
 *                                     give it tabindex="-1"; its links point at
 *                                     "#field-id" and move focus to that field.
 *   form[data-confirm="Text"]         asks window.confirm(Text) before submit.
 *   button[data-confirm="Text"]       same, for one submit button.
 *   [data-sp-autofocus]               gets focus on load if there is no error summary.
 *   textarea[maxlength][data-sp-count] live "N characters left" counter
 *                                     (uses data-sp-count-template, default
 *                                     "{n} tekens over").
 *   form: double-submit guard; submit buttons get aria-disabled while sending.
 *   fieldset[data-sp-company-search="/s/BRIN/bedrijven"]
 *                                     company search while typing: fetches
 *                                     ?q=... as JSON and offers the matches as
 *                                     radio buttons in its .sp-search-results
 *                                     (a status region, so the count is read
 *                                     out). The "Zoeken" button stays for
 *                                     browsers without JavaScript.
 *   ol[data-sp-rank-list]             ranked choices (leerwens): items get
 *                                     "Hoger"/"Lager" buttons (keyboard) and
 *                                     drag and drop; both rewrite the per-item
 *                                     <select class="sp-rank-select">, which is
 *                                     what the server reads and what works
 *                                     without JavaScript.
 */
(function () {
  'use strict';

  function focusErrorSummary() {
    var summary = document.querySelector('.sp-error-summary');
    if (!summary) return false;
    if (!summary.hasAttribute('tabindex')) summary.setAttribute('tabindex', '-1');
    summary.focus();
    if (summary.scrollIntoView) summary.scrollIntoView({ block: 'start' });
    summary.addEventListener('click', function (event) {
      var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
      if (!link) return;
      var id = decodeURIComponent(link.getAttribute('href').slice(1));
      var field = document.getElementById(id) || document.getElementsByName(id)[0];
      if (!field) return;
      event.preventDefault();
      // Scroll the label (or legend) into view too, so context is visible.
      var label = field.id ? document.querySelector('label[for="' + CSS.escape(field.id) + '"]') : null;
      var fieldset = field.closest ? field.closest('fieldset') : null;
      var legend = fieldset ? fieldset.querySelector('legend') : null;
      var anchor = legend || label || field;
      if (anchor.scrollIntoView) anchor.scrollIntoView({ block: 'start' });
      field.focus({ preventScroll: true });
    });
    return true;
  }

  function confirmHandlers() {
    document.addEventListener('submit', function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var message = (submitter && submitter.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
      if (message && !window.confirm(message)) {
        event.preventDefault();
        return;
      }
      // Double-submit guard (without disabling, so the button value is still sent).
      if (form.getAttribute('data-sp-submitting') === '1') {
        event.preventDefault();
        return;
      }
      form.setAttribute('data-sp-submitting', '1');
      var buttons = form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
      for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute('aria-disabled', 'true');
      // Re-enable if the user comes back via the back/forward cache.
      window.addEventListener('pageshow', function () {
        form.removeAttribute('data-sp-submitting');
        for (var j = 0; j < buttons.length; j++) buttons[j].removeAttribute('aria-disabled');
      }, { once: true });
    });
  }

  function characterCounters() {
    var areas = document.querySelectorAll('textarea[maxlength][data-sp-count]');
    Array.prototype.forEach.call(areas, function (area) {
      var max = parseInt(area.getAttribute('maxlength'), 10);
      if (!(max > 0)) return;
      var template = area.getAttribute('data-sp-count-template') ||
        (document.documentElement.lang === 'en' ? '{n} characters remaining' : '{n} tekens over');
      var out = document.createElement('p');
      out.className = 'utrecht-form-field-description sp-count';
      out.id = (area.id || 'sp-textarea') + '-count';
      out.setAttribute('aria-live', 'polite');
      area.insertAdjacentElement('afterend', out);
      var describedBy = area.getAttribute('aria-describedby');
      area.setAttribute('aria-describedby', describedBy ? describedBy + ' ' + out.id : out.id);
      var timer = null;
      function update() {
        out.textContent = template.replace('{n}', String(Math.max(0, max - area.value.length)));
      }
      area.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(update, 400); // debounce so screen readers are not flooded
      });
      update();
    });
  }

  function companySearch() {
    var boxes = document.querySelectorAll('fieldset[data-sp-company-search]');
    Array.prototype.forEach.call(boxes, function (box) {
      var input = box.querySelector('input[name="company_name"]');
      var results = box.querySelector('.sp-search-results');
      if (!input || !results || !window.fetch) return;
      var timer = null;
      var latest = 0;
      function render(companies) {
        var chosen = box.querySelector('input[name="company_leerbedrijf_id"]:checked');
        var keep = chosen ? chosen.value : '';
        results.textContent = '';
        if (companies.length === 0) {
          var none = document.createElement('p');
          none.className = 'utrecht-paragraph';
          none.textContent = box.getAttribute('data-sp-none') || '';
          results.appendChild(none);
          return;
        }
        companies.forEach(function (company) {
          var id = 'co_' + company.leerbedrijf_id;
          var row = document.createElement('div');
          row.className = 'utrecht-form-field utrecht-form-field--radio sp-choice';
          var radio = document.createElement('input');
          radio.type = 'radio';
          radio.className = 'utrecht-radio-button utrecht-radio-button--html-input';
          radio.name = 'company_leerbedrijf_id';
          radio.id = id;
          radio.value = company.leerbedrijf_id;
          radio.checked = company.leerbedrijf_id === keep;
          var label = document.createElement('label');
          label.className = 'utrecht-form-label utrecht-form-label--radio';
          label.htmlFor = id;
          label.textContent = company.label;
          row.appendChild(radio);
          row.appendChild(document.createTextNode(' '));
          row.appendChild(label);
          results.appendChild(row);
        });
      }
      function search() {
        var query = input.value.trim();
        if (query.length < 2) return;
        var ticket = ++latest;
        var url = box.getAttribute('data-sp-company-search') + '?q=' + encodeURIComponent(query);
        fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
          .then(function (res) { return res.ok ? res.json() : null; })
          .then(function (body) {
            // Only the answer to the last query counts; older ones may arrive late.
            if (body && ticket === latest) render(body.companies || []);
          })
          .catch(function () { /* the Zoeken button still works */ });
      }
      input.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(search, 250);
      });
    });
  }

  function rankLists() {
    var lists = document.querySelectorAll('ol[data-sp-rank-list]');
    Array.prototype.forEach.call(lists, function (list) {
      var status = document.createElement('p');
      status.className = 'sp-visually-hidden';
      status.setAttribute('role', 'status');
      list.parentNode.insertBefore(status, list.nextSibling);
      function items() { return Array.prototype.slice.call(list.querySelectorAll('li.sp-rank-item')); }
      function selectOf(item) { return item.querySelector('select.sp-rank-select'); }
      function chosen() { return items().filter(function (i) { return selectOf(i).value !== ''; }); }
      // Chosen items keep their DOM order as their rank: 1, 2, 3 ...
      function renumber() {
        chosen().forEach(function (item, index) { selectOf(item).value = String(index + 1); });
        items().forEach(function (item) {
          item.classList.toggle('sp-rank-item--chosen', selectOf(item).value !== '');
        });
      }
      function announce(item) {
        var select = selectOf(item);
        var label = item.querySelector('.sp-rank-place strong');
        status.textContent = (label ? label.textContent + ': ' : '') + (select.value || select.options[0].text);
      }
      function move(item, delta) {
        var all = chosen();
        if (selectOf(item).value === '') {
          // Choosing by moving: it joins the end of the chosen list.
          var last = all[all.length - 1];
          if (last) last.after(item); else list.prepend(item);
          selectOf(item).value = String(all.length + 1);
        } else {
          var at = all.indexOf(item);
          var to = at + delta;
          if (to < 0 || to >= all.length) return;
          if (delta < 0) all[to].before(item); else all[to].after(item);
        }
        renumber();
        announce(item);
      }
      items().forEach(function (item) {
        var moves = document.createElement('div');
        moves.className = 'sp-rank-moves';
        [['up', -1], ['down', 1]].forEach(function (pair) {
          var button = document.createElement('button');
          button.type = 'button';
          button.className = 'utrecht-button utrecht-button--secondary-action';
          var label = item.querySelector('.sp-rank-place strong');
          button.textContent = list.getAttribute('data-sp-' + pair[0]) || pair[0];
          button.setAttribute('aria-label', button.textContent + (label ? ': ' + label.textContent : ''));
          button.addEventListener('click', function () {
            move(item, pair[1]);
            button.focus();
          });
          moves.appendChild(button);
        });
        item.appendChild(moves);
        item.setAttribute('draggable', 'true');
        item.addEventListener('dragstart', function (event) {
          item.classList.add('sp-dragging');
          event.dataTransfer.effectAllowed = 'move';
          event.dataTransfer.setData('text/plain', '');
        });
        item.addEventListener('dragend', function () {
          item.classList.remove('sp-dragging');
          if (selectOf(item).value === '') selectOf(item).value = '99';
          // Chosen items sort by DOM order; an item dropped among them joins.
          var seenChosen = false;
          items().reverse().forEach(function (i) {
            if (selectOf(i).value !== '') seenChosen = true;
            else if (seenChosen) selectOf(i).value = '99';
          });
          renumber();
          announce(item);
        });
        item.addEventListener('dragover', function (event) {
          event.preventDefault();
          var dragging = list.querySelector('.sp-dragging');
          if (!dragging || dragging === item) return;
          var box = item.getBoundingClientRect();
          if (event.clientY < box.top + box.height / 2) item.before(dragging); else item.after(dragging);
        });
        selectOf(item).addEventListener('change', function () {
          // A number picked by hand: move the item to that place in the list.
          var value = parseInt(selectOf(item).value, 10);
          var others = chosen().filter(function (i) { return i !== item; });
          if (!isNaN(value)) {
            var before = others[value - 1];
            if (before) before.before(item); else if (others.length) others[others.length - 1].after(item);
          } else {
            var lastChosen = others[others.length - 1];
            if (lastChosen) lastChosen.after(item);
          }
          renumber();
        });
      });
    });
  }

  function init() {
    var hadSummary = focusErrorSummary();
    if (!hadSummary) {
      var auto = document.querySelector('[data-sp-autofocus]');
      if (auto) auto.focus();
    }
    confirmHandlers();
    characterCounters();
    companySearch();
    rankLists();
    document.documentElement.classList.add('sp-js');
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
