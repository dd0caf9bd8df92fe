package io.tickengine.ml;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Base of the test classes that share one {@link TrainedModel}: created before the first test, deleted after the last. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TrainedModelTest {
    /** The held-out period's start, as a CLI argument. */
    protected static final String TEST_FROM = TrainedModel.TEST_FROM;

    private TrainedModel trained;
    protected Path dataDir;
    protected Path work;
    protected Path csv;
    protected Path model;

    @BeforeAll
    void trainOnTheRealBars() throws Exception {
        trained = TrainedModel.create();
        dataDir = trained.dataDir();
        work = trained.work();
        csv = trained.csv();
        model = trained.model();
    }

    @AfterAll
    void deleteTheDirectories() throws Exception {
        trained.close();
    }
}
