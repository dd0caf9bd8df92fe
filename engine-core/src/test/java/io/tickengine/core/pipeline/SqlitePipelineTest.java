package io.tickengine.core.pipeline;

/** The pipeline acceptance tests on the embedded SQLite store. */
class SqlitePipelineTest extends AbstractPipelineTest {
    @Override
    String dbUrl() {
        return null;
    }
}
