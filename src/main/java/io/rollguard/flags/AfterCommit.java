package io.rollguard.flags;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Runs a reload of an in-memory copy once the writing transaction has committed (at once without one). */
final class AfterCommit {

    private AfterCommit() {
    }

    static void run(Runnable reload) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    reload.run();
                }
            });
        } else {
            reload.run();
        }
    }
}
