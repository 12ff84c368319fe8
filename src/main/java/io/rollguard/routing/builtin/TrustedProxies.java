package io.rollguard.routing.builtin;

import java.net.InetAddress;
import java.util.List;

import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * The clients whose tenant header the router believes: addresses or CIDR ranges (IPv4 or IPv6),
 * matched with Spring Security's {@link IpAddressMatcher}. Empty means nobody.
 */
final class TrustedProxies {

    private final List<IpAddressMatcher> matchers;

    TrustedProxies(List<String> entries) {
        this.matchers = entries.stream().map(TrustedProxies::matcher).toList();
    }

    private static IpAddressMatcher matcher(String entry) {
        // an address, never a host name: resolving names here would make trust depend on DNS
        if (!entry.matches("[0-9a-fA-F:.]+(/\\d{1,3})?")) {
            throw new IllegalArgumentException("rollguard.router.trusted-proxies: '" + entry
                    + "' is not an IP address or CIDR range");
        }
        try {
            return new IpAddressMatcher(entry);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rollguard.router.trusted-proxies: '" + entry + "' is invalid ("
                    + e.getMessage() + ")", e);
        }
    }

    boolean trusts(InetAddress client) {
        if (client == null || matchers.isEmpty()) {
            return false;
        }
        String address = client.getHostAddress();
        return matchers.stream().anyMatch(m -> m.matches(address));
    }

    boolean isEmpty() {
        return matchers.isEmpty();
    }
}
