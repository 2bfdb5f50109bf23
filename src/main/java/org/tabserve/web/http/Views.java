package org.tabserve.web.http;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.WebApplicationTemplateResolver;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

/** Renders the Thymeleaf templates under {@code webapp/WEB-INF/templates/}; one engine, built at start-up. */
public final class Views {

    private final JakartaServletWebApplication application;
    private final TemplateEngine engine;

    public Views(ServletContext context, boolean cacheTemplates) {
        this.application = JakartaServletWebApplication.buildApplication(context);
        WebApplicationTemplateResolver resolver = new WebApplicationTemplateResolver(application);
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setPrefix("/WEB-INF/templates/");
        resolver.setSuffix(".html");
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCacheable(cacheTemplates);
        this.engine = new TemplateEngine();
        engine.setTemplateResolver(resolver);
    }

    /**
     * Writes a page with the given status.
     *
     * @param template  the template's name, e.g. {@code form}
     * @param variables the view model; templates escape everything they echo with {@code th:text}
     */
    public void render(
            HttpServletRequest request,
            HttpServletResponse response,
            int status,
            String template,
            Map<String, Object> variables)
            throws IOException {
        render(request, response, status, template, variables, PageLinks.ROOT);
    }

    /**
     * Writes a page with the given status whose links go to {@code links} (a model's own routes, or the root ones).
     */
    public void render(
            HttpServletRequest request,
            HttpServletResponse response,
            int status,
            String template,
            Map<String, Object> variables,
            PageLinks links)
            throws IOException {
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        Map<String, Object> all = new java.util.HashMap<>(variables);
        all.putIfAbsent("links", links);
        all.putIfAbsent(PageSession.VARIABLE, PageSession.of(request)); // the person signed in, if any
        WebContext context = new WebContext(application.buildExchange(request, response), request.getLocale(), all);
        engine.process(template, context, response.getWriter());
    }

    /**
     * Writes a page's HTML in UTF-8 to {@code out} rather than to the response (an answer shared by many requests,
     * {@link SharedAnswer}); {@code request} and {@code response} give only its links' context, and its person signed
     * in, whose page is never shared.
     */
    public void renderTo(
            HttpServletRequest request,
            HttpServletResponse response,
            String template,
            Map<String, Object> variables,
            java.io.OutputStream out)
            throws IOException {
        Map<String, Object> all = new java.util.HashMap<>(variables);
        all.putIfAbsent("links", PageLinks.ROOT);
        all.putIfAbsent(PageSession.VARIABLE, PageSession.of(request)); // a shared build is never a session's
        WebContext context = new WebContext(application.buildExchange(request, response), request.getLocale(), all);
        java.io.Writer writer = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8);
        engine.process(template, context, writer);
        writer.flush();
    }
}
