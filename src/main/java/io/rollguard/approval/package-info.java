/**
 * Approvals: the approval policy (a DMN decision table, the only thing a person may deploy, and
 * only when it validates), four-eyes inside the engine (the requester can never complete an
 * approval of their own release), and the record of every approver's decision.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Approval")
package io.rollguard.approval;
