package io.rollguard.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Seals the secrets Rollguard keeps in its database (Node-RED admin tokens, app database
 * passwords) with AES-256-GCM under a key from the environment ({@code ROLLGUARD_SECRET_KEY},
 * property {@code rollguard.secrets.key}, 32 bytes in Base64). Each value gets a random 96-bit IV
 * and names the key it was sealed with ({@code {aes-gcm:<key id>}<Base64 of IV + ciphertext>}, the
 * key id being the start of the key's SHA-256), so the key can be rotated: the new key goes into
 * {@code rollguard.secrets.key}, the old one into {@code rollguard.secrets.previous-keys}, and
 * {@code SecretsAtRest} re-seals every value at the next start.
 *
 * <p>The value's place (table, column, row) is the GCM associated data: a sealed value copied into
 * another row or column does not open.
 */
@Component
public class SecretCipher {

    static final String KEY_PROPERTY = "rollguard.secrets.key";
    private static final Pattern SEALED = Pattern.compile("^\\{aes-gcm:([0-9a-f]{8})}([A-Za-z0-9+/=]+)$");
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final String currentId;
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();

    SecretCipher(@Value("${" + KEY_PROPERTY + ":}") String key,
            @Value("${rollguard.secrets.previous-keys:}") List<String> previousKeys) {
        if (key == null || key.isBlank()) {
            throw new IllegalStateException(KEY_PROPERTY + " is not set: give Rollguard the key that encrypts tokens "
                    + "and passwords at rest in ROLLGUARD_SECRET_KEY (32 random bytes in Base64, e.g. "
                    + "`openssl rand -base64 32`)");
        }
        SecretKey current = parse(KEY_PROPERTY, key);
        currentId = id(current);
        keys.put(currentId, current);
        for (String previous : previousKeys) {
            if (!previous.isBlank()) {
                SecretKey old = parse("rollguard.secrets.previous-keys", previous);
                keys.putIfAbsent(id(old), old);
            }
        }
    }

    /** Seals {@code plain} for the place {@code where} (e.g. {@code rg_app.admin_token:expenses}). */
    public String seal(String plain, String where) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(where.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return "{aes-gcm:" + currentId + "}" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a secret for " + where, e);
        }
    }

    /**
     * Opens a stored value. A value that is not sealed is a plaintext one from before encryption at
     * rest (until {@code SecretsAtRest} seals it at start) and comes back as it is.
     */
    public String open(String stored, String where) {
        if (stored == null) {
            return null;
        }
        Matcher m = SEALED.matcher(stored);
        if (!m.matches()) {
            return stored;
        }
        SecretKey key = keys.get(m.group(1));
        if (key == null) {
            throw new IllegalStateException("the secret in " + where + " is sealed with key " + m.group(1)
                    + ", which is neither " + KEY_PROPERTY + " nor one of rollguard.secrets.previous-keys");
        }
        try {
            byte[] in = Base64.getDecoder().decode(m.group(2));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(where.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // never the value or the key in the message
            throw new IllegalStateException("the secret in " + where + " does not decrypt with key " + m.group(1)
                    + " (altered, or copied from another place)", e);
        }
    }

    /** Whether a stored value needs sealing again: plaintext, or sealed with a previous key. */
    public boolean needsSealing(String stored) {
        if (stored == null) {
            return false;
        }
        Matcher m = SEALED.matcher(stored);
        return !m.matches() || !m.group(1).equals(currentId);
    }

    private static SecretKey parse(String property, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + " is not Base64", e);
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(property + " must be 32 bytes (AES-256) in Base64, was " + bytes.length
                    + " bytes");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    private static String id(SecretKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
