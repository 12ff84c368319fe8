package io.rollguard.web;

/** Marks a controller of the portal's HTML pages, so the shared layout gets what it needs. */
public interface PortalPage {
}
