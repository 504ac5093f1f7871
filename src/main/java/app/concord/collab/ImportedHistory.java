package app.concord.collab;

import app.concord.ot.Authorship;
import app.concord.ot.AuthorshipBuffer;
import app.concord.ot.InvalidOperationException;
import app.concord.ot.TextBuffer;
import app.concord.protocol.Revision;
import java.util.ArrayList;
import java.util.List;

/**
 * A history brought in from elsewhere (an archive), checked to replay from the empty text and
 * turned into the commits that store it, with snapshots (and authorship runs, from each
 * revision's author) as {@link LiveAuthorship#commitOf} makes them, the last always with one.
 *
 * @param commits the commits, revisions 1..n in order
 * @param text    the text after the last revision
 */
record ImportedHistory(List<Commit> commits, String text) {

    /**
     * @throws IllegalArgumentException when {@code revisions} are not 1..n, do not replay, or
     *                                  grow the text past {@link Limits#maxDocumentLength()}
     */
    static ImportedHistory of(String docId, List<Revision> revisions, Limits limits) {
        TextBuffer text = new TextBuffer("");
        AuthorshipBuffer runs = new AuthorshipBuffer(Authorship.empty());
        List<Commit> commits = new ArrayList<>(revisions.size());
        for (int i = 0; i < revisions.size(); i++) {
            Revision r = revisions.get(i);
            if (r.rev() != i + 1) {
                throw new IllegalArgumentException("revision " + r.rev() + " stands where revision " + (i + 1) + " belongs");
            }
            try {
                r.operation().applyTo(text);
                runs.apply(r.operation(), r.insertedAuthorship());
            } catch (InvalidOperationException e) {
                throw new IllegalArgumentException("revision " + r.rev() + " does not apply: " + e.getMessage(), e);
            }
            if (text.length() > limits.maxDocumentLength()) {
                throw new IllegalArgumentException("revision " + r.rev() + " makes the document longer than "
                        + limits.maxDocumentLength() + " code units");
            }
            commits.add(LiveAuthorship.commitOf(docId, r, text, runs, limits, i == revisions.size() - 1));
        }
        return new ImportedHistory(List.copyOf(commits), text.toString());
    }
}
