package app.concord.documents.boundary;

import app.concord.protocol.JsonCodec;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /d/{docId}}: the editor page (d.html) for a well-formed document id, a short 404
 * page for anything else. The page itself reads the id from its address.
 */
@WebServlet("/d/*")
public class EditorPageServlet extends HttpServlet {

    static final String PAGE = "/d.html";

    private static final String NOT_FOUND = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Not found · Concord</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body><h1>Not found</h1><p>A document link looks like /d/ followed by up to 64 letters,
            digits, <code>_</code> or <code>-</code>.</p><p><a href="/">Concord home</a></p></body></html>
            """;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (isDocumentId(request.getPathInfo())) {
            request.getRequestDispatcher(PAGE).forward(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write(NOT_FOUND);
    }

    /** True for a path info of {@code /} followed by a protocol document id, nothing more. */
    static boolean isDocumentId(String pathInfo) {
        return pathInfo != null && pathInfo.startsWith("/") && JsonCodec.ID.matcher(pathInfo.substring(1)).matches();
    }
}
