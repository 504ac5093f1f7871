package app.concord.documents.boundary;

import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Security headers on every answer. The Content-Security-Policy allows scripts from this
 * server only, plus exactly one inline script: the editor page's import map, by its hash,
 * computed from the page itself at start so that it cannot drift from the page. Styles may
 * be inline (CodeMirror injects its own); nothing may frame the pages; a document id, which
 * is a capability, never leaves in a Referer.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class SecurityHeadersFilter extends HttpFilter {

    private static final Pattern IMPORT_MAP = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);

    private String policy;

    @Override
    public void init(FilterConfig config) throws ServletException {
        String importMap;
        try (InputStream page = config.getServletContext().getResourceAsStream("/d.html")) {
            if (page == null) {
                throw new ServletException("/d.html is missing from the application");
            }
            Matcher m = IMPORT_MAP.matcher(new String(page.readAllBytes(), StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new ServletException("/d.html has no import map");
            }
            importMap = m.group(1);
        } catch (IOException e) {
            throw new ServletException("cannot read /d.html", e);
        }
        policy = policy(importMap);
    }

    /** The policy for pages whose only inline script is {@code importMap}. */
    static String policy(String importMap) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(importMap.getBytes(StandardCharsets.UTF_8));
            return "default-src 'self'; script-src 'self' 'sha256-" + Base64.getEncoder().encodeToString(hash) + "'; "
                    + "style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; "
                    + "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", policy);
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        chain.doFilter(request, response);
    }
}
