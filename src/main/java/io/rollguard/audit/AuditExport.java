package io.rollguard.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Writes a period of the trail as CSV or JSON, streaming, with both hashes of every entry so the
 * export can be verified without Rollguard (see {@link AuditHash} for the canonical form).
 */
@Component
class AuditExport {

    static final String CSV_HEADER = "id,at,release_id,type,actor,detail,prev_hash,hash\n";

    private final AuditTrail trail;

    AuditExport(AuditTrail trail) {
        this.trail = trail;
    }

    void csv(Instant from, Instant to, OutputStream out) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write(CSV_HEADER);
        trail.forEach(from, to, e -> {
            try {
                w.write(e.id() + "," + e.at() + "," + csv(e.releaseId()) + "," + csv(e.type()) + "," + csv(e.actor())
                        + "," + csv(e.detail()) + "," + e.prevHash() + "," + e.hash() + "\n");
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        w.flush();
    }

    void json(Instant from, Instant to, OutputStream out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("from", from.toString());
            g.writeStringField("to", to.toString());
            g.writeStringField("canonicalForm", "sha256 of the JSON array [id, at, releaseId, type, actor, detail, prevHash]");
            g.writeArrayFieldStart("entries");
            trail.forEach(from, to, e -> {
                try {
                    g.writeStartObject();
                    g.writeNumberField("id", e.id());
                    g.writeStringField("at", e.at().toString());
                    g.writeStringField("releaseId", e.releaseId());
                    g.writeStringField("type", e.type());
                    g.writeStringField("actor", e.actor());
                    g.writeStringField("detail", e.detail());
                    g.writeStringField("prevHash", e.prevHash());
                    g.writeStringField("hash", e.hash());
                    g.writeEndObject();
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            });
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /**
     * Empty for null, otherwise always quoted: a detail may hold commas, quotes and line breaks.
     * A cell a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
     * gets a leading apostrophe, as does one that starts with an apostrophe itself, so a verifier
     * gets the stored text back by dropping one leading apostrophe wherever there is one.
     */
    static String csv(String value) {
        if (value == null) {
            return "";
        }
        String cell = !value.isEmpty() && "=+-@\t\r'".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return '"' + cell.replace("\"", "\"\"") + '"';
    }
}
