package io.rollguard.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser's session with the portal: its cookie and the CSRF token its pages carry. */
final class PortalSession {

    private final RawHttp http;
    private final String authorization;
    private String cookie = "";

    /** Signed in with HTTP Basic on every request, as PortalPagesIT does. */
    PortalSession(int port, String user) {
        this.http = new RawHttp(port);
        this.authorization = RawHttp.basic(user, user);
    }

    private PortalSession(int port) {
        this.http = new RawHttp(port);
        this.authorization = null;
    }

    /** Signed in through the sign-in form: from then on only the session cookie says who this is. */
    static PortalSession signIn(int port, String user) {
        PortalSession s = new PortalSession(port);
        String token = s.csrf("/login");
        String form = "username=" + user + "&password=" + user + "&_csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        RawHttp.Response r = s.send("POST", "/login", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                form.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        assertThat(r.header("Location")).doesNotContain("error");
        return s;
    }

    String cookie() {
        return cookie;
    }

    RawHttp.Response get(String path) {
        return send("GET", path, Map.of(), new byte[0]);
    }

    String csrf(String path) {
        RawHttp.Response page = get(path);
        assertThat(page.status()).as(path + ": " + page.body()).isEqualTo(200);
        Matcher m = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page.body());
        assertThat(m.find()).as("a CSRF field in " + path).isTrue();
        return m.group(1);
    }

    RawHttp.Response send(String method, String path, Map<String, String> headers, byte[] body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (authorization != null) {
            all.putIfAbsent("Authorization", authorization);
        }
        if (!cookie.isEmpty()) {
            all.put("Cookie", cookie);
        }
        RawHttp.Response r = http.send("127.0.0.1", method, path, all, body, null);
        String set = r.header("Set-Cookie");
        if (set != null && set.startsWith("JSESSIONID=")) {
            cookie = set.substring(0, set.indexOf(';') < 0 ? set.length() : set.indexOf(';'));
        }
        return r;
    }
}
