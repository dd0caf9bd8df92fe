package io.tickengine.http.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFormatTest {
    @TempDir
    Path dir;

    @Test
    void shouldTellFormatsFromHeaderLine() {
        assertEquals(FileFormat.ENGINE_CSV, FileFormat.detect("symbol,time_msc,bid,ask,last,volume,flags"));
        assertEquals(FileFormat.ENGINE_CSV, FileFormat.detect("time_msc,symbol,bid,ask,last,volume,flags,seq"));
        assertEquals(
                FileFormat.MT5_TICKS, FileFormat.detect("<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>"));
        assertEquals(
                FileFormat.MT5_BARS,
                FileFormat.detect("<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>"));
        assertEquals(
                FileFormat.MT5_BARS, FileFormat.detect("<DATE>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>"));
        assertEquals(FileFormat.MT5_TICKS, FileFormat.detect("\uFEFF<DATE>\t<TIME>\t<BID>\t<ASK>"));
    }

    @Test
    void shouldNotGuessUnknownHeader() {
        assertNull(FileFormat.detect("symbol,timeframe,open_time_msc,open,high,low,close,tick_volume"));
        assertNull(FileFormat.detect("<DATE> <TIME> <BID> <ASK>"));
        assertNull(FileFormat.detect(""));
    }

    @Test
    void shouldTellFormatOfFixtureFiles() throws Exception {
        assertEquals(FileFormat.ENGINE_CSV, FileFormat.detect(ImportFiles.fixture("EURUSD_20260713_dukascopy.csv")));
        assertEquals(FileFormat.MT5_TICKS, FileFormat.detect(ImportFiles.fixture("BTCUSD_20230220_mt5export.csv")));
    }

    @Test
    void shouldTellFormatOfUtf16FileWithOrWithoutByteOrderMark() throws Exception {
        final String header = "<DATE>\t<TIME>\t<BID>\t<ASK>\t<LAST>\t<VOLUME>\t<FLAGS>\r\n";
        final Path withMark =
                Files.write(dir.resolve("a.csv"), ("\uFEFF" + header).getBytes(StandardCharsets.UTF_16LE));
        final Path withoutMark = Files.write(dir.resolve("b.csv"), header.getBytes(StandardCharsets.UTF_16LE));
        final Path bigEndian =
                Files.write(dir.resolve("c.csv"), ("\uFEFF" + header).getBytes(StandardCharsets.UTF_16BE));

        assertEquals(FileFormat.MT5_TICKS, FileFormat.detect(withMark));
        assertEquals(FileFormat.MT5_TICKS, FileFormat.detect(withoutMark));
        assertEquals(FileFormat.MT5_TICKS, FileFormat.detect(bigEndian));
    }

    @Test
    void shouldFindNoFormatInEmptyFile() throws Exception {
        assertNull(FileFormat.detect(Files.writeString(dir.resolve("empty.csv"), "")));
    }
}
