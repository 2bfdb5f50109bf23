package org.tabserve.web.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.onnx.graph.GraphParser;
import org.tabserve.model.onnx.graph.MetadataWriter;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.context.IExpressionContext;
import org.thymeleaf.linkbuilder.StandardLinkBuilder;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.FileTemplateResolver;

/**
 * Issue 21, case 11: a class label holding U+202E RIGHT-TO-LEFT OVERRIDE must not reverse the text around it on the
 * card page. Every place the page shows it (the facts, the metrics table, the legend, the pictures' labels, tooltips
 * and summaries) isolates it: inside an element of its own that isolates ({@code <bdi>}, {@code dir}), or between
 * U+2068 and U+2069 where it is joined into a longer text.
 */
class BidiIsolationTest {

    private static final String OVERRIDE = "\u202E";
    private static final String REVERSED = OVERRIDE + "forged";

    @TempDir
    static Path dir;

    @Test
    void aClassNameThatOverridesTheDirectionIsIsolatedWhereverTheCardPageShowsIt() throws IOException {
        Path file = dir.resolve("override.onnx");
        Path bundled = Path.of("model.onnx");
        Map<String, String> metadata =
                new LinkedHashMap<>(GraphParser.parse(bundled).metadata());
        metadata.put("tabserve.class_display_names", "{\"0\":\"genuine\",\"1\":\"" + REVERSED + "\"}");
        try (OutputStream out = Files.newOutputStream(file)) {
            MetadataWriter.write(ByteBuffer.wrap(Files.readAllBytes(bundled)), metadata, out);
        }
        Document page;
        try (Model model = OnnxModelLoader.load(file)) {
            page = Jsoup.parse(render("model", Map.of("page", ModelPages.build(model))));
        }

        List<String> shown = new ArrayList<>();
        List<String> leaking = new ArrayList<>();
        NodeTraversor.traverse(
                (node, depth) -> {
                    if (node instanceof TextNode text && text.getWholeText().contains(OVERRIDE)) {
                        Element parent = (Element) text.parent();
                        shown.add(parent.tagName());
                        if (!isolated(text.getWholeText())
                                && !parent.tagName().equals("bdi")
                                && !parent.hasAttr("dir")) {
                            leaking.add("<" + parent.tagName() + ">" + text.getWholeText());
                        }
                    } else if (node instanceof Element element) {
                        for (Attribute attribute : element.attributes()) {
                            if (attribute.getValue().contains(OVERRIDE)) {
                                shown.add(element.tagName() + "@" + attribute.getKey());
                                if (!isolated(attribute.getValue())) {
                                    leaking.add("<" + element.tagName() + " " + attribute.getKey() + "="
                                            + attribute.getValue());
                                }
                            }
                        }
                    }
                },
                page);
        assertTrue(
                shown.size() >= 8 && shown.contains("text") && shown.contains("th") && shown.contains("dd"),
                "the label is shown in the facts, the table, the legend and the pictures: " + shown);
        assertEquals(List.of(), leaking);
    }

    /** Whether every override in {@code text} stands between a U+2068 FIRST STRONG ISOLATE and its U+2069. */
    private static boolean isolated(String text) {
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u2068') {
                depth++;
            } else if (c == '\u2069') {
                depth--;
            } else if (c == '\u202E' && depth <= 0) {
                return false;
            }
        }
        return true;
    }

    /** The template as the app renders it, links context-relative to "/" (no servlet container here). */
    static String render(String template, Map<String, Object> variables) {
        FileTemplateResolver resolver = new FileTemplateResolver();
        resolver.setPrefix("webapp/WEB-INF/templates/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        TemplateEngine engine = new TemplateEngine();
        engine.setTemplateResolver(resolver);
        engine.setLinkBuilder(new StandardLinkBuilder() {
            @Override
            protected String computeContextPath(
                    IExpressionContext context, String base, Map<String, Object> parameters) {
                return "";
            }
        });
        Map<String, Object> all = new LinkedHashMap<>(variables);
        all.put("links", Map.of("form", "/", "card", "/model", "upload", "/predict_file", "apiModel", "/api/model"));
        return engine.process(template, new Context(Locale.ROOT, all));
    }
}
