package io.rollguard.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The canonical form of an entry and its hash. The canonical form is a JSON array
 * {@code [id, at, releaseId, type, actor, detail, prevHash]} (at as ISO-8601 UTC, absent values as
 * null) so anyone holding an export can recompute every hash with a JSON library and sha256.
 */
final class AuditHash {

    static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditHash() {
    }

    static String canonical(long id, Instant at, String releaseId, String type, String actor, String detail,
            String prevHash) {
        try {
            return JSON.writeValueAsString(Arrays.asList(id, at.toString(), releaseId, type, actor, detail, prevHash));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String of(long id, Instant at, String releaseId, String type, String actor, String detail,
            String prevHash) {
        return sha256(canonical(id, at, releaseId, type, actor, detail, prevHash));
    }

    static String of(AuditEntry e) {
        return of(e.id(), e.at(), e.releaseId(), e.type(), e.actor(), e.detail(), e.prevHash());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
