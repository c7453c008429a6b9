package dev.surge.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.surge.engine.util.GrantIdCipher;
import dev.surge.engine.util.SipHash;
import org.junit.jupiter.api.Test;

class GrantBookIdsTest {
    private final GrantIdCipher cipher = new GrantIdCipher(new SipHash(3, 4));
    private final GrantBook book = new GrantBook(new UserBook(new SubjectTable(new TableGrowth()),
        new IdempotencyTable(StateConfig.DEFAULT_IDEMPOTENCY_WINDOW_MS), new TableGrowth()), cipher, new TableGrowth());

    @Test
    void issuedIdsAreFoundByDecryptingThem() {
        for (int g = 0; g < 1000; g++) {
            book.nextId();
            book.add(cipher.hi(), cipher.lo(), 1, g, 0, 0);
        }
        for (int g = 0; g < 1000; g++) {
            cipher.encrypt(g);
            assertEquals(g, book.find(cipher.hi(), cipher.lo()));
        }
        cipher.encrypt(1000); // the next grant's id: not issued yet
        assertEquals(GrantBook.NONE, book.find(cipher.hi(), cipher.lo()));
    }

    @Test
    void idsFromOlderJournalsOrAnotherKeyAreStillFound() {
        // a journal written when ids were random bits, or replayed under another key: each id
        // is kept in the side index, and neither kind shadows the other
        GrantIdCipher foreign = new GrantIdCipher(new SipHash(5, 6));
        book.add(0x1234_5678_9abc_def0L, 42, 1, 1, 0, 0);
        foreign.encrypt(1);
        book.add(foreign.hi(), foreign.lo(), 1, 2, 0, 0);
        book.nextId();
        book.add(cipher.hi(), cipher.lo(), 1, 3, 0, 0);
        assertEquals(0, book.find(0x1234_5678_9abc_def0L, 42));
        assertEquals(1, book.find(foreign.hi(), foreign.lo()));
        cipher.encrypt(2);
        assertEquals(2, book.find(cipher.hi(), cipher.lo()));
        assertEquals(GrantBook.NONE, book.find(0x1234_5678_9abc_def0L, 43), "same high bits, other low bits");
        cipher.encrypt(0); // grant 0's number under this key: grant 0 has another id
        assertEquals(GrantBook.NONE, book.find(cipher.hi(), cipher.lo()));
    }
}
