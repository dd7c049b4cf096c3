// The what-if workbench: loads the scenarios and levers, submits runs, follows their progress over
// server-sent events, and shows targets, joints, fans, comparisons and sensitivity. Text goes in with
// textContent only; labels come from /api/labels/LANG.
(function () {
  'use strict';
  var labels = {};
  var scenarioLevers = [];
  var lastShown = null;
  var lastProgress = null;
  var $ = function (id) { return document.getElementById(id); };
  var T = function (key) { return labels[key] || key; };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function row(cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) { tr.appendChild(c instanceof Node ? c : el('td', c)); });
    return tr;
  }

  function num(v, cls) { return el('td', v, 'num' + (cls ? ' ' + cls : '')); }
  function p3(v) { return typeof v === 'number' ? v.toFixed(3) : '–'; }
  function signed(v) { return typeof v === 'number' ? (v > 0 ? '+' : '') + v.toFixed(3) : '–'; }
  function plain(v) { return typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 3 }) : '–'; }
  function status(p) { return p >= 0.8 ? 'green' : p >= 0.5 ? 'amber' : 'red'; }
  function indicator(id) { return (labels.indicators && labels.indicators[id]) || id; }

  async function api(path, options) {
    var response = await fetch(path, options);
    var body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      var error = new Error((body && body.error) || ('HTTP ' + response.status));
      error.field = body && body.field;
      throw error;
    }
    return body;
  }

  function post(path, body) {
    return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }

  function showError(e) {
    $('error').textContent = e ? (e.field ? e.field + ': ' : '') + (e.message || String(e)) : '';
  }

  async function setLanguage(lang) {
    labels = await api('api/labels/' + lang);
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-l]').forEach(function (e) { e.textContent = T(e.getAttribute('data-l')); });
    localStorage.setItem('forecast-lang', lang);
    if (lastProgress) { setProgress(lastProgress); }
    if (document.body.getAttribute('data-state') !== 'loading') { await refreshJobs(); }
    if (lastShown) { await show(lastShown); }
  }

  async function loadLevers() {
    var answer = await api('api/levers?scenario=' + encodeURIComponent($('scenario').value));
    scenarioLevers = answer.levers;
    var body = $('levers').tBodies[0];
    body.replaceChildren();
    scenarioLevers.forEach(function (l) {
      var slider = el('input');
      slider.type = 'range';
      slider.min = l.min; slider.max = l.max; slider.step = (l.max - l.min) / 100; slider.value = l.value;
      var box = el('input');
      box.type = 'number';
      box.step = 'any'; box.value = l.value; box.setAttribute('data-lever', l.id);
      slider.addEventListener('input', function () { box.value = slider.value; });
      box.addEventListener('input', function () { slider.value = box.value; });
      var name = el('td', l.id);
      name.title = l.description;
      var tr = row([name, el('td'), el('td'), num(plain(l.min) + ' .. ' + plain(l.max)), el('td', l.unit)]);
      tr.children[1].appendChild(box);
      tr.children[2].appendChild(slider);
      tr.setAttribute('data-lever', l.id);
      body.appendChild(tr);
    });
  }

  function form() {
    var levers = {};
    document.querySelectorAll('#levers input[type=number][data-lever]').forEach(function (box) {
      levers[box.getAttribute('data-lever')] = box.value === '' ? null : Number(box.value);
    });
    return { scenario: $('scenario').value, levers: levers, trials: Number($('trials').value), seed: Number($('seed').value) };
  }

  function setProgress(s) {
    lastProgress = s;
    $('progress').value = s.fraction;
    $('progress-text').textContent = T('state-' + s.state) + ' · ' + Math.round(100 * s.fraction) + '% · ' + s.label;
  }

  async function submit(path) {
    showError(null);
    try {
      var job = await post(path, form());
      document.body.setAttribute('data-state', 'running');
      setProgress(job);
      follow(job.id);
      await refreshJobs();
    } catch (e) {
      showError(e);
    }
  }

  function follow(id) {
    var events = new EventSource('api/jobs/' + encodeURIComponent(id) + '/events');
    events.addEventListener('progress', function (e) { setProgress(JSON.parse(e.data)); });
    events.addEventListener('done', async function (e) {
      events.close();
      setProgress(JSON.parse(e.data));
      await show(id);
      await refreshJobs();
      document.body.setAttribute('data-state', 'done');
    });
    events.addEventListener('failed', async function (e) {
      events.close();
      var s = JSON.parse(e.data);
      setProgress(s);
      showError(new Error(s.error));
      await refreshJobs();
      document.body.setAttribute('data-state', 'failed');
    });
  }

  async function show(id) {
    var s = await api('api/jobs/' + encodeURIComponent(id));
    lastShown = id;
    if (s.kind === 'compare') { renderCompare(s); return; }
    if (s.forecast) { renderForecast(s); }
    $('sensitivity-result').hidden = !s.sensitivity;
    if (s.sensitivity) { renderSensitivity(s.sensitivity); }
  }

  function renderForecast(s) {
    var f = s.forecast;
    $('result').hidden = false;
    $('result').setAttribute('data-job', s.id);
    $('result-label').textContent = s.label;
    var base = 'api/jobs/' + encodeURIComponent(s.id);
    $('report-zh').href = base + '/report?lang=zh';
    $('report-en').href = base + '/report?lang=en';
    $('xlsx').href = base + '/forecast.xlsx';
    $('json').href = base + '/files/forecast.json';
    var body = $('targets').tBodies[0];
    body.replaceChildren();
    f.targets.forEach(function (t) {
      var light = el('td');
      light.appendChild(el('span', null, 'light ' + status(t.probability)));
      light.appendChild(document.createTextNode(' ' + T('status-' + status(t.probability))));
      var p = num(p3(t.probability), 'p');
      p.setAttribute('data-p', String(t.probability));
      var tr = row([el('td', t.id), el('td', indicator(t.indicator)), el('td', t.year), num(plain(t.threshold)), p,
        num('[' + p3(t.ci95[0]) + ', ' + p3(t.ci95[1]) + ']'), light]);
      tr.setAttribute('data-target', t.id);
      body.appendChild(tr);
    });
    var joint = $('joint').tBodies[0];
    joint.replaceChildren();
    f.joint.forEach(function (j) {
      joint.appendChild(row([el('td', j.year), num(p3(j.probability)), num('[' + p3(j.ci95[0]) + ', ' + p3(j.ci95[1]) + ']')]));
    });
    var fans = $('fans');
    fans.replaceChildren();
    s.fans.forEach(function (fan) {
      var figure = el('figure');
      var unit = (labels.unit && labels.unit[fan.unit]) || fan.unit;
      figure.appendChild(el('figcaption', indicator(fan.id) + ' (' + unit + ')'));
      var canvas = el('canvas');
      canvas.id = 'fan-' + fan.id;
      figure.appendChild(canvas);
      fans.appendChild(figure);
    });
    var drawn = drawFans(s.fans, { outer: T('band-outer'), inner: T('band-inner'), median: T('median'), target: T('target-line'), observed: T('observed') }, 'fan-');
    fans.setAttribute('data-charts', String(drawn));
  }

  function renderSensitivity(sens) {
    var body = $('sensitivity-result').tBodies[0];
    body.replaceChildren();
    var byTarget = {};
    sens.rows.forEach(function (r) { (byTarget[r.target] = byTarget[r.target] || []).push(r); });
    Object.keys(byTarget).forEach(function (target) {
      byTarget[target].sort(function (a, b) { return Math.abs(b.delta) - Math.abs(a.delta); }).slice(0, 3).forEach(function (r) {
        body.appendChild(row([el('td', target), el('td', r.lever + ' (' + r.end + ')'), num(plain(r.value)), num(signed(r.delta)),
          num('[' + signed(r.ci95[0]) + ', ' + signed(r.ci95[1]) + ']'), num(plain(r.cost_delta))]));
      });
    });
  }

  function renderCompare(s) {
    var c = s.compare;
    $('compare-result').hidden = false;
    $('compare-result').setAttribute('data-job', s.id);
    $('compare-label').textContent = s.label;
    var body = $('compare-result').querySelector('tbody');
    body.replaceChildren();
    c.targets.concat(c.joint).forEach(function (t) {
      body.appendChild(row([el('td', t.id), num(p3(t['base-probability'])), num(p3(t['other-probability'])), num(signed(t.difference)),
        num('[' + signed(t.ci95[0]) + ', ' + signed(t.ci95[1]) + ']')]));
    });
  }

  async function refreshJobs() {
    var jobs = (await api('api/jobs')).jobs;
    var body = $('jobs').tBodies[0];
    body.replaceChildren();
    if (jobs.length === 0) {
      var empty = row([el('td', T('no-runs'))]);
      empty.firstChild.colSpan = 6;
      body.appendChild(empty);
    }
    jobs.forEach(function (j) {
      var action = el('td');
      if (j.state === 'done') {
        var link = el('button', T('show'));
        link.addEventListener('click', function () { show(j.id); });
        action.appendChild(link);
      }
      var tr = row([el('td', j.id), el('td', j.kind), el('td', j.label), el('td', T('state-' + j.state) + (j.error ? ': ' + j.error : '')), num(j.seconds), action]);
      tr.setAttribute('data-job', j.id);
      body.appendChild(tr);
    });
    ['compare-base', 'compare-other'].forEach(function (id, k) {
      var select = $(id);
      var chosen = select.value;
      select.replaceChildren();
      jobs.filter(function (j) { return j.kind === 'run'; }).forEach(function (j) {
        var option = el('option', j.id + ' · ' + j.label);
        option.value = j.id;
        select.appendChild(option);
      });
      if (chosen) { select.value = chosen; } else if (select.options.length > k) { select.selectedIndex = Math.max(0, select.options.length - 2 + k); }
    });
  }

  async function init() {
    try {
      var lang = localStorage.getItem('forecast-lang') || 'zh';
      $('lang').value = lang;
      await setLanguage(lang);
      var meta = await api('api/scenarios');
      $('engine').textContent = meta.engine;
      $('trials').value = meta.trials['default'];
      $('trials').max = meta.trials.max;
      meta.scenarios.forEach(function (name) {
        var option = el('option', name);
        option.value = name;
        $('scenario').appendChild(option);
      });
      $('scenario').value = meta.scenarios.indexOf('baseline') >= 0 ? 'baseline' : meta.scenarios[0];
      await loadLevers();
      await refreshJobs();
      $('lang').addEventListener('change', function () { setLanguage($('lang').value); });
      $('scenario').addEventListener('change', loadLevers);
      $('reset').addEventListener('click', loadLevers);
      $('run').addEventListener('click', function () { submit('api/runs'); });
      $('sensitivity').addEventListener('click', function () { submit('api/sensitivity'); });
      $('compare').addEventListener('click', async function () {
        showError(null);
        try {
          var job = await post('api/compare', { base: $('compare-base').value, other: $('compare-other').value });
          document.body.setAttribute('data-state', 'running');
          follow(job.id);
          await refreshJobs();
        } catch (e) { showError(e); }
      });
      document.body.setAttribute('data-state', 'ready');
    } catch (e) {
      showError(e);
      document.body.setAttribute('data-state', 'failed');
    }
  }

  init();
})();
