// Rollguard's configuration of this Camunda webapp (replaces the empty default one).
export default {
  // after a logout, reload so single sign-on can send the browser to Keycloak
  customScripts: ['../rollguard/signed-out']
};
