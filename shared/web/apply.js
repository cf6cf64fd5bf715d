/*
 * The public application form: the candidate leaves their name and email and receives an
 * interview link by email.
 */
(function () {
  'use strict';

  var FIELDS = ['firstName', 'lastName', 'email'];
  var $ = function (id) { return document.getElementById(id); };

  /** `/apply/{slugOrId}` → the request goes back to the same path. */
  function applyPath() {
    var parts = location.pathname.split('/').filter(Boolean);
    var at = parts.indexOf('apply');
    var slug = at >= 0 ? parts[at + 1] : parts[parts.length - 1];
    return slug ? '/apply/' + encodeURIComponent(decodeURIComponent(slug)) : null;
  }

  function clearErrors() {
    FIELDS.forEach(function (name) {
      $(name).removeAttribute('aria-invalid');
      var err = $(name + '-error');
      err.textContent = '';
      err.hidden = true;
    });
  }

  function fieldError(name, message) {
    var input = $(name);
    input.setAttribute('aria-invalid', 'true');
    var err = $(name + '-error');
    err.textContent = message;
    err.hidden = false;
  }

  function showResult(message, isError) {
    var box = $('apply-result');
    box.textContent = '';
    var p = document.createElement('p');
    p.className = isError ? 'notice notice-error' : 'notice';
    p.textContent = message;
    box.appendChild(p);
  }

  /** Field names may come as `email` or `candidate.email`. */
  function fieldName(raw) {
    var last = String(raw || '').split('.').pop();
    return FIELDS.indexOf(last) >= 0 ? last : null;
  }

  function validate(values) {
    var ok = true;
    if (!values.firstName) { fieldError('firstName', 'Please enter your first name.'); ok = false; }
    if (!values.lastName) { fieldError('lastName', 'Please enter your last name.'); ok = false; }
    if (!values.email) {
      fieldError('email', 'Please enter your email address.');
      ok = false;
    } else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) {
      fieldError('email', 'Please enter a valid email address, like name@example.com.');
      ok = false;
    }
    return ok;
  }

  function focusFirstInvalid() {
    for (var i = 0; i < FIELDS.length; i++) {
      if ($(FIELDS[i]).getAttribute('aria-invalid') === 'true') {
        $(FIELDS[i]).focus();
        return;
      }
    }
  }

  function init() {
    var form = $('apply-form');
    var button = $('apply-submit');
    var path = applyPath();
    var query = new URLSearchParams(location.search);
    FIELDS.forEach(function (name) {
      var value = query.get(name);
      if (value) $(name).value = value.slice(0, 254);
    });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (button.disabled) return;
      clearErrors();
      $('apply-result').textContent = '';
      var values = {};
      FIELDS.forEach(function (name) { values[name] = $(name).value.trim(); });
      if (!validate(values)) {
        focusFirstInvalid();
        return;
      }
      if (!path) {
        showResult('This application link is incomplete. Please check the address.', true);
        return;
      }
      button.disabled = true;
      showResult('Sending…', false);
      fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
        body: JSON.stringify(values)
      }).then(function (response) {
        return response.text().then(function (text) {
          var data = {};
          try { data = text ? JSON.parse(text) : {}; } catch (e) { data = {}; }
          return { ok: response.ok, status: response.status, data: data || {} };
        });
      }).then(function (result) {
        if (result.ok) {
          form.hidden = true;
          $('apply-intro').hidden = true;
          showResult(result.data.message || 'Thank you! Check your email for your interview link.', false);
          $('apply-title').textContent = 'Thank you';
          $('apply-title').focus();
          return;
        }
        button.disabled = false;
        var errors = Array.isArray(result.data.errors) ? result.data.errors : [];
        var unplaced = [];
        errors.forEach(function (e) {
          var name = fieldName(e.field);
          if (name) fieldError(name, e.message ? capitalise(e.message) : 'Please check this field.');
          else if (e.message) unplaced.push((e.field ? e.field + ': ' : '') + e.message);
        });
        var detail = result.data.detail || (result.status === 404
          ? 'This position is not open for applications.'
          : 'Your application could not be sent. Please try again.');
        showResult([detail].concat(unplaced).join(' '), true);
        focusFirstInvalid();
      }, function () {
        button.disabled = false;
        showResult('We could not reach the server. Check your internet connection and try again.', true);
      });
    });
  }

  function capitalise(text) {
    text = String(text);
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
