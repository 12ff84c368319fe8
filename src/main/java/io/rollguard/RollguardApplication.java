package io.rollguard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@EnableScheduling
public class RollguardApplication {
    public static void main(String[] args) {
        SpringApplication.run(RollguardApplication.class, args);
    }
}
