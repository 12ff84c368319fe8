package io.rollguard.routing.haproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * HAProxy's runtime API on a TCP stats socket, one command per connection (the socket's
 * non-interactive mode answers and closes).
 */
final class RuntimeApi {

    private static final int TIMEOUT_MILLIS = 3000;

    private RuntimeApi() {
    }

    /** Sends one command and returns HAProxy's answer with surrounding blank lines removed. */
    static String execute(String hostPort, String command) {
        if (command.contains("\n") || command.contains(";")) {
            throw new IllegalArgumentException("one runtime API command at a time: " + command);
        }
        int colon = hostPort.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort.substring(0, colon),
                    Integer.parseInt(hostPort.substring(colon + 1))), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (InputStream in = socket.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            throw new HaproxyException("HAProxy runtime API at " + hostPort + " did not answer '" + command + "': "
                    + e.getMessage(), e);
        }
    }

    static class HaproxyException extends IllegalStateException {
        HaproxyException(String message) {
            super(message);
        }

        HaproxyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
