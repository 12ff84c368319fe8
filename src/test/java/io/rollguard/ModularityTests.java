package io.rollguard;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

class ModularityTests {

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersPublicSurface() {
        ApplicationModules.of(RollguardApplication.class).verify();
    }
}
