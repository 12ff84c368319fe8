package io.rollguard.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.rollguard.release.FlowChanges;

class FlowDdlTest {

    static final String TAB = FlowDiffTest.TAB;
    final FlowChanges changes = new ReleaseFlowChanges(null, null, null, null, null);

    @Test
    void ddlInAFunctionsCodeIsRefusedWithTheNodeNamed() throws IOException {
        ArrayNode flows = FlowDiffTest.flows("1.5.0");
        flows.addObject().put("id", "init1").put("type", "function").put("z", TAB).put("name", "init db")
                .put("func", "// make sure the table exists\nconst db = global.get('db');\n"
                        + "await db.query(`create table if not exists rates (day date, ${col} numeric)`);\nreturn msg;");

        assertThat(changes.refusals(flows.toString())).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("/artifact/file");
            assertThat(v.message()).startsWith("node 'init db' on 'expenses 1.5.0' (function, id init1) runs DDL in func: "
                    + "create table if not exists rates").endsWith("schema changes go through the descriptor's `schema` changelog");
        });
    }

    @Test
    void everyKindOfDdlIsFoundAndOrdinarySqlOrProseIsNot() {
        assertThat(ddl("db.query('ALTER TABLE expense ADD COLUMN note text')")).isTrue();
        assertThat(ddl("db.query(\"drop index expense_day\")")).isTrue();
        assertThat(ddl("db.query('BEGIN; TRUNCATE expense; COMMIT')")).isTrue();
        assertThat(ddl("db.query('truncate table expense')")).isTrue();
        assertThat(ddl("db.query('CREATE UNIQUE INDEX i ON expense(day)')")).isTrue();
        assertThat(ddl("db.query('RENAME TABLE a TO b')")).isTrue();
        assertThat(ddl("db.query('COMMENT ON TABLE expense IS \\'x\\'')")).isTrue();

        assertThat(ddl("db.query('select * from expense where note = $1', ['drop the table, please'])")).isFalse();
        assertThat(ddl("db.query('insert into expense (description) values ($1)')")).isFalse();
        assertThat(ddl("node.warn('Create expense failed'); msg.payload = 'Drop it';")).isFalse();
        assertThat(ddl("// CREATE TABLE old_way (id int)\n/* DROP TABLE x */ return msg;")).isFalse();
        assertThat(ddl("msg.payload = 'truncate the text to fit';")).isFalse();
    }

    @Test
    void ddlInADatabaseNodesQueryOrATemplateIsRefusedToo() throws IOException {
        ArrayNode flows = FlowDiffTest.flows("1.5.0");
        flows.addObject().put("id", "q").put("type", "postgresql").put("z", TAB).put("query", "DROP TABLE expense;");
        flows.addObject().put("id", "t").put("type", "template").put("z", TAB).put("template", "CREATE VIEW v AS select 1");

        assertThat(changes.refusals(flows.toString())).extracting(v -> v.message())
                .anySatisfy(m -> assertThat(m).contains("id q").contains("in query: DROP TABLE expense"))
                .anySatisfy(m -> assertThat(m).contains("id t").contains("in template: CREATE VIEW v"));
    }

    @Test
    void theSampleAppHasNoDdl() throws IOException {
        for (String v : new String[] {"1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0", "1.5.0"}) {
            assertThat(changes.refusals(FlowDiffTest.flows(v).toString())).as(v).isEmpty();
        }
    }

    private boolean ddl(String code) {
        String flows = "[{\"id\":\"f\",\"type\":\"function\",\"z\":\"t\",\"func\":" + com.fasterxml.jackson.databind.node
                .TextNode.valueOf(code) + "}]";
        return !FlowDdl.in(FlowDiffTest.JSON.createArrayNode().addAll((ArrayNode) read(flows)), Map.of()).isEmpty();
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return FlowDiffTest.JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
