package io.tokenledger.focus.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetTableTest {
  private static final List<Column> COLUMNS = List.of(Column.decimal("BilledCost", 9), Column.string("ChargeClass"),
      Column.timestamp("ChargePeriodStart"), Column.integer("x_CostNanoUsd"));

  @Test
  void writesTypedColumnsThatReadBackExactly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("focus.parquet");
    Map<String, String> correction = new HashMap<>(Map.of("BilledCost", "-0.000000001", "ChargeClass", "Correction",
        "ChargePeriodStart", "2026-11-03T00:00:00Z", "x_CostNanoUsd", "-1"));
    Map<String, String> usage = new HashMap<>(Map.of("BilledCost", "12345678901234.123456789", "ChargeClass", "",
        "ChargePeriodStart", "2026-11-30T00:00:00Z", "x_CostNanoUsd", "12345678901234123456789".substring(0, 18)));
    ParquetTable.write(COLUMNS, List.of(correction, usage), file);

    MessageType schema;
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      schema = reader.getFooter().getFileMetaData().getSchema();
      assertEquals(2, reader.getRecordCount());
    }
    assertEquals(LogicalTypeAnnotation.decimalType(9, 38), schema.getType("BilledCost").getLogicalTypeAnnotation());
    assertEquals(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS),
        schema.getType("ChargePeriodStart").getLogicalTypeAnnotation());
    assertEquals(LogicalTypeAnnotation.stringType(), schema.getType("ChargeClass").getLogicalTypeAnnotation());

    try (var reader = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
        .withDataModel(ParquetTable.model()).withConf(new PlainParquetConfiguration()).build()) {
      GenericRecord first = reader.read();
      assertEquals(new BigDecimal("-0.000000001"), first.get("BilledCost"));
      assertEquals("Correction", first.get("ChargeClass").toString());
      GenericRecord second = reader.read();
      assertEquals(new BigDecimal("12345678901234.123456789"), second.get("BilledCost"), "exact, no double on the way");
      assertNull(second.get("ChargeClass"), "an empty cell is null");
      assertEquals(Instant.parse("2026-11-30T00:00:00Z").toEpochMilli(), second.get("ChargePeriodStart"));
      assertEquals(123456789012341234L, second.get("x_CostNanoUsd"));
    }
    assertEquals(true, Files.size(file) > 0);
  }

  @Test
  void refusesToRoundADecimal(@TempDir Path dir) {
    Map<String, String> row = Map.of("BilledCost", "0.0000000001");
    assertThrows(ArithmeticException.class, () -> ParquetTable.write(COLUMNS, List.of(row), dir.resolve("x.parquet")));
  }
}
