package app.concord.documents.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The error codes of the framework's own failures (the answers themselves: EditorBrowserIT, on a real server). */
class ApiExceptionMapperTest {

    @Test
    void aFrameworkFailureSaysWhatItIs() {
        assertEquals("not-found", ApiExceptionMapper.codeOf(404));
        assertEquals("method-not-allowed", ApiExceptionMapper.codeOf(405));
        assertEquals("unsupported-media-type", ApiExceptionMapper.codeOf(415));
        assertEquals("bad-request", ApiExceptionMapper.codeOf(400));
        assertEquals("bad-request", ApiExceptionMapper.codeOf(409));
        assertEquals("server-error", ApiExceptionMapper.codeOf(503));
    }
}
