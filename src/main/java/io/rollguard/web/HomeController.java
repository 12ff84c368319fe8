package io.rollguard.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** Until the portal pages exist, the start page is Camunda Tasklist, where approvers work. */
@Controller
class HomeController {

    @GetMapping("/")
    String home() {
        return "redirect:/camunda/app/tasklist/";
    }
}
