package io.rollguard.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Which process definitions run releases: the ones Rollguard deployed from its own {@code bpmn/}
 * files, never simply the latest version of a key, which anyone allowed to deploy could have made.
 * A definition is Rollguard's when its BPMN is byte for byte one of the files in Rollguard's jar;
 * of those, the newest version wins (the one the auto-deployment at start made or found). Called
 * processes and forms follow, bound to the deployment of the process that calls them.
 * <p>
 * Decided at start-up (a start without its own definitions fails) and kept: every node decides
 * from the shared database and its own jar, so each runs the processes it ships.
 */
@Component
public class RollguardDefinitions implements ApplicationRunner {

    static final String BPMN_FILES = "classpath*:bpmn/*.bpmn";

    private final RepositoryService repository;
    private final Map<String, String> pinned = new ConcurrentHashMap<>();
    private volatile Set<String> ownHashes;

    RollguardDefinitions(RepositoryService repository) {
        this.repository = repository;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (String key : Set.of("releaseLifecycle", "releaseRollback", "releaseRestoration")) {
            definitionId(key);
        }
    }

    /** The id of Rollguard's own definition of this process key. */
    public String definitionId(String key) {
        return pinned.computeIfAbsent(key, this::find);
    }

    private String find(String key) {
        Set<String> own = ownHashes();
        for (ProcessDefinition definition : repository.createProcessDefinitionQuery().processDefinitionKey(key)
                .withoutTenantId().orderByProcessDefinitionVersion().desc().list()) {
            try (InputStream model = repository.getProcessModel(definition.getId())) {
                if (own.contains(sha256(model.readAllBytes()))) {
                    return definition.getId();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("No deployed process definition '" + key
                + "' is one of Rollguard's own bpmn/ files; the auto-deployment at start must deploy them");
    }

    private Set<String> ownHashes() {
        if (ownHashes == null) {
            Set<String> hashes = new HashSet<>();
            try {
                for (Resource file : new PathMatchingResourcePatternResolver().getResources(BPMN_FILES)) {
                    try (InputStream in = file.getInputStream()) {
                        hashes.add(sha256(in.readAllBytes()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read Rollguard's own BPMN files", e);
            }
            ownHashes = Set.copyOf(hashes);
        }
        return ownHashes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
