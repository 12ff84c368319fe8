package io.rollguard.release;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.springframework.stereotype.Component;

/** The BPMN of a release's lifecycle instance with the activities it completed and the ones it is in now. */
@Component
class ReleaseDiagram {

    record Diagram(String processInstanceId, String processDefinitionKey, String xml, Set<String> completed,
            Set<String> active) {
    }

    private final RepositoryService repository;
    private final HistoryService history;

    ReleaseDiagram(RepositoryService repository, HistoryService history) {
        this.repository = repository;
        this.history = history;
    }

    Diagram of(Release release) {
        HistoricProcessInstance pi = history.createHistoricProcessInstanceQuery()
                .processInstanceId(release.processInstanceId()).singleResult();
        if (pi == null) {
            return null;
        }
        String xml;
        try (InputStream in = repository.getProcessModel(pi.getProcessDefinitionId())) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the process model " + pi.getProcessDefinitionId(), e);
        }
        Set<String> completed = new LinkedHashSet<>();
        Set<String> active = new LinkedHashSet<>();
        List<HistoricActivityInstance> activities = history.createHistoricActivityInstanceQuery()
                .processInstanceId(pi.getId()).orderByHistoricActivityInstanceStartTime().asc().list();
        for (HistoricActivityInstance a : activities) {
            (a.getEndTime() == null ? active : completed).add(a.getActivityId());
        }
        completed.removeAll(active);
        return new Diagram(pi.getId(), pi.getProcessDefinitionKey(), xml, completed, active);
    }
}
