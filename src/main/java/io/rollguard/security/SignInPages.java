package io.rollguard.security;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.RequestMapping;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The pages a browser sees when signing in through Keycloak cannot work. */
@Controller
class SignInPages {

    @RequestMapping(IdentityProviderAvailability.UNAVAILABLE_PAGE)
    String unavailable(HttpServletResponse response) {
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
        response.setHeader("Retry-After", "30");
        return "security/signin-unavailable";
    }

    @RequestMapping(IdentityProviderAvailability.FAILED_PAGE)
    String failed(HttpServletRequest request, HttpServletResponse response, Model model) {
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        Object reason = request.getAttribute("reason");
        model.addAttribute("reason", reason == null ? "unknown" : reason.toString());
        return "security/signin-failed";
    }
}
