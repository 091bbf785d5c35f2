package io.tokenledger.focus.parquet;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Writes rows of text cells as one Parquet file with typed columns: decimals stay exact
 * (Parquet DECIMAL, precision 38, never a double), timestamps are UTC milliseconds, empty cells
 * are null. The file is written locally (no Hadoop file system) and compressed with Snappy.
 */
public final class ParquetTable {
  static final int PRECISION = 38;

  private ParquetTable() {}

  public static void write(List<Column> columns, List<Map<String, String>> rows, Path file) throws IOException {
    Schema schema = schema(columns);
    Files.deleteIfExists(file);
    try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
        .withSchema(schema).withDataModel(model()).withConf(new PlainParquetConfiguration())
        .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      for (Map<String, String> row : rows) {
        GenericRecord record = new GenericData.Record(schema);
        for (Column column : columns) {
          record.put(column.name(), value(column, row.get(column.name())));
        }
        writer.write(record);
      }
    }
  }

  /** The bytes of such a file, for an HTTP answer. */
  public static byte[] bytes(List<Column> columns, List<Map<String, String>> rows) throws IOException {
    Path file = Files.createTempFile("tokenledger-export", ".parquet");
    try {
      write(columns, rows, file);
      return Files.readAllBytes(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  static Schema schema(List<Column> columns) {
    SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("FocusRow").namespace("io.tokenledger.focus")
        .fields();
    for (Column column : columns) {
      Schema type = switch (column.kind()) {
        case STRING -> Schema.create(Schema.Type.STRING);
        case LONG -> Schema.create(Schema.Type.LONG);
        case TIMESTAMP -> LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        case DECIMAL -> LogicalTypes.decimal(PRECISION, column.scale()).addToSchema(Schema.create(Schema.Type.BYTES));
      };
      fields = fields.name(column.name()).type(Schema.createUnion(Schema.create(Schema.Type.NULL), type))
          .withDefault(null);
    }
    return fields.endRecord();
  }

  private static Object value(Column column, String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    return switch (column.kind()) {
      case STRING -> text;
      case LONG -> Long.parseLong(text);
      case TIMESTAMP -> Instant.parse(text).toEpochMilli();
      // Exact: a cell with more decimals than the column's scale is an error, never rounded.
      case DECIMAL -> new BigDecimal(text).setScale(column.scale(), RoundingMode.UNNECESSARY);
    };
  }

  static GenericData model() {
    GenericData model = new GenericData();
    model.addLogicalTypeConversion(new Conversions.DecimalConversion());
    return model;
  }
}
