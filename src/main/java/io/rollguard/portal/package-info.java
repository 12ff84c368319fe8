/**
 * The shell of the portal: the start page (my releases, held analyses, rollbacks that wait for a
 * repair, recent releases) and what the shared layout shows about the signed-in user. It sits on
 * top: it reads other features, nothing depends on it.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Portal")
package io.rollguard.portal;
