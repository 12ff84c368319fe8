package io.rollguard.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.rollguard.changes.CodeLines.Line;
import io.rollguard.changes.CodeLines.Token;

/** The line diff as the changes page renders it: kinds, both sides' numbers, JavaScript tokens. */
class CodeLinesTest {

    @Test
    void linesCarryTheirKindMarkAndNumbersOnBothSides() {
        List<String> diff = FlowDiff.lines("const a = 1;\nreturn msg;\n", "const a = 2;\nreturn msg;\n");

        List<Line> lines = CodeLines.of("func", diff);

        assertThat(lines).extracting(Line::kind).containsExactly("hunk", "removed", "added", "context", "context");
        assertThat(lines.get(1)).extracting(Line::marker, Line::before, Line::after).containsExactly("-", 1, null);
        assertThat(lines.get(2)).extracting(Line::marker, Line::before, Line::after).containsExactly("+", null, 1);
        assertThat(lines.get(3)).extracting(Line::before, Line::after).containsExactly(2, 2);
        assertThat(lines.get(2).spoken()).isEqualTo("added: ");
        assertThat(lines.get(1).spoken()).isEqualTo("removed: ");
    }

    @Test
    void functionCodeIsSplitIntoKeywordsStringsNumbersCommentsAndNodeRedNames() {
        List<Token> tokens = new CodeLines.Highlighter().tokens("const url = 'https://x' + msg.id; // 42 here");

        assertThat(tokens).containsExactly(new Token("kw", "const"), new Token(null, " url = "),
                new Token("str", "'https://x'"), new Token(null, " + "), new Token("api", "msg"),
                new Token(null, ".id; "), new Token("com", "// 42 here"));
        assertThat(new CodeLines.Highlighter().tokens("x = 10 + a1.return"))
                .containsExactly(new Token(null, "x = "), new Token("num", "10"), new Token(null, " + a1.return"));
    }

    @Test
    void blockCommentsAndTemplateLiteralsContinueOnTheNextLineOfTheSameSide() {
        List<String> diff = FlowDiff.lines("", "/* one\ntwo */ return `a\nb`;");

        List<Line> lines = CodeLines.of("func", diff);

        assertThat(lines.get(1).tokens()).containsExactly(new Token("com", "/*"), new Token("com", " one"));
        assertThat(lines.get(2).tokens()).containsExactly(new Token("com", "two */"), new Token(null, " "),
                new Token("kw", "return"), new Token(null, " "), new Token("str", "`a"));
        assertThat(lines.get(3).tokens()).containsExactly(new Token("str", "b`"), new Token(null, ";"));
    }

    @Test
    void templatesStayPlainText() {
        List<Line> lines = CodeLines.of("template", FlowDiff.lines("", "<p>{{payload}} return</p>"));

        assertThat(lines.get(1).tokens()).containsExactly(new Token(null, "<p>{{payload}} return</p>"));
    }
}
