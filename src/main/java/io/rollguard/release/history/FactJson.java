package io.rollguard.release.history;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The facts' JSON as the {@code fact} column keeps it. Its own mapper, not the application's: what
 * is stored must not change when someone tunes how the API writes JSON.
 */
final class FactJson {

    private static final ObjectMapper JSON = mapper();

    private FactJson() {
    }

    private static ObjectMapper mapper() {
        ObjectMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                // a row written by a later version may carry fields this one does not know yet
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
        mapper.registerSubtypes(facts(ReleaseFact.class).toArray(Class<?>[]::new));
        return mapper;
    }

    static String write(ReleaseFact fact) {
        return text(fact);
    }

    static ReleaseFact read(String json) {
        try {
            return JSON.readValue(json, ReleaseFact.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored release fact is not readable: " + e.getOriginalMessage(), e);
        }
    }

    static String text(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every record of the sealed hierarchy, through its sealed sub-interfaces. */
    static List<Class<?>> facts(Class<?> sealed) {
        List<Class<?>> all = new ArrayList<>();
        for (Class<?> permitted : sealed.getPermittedSubclasses()) {
            if (permitted.isSealed()) {
                all.addAll(facts(permitted));
            } else {
                all.add(permitted);
            }
        }
        return all;
    }
}
