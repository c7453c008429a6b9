'use strict';
// Logs in with the admin token as JSON; the answer sets the HttpOnly session cookie, and the
// dashboard is then served in place of this form.
document.getElementById('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const error = document.getElementById('login-error');
  const button = document.getElementById('login-submit');
  const input = document.getElementById('login-token');
  error.hidden = true;
  button.disabled = true;
  try {
    const r = await fetch('/dashboard/login', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({token: input.value}),
      credentials: 'same-origin',
    });
    if (r.ok) {
      input.value = '';
      location.replace('/dashboard');
      return;
    }
    let message = 'HTTP ' + r.status;
    try { message = (await r.json()).error.message; } catch (ignored) { /* not JSON */ }
    error.textContent = r.status === 401 ? 'Wrong admin token.' : 'Cannot log in: ' + message;
  } catch (err) {
    error.textContent = 'Cannot reach Surge: ' + err.message;
  }
  error.hidden = false;
  button.disabled = false;
  input.select();
});
