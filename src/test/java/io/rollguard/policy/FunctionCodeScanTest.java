package io.rollguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the scan of a function node's code finds, and what it rightly ignores. */
class FunctionCodeScanTest {

    static ObjectNode function(String func) {
        ObjectNode node = new ObjectMapper().createObjectNode();
        node.put("id", "f1").put("type", "function").put("func", func);
        return node;
    }

    static FunctionCodeScan.Findings scan(String func) {
        return FunctionCodeScan.scan(function(func));
    }

    @Test
    void plainCodeFindsNothing() {
        FunctionCodeScan.Findings found = scan("msg.payload = { status: \"UP\" };\nreturn msg;");
        assertThat(found).isEqualTo(FunctionCodeScan.Findings.NONE);
    }

    @Test
    void childProcessIsFoundInARequire() {
        FunctionCodeScan.Findings found = scan("const cp = require('child_process');\ncp.execSync('id');");
        assertThat(found.usesChildProcess()).isTrue();
        assertThat(found.usesRequire()).isTrue();
        assertThat(found.evidence()).anySatisfy(e -> assertThat(e).contains("child_process").contains("line 1"));
    }

    @Test
    void processCountsAsAnIdentifierButNotAsAPropertyCommentOrString() {
        assertThat(scan("return process.env.HOME;").usesProcess()).isTrue();
        assertThat(scan("msg.process = 1; // process.exit()\nreturn msg;").usesProcess()).isFalse();
        assertThat(scan("node.warn(\"could not process the request\");").usesProcess()).isFalse();
        assertThat(scan("/* process.exit() */ return msg;").usesProcess()).isFalse();
    }

    @Test
    void codeInsideATemplateLiteralsExpressionIsCode() {
        assertThat(scan("msg.payload = `home ${process.env.HOME} ok`;").usesProcess()).isTrue();
        assertThat(scan("msg.payload = `the process is ${msg.state}`;").usesProcess()).isFalse();
    }

    @Test
    void dynamicCodeCountsAsReachingProcess() {
        assertThat(scan("const f = this.constructor.constructor('return pro' + 'cess')();").usesProcess()).isTrue();
        assertThat(scan("eval(msg.payload);").usesProcess()).isTrue();
        assertThat(scan("new Function('return 1')();").usesProcess()).isTrue();
    }

    @Test
    void requireImportAndLibsLoadModules() {
        assertThat(scan("const fs = require(\"fs\");").usesRequire()).isTrue();
        assertThat(scan("const r = require; r('fs');").usesRequire()).isTrue();
        assertThat(scan("const m = await import('fs');").usesRequire()).isTrue();
        assertThat(scan("// require('fs')\nreturn msg;").usesRequire()).isFalse();
        ObjectNode node = function("return msg;");
        node.putArray("libs").addObject().put("var", "os").put("module", "os");
        assertThat(FunctionCodeScan.scan(node).usesRequire()).isTrue();
    }

    @Test
    void aDatabaseClientFromTheGlobalContextIsFound() {
        FunctionCodeScan.Findings found = scan("const pg = global.get(\"pg\");");
        assertThat(found.readsDatabaseClient()).isTrue();
        assertThat(found.readsAdminToken()).isFalse();
        assertThat(scan("const db = context.global.get('ordersDb');").readsDatabaseClient()).isTrue();
        assertThat(scan("const rate = global.get('exchangeRate');").readsDatabaseClient()).isFalse();
    }

    @Test
    void theAdminTokenOrASecretIsFound() {
        assertThat(scan("const t = global.get('adminToken');").readsAdminToken()).isTrue();
        assertThat(scan("const t = env.get(\"NODE_RED_ADMIN_TOKEN\");").readsAdminToken()).isTrue();
        assertThat(scan("const v = env.get(\"APP_VERSION\");").readsAdminToken()).isFalse();
    }

    @Test
    void aComputedGlobalNameCountsAsBothBecauseTheScanCannotTell() {
        FunctionCodeScan.Findings found = scan("const name = msg.which; const c = global.get(name);");
        assertThat(found.readsDatabaseClient()).isTrue();
        assertThat(found.readsAdminToken()).isTrue();
        assertThat(scan("const c = global['get']('pg');").readsDatabaseClient()).isTrue();
    }

    @Test
    void initializeAndFinalizeAreScannedToo() {
        ObjectNode node = function("return msg;");
        node.put("initialize", "const pg = global.get('pg');").put("finalize", "process.exit(0);");
        FunctionCodeScan.Findings found = FunctionCodeScan.scan(node);
        assertThat(found.readsDatabaseClient()).isTrue();
        assertThat(found.usesProcess()).isTrue();
        assertThat(found.evidence()).anySatisfy(e -> assertThat(e).startsWith("initialize"))
                .anySatisfy(e -> assertThat(e).startsWith("finalize"));
    }

    @Test
    void codeThatCannotBeLexedToItsEndIsScannedAsRawText() {
        // an unterminated string hides nothing: the whole text counts, comments included
        FunctionCodeScan.Findings found = scan("const s = \"open\nprocess.exit(1);");
        assertThat(found.usesProcess()).isTrue();
        assertThat(found.evidence()).anySatisfy(e -> assertThat(e).contains("raw text"));
    }

    @Test
    void aRegexLiteralIsNotTakenForAString() {
        assertThat(scan("const ok = /[\"']/.test(msg.payload); process.exit();").usesProcess()).isTrue();
        assertThat(scan("const ok = /process/.test(msg.payload);").usesProcess()).isFalse();
        assertThat(scan("function f(x) { return /[\"']/.test(x); }\nprocess.exit();").usesProcess()).isTrue();
        assertThat(scan("function f(x) { return /process/.test(x); }").usesProcess()).isFalse();
        assertThat(scan("const half = total / 2; const q = \"process\";").usesProcess()).isFalse();
    }

    @Test
    void onlyFunctionNodesAreScanned() {
        ObjectNode node = function("process.exit()");
        node.put("type", "template");
        assertThat(FunctionCodeScan.scan(node)).isEqualTo(FunctionCodeScan.Findings.NONE);
    }
}
