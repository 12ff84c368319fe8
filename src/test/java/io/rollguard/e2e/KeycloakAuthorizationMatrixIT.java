package io.rollguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.rollguard.support.Api;
import io.rollguard.support.Keycloak;

/** The permission matrix with Keycloak as identity provider: every call carries a real token. */
@ActiveProfiles("keycloak")
class KeycloakAuthorizationMatrixIT extends AuthorizationMatrix {

    private static final Pattern LOGIN_FORM = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*>");
    private static final Pattern ACTION = Pattern.compile("action=\"([^\"]+)\"");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        Keycloak.requireRunning();
        startInfrastructure(registry, "rollguard_it_matrix_keycloak");
        registry.add("rollguard.keycloak.issuer", () -> Keycloak.ISSUER);
    }

    @BeforeAll
    static void keycloakRuns() {
        Keycloak.requireRunning();
    }

    @Override
    Api api(String baseUrl) {
        return new Api(baseUrl, user -> "Bearer " + Keycloak.userToken(user));
    }

    /**
     * Pages take no bearer token: like a browser, follow the portal to Keycloak's sign-in form,
     * sign in there and come back with a session to the page first asked for.
     */
    @Override
    Api.Response page(String user, String path) {
        SignedIn signedIn = signIn(user, path);
        return response(signedIn.page());
    }

    /** As a browser: signed in through Keycloak on a page every user opens, then the form with that page's CSRF token. */
    @Override
    Api.Response pageForm(String user, String path, Map<String, String> form) {
        SignedIn signedIn = signIn(user, "/releases");
        return response(send(signedIn.browser(), HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form, csrfOf(signedIn.page().body()))))));
    }

    record SignedIn(HttpClient browser, HttpResponse<String> page) {
    }

    private SignedIn signIn(String user, String path) {
        HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL).cookieHandler(new LocalhostCookies())
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> signIn = send(browser, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
        Matcher form = LOGIN_FORM.matcher(signIn.body());
        assertThat(form.find()).as(user + ": Keycloak's sign-in form at " + signIn.uri()).isTrue();
        Matcher action = ACTION.matcher(form.group());
        assertThat(action.find()).as(form.group()).isTrue();
        String credentials = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&credentialId=";
        HttpResponse<String> page = send(browser, HttpRequest.newBuilder(signIn.uri().resolve(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(credentials)));
        assertThat(page.uri().getPath()).as(user + " is back on the page: " + page.body().substring(0,
                Math.min(2000, page.body().length()))).isEqualTo(path);
        return new SignedIn(browser, page);
    }

    @Override
    String signInPath() {
        return "/oauth2/authorization/keycloak";
    }

    /**
     * Keycloak marks its sign-in cookies Secure; browsers send those to http://localhost (a secure
     * context), Java's cookie manager only over https. So the Secure flag is dropped on the way in.
     */
    private static final class LocalhostCookies extends CookieHandler {
        private final CookieManager cookies = new CookieManager();

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) throws IOException {
            return cookies.get(uri, requestHeaders);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> responseHeaders) throws IOException {
            Map<String, List<String>> insecure = new LinkedHashMap<>();
            responseHeaders.forEach((name, values) -> insecure.put(name, name != null && name.equalsIgnoreCase("Set-Cookie")
                    ? values.stream().map(v -> v.replaceAll("(?i);\\s*Secure(?=;|$)", "")).toList() : values));
            cookies.put(uri, insecure);
        }
    }

    private static HttpResponse<String> send(HttpClient browser, HttpRequest.Builder request) {
        try {
            return browser.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
