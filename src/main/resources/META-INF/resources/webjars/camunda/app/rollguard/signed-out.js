// Rollguard, for Camunda's webapps: they log out with an XHR and then show their own sign-in form
// without reloading the page. With single sign-on through Keycloak that form cannot sign anyone in,
// so when the app moves to its sign-in view, reload: the server then decides what comes next —
// Keycloak's login page (the Keycloak session was ended by the logout) or, with the local users of
// the embedded default, Camunda's own form again. No default export: Camunda would take it for a
// plugin.
window.addEventListener('hashchange', (event) => {
  const isSignIn = (hash) => hash.startsWith('#/login');
  if (!isSignIn(new URL(event.oldURL).hash) && isSignIn(window.location.hash)) {
    window.location.reload();
  }
});
