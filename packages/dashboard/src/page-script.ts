import { controlHeader } from './controls.ts';

/** How many failure-rate readings each sparkline keeps (in the browser, per breaker). */
const historyLength = 60;

/**
 * @internal The page's script, inlined and written for browsers as they are (no build step).
 * It builds every element with `createElement` and fills it with `textContent`: a breaker's name
 * (which may come from a request path) never passes through an HTML parser. Paths are relative
 * (`events`, `isolate`), so the page works under whatever path it is mounted.
 */
export const pageScript: string = `
(function () {
  'use strict';
  var HISTORY = ${historyLength};
  var SVG = 'http://www.w3.org/2000/svg';
  var list = document.getElementById('breakers');
  var empty = document.getElementById('empty');
  var summary = document.getElementById('summary');
  var connection = document.getElementById('connection');
  var message = document.getElementById('message');
  var controls = document.body.getAttribute('data-controls') === 'true';
  var cards = new Map();
  var updates = 0;
  var retryMs = 1000;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgElement(tag, className) {
    var node = document.createElementNS(SVG, tag);
    if (className) node.setAttribute('class', className);
    return node;
  }

  function stat(stats, label) {
    var item = element('div');
    item.appendChild(element('dt', '', label));
    var value = element('dd');
    item.appendChild(value);
    stats.appendChild(item);
    return value;
  }

  // A long name arrives cut short, with an id: the full name is fetched when it is needed. The
  // two kinds of key cannot meet: a name may read like any id, even '#' and one.
  function keyOf(breaker) {
    return breaker.id ? 'id ' + breaker.id : 'name ' + breaker.name;
  }

  function fullName(breaker) {
    if (!breaker.id) return Promise.resolve(breaker.name);
    return fetch('breaker?id=' + encodeURIComponent(breaker.id), { cache: 'no-store' }).then(function (response) {
      if (!response.ok) throw new Error('the breaker is gone (' + response.status + ')');
      return response.json();
    }).then(function (view) { return view.name; });
  }

  function createCard(breaker) {
    var name = breaker.name;
    var card = { name: name, state: '', deadline: null, history: [] };
    card.root = element('li', 'breaker');
    var header = element('header');
    var title = element('h2', 'name', name);
    title.title = name;
    if (breaker.id) {
      title.setAttribute('data-truncated', String(breaker.nameLength));
      title.addEventListener('click', function () {
        fullName(breaker).then(function (full) { title.title = full; title.textContent = full; }, function () {});
      });
    }
    header.appendChild(title);
    card.stateLabel = element('span', 'state');
    header.appendChild(card.stateLabel);
    card.root.appendChild(header);

    var stats = element('dl', 'stats');
    card.failureRate = stat(stats, 'Failure rate');
    card.slowCallRate = stat(stats, 'Slow calls');
    card.callsPerSecond = stat(stats, 'Calls/s');
    card.rejected = stat(stats, 'Rejected');
    card.windowCalls = stat(stats, 'In window');
    card.halfOpen = stat(stats, 'Half-open in');
    card.root.appendChild(stats);

    var spark = svgElement('svg', 'spark');
    spark.setAttribute('viewBox', '0 0 ' + (HISTORY - 1) + ' 100');
    spark.setAttribute('preserveAspectRatio', 'none');
    spark.setAttribute('role', 'img');
    spark.setAttribute('aria-label', 'Failure rate over the last ' + HISTORY + ' updates');
    var axis = svgElement('line', 'axis');
    axis.setAttribute('x1', '0');
    axis.setAttribute('x2', String(HISTORY - 1));
    axis.setAttribute('y1', '100');
    axis.setAttribute('y2', '100');
    card.area = svgElement('polygon', 'area');
    card.line = svgElement('polyline', 'line');
    spark.appendChild(axis);
    spark.appendChild(card.area);
    spark.appendChild(card.line);
    card.root.appendChild(spark);
    card.root.appendChild(element('p', 'spark-label', 'Failure rate, last ' + HISTORY + ' updates'));

    if (controls) {
      var actions = element('div', 'actions');
      actions.appendChild(controlButton('isolate', 'Isolate', breaker));
      actions.appendChild(controlButton('reset', 'Reset', breaker));
      card.root.appendChild(actions);
    }
    return card;
  }

  function controlButton(action, label, breaker) {
    var button = element('button', '', label);
    button.type = 'button';
    button.addEventListener('click', function () {
      fullName(breaker).then(function (name) {
        control(action, label, name, button);
      }, function (error) {
        say(label + ' "' + breaker.name + '" failed: ' + error.message, true);
      });
    });
    return button;
  }

  function control(action, label, name, button) {
    var effect = action === 'isolate'
      ? 'Every call through it will be refused until it is reset.'
      : 'Its window is emptied and calls go through again.';
    if (!window.confirm(label + ' circuit "' + name + '"? ' + effect)) return;
    button.disabled = true;
    var headers = {};
    headers['${controlHeader}'] = '1';
    fetch(action + '?name=' + encodeURIComponent(name), {
      method: 'POST',
      headers: headers,
      credentials: 'same-origin',
      cache: 'no-store'
    }).then(function (response) {
      if (response.ok) return say(label + ' "' + name + '": done.', false);
      return response.text().then(function (text) {
        say(label + ' "' + name + '" failed: ' + response.status + ' ' + text.trim(), true);
      });
    }, function (error) {
      say(label + ' "' + name + '" failed: ' + error.message, true);
    }).then(function () {
      button.disabled = false;
    });
  }

  function say(text, isError) {
    message.textContent = text;
    message.setAttribute('data-kind', isError ? 'error' : 'info');
    message.hidden = false;
  }

  function percent(value) {
    return (Math.round(value * 10) / 10) + ' %';
  }

  function perSecond(value) {
    return value < 10 ? String(Math.round(value * 10) / 10) : String(Math.round(value));
  }

  function duration(ms) {
    if (ms < 10000) return (Math.ceil(ms / 100) / 10).toFixed(1) + ' s';
    var seconds = Math.ceil(ms / 1000);
    if (seconds < 120) return seconds + ' s';
    return Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
  }

  function halfOpenText(card, now) {
    switch (card.state) {
      case 'open':
        if (card.deadline === null) return 'unknown';
        var left = card.deadline - now;
        return left > 0 ? duration(left) : 'next call';
      case 'half-open':
        return 'trials now';
      case 'forced-open':
        return 'on reset';
      default:
        return '\\u2014';
    }
  }

  function drawSpark(card) {
    var history = card.history;
    var first = HISTORY - history.length;
    var points = [];
    for (var i = 0; i < history.length; i++) {
      points.push((first + i) + ',' + (100 - history[i]));
    }
    card.line.setAttribute('points', points.join(' '));
    card.area.setAttribute('points', points.length === 0 ? ''
      : points.join(' ') + ' ' + (HISTORY - 1) + ',100 ' + first + ',100');
  }

  function update(card, breaker, now) {
    card.state = breaker.state;
    card.root.setAttribute('data-state', breaker.state);
    card.stateLabel.textContent = breaker.state;
    card.failureRate.textContent = percent(breaker.failureRate);
    card.slowCallRate.textContent = percent(breaker.slowCallRate);
    card.callsPerSecond.textContent =
      breaker.callsPerSecond === null ? '\\u2014' : perSecond(breaker.callsPerSecond);
    card.rejected.textContent = String(breaker.rejected) +
      (breaker.rejectedPerSecond ? ' (' + perSecond(breaker.rejectedPerSecond) + '/s)' : '');
    card.windowCalls.textContent = String(breaker.calls);
    card.deadline = breaker.retryAfterMs === null ? null : now + breaker.retryAfterMs;
    card.halfOpen.textContent = halfOpenText(card, now);
    card.history.push(breaker.failureRate);
    if (card.history.length > HISTORY) card.history.shift();
    drawSpark(card);
  }

  function render(snapshot) {
    var now = performance.now();
    var seen = new Set();
    snapshot.breakers.forEach(function (breaker) { seen.add(keyOf(breaker)); });
    cards.forEach(function (card, name) {
      if (!seen.has(name)) {
        card.root.remove();
        cards.delete(name);
      }
    });
    var counts = {};
    snapshot.breakers.forEach(function (breaker, index) {
      var card = cards.get(keyOf(breaker));
      if (!card) {
        card = createCard(breaker);
        cards.set(keyOf(breaker), card);
      }
      update(card, breaker, now);
      counts[breaker.state] = (counts[breaker.state] || 0) + 1;
      var at = list.children[index];
      if (at !== card.root) list.insertBefore(card.root, at || null);
    });
    var total = snapshot.breakers.length;
    var parts = [total + (total === 1 ? ' breaker' : ' breakers')];
    ['open', 'half-open', 'forced-open', 'disabled'].forEach(function (state) {
      if (counts[state]) parts.push(counts[state] + ' ' + state);
    });
    if (total > 0 && parts.length === 1) parts.push('all closed');
    parts.push('updated ' + new Date(snapshot.time).toLocaleTimeString());
    summary.textContent = parts.join(' \\u00b7 ');
    empty.hidden = total > 0;
    document.body.setAttribute('data-status', snapshot.status);
    updates++;
    document.body.setAttribute('data-updates', String(updates));
  }

  function setConnection(state, text) {
    connection.setAttribute('data-connection', state);
    connection.textContent = text;
  }

  function connect() {
    setConnection('connecting', 'connecting\\u2026');
    var source = new EventSource('events');
    source.addEventListener('open', function () {
      retryMs = 1000;
      setConnection('live', 'live');
    });
    source.addEventListener('snapshot', function (event) {
      render(JSON.parse(event.data));
    });
    source.addEventListener('error', function () {
      if (source.readyState !== EventSource.CLOSED) {
        setConnection('connecting', 'reconnecting\\u2026');
        return;
      }
      // Refused (too many viewers, or the server is stopping): the browser will not retry.
      source.close();
      setConnection('down', 'disconnected; retrying in ' + Math.round(retryMs / 1000) + ' s');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }

  setInterval(function () {
    var now = performance.now();
    cards.forEach(function (card) {
      if (card.state === 'open') card.halfOpen.textContent = halfOpenText(card, now);
    });
  }, 250);
  connect();
})();
`;
