package io.rollguard.engine;

import java.lang.reflect.Field;

/**
 * Reads the arguments of Camunda's command objects. They keep them in protected fields without
 * getters; the names are part of the engine's command classes and are covered by the security
 * tests, and a renamed field fails the command loudly instead of letting it through.
 */
public final class Commands {

    private Commands() {
    }

    @SuppressWarnings("unchecked")
    public static <T> T field(Object command, String name) {
        for (Class<?> type = command.getClass(); type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.getName().equals(name)) {
                    try {
                        field.setAccessible(true);
                        return (T) field.get(command);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("Cannot read " + name + " of " + command.getClass().getName(), e);
                    }
                }
            }
        }
        throw new IllegalStateException(command.getClass().getName() + " has no field " + name
                + "; the engine's command classes changed, Rollguard's guards must follow them");
    }
}
