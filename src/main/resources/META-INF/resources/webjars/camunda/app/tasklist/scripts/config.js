// Rollguard's configuration of Camunda Tasklist (replaces the default one; the keyboard shortcuts
// are Tasklist's documented defaults, kept so approvers lose nothing).
export default {
  // after a logout, reload so single sign-on can send the browser to Keycloak
  customScripts: ['../rollguard/signed-out'],
  shortcuts: {
    claimTask: { key: 'ctrl+alt+c', description: 'claims the currently selected task' },
    focusFilter: { key: 'ctrl+shift+f', description: 'set the focus to the first filter in the list' },
    focusList: { key: 'ctrl+alt+l', description: 'sets the focus to the first task in the list' },
    focusForm: { key: 'ctrl+alt+f', description: 'sets the focus to the first input field in a task form' },
    startProcess: { key: 'ctrl+alt+p', description: 'opens the start process modal dialog' }
  }
};
