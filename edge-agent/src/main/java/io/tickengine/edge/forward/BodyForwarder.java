package io.tickengine.edge.forward;

import io.tickengine.edge.EdgeContext;
import io.tickengine.edge.store.BodyQueue;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the stored bar and symbol requests ({@link BodyQueue}) to the engine, oldest first, one at a time, each to the
 * path it came in on, and deletes each only once the engine acknowledged it (2xx). No answer, 429, 5xx and a
 * misconfiguration (401, 403, 404): the same body again after a backoff. 400, 409, 413 or 422: the engine refuses
 * the data: quarantined with its reason, and the rest flows on.
 *
 * <p>Its own thread ({@code edge-body-forwarder}); {@link #wake()} may be called from any thread.
 */
public final class BodyForwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BodyForwarder.class);

    private final BodyQueue queue;
    private final EngineClient client;
    private final long idlePollMs;
    private final Backoff backoff;
    private final Object work = new Object();
    private final Thread thread;
    private volatile boolean stopping;
    private boolean woken;
    private long failingSinceMsc;
    /** Why the oldest stored request cannot be forwarded now; {@code null} while forwarding works. */
    private volatile String failure;

    /** Bars or symbol entries the engine acknowledged. */
    public final AtomicLong forwardedItems = new AtomicLong();

    public BodyForwarder(final EdgeContext context, final BodyQueue queue, final EngineClient client) {
        this.queue = queue;
        this.client = client;
        this.idlePollMs = context.forwardIdlePollMs();
        this.backoff = new Backoff(context.forwardBackoffMinMs(), context.forwardBackoffMaxMs());
        this.thread = new Thread(this::run, "edge-body-forwarder");
        this.thread.setDaemon(true);
    }

    /** Starts the thread. */
    public BodyForwarder start() {
        thread.start();
        return this;
    }

    /** @return why the oldest stored bar or symbol request cannot be forwarded now, or {@code null} while it can. */
    public String failure() {
        return failure;
    }

    /** A body was stored: look now rather than at the next poll. */
    public void wake() {
        synchronized (work) {
            woken = true;
            work.notifyAll();
        }
    }

    private void run() {
        try {
            while (!stopping) {
                final BodyQueue.Body body;
                try {
                    body = queue.oldest();
                } catch (final SQLException e) {
                    LOG.error("cannot read stored bars and symbols", e);
                    failure = "buffer: " + e.getMessage();
                    pause(backoff.nextDelayMs());
                    continue;
                }
                if (body == null) {
                    pause(idlePollMs);
                    continue;
                }
                forward(body);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forward(final BodyQueue.Body body) throws InterruptedException {
        final EngineAnswer answer = client.postJson(body.path(), body.bytes());
        final long nowMsc = System.currentTimeMillis();
        try {
            switch (answer.kind()) {
                case ACCEPTED -> {
                    queue.delete(body.id());
                    forwardedItems.addAndGet(body.items());
                    backoff.reset();
                    failure = null;
                    if (failingSinceMsc != 0) {
                        LOG.info("forwarding bars and symbols again [path={}]", body.path());
                        failingSinceMsc = 0;
                    }
                }
                case INVALID, TOO_LARGE -> {
                    queue.quarantine(body.id(), answer.describe(), nowMsc);
                    // The engine answered: forwarding works, this request's data does not.
                    failure = null;
                    LOG.warn(
                            "request quarantined [path={}, id={}, reason={}]",
                            body.path(),
                            body.id(),
                            answer.describe());
                }
                case RETRY, REFUSED -> {
                    failure = answer.describe();
                    if (failingSinceMsc == 0) {
                        failingSinceMsc = nowMsc;
                        LOG.warn(
                                "cannot forward bars and symbols, retrying [path={}, answer={}]",
                                body.path(),
                                answer.describe());
                    }
                    pause(Math.max(backoff.nextDelayMs(), answer.retryAfterMs()));
                }
            }
        } catch (final SQLException e) {
            LOG.error("cannot update stored bars and symbols [id={}]", body.id(), e);
            failure = "buffer: " + e.getMessage();
            pause(backoff.nextDelayMs());
        }
    }

    private void pause(final long ms) throws InterruptedException {
        synchronized (work) {
            if (!woken && !stopping) {
                work.wait(Math.max(1, ms));
            }
            woken = false;
        }
    }

    /** Stops after the request in progress (whose body stays stored if it was not acknowledged). */
    @Override
    public void close() {
        stopping = true;
        wake();
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
