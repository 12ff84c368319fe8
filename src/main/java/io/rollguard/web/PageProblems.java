package io.rollguard.web;

import org.springframework.ui.Model;

import io.rollguard.refusal.Refusal;

import jakarta.servlet.http.HttpServletResponse;

/** A refusal on a page: the same status as the API would answer, shown as a page of the portal. */
public final class PageProblems {

    private PageProblems() {
    }

    public static String render(Refusal problem, HttpServletResponse response, Model model) {
        response.setStatus(ApiExceptionHandler.status(problem).value());
        model.addAttribute("problem", problem);
        return "problem";
    }
}
