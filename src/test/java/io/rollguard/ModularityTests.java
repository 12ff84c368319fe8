package io.rollguard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;

class ModularityTests {

    static final ApplicationModules modules = ApplicationModules.of(RollguardApplication.class);

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersPublicSurface() {
        modules.verify();
    }

    /**
     * The module map into target/spring-modulith-docs: PlantUML (C4) of all modules and of each,
     * and modules.md, one line per module with what it depends on and what it exposes.
     * docs/modules.puml and docs/modules.md are copies, refreshed when the modules change.
     */
    @Test
    void writesTheModuleMap() throws IOException {
        new Documenter(modules).writeDocumentation();
        Files.writeString(Path.of("target", "spring-modulith-docs", "modules.md"), moduleList());
    }

    private static String moduleList() {
        StringBuilder list = new StringBuilder("""
                | module | what | depends on | exposes |
                |---|---|---|---|
                """);
        modules.stream().sorted((a, b) -> a.getName().compareTo(b.getName())).forEach(module -> list
                .append("| `").append(module.getName()).append("` | ").append(module.getDisplayName())
                .append(" | ").append(dependencies(module))
                .append(" | ").append(surface(module)).append(" |\n"));
        return list.toString();
    }

    private static String dependencies(ApplicationModule module) {
        String names = module.getDirectDependencies(modules).uniqueModules().map(ApplicationModule::getName)
                .sorted().collect(Collectors.joining(", "));
        return names.isEmpty() ? "—" : names;
    }

    /** The public top-level types other modules may use, by named interface (unnamed: the base package). */
    private static String surface(ApplicationModule module) {
        return module.getNamedInterfaces().stream()
                .map(ni -> {
                    long types = ni.asJavaClasses().filter(ModularityTests::isPublicTopLevel).count();
                    return (ni.isUnnamed() ? "" : "`" + ni.getName() + "`: ") + types + (types == 1 ? " type" : " types");
                })
                .collect(Collectors.joining("; "));
    }

    private static boolean isPublicTopLevel(JavaClass type) {
        return type.isTopLevelClass() && type.getModifiers().contains(JavaModifier.PUBLIC)
                && !type.getSimpleName().equals("package-info");
    }

}
