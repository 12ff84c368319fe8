package io.rollguard.security;

/**
 * Something that has owners, such as a registered app. Ownership is what the permissions of a
 * requester rest on; the thing itself is not security's business, so it lives in its own feature
 * and answers this one question.
 */
public interface Owned {

    boolean isOwnedBy(String userId);
}
