package io.tickengine.core.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionTest {

    private static PgDatabase beforeAllDatabase;

    private final PgDatabase classDatabase;

    PostgresExtensionTest(PgDatabase classDatabase) {
        this.classDatabase = classDatabase;
    }

    @BeforeAll
    static void rememberDatabase(PgDatabase database) {
        beforeAllDatabase = database;
    }

    @Test
    void shouldConnectAndRunQueries(PgDatabase database) throws SQLException {
        try (Connection connection = database.connect()) {
            assertTrue(queryString(connection, "select version()").startsWith("PostgreSQL "));
            assertEquals(database.name(), queryString(connection, "select current_database()"));
        }
    }

    @Test
    void shouldHandTheSameDatabaseToEveryParameterOfAClass(PgDatabase database) {
        assertEquals(classDatabase, database);
        assertEquals(beforeAllDatabase, database);
        assertTrue(database.name().startsWith("t_postgresextensiontest_"), database.name());
        assertTrue(database.name().length() <= 63, database.name());
    }

    @Test
    void shouldAcceptTheSelfContainedUrlWithoutSeparateCredentials(PgDatabase database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl())) {
            assertEquals(database.name(), queryString(connection, "select current_database()"));
        }
    }

    @Nested
    class AnotherTestClass {

        @Test
        void shouldGiveEachTestClassItsOwnDatabase(PgDatabase nestedDatabase) throws SQLException {
            assertNotEquals(classDatabase.name(), nestedDatabase.name());
            assertTrue(nestedDatabase.name().startsWith("t_postgresextensiontest_anothertestclass_"));

            try (Connection outer = classDatabase.connect();
                    Connection nested = nestedDatabase.connect()) {
                execute(outer, "create table only_in_outer (id int)");
                assertEquals("only_in_outer", queryString(outer, "select to_regclass('only_in_outer')::text"));
                assertNull(queryString(nested, "select to_regclass('only_in_outer')::text"));
            }
        }
    }

    @Test
    void shouldSurviveImmediateStopAndStartAgain() throws SQLException {
        try (LocalPostgres postgres = PostgresExtension.startDedicated()) {
            postgres.createDatabase("outage");
            String url = postgres.jdbcUrl("outage");
            try (Connection connection = DriverManager.getConnection(url)) {
                execute(connection, "create table ticks (id int primary key, price numeric not null)");
                execute(connection, "insert into ticks values (1, 1.2345)");
            }

            postgres.stopImmediate();

            assertFalse(postgres.isRunning());
            assertThrows(
                    SQLException.class,
                    () -> DriverManager.getConnection(url + "&connectTimeout=5").close());

            postgres.startAgain();

            assertTrue(postgres.isRunning());
            try (Connection connection = DriverManager.getConnection(url)) {
                assertEquals("1.2345", queryString(connection, "select price::text from ticks where id = 1"));
            }
        }
    }

    @Test
    void shouldStopAndDeleteTheClusterOnClose() throws SQLException {
        LocalPostgres postgres = PostgresExtension.startDedicated();
        String url = postgres.adminJdbcUrl();
        try (Connection connection = DriverManager.getConnection(url)) {
            assertEquals("1", queryString(connection, "select 1"));
        }

        postgres.close();
        postgres.close();

        assertFalse(postgres.isRunning());
        assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(url + "&connectTimeout=5").close());
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            assertTrue(resultSet.next(), sql);
            return resultSet.getString(1);
        }
    }
}
