/* Copy buttons for the permanent link, the text to share and the citation. Without
 * JavaScript the fields are there, read-only, to select and copy by hand. */
(function () {
  'use strict';

  function copied(button) {
    var status = document.querySelector('[data-copy-status]');
    if (status) { status.textContent = button.getAttribute('data-copied') || ''; }
  }

  function init() {
    document.querySelectorAll('[data-copy]').forEach(function (button) {
      var field = document.getElementById(button.getAttribute('data-copy'));
      if (!field) { return; }
      button.hidden = false;
      button.addEventListener('click', function () {
        var text = field.value;
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(function () { copied(button); }, function () {
            field.select();
          });
        } else {
          field.focus();
          field.select();
          try { if (document.execCommand('copy')) { copied(button); } } catch (e) { /* selected */ }
          button.focus();
        }
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
