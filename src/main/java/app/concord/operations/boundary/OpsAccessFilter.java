package app.concord.operations.boundary;

import app.concord.operations.control.Operations;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Guards the operator's pages under {@code /ops/} (metrics, status) by {@code OpsAccess}:
 * 404 while they are off, 401 without the right token, 403 from outside the loopback address.
 */
@WebFilter("/ops/*")
public class OpsAccessFilter extends HttpFilter {

    @Inject
    Operations operations;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Cache-Control", "no-store");
        switch (operations.access().decide(request.getRemoteAddr(), request.getHeader("Authorization"))) {
            case ALLOWED -> chain.doFilter(request, response);
            case HIDDEN -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
            case FORBIDDEN -> response.sendError(HttpServletResponse.SC_FORBIDDEN);
            case UNAUTHORIZED -> {
                response.setHeader("WWW-Authenticate", "Basic realm=\"Concord operations\", charset=\"UTF-8\"");
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            }
        }
    }
}
