package io.tickengine.core.tick;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Symbol and source interning: the name rules of the wire contract, dense stable ids, a bound, and thread safety. */
class NameTableTest {
    private static final long JOIN_TIMEOUT_MS = 30_000;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "EURUSD",
                "A",
                "US500.cash",
                "#AAPL",
                "XAUUSD+",
                "GER40-m",
                "EURUSD_i",
                "term-01",
                "0123456789",
                "abcdefghijklmnopqrstuvwxyzABCDEF" // 32 characters
            })
    void shouldAcceptNamesOfOneTo32AllowedCharacters(final String name) {
        final NameTable table = new NameTable(8);
        assertTrue(NameTable.isValid(name));
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        assertTrue(NameTable.isValid(bytes, 0, bytes.length));
        final int id = table.intern(name);
        assertEquals(0, id);
        assertEquals(name, table.name(id));
        assertArrayEquals(bytes, table.bytes(id));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "abcdefghijklmnopqrstuvwxyzABCDEFG", // 33 characters
                "EUR USD",
                "EUR/USD",
                "EURUSD\u0000",
                "EUR,USD",
                "EURUSD\n",
                "\"EURUSD\"",
                "EURUSD\u00e9",
                "\u20acUSD",
                "\u0415URUSD" // Cyrillic capital IE, looks like E
            })
    void shouldRejectEmptyTooLongAndDisallowedNames(final String name) {
        final NameTable table = new NameTable(8);
        assertFalse(NameTable.isValid(name), "isValid(CharSequence)");
        final byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        assertFalse(NameTable.isValid(utf8, 0, utf8.length), "isValid(bytes)");
        assertEquals(NameTable.INVALID, table.intern(name));
        assertEquals(NameTable.INVALID, table.intern(utf8, 0, utf8.length));
        assertEquals(NameTable.INVALID, table.find(utf8, 0, utf8.length));
        assertEquals(0, table.size(), "nothing interned");
    }

    @Test
    void shouldGiveDenseIdsThatStayTheSame() {
        final NameTable table = new NameTable(16);
        assertEquals(0, table.intern("EURUSD"));
        assertEquals(1, table.intern("GBPUSD"));
        assertEquals(2, table.intern("USDJPY"));
        assertEquals(0, table.intern("EURUSD"));
        assertEquals(2, table.intern("USDJPY"));
        assertEquals(3, table.size());
        assertEquals("GBPUSD", table.name(1));
    }

    @Test
    void shouldInternANameInsideALargerBuffer() {
        final NameTable table = new NameTable(16);
        final int id = table.intern("EURUSD");
        final byte[] body = "{\"symbol\":\"EURUSD\",".getBytes(StandardCharsets.US_ASCII);
        assertEquals(id, table.intern(body, 11, 6));
        assertEquals(id, table.find(body, 11, 6));
        assertEquals(NameTable.INVALID, table.find(body, 11, 5), "EURUS is not interned");
        assertEquals(1, table.size());
    }

    @Test
    void shouldTellApartNamesOfEveryLengthThatShareAPrefixWhereverTheyLie() {
        // Names of up to 7 bytes are compared as one word, read straight from the buffer when 8 bytes are left in
        // it and byte by byte at its end: each length, both ways, against names one byte longer or shorter.
        final NameTable table = new NameTable(64);
        final String letters = "EURUSDmicro.ecn-pro_ABCDEFGHIJKLMNOPQRSTUV";
        final int[] ids = new int[NameTable.MAX_LENGTH + 1];
        for (int n = 1; n <= NameTable.MAX_LENGTH; n++) {
            ids[n] = table.intern(letters.substring(0, n).replace('_', 'x'));
        }
        for (int n = 1; n <= NameTable.MAX_LENGTH; n++) {
            final byte[] name = letters.substring(0, n).replace('_', 'x').getBytes(StandardCharsets.US_ASCII);
            final byte[] inside = new byte[n + 16];
            System.arraycopy(name, 0, inside, 4, n);
            inside[4 + n] = 'Z';
            assertEquals(n, ids[n] + 1, "one id per length, in order");
            assertEquals(ids[n], table.find(name, 0, n), "at the end of its buffer [length=" + n + "]");
            assertEquals(ids[n], table.find(inside, 4, n), "inside a larger buffer [length=" + n + "]");
            assertEquals(ids[n], table.intern(inside, 4, n));
            assertEquals(new String(name, StandardCharsets.US_ASCII), table.name(ids[n]));
        }
        assertEquals(NameTable.MAX_LENGTH, table.size(), "nothing added twice");
    }

    @Test
    void shouldRejectAnInvalidNameThatLooksLikeAnInternedOneBeforeItsBytesAreChecked() {
        // A known name is found before its bytes are checked: a trailing zero byte, or a byte beyond ASCII, must
        // still make another name, never the known one's id.
        final NameTable table = new NameTable(16);
        final int id = table.intern("EURUSD");
        final int longId = table.intern("EURUSD.micro");
        for (final String known : new String[] {"EURUSD", "EURUSD.micro"}) {
            for (final byte extra : new byte[] {0, (byte) 0x80, (byte) 0xFF}) {
                final byte[] name = (known + "x").getBytes(StandardCharsets.US_ASCII);
                name[name.length - 1] = extra;
                assertEquals(NameTable.INVALID, table.intern(name, 0, name.length), known + " + " + extra);
                assertEquals(NameTable.INVALID, table.find(name, 0, name.length), known + " + " + extra);
            }
        }
        assertEquals(2, table.size());
        assertEquals(id, table.intern("EURUSD"));
        assertEquals(longId, table.intern("EURUSD.micro"));
    }

    @Test
    void shouldFindOnlyInternedNamesWithoutAddingThem() {
        final NameTable table = new NameTable(16);
        final byte[] name = "BTCUSD".getBytes(StandardCharsets.US_ASCII);
        assertEquals(NameTable.INVALID, table.find(name, 0, name.length));
        assertEquals(0, table.size());
        final int id = table.intern(name, 0, name.length);
        assertEquals(id, table.find(name, 0, name.length));
    }

    @Test
    void shouldKeepEveryIdWhileGrowingPastItsFirstTable() {
        final NameTable table = new NameTable(5000);
        for (int i = 0; i < 5000; i++) {
            assertEquals(i, table.intern("S" + i));
        }
        for (int i = 0; i < 5000; i++) {
            final byte[] name = ("S" + i).getBytes(StandardCharsets.US_ASCII);
            assertEquals(i, table.find(name, 0, name.length));
            assertEquals("S" + i, table.name(i));
        }
        assertEquals(5000, table.size());
    }

    @Test
    void shouldReturnFullAtCapacityAndKeepServingKnownNames() {
        final NameTable table = new NameTable(3);
        assertEquals(0, table.intern("A"));
        assertEquals(1, table.intern("B"));
        assertEquals(2, table.intern("C"));
        assertEquals(NameTable.FULL, table.intern("D"));
        assertEquals(NameTable.FULL, table.intern("E"));
        assertEquals(1, table.intern("B"), "a known name still resolves when full");
        assertEquals(NameTable.INVALID, table.intern(""), "an invalid name is INVALID, not FULL");
        assertEquals(3, table.size());
        assertEquals(3, table.capacity());
    }

    @Test
    void shouldRejectACapacityBelowOne() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NameTable(0));
        assertTrue(e.getMessage().contains("capacity=0"), e.getMessage());
    }

    @Test
    void shouldGiveOneIdPerNameWhenThreadsInternTheSameNamesConcurrently() throws Exception {
        final int threads = 8;
        final int names = 500;
        final NameTable table = new NameTable(names);
        final List<Map<String, Integer>> seen = runConcurrently(table, threads, names);

        final Map<String, Integer> first = seen.get(0);
        assertEquals(names, first.size());
        for (final Map<String, Integer> other : seen) {
            assertEquals(first, other, "every thread sees the same id for a name");
        }
        assertEquals(names, table.size());
        final boolean[] used = new boolean[names];
        for (final Map.Entry<String, Integer> e : first.entrySet()) {
            final int id = e.getValue();
            assertTrue(id >= 0 && id < names, "dense id [name=" + e.getKey() + ", id=" + id + "]");
            assertFalse(used[id], "id given twice [id=" + id + "]");
            used[id] = true;
            assertEquals(e.getKey(), table.name(id));
        }
    }

    @Test
    void shouldNeverGiveMoreIdsThanCapacityUnderConcurrentInterning() throws Exception {
        final int threads = 8;
        final int names = 400;
        final int capacity = 150;
        final NameTable table = new NameTable(capacity);
        final List<Map<String, Integer>> seen = runConcurrently(table, threads, names);

        assertEquals(capacity, table.size());
        final Map<String, Integer> first = seen.get(0);
        int withId = 0;
        for (final Map.Entry<String, Integer> e : first.entrySet()) {
            final int id = e.getValue();
            if (id >= 0) {
                withId++;
                assertEquals(e.getKey(), table.name(id));
            } else {
                assertEquals(NameTable.FULL, id);
            }
        }
        assertEquals(capacity, withId);
        for (final Map<String, Integer> other : seen) {
            assertEquals(first, other, "a name is either interned (same id everywhere) or FULL everywhere");
        }
    }

    /**
     * Lets {@code threads} threads intern names {@code N0..N(names-1)}, each in its own order, all released at once.
     *
     * @return per thread, the id it got for each name.
     */
    private static List<Map<String, Integer>> runConcurrently(final NameTable table, final int threads, final int names)
            throws InterruptedException {
        final CountDownLatch startGate = new CountDownLatch(1);
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final List<Map<String, Integer>> seen = new ArrayList<>();
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final List<String> order = new ArrayList<>();
            for (int i = 0; i < names; i++) {
                order.add("N" + i);
            }
            Collections.shuffle(order, new Random(t));
            final Map<String, Integer> ids = new HashMap<>();
            seen.add(ids);
            final Thread worker = new Thread(
                    () -> {
                        try {
                            startGate.await();
                            for (final String name : order) {
                                ids.put(name, table.intern(name));
                            }
                            // And again, once everything is added: the answers must not change.
                            for (final String name : order) {
                                final int again = table.intern(name);
                                if (again != ids.get(name)) {
                                    throw new AssertionError("id changed [name=" + name + ", first=" + ids.get(name)
                                            + ", again=" + again + "]");
                                }
                            }
                        } catch (final Throwable e) {
                            failures.add(e);
                        }
                    },
                    "intern-" + t);
            workers.add(worker);
            worker.start();
        }
        startGate.countDown();
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_TIMEOUT_MS);
        for (final Thread worker : workers) {
            worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            assertFalse(worker.isAlive(), worker.getName() + " did not finish in time");
        }
        assertNull(failures.peek(), () -> "worker failed: " + failures.peek());
        return seen;
    }
}
