package io.tickengine.http.cli;

import io.tickengine.core.EngineContext;
import io.tickengine.core.datadir.DataDirInUseException;
import io.tickengine.core.datadir.DataDirLock;
import io.tickengine.core.journal.JournalTail;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tick-engine journal verify | repair}: find and cut a damaged journal tail. */
@Command(
        name = "journal",
        mixinStandardHelpOptions = true,
        description = {
            "Check the journal's cycle files for damage, and cut a damaged tail.",
            "The engine does the same for the newest file at every start; these are for an operator."
        },
        subcommands = {JournalCommand.Verify.class, JournalCommand.Repair.class})
public final class JournalCommand {
    public JournalCommand() {}

    /** Reads every cycle file and names the damage; changes nothing. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Read every journal file and name any damage: the file, the index and byte offset of the first",
                "document that is not whole, and what is wrong with it (a write never finished, a truncated file,",
                "bytes that are not a record). Changes nothing.",
                "Exit code: 0 whole, 1 damaged, 2 bad input. With the engine running, the newest file may show the",
                "write in progress: stop it first for a clean answer."
            })
    public static final class Verify implements Callable<Integer> {
        @Mixin
        ConfigOptions config;

        private final PrintStream out;

        public Verify() {
            this(System.out);
        }

        Verify(final PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            final EngineContext context = config.engineContext();
            String runningNote = null;
            DataDirLock lock = null;
            try {
                lock = DataDirLock.acquire(context.dataDir(), "journal verify");
            } catch (final DataDirInUseException e) {
                runningNote = e.getMessage();
            }
            try {
                final List<JournalTail.FileCheck> checks =
                        JournalTail.verify(context.journalDir(), context.journalRollCycle());
                if (runningNote != null) {
                    out.println(
                            "journal verify: note: " + runningNote + "; the newest file may show a write in progress");
                }
                if (checks.isEmpty()) {
                    out.println("journal verify: no journal files [dir=" + context.journalDir() + "]");
                    return 0;
                }
                int damaged = 0;
                for (final JournalTail.FileCheck check : checks) {
                    out.println("journal verify: " + check.describe());
                    if (check.isDamaged()) {
                        damaged++;
                    }
                }
                if (damaged == 0) {
                    out.println("journal verify: ok [files=" + checks.size() + "]");
                    return 0;
                }
                out.println("journal verify: DAMAGED [files=" + damaged + " of " + checks.size()
                        + "]; stop the engine and run: tick-engine journal repair --data-dir " + context.dataDir());
                return 1;
            } finally {
                if (lock != null) {
                    lock.close();
                }
            }
        }
    }

    /** Cuts every damaged cycle file at its last whole document. */
    @Command(
            name = "repair",
            mixinStandardHelpOptions = true,
            description = {
                "Cut every damaged journal file at its last whole document: the whole documents are rewritten at",
                "their own indexes, the damaged file is moved to <data dir>/journal/" + JournalTail.DAMAGED_DIR
                        + "/ (nothing is deleted), and what was cut is reported.",
                "Documents after the damage are lost from the journal (candles and ticks already in the store",
                "stay). Refuses while another process (the engine) owns the data dir: stop it first (exit 2)."
            })
    public static final class Repair implements Callable<Integer> {
        @Mixin
        ConfigOptions config;

        private final PrintStream out;

        public Repair() {
            this(System.out);
        }

        Repair(final PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            final EngineContext context = config.engineContext();
            final DataDirLock lock = DataDirLock.acquire(context.dataDir(), "journal repair");
            try (lock) {
                final List<JournalTail.FileCheck> cut =
                        JournalTail.repair(context.journalDir(), context.journalRollCycle());
                for (final JournalTail.FileCheck check : cut) {
                    out.println("journal repair: cut " + check.describe());
                }
                out.println(
                        cut.isEmpty()
                                ? "journal repair: nothing to cut [dir=" + context.journalDir() + "]"
                                : "journal repair: done [filesCut=" + cut.size() + ", damagedFilesKeptIn="
                                        + context.journalDir().resolve(JournalTail.DAMAGED_DIR) + "]");
                return 0;
            }
        }
    }
}
