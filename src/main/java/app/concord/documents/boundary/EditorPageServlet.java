package app.concord.documents.boundary;

import app.concord.protocol.JsonCodec;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /d/{docId}}: the editor page (d.html) for a well-formed document id, 404 (the
 * application's error page, 404.html) for anything else. The page itself reads the id from
 * its address.
 */
@WebServlet("/d/*")
public class EditorPageServlet extends HttpServlet {

    static final String PAGE = "/d.html";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (isDocumentId(request.getPathInfo())) {
            request.getRequestDispatcher(PAGE).forward(request, response);
            return;
        }
        response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }

    /** True for a path info of {@code /} followed by a protocol document id, nothing more. */
    static boolean isDocumentId(String pathInfo) {
        return pathInfo != null && pathInfo.startsWith("/") && JsonCodec.ID.matcher(pathInfo.substring(1)).matches();
    }
}
