package io.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A portal user for the page benchmarks: signs in once through the login form, then uses only the session cookie, like a browser. */
final class PortalSession {

    record Page(int status, String body) {
    }

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .version(HttpClient.Version.HTTP_1_1).build();
    private final int port;

    PortalSession(int port, String user) {
        this.port = port;
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(get("/login").body());
        assertThat(csrf.find()).isTrue();
        String form = "username=" + user + "&password=" + user + "&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(get("/").status()).isEqualTo(200);
    }

    Page get(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60)));
    }

    /** Nanoseconds for one GET that must answer 200. */
    long time(String path) {
        long t = System.nanoTime();
        Page page = get(path);
        long elapsed = System.nanoTime() - t;
        assertThat(page.status()).as(path).isEqualTo(200);
        return elapsed;
    }

    private Page send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Page(r.statusCode(), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
