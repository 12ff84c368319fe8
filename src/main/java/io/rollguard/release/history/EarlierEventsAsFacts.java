package io.rollguard.release.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import liquibase.change.custom.CustomTaskChange;
import liquibase.database.Database;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.CustomChangeException;
import liquibase.exception.ValidationErrors;
import liquibase.resource.ResourceAccessor;

/**
 * Rollguard's own Liquibase change (070 changelog, never a requester's): gives every history row
 * written before the {@code fact} column its fact, read from its texts once, so readers only ever
 * see typed facts. The texts themselves are left as they are: the audit trail hashed them.
 * Public only because Liquibase creates it by class name.
 */
public class EarlierEventsAsFacts implements CustomTaskChange {

    private static final int BATCH = 500;
    private int converted;

    @Override
    public void execute(Database database) throws CustomChangeException {
        Connection c = ((JdbcConnection) database.getConnection()).getUnderlyingConnection();
        try (PreparedStatement read = c.prepareStatement(
                "select id, type, actor, detail from rg_release_event where fact is null order by id");
                PreparedStatement write = c.prepareStatement("update rg_release_event set fact = ? where id = ?")) {
            List<Object[]> pending = new ArrayList<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    ReleaseFact fact = LegacyFacts.parse(rs.getString("type"), rs.getString("actor"), rs.getString("detail"));
                    pending.add(new Object[] {FactJson.write(fact), rs.getLong("id")});
                }
            }
            for (Object[] row : pending) {
                write.setString(1, (String) row[0]);
                write.setLong(2, (Long) row[1]);
                write.addBatch();
                if (++converted % BATCH == 0) {
                    write.executeBatch();
                }
            }
            write.executeBatch();
        } catch (SQLException e) {
            throw new CustomChangeException("Reading the earlier release history as facts failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String getConfirmationMessage() {
        return converted + " earlier release events read as facts";
    }

    @Override
    public void setUp() {
    }

    @Override
    public void setFileOpener(ResourceAccessor resourceAccessor) {
    }

    @Override
    public ValidationErrors validate(Database database) {
        return new ValidationErrors();
    }
}
