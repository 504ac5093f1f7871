package app.concord.documents.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EditorPageServletTest {

    @Test
    void acceptsOnlyASingleProtocolId() {
        assertTrue(EditorPageServlet.isDocumentId("/abc"));
        assertTrue(EditorPageServlet.isDocumentId("/Az09_-"));
        assertTrue(EditorPageServlet.isDocumentId("/" + "x".repeat(64)));

        assertFalse(EditorPageServlet.isDocumentId(null));
        assertFalse(EditorPageServlet.isDocumentId("/"));
        assertFalse(EditorPageServlet.isDocumentId("/" + "x".repeat(65)));
        assertFalse(EditorPageServlet.isDocumentId("/a/b"));
        assertFalse(EditorPageServlet.isDocumentId("/a b"));
        assertFalse(EditorPageServlet.isDocumentId("/../d.html"));
    }
}
